// The NT heap walker (issue 20): every busy user allocation of one NT heap - backend segment blocks, LFH blocks,
// virtual blocks - with its +ust stack record. Reads: the heap header, each segment header and uncommitted-range
// descriptor, each segment's committed ranges in large reads (never one read per block), each LFH subsegment not
// already inside those ranges, each virtual block's header. Addresses are JavaScript numbers inside the walk: user
// space ends below 2^47 (x64) / 2^32 (x86), exact as numbers. Facts and sources: research/userheap-facts.md §2-4, §10.
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { heapWalkLimits } from "../core/limits";
import { u16, u32, unsigned } from "../core/bytes";
import type { Target } from "../host/target";
import { LayoutMissing, ResolvedLayout } from "../layouts/types";
import { isLayoutMissing, resolveLayout } from "../layouts/resolve";
import {
  FRONT_END_LFH,
  HEAP_ENCODING_ENABLED,
  HEAP_SUBSEGMENT,
  HEAP_USERDATA_HEADER,
  HEAP_USERDATA_HEADER_WIN7,
  HEAP_VIRTUAL_ALLOC_ENTRY,
  NT_HEAP,
  NT_HEAP_SIGNATURE,
  USERDATA_SIGNATURE,
  WIN81,
  DPH_LIGHT_STAMP_BUSY,
  DPH_LIGHT_STAMP_FREED,
  pageHeapLayout,
  ucrDescriptorLayout,
} from "../layouts/heap";
import { FreeHeapBlock, HeapBlock, HeapBlockKind, HeapPartNotWalked, HeapWalkOptions, HeapWalkPart } from "./heap-blocks";
import {
  ENTRY_BUSY,
  ENTRY_INTERNAL,
  ENTRY_LAST,
  EXTENDED_SIGNATURE,
  decodeEntry,
  decodeLfhOffsets,
  extendedHeader,
  plausibleTraceRecord,
  userArea,
} from "./nt-heap-entry";

/** Windows 8: the busy bitmap and FirstAllocationOffset in the LFH UserBlocks (§3.1). */
const WIN8 = 9200;

/** How the LFH lays out its blocks: Win7 (plain, no bitmap), Win8.0 (plain offsets + bitmap), 8.1+ (keyed offsets). */
export type LfhFlavour = "win7" | "win8" | "win81";

export interface NtHeapLayouts {
  heap: ResolvedLayout;
  virtualEntry: ResolvedLayout;
  /** _HEAP_USERDATA_HEADER (the Win7 one on Win7) and _HEAP_SUBSEGMENT; missing leaves LFH blocks unwalked. */
  userData: ResolvedLayout | LayoutMissing;
  subsegment: ResolvedLayout | LayoutMissing;
  flavour: LfhFlavour;
  /** ntdll!RtlpLFHKey (8.1+), or null with `lfhKeyProblem` saying why. */
  lfhKey: number | null;
  lfhKeyProblem: string | null;
  /** For HeapWalkSummary.layout: which layouts were used, in the words of the other layout lines. */
  description: string;
  /** The layouts that are not from the symbols, for the short provenance line. */
  builtIn: ResolvedLayout[];
}

/**
 * The layouts the walker needs, from ntdll's symbols first, else built in for the build's family (the description
 * says which). The LFH key is read once here: it is the same for every heap of the process.
 */
export function resolveNtHeapLayouts(target: Target, build: number | null): NtHeapLayouts | LayoutMissing {
  const ps = target.pointerSize;
  const types = (m: string, t: string) => target.type(m, t);
  const heap = resolveLayout(NT_HEAP, types, ps, build);
  if (isLayoutMissing(heap)) return heap;
  const virtualEntry = resolveLayout(HEAP_VIRTUAL_ALLOC_ENTRY, types, ps, build);
  if (isLayoutMissing(virtualEntry)) return virtualEntry;
  // Unknown build: the newest family, as resolveLayout guesses the newest variant (and says so).
  const flavour: LfhFlavour = build === null ? "win81" : build < WIN8 ? "win7" : build < WIN81 ? "win8" : "win81";
  const userData = resolveLayout(flavour === "win7" ? HEAP_USERDATA_HEADER_WIN7 : HEAP_USERDATA_HEADER, types, ps, build);
  const subsegment = resolveLayout(HEAP_SUBSEGMENT, types, ps, build);
  let lfhKey: number | null = null;
  let lfhKeyProblem: string | null = null;
  if (flavour === "win81") {
    const at = target.symbolAddress("ntdll", "RtlpLFHKey");
    if (!at) {
      lfhKeyProblem = "ntdll!RtlpLFHKey, the key of the LFH block offsets, was not found (load ntdll's symbols: .symfix; .reload /f ntdll.dll)";
    } else {
      const bytes = target.memory.read(at, 4, "ntdll!RtlpLFHKey");
      if (bytes instanceof Unreadable) lfhKeyProblem = "ntdll!RtlpLFHKey " + bytes.describe(ps) + " (a dump without ntdll's data section)";
      else lfhKey = u32(bytes, 0);
    }
  }
  const used = [heap, virtualEntry].concat([userData, subsegment].filter((l): l is ResolvedLayout => !isLayoutMissing(l)));
  const fromSymbols = used.filter((l) => l.origin === "symbols");
  // One line for the heap table: the first built-in layout in the resolver's own words, the others named after it.
  const builtIn = used.filter((l) => l.origin !== "symbols");
  const names = (list: ResolvedLayout[]) => list.map((l) => l.typeName).join(", ");
  let description: string;
  if (builtIn.length === 0) description = names(used) + ": from ntdll's symbols";
  else {
    description = builtIn[0].description + (builtIn.length > 1 ? "; also built in: " + names(builtIn.slice(1)) : "") +
      (fromSymbols.length > 0 ? "; " + names(fromSymbols) + ": from ntdll's symbols" : "");
  }
  return { heap, virtualEntry, userData, subsegment, flavour, lfhKey, lfhKeyProblem, description, builtIn };
}

