// ntdll's segment heap, walked from its _SEGMENT_HEAP down to every busy allocation (issue 20): the backend's page
// segments and range descriptors, VS subsegments and their encoded chunk headers, LFH subsegments slot by slot, the
// backend's direct page-range allocations, and the large blocks in the LargeAllocMetadata tree. Each subsegment is
// read once, whole; damage (a bad signature, a loop, an unreadable page, metadata that does not decode) is named by
// address and reason in `notWalked` and the rest is still listed. Layouts: ntdll's symbols first, else
// src/layouts/user-segment-heap.ts. Keys: ntdll!RtlpHpHeapGlobals.
//
// Facts and their sources: userheap-facts §5 and §10; the encodings shared with the kernel pool's segment heap are
// documented (and held against MemProcFS and PoolViewer) in src/pool/segment-heap.ts; the user-mode-only decoders
// and the readings they accept are documented in ./user-segment-heap-decode.ts. Where the sources leave a choice:
//  - VS walk end (§10.3): _HEAP_VS_SUBSEGMENT.Size counts granules after the subsegment header, so the chunks run
//    to the range's end; the walk stops at min(range end, first chunk + Size granules), which is the range's end
//    under that reading and under the reading that Size counts the whole range.
//  - LFH slots (§10.1): every position from FirstBlockOffset to the subsegment's end, not BlockCount. Page-crossing
//    slots are skipped when WitheldBlockCount says slots were withheld (they are marked busy but never handed out);
//    with WitheldBlockCount 0 nothing was withheld and every slot is walked.
//  - LFH offsets key (§10.2): ntdll (the decompiled listings, DbgHelpUtils, ntoseye) keys with
//    (ULONG)(subsegment >> 12); MemProcFS below build 26100 and the pre-26100 kernels with (ULONG)subsegment >> 12.
//    The two differ for every user address above 4 GB. The first form is tried first, confirmed (a block size that
//    is a multiple of the granule, a first block past a bitmap that fits, at least one slot), and the other form
//    tried when it does not confirm; the summary's notes say when the other form was used.
//  - LFH bitmap: bit 2i busy, bit 2i+1 "unused bytes recorded" (DbgHelpUtils, the decompiled ntdll); MemProcFS lists
//    only pairs equal to 01 and would miss busy blocks whose unused bytes are recorded (+ust makes that every block).
//  - Large-tree links (§5.8): plain in DbgHelpUtils and ntoseye; _RTL_RB_TREE.Encoded (bit 0 of Min) marks an
//    encoded tree, whose root is stored XORed with the tree's address and whose children with their parent's
//    (decompiled RtlpHpSegPageRangeAllocate on FreePageRanges). A second reading XORs the children with the tree's
//    address; it was attributed to PoolViewer, but the stored PoolViewer (yardenshafir/PoolViewer,
//    PoolViewer/PoolData.cpp) walks no RB tree at all (its large allocations come from the VA manager's bitmap and
//    the big page table), so that reading is unverified. When the tree is encoded each child link is decoded both
//    ways (parent first) and the one that leads to a valid node is kept; a failure names the parent reading's node.
import { RangeView, piecesView, wholeView } from "../core/range-view";
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { pointer, u16, u32, u8, u64Address, unsigned } from "../core/bytes";
import { workLimit, raiseHint } from "../core/limits";
import { messages } from "../core/messages";
import type { Target } from "../host/target";
import { isLayoutMissing, resolveLayout } from "../layouts/resolve";
import { LayoutMissing, ResolvedLayout } from "../layouts/types";
import { USER_SEGMENT_HEAP_LAYOUTS, UserSegmentHeapLayoutName } from "../layouts/user-segment-heap";
import {
  SegmentHeapEncoding,
  decodeLfhOffsets,
  decodeSegmentSignature,
  decodeVsChunkHeader,
  encodingOf,
  encodingOfBuild,
  lfhBlockBusy,
  xor64,
} from "../pool/segment-heap";
import { FreeHeapBlock, HeapBlock, HeapBlockKind, HeapWalkOptions, HeapWalkPart } from "./heap-blocks";
import {
  crossesPage,
  decodeLargeAlloc,
  decodeVsChunkHeaderX86,
  findExtrasPointer,
  frontPadding,
  isUserPointer,
  lfhSlotCount,
  lfhUnusedRecorded,
  rangeKind,
  tailUnused,
} from "./user-segment-heap-decode";

export const SEGMENT_HEAP_SIGNATURE = 0xddeeddee;
export const VS_SIGNATURE_XOR = 0x2bed;
/** 0xA2E64EAD: the low half of the page segment signature constant, all an x86 signature holds. */
const SIGNATURE_XOR_X86 = 0xa2e64ead;
/** Descriptors per page segment: DescArray is _HEAP_PAGE_RANGE_DESCRIPTOR [256] on every build of the PDBs. */
export const DESCRIPTORS = 256;

