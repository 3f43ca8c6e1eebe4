// DESIGN.md "Layers": a command imports domain, host, core and render code and the command types, never another
// command (what two commands share lives in its domain folder); the rest never imports a command (the runner and
// the registration take the command type).
import * as fs from "fs";
import * as path from "path";

const SRC = path.join(__dirname, "..", "..", "src");
const importsOf = (file: string) => Array.from(fs.readFileSync(file, "utf8").matchAll(/^import[^;]*?from "([^"]+)"/gm), (m) => m[1]);
const filesUnder = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));

/** A command's own part, imported by that command only. */
const PARTS: { [part: string]: string } = { "./leaks-file": "leaks.ts", "./heapleaks-file": "heapleaks.ts" };

test("commands import no other command", () => {
  const wrong: string[] = [];
  for (const file of filesUnder(path.join(SRC, "commands"))) {
    for (const spec of importsOf(file)) {
      if (!spec.startsWith("./")) continue;
      if (spec === "./command") continue;
      if (PARTS[spec] === path.basename(file)) continue;
      wrong.push(path.basename(file) + " imports " + spec);
    }
  }
  expect(wrong).toEqual([]);
});

test("domain, host, core, render and layout code import no command", () => {
  const wrong: string[] = [];
  for (const dir of fs.readdirSync(SRC).filter((d) => d !== "commands" && fs.statSync(path.join(SRC, d)).isDirectory())) {
    for (const file of filesUnder(path.join(SRC, dir))) {
      for (const spec of importsOf(file)) if (/(^|\/)commands\//.test(spec) && !/commands\/command$/.test(spec)) wrong.push(path.relative(SRC, file) + " imports " + spec);
    }
  }
  expect(wrong).toEqual([]);
});