interface Piece {
  start: number;
  bytes: Uint8Array;
}

interface LfhRegion {
  /** The UserBlocks (its _HEAP_USERDATA_HEADER) and the end of the internal block that holds it. */
  userBlocks: number;
  end: number;
  piece: Piece;
}

const TWO_32 = 0x100000000;

function num(address: Address): number {
  return address.hi * TWO_32 + address.lo;
}

function addr(value: number): Address {
  return Address.fromNumber(value);
}

function hex(value: number): string {
  return "0x" + value.toString(16);
}

/** The bytes of _HEAP the walker reads in its first read (the process walk reads the same to classify the heap). */
export function ntHeapHeaderSize(layouts: NtHeapLayouts, pointerSize: 4 | 8): number {
  const h = layouts.heap.offsets;
  return Math.max(layouts.heap.size, h.FrontEndHeapType + 1, h.SegmentList + 2 * pointerSize, h.VirtualAllocdBlocks + 2 * pointerSize);
}

/** Walks one NT heap. Never throws on target data: what it cannot walk is in `notWalked`, by address and reason. */
export function walkNtHeap(target: Target, heap: Address, layouts: NtHeapLayouts, options: HeapWalkOptions): HeapWalkPart {
  return new NtHeapWalk(target, heap, layouts, options).run();
}

class NtHeapWalk {
  private readonly ps: 4 | 8;
  private readonly gran: number;
  private readonly heapAt: number;
  private readonly part: HeapWalkPart;
  private key: Uint8Array | null = null;
  /** Encoding.PreviousSize: the key ntdll may XOR an extended header's UnusedBytesLength with (§4.3 X). */
  private previousSizeKey = 0;
  private frontEndHeap = 0;
  private readonly pieces: Piece[] = [];
  private readonly regions: LfhRegion[] = [];
  /** sizeof(_DPH_BLOCK_INFORMATION): a light page heap's prefix. */
  private readonly blockInfoSize: number;
  /** Internal blocks without the UserBlocks signature: a UserBlocks whose signature was overwritten shows by its
   *  subsegment pointing back at it (checked in walkLfh, from bytes already read). */
  private readonly unsigned: LfhRegion[] = [];

  constructor(private readonly target: Target, private readonly heap: Address, private readonly layouts: NtHeapLayouts, private readonly options: HeapWalkOptions) {
    this.ps = target.pointerSize;
    this.gran = this.ps * 2;
    this.blockInfoSize = pageHeapLayout(this.ps).blockInfoSize;
    this.heapAt = num(heap);
    this.part = {
      summary: { heap, type: "NT", lfh: false, blocks: 0, bytes: 0, layout: layouts.description, builtInLayouts: layouts.builtIn },
      blocks: [],
      free: [],
      notWalked: [],
    };
  }

  run(): HeapWalkPart {
    const h = this.layouts.heap.offsets;
    const ps = this.ps;
    const header = this.target.memory.read(this.heap, ntHeapHeaderSize(this.layouts, ps), "_HEAP");
    if (header instanceof Unreadable) {
      this.notWalked("heap", this.heapAt, "the heap header " + header.describe(ps));
      return this.part;
    }
    if (u32(header, h.SegmentSignature) !== NT_HEAP_SIGNATURE) {
      this.notWalked("heap", this.heapAt, "SegmentSignature is " + hex(u32(header, h.SegmentSignature)) + ", not an NT heap's 0xffeeffee");
      return this.part;
    }
    // Encoding is on iff EncodeFlagMask has 0x100000 (§2.3: DbgHelpUtils, ntoseye test this bit); the keyed bytes
    // are Encoding's +8..+F on x64 and +0..+7 on x86.
    if ((u32(header, h.EncodeFlagMask) & HEAP_ENCODING_ENABLED) !== 0) {
      const at = h.Encoding + (ps === 8 ? 8 : 0);
      this.key = header.slice(at, at + 8);
      this.previousSizeKey = u16(header, at + 4);
    }
    this.frontEndHeap = this.readNumber(header, h.FrontEndHeap);
    this.part.summary.lfh = header[h.FrontEndHeapType] === FRONT_END_LFH;
    this.walkSegments(header);
    this.walkVirtualBlocks(header);
    this.walkLfh();
    return this.part;
  }

