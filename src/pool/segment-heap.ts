// The kernel pool's segment heap (Windows 10 1809 and later, x64): every busy small block of a tag, walked from
// nt!ExPoolState down to each _POOL_HEADER. Pure logic over bytes read through a SegmentHeapReader; layouts are
// resolved by the caller (symbols first, src/layouts/segment-heap.ts otherwise).
//
// Encoding facts, with their sources, each validated on every decode here:
//  - Page segment signature: Signature == SegContext ^ PageSegment ^ RtlpHpHeapGlobals.HeapKey ^ 0xA2E64EADA2E64EAD.
//    The kernel's own check (RtlpHpSegDescriptorValidate, in public decompilations of ntoskrnl) compares
//    `SegContext ^ Segment ^ HeapKey ^ *(Segment+0x10)` with 0xA2E64EADA2E64EAD; MemProcFS (ufrisk/MemProcFS,
//    vmm/vmmheap.c, VmmHeapAlloc_SegInit) decodes `Signature ^ segment ^ HeapKey ^ 0xa2e64eada2e64ead` and requires
//    one of the heap's two segment contexts. From build 26100 (Windows 11 24H2) the constant is gone: MemProcFS
//    (vmmwinpool.c, VmmWinPool_AllPool1903_Offsets; vmmheap.c) uses 0 there. The walk tries both and keeps the one a
//    signature confirms (encodingOf), so a build it does not know is still read right. P. Fariello and C. Bayet,
//    "Scoop the Windows 10 pool!" (SSTIC 2020), describe the kernel pool's use of the segment heap (recalled).
//  - Heaps: each pool node's Heaps[4] and ExPoolState.SpecialHeaps[4], index 0 NonPagedPool, 1 NonPagedPoolNx,
//    2 and 3 PagedPool (MemProcFS vmmwinpool.c, VmmWinPool_AllPool1903_1_HeapMgr, and PoolViewer's GetAllHeaps, which
//    both walk the two arrays).
//  - Range descriptors: descriptor i covers unit i (i << UnitShift bytes into the segment); a range's first
//    descriptor holds UnitSize; walking starts at the context's FirstDescriptorIndex. RangeFlags 0x0B is an LFH
//    subsegment, 0x0F a VS subsegment, 0x03 a large range (MemProcFS, VmmHeapAlloc_SegRangeDescriptor; the kernel
//    decompilation tests bit 0 (allocated) and bit 1 (first descriptor)).
//  - VS subsegment: valid when Size == Signature ^ 0x2BED; chunks start 0x30 bytes in and run to the end of the range
//    the page range descriptor gives. Size is used only against the signature: the sources read it two ways (16-byte
//    units after the 0x30-byte header, userheap-facts.md 10.3 and DbgHelpUtils heap_vs_subsegment.cpp, which rounds
//    Size * 16 up to a page; or units from the subsegment's start, older DbgHelpUtils), and a walk bounded by
//    Size * 16 from the start would miss a chunk in the last 0x30 bytes under the first. MemProcFS (vmmwinpool.c,
//    VS_DoWork) also walks to the range's end; test/e2e/poolallocs.test.ts holds both readings. Each chunk header's
//    HeaderBits is encoded with HeapKey ^ (the chunk header's address); decoded, UnsafeSize (bits 16-31) is the
//    chunk's size in 16-byte units and Allocated (bits 48-55) is odd for a busy chunk (MemProcFS VmmHeapAlloc_SegVS;
//    the bit positions are the PDB's _HEAP_VS_CHUNK_HEADER_SIZE). In the kernel pool the _POOL_HEADER follows the
//    16-byte chunk header, except that a block under 0xFF0 bytes that would cross a page starts at the next page
//    (MemProcFS: "pool header will be found at start of new page").
//  - LFH subsegment: BlockOffsets.EncodedData ^ (ULONG)LfhKey ^ shift gives BlockSize (low 16 bits) and
//    FirstBlockOffset (high 16 bits), where shift is (ULONG)subsegment >> 12 before build 26100 and
//    (ULONG)(subsegment >> 12) from 26100 on (MemProcFS VmmWinPool_AllPool1903_5_LFH_DoWork and VmmHeapAlloc_SegLFH:
//    the two differ in bits 20-31 for kernel addresses; Y. Shafir's PoolViewer, PoolData.cpp
//    FindPoolBlocksInLfhSubsegment, written before 26100, decodes `EncodedData ^ (ULONG)LfhKey ^
//    ((ULONG)(ULONG_PTR)LfhSubsegment >> 0xc)`). BlockBitmap holds two bits per block; the first is busy (PoolViewer
//    tests it; MemProcFS lists a block only when the pair is exactly 01, so a block with both bits set is listed here
//    and not there). A block that would cross a page is never handed out (the pool's
//    _RTL_HP_LFH_CONFIG.WitholdPageCrossingBlocks; MemProcFS and PoolViewer both skip such slots), and BlockCount
//    counts such withheld slots out while they keep their positions: every position up to the subsegment's end is
//    walked (MemProcFS's LFH loop), BlockCount is only a sanity check. Each block starts
//    with its _POOL_HEADER, whose BlockSize x 16 is the slot's size (MemProcFS VmmWinPool_AllPool_PushItem checks it).
//  - Big allocations served from VS chunks are also in nt!PoolBigPageTable (MemProcFS skips those VS blocks as
//    duplicates; PoolViewer reads chunks over a page as data with no pool header): the walk leaves out a block that
//    lies inside a big allocation's range, under either reading.
//  - _POOL_HEADER: BlockSize (bits 0-7 of the USHORT at +2) x 16 is the block size !pool shows; PoolTag at +4.
import { RangeView, piecesView, wholeView } from "../core/range-view";
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { u16, u32, u8, u64Address, unsigned } from "../core/bytes";
import type { ResolvedLayout } from "../layouts/types";
import { TagPattern, tagFromKey } from "./tags";

