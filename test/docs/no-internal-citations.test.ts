// User documentation and user-visible messages cite what a user can open (Microsoft Learn pages, public
// repositories, debugger output), never our research notes (DESIGN.md: "never a file of ours"). The research files
// are not shipped, so "(layouts.md §4)" in a README or a message points nowhere.
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const INTERNAL = /\b(layouts|userheap-facts|jsprovider-api|anchors-mission|aesthetics-anchors)\.md\b|\bresearch\/|\bisf\/|§/;

const userDocs = () => [
  "README.md",
  ...fs.readdirSync(path.join(ROOT, "docs/readme")).filter((f) => f.endsWith(".md")).map((f) => "docs/readme/" + f),
  ...fs.readdirSync(path.join(ROOT, "samples")).filter((f) => f.endsWith(".md")).map((f) => "samples/" + f),
];

test("README, docs/readme and the sample walkthroughs cite no research file", () => {
  const found: string[] = [];
  for (const file of userDocs()) {
    fs.readFileSync(path.join(ROOT, file), "utf8").split("\n").forEach((line, i) => {
      if (INTERNAL.test(line)) found.push(file + ":" + (i + 1) + ": " + line.trim().slice(0, 120));
    });
  }
  expect(found).toEqual([]);
});

test("the message catalogue's texts cite no research file (comments may: they are for us)", () => {
  const source = fs.readFileSync(path.join(ROOT, "src/core/messages.ts"), "utf8");
  const texts = source.split("\n").filter((l) => !/^\s*(\/\/|\*|\/\*\*)/.test(l)).join("\n");
  const strings = texts.match(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g) || [];
  expect(strings.filter((s) => INTERNAL.test(s))).toEqual([]);
});
