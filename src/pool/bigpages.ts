// Live large pool allocations from nt!PoolBigPageTable (layouts.md §2.1, §2.3). nt!PoolBigPageTableSize is an
// ENTRY COUNT. A free entry has bit 0 of Va set. The whole table is read in one read.
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { u32, unsigned, pointer } from "../core/bytes";
import { resolveLayout, isLayoutMissing } from "../layouts/resolve";
import { readTableEntries, exactCount } from "./prefix";
import { POOL_TRACKER_BIG_PAGES, bigPagePoolTypeShift } from "../layouts/pool";
import type { Target } from "../host/target";
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
  entries: number;
  problems: string[];
}

export interface BigPagesMissing {
  kind: "bigPagesMissing";
  reason: string;
}

export function readBigPages(target: Target, pattern: TagPattern): BigPagesRead | BigPagesMissing {
  const build = target.windowsBuild();
  const layout = resolveLayout(POOL_TRACKER_BIG_PAGES, (m, t) => target.type(m, t), target.pointerSize, build);
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
    problems.push("nt!PoolBigPageTableSize is " + exactCount(sizeBytes, 0, target.pointerSize) + "; only the first " + MAX_BIG_PAGE_ENTRIES + " entries were read");
    entries = MAX_BIG_PAGE_ENTRIES;
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
  return { kind: "bigPages", allocations, layoutDescription: layout.description, entries, problems };
}