export const SEGMENT_SIGNATURE_XOR = new Address(0xa2e64ead, 0xa2e64ead);
/** The first build whose page segment signatures carry no constant and whose LFH offsets shift the whole address. */
export const ENCODING_CHANGE_BUILD = 26100;

/** How a kernel encodes its segment heaps: before build 26100, or from it on. */
export type SegmentHeapEncoding = "before 26100" | "26100 and later";

export function encodingOfBuild(build: number | null): SegmentHeapEncoding {
  return build !== null && build >= ENCODING_CHANGE_BUILD ? "26100 and later" : "before 26100";
}
export const VS_SIGNATURE_XOR = 0x2bed;
export const RANGE_LFH = 0x0b;
export const RANGE_VS = 0x0f;
/** First VS chunk: the 0x28-byte _HEAP_VS_SUBSEGMENT rounded up to 16 (MemProcFS oVsChunkHdr = 0x30). */
export const VS_FIRST_CHUNK = 0x30;
export const POOL_HEADER_BYTES = 16;
/** Blocks this large or larger carry no meaningful BlockSize (8 bits of 16-byte units; MemProcFS cbBigPoolThreshold). */
export const BIG_THRESHOLD = 0xfe0;
/** Bytes of each block kept for the preview and the pointer scan. */
export const KEPT_BYTES = 256;
/** Descriptors in a page segment: DescArray is _HEAP_PAGE_RANGE_DESCRIPTOR [256] in every PDB of the slices. */
export const DESCRIPTORS_PER_SEGMENT = 256;
/** Pool nodes at most: PoolNode is _EX_HEAP_POOL_NODE [64] in every PDB of the slices. */
export const MAX_POOL_NODES = 64;
/** Heaps per node: Heaps is _SEGMENT_HEAP * [4]. */
export const HEAPS_PER_NODE = 4;

export interface SegmentHeapLayouts {
  state: ResolvedLayout;
  node: ResolvedLayout;
  globals: ResolvedLayout;
  heap: ResolvedLayout;
  segContext: ResolvedLayout;
  pageSegment: ResolvedLayout;
  descriptor: ResolvedLayout;
  vsSubsegment: ResolvedLayout;
  vsChunk: ResolvedLayout;
  lfhSubsegment: ResolvedLayout;
  poolHeader: ResolvedLayout;
}

/** What the walk reads through: exact reads that may fail, and a partial read for ranges with holes. */
export interface SegmentHeapReader {
  read(address: Address, size: number, what: string): Uint8Array | Unreadable;
  /** The readable pieces of a range (pages paged out or decommitted are left out). */
  readPartial(address: Address, size: number): { pieces: { start: Address; bytes: Uint8Array }[] };
  format(address: Address): string;
}

/** The heaps of a pool node (and the special heaps), by index (MemProcFS vmmwinpool.c, see the header comment). */
export const HEAP_NAMES = ["NonPaged", "NonPagedNx", "Paged", "Paged (heap 3)"];