export const userSegmentHeapLimits = {
  /** Page segments in one context's list: 1 MB or 16 MB each, so 65,536 would be 64 GB of heap or more. */
  maxSegments: 65536,
} as const;

type Layouts = { [K in UserSegmentHeapLayoutName]: ResolvedLayout };

interface Keys {
  heapKey: Address;
  lfhKeyLow: number;
  /** Where HeapKey came from when it was not read from ntdll!RtlpHpHeapGlobals. */
  derived: boolean;
  haveLfhKey: boolean;
}

interface Range {
  address: Address;
  bytes: number;
  kind: "LFH" | "VS" | "Backend";
  descriptor: Address;
  unused: number;
  extraPresent: boolean;
}

interface Walk {
  target: Target;
  heap: Address;
  ps: 4 | 8;
  build: number | null;
  options: HeapWalkOptions;
  layouts: Layouts;
  part: HeapWalkPart;
  notes: string[];
  maxBlocks: number;
  full: boolean;
}

/** Walks one segment heap (the process walk dispatches heaps whose signature is 0xDDEEDDEE here). */
export function walkSegmentHeap(target: Target, heap: Address, options: HeapWalkOptions): HeapWalkPart {
  const part: HeapWalkPart = {
    summary: { heap, type: "Segment", lfh: false, blocks: 0, bytes: 0, layout: "" },
    blocks: [],
    free: [],
    notWalked: [],
  };
  try {
    walk(target, heap, options, part);
  } catch (e) {
    // A decoder bug or a host failure must not lose what was found: the heap is named with the reason.
    part.notWalked.push({ heap, part: "segment heap", address: heap, reason: "the walk stopped on an internal error (" + String(e) + "); the blocks before it are listed" });
  }
  part.summary.blocks = part.blocks.length;
  part.summary.bytes = part.blocks.reduce((n, b) => n + b.size, 0);
  return part;
}

function walk(target: Target, heap: Address, options: HeapWalkOptions, part: HeapWalkPart): void {
  const ps = target.pointerSize;
  const build = target.windowsBuild();
  const types = (m: string, t: string) => target.type(m, t);
  const resolved: { [name: string]: ResolvedLayout | LayoutMissing } = {};
  for (const name of Object.keys(USER_SEGMENT_HEAP_LAYOUTS) as UserSegmentHeapLayoutName[]) {
    resolved[name] = resolveLayout(USER_SEGMENT_HEAP_LAYOUTS[name], types, ps, build);
  }
  const missing = Object.keys(resolved).map((k) => resolved[k]).filter(isLayoutMissing) as LayoutMissing[];
  const heapLayout = resolved.heap;
  part.summary.layout = isLayoutMissing(heapLayout) ? "_SEGMENT_HEAP: " + heapLayout.reason : heapLayout.description;
  if (missing.length > 0) {
    part.notWalked.push({
      heap,
      part: "segment heap",
      address: heap,
      // One reason says what to load; the others are the same words for other types.
      reason: "no layout for " + missing.map((m) => m.typeName).join(", ") + ": " + missing[0].reason,
    });
    return;
  }
  const layouts = resolved as unknown as Layouts;
  // Each layout not from the symbols is said once per session (layoutNote), its full wording in !leaktools.
  const builtIn = Object.keys(resolved).map((k) => resolved[k] as ResolvedLayout).filter((l) => l.origin !== "symbols");
  if (builtIn.length > 0) part.summary.builtInLayouts = builtIn;
  const notes: string[] = [];
  const w: Walk = { target, heap, ps, build, options, layouts, part, notes, maxBlocks: workLimit("maxBlocksPerHeap"), full: false };
  const h = layouts.heap;
  const c = layouts.segContext;
  const headerBytes = Math.max(h.offsets.SegContexts + 2 * c.size, h.offsets.LargeAllocMetadata + 2 * ps, h.offsets.Signature + 4);
  const header = target.memory.read(heap, headerBytes, "_SEGMENT_HEAP");
  if (header instanceof Unreadable) {
    part.notWalked.push({ heap, part: "segment heap", address: heap, reason: "its header is unreadable (" + header.describe(ps) + ")" });
    return;
  }
  const signature = u32(header, h.offsets.Signature);
  if (signature !== SEGMENT_HEAP_SIGNATURE) {
    part.notWalked.push({ heap, part: "segment heap", address: heap, reason: "the signature at +0x" + h.offsets.Signature.toString(16) + " is 0x" + signature.toString(16) + ", not 0xddeeddee" });
    return;
  }
  const wanted = (k: HeapBlockKind) => !options.kinds || options.kinds.indexOf(k) >= 0;
  const backend = wanted("VS") || wanted("LFH") || wanted("Backend");
  const keys = backend ? readKeys(w) : null;
  const ranges = keys ? walkBackend(w, header, keys) : [];
  for (const range of ranges) {
    if (w.full) break;
    if (!wanted(range.kind)) continue;
    if (range.kind === "Backend") backendBlock(w, range);
    else if (range.kind === "VS") walkVs(w, range, keys!);
    else if (keys!.haveLfhKey) walkLfh(w, range, keys!);
  }
  if (keys && !keys.haveLfhKey && wanted("LFH")) {
    const lfh = ranges.filter((r) => r.kind === "LFH");
    if (lfh.length > 0) {
      part.notWalked.push({ heap, part: "LFH subsegments", address: lfh[0].address, reason: messages.segmentHeapNoLfhKey(lfh.length) });
    }
  }
  part.summary.lfh = ranges.some((r) => r.kind === "LFH");
  if (wanted("Large")) walkLargeBlocks(w, header);
  if (notes.length > 0) part.summary.notes = notes;
}

