// The VirtualAllocdBlocks of every NT heap in a process: blocks above the heap's VirtualMemoryThreshold (512 KB on
// x64) that `!heap -s` leaves out of its Commit column. Pure logic over bytes read in bulk through a Target:
// the PEB once, the heap pointer array once, each heap's header once, each entry's header and ust pointer once.
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { workLimit, raiseHint } from "../core/limits";
import { pointer, u16, u32, unsigned } from "../core/bytes";
import type { Target } from "../host/target";
import { walkSegmentHeap } from "./user-segment-heap";
import { LayoutMissing, ResolvedLayout } from "../layouts/types";
import {
  FLG_USER_STACK_TRACE_DB,
  HEAP_ENCODING_ENABLED,
  HeapConstants,
  NT_HEAP_SIGNATURE,
  SEGMENT_HEAP_SIGNATURE,
} from "../layouts/heap";

export const virtblockLimits = {
  /** Heaps in one process: real processes have tens, rarely a few hundred (MaximumNumberOfHeaps grows by 16). */
  maxHeaps: 4096,
  /** Virtual blocks in one heap: each is at least 512 KB (x64) of address space, so 2^20 of them would need
   *  512 GB; more than the work limit (200,000 unless raised with !ltlimits) is a corrupted list. */
  get maxBlocksPerHeap(): number {
    return workLimit("maxBlocksPerHeap");
  },
  /** Segments in one heap: a growable heap doubles each new segment, so even 64 segments is far beyond real use. */
  maxSegmentsPerHeap: 1024,
} as const;

export interface HeapLayouts {
  heap: ResolvedLayout;
  entry: ResolvedLayout;
  segment: ResolvedLayout | LayoutMissing;
  constants: HeapConstants;
}

export interface ProcessHeaps {
  peb: Address;
  ntGlobalFlag: number;
  ust: boolean;
  heaps: Address[];
  /** Heaps beyond the cap, or an array that could not be read. */
  problem: string | null;
}

export interface VirtualBlock {
  heap: Address;
  entry: Address;
  userAddress: Address;
  userSize: number;
  commitSize: number;
  reserveSize: number;
  /** False when the decoded BusyBlock failed its checksum or held more unused bytes than the commit size. */
  sizeDecoded: boolean;
  /** The _RTL_STACK_TRACE_ENTRY (the ust pointer), or null without +ust. */
  trace: Address | null;
  /** AllocatorBackTraceIndex from ExtraStuff (0 when absent). */
  traceIndex: number;
}

export interface SegmentHeapTotals {
  reservedBytes: number;
  committedBytes: number;
}

/** The heap's own segments: what `!heap -s` shows as Reserv and Commit (virtual blocks not included). */
export interface HeapSegments {
  count: number;
  reservedBytes: number;
  committedBytes: number;
  /** Why the segment walk stopped early; the totals then cover the segments before it. */
  problem: string | null;
}

export interface HeapReport {
  heap: Address;
  kind: "nt" | "segment" | "unknown" | "unreadable";
  encoded: boolean;
  blocks: VirtualBlock[];
  /** Why the walk stopped early (naming the bad link), or null when it reached the list head. */
  problem: string | null;
  /** Segment heaps: the large-allocation counters when the layout is known, else null. */
  segmentTotals: SegmentHeapTotals | null;
  /** NT heaps: their segments' reserved and committed bytes; null for other kinds. */
  segments: HeapSegments | null;
}

/** PEB.NtGlobalFlag, NumberOfHeaps and ProcessHeaps in one read, then the heap pointer array in one read. */
export function readProcessHeaps(target: Target, peb: Address, constants: HeapConstants): ProcessHeaps | Unreadable {
  const p = constants.peb;
  const ps = target.pointerSize;
  const header = target.memory.read(peb, Math.max(p.ProcessHeaps + ps, p.OSBuildNumber + 2), "_PEB");
  if (header instanceof Unreadable) return header;
  const ntGlobalFlag = u32(header, p.NtGlobalFlag);
  const count = u32(header, p.NumberOfHeaps);
  const array = pointer(header, p.ProcessHeaps, ps);
  const result: ProcessHeaps = { peb, ntGlobalFlag, ust: (ntGlobalFlag & FLG_USER_STACK_TRACE_DB) !== 0, heaps: [], problem: null };
  const shown = Math.min(count, virtblockLimits.maxHeaps);
  if (count > shown) result.problem = "NumberOfHeaps is " + count + "; only the first " + shown + " (maxHeaps) are walked";
  if (shown === 0) return result;
  const bytes = target.memory.read(array, shown * ps, "_PEB.ProcessHeaps array");
  if (bytes instanceof Unreadable) {
    result.problem = (result.problem ? result.problem + "; " : "") + bytes.describe(ps);
    return result;
  }
  for (let i = 0; i < shown; i++) {
    const heap = pointer(bytes, i * ps, ps);
    if (!heap.isNull) result.heaps.push(heap);
  }
  return result;
}

