import { Address } from "../../../src/core/address";
import type { HeapBlock } from "../../../src/heap/heap-blocks";
import { countsByKey, groupBlocks, groupGrowth, ratePerSecond, sizeGroupKey, stackGroupKey } from "../../../src/heap/groups";

const HEAP = new Address(0, 0x29fb0000);
const APP_BASE = new Address(0x7ff6, 0x10000000);
const APP_SIZE = 0x100000;
const inApp = (a: Address) => a.isWithin(APP_BASE, APP_SIZE);
const VTABLE_IMAGE = APP_BASE.add(0x5a0f8); // app!CImage::`vftable' in these tests
const VTABLE_OTHER = APP_BASE.add(0x5a200);
const HEAP_POINTER = new Address(0, 0x29fb1230); // a list head into the heap: not a type

let next = 0x2a000000;
function block(size: number, stackRecord: Address | null, firstPointer: Address | null = null): HeapBlock {
  const address = new Address(0, next);
  next += 0x100;
  return { address, size, heap: HEAP, kind: "LFH", header: address.subtract(0x10), stackRecord, firstPointer };
}

describe("groupBlocks with +ust: one group per stack record", () => {
  const r1 = new Address(0, 0x03f01230);
  const r2 = new Address(0, 0x03f01400);
  const blocks = [block(0x48, r1), block(0x48, r1), block(0x100, r2), block(0x30, r1), block(0x20, null)];
  const groups = groupBlocks(blocks, true, inApp);

  test("blocks of one record are one group whatever their sizes; bytes and counts are sums", () => {
    const g = groups.find((x) => x.stackRecord && x.stackRecord.equals(r1))!;
    expect(g.key).toBe(stackGroupKey(r1));
    expect(g.allocations).toBe(3);
    expect(g.bytes).toBe(0x48 + 0x48 + 0x30);
    expect(g.size).toBeNull();
    expect(g.example.equals(blocks[0].address)).toBe(true);
  });

  test("largest bytes first", () => {
    expect(groups.map((g) => g.bytes)).toEqual([0xc0, 0x100, 0x20].sort((a, b) => b - a));
    expect(groups[0].stackRecord!.equals(r2)).toBe(true);
  });

  test("a block without a record (allocated before +ust) goes to a size group", () => {
    const g = groups.find((x) => x.stackRecord === null)!;
    expect(g.size).toBe(0x20);
    expect(g.key).toBe(sizeGroupKey(0x20, null));
  });

  test("a stack group's type is the vtable more than half its blocks hold, else none", () => {
    const r = new Address(0, 0x03f02000);
    const two = groupBlocks([block(0x48, r, VTABLE_IMAGE), block(0x48, r, VTABLE_IMAGE), block(0x48, r, VTABLE_OTHER)], true, inApp);
    expect(two[0].typePointer!.equals(VTABLE_IMAGE)).toBe(true);
    const split = groupBlocks([block(0x48, r, VTABLE_IMAGE), block(0x48, r, VTABLE_OTHER)], true, inApp);
    expect(split[0].typePointer).toBeNull();
  });
});

describe("groupBlocks without +ust: one group per (size, type)", () => {
  test("same size, different vtables are two groups; a pointer outside every image is no type", () => {
    const blocks = [
      block(0x48, null, VTABLE_IMAGE),
      block(0x48, null, VTABLE_IMAGE),
      block(0x48, null, VTABLE_OTHER),
      block(0x48, null, HEAP_POINTER),
      block(0x48, null, null),
      block(0x50, null, VTABLE_IMAGE),
    ];
    const groups = groupBlocks(blocks, false, inApp);
    expect(groups.length).toBe(4);
    const image = groups.find((g) => g.typePointer !== null && g.typePointer.equals(VTABLE_IMAGE) && g.size === 0x48)!;
    expect(image).toMatchObject({ size: 0x48, allocations: 2, bytes: 0x90 });
    expect(groups[0].bytes).toBe(0x90);
    const untyped = groups.find((g) => g.size === 0x48 && g.typePointer === null)!;
    expect(untyped.allocations).toBe(2); // the heap pointer and the block whose first pointer was not read
    expect(groups.find((g) => g.size === 0x50)!.allocations).toBe(1);
  });

  test("a record is ignored when +ust is off (the flag is what the user set)", () => {
    const groups = groupBlocks([block(0x48, new Address(0, 0x1000)), block(0x48, null)], false, inApp);
    expect(groups.length).toBe(1);
    expect(groups[0].allocations).toBe(2);
  });

  test("equal groups keep one order from run to run", () => {
    const a = groupBlocks([block(0x10, null), block(0x20, null, VTABLE_IMAGE), block(0x10, null, VTABLE_IMAGE)], false, inApp).map((g) => g.key);
    const b = groupBlocks([block(0x10, null, VTABLE_IMAGE), block(0x10, null), block(0x20, null, VTABLE_IMAGE)], false, inApp).map((g) => g.key);
    expect(a.slice(1).sort()).toEqual(b.slice(1).sort());
    expect(a).toEqual(b);
  });
});

describe("groupGrowth", () => {
  const r1 = new Address(0, 0x1000);
  const r2 = new Address(0, 0x2000);
  const r3 = new Address(0, 0x3000);
  const r4 = new Address(0, 0x4000);
  const before = countsByKey(groupBlocks([block(0x100, r1), block(0x100, r2), block(0x100, r2), block(0x40, r4)], true, inApp));
  const now = groupBlocks(
    [block(0x100, r1), block(0x100, r1), block(0x100, r1), block(0x100, r2), block(0x1000, r3)],
    true,
    inApp,
  );
  const { grown, shrunk, gone } = groupGrowth(before, now);

  test("only the groups whose bytes grew, largest growth first, with exact deltas", () => {
    expect(grown.map((g) => g.group.key)).toEqual([stackGroupKey(r3), stackGroupKey(r1)]);
    expect(grown[0]).toMatchObject({ deltaBytes: 0x1000, deltaAllocations: 1 });
    expect(grown[1]).toMatchObject({ deltaBytes: 0x200, deltaAllocations: 2 });
  });

  test("shrunk and vanished groups are counted, not listed", () => {
    expect(shrunk).toBe(1);
    expect(gone).toBe(1);
  });

  test("more allocations of the same total bytes is not growth", () => {
    const r = new Address(0, 0x5000);
    const then = countsByKey(groupBlocks([block(0x100, r)], true, inApp));
    expect(groupGrowth(then, groupBlocks([block(0x80, r), block(0x80, r)], true, inApp)).grown).toEqual([]);
  });
});

describe("ratePerSecond over the target's clock", () => {
  test.each([
    [0x1000, 4, 1024],
    [0x1000, 0, null],
    [0x1000, null, null],
    [0x1000, NaN, null],
  ] as const)("%d bytes over %s s", (delta, seconds, expected) => {
    expect(ratePerSecond(delta, seconds as number | null)).toBe(expected);
  });
});
