// The seed article's process (seeds/001, copied in test/fixtures/virtblocks/seed-001.txt): Win7 SP1 x64, +ust on,
// `dt nt!_HEAP` works but `nt!_HEAP_VIRTUAL_ALLOC_ENTRY` is missing. Real values: the heaps and their virtual block
// counts from `!heap -s` (0x60000: 1, 0x29fb0000: 189), the list of heap 0x29fb0000 (`dt _LIST_ENTRY
// 29fb0000+0x118`: Flink 0x43500000 → 0x47240000, Blink 0x32970000 ← 0x4ee90000), the first block (`!heap -p -a
// 43500030`: UserPtr 43500060, UserSize 1000040, Size 100100 → CommitSize 0x1001000) and its stack (ntdll, five
// halcon frames, one JIT frame for !ip2md), the nine segments of 29fb0000 (`!heap -h`; their committed bytes add up
// to the 67408 KB `!heap -s` shows). Invented, since the article shows them only as screenshots: the second
// stack's frames, the 88 MB size of the blocks of the two main stacks ("大量的 88M 内存占用,大体上归为两类"), the
// split 75/74 between them, and the 40 smaller blocks from three other stacks.
import { HeapTarget, BUILDS } from "./heap";

export const SEED = {
  heaps: [0x60000n, 0x10000n, 0x8810000n, 0x29fb0000n, 0x29870000n],
  /** !heap -s Reserv/Commit (KB) of the heaps (one segment each, except 29fb0000 whose segments !heap -h lists). */
  heapKb: [[32576, 17212], [64, 8], [1088, 500], [0, 67408], [512, 8]],
  /** !heap -h 29fb0000: "Segment at <start> to <end> (<committed> bytes committed)", in SegmentList order. */
  leakingSegments: [
    [0x29fb0000n, 0x2a7b0000n, 0x007eb000],
    [0x26070000n, 0x26170000n, 0x000ff000],
    [0x27d10000n, 0x27f10000n, 0x001f7000],
    [0x318a0000n, 0x31ca0000n, 0x00400000],
    [0x44a00000n, 0x45200000n, 0x005f1000],
    [0x4ae90000n, 0x4be60000n, 0x00efc000],
    [0x5b3b0000n, 0x5c380000n, 0x00e2e000],
    [0x5d8c0000n, 0x5e890000n, 0x00cf1000],
    [0x5c380000n, 0x5d350000n, 0x002e7000],
  ] as [bigint, bigint, number][],
  leakingHeap: 0x29fb0000n,
  firstEntry: 0x43500000n,
  firstUserSize: 0x1000040,
  fixedEntries: { second: 0x47240000n, secondLast: 0x4ee90000n, last: 0x32970000n },
  ntdll: { base: 0x77590000n, size: 0x1a9000 },
  halcon: { base: 0x7fed2200000n, size: 0x2400000 },
  jitFrame: 0x7fe83e3bcf6n,
  /** !heap -p -a 43500030, innermost first. */
  stackA: [0x775bc35bn, 0x7fed230483bn, 0x7fed22dd81dn, 0x7fed22d6bd0n, 0x7fed44a346an, 0x7fed2386b8fn, 0x7fe83e3bcf6n],
  stackB: [0x775bc35bn, 0x7fed230483bn, 0x7fed22dd81dn, 0x7fed2386b8fn, 0x7fed24a0010n],
  bigBlock: 0x5800000,
  countA: 75,
  countB: 74,
  smallBlock: 0x100000,
  smallCounts: [14, 13, 13],
};