export function poolOfHeap(index: number): "NonPaged" | "Paged" {
  return index >= 2 ? "Paged" : "NonPaged";
}

export interface HeapRef {
  address: Address;
  /** The pool node, or -1 for one of ExPoolState.SpecialHeaps. */
  node: number;
  index: number;
}

export function heapName(heap: { node: number; index: number }): string {
  return (heap.node < 0 ? "special " : "") + HEAP_NAMES[heap.index];
}

export interface SmallBlock {
  /** What the allocator returned to the driver: the pool header's address + 16. */
  address: Address;
  header: Address;
  /** _POOL_HEADER.BlockSize x 16. */
  size: number;
  kind: "LFH" | "VS";
  pool: "NonPaged" | "Paged";
  tag: string;
  /** Up to KEPT_BYTES bytes from `address`, no further than the block's end or the readable bytes. */
  data: Uint8Array;
}

export interface Subsegment {
  address: Address;
  size: number;
  kind: "LFH" | "VS";
  heap: HeapRef;
}

export interface MetadataWalk {
  heaps: HeapRef[];
  segments: number;
  /** The encoding the page segment signatures confirmed (null: none decoded either way). */
  encoding: SegmentHeapEncoding | null;
  subsegments: Subsegment[];
  /** Bytes of metadata read (heap state, contexts, descriptor arrays). */
  metadataBytes: number;
  problems: string[];
}

export interface BlockWalk {
  blocks: SmallBlock[];
  /** Busy blocks seen (any tag), for the summary. */
  busyBlocks: number;
  bytesWalked: number;
  subsegmentsWalked: number;
  /** Subsegments not read: the walk stopped early or reached the byte cap. */
  notWalked: number;
  /** Their bytes. */
  bytesNotWalked: number;
  /** Busy blocks of the tag left out because the big page table lists them. */
  alsoBig: number;
  /** Busy slots whose header carries the tag but not the slot's size: left out. */
  staleHeaders: number;
  stoppedEarly: boolean;
  problems: string[];
}

/** x ^ y on 64-bit addresses. */
export function xor64(a: Address, b: Address): Address {
  return new Address((a.hi ^ b.hi) >>> 0, (a.lo ^ b.lo) >>> 0);
}

/** Canonical kernel-space address (x64): the top 17 bits set. */
export function isKernelAddress(a: Address): boolean {
  return a.hi >= 0xffff8000;
}

/** The context a page segment's signature names: Signature ^ segment ^ HeapKey (^ 0xA2E64EADA2E64EAD before 26100). */
export function decodeSegmentSignature(signature: Address, segment: Address, heapKey: Address, encoding: SegmentHeapEncoding): Address {
  const owner = xor64(xor64(signature, segment), heapKey);
  return encoding === "before 26100" ? xor64(owner, SEGMENT_SIGNATURE_XOR) : owner;
}

/** Which encoding makes a page segment's signature name its context, the build's first; null when neither does. */
export function encodingOf(signature: Address, segment: Address, heapKey: Address, context: Address, preferred: SegmentHeapEncoding): SegmentHeapEncoding | null {
  const other: SegmentHeapEncoding = preferred === "before 26100" ? "26100 and later" : "before 26100";
  for (const e of [preferred, other]) if (decodeSegmentSignature(signature, segment, heapKey, e).equals(context)) return e;
  return null;
}

/** A VS chunk header decoded: its size in bytes and whether it is busy; HeaderBits ^ HeapKey ^ header address. */
export function decodeVsChunkHeader(headerBits: Address, chunk: Address, heapKey: Address): { bytes: number; allocated: boolean } {
  const d = xor64(xor64(headerBits, chunk), heapKey);
  return { bytes: (d.lo >>> 16) * 16, allocated: ((d.hi >>> 16) & 0xff & 1) === 1 };
}

/** LFH BlockOffsets decoded: EncodedData ^ (ULONG)LfhKey ^ the subsegment's address shifted as the encoding does it. */
export function decodeLfhOffsets(encoded: number, lfhKeyLow: number, subsegment: Address, encoding: SegmentHeapEncoding): { blockSize: number; firstBlockOffset: number } {
  const shifted = encoding === "before 26100" ? subsegment.lo >>> 12 : ((subsegment.hi << 20) | (subsegment.lo >>> 12)) >>> 0;
  const d = (encoded ^ lfhKeyLow ^ shifted) >>> 0;
  return { blockSize: d & 0xffff, firstBlockOffset: d >>> 16 };
}

