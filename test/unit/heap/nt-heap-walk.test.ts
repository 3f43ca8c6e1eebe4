// The NT heap walker on built processes (test/targets/nt-heap.ts), through the emulated host: every busy allocation
// found with its exact user pointer, size, kind, header and stack record, nothing else listed.
import { Address } from "../../../src/core/address";
import { Target } from "../../../src/host/target";
import { walkProcessHeaps, isHeapWalkFailure } from "../../../src/heap/process-heaps";
import { HeapBlock, ProcessHeapWalk } from "../../../src/heap/heap-blocks";
import { installHost } from "../../support/host-global";
import { NtHeapProcess, ExpectedBlock } from "../../targets/nt-heap";
import { BUILDS } from "../../targets/builder";

const A = (v: bigint) => Address.parse(v.toString(16))!;

function walk(p: NtHeapProcess, options = { includeFree: false, readFirstPointer: true }, only?: bigint) {
  p.finish();
  installHost(p.b.target);
  const target = new Target();
  const result = walkProcessHeaps(target, options, only === undefined ? undefined : A(only));
  return { result, target };
}

function asExpected(b: HeapBlock): ExpectedBlock {
  const big = (a: Address | null) => (a ? BigInt("0x" + a.toHex()) : null);
  return { address: big(b.address)!, size: b.size, heap: big(b.heap)!, kind: b.kind as ExpectedBlock["kind"], header: big(b.header)!, stackRecord: big(b.stackRecord), firstPointer: big(b.firstPointer) };
}

const byAddress = (a: ExpectedBlock, b: ExpectedBlock) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0);

function expectBlocks(result: ProcessHeapWalk | unknown, expected: ExpectedBlock[]) {
  if (isHeapWalkFailure(result)) throw new Error(result.message);
  const r = result as ProcessHeapWalk;
  expect(r.blocks.map(asExpected).sort(byAddress)).toEqual(expected.slice().sort(byAddress));
}

/** A mixed heap: backend blocks of assorted sizes (0-byte, odd, escape-sized), free holes, an uncommitted range,
 *  internal blocks, a second segment, LFH subsegments with free and delay-freed slots, virtual blocks. */
function mixed(options: { pointerSize: 4 | 8; build: number; ust: boolean; symbols?: boolean; lfh?: boolean; encoded?: boolean }) {
  const p = new NtHeapProcess({ pointerSize: options.pointerSize, build: options.build, ust: options.ust, symbols: options.symbols });
  const ntdll = p.b.target.modules[0].base;
  const t1 = p.traceRecord([ntdll + 0x1234n, ntdll + 0x5678n, 0x140001000n]);
  const t2 = p.traceRecord([ntdll + 0x1234n, 0x140002000n]);
  p.internalTrace = t2;
  const h = p.heap({ reserve: 0x80000, encoded: options.encoded });
  const expected: ExpectedBlock[] = [];
  const vt = 0x7ff712340000n & (options.pointerSize === 8 ? 0xffffffffffffn : 0xffffffffn);
  expected.push(h.alloc(0x100, { trace: t1, firstPointer: vt }));
  expected.push(h.alloc(0, { trace: t2 }));
  h.free(0x40);
  expected.push(h.alloc(0x31, { trace: t1 }));
  h.internal(0x200);
  expected.push(h.alloc(0x48, { trace: t2, slack: 3, firstPointer: vt + 0x10n }));
  h.uncommitted(3);
  expected.push(h.alloc(0x1000, { trace: t1 }));
  if (options.lfh !== false) {
    const l = h.lfh(0x48, 40, { busy: (i) => i % 3 !== 1, trace: (i) => (i % 2 ? t1 : t2), firstPointer: (i) => vt + BigInt(i * 8), delayFree: [4] });
    expected.push(...l.blocks);
    const l2 = h.lfh(0x20, 10, { escape: options.build >= 9200, trace: () => t1 });
    expected.push(...l2.blocks);
  }
  h.addSegment(0x40000);
  expected.push(h.alloc(0x77, { trace: t2 }));
  expected.push(h.virtual(0x180000, { trace: t1, firstPointer: vt }));
  expected.push(h.virtual(0x100001, { trace: t2 }));
  return { p, h, expected, t1, t2 };
}