/** HeapKey and LfhKey from ntdll!RtlpHpHeapGlobals; without the symbol, HeapKey from a page segment's signature. */
function readKeys(w: Walk): Keys | null {
  const g = w.layouts.globals;
  const at = w.target.symbolAddress("ntdll", "RtlpHpHeapGlobals");
  if (at) {
    const bytes = w.target.memory.read(at, Math.max(g.offsets.LfhKey + 4, g.offsets.HeapKey + w.ps), "ntdll!RtlpHpHeapGlobals");
    if (!(bytes instanceof Unreadable)) {
      const heapKey = w.ps === 8 ? u64Address(bytes, g.offsets.HeapKey) : new Address(0, u32(bytes, g.offsets.HeapKey));
      return { heapKey, lfhKeyLow: u32(bytes, g.offsets.LfhKey), derived: false, haveLfhKey: true };
    }
    w.notes.push("ntdll!RtlpHpHeapGlobals is unreadable (" + bytes.describe(w.ps) + ")");
  }
  const key = deriveHeapKey(w);
  if (!key) {
    w.part.notWalked.push({
      heap: w.heap,
      part: "VS and LFH subsegments",
      address: null,
      reason: messages.segmentHeapNoKeys(at ? "unreadable" : "no symbol ntdll!RtlpHpHeapGlobals"),
    });
    return null;
  }
  w.notes.push(messages.segmentHeapDerivedKey());
  return { heapKey: key, lfhKeyLow: 0, derived: true, haveLfhKey: false };
}

/** Signature ^ segment ^ context (^ the constant before 26100) = HeapKey: from context 0's first segment (userheap-facts §5.3). */
function deriveHeapKey(w: Walk): Address | null {
  const c = w.layouts.segContext;
  const contextAt = w.heap.add(w.layouts.heap.offsets.SegContexts);
  const head = contextAt.add(c.offsets.SegmentListHead);
  const first = w.target.memory.readPointer(head, "segment list head");
  if (first instanceof Unreadable || first.equals(head) || !isUserPointer(first, w.ps)) return null;
  const sig = w.target.memory.read(first.add(w.layouts.pageSegment.offsets.Signature), w.ps, "page segment signature");
  if (sig instanceof Unreadable) return null;
  const signature = w.ps === 8 ? u64Address(sig, 0) : new Address(0, u32(sig, 0));
  // With a zero key the signature decodes to context ^ HeapKey; the build's form of the constant is assumed (the
  // VS chunks then confirm the key, or are named as not decoding).
  const key = xor64(signatureOwner(signature, first, Address.ZERO, encodingOfBuild(w.build), w.ps), contextAt);
  return w.ps === 8 ? key : new Address(0, key.lo);
}

/** What a page segment's signature decodes to (its context when the key is right), on x64 or x86. */
function signatureOwner(signature: Address, segment: Address, heapKey: Address, encoding: SegmentHeapEncoding, ps: 4 | 8): Address {
  if (ps === 8) return decodeSegmentSignature(signature, segment, heapKey, encoding);
  const v = (signature.lo ^ segment.lo ^ heapKey.lo ^ (encoding === "before 26100" ? SIGNATURE_XOR_X86 : 0)) >>> 0;
  return new Address(0, v);
}