/** Bit 0 of block i's two bits in the LFH bitmap. */
export function lfhBlockBusy(bitmap: Uint8Array, offset: number, index: number): boolean {
  return ((bitmap[offset + (index >> 2)] >> ((index & 3) * 2)) & 1) === 1;
}

/** Where the pool header of a busy VS chunk lies, as an offset from the chunk header (see the header comment). */
export function vsPoolHeaderOffset(chunk: Address, chunkBytes: number): number {
  const blockBytes = chunkBytes - 16;
  const inPage = (chunk.lo + 16) & 0xfff;
  // MemProcFS's threshold is 0x1040, not 0x1000: a block may run up to 0x40 bytes into the next page in place.
  if (blockBytes < 0xff0 && inPage + blockBytes > 0x1040) return 16 + (0x1000 - inPage);
  return 16;
}

/** The heaps of every pool node (NumberOfPools nodes, capped at the array's 64, four heap pointers each), then the special heaps. */
export function readPoolHeaps(reader: SegmentHeapReader, stateAt: Address, layouts: SegmentHeapLayouts, problems: string[]): HeapRef[] | null {
  const s = layouts.state;
  const countBytes = reader.read(stateAt.add(s.offsets.NumberOfPools), 4, "nt!ExPoolState.NumberOfPools");
  if (countBytes instanceof Unreadable) {
    problems.push(countBytes.describe(8) + "; no heap could be walked");
    return null;
  }
  let nodes = u32(countBytes, 0);
  if (nodes === 0 || nodes > MAX_POOL_NODES) {
    problems.push("nt!ExPoolState.NumberOfPools is " + nodes + "; " + (nodes === 0 ? "no node was walked" : "only the first " + MAX_POOL_NODES + " nodes were walked"));
    nodes = Math.min(Math.max(nodes, 0), MAX_POOL_NODES);
  }
  const heaps: HeapRef[] = [];
  const seen = new Set<string>();
  // Node -1: ExPoolState.SpecialHeaps, _SEGMENT_HEAP * [3] up to 1909 and [4] from 2004 (the PDBs); 3 when the
  // size is not known, so that no pointer past the array is taken for a heap.
  const specialCount = Math.min(HEAPS_PER_NODE, Math.floor((s.sizes.SpecialHeaps || 24) / 8));
  for (let node = 0; node <= nodes; node++) {
    const special = node === nodes;
    const at = special ? stateAt.add(s.offsets.SpecialHeaps) : stateAt.add(s.offsets.PoolNode + node * layouts.node.size + layouts.node.offsets.Heaps);
    const where = special ? "the special heaps" : "pool node " + node;
    const count = special ? specialCount : HEAPS_PER_NODE;
    const bytes = reader.read(at, count * 8, special ? "nt!ExPoolState.SpecialHeaps" : "pool node " + node + " heaps");
    if (bytes instanceof Unreadable) {
      problems.push(bytes.describe(8) + "; " + where + " skipped");
      continue;
    }
    for (let index = 0; index < count; index++) {
      const heap = u64Address(bytes, index * 8);
      if (heap.isNull || seen.has(heap.key)) continue;
      seen.add(heap.key);
      if (!isKernelAddress(heap)) {
        problems.push(where + " heap " + index + " is " + reader.format(heap) + ", outside kernel space; skipped");
        continue;
      }
      heaps.push({ address: heap, node: special ? -1 : node, index });
    }
  }
  return heaps;
}

/**
 * Phase 1, metadata only: each heap's two segment contexts, their page segments (list walked with a visited set,
 * links checked to be kernel addresses aligned to the segment size, signatures decoded), and the LFH and VS
 * subsegments their range descriptors name.
 */