  private readNumber(bytes: Uint8Array, offset: number): number {
    return this.ps === 8 ? u32(bytes, offset + 4) * TWO_32 + u32(bytes, offset) : u32(bytes, offset);
  }

  /** A user-mode address a heap link may hold: pointer-aligned, above the first 64 KB (never mapped), below the top
   *  of user space. */
  private plausible(value: number): boolean {
    return value >= 0x10000 && value % this.ps === 0 && value < (this.ps === 8 ? 0x800000000000 : TWO_32);
  }

  /** A note for HeapWalkSummary.notes: what the walk assumed or fell back to, once each. */
  private note(text: string): void {
    const notes = this.part.summary.notes || (this.part.summary.notes = []);
    if (notes.indexOf(text) < 0) notes.push(text);
  }

  private notWalked(part: string, address: number | null, reason: string): void {
    if (this.part.notWalked.length >= heapWalkLimits.maxPartsNotWalkedPerHeap) return;
    // A value read from a damaged structure may not be an address at all (above 2^53): named in the reason only.
    const at = address === null || !(address >= 0 && address <= Number.MAX_SAFE_INTEGER) ? null : addr(Math.floor(address));
    const entry: HeapPartNotWalked = { heap: this.heap, part, address: at, reason };
    this.part.notWalked.push(entry);
  }

  // --- backend segments ---

  private walkSegments(header: Uint8Array): void {
    const h = this.layouts.heap.offsets;
    const head = this.heapAt + h.SegmentList;
    let link = this.readNumber(header, h.SegmentList);
    let from = head;
    const visited: { [at: number]: true } = {};
    let count = 0;
    const segmentBytes = h.UCRSegmentList + 2 * this.ps;
    while (link !== head) {
      if (count >= heapWalkLimits.maxSegmentsPerHeap) {
        this.notWalked("segment list", link, "more than " + heapWalkLimits.maxSegmentsPerHeap + " segments (maxSegmentsPerHeap): the list is taken as corrupt from here");
        return;
      }
      if (!this.plausible(link)) {
        this.notWalked("segment list", from, "the segment link at " + hex(from) + " holds " + hex(link) + ", not an address in the process");
        return;
      }
      if (visited[link]) {
        this.notWalked("segment list", from, "the segment list loops: the link at " + hex(from) + " leads back to the segment at " + hex(link - h.SegmentListEntry));
        return;
      }
      visited[link] = true;
      count++;
      const base = link - h.SegmentListEntry;
      const seg = base === this.heapAt ? header : this.target.memory.read(addr(base), segmentBytes, "_HEAP_SEGMENT", false);
      if (seg instanceof Unreadable) {
        this.notWalked("segment", base, "the segment header " + seg.describe(this.ps));
        return;
      }
      if (u32(seg, h.SegmentSignature) !== NT_HEAP_SIGNATURE) {
        this.notWalked("segment", base, "SegmentSignature is " + hex(u32(seg, h.SegmentSignature)) + ", not 0xffeeffee: the segment list is corrupt from here");
        return;
      }
      this.walkSegment(base, seg);
      from = link;
      link = this.readNumber(seg, h.SegmentListEntry);
    }
  }

  private walkSegment(base: number, seg: Uint8Array): void {
    const h = this.layouts.heap.offsets;
    const first = this.readNumber(seg, h.FirstEntry);
    const last = this.readNumber(seg, h.LastValidEntry);
    if (!(first >= base && first < last && last - first <= heapWalkLimits.maxSegmentBytes)) {
      this.notWalked("segment", base, "FirstEntry " + hex(first) + " and LastValidEntry " + hex(last) + " do not make a segment");
      return;
    }
    const ucrs = this.readUncommittedRanges(base, seg, first, last);
    const ranges: [number, number][] = [];
    let cursor = first;
    for (const ucr of ucrs) {
      if (ucr.address > cursor) ranges.push([cursor, ucr.address]);
      cursor = Math.max(cursor, ucr.address + ucr.size);
    }
    if (cursor < last) ranges.push([cursor, last]);
    // What the segment says it has committed bounds what is read: an uncommitted-range list that lost entries would
    // otherwise send the walk through reserved pages that do not read, each costing reads to find (§2.2).
    const committed = last - base - u32(seg, h.NumberOfUnCommittedPages) * 0x1000;
    let budget = Math.max(committed, 0) + heapWalkLimits.segmentCommitSlack;
    for (const [start, end] of ranges) {
      const stop = Math.min(end, start + Math.max(budget, 0));
      if (stop > start) this.walkRange(start, stop);
      budget -= stop - start;
      if (stop < end) {
        this.notWalked("segment range", stop, "the segment at " + hex(base) + " says " + hex(committed) + " bytes are committed; its uncommitted-range list accounts for less, so the range from " + hex(stop) + " to " + hex(last) + " was not read");
        return;
      }
    }
  }

