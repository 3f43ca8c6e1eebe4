import { Address } from "../../../src/core/address";
import { piecesView, wholeView } from "../../../src/core/range-view";

const base = Address.parse("ffffd100`00002000")!;
const at = (offset: number) => base.add(offset);

describe("range views", () => {
  test("a range read whole is readable to its end and no further", () => {
    const v = wholeView(new Uint8Array(0x2000));
    expect(v.holes).toBe(0);
    expect(v.readable(0x1ff0, 0x10)).toBe(true);
    expect(v.readable(0x1ff0, 0x11)).toBe(false);
  });

  test("pieces: the bytes land at their offsets, a page is readable only when covered whole, holes are counted", () => {
    const first = new Uint8Array(0x1000).fill(0xaa);
    const partOfThird = new Uint8Array(0x800).fill(0xcc);
    const v = piecesView(base, 0x3000, [
      { start: base, bytes: first },
      { start: at(0x2000), bytes: partOfThird },
    ]);
    expect(v.bytes[0xfff]).toBe(0xaa);
    expect(v.bytes[0x2000]).toBe(0xcc);
    expect(v.bytes[0x1000]).toBe(0);
    expect(v.holes).toBe(2);
    expect(v.readable(0, 0x1000)).toBe(true);
    expect(v.readable(0xff0, 0x20)).toBe(false);
    expect(v.readable(0x2000, 0x10)).toBe(false);
    expect(v.readable(0x2ff0, 0x20)).toBe(false);
  });

  test("a piece outside the range is ignored", () => {
    const v = piecesView(base, 0x1000, [{ start: at(0x5000), bytes: new Uint8Array(0x1000).fill(1) }]);
    expect(v.holes).toBe(1);
    expect(v.bytes.every((b) => b === 0)).toBe(true);
  });
});