/** The page segments of both contexts and the ranges their descriptors head (LFH, VS, direct backend allocations). */
function walkBackend(w: Walk, header: Uint8Array, keys: Keys): Range[] {
  const { ps, layouts } = w;
  const c = layouts.segContext;
  const ranges: Range[] = [];
  const preferred = encodingOfBuild(w.build);
  let confirmed: SegmentHeapEncoding | null = null;
  let bad = 0;
  for (let ci = 0; ci < 2; ci++) {
    const base = layouts.heap.offsets.SegContexts + ci * c.size;
    const contextAt = w.heap.add(base);
    const unitShift = u8(header, base + c.offsets.UnitShift);
    const firstDescriptor = u8(header, base + c.offsets.FirstDescriptorIndex);
    const head = contextAt.add(c.offsets.SegmentListHead);
    let link = pointer(header, base + c.offsets.SegmentListHead, ps);
    if (link.isNull && ci === 1) continue; // A second context not set up yet.
    if (unitShift < 12 || unitShift > 20) {
      w.part.notWalked.push({ heap: w.heap, part: "segment context " + ci, address: contextAt, reason: "UnitShift is " + unitShift + " (12 to 20 expected); its segments were not walked" });
      continue;
    }
    const unit = Math.pow(2, unitShift);
    const segmentBytes = unit * DESCRIPTORS;
    const visited = new Set<string>();
    while (!link.equals(head)) {
      if (!isUserPointer(link, ps) || link.lo % segmentBytes !== 0) {
        w.part.notWalked.push({ heap: w.heap, part: "segment list", address: link, reason: "segment context " + ci + "'s list links to " + link.format(ps) + ", " + (isUserPointer(link, ps) ? "not aligned to a segment" : "not a user-mode address") + "; the rest of the list was not followed" });
        break;
      }
      if (visited.has(link.key)) {
        w.part.notWalked.push({ heap: w.heap, part: "segment list", address: link, reason: "segment context " + ci + "'s list loops back to " + link.format(ps) + " after " + visited.size + " segments; stopped there" });
        break;
      }
      if (visited.size >= userSegmentHeapLimits.maxSegments) {
        w.part.notWalked.push({ heap: w.heap, part: "segment list", address: link, reason: "more than " + userSegmentHeapLimits.maxSegments + " segments in one list; the rest was not followed" });
        break;
      }
      visited.add(link.key);
      const segment = link;
      const bytes = w.target.memory.read(segment, layouts.pageSegment.size, "_HEAP_PAGE_SEGMENT");
      if (bytes instanceof Unreadable) {
        w.part.notWalked.push({ heap: w.heap, part: "page segment", address: segment, reason: "its descriptors are unreadable (" + bytes.describe(ps) + "); the rest of the list was not followed" });
        break;
      }
      link = pointer(bytes, layouts.pageSegment.offsets.ListEntry, ps);
      const sigAt = layouts.pageSegment.offsets.Signature;
      const signature = ps === 8 ? u64Address(bytes, sigAt) : new Address(0, u32(bytes, sigAt));
      const encoding: SegmentHeapEncoding | null = ps === 8 ? encodingOf(signature, segment, keys.heapKey, contextAt, confirmed || preferred) : encodingX86(signature, segment, keys.heapKey, contextAt, confirmed || preferred);
      if (!encoding) {
        bad++;
        w.part.notWalked.push({
          heap: w.heap,
          part: "page segment",
          address: segment,
          reason: "its signature does not decode to its segment context with " + (keys.derived ? "the derived HeapKey" : "ntdll!RtlpHpHeapGlobals.HeapKey") + " (decodes to " + signatureOwner(signature, segment, keys.heapKey, confirmed || preferred, ps).format(ps) + "); its subsegments were not walked",
        });
        continue;
      }
      if (!confirmed) {
        confirmed = encoding;
        if (encoding !== preferred) w.notes.push("page segment signatures decode as on builds " + encoding + ", not as build " + (w.build === null ? "(unknown)" : w.build) + "'s");
      }
      rangesOf(w, bytes, segment, unit, firstDescriptor, ranges);
    }
  }
  if (bad > 0 && confirmed === null) {
    w.part.notWalked.push({
      heap: w.heap,
      part: "segment heap keys",
      address: null,
      reason: "no page segment's signature decoded (" + bad + " tried): " + (keys.derived ? "the derived HeapKey" : "the HeapKey read from ntdll!RtlpHpHeapGlobals") + " is not the one this heap was encoded with",
    });
  }
  return ranges;
}

function encodingX86(signature: Address, segment: Address, heapKey: Address, context: Address, preferred: SegmentHeapEncoding): SegmentHeapEncoding | null {
  const other: SegmentHeapEncoding = preferred === "before 26100" ? "26100 and later" : "before 26100";
  for (const e of [preferred, other]) if (signatureOwner(signature, segment, heapKey, e, 4).lo === context.lo) return e;
  return null;
}

/**
 * The ranges a page segment's descriptors head. Every unit from FirstDescriptorIndex belongs to a range (free or
 * allocated), so a segment where no descriptor heads one is read with a layout this build does not have: it is
 * named instead of being passed over in silence.
 */
