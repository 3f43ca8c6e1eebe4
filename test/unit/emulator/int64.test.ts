import { makeInt64Class, PRECISION_MESSAGE } from "../../emulator/int64";

describe("emulated host.Int64 follows the reference (jsprovider-api.md §2.1)", () => {
  const { Int64, parseInt64 } = makeInt64Class();

  test("callable with and without new, interned by value", () => {
    const a = Int64(1337);
    const b = new Int64(1337);
    expect(a).toBe(b);
    expect(parseInt64("0x539", 16)).toBe(a);
    expect(Int64(0xffffffff, 0x7fffffff)).toBe(parseInt64("7fffffffffffffff", 16));
  });

  test("valueOf converts up to 2^53-2 and throws the provider's message from 2^53-1", () => {
    const ok = parseInt64(String(2 ** 53 - 2), 10) as unknown as number;
    expect(+ok).toBe(2 ** 53 - 2);
    const bad = parseInt64(String(2 ** 53 - 1), 10);
    expect(() => +(bad as unknown as number)).toThrow(PRECISION_MESSAGE);
    expect(() => (parseInt64("fffff80747f50000", 16) as unknown as { asNumber(): number }).asNumber()).toThrow(PRECISION_MESSAGE);
  });

  test("toString(16) is bare lowercase hex; halves and compareTo work", () => {
    const k = parseInt64("FFFFF80747F50000", 16) as unknown as Record<string, (...a: unknown[]) => unknown>;
    const hex = (v: unknown) => (v as { toString(radix: number): string }).toString(16);
    expect(hex(k)).toBe("fffff80747f50000");
    expect(k.getHighPart()).toBe(0xfffff807);
    expect(k.getLowPart()).toBe(0x47f50000);
    expect((Int64(5) as unknown as Record<string, (v: unknown) => unknown>).compareTo(7)).toBe(-1);
    expect((k.add(0x10) as { toString(r: number): string }).toString(16)).toBe("fffff80747f50010");
  });

  test("a JS literal above 2^53 is rounded before the call, parseInt64 is exact", () => {
    expect((Int64(0x1000000000000001) as unknown as { toString(r: number): string }).toString(16)).toBe("1000000000000000");
    expect((parseInt64("0x1000000000000001") as unknown as { toString(r: number): string }).toString(16)).toBe("1000000000000001");
  });
});