/** A user-mode address a heap link may hold: non-null, below the top of user space, pointer-aligned. */
export function isPlausibleUserAddress(address: Address, pointerSize: 4 | 8): boolean {
  if (address.isNull) return false;
  if (address.lo % pointerSize !== 0) return false;
  // x64 user space ends at 0x7FFF`FFFFFFFF (128 TB); a 32-bit process's at 4 GB.
  return pointerSize === 8 ? address.hi < 0x8000 : address.hi === 0;
}

/** `onBlock` is called once per entry walked, for progress. */
export function walkHeap(target: Target, heap: Address, layouts: HeapLayouts, ust: boolean, onBlock?: () => void): HeapReport {
  const ps = target.pointerSize;
  const report: HeapReport = { heap, kind: "unreadable", encoded: false, blocks: [], problem: null, segmentTotals: null, segments: null };
  const h = layouts.heap.offsets;
  const enc = layouts.constants.encodedEntryOffset;
  let headerSize = Math.max(h.VirtualAllocdBlocks + 2 * ps, h.SegmentList + 2 * ps, h.NumberOfUnCommittedPages + 4, h.Encoding + enc + 8, h.EncodeFlagMask + 4, layouts.constants.signatureOffset + 4);
  const seg = layouts.segment;
  if (!("kind" in seg)) {
    headerSize = Math.max(headerSize, seg.offsets.LargeReservedPages + 8, seg.offsets.LargeCommittedPages + 8);
  }
  const header = target.memory.read(heap, headerSize, "_HEAP");
  if (header instanceof Unreadable) {
    report.problem = "the heap header " + header.describe(ps);
    return report;
  }
  const signature = u32(header, layouts.constants.signatureOffset);
  if (signature === SEGMENT_HEAP_SIGNATURE) {
    report.kind = "segment";
    if (!("kind" in seg)) {
      const pages = (field: string) => unsigned(header, seg.offsets[field], seg.sizes[field] || ps);
      report.segmentTotals = { reservedBytes: pages("LargeReservedPages") * 0x1000, committedBytes: pages("LargeCommittedPages") * 0x1000 };
    }
    segmentLargeBlocks(target, heap, report);
    return report;
  }
  if (signature !== NT_HEAP_SIGNATURE) {
    report.kind = "unknown";
    report.problem = "the signature at +0x" + layouts.constants.signatureOffset.toString(16) + " is 0x" + signature.toString(16) +
      ", neither an NT heap (0xffeeffee) nor a segment heap (0xddeeddee)";
    return report;
  }
  report.kind = "nt";
  report.segments = walkSegments(target, heap, header, layouts);
  report.encoded = (u32(header, h.EncodeFlagMask) & HEAP_ENCODING_ENABLED) !== 0;
  const key = header.subarray(h.Encoding + enc, h.Encoding + enc + 8);
  const head = heap.add(h.VirtualAllocdBlocks);
  const visited = new Set<string>();
  let link = pointer(header, h.VirtualAllocdBlocks, ps);
  let from = head;
  const e = layouts.entry;
  const readSize = ust ? e.size + ps : e.size;
  while (!link.equals(head)) {
    if (onBlock) onBlock();
    const where = "the link at " + from.format(ps) + " (" + link.format(ps) + ")";
    if (report.blocks.length >= virtblockLimits.maxBlocksPerHeap) {
      report.problem = "more than " + virtblockLimits.maxBlocksPerHeap + " entries (maxBlocksPerHeap); stopped at " + where + " (" + raiseHint("maxBlocksPerHeap") + ")";
      break;
    }
    if (!isPlausibleUserAddress(link, ps)) {
      report.problem = where + " points outside the process";
      break;
    }
    if (visited.has(link.key)) {
      report.problem = where + " points back to an entry already walked (a cycle)";
      break;
    }
    visited.add(link.key);
    const bytes = target.memory.read(link, readSize, "_HEAP_VIRTUAL_ALLOC_ENTRY", false);
    if (bytes instanceof Unreadable) {
      report.problem = where + " leads to an unreadable entry: " + bytes.describe(ps);
      break;
    }
    report.blocks.push(decodeEntry(bytes, heap, link, layouts, report.encoded ? key : null, ust, ps));
    from = link;
    link = pointer(bytes, e.offsets.Entry, ps);
  }
  return report;
}

/**
 * A segment heap's large blocks (its virtual blocks: the LargeAllocMetadata tree) through the segment-heap walker.
 * Only damage to the tree is reported as a problem; a build without a layout keeps the counters-only note.
 */