const SYMBOLS: [bigint, string][] = [
  // !heap -p -a prints this frame as `ntdll! ?? ::FNODOBFM::\`string'+0x00000000000153eb` (the offset 16 digits
  // wide); `u` prints the same symbol with a short offset in its header line.
  [0x775bc35bn, "ntdll! ?? ::FNODOBFM::`string'+0x153eb"],
  [0x7fed230483bn, "halcon!HXmalloc+0x8b"],
  [0x7fed22dd81dn, "halcon!HXAllocRLTmp+0x265d"],
  [0x7fed22d6bd0n, "halcon!HXAllocTmp+0xa80"],
  [0x7fed44a346an, "halcon!HCancelWait+0x7a"],
  [0x7fed2386b8fn, "halcon!CCallHProc+0x73f"],
  [0x7fed24a0010n, "halcon!HXThreadRun+0x40"],
];

export function seedTarget(options: { heapTypes?: boolean; dump?: string } = {}): HeapTarget {
  const t = new HeapTarget({ pointerSize: 8, build: BUILDS.win7sp1, ust: true, ntdllBase: SEED.ntdll.base, dump: options.dump });
  if (options.heapTypes !== false) {
    // dt nt!_HEAP 29fb0000 worked in the article; only _HEAP_VIRTUAL_ALLOC_ENTRY was missing.
    t.b.pdbTypes("ntdll", ["_HEAP"]); // Build 7601's (the kernel PDB's copy of ntdll's type).
  }
  t.module("C:\\Program Files\\MVTec\\HALCON-12.0\\bin\\x64-win64\\halcon.dll", SEED.halcon.base, SEED.halcon.size);
  for (const [address, text] of SYMBOLS) t.symbol(address, text);
  const heaps = SEED.heaps.map((at, i) => {
    if (at === SEED.leakingHeap) {
      const [, end, committed] = SEED.leakingSegments[0];
      return t.ntHeap({ at, encoded: true, end, committed });
    }
    const [reserveKb, commitKb] = SEED.heapKb[i];
    return t.ntHeap({ at, encoded: true, end: at + BigInt(reserveKb * 1024), committed: commitKb * 1024 });
  });
  for (const [start, end, committed] of SEED.leakingSegments.slice(1)) t.segment(SEED.leakingHeap, start, end, committed);
  const traceA = t.stackTrace(SEED.stackA);
  const traceB = t.stackTrace(SEED.stackB);
  const small = [0x7fed2300100n, 0x7fed2300200n, 0x7fed2300300n].map((f) => t.stackTrace([0x775bc35bn, f]));
  // Heap 0x60000: the one virtual block !heap -s counts for it.
  t.virtualBlock(heaps[0], { userSize: 0x200000, trace: small[0] });
  const leak = SEED.leakingHeap;
  const specs: { userSize: number; trace: bigint }[] = [{ userSize: SEED.firstUserSize, trace: traceA }];
  for (let i = 1; i < SEED.countA; i++) specs.push({ userSize: SEED.bigBlock, trace: traceA });
  for (let i = 0; i < SEED.countB; i++) specs.push({ userSize: SEED.bigBlock, trace: traceB });
  SEED.smallCounts.forEach((n, s) => {
    for (let i = 0; i < n; i++) specs.push({ userSize: SEED.smallBlock, trace: small[s] });
  });
  // Interleave A and B as a leak over time would, keeping the first block first.
  const ordered = [specs[0]].concat(interleave(specs.slice(1)));
  ordered.forEach((spec, i) => {
    let at: bigint;
    if (i === 0) at = SEED.firstEntry;
    else if (i === 1) at = SEED.fixedEntries.second;
    else if (i === ordered.length - 2) at = SEED.fixedEntries.secondLast;
    else if (i === ordered.length - 1) at = SEED.fixedEntries.last;
    else at = 0x100000000n + BigInt(i) * 0x6000000n;
    t.virtualBlock(leak, { ...spec, at });
  });
  return t;
}

function interleave<T>(items: T[]): T[] {
  const out: T[] = [];
  const half = Math.ceil(items.length / 2);
  for (let i = 0; i < half; i++) {
    out.push(items[i]);
    if (i + half < items.length) out.push(items[i + half]);
  }
  return out;
}
