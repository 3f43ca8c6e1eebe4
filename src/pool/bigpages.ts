// Live large pool allocations from nt!PoolBigPageTable (layouts.md §2.1, §2.3). nt!PoolBigPageTableSize is an
// ENTRY COUNT. A free entry has bit 0 of Va set. The whole table is read in one read.
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { u32, unsigned, pointer } from "../core/bytes";
import { resolveLayout, isLayoutMissing, builtInLayout, notInSymbols } from "../layouts/resolve";
import { ResolvedLayout } from "../layouts/types";
import { readTableEntries, exactCount } from "./prefix";
import { POOL_TRACKER_BIG_PAGES, bigPagePoolTypeShift, bigPagePoolTypeShiftFollowsSize } from "../layouts/pool";
import type { Target } from "../host/target";
import { groupDigits } from "../render/format";
import { TagPattern, tagFromKey } from "./tags";

/** Entries read at most: 8M entries is 192-256 MB of table (the largest single read, limits.maxImageBytes), far beyond any machine's PoolBigPageTableSize. */
export const MAX_BIG_PAGE_ENTRIES = 0x800000;

export interface BigAllocation {
  address: Address;
  size: number;
  paged: boolean;
  tag: string;
}

export interface BigPagesRead {
  kind: "bigPages";
  allocations: BigAllocation[];
  layoutDescription: string;
  /** The layout used, for the short provenance line (render/report.ts layoutNote). */
  layout: ResolvedLayout;
  entries: number;
  problems: string[];
}

export interface BigPagesMissing {
  kind: "bigPagesMissing";
  reason: string;
}

export function readBigPages(target: Target, pattern: TagPattern): BigPagesRead | BigPagesMissing {
  const build = target.windowsBuild();
  let layout = resolveLayout(POOL_TRACKER_BIG_PAGES, (m, t) => target.type(m, t), target.pointerSize, build);
  if (isLayoutMissing(layout)) return { kind: "bigPagesMissing", reason: layout.reason };
  const tableAt = target.readGlobalPointer("nt", "PoolBigPageTable");
  if (tableAt === null) return { kind: "bigPagesMissing", reason: "nt!PoolBigPageTable" };
  if (tableAt instanceof Unreadable) return { kind: "bigPagesMissing", reason: tableAt.describe(target.pointerSize) };
  const sizeAt = target.symbolAddress("nt", "PoolBigPageTableSize");
  if (!sizeAt) return { kind: "bigPagesMissing", reason: "nt!PoolBigPageTableSize" };
  const sizeBytes = target.memory.read(sizeAt, target.pointerSize, "nt!PoolBigPageTableSize");
  if (sizeBytes instanceof Unreadable) return { kind: "bigPagesMissing", reason: sizeBytes.describe(target.pointerSize) };
  const problems: string[] = [];
  let entries = unsigned(sizeBytes, 0, target.pointerSize);
  if (entries > MAX_BIG_PAGE_ENTRIES) {
    problems.push("nt!PoolBigPageTableSize is " + exactCount(sizeBytes, 0, target.pointerSize) + "; only the first " + groupDigits(MAX_BIG_PAGE_ENTRIES) + " entries were read");
    entries = MAX_BIG_PAGE_ENTRIES;
  }
  if (layout.guessed && entries > 0) layout = inferBigPageLayout(target, tableAt, entries, layout);
  if (build === null && !bigPagePoolTypeShiftFollowsSize(layout.size, target.pointerSize)) {
    // The shift below is Windows 10's; nothing in an entry tells a Windows 7/8.1 POOL_TYPE from Windows 10's bits.
    layout = { ...layout, description: layout.description + "; Paged is a guess: with entries of this size the pool type sits in other bits on Windows 7 and 8.1 than on Windows 10, and it was read as Windows 10 keeps it" };
  }
  const stride = layout.size;
  const o = layout.offsets;
  // PoolType is the ULONG after Key in every variant (layouts.md §2.3); symbols name it differently per build.
  const poolTypeAt = o.PoolType !== undefined ? o.PoolType : o.Key + 4;
  const shift = bigPagePoolTypeShift(build);
  const sizeWidth = layout.sizes.NumberOfBytes || target.pointerSize;
  const allocations: BigAllocation[] = [];
  if (entries > 0) {
    const table = readTableEntries(target, tableAt, entries, stride, "nt!PoolBigPageTable", "the big page table");
    const bytes = table.bytes;
    if (table.problem) problems.push(table.problem);
    entries = table.entries;
    for (let i = 0; i < entries; i++) {
      const base = i * stride;
      const va = pointer(bytes, base + o.Va, target.pointerSize);
      if (va.isNull || (va.lo & 1) !== 0) continue;
      const key = u32(bytes, base + o.Key);
      if (key === 0) continue;
      const tag = tagFromKey(key);
      if (!pattern.matches(tag)) continue;
      const poolType = (u32(bytes, base + poolTypeAt) >>> shift) & 0xfff;
      allocations.push({ address: va, size: unsigned(bytes, base + o.NumberOfBytes, sizeWidth), paged: (poolType & 1) === 1, tag });
    }
  }
  return { kind: "bigPages", allocations, layoutDescription: layout.description, layout, entries, problems };
}

