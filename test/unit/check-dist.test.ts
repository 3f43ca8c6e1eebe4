// CI (.ci/run) runs scripts/check-dist.js after `npm test` has built dist/ from the commit: it must fail when the
// committed bundle differs from that build (or the build wrote a file the commit lacks), and pass when they agree.
// Run here in a scratch git repository, so the check is held without touching this checkout's dist/.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const SCRIPT = path.join(__dirname, "..", "..", "scripts", "check-dist.js");

const scratch: string[] = [];
afterAll(() => scratch.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function scratchRepo(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-dist-"));
  scratch.push(dir);
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  git("init", "-q");
  git("config", "user.email", "ci@example.invalid");
  git("config", "user.name", "ci");
  fs.mkdirSync(path.join(dir, "dist", "gallery"), { recursive: true });
  fs.writeFileSync(path.join(dir, "dist", "leaktools.js"), '"use strict";\n// built\n');
  fs.writeFileSync(path.join(dir, "dist", "gallery", "manifest.1.xml"), "<ExtensionPackages/>\n");
  git("add", "-A");
  git("commit", "-q", "-m", "dist built from this commit");
  return dir;
}

const check = (dir: string) => spawnSync(process.execPath, [SCRIPT], { cwd: dir, encoding: "utf8" });

describe("check:dist, the CI step that holds the committed dist/ to a clean build", () => {
  test("passes when the build wrote exactly the committed files", () => {
    const r = check(scratchRepo());
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("dist/ is byte-identical to a clean build of this commit");
  });
  test("fails when the build changed the committed bundle", () => {
    const dir = scratchRepo();
    fs.writeFileSync(path.join(dir, "dist", "leaktools.js"), '"use strict";\n// built from newer sources\n');
    const r = check(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/dist\/ differs from the commit after a clean build:\n\s+M dist\/leaktools\.js/);
  });
  test("fails when the build wrote a file the commit lacks", () => {
    const dir = scratchRepo();
    fs.writeFileSync(path.join(dir, "dist", "gallery", "config.xml"), "<Settings/>\n");
    const r = check(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("?? dist/gallery/config.xml");
  });
});
