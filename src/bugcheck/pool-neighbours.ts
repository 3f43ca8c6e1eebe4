// The pool block a corrupted address falls in and the block before it: an overrun damages the block AFTER the
// one its writer owns, so the neighbour's tag (and through !leaktag's search, its driver) names the usual culprit.
// Two pools: from Windows 10 1809 (build 17763) the segment heap, walked with src/pool/segment-heap.ts (the walker
// !poolallocs uses); before it the _POOL_HEADER chain of the page (layouts.md §2.4: each header's BlockSize, in
// 16-byte units on x64 and 8 on x86, leads to the next header; a small-block page starts with a header).
import { Address } from "../core/address";
import { asciiz, u32 } from "../core/bytes";
import { Unreadable } from "../core/missing";
import { resolveLayout, isLayoutMissing } from "../layouts/resolve";
import { ResolvedLayout } from "../layouts/types";
import { SEGMENT_HEAP_LAYOUTS, SegmentHeapLayoutName } from "../layouts/segment-heap";
import { poolBlockSizeField } from "../layouts/exception";
import { parseTagPattern } from "../pool/tags";
import {
  SegmentHeapLayouts,
  SegmentHeapReader,
  decodeKeys,
  encodingOfBuild,
  readPoolHeaps,
  walkSegmentMetadata,
  walkSubsegments,
} from "../pool/segment-heap";
import type { Target } from "../host/target";

/** One pool block as the neighbour lookup reports it. */
export interface PoolNeighbour {
  /** The pool header's address (the block's data follows it). */
  header: Address;
  /** Bytes from the header to the next block (BlockSize x unit). */
  size: number;
  tag: string;
  /** False for a free block (PoolType 0 in the old pool); the segment-heap walk lists busy blocks only. */
  busy: boolean;
}

export interface NeighbourLookup {
  /** "segment heap" or "pool page" (the old _POOL_HEADER chain). */
  method: "segment heap" | "pool page";
  /** The block holding the address, or null (free space, metadata, or a header the walk could not read). */
  containing: PoolNeighbour | null;
  /** The block right before it (or before the address when none holds it): the usual writer of an overrun. */
  before: PoolNeighbour | null;
  /** Where a broken header chain stopped the walk (old pool): the corruption itself. */
  chainBrokenAt: Address | null;
  problems: string[];
  /** The segment-heap subsegment that holds the address (its walk listed the busy blocks), or null. */
  subsegment?: Address | null;
  /** The old pool: whether the page's header chain ran intact from its first header to its end. */
  chainComplete?: boolean;
  /** The first segment-heap layout that was built-in (for the Layout: line), else null. */
  layout?: ResolvedLayout | null;
}

export interface PoolPageEntry extends PoolNeighbour {
  previousSize: number;
}

/** The 4 KB pool pages the old pool uses for small blocks (PAGE_SIZE). */
export const POOL_PAGE = 0x1000;

/**
 * Walks a small-block pool page's header chain from its first header. Stops at a header whose BlockSize is 0, runs
 * past the page, or whose PreviousSize disagrees with the block before (the check ExFreePool makes, 0x19/0x5):
 * that header is where the chain broke.
 */
export function walkPoolPage(bytes: Uint8Array, pageBase: Address, pointerSize: 4 | 8): { entries: PoolPageEntry[]; brokenAt: Address | null } {
  const field = poolBlockSizeField(pointerSize);
  const headerSize = pointerSize === 8 ? 16 : 8;
  const entries: PoolPageEntry[] = [];
  let offset = 0;
  let previousUnits = 0;
  while (offset + headerSize <= bytes.length) {
    const first = u32(bytes, offset);
    const units = (first >>> field.shift) & ((1 << field.bits) - 1);
    const previous = first & ((1 << (pointerSize === 8 ? 8 : 9)) - 1);
    // PoolType sits above BlockSize: bits 24-31 on x64, 25-31 on x86 (layouts.md §2.4); 0 is a free block.
    const poolType = pointerSize === 8 ? first >>> 24 : first >>> 25;
    const size = units * field.unit;
    if (units === 0 || offset + size > bytes.length || previous !== previousUnits) return { entries, brokenAt: pageBase.add(offset) };
    entries.push({ header: pageBase.add(offset), size, tag: asciiz(bytes, offset + 4, 4), busy: poolType !== 0, previousSize: previous * field.unit });
    previousUnits = units;
    offset += size;
  }
  return { entries, brokenAt: null };
}

/** The entry holding `address` (from its header to the next), the one before it, in address order. */
export function neighboursOf<T extends PoolNeighbour>(entries: T[], address: Address, headerSlack = 0): { containing: T | null; before: T | null } {
  let before: T | null = null;
  for (const e of entries) {
    const start = e.header.subtract(headerSlack);
    if (address.compare(start) < 0) break;
    const offset = address.distanceFrom(start);
    if (offset !== null && offset < e.size + headerSlack) return { containing: e, before };
    before = e;
  }
  return { containing: null, before };
}

/** Build 17763 (Windows 10 1809) moved the kernel pools to the segment heap. */
export const SEGMENT_HEAP_POOL_BUILD = 17763;
/** A VS chunk header (_HEAP_VS_CHUNK_HEADER, 0x10 bytes) comes before the pool header: an address there is that block's. */
const VS_CHUNK_HEADER = 0x10;
/** The neighbour lookup walks one subsegment; its metadata walk may still have many segments to list. */
const MAX_SEGMENTS = 0x10000;