  /** The segment's _HEAP_UCR_DESCRIPTORs (per-segment UCRSegmentList, §2.1: DbgHelpUtils, ntoseye), sorted. */
  private readUncommittedRanges(base: number, seg: Uint8Array, first: number, last: number): { address: number; size: number }[] {
    const h = this.layouts.heap.offsets;
    const u = ucrDescriptorLayout(this.ps);
    const out: { address: number; size: number }[] = [];
    const head = base + h.UCRSegmentList;
    let link = this.readNumber(seg, h.UCRSegmentList);
    const visited: { [at: number]: true } = {};
    while (link !== head) {
      if (out.length >= heapWalkLimits.maxUncommittedRangesPerSegment || !this.plausible(link) || visited[link]) {
        // Without the rest of the list, the walk still finds the holes: they do not read (live) or resync (dumps).
        this.notWalked("uncommitted-range list", base, "the segment's uncommitted-range list " + (visited[link] ? "loops" : "is corrupt") + " at " + hex(link));
        break;
      }
      visited[link] = true;
      const descriptor = link - u.SegmentEntry;
      const bytes = this.target.memory.read(addr(descriptor), u.size, "_HEAP_UCR_DESCRIPTOR");
      if (bytes instanceof Unreadable) {
        this.notWalked("uncommitted-range list", base, bytes.describe(this.ps));
        break;
      }
      const address = this.readNumber(bytes, u.Address);
      const size = this.readNumber(bytes, u.Size);
      if (address >= first && address < last && size > 0 && size <= last - address) out.push({ address, size });
      link = this.readNumber(bytes, u.SegmentEntry);
    }
    return out.sort((a, b) => a.address - b.address);
  }

  /** One committed range [start, end): read in large reads (holes found by halving), then block by block. */
  private walkRange(start: number, end: number): void {
    const read = this.target.memory.readPartial(addr(start), end - start);
    for (const hole of read.unreadable) {
      this.notWalked("segment range", num(hole.start), hole.size + " bytes are unreadable (pages missing from the dump or not committed)");
    }
    let cursor = start;
    let previousSize = -1;
    for (const segment of read.pieces) {
      const piece: Piece = { start: num(segment.start), bytes: segment.bytes };
      this.pieces.push(piece);
      const pieceEnd = piece.start + piece.bytes.length;
      if (cursor >= pieceEnd) continue;
      if (cursor < piece.start) {
        // The block after a hole: find the next header that checks out, from the piece's start.
        const found = this.resync(piece, 0, end);
        if (found !== 0) {
          this.notWalked("segment range", piece.start, "after the unreadable bytes before " + hex(piece.start) + ", " +
            (found < 0 ? "no block header checks out up to " + hex(Math.min(pieceEnd, end)) : (found + " bytes were skipped to the next header that checks out at " + hex(piece.start + found))));
        }
        if (found < 0) continue;
        cursor = piece.start + found;
        previousSize = -1;
      }
      while (cursor + this.gran <= pieceEnd && cursor < end) {
        const off = cursor - piece.start;
        const e = decodeEntry(piece.bytes, off, this.ps, this.key);
        const blockBytes = e.size * this.gran;
        const reason =
          !e.checksumOk ? "its header fails the checksum (Size ^ Flags != SmallTagIndex after decoding with _HEAP.Encoding)"
          : e.size === 0 ? "its header has Size 0"
          : cursor + blockBytes > end ? "its Size (" + hex(blockBytes) + " bytes) runs past the committed range ending at " + hex(end)
          : !this.key && previousSize >= 0 && e.previousSize !== previousSize ? "its PreviousSize (" + e.previousSize + ") is not the size of the block before it (" + previousSize + ")"
          : null;
        if (reason !== null) {
          const found = this.resync(piece, off + this.gran, end);
          const skipped = (found < 0 ? Math.min(pieceEnd, end) : piece.start + found) - cursor;
          this.notWalked("backend block", cursor, "the block at " + hex(cursor) + " is damaged: " + reason + "; " + skipped + " bytes skipped" +
            (found < 0 ? " to the end of the readable range" : " to the next header that checks out at " + hex(piece.start + found)));
          if (found < 0) {
            cursor = pieceEnd;
            break;
          }
          cursor = piece.start + found;
          previousSize = -1;
          continue;
        }
        this.classify(piece, off, e.flags, e.unusedBytes, blockBytes);
        previousSize = e.size;
        cursor += blockBytes;
      }
    }
  }

  /**
   * The offset in `piece` of the next header that decodes and is followed by another that does and whose
   * PreviousSize matches (or by the range's end); -1 when none. Headers are granule-aligned.
   */
  private resync(piece: Piece, from: number, end: number): number {
    const bytes = piece.bytes;
    const g = this.gran;
    const limit = Math.min(bytes.length, end - piece.start);
    for (let p = from + ((g - (from % g)) % g); p + g <= limit; p += g) {
      const e = decodeEntry(bytes, p, this.ps, this.key);
      if (!e.checksumOk || e.size === 0) continue;
      const next = p + e.size * g;
      if (next > limit) continue;
      if (next === end - piece.start) return p;
      if (next + g > bytes.length) continue;
      const f = decodeEntry(bytes, next, this.ps, this.key);
      if (f.checksumOk && f.size !== 0 && f.previousSize === e.size) return p;
    }
    return -1;
  }

