// Processes with real NT heaps for the heap walkers (issue 20): _HEAP and its segments, encoded _HEAP_ENTRY headers
// with their checksum, uncommitted ranges and their guard blocks, LFH UserBlocks / subsegments / zones per version
// family, +ust headers and stack trace records, virtual blocks. Laid out from research/userheap-facts.md §2-4, §9,
// §10 (sources named there: DEC decompiled ntdll, HeapStat, DbgHelpUtils, MemProcFS, R2G dt dumps) and, for x64
// builds of the PDB data set, from Microsoft's PDBs (test/fixtures/pdb-layouts). Never from src/layouts.
//
// Speed: each segment is laid out in one local buffer and written to the emulated memory once, so a heap of
// 150,000 blocks in 60 MB builds in about a second.
import { TargetBuilder, userTarget } from "./builder";
import { pebLayout } from "./layouts";
import { hasPdbData, pdbLayout } from "./pdb-layouts";

/** Where each _HEAP field the walkers read lives: the PDB's for x64 builds of the data set, else §2.1's table. */
export function ntHeapFields(build: number, pointerSize: 4 | 8) {
  const names = ["SegmentSignature", "SegmentListEntry", "Heap", "BaseAddress", "NumberOfPages", "FirstEntry", "LastValidEntry", "NumberOfUnCommittedPages", "NumberOfUnCommittedRanges", "UCRSegmentList", "Flags", "ForceFlags", "EncodeFlagMask", "Encoding", "Interceptor", "Signature", "VirtualAllocdBlocks", "SegmentList", "FrontEndHeap", "FrontEndHeapType"] as const;
  if (hasPdbData(build, pointerSize)) {
    const l = pdbLayout(build, "_HEAP", names)!;
    const out: { [k: string]: number } = { size: l.size };
    for (const n of names) out[n] = l[n][0];
    return out as { size: number } & { [K in (typeof names)[number]]: number };
  }
  const win7 = build < 9200;
  const win1809 = build >= 17763;
  if (pointerSize === 8) {
    // §2.1 x64 columns: 8.1 (FrontEndHeap 0x170), 1607 (0x178), 1809+ (0x198).
    const feh = build < 10240 ? 0x170 : win1809 ? 0x198 : 0x178;
    return {
      size: win7 ? 0x208 : win1809 ? 0x2c0 : 0x2a0, SegmentSignature: 0x10, SegmentListEntry: 0x18, Heap: 0x28, BaseAddress: 0x30, NumberOfPages: 0x38,
      FirstEntry: 0x40, LastValidEntry: 0x48, NumberOfUnCommittedPages: 0x50, NumberOfUnCommittedRanges: 0x54, UCRSegmentList: 0x60, Flags: 0x70,
      ForceFlags: 0x74, EncodeFlagMask: 0x7c, Encoding: 0x80, Interceptor: win7 ? 0x98 : 0x90, Signature: win7 ? 0xa0 : 0x98,
      VirtualAllocdBlocks: win7 ? 0x118 : 0x110, SegmentList: win7 ? 0x128 : 0x120, FrontEndHeap: win7 ? 0x178 : feh, FrontEndHeapType: win7 ? 0x182 : feh + (feh === 0x170 ? 0xa : 0xa),
    };
  }
  // §2.1 x86 columns (7SP1, 8/8.1, 1809+) and §10.6 (Interceptor 0x58 on Win8+ x86).
  return {
    size: win7 ? 0x138 : 0x258, SegmentSignature: 0x8, SegmentListEntry: 0x10, Heap: 0x18, BaseAddress: 0x1c, NumberOfPages: 0x20, FirstEntry: 0x24,
    LastValidEntry: 0x28, NumberOfUnCommittedPages: 0x2c, NumberOfUnCommittedRanges: 0x30, UCRSegmentList: 0x38, Flags: 0x40, ForceFlags: 0x44,
    EncodeFlagMask: 0x4c, Encoding: 0x50, Interceptor: win7 ? 0x5c : 0x58, Signature: win7 ? 0x64 : 0x60, VirtualAllocdBlocks: win7 ? 0xa0 : 0x9c,
    SegmentList: win7 ? 0xa8 : 0xa4, FrontEndHeap: win7 ? 0xd4 : win1809 ? 0xe4 : 0xd0, FrontEndHeapType: win7 ? 0xda : win1809 ? 0xea : 0xd6,
  };
}

/** §2.6 _HEAP_VIRTUAL_ALLOC_ENTRY (PDB-confirmed x64; x86 the same shape with 4-byte pointers). */
function vaEntryFields(pointerSize: 4 | 8) {
  return pointerSize === 8 ? { size: 0x40, CommitSize: 0x20, ReserveSize: 0x28, BusyBlock: 0x30 } : { size: 0x20, CommitSize: 0x10, ReserveSize: 0x14, BusyBlock: 0x18 };
}

/** §3.1 _HEAP_USERDATA_HEADER / _HEAP_SUBSEGMENT per family. */
function lfhFields(build: number, pointerSize: 4 | 8) {
  const win7 = build < 9200;
  if (pointerSize === 8) {
    return win7
      ? { header: { size: 0x20, SubSegment: 0, SizeIndex: 0x10, Signature: 0x18, EncodedOffsets: -1, BusyBitmap: -1, BitmapData: -1 }, sub: { size: 0x30, UserBlocks: 8, BlockSize: 0x18, BlockCount: 0x1c, SizeIndex: 0x1e } }
      : { header: { size: 0x38, SubSegment: 0, SizeIndex: 0x10, Signature: 0x14, EncodedOffsets: 0x18, BusyBitmap: 0x20, BitmapData: 0x30 }, sub: { size: 0x40, UserBlocks: 8, BlockSize: 0x24, BlockCount: 0x28, SizeIndex: 0x2a } };
  }
  return win7
    ? { header: { size: 0x10, SubSegment: 0, SizeIndex: 0x8, Signature: 0xc, EncodedOffsets: -1, BusyBitmap: -1, BitmapData: -1 }, sub: { size: 0x20, UserBlocks: 4, BlockSize: 0x10, BlockCount: 0x14, SizeIndex: 0x16 } }
    : { header: { size: 0x20, SubSegment: 0, SizeIndex: 0x8, Signature: 0xc, EncodedOffsets: 0x10, BusyBitmap: 0x14, BitmapData: 0x1c }, sub: { size: 0x28, UserBlocks: 4, BlockSize: 0x14, BlockCount: 0x18, SizeIndex: 0x1a } };
}