function rangesOf(w: Walk, bytes: Uint8Array, segment: Address, unit: number, firstDescriptor: number, out: Range[]): void {
  const d = w.layouts.descriptor;
  let i = Math.max(1, firstDescriptor);
  let heads = 0;
  while (i < DESCRIPTORS) {
    const at = i * d.size;
    const flags = u8(bytes, at + d.offsets.RangeFlags);
    const units = u8(bytes, at + d.offsets.UnitSize);
    const kind = rangeKind(flags);
    if (kind === "none") {
      i++;
      continue;
    }
    if (units === 0 || i + units > DESCRIPTORS) {
      w.part.notWalked.push({ heap: w.heap, part: "page range", address: segment.add(i * unit), reason: "descriptor " + i + " of page segment " + segment.format(w.ps) + " claims " + units + " units; the rest of the segment was not walked" });
      return;
    }
    heads++;
    if (kind !== "free") {
      out.push({
        address: segment.add(i * unit),
        bytes: units * unit,
        kind,
        descriptor: segment.add(at),
        unused: unsigned(bytes, at + d.offsets.UnusedBytes, d.sizes.UnusedBytes || 4),
        extraPresent: (u8(bytes, at + d.offsets.ExtraPresent) & 1) === 1,
      });
    }
    i += units;
  }
  if (heads === 0) {
    w.part.notWalked.push({ heap: w.heap, part: "page segment", address: segment, reason: "no range descriptor from index " + firstDescriptor + " heads a range (RangeFlags and UnitSize read at +0x" + d.offsets.RangeFlags.toString(16) + "/+0x" + d.offsets.UnitSize.toString(16) + "): a layout this build does not have, or damage; its ranges were not walked" });
  }
}

/** A range's bytes in one read; where that fails, the readable pages of it with a map of the holes. */
function readRange(w: Walk, address: Address, size: number, what: string): RangeView {
  const whole = w.target.memory.read(address, size, what);
  return whole instanceof Unreadable ? piecesView(address, size, w.target.memory.readPartial(address, size).pieces) : wholeView(whole);
}

function holesNote(w: Walk, view: RangeView, kind: string, address: Address): void {
  if (view.holes > 0) {
    w.part.notWalked.push({ heap: w.heap, part: kind + " subsegment", address, reason: view.holes + " unreadable page" + (view.holes === 1 ? "" : "s") + " (missing from the dump or decommitted); blocks there were not seen" });
  }
}

/** Adds a busy block unless the per-heap cap is reached; returns false once it is. */
function push(w: Walk, block: HeapBlock): boolean {
  if (w.part.blocks.length >= w.maxBlocks) {
    if (!w.full) {
      w.full = true;
      w.part.notWalked.push({ heap: w.heap, part: "the rest of the heap", address: block.address, reason: "more than " + w.maxBlocks + " blocks (maxBlocksPerHeap); " + raiseHint("maxBlocksPerHeap") });
    }
    return false;
  }
  w.part.blocks.push(block);
  if (w.options.onProgress && w.part.blocks.length % 4096 === 0) w.options.onProgress(w.part.blocks.length);
  return true;
}

function pushFree(w: Walk, address: Address, size: number, kind: HeapBlockKind): void {
  if (w.options.includeFree) w.part.free.push({ address, size, heap: w.heap, kind } as FreeHeapBlock);
}

function pointerAt(bytes: Uint8Array, at: number, ps: 4 | 8): Address {
  return pointer(bytes, at, ps);
}

/**
 * A busy block whose data runs over view[dataStart, dataEnd): the front padding, the unused bytes (from the tail
 * WORD when `recorded`), the +ust record from the extras trailer. Returns the block record.
 */
function blockFrom(w: Walk, view: RangeView, base: Address, dataStart: number, dataEnd: number, recorded: boolean, kind: HeapBlockKind, header: Address | null, blockBytes: number): HeapBlock | null {
  const ps = w.ps;
  const avail = dataEnd - dataStart;
  let unused = 0;
  let extras = false;
  if (recorded && avail >= 2 && view.readable(dataEnd - 2, 2)) {
    const word = u16(view.bytes, dataEnd - 2);
    const t = tailUnused(word);
    unused = t.unused;
    extras = t.extras;
    // 0x3FFF (DbgHelpUtils) against 0x1FFF (ntoseye): the wider count cannot exceed the block; the narrower one can.
    if (unused > avail && (word & 0x8000) === 0 && (word & 0x1fff) <= avail) unused = word & 0x1fff;
    if (unused > avail) unused = 0;
  }
  let pad = 0;
  if (avail >= ps && view.readable(dataStart, ps)) pad = frontPadding(pointerAt(view.bytes, dataStart, ps), avail - unused, ps, false, w.build);
  const start = dataStart + pad;
  const size = Math.max(0, avail - unused - pad);
  const address = base.add(start);
  let stackRecord: Address | null = null;
  if (extras) {
    const tailStart = start + size;
    if (view.readable(tailStart, dataEnd - tailStart)) stackRecord = findExtrasPointer(view.bytes.subarray(tailStart, dataEnd), base.add(tailStart), ps);
  }
  let firstPointer: Address | null = null;
  if (w.options.readFirstPointer && size >= ps && view.readable(start, ps)) firstPointer = pointerAt(view.bytes, start, ps);
  return { address, size, heap: w.heap, kind, header, stackRecord, firstPointer, blockBytes };
}