/** Whether the kernel's small-block pools are the segment heap (x64 from 1809), where `!pool` fails on a block. */
export function poolIsSegmentHeap(target: Target): boolean {
  const build = target.windowsBuild();
  return target.pointerSize === 8 && (build === null ? !!target.symbolAddress("nt", "ExPoolState") : build >= SEGMENT_HEAP_POOL_BUILD);
}

export function lookupPoolNeighbours(target: Target, address: Address): NeighbourLookup {
  return poolIsSegmentHeap(target) ? segmentHeapNeighbours(target, address, target.windowsBuild()) : poolPageNeighbours(target, address);
}

function poolPageNeighbours(target: Target, address: Address): NeighbourLookup {
  const page = address.alignDown(POOL_PAGE);
  const bytes = target.memory.read(page, POOL_PAGE, "pool page");
  if (bytes instanceof Unreadable) return { method: "pool page", containing: null, before: null, chainBrokenAt: null, problems: [bytes.describe(target.pointerSize)] };
  const walk = walkPoolPage(bytes, page, target.pointerSize);
  const found = neighboursOf(walk.entries, address);
  const last = walk.entries[walk.entries.length - 1];
  const chainComplete = walk.brokenAt === null && !!last && last.header.add(last.size).distanceFrom(page) === POOL_PAGE;
  return { method: "pool page", containing: found.containing, before: found.before, chainBrokenAt: walk.brokenAt, problems: [], chainComplete };
}

function segmentHeapNeighbours(target: Target, address: Address, build: number | null): NeighbourLookup {
  const none = (why: string): NeighbourLookup => ({ method: "segment heap", containing: null, before: null, chainBrokenAt: null, problems: [why] });
  const layouts: { [name: string]: ResolvedLayout } = {};
  let builtIn: ResolvedLayout | null = null;
  for (const name of Object.keys(SEGMENT_HEAP_LAYOUTS) as SegmentHeapLayoutName[]) {
    const l = resolveLayout(SEGMENT_HEAP_LAYOUTS[name], (m, t) => target.type(m, t), 8, build);
    if (isLayoutMissing(l)) return none("no layout for nt!" + l.typeName + ": " + l.reason);
    if (l.origin === "built-in" && !builtIn) builtIn = l;
    layouts[name] = l;
  }
  const all = layouts as unknown as SegmentHeapLayouts;
  const result = (containing: PoolNeighbour | null, before: PoolNeighbour | null, problems: string[], subsegment: Address | null = null): NeighbourLookup => ({
    method: "segment heap",
    subsegment,
    containing,
    before,
    chainBrokenAt: null,
    problems: build === null ? ["the Windows build is unknown (no nt!NtBuildNumber, NtBuildLab or vertarget answer), so the segment-heap layout is a guess"].concat(problems) : problems,
    layout: builtIn,
  });
  const stateAt = target.symbolAddress("nt", "ExPoolState");
  const globalsAt = target.symbolAddress("nt", "RtlpHpHeapGlobals");
  if (!stateAt || !globalsAt) return none("the symbol nt!" + (stateAt ? "RtlpHpHeapGlobals" : "ExPoolState") + " was not found (.symfix; .reload /f nt)");
  const g = all.globals.offsets;
  const keyBytes = target.memory.read(globalsAt, Math.max(g.HeapKey, g.LfhKey) + 8, "nt!RtlpHpHeapGlobals");
  if (keyBytes instanceof Unreadable) return none(keyBytes.describe(8));
  const keys = decodeKeys(keyBytes, all.globals);
  const reader: SegmentHeapReader = {
    read: (a, size, what) => target.memory.read(a, size, what, false),
    readPartial: (a, size) => target.memory.readPartial(a, size),
    format: (a) => target.formatAddress(a),
  };
  const problems: string[] = [];
  const heaps = readPoolHeaps(reader, stateAt, all, problems);
  if (!heaps) return result(null, null, problems);
  const buildEncoding = encodingOfBuild(build);
  const meta = walkSegmentMetadata(reader, heaps, keys.heapKey, all, MAX_SEGMENTS, buildEncoding);
  const sub = meta.subsegments.filter((s) => address.isWithin(s.address, s.size));
  if (sub.length === 0) return result(null, null, problems.concat(meta.problems, ["no pool subsegment holds " + target.formatAddress(address) + " (a big allocation, or not pool)"]));
  const every = parseTagPattern("*")!;
  const walk = walkSubsegments(reader, sub, { heapKey: keys.heapKey, lfhKeyLow: keys.lfhKeyLow, encoding: meta.encoding || buildEncoding }, all, { pattern: every, stopAfter: null, maxBytes: sub[0].size });
  const blocks = walk.blocks
    .map((b) => ({ header: b.header, size: b.size, tag: b.tag, busy: true }))
    .sort((a, b) => a.header.compare(b.header));
  const found = neighboursOf(blocks, address, sub[0].kind === "VS" ? VS_CHUNK_HEADER : 0);
  return result(found.containing, found.before, problems.concat(meta.problems, walk.problems), sub[0].address);
}