/** What a walker must find: one busy user allocation. */
export interface ExpectedBlock {
  address: bigint;
  size: number;
  heap: bigint;
  kind: "Backend" | "LFH" | "Virtual" | "PageHeap";
  header: bigint;
  stackRecord: bigint | null;
  firstPointer: bigint | null;
}

export interface NtHeapProcessOptions {
  pointerSize: 4 | 8;
  build: number;
  /** +ust: NtGlobalFlag 0x1000, heaps flagged 0x08000000 with the interceptor, a UST header in every allocation. */
  ust: boolean;
  /** ntdll's types (_HEAP & co. from the PDB on x64, the LFH types from §3.1) and ntdll!RtlpLFHKey's symbol. */
  symbols?: boolean;
  /** RtlpLFHKey's symbol without the types (default: as `symbols`). */
  lfhKeySymbol?: boolean;
  dump?: string;
  /** The LFH key (RtlpLFHKey) value. */
  lfhKey?: number;
  /** Lay the NT heaps into this process (one another builder made, e.g. with a segment heap) instead of a new one. */
  builder?: TargetBuilder;
  /** The PEB that lists the heaps, when it is not the target's own (a WOW64 process's 32-bit PEB). */
  peb?: bigint;
}

interface Segment {
  base: bigint;
  reserve: number;
  buffer: Uint8Array;
  /** Where the next block goes (offset in the segment) and the previous block's size in granules. */
  cursor: number;
  previous: number;
  first: number;
  /** Uncommitted ranges as [offset, bytes]. */
  ucrs: [number, number][];
}

const SEGMENT_HEADER = { 8: 0x70, 4: 0x40 } as const;

/** One NT heap being laid out. Blocks go into the current segment in order. */
export class NtHeap {
  readonly segments: Segment[] = [];
  readonly key = new Uint8Array(8);
  readonly encoded: boolean;
  readonly virtualBlocks: bigint[] = [];
  frontEndHeap = 0n;
  private zone: { at: bigint; next: number; capacity: number } | null = null;

  constructor(readonly process: NtHeapProcess, readonly address: bigint, reserve: number, options: { encoded: boolean }) {
    this.encoded = options.encoded;
    if (this.encoded) {
      // §2.3 (DEC RtlpCreateHeapEncoding): random Size/Flags/SmallTagIndex with Flags | 0x10, random PreviousSize,
      // zero SegmentOffset/UnusedBytes. A key whose own checksum bytes XOR to 0 would let raw headers pass: avoided.
      const seed = Number((address >> 16n) & 0xffffn);
      this.key[0] = (0x5a + seed) & 0xff;
      this.key[1] = (0xc3 ^ seed) & 0xff;
      this.key[2] = ((0x21 + seed * 7) & 0xff) | 0x10;
      this.key[3] = (0x96 + seed * 3) & 0xff;
      if ((this.key[0] ^ this.key[1] ^ this.key[2] ^ this.key[3]) === 0) this.key[3] ^= 0x55;
      this.key[4] = (0x3b + seed) & 0xff;
      this.key[5] = (0x7e ^ seed) & 0xff;
    }
    const f = process.heapFields;
    const first = Math.ceil(f.size / process.gran) * process.gran;
    this.segments.push(this.newSegment(address, reserve, first));
  }

  private get ps(): 4 | 8 {
    return this.process.ps;
  }

  private get gran(): number {
    return this.process.gran;
  }

  private get current(): Segment {
    return this.segments[this.segments.length - 1];
  }

  private newSegment(base: bigint, reserve: number, first: number): Segment {
    return { base, reserve, buffer: new Uint8Array(reserve), cursor: first, previous: 0, first, ucrs: [] };
  }

  /** Another segment (`_HEAP_SEGMENT`) of `reserve` bytes; the next blocks go there. */
  addSegment(reserve: number): bigint {
    this.closeSegment(this.current);
    const base = this.process.b.reserveUnmapped(reserve + 0x10000);
    const aligned = (base + 0xffffn) & ~0xffffn;
    this.segments.push(this.newSegment(aligned, reserve, Math.ceil(SEGMENT_HEADER[this.ps] / this.gran) * this.gran));
    return aligned;
  }

  /** Writes the 8 metadata bytes of a header at `off` of `s` (x64: +8..+F; +0..+7 left to the block before). */
  header(s: Segment, off: number, sizeGran: number, flags: number, previous: number, unusedBytes: number, options: { raw?: boolean; segmentOffset?: number } = {}): void {
    const at = off + (this.ps === 8 ? 8 : 0);
    const m = s.buffer;
    m[at] = sizeGran & 0xff;
    m[at + 1] = (sizeGran >> 8) & 0xff;
    m[at + 2] = flags;
    m[at + 3] = m[at] ^ m[at + 1] ^ m[at + 2];
    m[at + 4] = previous & 0xff;
    m[at + 5] = (previous >> 8) & 0xff;
    m[at + 6] = options.segmentOffset || 0;
    m[at + 7] = unusedBytes;
    if (this.encoded && !options.raw) for (let i = 0; i < 6; i++) m[at + i] ^= this.key[i];
  }

  private place(sizeGran: number): { s: Segment; off: number } {
    const bytes = sizeGran * this.gran;
    // A full segment: the heap grows by a new segment of twice the reserve, as a growable heap does.
    if (this.current.cursor + bytes + 0x2000 > this.current.reserve) this.addSegment(Math.max(2 * this.current.reserve, Math.ceil((bytes + 0x4000) / 0x10000) * 0x10000));
    const s = this.current;
    const off = s.cursor;
    s.cursor += bytes;
    return { s, off };
  }

  private at(s: Segment, off: number): bigint {
    return s.base + BigInt(off);
  }

