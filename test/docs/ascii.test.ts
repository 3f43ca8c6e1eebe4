// Output conventions 3: output is ASCII, since the classic debugger's console may not render Unicode (arrows, dashes,
// ellipses). samples.test.ts holds every transcript in samples/*.md to what the bundle prints for its scene, and the
// golden tests hold test/golden/ to theirs, so a character outside printable ASCII in any of them is one in the output.
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
const BLOCK = /<!-- transcript: ([\w-]+) -->\n```text\n([\s\S]*?)```\n<!-- \/transcript -->/g;

/** Each line holding a character other than printable ASCII or a tab, as `where: line`. */
function nonAscii(where: string, text: string): string[] {
  return text.split("\n").flatMap((line, i) => (/[^\x20-\x7e\t\r]/.test(line) ? [where + ":" + (i + 1) + ": " + line] : []));
}

test("every sample transcript is printable ASCII", () => {
  const dir = path.join(ROOT, "samples");
  const bad: string[] = [];
  let blocks = 0;
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".md"))) {
    for (const m of fs.readFileSync(path.join(dir, f), "utf8").matchAll(BLOCK)) {
      blocks++;
      bad.push(...nonAscii(f + " (" + m[1] + ")", m[2]));
    }
  }
  expect(blocks).toBeGreaterThan(10);
  expect(bad).toEqual([]);
});

test("every golden output is printable ASCII", () => {
  const dir = path.join(ROOT, "test", "golden");
  const files = fs.readdirSync(dir);
  expect(files.length).toBeGreaterThan(5);
  expect(files.flatMap((f) => nonAscii(f, fs.readFileSync(path.join(dir, f), "utf8")))).toEqual([]);
});

test("the check finds a dash, an arrow and an ellipsis", () => {
  expect(nonAscii("x", "tag 'DrvA' \u2014 90 allocations\nok\na \u2192 b \u2026").length).toBe(2);
});