function walkVs(w: Walk, range: Range, keys: Keys): void {
  const { ps, layouts } = w;
  const v = layouts.vsSubsegment;
  const chunkHeader = layouts.vsChunk.size;
  const granule = ps === 8 ? 16 : 8;
  // +0x30 on x64 (0x28 rounded up to 16: MemProcFS oVsChunkHdr, DbgHelpUtils), +0x18 on x86 (MemProcFS).
  const firstChunk = Math.ceil(v.size / granule) * granule;
  const view = readRange(w, range.address, range.bytes, "VS subsegment");
  if (!view.readable(0, v.size)) {
    w.part.notWalked.push({ heap: w.heap, part: "VS subsegment", address: range.address, reason: "its header is unreadable (missing from the dump or decommitted)" });
    return;
  }
  holesNote(w, view, "VS", range.address);
  const size = u16(view.bytes, v.offsets.Size);
  const signature = u16(view.bytes, v.offsets.Signature) & 0x7fff;
  if (((size ^ VS_SIGNATURE_XOR) & 0x7fff) !== signature) {
    w.part.notWalked.push({ heap: w.heap, part: "VS subsegment", address: range.address, reason: "its signature 0x" + signature.toString(16) + " does not match its size 0x" + size.toString(16) + " (Signature = Size ^ 0x2BED); skipped" });
    return;
  }
  const end = Math.min(range.bytes, firstChunk + size * granule);
  const sizesAt = layouts.vsChunk.offsets.Sizes;
  const bitsAt = layouts.vsChunk.offsets.AllocatedChunkBits;
  let offset = firstChunk;
  const maxChunks = Math.floor(range.bytes / (2 * granule)) + 1;
  for (let n = 0; n < maxChunks && offset + chunkHeader <= end; n++) {
    const chunk = range.address.add(offset);
    if (!view.readable(offset, chunkHeader)) {
      w.part.notWalked.push({ heap: w.heap, part: "VS subsegment", address: chunk, reason: "the chunk header at " + chunk.format(ps) + " is unreadable; the rest of the subsegment was not walked" });
      return;
    }
    const decoded = ps === 8
      ? decodeVsChunkHeader(u64Address(view.bytes, offset + sizesAt), chunk, keys.heapKey)
      : decodeVsChunkHeaderX86(u32(view.bytes, offset + sizesAt), chunk.lo, keys.heapKey.lo);
    if (decoded.bytes < chunkHeader + granule || offset + decoded.bytes > end) {
      w.part.notWalked.push({
        heap: w.heap,
        part: "VS subsegment",
        address: chunk,
        reason: "the chunk at " + chunk.format(ps) + " decodes to 0x" + decoded.bytes.toString(16) + " bytes, " + (decoded.bytes < chunkHeader + granule ? "too small" : "past the subsegment's end") + " (damage, or a HeapKey that is not this heap's); the rest of the subsegment was not walked",
      });
      return;
    }
    if (decoded.allocated) {
      const recorded = ((u32(view.bytes, offset + bitsAt) >>> 8) & 1) === 1;
      const block = blockFrom(w, view, range.address, offset + chunkHeader, offset + decoded.bytes, recorded, "VS", chunk, decoded.bytes);
      if (block && !push(w, block)) return;
    } else {
      pushFree(w, chunk.add(chunkHeader), decoded.bytes - chunkHeader, "VS");
    }
    offset += decoded.bytes;
  }
}

/**
 * The LFH offsets decoded with the key form ntdll uses, confirmed; else the other form; else null. Confirmed: a block
 * size that is a multiple of the granule, a first block past a bitmap that fits, and slots for BlockCount +
 * WitheldBlockCount blocks (BlockCount is the slot count less the withheld slots, userheap-facts §10.1). A form that
 * accounts for exactly that many slots wins over one that only has room for them: the two forms differ only in the
 * high half (the first block's offset), where a wrong one can still look aligned.
 */