export function walkSegmentMetadata(
  reader: SegmentHeapReader,
  heaps: HeapRef[],
  heapKey: Address,
  layouts: SegmentHeapLayouts,
  maxSegments: number,
  buildEncoding: SegmentHeapEncoding,
): MetadataWalk {
  const result: MetadataWalk = { heaps, segments: 0, encoding: null, subsegments: [], metadataBytes: 0, problems: [] };
  const c = layouts.segContext;
  let failedSignatures = 0;
  let goodSignatures = 0;
  for (const heap of heaps) {
    const name = "heap " + reader.format(heap.address) + " (" + (heap.node < 0 ? "" : "node " + heap.node + ", ") + heapName(heap) + ")";
    const contextsAt = heap.address.add(layouts.heap.offsets.SegContexts);
    const contexts = reader.read(contextsAt, 2 * c.size, name + " segment contexts");
    if (contexts instanceof Unreadable) {
      result.problems.push(contexts.describe(8) + "; " + name + " skipped");
      continue;
    }
    result.metadataBytes += 2 * c.size;
    for (let ci = 0; ci < 2; ci++) {
      const base = ci * c.size;
      const contextAt = contextsAt.add(base);
      const unitShift = u8(contexts, base + c.offsets.UnitShift);
      const firstDescriptor = u8(contexts, base + c.offsets.FirstDescriptorIndex);
      const mask = u64Address(contexts, base + c.offsets.SegmentMask);
      if (unitShift < 12 || unitShift > 20 || firstDescriptor >= DESCRIPTORS_PER_SEGMENT) {
        result.problems.push(name + " segment context " + ci + ": UnitShift " + unitShift + ", FirstDescriptorIndex " + firstDescriptor + " are not a segment heap's; skipped");
        continue;
      }
      const segmentBytes = DESCRIPTORS_PER_SEGMENT * Math.pow(2, unitShift);
      // SegmentMask clears the offset inside a segment (~(segment size - 1)); a different mask is a different heap.
      if (mask.hi !== 0xffffffff || ((~mask.lo) >>> 0) + 1 !== segmentBytes) {
        result.problems.push(name + " segment context " + ci + ": SegmentMask " + reader.format(mask) + " does not match UnitShift " + unitShift + "; skipped");
        continue;
      }
      const head = contextAt.add(c.offsets.SegmentListHead);
      const headBytes = contexts.subarray(base + c.offsets.SegmentListHead, base + c.offsets.SegmentListHead + 8);
      let link = u64Address(headBytes, 0);
      const visited = new Set<string>();
      let walked = 0;
      while (!link.equals(head)) {
        if (!isKernelAddress(link) || link.lo % segmentBytes !== 0) {
          result.problems.push(name + ": segment list link " + reader.format(link) + " is " + (isKernelAddress(link) ? "not aligned to a segment" : "outside kernel space") + "; the rest of the list was not followed");
          break;
        }
        if (visited.has(link.key)) {
          result.problems.push(name + ": segment list loops back to " + reader.format(link) + " after " + walked + " segments; stopped there");
          break;
        }
        if (walked >= maxSegments) {
          result.problems.push(name + ": more than " + maxSegments + " segments in one list; the rest was not followed");
          break;
        }
        visited.add(link.key);
        walked++;
        const segment = link;
        const bytes = reader.read(segment, layouts.pageSegment.size, "page segment");
        if (bytes instanceof Unreadable) {
          result.problems.push(name + ": page segment " + reader.format(segment) + " is unreadable; the rest of the list was not followed");
          break;
        }
        result.metadataBytes += bytes.length;
        result.segments++;
        link = u64Address(bytes, layouts.pageSegment.offsets.ListEntry);
        const signature = u64Address(bytes, layouts.pageSegment.offsets.Signature);
        const encoding = encodingOf(signature, segment, heapKey, contextAt, result.encoding || buildEncoding);
        if (!encoding) {
          failedSignatures++;
          const owner = decodeSegmentSignature(signature, segment, heapKey, result.encoding || buildEncoding);
          result.problems.push(name + ": page segment " + reader.format(segment) + " signature does not decode to its context (decodes to " + reader.format(owner) + "); its subsegments were skipped");
          continue;
        }
        if (!result.encoding) result.encoding = encoding;
        goodSignatures++;
        rangesOf(bytes, segment, unitShift, firstDescriptor, heap, layouts, result, name, reader);
      }
    }
  }
  if (failedSignatures > 0 && goodSignatures === 0) {
    result.problems.push(
      "No page segment's signature decoded with nt!RtlpHpHeapGlobals.HeapKey (" + failedSignatures + " tried): the key read is not the one the heaps were encoded with",
    );
  }
  return result;
}

