// The NT heap walker on damaged heaps: everything outside the damage is listed, each part not walked is named by
// address and reason; and the dispatch of heap handles (segment heap, page heap, not a heap, kernel session).
import { Address } from "../../../src/core/address";
import { Target } from "../../../src/host/target";
import { walkProcessHeaps, isHeapWalkFailure } from "../../../src/heap/process-heaps";
import { HeapBlock, ProcessHeapWalk } from "../../../src/heap/heap-blocks";
import { installHost } from "../../support/host-global";
import { NtHeapProcess, ExpectedBlock } from "../../targets/nt-heap";
import { BUILDS, kernelTarget } from "../../targets/builder";
import { UserSegmentHeapBuilder } from "../../targets/user-segment-heap";

const A = (v: bigint) => Address.parse(v.toString(16))!;
const hex = (v: bigint) => "0x" + v.toString(16);
const options = { includeFree: false, readFirstPointer: false };

function run(p: NtHeapProcess, only?: bigint, prepare?: () => void) {
  p.finish();
  if (prepare) prepare();
  installHost(p.b.target);
  return walkProcessHeaps(new Target(), options, only === undefined ? undefined : A(only));
}

function ok(r: ReturnType<typeof run>): ProcessHeapWalk {
  if (isHeapWalkFailure(r)) throw new Error(r.message);
  return r;
}

const addresses = (blocks: HeapBlock[]) => blocks.map((b) => BigInt("0x" + b.address.toHex())).sort((a, b) => (a < b ? -1 : 1));
const expectedAddresses = (e: ExpectedBlock[]) => e.map((b) => b.address).sort((a, b) => (a < b ? -1 : 1));

/** Twenty backend blocks, an LFH subsegment, a second segment with five more. */
function heapWithBlocks(ps: 4 | 8 = 8, build: number = BUILDS.win10_22h2, ust = true) {
  const p = new NtHeapProcess({ pointerSize: ps, build, ust });
  const t = p.traceRecord([0x140001000n]);
  const h = p.heap({ reserve: 0x40000 });
  const first: ExpectedBlock[] = [];
  for (let i = 0; i < 20; i++) first.push(h.alloc(0x40 + i * 0x18, { trace: t }));
  const lfh = h.lfh(0x30, 16, { trace: () => t });
  const seg = h.addSegment(0x20000);
  const second: ExpectedBlock[] = [];
  for (let i = 0; i < 5; i++) second.push(h.alloc(0x100, { trace: t }));
  return { p, h, first, lfh, second, seg };
}