  private classify(piece: Piece, off: number, flags: number, unusedBytes: number, blockBytes: number): void {
    const entry = piece.start + off;
    const bytes = piece.bytes;
    if ((flags & ENTRY_BUSY) === 0) {
      if (this.options.includeFree) this.part.free.push({ address: addr(entry + this.gran), size: blockBytes - this.gran, heap: this.heap, kind: "Backend" });
      return;
    }
    if ((flags & ENTRY_INTERNAL) !== 0) {
      // Internal: never listed. An LFH UserBlocks sits at its user pointer, after the +ust header when there is one
      // (§3.2: ntdll allocates UserBlocks through RtlAllocateHeap, so +ust prefixes them too).
      const ext = extendedHeader(bytes, off, unusedBytes, this.ps, off + blockBytes);
      const userOff = ext ? ext.at + this.gran : off + this.gran;
      const sig = this.userDataSignatureOffset();
      if (sig >= 0 && userOff + sig + 4 <= bytes.length && u32(bytes, userOff + sig) === USERDATA_SIGNATURE) {
        this.regions.push({ userBlocks: piece.start + userOff, end: entry + blockBytes, piece });
      } else if (userOff + this.ps <= bytes.length && this.unsigned.length < heapWalkLimits.maxPartsNotWalkedPerHeap) {
        this.unsigned.push({ userBlocks: piece.start + userOff, end: entry + blockBytes, piece });
      }
      return;
    }
    // Busy + LAST_ENTRY: the guard before an uncommitted range or the segment end (§2.2, §10.4: classified by flags,
    // never by size - ReactOS makes it one granule, a Win7 x86 transcript shows 0x20 bytes). Tested after the
    // internal flag, so that an internal block that happens to be last still has its UserBlocks found.
    if ((flags & ENTRY_LAST) !== 0) return;
    const area = userArea(bytes, off, blockBytes, unusedBytes, this.ps, false, this.previousSizeKey);
    if (!area) {
      this.notWalked("backend block", entry, "the busy block at " + hex(entry) + " has UnusedBytes " + hex(unusedBytes) + ", which fits no reading of a " + hex(blockBytes) + "-byte block");
      return;
    }
    this.push("Backend", piece, entry, area.user, area.size, area.trace);
  }

  private userDataSignatureOffset(): number {
    const l = this.layouts.userData;
    return isLayoutMissing(l) ? (this.ps === 8 ? (this.layouts.flavour === "win7" ? 0x18 : 0x14) : 0xc) : l.offsets.Signature;
  }

  private push(kind: HeapBlockKind, piece: Piece, header: number, userOff: number, size: number, traceOff: number): void {
    const bytes = piece.bytes;
    const ps = this.ps;
    // A light page heap's block (+hpa without /full: the page heap's NormalHeap is an NT heap) starts with a
    // _DPH_BLOCK_INFORMATION (§6: DbgHelpUtils dph_entry, HeapStat ParseHeapRecord32's HPA branch): the caller's
    // data, size and stack are after and in it; a freed one (delay-free queue) is no allocation.
    const info = this.blockInfoSize;
    if (kind !== "LFH" && size >= info && userOff + info <= bytes.length) {
      const stamp = u32(bytes, userOff);
      if (stamp === DPH_LIGHT_STAMP_FREED) return;
      const requested = u32(bytes, userOff + (ps === 8 ? 0x10 : 0x8));
      if (stamp === DPH_LIGHT_STAMP_BUSY && requested <= size - info) {
        const stackAt = userOff + (ps === 8 ? 0x30 : 0x18);
        if (u32(bytes, stackAt) !== 0 || (ps === 8 && u32(bytes, stackAt + 4) !== 0)) traceOff = stackAt;
        userOff += info;
        size = requested;
      }
    }
    let stackRecord: Address | null = null;
    if (traceOff >= 0 && traceOff + ps <= bytes.length) {
      const lo = u32(bytes, traceOff);
      const hi = ps === 8 ? u32(bytes, traceOff + 4) : 0;
      if (plausibleTraceRecord(lo, hi, ps)) stackRecord = new Address(hi, lo);
    }
    let firstPointer: Address | null = null;
    if (this.options.readFirstPointer && size >= ps && userOff + ps <= bytes.length) {
      const value = new Address(ps === 8 ? u32(bytes, userOff + 4) : 0, u32(bytes, userOff));
      // A zero names no type: left null, as for a block too small to hold a pointer.
      if (!value.isNull) firstPointer = value;
    }
    this.add({ address: addr(piece.start + userOff), size, heap: this.heap, kind, header: addr(header), stackRecord, firstPointer });
  }