function rangesOf(
  bytes: Uint8Array,
  segment: Address,
  unitShift: number,
  firstDescriptor: number,
  heap: HeapRef,
  layouts: SegmentHeapLayouts,
  result: MetadataWalk,
  name: string,
  reader: SegmentHeapReader,
): void {
  const d = layouts.descriptor;
  const unit = Math.pow(2, unitShift);
  let i = firstDescriptor;
  while (i < DESCRIPTORS_PER_SEGMENT) {
    const at = i * d.size;
    if (at + d.size > bytes.length) break;
    const flags = u8(bytes, at + d.offsets.RangeFlags);
    const units = u8(bytes, at + d.offsets.UnitSize);
    const step = Math.max(1, units);
    if (flags === RANGE_LFH || flags === RANGE_VS) {
      if (i + units > DESCRIPTORS_PER_SEGMENT) {
        result.problems.push(name + ": descriptor " + i + " of page segment " + reader.format(segment) + " claims " + units + " units, past the segment's end; the rest of the segment was skipped");
        break;
      }
      result.subsegments.push({ address: segment.add(i * unit), size: units * unit, kind: flags === RANGE_LFH ? "LFH" : "VS", heap });
    }
    i += step;
  }
}

export interface BlockWalkOptions {
  pattern: TagPattern;
  /** True for a block's address that the big page table lists (such a block is left out, and counted). */
  listedAsBig?: (address: Address) => boolean;
  /** Stop once this many matching blocks are found (null: walk everything). */
  stopAfter: number | null;
  maxBytes: number;
  onProgress?: (bytesWalked: number, totalBytes: number) => void;
}

/** Phase 2: each subsegment's pages once, in one read (page by page only where that read fails). */
export function walkSubsegments(
  reader: SegmentHeapReader,
  subsegments: Subsegment[],
  keys: { heapKey: Address; lfhKeyLow: number; encoding: SegmentHeapEncoding },
  layouts: SegmentHeapLayouts,
  options: BlockWalkOptions,
): BlockWalk {
  const out: BlockWalk = { blocks: [], busyBlocks: 0, bytesWalked: 0, subsegmentsWalked: 0, notWalked: 0, bytesNotWalked: 0, alsoBig: 0, staleHeaders: 0, stoppedEarly: false, problems: [] };
  const total = subsegments.reduce((n, s) => n + s.size, 0);
  let batch: { start: Address; bytes: Uint8Array } | null = null;
  // Subsegments that follow each other in a page segment are read together: over KDNET a 4 KB read is two 4,000-byte
  // packets, sixteen adjacent pages in one read are seventeen. A batch that fails is read again one subsegment at a
  // time, so one bad page costs only its own subsegment.
  const viewOf = (k: number): RangeView => {
    const sub = subsegments[k];
    if (batch) {
      const offset = sub.address.distanceFrom(batch.start);
      if (offset !== null && offset + sub.size <= batch.bytes.length) return wholeView(batch.bytes.subarray(offset, offset + sub.size));
    }
    let size = sub.size;
    let j = k + 1;
    while (
      j < subsegments.length &&
      size + subsegments[j].size <= BATCH_BYTES &&
      out.bytesWalked + size + subsegments[j].size <= options.maxBytes &&
      subsegments[j].address.equals(sub.address.add(size))
    ) {
      size += subsegments[j].size;
      j++;
    }
    if (j > k + 1) {
      const bytes = reader.read(sub.address, size, "subsegments");
      if (!(bytes instanceof Unreadable)) {
        batch = { start: sub.address, bytes };
        return wholeView(bytes.subarray(0, sub.size));
      }
    }
    return readRange(reader, sub.address, sub.size);
  };
  const leave = (k: number) => {
    out.notWalked = subsegments.length - k;
    for (let j = k; j < subsegments.length; j++) out.bytesNotWalked += subsegments[j].size;
  };
  for (let k = 0; k < subsegments.length; k++) {
    const sub = subsegments[k];
    if (options.stopAfter !== null && out.blocks.length >= options.stopAfter) {
      out.stoppedEarly = true;
      leave(k);
      break;
    }
    if (out.bytesWalked + sub.size > options.maxBytes) {
      leave(k);
      break;
    }
    const view = viewOf(k);
    out.bytesWalked += sub.size;
    out.subsegmentsWalked++;
    if (options.onProgress) options.onProgress(out.bytesWalked, total);
    if (!view.readable(0, 0x40)) {
      out.problems.push(sub.kind + " subsegment " + reader.format(sub.address) + " (" + heapName(sub.heap) + ") is unreadable" + pagedNote(sub) + "; skipped");
      continue;
    }
    if (view.holes > 0) out.problems.push(sub.kind + " subsegment " + reader.format(sub.address) + ": " + view.holes + " unreadable page" + (view.holes === 1 ? "" : "s") + pagedNote(sub) + "; blocks there were not seen");
    if (sub.kind === "LFH") walkLfh(reader, sub, view, keys.lfhKeyLow, keys.encoding, layouts, options, out);
    else walkVs(reader, sub, view, keys.heapKey, layouts, options, out);
  }
  return out;
}