  /** The +ust header of a block whose header is at `off` (§4.3): trace pointer at +gran, extended header at +2 gran. */
  private ustHeader(s: Segment | Uint8Array, off: number, trace: bigint | undefined, unusedBytesLength: number): void {
    const m = s instanceof Uint8Array ? s : s.buffer;
    const g = this.gran;
    writePtr(m, off + g, trace || 0n, this.ps);
    const f = off + 2 * g + (this.ps === 8 ? 8 : 0);
    m[f] = 1; // InterceptorValue: FunctionIndex 1 (DbgHelpUtils' pattern), ContextValue 0
    m[f + 4] = unusedBytesLength & 0xff;
    m[f + 5] = (unusedBytesLength >> 8) & 0xff;
    m[f + 6] = 2; // EntryOffset
    m[f + 7] = 5; // ExtendedBlockSignature
  }

  /**
   * A busy backend allocation of `request` bytes. `slack` granules more than needed make a larger unused count
   * (0x3F and above: the Win8+ escape, §2.4). Returns what the walker must report.
   */
  alloc(request: number, options: { trace?: bigint; firstPointer?: bigint; slack?: number; noUst?: boolean; flags?: number } = {}): ExpectedBlock {
    const g = this.gran;
    const ust = this.process.options.ust && !options.noUst;
    const prefix = ust ? 2 * g : 0;
    const sizeGran = Math.ceil((request + prefix + g) / g) + (options.slack || 0);
    const { s, off } = this.place(sizeGran);
    const blockBytes = sizeGran * g;
    let unusedBytes: number;
    if (ust) {
      unusedBytes = 0x42; // (old & 0xC0) | 0x40 | 2 (DEC RtlpSetupExtendedBlock)
      this.ustHeader(s, off, options.trace, blockBytes - request);
    } else {
      const unused = blockBytes - request;
      if (unused < 0x3f || this.process.options.build < 9200) {
        if (unused > 0xff) throw new Error("Windows 7 stores the unused count in a byte");
        unusedBytes = unused;
      } else {
        unusedBytes = 0x3f;
        // x64: the QWORD right after the block (DEC `*(QWORD*)(hdr + 16*Size)`); x86: the block's last DWORD (§2.4 U).
        const at = this.ps === 8 ? off + blockBytes : off + blockBytes - 4;
        writeU32(s.buffer, at, unused);
      }
    }
    this.header(s, off, sizeGran, options.flags === undefined ? 0x01 : options.flags, s.previous, unusedBytes);
    s.previous = sizeGran;
    const user = off + g + prefix;
    if (options.firstPointer !== undefined) writePtr(s.buffer, user, options.firstPointer, this.ps);
    const trace = ust && options.trace ? options.trace : null;
    return { address: this.at(s, user), size: request, heap: this.address, kind: "Backend", header: this.at(s, off), stackRecord: trace, firstPointer: options.firstPointer === undefined ? null : options.firstPointer };
  }

  /**
   * A light page heap's allocation (+hpa without /full, §6): an NT heap block whose data starts with a
   * _DPH_BLOCK_INFORMATION (StartStamp 0xABCDAAAA busy / 0xABCDAAA9 freed, RequestedSize, StackTrace to an
   * _RTL_STACK_TRACE_ENTRY), the caller's bytes after it. Returns the block the walker must list (null when freed).
   */
  lightPageHeapAlloc(request: number, options: { trace?: bigint; freed?: boolean; firstPointer?: bigint } = {}): ExpectedBlock | null {
    const ps = this.ps;
    const info = ps === 8 ? 0x40 : 0x20;
    const block = this.alloc(request + info, { noUst: true });
    const s = this.segmentOf(block.address);
    const off = Number(block.address - s.base);
    writeU32(s.buffer, off, options.freed ? 0xabcdaaa9 : 0xabcdaaaa);
    writePtr(s.buffer, off + (ps === 8 ? 0x10 : 0x8), BigInt(request), ps);
    if (options.trace) writePtr(s.buffer, off + (ps === 8 ? 0x30 : 0x18), options.trace, ps);
    writeU32(s.buffer, off + info - 4, options.freed ? 0xdcbaaaa9 : 0xdcbaaaaa);
    if (options.firstPointer !== undefined) writePtr(s.buffer, off + info, options.firstPointer, ps);
    if (options.freed) return null;
    return { ...block, address: block.address + BigInt(info), size: request, stackRecord: options.trace || null, firstPointer: options.firstPointer === undefined ? null : options.firstPointer };
  }

  /** A free block of `bytes` (a multiple of the granule). */
  free(bytes: number): bigint {
    const { s, off } = this.place(bytes / this.gran);
    this.header(s, off, bytes / this.gran, 0, s.previous, 0);
    s.previous = bytes / this.gran;
    return this.at(s, off);
  }

  /** A busy internal block (Flags 0x09, §2.4: LFH zones and other metadata) of `userBytes`; returns its user area. */
  internal(userBytes: number): { s: Segment; off: number; user: number } {
    const g = this.gran;
    const ust = this.process.options.ust;
    const prefix = ust ? 2 * g : 0;
    const sizeGran = Math.ceil((userBytes + prefix + g) / g);
    const { s, off } = this.place(sizeGran);
    if (ust) this.ustHeader(s, off, this.process.internalTrace, sizeGran * g - userBytes);
    this.header(s, off, sizeGran, 0x09, s.previous, ust ? 0x42 : sizeGran * g - userBytes);
    s.previous = sizeGran;
    return { s, off, user: off + g + prefix };
  }

  /**
   * An uncommitted range of `pages` pages: the committed part ends on a page after a free block and the commit guard
   * (busy | LAST_ENTRY, §2.2; 0x20 bytes on x86 as the Win7 transcript shows, one granule on x64 as ReactOS; on Win8+
   * written in clear, the reading ntdll's "decode only when (raw & EncodeFlagMask)" test implies, §2.3 X).
   */
  uncommitted(pages: number): void {
    const s = this.current;
    const guard = this.ps === 4 ? 0x20 : this.gran;
    let end = Math.ceil((s.cursor + guard) / 0x1000) * 0x1000;
    if (end - guard - s.cursor > 0 && end - guard - s.cursor < this.gran) end += 0x1000;
    if (end - guard > s.cursor) this.free(end - guard - s.cursor);
    const g = this.place(guard / this.gran);
    this.header(g.s, g.off, guard / this.gran, 0x11, s.previous, this.ps === 4 ? 3 : this.gran, { raw: this.process.options.build >= 9200 });
    s.ucrs.push([end, pages * 0x1000]);
    s.cursor = end + pages * 0x1000;
    s.previous = 0;
  }

