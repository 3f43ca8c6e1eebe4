import { imageReader, COALESCE_GAP } from "../../../src/pe/rva-reader";
import { Address } from "../../../src/core/address";
import { Unreadable } from "../../../src/core/missing";
import type { Target } from "../../../src/host/target";

/** An image of `pages` pages whose byte at RVA r is r & 0xff, with `holes` (page indexes) unreadable; logs each read. */
function fakeTarget(pages: number, holes: number[]) {
  const log: [number, number][] = [];
  const target = {
    memory: {
      read(address: Address, size: number, what: string) {
        const rva = address.lo;
        log.push([rva, size]);
        for (let p = Math.floor(rva / 0x1000); p <= Math.floor((rva + size - 1) / 0x1000); p++) {
          if (holes.indexOf(p) >= 0 || p >= pages) return new Unreadable(address, size, what);
        }
        return Uint8Array.from({ length: size }, (_, i) => (rva + i) & 0xff);
      },
    },
  } as unknown as Target;
  return { target, log };
}

describe("imageReader: exact ranges, joined when close", () => {
  test("close ranges are one read, far ones two; kept bytes are not read again", () => {
    const { target, log } = fakeTarget(4, []);
    const r = imageReader(target, new Address(0, 0), 0x4000, "test image");
    r.prefetch([[0x100, 0x140], [0x140 + COALESCE_GAP, 0x300], [0x3000, 0x3010]]);
    expect(log).toEqual([[0x100, 0x200], [0x3000, 0x10]]);
    expect(r.read(0x180, 0x20)![0]).toBe(0x80);
    expect(log.length).toBe(2);
    // A read that starts in kept bytes fetches only what follows them.
    expect(r.read(0x2f0, 0x20)![0x10]).toBe(0x00);
    expect(log[2]).toEqual([0x300, 0x10]);
  });

  test("a dry reader notes misses and reads nothing", () => {
    const { target, log } = fakeTarget(2, []);
    const r = imageReader(target, new Address(0, 0), 0x2000, "test image");
    const misses: [number, number][] = [];
    expect(r.dry(misses)(0x10, 8)).toBeNull();
    expect(misses).toEqual([[0x10, 0x18]]);
    expect(log).toEqual([]);
  });

  test("a range over an unreadable page is read page by page; the page is remembered", () => {
    const { target, log } = fakeTarget(3, [1]);
    const r = imageReader(target, new Address(0, 0), 0x3000, "test image");
    r.prefetch([[0xf00, 0x2100]]);
    expect(log).toEqual([[0xf00, 0x1200], [0xf00, 0x100], [0x1000, 0x1000], [0x2000, 0x100]]);
    expect(r.unreadablePages()).toEqual([0x1000]);
    expect(r.read(0xf80, 0x10)).not.toBeNull();
    expect(r.read(0x1800, 0x10)).toBeNull();
    // Not asked again: the page is known to be unreadable.
    expect(log.length).toBe(4);
  });
});