describe("walkProcessHeaps: NT heaps, every block with its size, kind and stack record", () => {
  test.each([
    ["Windows 10 22H2 x64, +ust, ntdll's symbols", 8, BUILDS.win10_22h2, true, true],
    ["Windows 10 22H2 x64, +ust, no symbols", 8, BUILDS.win10_22h2, true, false],
    ["Windows 10 22H2 x64, no +ust", 8, BUILDS.win10_22h2, false, true],
    ["Windows 7 SP1 x64, +ust", 8, BUILDS.win7sp1, true, true],
    ["Windows 7 SP1 x64, no +ust, no symbols", 8, BUILDS.win7sp1, false, false],
    ["Windows 10 22H2 x86, +ust", 4, BUILDS.win10_22h2, true, true],
    ["Windows 10 22H2 x86, no +ust", 4, BUILDS.win10_22h2, false, true],
    ["Windows 7 SP1 x86, +ust", 4, BUILDS.win7sp1, true, true],
    ["Windows 8.1 x64, +ust", 8, BUILDS.win81, true, true],
    ["Windows 8 x64 (9200: plain LFH offsets), no +ust, no symbols", 8, 9200, false, false],
    ["Windows 11 24H2 x64 (no PDB in the data set), +ust, no symbols", 8, BUILDS.win11_24h2, true, false],
  ] as const)("%s", (_n, ps, build, ust, symbols) => {
    const lfhWalkable = symbols || build < 9600; // 8.1+ needs RtlpLFHKey, which comes with the symbols
    const m = mixed({ pointerSize: ps, build, ust, symbols, lfh: true });
    const { result } = walk(m.p);
    if (isHeapWalkFailure(result)) throw new Error(result.message);
    const expected = lfhWalkable ? m.expected : m.expected.filter((e) => e.kind !== "LFH");
    expectBlocks(result, expected);
    expect(result.ust).toBe(ust);
    if (lfhWalkable) expect(result.notWalked).toEqual([]);
    else expect(result.notWalked.map((n) => n.part + ": " + n.reason)).toEqual([expect.stringMatching(/^LFH UserBlocks: these 2 LFH UserBlocks \(the address is the first's\) not walked: ntdll!RtlpLFHKey.*\.reload \/f ntdll\.dll\)$/)]);
    expect(result.heaps[0].layout).toMatch(symbols ? /from ntdll's symbols/ : /built-in layout for Windows/);
  });
});

describe("options and per-block cases", () => {
  test("includeFree: free backend blocks and free LFH slots come back as FreeHeapBlocks; busy ones are unchanged", () => {
    const p = new NtHeapProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false });
    const h = p.heap();
    const a = h.alloc(0x40);
    const free = h.free(0x80);
    const l = h.lfh(0x30, 8, { busy: (i) => i !== 2 && i !== 5 });
    const { result } = walk(p, { includeFree: true, readFirstPointer: false });
    if (isHeapWalkFailure(result)) throw new Error(result.message);
    expectBlocks(result, [a, ...l.blocks]);
    const frees = result.free.map((f) => [f.kind, f.address.toHex(), f.size]);
    expect(frees).toContainEqual(["Backend", (free + 0x10n).toString(16), 0x70]);
    const stride = 0x40; // 0x30 asked + the 0x10 header, in 0x10 granules
    const slot = (i: number) => (l.userBlocks + 0x40n + BigInt(i * stride) + 0x10n).toString(16);
    expect(frees.filter((f) => f[0] === "LFH")).toEqual([["LFH", slot(2), stride - 0x10], ["LFH", slot(5), stride - 0x10]]);
  });

  test("readFirstPointer off: no first pointers", () => {
    const p = new NtHeapProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false });
    p.heap().alloc(0x40, { firstPointer: 0x7ff712345678n });
    const { result } = walk(p, { includeFree: false, readFirstPointer: false });
    if (isHeapWalkFailure(result)) throw new Error(result.message);
    expect(result.blocks.map((b) => b.firstPointer)).toEqual([null]);
  });

  test("+ust detected per block: a block without the UST header (allocated before the flag) among blocks with one", () => {
    const p = new NtHeapProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true });
    const t = p.traceRecord([0x140001000n]);
    const h = p.heap();
    const expected = [h.alloc(0x40, { trace: t }), h.alloc(0x40, { noUst: true }), h.alloc(0x28, { trace: t })];
    const { result } = walk(p);
    expectBlocks(result, expected);
    expect(expected[1].stackRecord).toBeNull();
  });

  test("a heap without encoding (EncodeFlagMask clear): headers read as stored, the PreviousSize chain checked", () => {
    const p = new NtHeapProcess({ pointerSize: 4, build: BUILDS.win10_22h2, ust: false });
    const h = p.heap({ encoded: false });
    const expected = [h.alloc(0x10), h.alloc(0x333), h.alloc(0)];
    h.free(0x40);
    expected.push(h.alloc(0x70));
    const { result } = walk(p);
    expectBlocks(result, expected);
    if (isHeapWalkFailure(result)) throw new Error(result.message);
    expect(result.notWalked).toEqual([]);
  });

  test("progress: called as the blocks add up", () => {
    const p = new NtHeapProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false });
    const h = p.heap({ reserve: 0x200000 });
    for (let i = 0; i < 9000; i++) h.alloc(0x20);
    const seen: number[] = [];
    const { result } = walk(p, { includeFree: false, readFirstPointer: false, onProgress: (n: number) => seen.push(n) } as never);
    if (isHeapWalkFailure(result)) throw new Error(result.message);
    expect(result.blocks.length).toBe(9000);
    expect(seen).toEqual([4096, 8192]);
  });

  test("reads: each committed range in large reads, not one read per block", () => {
    const p = new NtHeapProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true });
    const t = p.traceRecord([0x140001000n]);
    const h = p.heap({ reserve: 0x400000 });
    for (let i = 0; i < 5000; i++) h.alloc(0x100 + (i % 5) * 0x10, { trace: t });
    h.lfh(0x40, 200, { trace: () => t });
    h.uncommitted(2);
    for (let i = 0; i < 500; i++) h.alloc(0x80, { trace: t });
    const { result, target } = walk(p);
    if (isHeapWalkFailure(result)) throw new Error(result.message);
    expect(result.blocks.length).toBe(5700);
    // PEB, heap array, build, RtlpLFHKey, heap header, UCR descriptor, two committed ranges (each at most 1 MB per read).
    expect(target.memory.stats.readCalls).toBeLessThanOrEqual(12);
  });
});