  /**
   * An LFH subsegment of `count` blocks for requests of `request` bytes: the _HEAP_SUBSEGMENT in a zone (an internal
   * block), the UserBlocks in another internal block (§3.2 A: found through the backend), each block's header and
   * busy state per family (§3.3, §9). `busy(i)` says which blocks are allocated; `delayFree` blocks keep their bitmap
   * bit with a free header. Returns the busy blocks.
   */
  lfh(request: number, count: number, options: { busy?: (i: number) => boolean; trace?: (i: number) => bigint | undefined; firstPointer?: (i: number) => bigint | undefined; delayFree?: number[]; escape?: boolean; inVirtualBlock?: boolean } = {}): { blocks: ExpectedBlock[]; userBlocks: bigint; subsegment: bigint } {
    const p = this.process;
    const g = this.gran;
    const ps = this.ps;
    const ust = p.options.ust;
    const win7 = p.options.build < 9200;
    const win81 = p.options.build >= 9600;
    const f = lfhFields(p.options.build, ps);
    if (this.frontEndHeap === 0n) this.frontEndHeap = p.b.alloc(0x1000, 0x1000);
    // The subsegment, in a zone (§3.1: an internal 0x3F0-byte block of up to 15 subsegments on Win10 x64).
    if (!this.zone || this.zone.next >= this.zone.capacity) {
      const zoneBytes = ps === 8 ? 0x3f0 : 0x1f8;
      const z = this.internal(zoneBytes);
      const capacity = Math.floor((zoneBytes - (ps === 8 ? 0x20 : 0x10)) / f.sub.size);
      this.zone = { at: this.at(z.s, z.user), next: 0, capacity };
    }
    const sub = this.zone.at + BigInt((ps === 8 ? 0x20 : 0x10) + this.zone.next++ * f.sub.size);
    const blockGran = Math.ceil((request + (ust ? 2 * g : 0) + g) / g) + (options.escape ? 4 : 0);
    const stride = blockGran * g;
    const first = win7 ? f.header.size : Math.max(ps === 8 ? 0x40 : 0x20, Math.ceil((f.header.BitmapData + Math.ceil(count / 64) * 8) / g) * g);
    // The UserBlocks' container: an internal backend block, or (x86, §3.2 U: UserBlocks up to 0xF0000 bytes can exceed
    // the virtual-block threshold) a virtual block, laid out in its own buffer and written at the end.
    const ub = options.inVirtualBlock ? this.virtualContainer(first + count * stride + g) : ((c) => ({ s: { base: c.s.base, buffer: c.s.buffer }, user: c.user, flush: () => undefined }))(this.internal(first + count * stride + g));
    const ubAddress = ub.s.base + BigInt(ub.user);
    const m = ub.s.buffer;
    const h = ub.user;
    writePtr(m, h + f.header.SubSegment, sub, ps);
    m[h + f.header.SizeIndex] = blockGran;
    writeU32(m, h + f.header.Signature, 0xf0e0d0c0);
    if (!win7) {
      const plain = (first | (stride << 16)) >>> 0;
      const encoded = win81 ? (plain ^ Number(ubAddress & 0xffffffffn) ^ Number(this.frontEndHeap & 0xffffffffn) ^ p.lfhKey) >>> 0 : plain;
      writeU32(m, h + f.header.EncodedOffsets, encoded);
      writePtr(m, h + f.header.BusyBitmap, BigInt(count), ps);
      writePtr(m, h + f.header.BusyBitmap + ps, ubAddress + BigInt(f.header.BitmapData), ps);
    }
    // The subsegment's fields go to the zone's segment buffer.
    const zs = this.segmentOf(sub);
    const so = Number(sub - zs.base);
    writePtr(zs.buffer, so + f.sub.UserBlocks, ubAddress, ps);
    writeU16(zs.buffer, so + f.sub.BlockSize, blockGran);
    writeU16(zs.buffer, so + f.sub.BlockCount, count);
    zs.buffer[so + f.sub.SizeIndex] = blockGran;
    const blocks: ExpectedBlock[] = [];
    const heapLo = Number(this.address & 0xffffffffn);
    for (let i = 0; i < count; i++) {
      const slot = h + first + i * stride;
      const slotAddress = ub.s.base + BigInt(slot);
      const busy = options.busy ? options.busy(i) : true;
      const delayed = (options.delayFree || []).indexOf(i) >= 0;
      // §3.3: Win8+ x64 SubSegmentCode = heap ^ key ^ (hdr >> 4) ^ ((hdr - UB) << 12) at +8; x86 at +0 with >> 3, << 13;
      // Win7: Valasek's SubSegment ^ RtlpLFHKey ^ Heap ^ (hdr >> 3) (unverified; the walker does not decode it).
      const rel = Number(slotAddress - ubAddress);
      const code = win7
        ? (Number(sub & 0xffffffffn) ^ p.lfhKey ^ heapLo ^ Number((slotAddress >> 3n) & 0xffffffffn)) >>> 0
        : ps === 8
          ? (heapLo ^ p.lfhKey ^ Number((slotAddress >> 4n) & 0xffffffffn) ^ (rel << 12)) >>> 0
          : (heapLo ^ p.lfhKey ^ Number((slotAddress >> 3n) & 0xffffffffn) ^ (rel << 13)) >>> 0;
      writeU32(m, slot + (ps === 8 ? 8 : 0), code);
      const unusedAt = slot + (ps === 8 ? 15 : 7);
      if ((busy || delayed) && !win7) m[h + f.header.BitmapData + (i >> 3)] |= 1 << (i & 7);
      if (!busy) {
        m[unusedAt] = 0x80;
        continue;
      }
      const trace = options.trace ? options.trace(i) : undefined;
      if (ust) {
        m[unusedAt] = 0xc2;
        this.ustHeader(m, slot, trace, stride - request);
      } else {
        const unused = stride - request;
        if (unused < 0x3f) {
          m[unusedAt] = 0x80 | unused;
        } else if (win7) {
          throw new Error("how Windows 7's LFH stores an unused count of 0x3F or more is not known (§2.4 U)");
        } else {
          m[unusedAt] = 0xbf;
          writeU32(m, ps === 8 ? slot + stride : slot + stride - 4, unused);
        }
      }
      const user = slot + g + (ust ? 2 * g : 0);
      const fp = options.firstPointer ? options.firstPointer(i) : undefined;
      if (fp !== undefined) writePtr(m, user, fp, ps);
      blocks.push({ address: ub.s.base + BigInt(user), size: request, heap: this.address, kind: "LFH", header: slotAddress, stackRecord: ust && trace ? trace : null, firstPointer: fp === undefined ? null : fp });
    }
    ub.flush();
    return { blocks, userBlocks: ubAddress, subsegment: sub };
  }