describe("damage: the rest is listed, the damage named", () => {
  test.each([[8], [4]] as const)("a header whose checksum fails (x%i): the blocks after it are found again", (ps) => {
    const { p, h, first, lfh, second } = heapWithBlocks(ps === 8 ? 8 : 4);
    const bad = first[7];
    const r = ok(run(p, undefined, () => h.breakChecksum(bad)));
    const expected = first.filter((b) => b !== bad).concat(lfh.blocks, second);
    expect(addresses(r.blocks)).toEqual(expectedAddresses(expected));
    expect(r.notWalked).toHaveLength(1);
    expect(r.notWalked[0].part).toBe("backend block");
    expect(r.notWalked[0].address!.toHex()).toBe(bad.header.toString(16));
    expect(r.notWalked[0].reason).toMatch(/fails the checksum.*bytes skipped to the next header that checks out at/);
  });

  test("a segment list that loops: both segments walked once, the loop named", () => {
    const { p, h, first, lfh, second, seg } = heapWithBlocks();
    const r = ok(run(p, undefined, () => h.loopSegmentList()));
    expect(addresses(r.blocks)).toEqual(expectedAddresses(first.concat(lfh.blocks, second)));
    expect(r.notWalked.map((n) => n.part)).toEqual(["segment list"]);
    expect(r.notWalked[0].reason).toMatch(new RegExp("loops.*leads back to the segment at " + hex(seg)));
  });

  test("a page missing from the dump: the blocks on it are not listed, those after it are, the hole is named", () => {
    const { p, h, first, lfh, second } = heapWithBlocks(8, BUILDS.win10_22h2, false);
    const victim = first.find((b) => b.header >= h.address + 0x1000n)!;
    const page = victim.header & ~0xfffn;
    const r = ok(run(p, undefined, () => h.dropPage(page)));
    const onPage = (b: ExpectedBlock) => b.header + 16n > page && b.header < page + 0x1000n;
    // The LFH blocks go with their UserBlocks: when its header is on the missing page, none can be found.
    const all = first.concat(lfh.userBlocks >= page && lfh.userBlocks < page + 0x1000n ? [] : lfh.blocks, second);
    const found = addresses(r.blocks);
    // Every block whose header is off the missing page is found, except the one whose header sits across the hole.
    for (const b of all.filter((b) => !onPage(b))) if (b.header >= page + 0x1000n || b.header < page - 0x400n) expect(found).toContain(b.address);
    for (const b of all.filter(onPage)) expect(found).not.toContain(b.address);
    expect(r.notWalked.some((n) => n.part === "segment range" && n.address!.toHex() === page.toString(16) && /4096 bytes are unreadable/.test(n.reason))).toBe(true);
  });

  test("an LFH UserBlocks with a wrong signature: named by its address, its blocks not listed (the backend ones are)", () => {
    const { p, h, first, second, lfh } = heapWithBlocks();
    const r = ok(run(p, undefined, () => h.breakUserBlocksSignature(lfh.userBlocks)));
    expect(addresses(r.blocks)).toEqual(expectedAddresses(first.concat(second)));
    expect(r.notWalked.map((n) => [n.part, n.address!.toHex()])).toEqual([["LFH UserBlocks", lfh.userBlocks.toString(16)]]);
    expect(r.notWalked[0].reason).toMatch(/its subsegment at 0x[0-9a-f]+ points to it, but its signature is 0xbadf00d, not 0xf0e0d0c0/);
  });

  test("an LFH subsegment whose offsets do not decode (wrong key): named with what may be wrong", () => {
    const { p, first, second, lfh } = heapWithBlocks();
    const r = ok(run(p, undefined, () => p.b.memory.writeU32(lfh.userBlocks + 0x18n, 0x12345678)));
    expect(addresses(r.blocks)).toEqual(expectedAddresses(first.concat(second)));
    expect(r.notWalked.map((n) => [n.part, n.address!.toHex()])).toEqual([["LFH UserBlocks", lfh.userBlocks.toString(16)]]);
    expect(r.notWalked[0].reason).toMatch(/RtlpLFHKey/);
  });

  test("a virtual block list that loops stops at the loop", () => {
    const p = new NtHeapProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false });
    const h = p.heap();
    const v1 = h.virtual(0x100000);
    const v2 = h.virtual(0x100000);
    const r = ok(run(p, undefined, () => p.b.writePtr(v2.header, v1.header)));
    expect(addresses(r.blocks)).toEqual([v1.address, v2.address]);
    expect(r.notWalked.map((n) => n.part)).toEqual(["virtual block list"]);
  });
});

describe("heap handles: dispatch by signature", () => {
  test("an NT heap, a segment heap (walked by walkSegmentHeap) and a full page heap (walked by walkPageHeap) in one process", () => {
    const sh = new UserSegmentHeapBuilder({ build: BUILDS.win10_22h2, ust: true });
    const vs = sh.vs([{ size: 0x100, stack: [0x140001000n] }, { size: 0x230, stack: [0x140002000n] }]);
    sh.finish();
    const p = new NtHeapProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, builder: sh.b });
    const t = p.traceRecord([0x140003000n]);
    const h = p.heap();
    const b = h.alloc(0x20, { trace: t });
    p.listHeap(sh.heap);
    const dph = p.pageHeap([{ size: 0x40, trace: p.rtlStackTraceEntry([0x140004000n]) }]);
    const r = ok(run(p));
    expect(addresses(r.blocks)).toEqual([b.address, ...vs.map((v) => v.address), dph.blocks[0].address].sort((x, y) => (x < y ? -1 : 1)));
    expect(r.heaps.map((x) => x.type)).toEqual(["NT", "Segment", "PageHeap"]);
    expect(r.notWalked).toEqual([]);
  });

  test("one heap asked for: only its blocks", () => {
    const p = new NtHeapProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false });
    const h1 = p.heap();
    h1.alloc(0x20);
    const h2 = p.heap();
    const b = h2.alloc(0x30);
    const r = ok(run(p, h2.address));
    expect(addresses(r.blocks)).toEqual([b.address]);
    expect(r.heaps.length).toBe(1);
  });

  test.each([
    ["an address with no heap signature", (p: NtHeapProcess) => p.b.alloc(0x1000, 0x1000), /is not a heap \(the signature at \+0x10 is 0x0/],
    ["an unreadable address", (p: NtHeapProcess) => p.b.reserveUnmapped(0x1000), /is not a heap \(its first bytes are unreadable/],
    ["a kernel address", () => 0xfffff80000000000n, /is not a heap \(not a user-mode address/],
  ] as const)("a handle that is not a heap: %s", (_n, at, message) => {
    const p = new NtHeapProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false });
    p.heap().alloc(0x20);
    const where = at(p);
    const r = run(p, where);
    expect(isHeapWalkFailure(r) && r.message).toMatch(message);
  });

  test("a kernel session: a failure that says what to do", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    installHost(b.target);
    const r = walkProcessHeaps(new Target(), options);
    expect(isHeapWalkFailure(r) && r.message).toMatch(/user-mode target.*Attach to the process/);
  });
});