test("LFH offsets in clear on a build reported as 8.1+: the keyed reading fails, the plain one is taken and noted (MemProcFS tries it first)", () => {
  const p = new NtHeapProcess({ pointerSize: 8, build: 9200, ust: false });
  const h = p.heap();
  const l = h.lfh(0x30, 12);
  p.finish();
  // The PEB says 9600: the walker expects keyed offsets.
  p.b.memory.writeU16(p.b.target.pebAddress! + 0x120n, 9600);
  installHost(p.b.target);
  const result = walkProcessHeaps(new Target(), { includeFree: false, readFirstPointer: false });
  expectBlocks(result, l.blocks);
  if (isHeapWalkFailure(result)) throw new Error(result.message);
  expect(result.heaps[0].notes).toEqual(["LFH offsets read in clear (as Windows 8.0 stores them) where RtlpLFHKey did not decode them"]);
});

test("the layout line: from ntdll's symbols, or the built-in layout in the resolver's words with the other types named", () => {
  const withSymbols = walk(mixed({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false, symbols: true }).p).result;
  const without = walk(mixed({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false, symbols: false }).p).result;
  if (isHeapWalkFailure(withSymbols) || isHeapWalkFailure(without)) throw new Error("walk failed");
  expect(withSymbols.heaps[0].layout).toBe("_HEAP, _HEAP_VIRTUAL_ALLOC_ENTRY, _HEAP_USERDATA_HEADER, _HEAP_SUBSEGMENT: from ntdll's symbols");
  expect(without.heaps[0].layout).toBe(
    "_HEAP: not in the symbols (.reload /f ntdll.dll to get them); using the built-in layout for Windows 10 1809 and later x64, " +
      "checked against build 19041's PDB; also built in: _HEAP_VIRTUAL_ALLOC_ENTRY, _HEAP_USERDATA_HEADER, _HEAP_SUBSEGMENT",
  );
});

test("seed 001 (Win7 SP1 x64, +ust): the virtual block at 43500000 as !heap -p -a shows it - HEAP_ENTRY 43500030, Size 100100, UserPtr 43500060, UserSize 1000040", () => {
  // shared/seeds/001: `!heap -p -a 0x0000000043500000 + 0x30` -> "0000000043500030 100100 0000 [00] 0000000043500060
  // 1000040 - (busy VirtualAlloc)": 0x100100 granules = 0x1001000 committed; the walker must give the same pointer
  // and size from CommitSize - BusyBlock.Size (§10.8).
  const p = new NtHeapProcess({ pointerSize: 8, build: BUILDS.win7sp1, ust: true });
  const t = p.traceRecord([0x775bc35bn, 0x7fed230483bn]);
  const h = p.heap();
  const block = h.virtual(0x1000040, { trace: t, at: 0x43500000n });
  const { result } = walk(p);
  if (isHeapWalkFailure(result)) throw new Error(result.message);
  const b = result.blocks.find((x) => x.kind === "Virtual")!;
  expect([b.header!.toHex(), b.address.toHex(), b.size.toString(16), b.stackRecord!.toHex()]).toEqual(["43500000", "43500060", "1000040", t.toString(16)]);
  expect(block.address).toBe(0x43500060n);
  expect(p.b.memory.readU64(0x43500020n)).toBe(0x100100n * 16n);
});

test.each([[4, true], [4, false], [8, true]] as const)("an LFH UserBlocks in a virtual block (x%i, +ust %s): its blocks listed, the virtual block itself not", (ps, ust) => {
  const p = new NtHeapProcess({ pointerSize: ps, build: BUILDS.win10_22h2, ust });
  const t = p.traceRecord([0x40001000n]);
  p.internalTrace = t;
  const h = p.heap();
  const a = h.alloc(0x30, { trace: t });
  const l = h.lfh(0x3f0, 300, { busy: (i) => i % 4 !== 0, trace: () => t, inVirtualBlock: true });
  const v = h.virtual(0x90000, { trace: t });
  const { result } = walk(p);
  expectBlocks(result, [a, ...l.blocks, v]);
  if (isHeapWalkFailure(result)) throw new Error(result.message);
  expect(result.notWalked).toEqual([]);
});