function segmentLargeBlocks(target: Target, heap: Address, report: HeapReport): void {
  const part = walkSegmentHeap(target, heap, { includeFree: false, readFirstPointer: false, kinds: ["Large"] });
  for (const b of part.blocks) {
    const bytes = b.blockBytes || b.size;
    report.blocks.push({ heap, entry: b.address, userAddress: b.address, userSize: b.size, commitSize: bytes, reserveSize: bytes, sizeDecoded: true, trace: b.stackRecord, traceIndex: 0 });
  }
  const damage = part.notWalked.filter((n) => n.part === "large block tree");
  if (damage.length) report.problem = damage.map((n) => n.reason).join("; ");
}

function decodeEntry(bytes: Uint8Array, heap: Address, entry: Address, layouts: HeapLayouts, key: Uint8Array | null, ust: boolean, ps: 4 | 8): VirtualBlock {
  const e = layouts.entry;
  const commitSize = unsigned(bytes, e.offsets.CommitSize, e.sizes.CommitSize || ps);
  const reserveSize = unsigned(bytes, e.offsets.ReserveSize, e.sizes.ReserveSize || ps);
  // BusyBlock: its Size field holds the unused-byte count of a virtual block (§1.4); decoded with the heap's
  // Encoding when entries are encoded (§1.2).
  const at = e.offsets.BusyBlock + layouts.constants.encodedEntryOffset;
  const b = new Uint8Array(8);
  for (let i = 0; i < 8; i++) b[i] = bytes[at + i] ^ (key ? key[i] : 0);
  const unused = u16(b, 0);
  const checksumOk = !key || (b[0] ^ b[1] ^ b[2] ^ b[3]) === 0;
  const sizeDecoded = checksumOk && unused <= commitSize;
  const userSize = sizeDecoded ? commitSize - unused : commitSize;
  const trace = ust ? pointer(bytes, e.size, ps) : null;
  return {
    heap,
    entry,
    userAddress: entry.add(e.size + (ust ? layouts.constants.ustPrefix : 0)),
    userSize,
    commitSize,
    reserveSize,
    sizeDecoded,
    trace: trace && !trace.isNull ? trace : null,
    traceIndex: u16(bytes, e.offsets.ExtraStuff),
  };
}

/**
 * The heap's segments through _HEAP.SegmentList (the heap itself is the first): reserved = LastValidEntry - base,
 * committed = reserved - NumberOfUnCommittedPages pages, as `!heap -h` prints "Segment at X to Y (Z bytes committed)".
 * One read per segment other than the heap itself.
 */
function walkSegments(target: Target, heap: Address, header: Uint8Array, layouts: HeapLayouts): HeapSegments {
  const ps = target.pointerSize;
  const h = layouts.heap.offsets;
  const result: HeapSegments = { count: 0, reservedBytes: 0, committedBytes: 0, problem: null };
  const head = heap.add(h.SegmentList);
  const visited = new Set<string>();
  let link = pointer(header, h.SegmentList, ps);
  let from = head;
  const size = h.NumberOfUnCommittedPages + 4;
  while (!link.equals(head)) {
    const where = "the segment link at " + from.format(ps) + " (" + link.format(ps) + ")";
    if (result.count >= virtblockLimits.maxSegmentsPerHeap) {
      result.problem = "more than " + virtblockLimits.maxSegmentsPerHeap + " segments (maxSegmentsPerHeap); stopped at " + where;
      break;
    }
    if (!isPlausibleUserAddress(link, ps) || visited.has(link.key)) {
      result.problem = where + (visited.has(link.key) ? " points back to a segment already walked (a cycle)" : " points outside the process");
      break;
    }
    visited.add(link.key);
    const base = link.subtract(h.SegmentListEntry);
    const bytes = base.equals(heap) ? header : target.memory.read(base, size, "_HEAP_SEGMENT", false);
    if (bytes instanceof Unreadable) {
      result.problem = where + " leads to an unreadable segment: " + bytes.describe(ps);
      break;
    }
    const end = pointer(bytes, h.LastValidEntry, ps);
    const reserved = end.distanceFrom(base);
    const uncommitted = u32(bytes, h.NumberOfUnCommittedPages) * 0x1000;
    if (reserved === null || uncommitted > reserved) {
      result.problem = "the segment at " + base.format(ps) + " has LastValidEntry " + end.format(ps) + " and " +
        uncommitted / 0x1000 + " uncommitted pages, which do not fit";
      break;
    }
    result.count++;
    result.reservedBytes += reserved;
    result.committedBytes += reserved - uncommitted;
    from = link;
    link = pointer(bytes, h.SegmentListEntry, ps);
  }
  return result;
}