function pagedNote(sub: Subsegment): string {
  return poolOfHeap(sub.heap.index) === "Paged" ? " (paged out?)" : "";
}

/** Adjacent subsegments read in one host read at most. */
export const BATCH_BYTES = 0x40000;

/** The subsegment's bytes with a map of which pages were readable. */
function readRange(reader: SegmentHeapReader, address: Address, size: number): RangeView {
  const whole = reader.read(address, size, "subsegment");
  return whole instanceof Unreadable ? piecesView(address, size, reader.readPartial(address, size).pieces) : wholeView(whole);
}

/**
 * The block of the tag whose pool header starts at headerOffset, and runs to `limit`; "stale" when the header's
 * BlockSize does not describe its slot (LFH: the block size; VS: the block, or the block less 16 bytes). MemProcFS
 * (VmmWinPool_AllPool_PushItem) drops such blocks under 0xFE0 bytes: what is left there is not a live pool block.
 */
function blockOf(sub: Subsegment, view: RangeView, headerOffset: number, limit: number, kind: "LFH" | "VS", pattern: TagPattern, ph: ResolvedLayout): SmallBlock | "stale" | null {
  const tag = tagFromKey(u32(view.bytes, headerOffset + ph.offsets.PoolTag));
  if (!pattern.matches(tag)) return null;
  const size = (u16(view.bytes, headerOffset + ph.offsets.BlockSize) & 0xff) * 16;
  const slot = limit - headerOffset;
  if (slot < BIG_THRESHOLD && size !== slot && !(kind === "VS" && size + POOL_HEADER_BYTES === slot)) return "stale";
  const dataStart = headerOffset + POOL_HEADER_BYTES;
  let end = Math.min(dataStart + KEPT_BYTES, headerOffset + Math.max(size, POOL_HEADER_BYTES), limit);
  while (end > dataStart && !view.readable(dataStart, end - dataStart)) end -= Math.min(0x10, end - dataStart);
  return {
    address: sub.address.add(dataStart),
    header: sub.address.add(headerOffset),
    size,
    kind,
    pool: poolOfHeap(sub.heap.index),
    tag,
    data: view.bytes.slice(dataStart, Math.max(dataStart, end)),
  };
}

/** Keeps a block of the tag unless its header is stale or the big page table lists it; true when the walk has found enough. */
function keep(block: SmallBlock | "stale" | null, options: BlockWalkOptions, out: BlockWalk): boolean {
  if (!block) return false;
  if (block === "stale") {
    out.staleHeaders++;
    return false;
  }
  if (options.listedAsBig && options.listedAsBig(block.address)) {
    out.alsoBig++;
    return false;
  }
  out.blocks.push(block);
  return options.stopAfter !== null && out.blocks.length >= options.stopAfter;
}