  private add(block: HeapBlock): void {
    this.part.blocks.push(block);
    this.part.summary.blocks++;
    this.part.summary.bytes += block.size;
    if (this.options.onProgress && this.part.blocks.length % 4096 === 0) this.options.onProgress(this.part.blocks.length);
  }

  // --- LFH (§3) ---

  private walkLfh(): void {
    const ud = this.layouts.userData;
    const ss = this.layouts.subsegment;
    if (!isLayoutMissing(ss)) this.findDamagedUserBlocks(ss, isLayoutMissing(ud) ? -1 : ud.offsets.Signature);
    if (this.regions.length === 0) return;
    const missing = isLayoutMissing(ud) ? ud : isLayoutMissing(ss) ? ss : null;
    const keyProblem = this.layouts.flavour === "win81" && this.layouts.lfhKey === null ? this.layouts.lfhKeyProblem : null;
    if (missing || keyProblem) {
      const why = missing ? "no layout for " + missing.typeName + ": " + missing.reason : keyProblem!;
      this.notWalked("LFH UserBlocks", this.regions[0].userBlocks, (this.regions.length === 1 ? "this LFH UserBlocks" : "these " + this.regions.length + " LFH UserBlocks (the address is the first's)") + " not walked: " + why);
      return;
    }
    for (const region of this.regions) this.walkRegion(region, ud as ResolvedLayout, ss as ResolvedLayout);
  }

  /**
   * An internal block whose first pointer leads to a subsegment (in memory already read: zones live in the heap's
   * segments) whose UserBlocks points back at it is a UserBlocks whose signature is damaged: named, its blocks not
   * listed (they cannot be told from stale bytes without the header).
   */
  private findDamagedUserBlocks(ss: ResolvedLayout, signatureOffset: number): void {
    for (const c of this.unsigned) {
      const off = c.userBlocks - c.piece.start;
      const subsegment = this.readNumber(c.piece.bytes, off);
      if (!this.plausible(subsegment)) continue;
      let back = -1;
      for (const p of this.pieces) {
        const at = subsegment + ss.offsets.UserBlocks - p.start;
        if (at >= 0 && at + this.ps <= p.bytes.length) {
          back = this.readNumber(p.bytes, at);
          break;
        }
      }
      if (back !== c.userBlocks) continue;
      const found = signatureOffset >= 0 && off + signatureOffset + 4 <= c.piece.bytes.length ? hex(u32(c.piece.bytes, off + signatureOffset)) : "unreadable";
      this.notWalked("LFH UserBlocks", c.userBlocks, "its subsegment at " + hex(subsegment) + " points to it, but its signature is " + found + ", not 0xf0e0d0c0: its LFH blocks are not listed");
    }
  }

  /** Bytes at `at` from the ranges already read (zones and subsegments live in the heap's own segments), else read. */
  private bytesAt(at: number, size: number, what: string): { bytes: Uint8Array; off: number } | Unreadable {
    for (const p of this.pieces) {
      if (at >= p.start && at + size <= p.start + p.bytes.length) return { bytes: p.bytes, off: at - p.start };
    }
    const read = this.target.memory.read(addr(at), size, what);
    return read instanceof Unreadable ? read : { bytes: read, off: 0 };
  }