  /** A virtual block holding `userBytes` of heap-internal data (a UserBlocks): its buffer, user offset, and flush. */
  private virtualContainer(userBytes: number): { s: { base: bigint; buffer: Uint8Array }; user: number; flush: () => void } {
    const p = this.process;
    const ps = this.ps;
    const e = vaEntryFields(ps);
    const prefix = p.options.ust ? 2 * this.gran : 0;
    const commit = Math.ceil((e.size + prefix + userBytes) / 0x1000) * 0x1000;
    const entry = p.b.alloc(commit, 0x10000);
    const m = new Uint8Array(commit);
    writePtr(m, e.CommitSize, BigInt(commit), ps);
    writePtr(m, e.ReserveSize, BigInt(commit), ps);
    const unused = commit - userBytes;
    const at = e.BusyBlock + (ps === 8 ? 8 : 0);
    m[at] = unused & 0xff;
    m[at + 1] = (unused >> 8) & 0xff;
    m[at + 2] = 0x09; // busy | virtual alloc (internal)
    m[at + 3] = m[at] ^ m[at + 1] ^ m[at + 2];
    m[at + 7] = 4;
    if (this.encoded) for (let i = 0; i < 6; i++) m[at + i] ^= this.key[i];
    if (p.options.ust) this.ustHeader(m, e.BusyBlock, p.internalTrace, unused);
    this.virtualBlocks.push(entry);
    return { s: { base: entry, buffer: m }, user: e.size + prefix, flush: () => p.b.memory.write(entry + BigInt(ps * 2), m.subarray(ps * 2)) };
  }

  segmentOf(address: bigint): Segment {
    for (const s of this.segments) if (address >= s.base && address < s.base + BigInt(s.reserve)) return s;
    throw new Error("not in a segment of this heap");
  }

  /** A virtual block (§2.6, §10.8) of `request` bytes; `trace` with +ust. */
  virtual(request: number, options: { trace?: bigint; firstPointer?: bigint; at?: bigint } = {}): ExpectedBlock {
    const p = this.process;
    const ps = this.ps;
    const g = this.gran;
    const e = vaEntryFields(ps);
    const ust = p.options.ust;
    const prefix = ust ? 2 * g : 0;
    const commit = Math.ceil((e.size + prefix + request) / 0x1000) * 0x1000;
    const mapped = Math.min(commit, e.size + prefix + 0x1000);
    const entry = options.at !== undefined ? options.at : p.b.alloc(mapped, 0x10000);
    if (options.at !== undefined) p.b.memory.map(entry, mapped);
    const m = new Uint8Array(e.size + prefix + ps);
    writePtr(m, e.CommitSize, BigInt(commit), ps);
    writePtr(m, e.ReserveSize, BigInt(commit), ps);
    // BusyBlock: Size = every byte not asked for (header and +ust prefix included), Flags busy, UnusedBytes 4.
    const unused = commit - request;
    const at = e.BusyBlock + (ps === 8 ? 8 : 0);
    m[at] = unused & 0xff;
    m[at + 1] = (unused >> 8) & 0xff;
    m[at + 2] = 0x01;
    m[at + 3] = m[at] ^ m[at + 1] ^ m[at + 2];
    m[at + 7] = 4;
    if (this.encoded) for (let i = 0; i < 6; i++) m[at + i] ^= this.key[i];
    if (ust) this.ustHeader(m, e.BusyBlock, options.trace, unused);
    if (options.firstPointer !== undefined) writePtr(m, e.size + prefix, options.firstPointer, ps);
    p.b.memory.write(entry + BigInt(ps * 2), m.subarray(ps * 2));
    this.virtualBlocks.push(entry);
    return { address: entry + BigInt(e.size + prefix), size: request, heap: this.address, kind: "Virtual", header: entry, stackRecord: ust && options.trace ? options.trace : null, firstPointer: options.firstPointer === undefined ? null : options.firstPointer };
  }

  /** Ends the segment: a free block to the next page, the rest of the reserve uncommitted. */
  private closeSegment(s: Segment): void {
    if (s.reserve - s.cursor >= 0x2000) this.uncommittedToEnd(s);
    else if (s.cursor < s.reserve) {
      this.header(s, s.cursor, (s.reserve - s.cursor) / this.gran, 0x10, s.previous, 0);
      s.cursor = s.reserve;
    }
  }

  private uncommittedToEnd(s: Segment): void {
    const guard = this.ps === 4 ? 0x20 : this.gran;
    let end = Math.ceil((s.cursor + guard) / 0x1000) * 0x1000;
    if (end - guard - s.cursor > 0 && end - guard - s.cursor < this.gran) end += 0x1000;
    if (end - guard > s.cursor) {
      const bytes = end - guard - s.cursor;
      this.header(s, s.cursor, bytes / this.gran, 0, s.previous, 0);
      s.previous = bytes / this.gran;
      s.cursor += bytes;
    }
    this.header(s, s.cursor, guard / this.gran, 0x11, s.previous, this.ps === 4 ? 3 : this.gran, { raw: this.process.options.build >= 9200 });
    s.cursor += guard;
    if (end < s.reserve) s.ucrs.push([end, s.reserve - end]);
    s.cursor = s.reserve;
  }

