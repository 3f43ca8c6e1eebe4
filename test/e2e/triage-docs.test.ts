// The crashtriage user documentation against the built command: docs/readme/triage.md names every code the command
// decodes (its own COVERED_CODES list, which !leaktools prints), and README's `@$crashtriage()` results row names every
// field the records returned by the bundle have, kernel and user mode.
import * as fs from "fs";
import * as path from "path";
import { DebuggerSession } from "../emulator/session";
import { exceptionCrashScene, userAfterFreeScene } from "../targets/bugcheck";
import { COVERED_CODES } from "../../src/commands/triage";

const ROOT = path.resolve(__dirname, "../..");
const page = fs.readFileSync(path.join(ROOT, "docs/readme/triage.md"), "utf8");
const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const row = readme.split("\n").find((l) => l.startsWith("| `@$crashtriage()` |")) || "";
const codeText = (c: number) => "0x" + (c < 0x10 ? "0" : "") + c.toString(16).toUpperCase();

test("docs/readme/triage.md's table has a row for every code the command decodes, and its list names them all", () => {
  const table = page.split("\n").filter((l) => l.startsWith("| 0x"));
  for (const c of COVERED_CODES) {
    expect([c, table.some((l) => new RegExp("\\b" + codeText(c) + "\\b").test(l.split(" | ")[0]))]).toEqual([c, true]);
  }
  const list = /decoded \(from the command's own list\): ([^.]*)/.exec(page.replace(/\n/g, " "));
  expect(list && list[1].split(/, (?:and )?/).filter((x) => /^0x/.test(x))).toEqual(COVERED_CODES.map(codeText));
});

test("!leaktools names the same codes the page lists", () => {
  const out = DebuggerSession.load(exceptionCrashScene().target).run("!leaktools").output;
  const line = out.split("\n").find((l) => /crashtriage/.test(l) && /decodes/.test(l)) || "";
  for (const c of COVERED_CODES) expect(line).toContain(" " + codeText(c).slice(2));
});

test("README's @$crashtriage() row names every field of the kernel and the user-mode record", () => {
  expect(row).not.toBe("");
  const kernel = DebuggerSession.load(exceptionCrashScene().target).run("dx @$crashtriage()").value as { [k: string]: unknown };
  const user = DebuggerSession.load(userAfterFreeScene().b.target).run("dx @$crashtriage()").value as { [k: string]: unknown };
  const fields = Object.keys(kernel).concat(Object.keys(user));
  expect(fields.length).toBeGreaterThan(10);
  // A collection is written `Name[]` and its element fields after it.
  const named = (f: string) => row.includes("`" + f + "`") || row.includes("`" + f + "[]`");
  for (const f of fields) expect([f, named(f)]).toEqual([f, true]);
  const parameter = (kernel.Parameters as { [k: string]: unknown }[])[0];
  const next = (kernel.NextCommands as { [k: string]: unknown }[])[0];
  for (const f of Object.keys(parameter).concat(Object.keys(next))) expect([f, named(f)]).toEqual([f, true]);
});