  private walkRegion(region: LfhRegion, ud: ResolvedLayout, ss: ResolvedLayout): void {
    const ps = this.ps;
    const g = this.gran;
    const ub = region.userBlocks;
    const bytes = region.piece.bytes;
    const base = region.piece.start;
    const hdr = ub - base;
    const headerEnd = hdr + Math.max(ud.size, ud.offsets.Signature + 4);
    if (headerEnd > bytes.length) {
      this.notWalked("LFH UserBlocks", ub, "the UserBlocks header runs into unreadable memory");
      return;
    }
    const subsegment = this.readNumber(bytes, hdr + ud.offsets.SubSegment);
    if (!this.plausible(subsegment)) {
      this.notWalked("LFH UserBlocks", ub, "its SubSegment pointer " + hex(subsegment) + " is not an address in the process");
      return;
    }
    const s = this.bytesAt(subsegment, ss.size, "_HEAP_SUBSEGMENT");
    if (s instanceof Unreadable) {
      this.notWalked("LFH UserBlocks", ub, "its _HEAP_SUBSEGMENT " + s.describe(ps));
      return;
    }
    // A UserBlocks whose subsegment no longer points back is cached or retired (_LFH_HEAP.UserBlockCache): it holds
    // no busy blocks (§3.2 A; MemProcFS, DbgHelpUtils validate the back pointer the same way).
    if (this.readNumber(s.bytes, s.off + ss.offsets.UserBlocks) !== ub) return;
    const blockSize = u16(s.bytes, s.off + ss.offsets.BlockSize);
    const count = u16(s.bytes, s.off + ss.offsets.BlockCount);
    const blockBytes = blockSize * g;
    let first: number;
    let stride = blockBytes;
    // MemProcFS VmmHeapAlloc_NtInitLfhUserData_VerifyEncoded: FirstAllocationOffset 8-aligned, at least 0x40 (x64) /
    // 0x20 (x86) past the header, within a page; and here the stride must be the subsegment's BlockSize * gran.
    const minFirst = this.layouts.flavour === "win7" ? ud.size : ps === 8 ? 0x40 : 0x20;
    const fits = (f: number, s: number) => blockSize !== 0 && s === blockBytes && f % 8 === 0 && f >= minFirst && f <= 0x1000;
    if (this.layouts.flavour === "win7") {
      first = ud.size; // blocks right after the header (HeapStat, MemProcFS, DbgHelpUtils)
    } else {
      const raw = u32(bytes, hdr + ud.offsets.EncodedOffsets);
      if (this.layouts.flavour === "win8") {
        first = raw & 0xffff; // a plain FirstAllocationOffset on 8.0 (HeapStat x86)
      } else {
        const d = decodeLfhOffsets(raw, ub >>> 0, this.frontEndHeap >>> 0, this.layouts.lfhKey!);
        first = d.first;
        stride = d.stride;
        // MemProcFS tries the plain reading first (FirstAllocationOffset == 0x40 / 0x20, as on 8.0): taken here only
        // when the keyed one does not check out, for a build misreported as 8.1+.
        if (!fits(first, stride) && fits(raw & 0xffff, raw >>> 16) && (raw & 0xffff) === minFirst) {
          first = raw & 0xffff;
          stride = raw >>> 16;
          this.note("LFH offsets read in clear (as Windows 8.0 stores them) where RtlpLFHKey did not decode them");
        }
      }
    }
    if (!fits(first, stride)) {
      this.notWalked("LFH UserBlocks", ub, "its block offsets do not check out (first block at +" + hex(first) + ", stride " + hex(stride) + ", BlockSize " + blockSize +
        (this.layouts.flavour === "win81" ? "): RtlpLFHKey or the _HEAP.FrontEndHeap it is combined with may be wrong" : ")"));
      return;
    }
    if (ub + first + count * stride > region.end) {
      this.notWalked("LFH UserBlocks", ub, count + " blocks of " + hex(stride) + " bytes do not fit the UserBlocks' backend block ending at " + hex(region.end));
      return;
    }
    let bitmap: { bytes: Uint8Array; off: number } | null = null;
    if (this.layouts.flavour !== "win7") {
      // _RTL_BITMAP(_EX) {SizeOfBitMap; Buffer}: Buffer normally points at BitmapData inside the header (§3.1).
      const bm = hdr + ud.offsets.BusyBitmap;
      const bits = unsigned(bytes, bm, ps);
      const buffer = this.readNumber(bytes, bm + ps);
      const found = bits >= count && this.plausible(buffer) ? this.bytesAt(buffer, Math.ceil(count / 8) || 1, "LFH busy bitmap") : null;
      if (!found || found instanceof Unreadable) {
        this.notWalked("LFH UserBlocks", ub, "its busy bitmap (" + bits + " bits at " + hex(buffer) + ") cannot be read for " + count + " blocks");
        return;
      }
      bitmap = found;
    }
    const unusedAt = ps === 8 ? 15 : 7;
    for (let i = 0; i < count; i++) {
      const slot = hdr + first + i * stride;
      if (slot + g > bytes.length) {
        this.notWalked("LFH UserBlocks", ub, "blocks " + i + " to " + (count - 1) + " are in unreadable memory");
        return;
      }
      const unused = bytes[slot + unusedAt];
      // Busy: the bitmap bit where there is one (DEC sets it on allocation; MemProcFS, ntoseye read it) and the
      // header's unused count (0x80 alone = free: HeapStat, DbgHelpUtils). Both must say busy: a block freed onto the
      // DelayFreeList keeps its bit but not its count (§3.3, DelayFreeList semantics unconfirmed), and a set bit over a
      // free header is no allocation a leak report can name.
      const bitBusy = bitmap === null || ((bitmap.bytes[bitmap.off + (i >> 3)] >> (i & 7)) & 1) === 1;
      const headerBusy = (unused & 0x3f) !== 0;
      if (!(bitBusy && headerBusy)) {
        if (this.options.includeFree && !headerBusy) {
          const free: FreeHeapBlock = { address: addr(base + slot + g), size: stride - g, heap: this.heap, kind: "LFH" };
          this.part.free.push(free);
        }
        continue;
      }
      const area = userArea(bytes, slot, stride, unused, ps, true, this.previousSizeKey);
      if (!area) {
        this.notWalked("LFH block", base + slot, "the LFH block at " + hex(base + slot) + " has UnusedBytes " + hex(unused) + ", which fits no reading of a " + hex(stride) + "-byte block");
        continue;
      }
      this.push("LFH", region.piece, base + slot, area.user, area.size, area.trace);
    }
  }

  // --- virtual blocks (§2.6, §10.8) ---

