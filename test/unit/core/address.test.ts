import { Address } from "../../../src/core/address";

describe("Address", () => {
  test("formats as the debugger prints: backtick on 64-bit, eight digits on 32-bit", () => {
    expect(Address.parse("fffff807`47f50000")!.format(8)).toBe("fffff807`47f50000");
    expect(Address.parse("0xe0894d1f")!.format(4)).toBe("e0894d1f");
    expect(Address.parse("1000")!.format(8)).toBe("00000000`00001000");
    expect(Address.parse("1000")!.format(4)).toBe("00001000");
  });

  test("parses the forms users type and rejects the rest", () => {
    const a = Address.parse("fffff807`47f50000")!;
    expect(Address.parse("0xfffff80747f50000")!.equals(a)).toBe(true);
    expect(Address.parse("FFFFF80747F50000")!.equals(a)).toBe(true);
    for (const bad of ["", "0x", "xyz", "12345678901234567", "fffff807`47f5000g", "-1"]) expect(Address.parse(bad)).toBeNull();
  });

  test("round-trips every 64-bit form, including values above 2^53", () => {
    const samples = ["0", "1", "7fffffff", "80000000", "ffffffff", "100000000", "1fffffffffffff", "20000000000000", "fffff80747f50000", "ffffffffffffffff"];
    for (const s of samples) {
      const a = Address.parse(s)!;
      expect(a.toHex()).toBe(s);
      expect(Address.parse(a.format(8))!.equals(a)).toBe(true);
    }
  });

  test("adds and subtracts across the 32-bit carry without precision loss", () => {
    const a = Address.parse("fffff807`fffffff0")!;
    expect(a.add(0x20).format(8)).toBe("fffff808`00000010");
    expect(a.add(0x20).subtract(0x20).equals(a)).toBe(true);
    expect(Address.parse("fffff808`00000010")!.distanceFrom(a)).toBe(0x20);
    expect(a.distanceFrom(a.add(1))).toBeNull();
    expect(Address.parse("ffffffff`ffffffff")!.add(1).isNull).toBe(true);
  });

  test("isWithin matches lm's [start, end) ranges", () => {
    const base = Address.parse("fffff807`47f50000")!;
    expect(Address.parse("fffff807`47f51559")!.isWithin(base, 0x9000)).toBe(true);
    expect(Address.parse("fffff807`47f59000")!.isWithin(base, 0x9000)).toBe(false);
    expect(Address.parse("fffff807`47f4ffff")!.isWithin(base, 0x9000)).toBe(false);
  });

  test("toNumber refuses addresses above 2^53", () => {
    expect(Address.parse("1fffffffffffff")!.toNumber()).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => Address.parse("fffff80747f50000")!.toNumber()).toThrow(RangeError);
  });
});