function walkLfh(reader: SegmentHeapReader, sub: Subsegment, view: RangeView, lfhKeyLow: number, encoding: SegmentHeapEncoding, layouts: SegmentHeapLayouts, options: BlockWalkOptions, out: BlockWalk): void {
  const l = layouts.lfhSubsegment;
  const { blockSize, firstBlockOffset } = decodeLfhOffsets(u32(view.bytes, l.offsets.BlockOffsets), lfhKeyLow, sub.address, encoding);
  const blockCount = u16(view.bytes, l.offsets.BlockCount);
  const name = "LFH subsegment " + reader.format(sub.address);
  if (blockSize < 0x20 || blockSize % 16 !== 0 || firstBlockOffset < l.offsets.BlockBitmap || firstBlockOffset >= sub.size) {
    out.problems.push(name + ": block size 0x" + blockSize.toString(16) + " and first block at +0x" + firstBlockOffset.toString(16) + " do not decode with nt!RtlpHpHeapGlobals.LfhKey; skipped");
    return;
  }
  // Every slot position from FirstBlockOffset to the subsegment's end, as MemProcFS's LFH loop counts them
  // (VmmWinPool_AllPool1903_5_LFH_DoWork: (cb - FirstBlockOffset) / BlockSize). BlockCount is not the number of
  // positions: subsegment initialisation (RtlpHpLfhSubsegmentInitialize, pre-26100 kernels with
  // WitholdPageCrossingBlocks) decrements it once per withheld page-crossing slot while the slots keep their places, so
  // a walk that stopped at BlockCount would never read the last slots. A position is walked only while its two bitmap
  // bits lie before the first block (past that the "bitmap" would be block data).
  const positions = Math.min(Math.floor((sub.size - firstBlockOffset) / blockSize), (firstBlockOffset - l.offsets.BlockBitmap) * 4);
  // BlockCount is the sanity check: never more slots than the positions hold.
  if (blockCount === 0 || blockCount > positions) {
    out.problems.push(name + ": its bitmap claims " + blockCount + " blocks of 0x" + blockSize.toString(16) + " bytes; the subsegment holds " + positions + "; skipped");
    return;
  }
  for (let i = 0; i < positions; i++) {
    const headerOffset = firstBlockOffset + i * blockSize;
    // Subsegments start on a page: a slot that would cross into the next page is withheld, never allocated (its bits
    // say busy: the kernel marks it so, to keep it from being handed out).
    if ((headerOffset & 0xfff) + blockSize > 0x1000) continue;
    if (!lfhBlockBusy(view.bytes, l.offsets.BlockBitmap, i)) continue;
    if (!view.readable(headerOffset, POOL_HEADER_BYTES)) continue;
    out.busyBlocks++;
    if (keep(blockOf(sub, view, headerOffset, headerOffset + blockSize, "LFH", options.pattern, layouts.poolHeader), options, out)) return;
  }
}

function walkVs(reader: SegmentHeapReader, sub: Subsegment, view: RangeView, heapKey: Address, layouts: SegmentHeapLayouts, options: BlockWalkOptions, out: BlockWalk): void {
  const v = layouts.vsSubsegment;
  const name = "VS subsegment " + reader.format(sub.address);
  const size = u16(view.bytes, v.offsets.Size);
  const signature = u16(view.bytes, v.offsets.Signature) & 0x7fff;
  if (size !== (signature ^ VS_SIGNATURE_XOR)) {
    out.problems.push(name + ": signature 0x" + signature.toString(16) + " does not match its size 0x" + size.toString(16) + "; skipped");
    return;
  }
  const sizesAt = layouts.vsChunk.offsets.Sizes;
  let offset = VS_FIRST_CHUNK;
  const maxChunks = Math.floor(sub.size / 0x20) + 1;
  for (let n = 0; n < maxChunks && offset + 0x10 <= sub.size; n++) {
    if (!view.readable(offset, 0x10)) {
      out.problems.push(name + ": chunk header at +0x" + offset.toString(16) + " is unreadable; the rest of the subsegment was not walked");
      return;
    }
    const chunk = sub.address.add(offset);
    const decoded = decodeVsChunkHeader(u64Address(view.bytes, offset + sizesAt), chunk, heapKey);
    if (decoded.bytes < 0x20 || offset + decoded.bytes > sub.size) {
      out.problems.push(name + ": chunk at " + reader.format(chunk) + " decodes to 0x" + decoded.bytes.toString(16) + " bytes, past the subsegment's end; the rest of the subsegment was not walked");
      return;
    }
    if (decoded.allocated) {
      const headerOffset = offset + vsPoolHeaderOffset(chunk, decoded.bytes);
      if (headerOffset + POOL_HEADER_BYTES <= offset + decoded.bytes && view.readable(headerOffset, POOL_HEADER_BYTES)) {
        out.busyBlocks++;
        if (keep(blockOf(sub, view, headerOffset, offset + decoded.bytes, "VS", options.pattern, layouts.poolHeader), options, out)) return;
      }
    }
    offset += decoded.bytes;
  }
}

/** The keys: HeapKey (64 bits) and the low 32 bits of LfhKey (the LFH decode is 32-bit). */
export function decodeKeys(bytes: Uint8Array, globals: ResolvedLayout): { heapKey: Address; lfhKeyLow: number } {
  return { heapKey: u64Address(bytes, globals.offsets.HeapKey), lfhKeyLow: unsigned(bytes, globals.offsets.LfhKey, 4) };
}