  private walkVirtualBlocks(header: Uint8Array): void {
    const h = this.layouts.heap.offsets;
    const e = this.layouts.virtualEntry;
    const ps = this.ps;
    const g = this.gran;
    const head = this.heapAt + h.VirtualAllocdBlocks;
    let link = this.readNumber(header, h.VirtualAllocdBlocks);
    let from = head;
    const visited: { [at: number]: true } = {};
    // Entry, the +ust prefix (trace pointer, extended header) and the start of the user data (its first pointer, or
    // a UserBlocks header up to its signature, or a light page heap's block information), in one read.
    const readSize = e.size + 2 * g + pageHeapLayout(ps).blockInfoSize + ps;
    let count = 0;
    while (link !== head) {
      if (count >= heapWalkLimits.maxVirtualBlocksPerHeap || !this.plausible(link) || visited[link]) {
        this.notWalked("virtual block list", from, visited[link]
          ? "the list loops: the link at " + hex(from) + " leads back to " + hex(link)
          : count >= heapWalkLimits.maxVirtualBlocksPerHeap ? "more than " + heapWalkLimits.maxVirtualBlocksPerHeap + " virtual blocks (maxVirtualBlocksPerHeap)"
          : "the link at " + hex(from) + " holds " + hex(link) + ", not an address in the process");
        return;
      }
      visited[link] = true;
      count++;
      const bytes = this.target.memory.read(addr(link), readSize, "_HEAP_VIRTUAL_ALLOC_ENTRY", false);
      if (bytes instanceof Unreadable) {
        this.notWalked("virtual block list", link, "the virtual block " + bytes.describe(ps));
        return;
      }
      this.virtualBlock(link, bytes, e);
      from = link;
      link = this.readNumber(bytes, e.offsets.Entry);
    }
  }

  private virtualBlock(entry: number, bytes: Uint8Array, e: ResolvedLayout): void {
    const ps = this.ps;
    const g = this.gran;
    const commit = unsigned(bytes, e.offsets.CommitSize, e.sizes.CommitSize || ps);
    const busy = e.offsets.BusyBlock;
    // BusyBlock: encoded like any header; its Size holds the unused bytes, the header (and +ust prefix) included
    // (§2.6: HeapStat, DbgHelpUtils; §10.8: user size = CommitSize - BusyBlock.Size).
    const d = decodeEntry(bytes, busy, ps, this.key);
    if (!d.checksumOk || d.size > commit) {
      this.notWalked("virtual block", entry, "its BusyBlock header " + (d.checksumOk ? "holds " + hex(d.size) + " unused bytes, more than its " + hex(commit) + " committed" : "fails the checksum"));
      return;
    }
    // +ust (§4.3, §10.8): the trace pointer right after the entry, then an extended header (signature 5, EntryOffset
    // 2, the interceptor's index), user data after it. Detected per block, not per process (§4.1).
    const ext = busy + 2 * g;
    const f = ps === 8 ? ext + 8 : ext;
    const ust = bytes[f + 7] === EXTENDED_SIGNATURE && bytes[f + 6] === 2 && u16(bytes, f) !== 0;
    const userOff = ust ? e.size + 2 * g : e.size;
    if (this.userBlocksInVirtualBlock(entry, bytes, userOff, commit)) return;
    const piece: Piece = { start: entry, bytes };
    this.push("Virtual", piece, entry, userOff, commit - d.size, ust ? e.size : -1);
  }

  /**
   * A virtual block that holds an LFH UserBlocks (x86: UserBlocks up to 0xF0000 bytes can exceed the virtual-block
   * threshold, §3.2 U): signed 0xF0E0D0C0 and its subsegment pointing back. Read whole (at most
   * maxUserBlocksBytes) and walked as an LFH region; the block itself is heap-internal, never listed. A user block
   * whose bytes happen to look signed is told apart by the subsegment's back pointer.
   */
  private userBlocksInVirtualBlock(entry: number, bytes: Uint8Array, userOff: number, commit: number): boolean {
    const sig = this.userDataSignatureOffset();
    const ss = this.layouts.subsegment;
    if (isLayoutMissing(ss) || userOff + sig + 4 > bytes.length || u32(bytes, userOff + sig) !== USERDATA_SIGNATURE) return false;
    const ub = entry + userOff;
    const subsegment = this.readNumber(bytes, userOff);
    if (!this.plausible(subsegment)) return false;
    const s = this.bytesAt(subsegment, ss.size, "_HEAP_SUBSEGMENT");
    if (s instanceof Unreadable || this.readNumber(s.bytes, s.off + ss.offsets.UserBlocks) !== ub) return false;
    const size = Math.min(commit, heapWalkLimits.maxUserBlocksBytes);
    const read = this.target.memory.readPartial(addr(entry), size);
    const whole = read.pieces.length > 0 && num(read.pieces[0].start) === entry ? read.pieces[0] : null;
    if (!whole) {
      this.notWalked("LFH UserBlocks", ub, "the virtual block at " + hex(entry) + " that holds it is unreadable");
      return true;
    }
    this.regions.push({ userBlocks: ub, end: entry + whole.bytes.length, piece: { start: entry, bytes: whole.bytes } });
    return true;
  }
}

export { NtHeapWalk as _NtHeapWalkForTests };