function lfhGeometry(w: Walk, encoded: number, keys: Keys, sub: Address, rangeBytes: number, counted: number): { blockSize: number; first: number; slots: number; form: SegmentHeapEncoding } | null {
  const l = w.layouts.lfhSubsegment;
  const granule = w.ps === 8 ? 16 : 8;
  let roomy: { blockSize: number; first: number; slots: number; form: SegmentHeapEncoding } | null = null;
  for (const form of ["26100 and later", "before 26100"] as SegmentHeapEncoding[]) {
    const { blockSize, firstBlockOffset } = decodeLfhOffsets(encoded, keys.lfhKeyLow, sub, form);
    const slots = lfhSlotCount(rangeBytes, firstBlockOffset, blockSize);
    const bitmapEnd = l.offsets.BlockBitmap + Math.ceil((slots * 2) / 8);
    if (blockSize < granule || blockSize % granule !== 0 || slots === 0 || firstBlockOffset < bitmapEnd || firstBlockOffset % granule !== 0 || counted > slots) continue;
    const geometry = { blockSize, first: firstBlockOffset, slots, form };
    if (counted === slots) return geometry;
    if (!roomy) roomy = geometry;
  }
  return roomy;
}

function walkLfh(w: Walk, range: Range, keys: Keys): void {
  const { ps, layouts } = w;
  const l = layouts.lfhSubsegment;
  const view = readRange(w, range.address, range.bytes, "LFH subsegment");
  if (!view.readable(0, l.size)) {
    w.part.notWalked.push({ heap: w.heap, part: "LFH subsegment", address: range.address, reason: "its header is unreadable (missing from the dump or decommitted)" });
    return;
  }
  const encoded = u32(view.bytes, l.offsets.BlockOffsets);
  const withheldCount = u8(view.bytes, l.offsets.WitheldBlockCount);
  const geometry = lfhGeometry(w, encoded, keys, range.address, range.bytes, u16(view.bytes, l.offsets.BlockCount) + withheldCount);
  if (!geometry) {
    const d = decodeLfhOffsets(encoded, keys.lfhKeyLow, range.address, "26100 and later");
    w.part.notWalked.push({
      heap: w.heap,
      part: "LFH subsegment",
      address: range.address,
      reason: "its BlockOffsets do not decode with ntdll!RtlpHpHeapGlobals.LfhKey under either key form (block size 0x" + d.blockSize.toString(16) + ", first block at +0x" + d.firstBlockOffset.toString(16) + "): damage or not an LFH subsegment; skipped",
    });
    return;
  }
  if (geometry.form !== "26100 and later" && w.notes.indexOf(LFH_FALLBACK_NOTE) < 0) w.notes.push(LFH_FALLBACK_NOTE);
  holesNote(w, view, "LFH", range.address);
  const { blockSize, first, slots } = geometry;
  const withheld = withheldCount > 0;
  for (let i = 0; i < slots; i++) {
    const at = first + i * blockSize;
    if (withheld && crossesPage(at, blockSize)) continue;
    if (!view.readable(at, blockSize)) continue;
    if (!lfhBlockBusy(view.bytes, l.offsets.BlockBitmap, i)) {
      pushFree(w, range.address.add(at), blockSize, "LFH");
      continue;
    }
    const recorded = lfhUnusedRecorded(view.bytes, l.offsets.BlockBitmap, i);
    const block = blockFrom(w, view, range.address, at, at + blockSize, recorded, "LFH", null, blockSize);
    if (block && !push(w, block)) return;
  }
}

const LFH_FALLBACK_NOTE =
  "LFH offsets decoded with the key term (ULONG)subsegment >> 12 (MemProcFS's form before build 26100): the form ntdll is known to use, (ULONG)(subsegment >> 12), did not decode them";

/** A direct page-range allocation of the backend (RangeFlags 0x03): one block, UnusedBytes in its descriptor. */
function backendBlock(w: Walk, range: Range): void {
  if (range.unused > range.bytes) {
    w.part.notWalked.push({ heap: w.heap, part: "page range", address: range.address, reason: "its descriptor claims 0x" + range.unused.toString(16) + " unused bytes in a range of 0x" + range.bytes.toString(16) + "; skipped" });
    return;
  }
  largeLike(w, range.address, range.bytes, range.unused, range.extraPresent, "Backend", false);
}

/**
 * A block that starts a page range or a large allocation: reads its first bytes (front padding, the first pointer)
 * and, when it has an extras trailer, its unused tail for the +ust record.
 */