  /** Writes the heap header, each segment header and committed range, the UCR descriptors and the lists. */
  finish(): void {
    const p = this.process;
    const b = p.b;
    const ps = this.ps;
    const f = p.heapFields;
    this.closeSegment(this.current);
    const hb = this.segments[0].buffer;
    writeU32(hb, f.Signature, 0xeeffeeff);
    writeU32(hb, f.Flags, 0x2 | (p.options.ust ? 0x08000000 : 0));
    if (this.encoded) {
      writeU32(hb, f.EncodeFlagMask, 0x100000);
      hb.set(this.key, f.Encoding + (ps === 8 ? 8 : 0));
    }
    if (p.options.ust) writeU32(hb, f.Interceptor, 1);
    writePtr(hb, f.FrontEndHeap, this.frontEndHeap, ps);
    if (this.frontEndHeap !== 0n) hb[f.FrontEndHeapType] = 2;
    // Virtual blocks list (Flink/Blink) in the heap header and the entries.
    const vHead = this.address + BigInt(f.VirtualAllocdBlocks);
    const chain = [vHead, ...this.virtualBlocks, vHead];
    for (let i = 0; i < chain.length - 1; i++) {
      this.writeLink(chain[i], chain[i + 1], 0);
      this.writeLink(chain[i + 1], chain[i], ps);
    }
    // Segments list through SegmentListEntry.
    const sHead = this.address + BigInt(f.SegmentList);
    const links = [sHead, ...this.segments.map((s) => s.base + BigInt(f.SegmentListEntry)), sHead];
    for (let i = 0; i < links.length - 1; i++) {
      this.writeLink(links[i], links[i + 1], 0);
      this.writeLink(links[i + 1], links[i], ps);
    }
    for (const s of this.segments) {
      const m = s.buffer;
      writeU32(m, f.SegmentSignature, 0xffeeffee);
      writePtr(m, f.Heap, this.address, ps);
      writePtr(m, f.BaseAddress, s.base, ps);
      writeU32(m, f.NumberOfPages, s.reserve / 0x1000);
      writePtr(m, f.FirstEntry, s.base + BigInt(s.first), ps);
      writePtr(m, f.LastValidEntry, s.base + BigInt(s.reserve), ps);
      writeU32(m, f.NumberOfUnCommittedPages, s.ucrs.reduce((n, u) => n + u[1] / 0x1000, 0));
      writeU32(m, f.NumberOfUnCommittedRanges, s.ucrs.length);
      // _HEAP_UCR_DESCRIPTOR {ListEntry, SegmentEntry, Address, Size} (§2.1), linked through SegmentEntry.
      const u = ps === 8 ? { SegmentEntry: 0x10, Address: 0x20, Size: 0x28, size: 0x30 } : { SegmentEntry: 0x8, Address: 0x10, Size: 0x14, size: 0x18 };
      const uHead = s.base + BigInt(f.UCRSegmentList);
      const descriptors = s.ucrs.map(([off, bytes]) => {
        const d = b.alloc(u.size, 16);
        b.writePtr(d + BigInt(u.Address), s.base + BigInt(off));
        b.writePtr(d + BigInt(u.Size), bytes);
        return d + BigInt(u.SegmentEntry);
      });
      const uChain = [uHead, ...descriptors, uHead];
      for (let i = 0; i < uChain.length - 1; i++) {
        this.writeLink(uChain[i], uChain[i + 1], 0);
        this.writeLink(uChain[i + 1], uChain[i], ps);
      }
      // Committed ranges only: the uncommitted pages stay unmapped (reads fail there, as on a live process).
      let start = 0;
      for (const [off, bytes] of s.ucrs) {
        b.memory.write(s.base + BigInt(start), s.buffer.subarray(start, off));
        start = off + bytes;
      }
      if (start < s.reserve) b.memory.write(s.base + BigInt(start), s.buffer.subarray(start, s.reserve));
    }
  }

  // --- damage, applied after NtHeapProcess.finish() (the cases issue 20 names) ---

  /** Flips a bit of `block`'s encoded Size: its checksum fails. */
  breakChecksum(block: ExpectedBlock): void {
    const at = block.header + (this.ps === 8 ? 8n : 0n);
    const byte = this.process.b.memory.read(at, 1) as Uint8Array;
    this.process.b.memory.writeU8(at, byte[0] ^ 0x04);
  }

  /** Makes the segment list loop: the last segment's Flink points at itself. */
  loopSegmentList(): void {
    const last = this.segments[this.segments.length - 1].base + BigInt(this.process.heapFields.SegmentListEntry);
    this.process.b.writePtr(last, last);
  }

  /** Drops the page holding `address` from the target (a page missing from the dump). */
  dropPage(address: bigint): void {
    this.process.b.memory.unmap(address & ~0xfffn, 0x1000);
  }

  /** Overwrites a UserBlocks' signature (0xF0E0D0C0). */
  breakUserBlocksSignature(userBlocks: bigint): void {
    this.process.b.memory.writeU32(userBlocks + BigInt(lfhFields(this.process.options.build, this.ps).header.Signature), 0x0badf00d);
  }

  /** A pointer in a segment buffer when `at` is in one, else straight to memory. */
  private writeLink(at: bigint, value: bigint, delta: number): void {
    const where = at + BigInt(delta);
    for (const s of this.segments) {
      if (where >= s.base && where < s.base + BigInt(s.reserve)) {
        writePtr(s.buffer, Number(where - s.base), value, this.ps);
        return;
      }
    }
    this.process.b.writePtr(where, value);
  }
}

/** A process whose PEB lists NT heaps (and, for the dispatch, other kinds of heap handles). */
export class NtHeapProcess {
  readonly b: TargetBuilder;
  readonly heaps: bigint[] = [];
  readonly ntHeaps: NtHeap[] = [];
  readonly heapFields;
  readonly lfhKey: number;
  /** The stack of internal blocks (UserBlocks, zones) under +ust: the subsegment's creator (§4.3). */
  internalTrace: bigint | undefined;