test("an uncommitted-range list that lost its entries: the walk reads no more than the segment says is committed", () => {
  const p = new NtHeapProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false });
  const h = p.heap({ reserve: 0x1000000 });
  const blocks: ExpectedBlock[] = [];
  for (let i = 0; i < 50; i++) blocks.push(h.alloc(0x100));
  p.finish();
  // Empty the heap segment's UCR list (Flink and Blink back to the head): 16 MB reserved, a few pages committed.
  const head = h.address + BigInt(p.heapFields.UCRSegmentList);
  p.b.writePtr(head, head);
  p.b.writePtr(head + 8n, head);
  installHost(p.b.target);
  const target = new Target();
  const r = ok(walkProcessHeaps(target, options));
  expect(addresses(r.blocks)).toEqual(expectedAddresses(blocks));
  expect(target.memory.stats.bytesRead).toBeLessThan(0x40000);
  expect(r.notWalked.map((n) => n.part)).toEqual(expect.arrayContaining(["segment range"]));
  expect(r.notWalked.some((n) => /says 0x[0-9a-f]+ bytes are committed; its uncommitted-range list accounts for less/.test(n.reason))).toBe(true);
});

test("a heap the PEB lists whose signature is damaged: asked for alone, it is named not walked (not refused)", () => {
  const p = new NtHeapProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false });
  const h = p.heap();
  h.alloc(0x20);
  const r = ok(run(p, h.address, () => p.b.memory.writeU32(h.address + 0x10n, 0x11223344)));
  expect(r.blocks).toEqual([]);
  expect(r.heaps.map((x) => x.type)).toEqual(["Unknown"]);
  expect(r.notWalked.map((n) => [n.part, n.reason])).toEqual([["heap", expect.stringMatching(/the signature at \+0x10 is 0x11223344: neither an NT heap/)]]);
});

