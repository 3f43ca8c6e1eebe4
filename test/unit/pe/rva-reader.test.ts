import { imageReader, COALESCE_GAP } from "../../../src/pe/rva-reader";
import { Address } from "../../../src/core/address";
import { Target } from "../../../src/host/target";
import { installHost } from "../../support/host-global";
import { kernelTarget, BUILDS } from "../../targets/builder";

/**
 * An image of `pages` pages in the emulated target whose byte at RVA r is r & 0xff, with `holes` (page indexes)
 * unreadable; logs each host read as [rva, size] and counts what the link is charged.
 */
function fakeTarget(pages: number, holes: number[]) {
  const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
  const base = b.alloc(pages * 0x1000 + 0x1000, 0x1000);
  b.memory.write(base, Uint8Array.from({ length: pages * 0x1000 }, (_, i) => i & 0xff));
  b.memory.unmap(base + BigInt(pages * 0x1000), 0x1000);
  for (const h of holes) b.memory.unmap(base + BigInt(h * 0x1000), 0x1000);
  const log: [number, number][] = [];
  const read = b.memory.read.bind(b.memory);
  b.memory.read = (address: bigint, size: number) => {
    log.push([Number(address - base), size]);
    return read(address, size);
  };
  const control = installHost(b.target);
  const at = Address.parse(base.toString(16))!;
  return { target: new Target(), log, control, base: at };
}

describe("imageReader: exact ranges, joined when close", () => {
  test("close ranges are one read, far ones two; kept bytes are not read again", () => {
    const { target, log, base } = fakeTarget(4, []);
    const r = imageReader(target, base, 0x4000, "test image");
    r.prefetch([[0x100, 0x140], [0x140 + COALESCE_GAP, 0x300], [0x3000, 0x3010]]);
    expect(log).toEqual([[0x100, 0x200], [0x3000, 0x10]]);
    expect(r.read(0x180, 0x20)![0]).toBe(0x80);
    expect(log.length).toBe(2);
    // A read that starts in kept bytes fetches only what follows them.
    expect(r.read(0x2f0, 0x20)![0x10]).toBe(0x00);
    expect(log[2]).toEqual([0x300, 0x10]);
  });

  test("a dry reader notes misses and reads nothing", () => {
    const { target, log, base } = fakeTarget(2, []);
    const r = imageReader(target, base, 0x2000, "test image");
    const misses: [number, number][] = [];
    expect(r.dry(misses)(0x10, 8)).toBeNull();
    expect(misses).toEqual([[0x10, 0x18]]);
    expect(log).toEqual([]);
  });

  test("a range over an unreadable page: the bytes before the hole once more in one read, the page probed, the rest read; the page is remembered", () => {
    const { target, log, base } = fakeTarget(3, [1]);
    const r = imageReader(target, base, 0x3000, "test image");
    r.prefetch([[0xf00, 0x2100]]);
    // Halving had read [0xf00, 0x1000) three times: [0xf00,+0x1200] and [0xf00,+0x1100] both carried it and failed.
    expect(log).toEqual([[0xf00, 0x1200], [0xf00, 0x100], [0x1000, 0x1000], [0x2000, 0x100]]);
    expect(r.unreadablePages()).toEqual([0x1000]);
    expect(r.read(0xf80, 0x10)).not.toBeNull();
    expect(r.read(0x1800, 0x10)).toBeNull();
    // Not asked again: the page is known to be unreadable.
    expect(log.length).toBe(4);
  });

  test("a long range with one hole: a few reads, not one per page, and no byte kept twice", () => {
    const { target, log, base, control } = fakeTarget(48, [40]);
    const r = imageReader(target, base, 48 * 0x1000, "test image");
    control.resetCounters();
    r.prefetch([[0, 48 * 0x1000]]);
    expect(log.length).toBeLessThanOrEqual(14);
    expect(r.unreadablePages()).toEqual([40 * 0x1000]);
    expect(r.read(39 * 0x1000, 0x1000)![0]).toBe(0);
    expect(r.read(41 * 0x1000, 7 * 0x1000)!.length).toBe(7 * 0x1000);
    expect(log.length).toBeLessThanOrEqual(14);
  });
});