  constructor(readonly options: NtHeapProcessOptions) {
    this.b = options.builder || userTarget({ pointerSize: options.pointerSize, build: options.build, dump: options.dump });
    this.heapFields = ntHeapFields(options.build, options.pointerSize);
    this.lfhKey = options.lfhKey === undefined ? 0x5e3a91c7 : options.lfhKey >>> 0;
    const symbols = options.symbols !== false;
    if (options.lfhKeySymbol !== undefined ? options.lfhKeySymbol : symbols) {
      const at = this.b.global("ntdll", "RtlpLFHKey", 8);
      this.b.memory.writeU32(at, this.lfhKey);
    }
    if (symbols) this.addTypes();
  }

  get ps(): 4 | 8 {
    return this.options.pointerSize;
  }

  get gran(): number {
    return this.options.pointerSize * 2;
  }

  private addTypes(): void {
    const ps = this.ps;
    if (hasPdbData(this.options.build, ps)) {
      this.b.pdbTypes("ntdll", ["_HEAP", "_HEAP_VIRTUAL_ALLOC_ENTRY", "_HEAP_SEGMENT", "_HEAP_ENTRY"]);
    } else {
      const f = this.heapFields as unknown as { [k: string]: number };
      const table: Record<string, unknown> = { size: f.size };
      for (const k of Object.keys(f)) if (k !== "size") table[k] = k === "FrontEndHeapType" ? [f[k], 1] : k === "Flags" || k === "ForceFlags" || k === "EncodeFlagMask" || k === "Interceptor" || k === "Signature" || k === "SegmentSignature" ? [f[k], 4] : k === "Encoding" ? [f[k], ps * 2] : f[k];
      this.b.typeFromLayout("ntdll", "_HEAP", table);
      const e = vaEntryFields(ps);
      this.b.typeFromLayout("ntdll", "_HEAP_VIRTUAL_ALLOC_ENTRY", { size: e.size, Entry: 0, ExtraStuff: [ps * 2, ps * 2], CommitSize: e.CommitSize, ReserveSize: e.ReserveSize, BusyBlock: [e.BusyBlock, ps * 2] });
    }
    // The LFH types are not in the kernel PDBs: §3.1's offsets, as ntdll's symbols give them.
    const l = lfhFields(this.options.build, ps);
    const header: Record<string, unknown> = { size: l.header.size, SubSegment: l.header.SubSegment, Signature: [l.header.Signature, 4] };
    if (l.header.EncodedOffsets >= 0) {
      header.EncodedOffsets = [l.header.EncodedOffsets, 4];
      header.BusyBitmap = [l.header.BusyBitmap, ps * 2];
    }
    this.b.typeFromLayout("ntdll", "_HEAP_USERDATA_HEADER", header);
    this.b.typeFromLayout("ntdll", "_HEAP_SUBSEGMENT", { size: l.sub.size, UserBlocks: l.sub.UserBlocks, BlockSize: [l.sub.BlockSize, 2], BlockCount: [l.sub.BlockCount, 2] });
  }

  /** An NT heap reserving `reserve` bytes for its first segment. */
  heap(options: { reserve?: number; encoded?: boolean } = {}): NtHeap {
    const reserve = options.reserve || 0x100000;
    const base = this.b.reserveUnmapped(reserve + 0x10000);
    const address = (base + 0xffffn) & ~0xffffn;
    const heap = new NtHeap(this, address, reserve, { encoded: options.encoded !== false });
    this.heaps.push(address);
    this.ntHeaps.push(heap);
    return heap;
  }

  /** A stack trace record (§4.4: {Next, Hash, Depth, Frames}); identical stacks share one record, as ntdll does. */
  traceRecord(frames: bigint[]): bigint {
    const ps = this.ps;
    const head = ps === 8 ? 0x10 : 0xc;
    const at = this.b.alloc(head + frames.length * ps, 16);
    const m = this.b.memory;
    m.writeU32(at + BigInt(ps), (frames.length * 0x9e3779b1) >>> 0);
    m.writeU32(at + BigInt(ps + 4), frames.length);
    frames.forEach((f, i) => this.b.writePtr(at + BigInt(head + i * ps), f));
    return at;
  }

  /** Lists a heap another builder laid out in this process (PEB.ProcessHeaps order: as listed). */
  listHeap(address: bigint): void {
    this.heaps.push(address);
  }

  /** A segment heap's handle (Signature 0xDDEEDDEE at +0x10 / +0x8), for the dispatch. */
  segmentHeapHandle(): bigint {
    const at = this.b.alloc(0x1000, 0x10000);
    this.b.memory.writeU32(at + (this.ps === 8 ? 0x10n : 0x8n), 0xddeeddee);
    this.heaps.push(at);
    return at;
  }

  /** A page heap's handle (§6): a fake _HEAP page with ForceFlags 0x01000000, the DPH root one page on. */
  pageHeapHandle(): bigint {
    return this.pageHeap([]).handle;
  }