/** Entries sampled to infer the stride: 2,048 entries is 48-64 KB, a few packets. */
const STRIDE_SAMPLE = 2048;

/**
 * Without the Windows build the entry size (0x18 up to Windows 10, 0x20 from Server 2022 on) is not known. The table
 * tells: with the right stride a used entry (Va not null) holds a page-aligned kernel address (bit 0 marks a free
 * entry), a tag of four printable characters and, when live, a size from one page to 4 GB; with a wrong one these
 * land on each other's bytes. The candidate whose entries pass most often wins, and the description says it was
 * inferred; when none passes more often than not, the guess stands and says that the contents did not confirm it.
 */
function inferBigPageLayout(target: Target, tableAt: Address, entries: number, guess: ResolvedLayout): ResolvedLayout {
  const ps = target.pointerSize;
  // One candidate per entry size, the newest variant of each (the pool type shift for an unknown build is Win10's).
  const variants = POOL_TRACKER_BIG_PAGES.variants.filter((v) => v.pointerSize === ps).sort((a, b) => (b.minBuild || 0) - (a.minBuild || 0));
  const strides = variants.filter((v, i) => variants.findIndex((w) => w.size === v.size) === i);
  const sample = Math.min(entries, STRIDE_SAMPLE);
  const why = notInSymbols(POOL_TRACKER_BIG_PAGES) + " and the Windows build is unknown (nt!NtBuildNumber missing or unreadable)";
  let best: { score: number; valid: number; used: number; variant: (typeof variants)[0] } | null = null;
  for (const v of strides) {
    const table = readTableEntries(target, tableAt, sample, v.size, "nt!PoolBigPageTable", "the big page table");
    let valid = 0;
    let used = 0;
    for (let i = 0; i < table.entries; i++) {
      const base = i * v.size;
      const va = pointer(table.bytes, base + v.offsets.Va, ps);
      if (va.isNull) continue;
      used++;
      if (plausibleBigPage(table.bytes, base, v.offsets, va, ps)) valid++;
    }
    const score = valid - (used - valid);
    if (used > 0 && (!best || score > best.score)) best = { score, valid, used, variant: v };
  }
  if (!best || best.score <= 0) {
    return { ...guess, description: guess.description + "; the table's contents did not confirm it" };
  }
  const v = best.variant;
  return builtInLayout(
    POOL_TRACKER_BIG_PAGES,
    v,
    why + "; using the built-in layout for " + v.label + ", inferred from the table: with its 0x" + v.size.toString(16) + "-byte entries " +
      best.valid + " of the first " + best.used + " used entries hold a page-aligned kernel address, a printable tag and a plausible size",
    true,
  );
}

function plausibleBigPage(bytes: Uint8Array, base: number, o: { [field: string]: number }, va: Address, ps: 4 | 8): boolean {
  const free = (va.lo & 1) === 1;
  if ((va.lo & 0xffe) !== 0) return false;
  // Kernel space: the top half of the address space (x64 canonical high half; x86 above 2 GB, 3 GB with /3GB).
  if (ps === 8 ? va.hi < 0xffff8000 : va.lo < 0x80000000) return false;
  const key = u32(bytes, base + o.Key);
  for (let i = 0; i < 4; i++) {
    const c = (key >>> (i * 8)) & 0xff;
    if (c < 0x20 || c > 0x7e) return false;
  }
  if (free) return true; // A free entry's size is stale.
  const size = unsigned(bytes, base + o.NumberOfBytes, ps);
  return size > 0 && size <= 0x100000000;
}
