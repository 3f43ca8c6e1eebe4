// Checks that the committed bundle and gallery (dist/) are what a clean build of this commit writes: run after
// `npm run build` on a fresh clone (.ci/run does), it fails when dist/ differs from the commit or holds a file the
// commit lacks, so a user who downloads dist/leaktools.js gets the code of the commit it sits in.
// Usage: node scripts/check-dist.js (after npm run build)
"use strict";
const { execFileSync } = require("child_process");

function git(args) {
  return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

let inside = false;
try {
  inside = git(["rev-parse", "--is-inside-work-tree"]).trim() === "true";
} catch (e) {
  inside = false;
}
if (!inside) {
  // A tarball or an export without .git: there is no commit to compare with.
  console.error("check:dist: not a git checkout, so the committed dist/ cannot be compared with the build.");
  process.exit(1);
}
const changed = git(["status", "--porcelain", "--untracked-files=all", "--", "dist"]).split("\n").filter(Boolean);
if (changed.length) {
  console.error("check:dist: dist/ differs from the commit after a clean build:");
  for (const line of changed) console.error("  " + line);
  console.error("Run `npm run build` and commit dist/ with the change to src/ (the bundle must match its commit).");
  process.exit(1);
}
console.log("check:dist: dist/ is byte-identical to a clean build of this commit - ok");