  /**
   * A full page heap (§6: R2G's dt of _DPH_HEAP_ROOT / _DPH_HEAP_BLOCK / _DPH_BLOCK_INFORMATION, Win10 x64 and Win7
   * x86; ReactOS heappage.c): the fake _HEAP page, the root one page on (Signature 0xFFEEDDCC, BusyNodesTable), a
   * balanced tree of _DPH_HEAP_BLOCK nodes under the table's BalancedRoot.RightChild, and each allocation at the end
   * of its pages behind a _DPH_BLOCK_INFORMATION (StartStamp 0xABCDBBBB busy, 0xABCDBBBA freed). Stacks are
   * _RTL_STACK_TRACE_ENTRY addresses (see rtlStackTraceEntry).
   */
  pageHeap(blocks: { size: number; trace?: bigint; firstPointer?: bigint; freed?: boolean }[]): { handle: bigint; root: bigint; nodes: bigint[]; blocks: ExpectedBlock[] } {
    const ps = this.ps;
    const x64 = ps === 8;
    const l = x64
      ? { table: 0x38, left: 0x8, right: 0x10, parent: 0, user: 0x20, virtualBlock: 0x28, virtualSize: 0x30, requested: 0x40, stack: 0x60, node: 0x68, info: 0x40, infoHeap: 0x8, infoRequested: 0x10, infoActual: 0x18, infoStack: 0x30, infoEnd: 0x3c }
      : { table: 0x20, left: 0x4, right: 0x8, parent: 0, user: 0x10, virtualBlock: 0x14, virtualSize: 0x18, requested: 0x20, stack: 0x30, node: 0x34, info: 0x20, infoHeap: 0x4, infoRequested: 0x8, infoActual: 0xc, infoStack: 0x18, infoEnd: 0x1c };
    const handle = this.b.alloc(0x2000, 0x10000);
    const f = this.heapFields;
    const m = this.b.memory;
    m.writeU32(handle + BigInt(f.SegmentSignature), 0xffeeffee);
    m.writeU32(handle + BigInt(f.ForceFlags), 0x01000000);
    const root = handle + 0x1000n;
    m.writeU32(root, 0xffeeddcc);
    this.heaps.push(handle);
    const nodes: bigint[] = [];
    const expected: ExpectedBlock[] = [];
    for (const spec of blocks) {
      const node = this.b.alloc(l.node, 16);
      const dataBytes = Math.ceil(spec.size / 16) * 16;
      const pages = Math.ceil((dataBytes + l.info) / 0x1000) + 1; // + the guard page, left unmapped
      const reserve = this.b.reserveUnmapped(pages * 0x1000);
      const userEnd = reserve + BigInt((pages - 1) * 0x1000);
      const user = userEnd - BigInt(dataBytes);
      const info = user - BigInt(l.info);
      m.map(reserve, (pages - 1) * 0x1000);
      m.writeU32(info, spec.freed ? 0xabcdbbba : 0xabcdbbbb);
      this.b.writePtr(info + BigInt(l.infoHeap), root);
      this.b.writePtr(info + BigInt(l.infoRequested), spec.size);
      this.b.writePtr(info + BigInt(l.infoActual), pages * 0x1000);
      if (spec.trace) this.b.writePtr(info + BigInt(l.infoStack), spec.trace);
      m.writeU32(info + BigInt(l.infoEnd), spec.freed ? 0xdcbabbba : 0xdcbabbbb);
      if (spec.firstPointer !== undefined) this.b.writePtr(user, spec.firstPointer);
      this.b.writePtr(node + BigInt(l.user), user);
      this.b.writePtr(node + BigInt(l.virtualBlock), reserve);
      this.b.writePtr(node + BigInt(l.virtualSize), pages * 0x1000);
      this.b.writePtr(node + BigInt(l.requested), spec.size);
      if (spec.trace) this.b.writePtr(node + BigInt(l.stack), spec.trace);
      nodes.push(node);
      if (!spec.freed) {
        expected.push({ address: user, size: spec.size, heap: handle, kind: "PageHeap" as ExpectedBlock["kind"], header: node, stackRecord: spec.trace || null, firstPointer: spec.firstPointer === undefined || spec.size < ps ? null : spec.firstPointer });
      }
    }
    // A balanced tree in address order of the user blocks, hung under BalancedRoot.RightChild.
    const build = (lo: number, hi: number, parent: bigint): bigint => {
      if (lo > hi) return 0n;
      const mid = (lo + hi) >> 1;
      const n = nodes[mid];
      this.b.writePtr(n + BigInt(l.parent), parent);
      this.b.writePtr(n + BigInt(l.left), build(lo, mid - 1, n));
      this.b.writePtr(n + BigInt(l.right), build(mid + 1, hi, n));
      return n;
    };
    const table = root + BigInt(l.table);
    this.b.writePtr(table + BigInt(l.right), build(0, nodes.length - 1, table));
    return { handle, root, nodes, blocks: expected };
  }

  /** An _RTL_STACK_TRACE_ENTRY (§4.5: Depth at +0xE / +0xA, frames at +0x10 / +0xC), as page heap records stacks. */
  rtlStackTraceEntry(frames: bigint[]): bigint {
    const ps = this.ps;
    const at = this.b.alloc((ps === 8 ? 0x10 : 0xc) + 32 * ps, 16);
    this.b.memory.writeU16(at + (ps === 8 ? 0xen : 0xan), frames.length);
    frames.forEach((f, i) => this.b.writePtr(at + BigInt((ps === 8 ? 0x10 : 0xc) + i * ps), f));
    return at;
  }

  /** Writes every heap and the PEB (NtGlobalFlag, NumberOfHeaps, ProcessHeaps). */
  finish(): TargetBuilder {
    for (const h of this.ntHeaps) h.finish();
    const peb = pebLayout(this.ps, this.options.build);
    const pebAddress = this.options.peb !== undefined ? this.options.peb : this.b.target.pebAddress!;
    this.b.memory.writeU32(pebAddress + BigInt(peb.NtGlobalFlag), this.options.ust ? 0x1000 : 0);
    this.b.memory.writeU32(pebAddress + BigInt(peb.NumberOfHeaps), this.heaps.length);
    this.b.memory.writeU32(pebAddress + BigInt(peb.MaximumNumberOfHeaps), Math.max(16, this.heaps.length));
    const array = this.b.alloc(Math.max(16, this.heaps.length) * this.ps, 16);
    this.heaps.forEach((h, i) => this.b.writePtr(array + BigInt(i * this.ps), h));
    this.b.writePtr(pebAddress + BigInt(peb.ProcessHeaps), array);
    return this.b;
  }
}

function writeU16(m: Uint8Array, at: number, v: number): void {
  m[at] = v & 0xff;
  m[at + 1] = (v >> 8) & 0xff;
}

function writeU32(m: Uint8Array, at: number, v: number): void {
  m[at] = v & 0xff;
  m[at + 1] = (v >>> 8) & 0xff;
  m[at + 2] = (v >>> 16) & 0xff;
  m[at + 3] = (v >>> 24) & 0xff;
}

function writePtr(m: Uint8Array, at: number, v: bigint, ps: 4 | 8): void {
  const lo = Number(v & 0xffffffffn);
  writeU32(m, at, lo);
  if (ps === 8) writeU32(m, at + 4, Number((v >> 32n) & 0xffffffffn));
}