function largeLike(w: Walk, block: Address, bytes: number, unused: number, extraPresent: boolean, kind: HeapBlockKind, large: boolean): boolean {
  const ps = w.ps;
  let pad = 0;
  let firstPointer: Address | null = null;
  const wantHead = w.options.readFirstPointer || (w.build !== null && w.build <= 19045);
  let head: Uint8Array | Unreadable | null = null;
  if (wantHead) head = w.target.memory.read(block, Math.min(bytes, 0x40 + ps), "heap block");
  if (head && !(head instanceof Unreadable)) {
    pad = frontPadding(pointer(head, 0, ps), bytes - unused, ps, large, w.build);
    if (w.options.readFirstPointer && pad + ps <= head.length) firstPointer = pointer(head, pad, ps);
  }
  const size = Math.max(0, bytes - unused - pad);
  let stackRecord: Address | null = null;
  if (extraPresent && unused > 0) {
    const tailAt = block.add(pad + size);
    const tail = w.target.memory.read(tailAt, Math.min(unused, 0x1000), "extras trailer");
    if (!(tail instanceof Unreadable)) stackRecord = findExtrasPointer(tail, tailAt, ps);
    else w.part.notWalked.push({ heap: w.heap, part: kind + " block trailer", address: tailAt, reason: "unreadable (" + tail.describe(ps) + "): the block is listed without its +ust stack" });
  }
  return push(w, { address: block.add(pad), size, heap: w.heap, kind, header: null, stackRecord, firstPointer, blockBytes: bytes });
}

/** The large blocks: the LargeAllocMetadata RB tree, depth first, each node read once (see the header comment on links). */
function walkLargeBlocks(w: Walk, header: Uint8Array): void {
  const { ps, layouts } = w;
  const h = layouts.heap;
  const a = layouts.largeAlloc;
  const treeAt = w.heap.add(h.offsets.LargeAllocMetadata);
  const root = pointer(header, h.offsets.LargeAllocMetadata, ps);
  const encoded = (pointer(header, h.offsets.LargeAllocMetadata + ps, ps).lo & 1) === 1;
  if (root.isNull && !encoded) return;
  const visited = new Set<string>();
  // Each entry: the candidate addresses of one node (two when the tree is encoded).
  const stack: Address[][] = [encoded ? [xor64(root, treeAt), root] : [root]];
  let nodes = 0;
  while (stack.length > 0 && !w.full) {
    const candidates = stack.pop()!.filter((c) => !c.isNull);
    if (candidates.length === 0) continue;
    let taken: { node: Address; bytes: Uint8Array; decoded: ReturnType<typeof decodeLargeAlloc> } | null = null;
    // The first candidate is the reading the tree's Encoded bit implies; its failure is the one reported.
    let why = "";
    for (const node of candidates) {
      if (!isUserPointer(node, ps)) {
        why = why || "leads to " + node.format(ps) + ", not a user-mode address";
        continue;
      }
      if (visited.has(node.key)) {
        why = why || "leads back to " + node.format(ps) + " (a loop)";
        continue;
      }
      const bytes = w.target.memory.read(node.subtract(a.offsets.TreeNode), a.size, "_HEAP_LARGE_ALLOC_DATA");
      if (bytes instanceof Unreadable) {
        why = why || "leads to the node at " + node.format(ps) + ", which is unreadable (" + bytes.describe(ps) + ")";
        continue;
      }
      const decoded = decodeLargeAlloc(pointer(bytes, a.offsets.VirtualAddress, ps), ps === 8 ? u64Address(bytes, a.offsets.AllocatedPages) : new Address(0, u32(bytes, a.offsets.AllocatedPages)), ps);
      if (decoded.pages === 0 || decoded.block.lo % 0x1000 !== 0 || !isUserPointer(decoded.block, ps) || decoded.unused > decoded.pages * 0x1000) {
        why = why || "leads to the node at " + node.format(ps) + ", which holds VirtualAddress " + pointer(bytes, a.offsets.VirtualAddress, ps).format(ps) + " and " + decoded.pages + " pages, not a large block";
        continue;
      }
      taken = { node, bytes, decoded };
      break;
    }
    if (!taken) {
      w.part.notWalked.push({ heap: w.heap, part: "large block tree", address: candidates[0], reason: "a link " + why + "; the blocks under it were not walked" });
      continue;
    }
    visited.add(taken.node.key);
    if (++nodes > w.maxBlocks) {
      w.part.notWalked.push({ heap: w.heap, part: "large block tree", address: taken.node, reason: "more than " + w.maxBlocks + " nodes (maxBlocksPerHeap); " + raiseHint("maxBlocksPerHeap") });
      break;
    }
    const d = taken.decoded;
    largeLike(w, d.block, d.pages * 0x1000, d.unused, d.extraPresent, "Large", true);
    const base = a.offsets.TreeNode;
    for (const side of [ps, 0]) {
      const raw = pointer(taken.bytes, base + side, ps);
      if (raw.isNull) continue;
      stack.push(encoded ? [xor64(raw, taken.node), xor64(raw, treeAt)] : [raw]);
    }
  }
}