describe("full page heap (+hpa)", () => {
  test.each([[8], [4]] as const)("x%i: busy blocks with their size, stack (an _RTL_STACK_TRACE_ENTRY) and first pointer; freed ones only as free", (ps) => {
    const p = new NtHeapProcess({ pointerSize: ps, build: BUILDS.win10_22h2, ust: true });
    const t = p.rtlStackTraceEntry([0x40001000n, 0x40002000n]);
    const specs = Array.from({ length: 9 }, (_, i) => ({ size: 0x18 + i * 0x333, trace: t, firstPointer: 0x40005000n + BigInt(i), freed: i === 4 }));
    const dph = p.pageHeap(specs);
    p.finish();
    installHost(p.b.target);
    const r = walkProcessHeaps(new Target(), { includeFree: true, readFirstPointer: true });
    if (isHeapWalkFailure(r)) throw new Error(r.message);
    const got = r.blocks.map((b) => [b.kind, b.address.toHex(), b.size, b.header!.toHex(), b.stackRecord!.toHex(), b.firstPointer!.toHex()]);
    const want = dph.blocks.map((b) => ["PageHeap", b.address.toString(16), b.size, b.header.toString(16), t.toString(16), b.firstPointer!.toString(16)]);
    const order = (a: (string | number)[], b: (string | number)[]) => (String(a[1]) < String(b[1]) ? -1 : 1);
    expect(got.sort(order)).toEqual(want.sort(order));
    expect(r.free.map((f) => [f.kind, f.size])).toEqual([["PageHeap", specs[4].size]]);
    expect(r.heaps[0]).toMatchObject({ type: "PageHeap", blocks: 8 });
    expect(r.heaps[0].layout).toMatch(/built-in page-heap layout for x(64|86).*not checked against a PDB/);
    expect(r.notWalked).toEqual([]);
  });

  test("a damaged root: named, with !heap -p -h as the way to list it", () => {
    const p = new NtHeapProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false });
    const dph = p.pageHeap([{ size: 0x20 }]);
    const r = ok(run(p, undefined, () => p.b.memory.writeU32(dph.root, 0x12345678)));
    expect(r.blocks).toEqual([]);
    expect(r.heaps.map((h) => h.type)).toEqual(["PageHeap"]);
    expect(r.notWalked.map((n) => [n.part, n.address!.toHex(), n.reason])).toEqual([
      ["page heap", dph.root.toString(16), expect.stringMatching(/root has the signature 0x12345678, not 0xffeeddcc; !heap -p -h 0000[0-9a-f]{4}`[0-9a-f]{8} lists the page heap's blocks$/)],
    ]);
  });

  test("a tree that loops: each node walked once, the loop named", () => {
    const p = new NtHeapProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false });
    const dph = p.pageHeap([{ size: 0x20 }, { size: 0x30 }, { size: 0x40 }]);
    // The root node (the middle one) gets its own address as its left child.
    const r = ok(run(p, undefined, () => p.b.writePtr(dph.nodes[1] + 0x8n, dph.nodes[1])));
    expect(addresses(r.blocks)).toEqual(expectedAddresses(dph.blocks.filter((_, i) => i !== 0)));
    expect(r.notWalked.map((n) => n.reason)).toEqual([expect.stringMatching(/loops back to the node at .*; !heap -p -h /)]);
  });

  test("a block whose stamp is neither busy nor freed is named, not listed", () => {
    const p = new NtHeapProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false });
    const dph = p.pageHeap([{ size: 0x20 }, { size: 0x30 }]);
    const r = ok(run(p, undefined, () => p.b.memory.writeU32(dph.blocks[1].address - 0x40n, 0x41414141)));
    expect(addresses(r.blocks)).toEqual([dph.blocks[0].address]);
    expect(r.notWalked.map((n) => n.reason)).toEqual([expect.stringMatching(/StartStamp 0x41414141/)]);
  });
});

test.each([[8], [4]] as const)("light page heap blocks (x%i) in an NT heap: the caller's pointer, size and stack from the _DPH_BLOCK_INFORMATION; freed ones left out", (ps) => {
  const p = new NtHeapProcess({ pointerSize: ps, build: BUILDS.win10_22h2, ust: false });
  const t = p.rtlStackTraceEntry([0x40001000n]);
  const h = p.heap();
  const plain = h.alloc(0x44);
  const light = [h.lightPageHeapAlloc(0x100, { trace: t, firstPointer: 0x40007000n }), h.lightPageHeapAlloc(0x10, { trace: t })];
  const freed = h.lightPageHeapAlloc(0x80, { trace: t, freed: true });
  expect(freed).toBeNull();
  p.finish();
  installHost(p.b.target);
  const r = walkProcessHeaps(new Target(), { includeFree: false, readFirstPointer: true });
  if (isHeapWalkFailure(r)) throw new Error(r.message);
  const got = r.blocks.map((b) => [b.address.toHex(), b.size, b.stackRecord ? b.stackRecord.toHex() : null, b.firstPointer ? b.firstPointer.toHex() : null]);
  expect(got).toEqual([
    [plain.address.toString(16), 0x44, null, null],
    [light[0]!.address.toString(16), 0x100, t.toString(16), "40007000"],
    [light[1]!.address.toString(16), 0x10, t.toString(16), null],
  ]);
});
