// leaktools' subcode tables hold exactly the Parameter 1 values Microsoft's pages document (the fixture lists them,
// transcribed from the pages, with provenance), each with a meaning and three parameter meanings.
import * as fs from "fs";
import * as path from "path";
import { SUBCODES } from "../../../src/bugcheck/codes";

function documented(): Map<number, number[]> {
  const text = fs.readFileSync(path.join(__dirname, "../../fixtures/triage/msd-subcodes.txt"), "utf8");
  const out = new Map<number, number[]>();
  for (const line of text.split("\n")) {
    const m = /^(0x[0-9A-F]+):\s+(.*)$/.exec(line);
    if (!m) continue;
    const code = parseInt(m[1], 16);
    out.set(code, (out.get(code) || []).concat(m[2].trim().split(/\s+/).map((v) => parseInt(v, 16))));
  }
  return out;
}

const hexList = (values: number[]) => values.map((v) => "0x" + v.toString(16)).sort();

describe.each([["0xC4", 0xc4], ["0xC2", 0xc2], ["0x19", 0x19], ["0x1A", 0x1a]])("bug check %s", (_name, code) => {
  const listed = documented().get(code as number)!;

  test("every documented subcode is in the table, and nothing else", () => {
    expect(listed.length).toBeGreaterThan(10);
    const table = Object.keys(SUBCODES[code as number]).map(Number);
    expect(hexList(listed.filter((v) => table.indexOf(v) < 0))).toEqual([]);
    expect(hexList(table.filter((v) => listed.indexOf(v) < 0))).toEqual([]);
  });

  test("each subcode has a meaning and the meanings of Arg2..Arg4 (0x1A: where the page gives them)", () => {
    for (const v of listed) {
      const sub = SUBCODES[code as number][v];
      expect(sub.meaning.length).toBeGreaterThan(10);
      if (code === 0x1a && !sub.parameters) continue;
      expect(sub.parameters).toHaveLength(3);
      for (const p of sub.parameters!) expect(p.length).toBeGreaterThan(0);
    }
  });
});

test("the documented 0xC4 list is the page's size (over 190 values)", () => {
  expect(documented().get(0xc4)!.length).toBeGreaterThan(190);
});
