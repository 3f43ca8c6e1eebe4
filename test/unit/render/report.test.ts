// The shared output conventions (src/render/report.ts): sizes, the Next: block, the short layout line.
import { layoutNote, nextBlock, sizeText, builtInLayoutsThisSession } from "../../../src/render/report";

describe("sizeText", () => {
  test.each([
    [0, "0x0 (0 bytes)"],
    [1, "0x1 (1 byte)"],
    [0x380, "0x380 (896 bytes)"],
    [0x400, "0x400 (1.00 KB)"],
    [0x129800000, "0x129800000 (4.65 GB)"],
    [-0x1000, "-0x1000 (4.00 KB)"],
  ])("%d -> %s", (bytes, text) => {
    expect(sizeText(bytes)).toBe(text);
  });
});

describe("nextBlock", () => {
  test("one follow-up per line, commands padded to one column", () => {
    expect(
      nextBlock([
        { command: '!poolallocs "Leak"', why: "every live allocation" },
        { command: "db ffffa38c`12345000 L0x380", why: "the first block's bytes" },
      ]),
    ).toEqual(["Next:", '  !poolallocs "Leak"           every live allocation', "  db ffffa38c`12345000 L0x380  the first block's bytes"]);
  });
  test("nothing to suggest: no block at all", () => {
    expect(nextBlock([])).toEqual([]);
    expect(nextBlock([{ command: "", why: "x" }])).toEqual([]);
  });
});

describe("layoutNote", () => {
  const builtIn = { typeName: "_TEST_A", origin: "built-in" as const, description: "_TEST_A: not in the symbols; using the built-in layout for X", guessed: false, variantLabel: "Windows 10 x64" };
  test("a built-in layout: one short line, the first time in the session only; the full reason is kept for !leaktools", () => {
    expect(layoutNote(builtIn)).toEqual(["Layout: built-in _TEST_A (Windows 10 x64), not from the symbols; !leaktools shows why."]);
    expect(layoutNote(builtIn)).toEqual([]);
    expect(builtInLayoutsThisSession()).toContainEqual({ typeName: "_TEST_A", description: builtIn.description });
  });
  test("from the symbols: nothing", () => {
    expect(layoutNote({ typeName: "_TEST_B", origin: "symbols", description: "_TEST_B: from nt's symbols", guessed: false })).toEqual([]);
  });
  test("a guess says so", () => {
    expect(layoutNote({ ...builtIn, typeName: "_TEST_C", guessed: true })[0]).toMatch(/^Layout: guessed built-in _TEST_C/);
  });
});
