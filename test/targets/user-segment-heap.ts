// User-mode processes whose heaps are segment heaps (Windows 10 1809+ / Windows 11, x64), laid out from the real
// layouts of the kernel PDBs' copies of the RTL heap types (test/fixtures/segment-heap slices of 19041 and 22000;
// ntdll is built from the same sources), never from src/layouts. What the PDBs lack is written from the research
// (userheap-facts): _HEAP_LARGE_ALLOC_DATA (§5.8: TreeNode 0, VirtualAddress 0x18 with UnusedBytes in its low 16
// bits, a bit-field word at 0x20 with ExtraPresent bit 0 and AllocatedPages from bit 12), the +ust extras trailer
// (§5.7: at the next 16-byte boundary after the user data, a 16-byte extras header then the record pointer; the tail
// WORD = unused | 0x4000), the stack trace record {Next, Hash, Depth @0xC, Frames @0x10} (§4.4), the VS walk end
// (§10.3: Size counts 16-byte units after the 0x30-byte header) and withheld LFH slots (§10.1: page-crossing slots
// marked busy, counted in WitheldBlockCount and taken off BlockCount). Keys are random, in ntdll!RtlpHpHeapGlobals.
// The page segment's heap, contexts and encodings follow the kernel builder (test/targets/segment-heap.ts), whose
// loadSlice and typesFromSlice are imported.
// x86 (a 32-bit Windows 10 process; no PDB in the data set): offsets from the x86 type dumps of ntdiff/headers
// (_SEGMENT_HEAP 0x500 with SegContexts at 0x100, _HEAP_SEG_CONTEXT 0x80, _HEAP_PAGE_RANGE_DESCRIPTOR 0x10 with
// RangeFlags at 0xC and UnitSize at 0xF, _HEAP_PAGE_SEGMENT Signature at 8), MemProcFS vmmheap.c (VS subsegment
// Size 0x14 / Signature 0x16, chunks from 0x18, the 32-bit chunk header MemoryCost:1 UnsafeSize:15
// UnsafePrevSize:15 Allocated:1 in 8-byte units, the signature constant's low half), userheap-facts §5.8
// (_HEAP_LARGE_ALLOC_DATA 0x14: VirtualAddress 0xC, bit fields 0x10) and the x64 LFH subsegment with 4-byte
// pointers (an inference the research marks U).
import { userTarget, TargetBuilder } from "./builder";
import { pebLayout } from "./layouts";
import { loadSlice, prng, typesFromSlice, SliceBuild, writeRangeDescriptors } from "./segment-heap";

const M64 = (1n << 64n) - 1n;
const SEG_MAGIC = 0xa2e64eada2e64eadn;
const SEGMENT_BYTES = 0x100000;
const UNIT = 0x1000;
const LARGE64 = { size: 0x28, TreeNode: 0, VirtualAddress: 0x18, Bits: 0x20 };
const LARGE32 = { size: 0x14, TreeNode: 0, VirtualAddress: 0xc, Bits: 0x10 };
const RECORD64 = { Next: 0, Hash: 8, Depth: 0xc, Frames: 0x10 };
const RECORD32 = { Next: 0, Hash: 4, Depth: 0x8, Frames: 0xc };

/** The x86 rows (see the header comment): type -> size and field offsets. */
const X86: { [type: string]: { size: number; [field: string]: number } } = {
  _RTLP_HP_HEAP_GLOBALS: { size: 0x1c, HeapKey: 0, LfhKey: 4 },
  _SEGMENT_HEAP: { size: 0x500, Signature: 0x8, LargeAllocMetadata: 0x44, LargeReservedPages: 0x4c, LargeCommittedPages: 0x50, SegContexts: 0x100 },
  _HEAP_SEG_CONTEXT: { size: 0x80, SegmentMask: 0, UnitShift: 4, FirstDescriptorIndex: 6, SegmentListHead: 0x44, SegmentCount: 0x4c },
  _HEAP_PAGE_SEGMENT: { size: 0x1000, ListEntry: 0, Signature: 8 },
  _HEAP_PAGE_RANGE_DESCRIPTOR: { size: 0x10, UnusedBytes: 4, ExtraPresent: 8, RangeFlags: 0xc, UnitSize: 0xf },
  _HEAP_VS_SUBSEGMENT: { size: 0x18, Size: 0x14, Signature: 0x16 },
  _HEAP_VS_CHUNK_HEADER: { size: 8, Sizes: 0, AllocatedChunkBits: 4 },
  _HEAP_LFH_SUBSEGMENT: { size: 0x24, FreeCount: 0x10, BlockCount: 0x12, WitheldBlockCount: 0x17, BlockOffsets: 0x18, BlockBitmap: 0x20 },
};

type Slice = ReturnType<typeof loadSlice>;

function offsetOf(slice: Slice, type: string, field: string): number {
  const f = slice.types[type] && slice.types[type].fields.find((x) => x[0] === field);
  if (!f) throw new Error(type + "." + field + " is not in the " + slice.build + " slice");
  return f[1];
}
const sizeOf = (slice: Slice, type: string) => slice.types[type].size;
const align = (n: number, a: number) => Math.ceil(n / a) * a;

export interface UserSegmentHeapOptions {
  /** The build the PEB reports; the slice is 22000 from 20348 on, 19041 below. */
  build: number;
  /** 4: a 32-bit process (x86 rows); 8 by default. */
  pointerSize?: 4 | 8;
  withTypes?: boolean;
  /** Put ntdll!RtlpHpHeapGlobals in the symbols (default true). */
  keysSymbol?: boolean;
  ust?: boolean;
  seed?: number;
  dump?: boolean;
  /** Key the LFH offsets with (ULONG)subsegment >> 12 instead of (ULONG)(subsegment >> 12). */
  truncatedLfhKey?: boolean;
  /**
   * Store the large-block tree encoded (root ^ tree address, Min bit 0 set): children ^ their parent node (true, the
   * decompiled ntdll's form) or ^ the tree's address ("tree", the second reading).
   */
  encodedTree?: boolean | "tree";
}

/** What the builder placed: the ground truth a walk is compared with. */
export interface PlacedBlock {
  address: bigint;
  size: number;
  kind: "VS" | "LFH" | "Large" | "Backend";
  stackRecord: bigint | null;
  busy: boolean;
}

export interface AllocSpec {
  size: number;
  busy?: boolean;
  /** Frames of the allocation stack (+ust); blocks with the same frames share one record. */
  stack?: bigint[];
  /** Written at the start of the user data. */
  content?: Uint8Array;
  /** VS only: front padding (ntdll up to 19041, userheap-facts §5.9): the block starts with this value, the user data after it. */
  frontPad?: number;
}

export class UserSegmentHeapBuilder {
  readonly b: TargetBuilder;
  readonly slice: Slice;
  readonly ps: 4 | 8;
  readonly heap: bigint;
  readonly heapKey: bigint;
  readonly lfhKey: bigint;
  readonly placed: PlacedBlock[] = [];
  readonly segments: bigint[] = [];
  readonly subsegments: { address: bigint; kind: "VS" | "LFH"; bytes: number }[] = [];
  readonly largeNodes: bigint[] = [];
  private nextSegment = 0x000001c000000000n;
  private current: ({ address: bigint; nextUnit: number } | null)[] = [null, null];
  /** Page segments of context 1 (16 MB, 64 KB units). */
  readonly segments1: bigint[] = [];
  private readonly records = new Map<string, bigint>();
  private readonly random: () => number;
  private readonly large: { node: bigint; block: bigint }[] = [];
  private largeReserved = 0;

  constructor(readonly options: UserSegmentHeapOptions) {
    const sliceBuild: SliceBuild = options.build >= 20348 ? 22000 : 19041;
    this.slice = loadSlice(sliceBuild);
    this.random = prng(options.seed === undefined ? 7 : options.seed);
    this.ps = options.pointerSize || 8;
    this.b = userTarget({ pointerSize: this.ps, build: options.build, dump: options.dump ? "C:\\cases\\app.dmp" : undefined });
    if (this.ps === 4) this.nextSegment = 0x10000000n;
    const r32 = () => BigInt(Math.floor(this.random() * 0x100000000));
    this.heapKey = this.ps === 8 ? (r32() << 32n) | r32() : r32();
    this.lfhKey = this.ps === 8 ? (r32() << 32n) | r32() : r32();
    const m = this.b.memory;
    const globals = this.b.alloc(this.size("_RTLP_HP_HEAP_GLOBALS"), 8);
    if (options.keysSymbol !== false) this.b.target.addSymbol("ntdll", "RtlpHpHeapGlobals", globals);
    this.b.writePtr(globals + this.off("_RTLP_HP_HEAP_GLOBALS", "HeapKey"), this.heapKey);
    this.b.writePtr(globals + this.off("_RTLP_HP_HEAP_GLOBALS", "LfhKey"), this.lfhKey);
    this.heap = this.b.alloc(this.size("_SEGMENT_HEAP"), 0x10000);
    m.writeU32(this.heap + this.off("_SEGMENT_HEAP", "Signature"), 0xddeeddee);
    for (let c = 0; c < 2; c++) {
      const ctx = this.contextAt(c);
      const unitShift = c === 0 ? 12 : 16;
      const mask = (this.ps === 8 ? M64 : 0xffffffffn) ^ ((1n << BigInt(unitShift + 8)) - 1n);
      this.b.writePtr(ctx + this.off("_HEAP_SEG_CONTEXT", "SegmentMask"), mask);
      m.writeU8(ctx + this.off("_HEAP_SEG_CONTEXT", "UnitShift"), unitShift);
      // The descriptor array (8 KB x64, 4 KB x86) takes the first units.
      m.writeU8(ctx + this.off("_HEAP_SEG_CONTEXT", "FirstDescriptorIndex"), c === 0 ? (this.ps === 8 ? 2 : 1) : 1);
      const head = ctx + this.off("_HEAP_SEG_CONTEXT", "SegmentListHead");
      this.b.writePtr(head, head);
      this.b.writePtr(head + BigInt(this.ps), head);
    }
    if (options.withTypes && this.ps === 8) for (const t of typesFromSlice(this.slice)) this.b.type("ntdll", t);
  }

  get target() {
    return this.b.target;
  }

  /** A field's offset: the PDB slice's on x64, the x86 rows otherwise. */
  off(type: string, field: string): bigint {
    if (this.ps === 8) return BigInt(offsetOf(this.slice, type, field));
    const row = X86[type];
    if (!row || row[field] === undefined) throw new Error(type + "." + field + " has no x86 row");
    return BigInt(row[field]);
  }

  size(type: string): number {
    return this.ps === 8 ? sizeOf(this.slice, type) : X86[type].size;
  }

  private get granule(): number {
    return this.ps === 8 ? 16 : 8;
  }

  contextAt(c: number): bigint {
    return this.heap + this.off("_SEGMENT_HEAP", "SegContexts") + BigInt(c * this.size("_HEAP_SEG_CONTEXT"));
  }

  private get encodes26100(): boolean {
    return this.options.build >= 26100;
  }

  /**
   * `units` units of a context in its current page segment or a new one: context 0 has 1 MB segments of 4 KB units,
   * context 1 16 MB segments of 64 KB units (both 256 descriptors).
   */
  private range(units: number, flags: number, context: 0 | 1 = 0): { address: bigint; descriptor: bigint } {
    const m = this.b.memory;
    const UNIT = context === 0 ? 0x1000 : 0x10000;
    const descriptors = context === 1 ? 1 : this.ps === 8 ? 2 : 1;
    let seg = this.current[context];
    if (!seg || seg.nextUnit + units > 256) {
      const segmentBytes = 256 * UNIT;
      const at = (this.nextSegment + BigInt(segmentBytes - 1)) & ~BigInt(segmentBytes - 1);
      seg = { address: at, nextUnit: descriptors };
      this.nextSegment = at + BigInt(segmentBytes);
      this.current[context] = seg;
      (context === 0 ? this.segments : this.segments1).push(seg.address);
      m.map(seg.address, this.size("_HEAP_PAGE_SEGMENT"));
      const magic = this.encodes26100 ? 0n : this.ps === 8 ? SEG_MAGIC : SEG_MAGIC & 0xffffffffn;
      this.b.writePtr(seg.address + this.off("_HEAP_PAGE_SEGMENT", "Signature"), this.contextAt(context) ^ seg.address ^ this.heapKey ^ magic);
    }
    const dsize = this.size("_HEAP_PAGE_RANGE_DESCRIPTOR");
    const desc = (i: number) => seg!.address + BigInt(i * dsize);
    const flagsAt = this.off("_HEAP_PAGE_RANGE_DESCRIPTOR", "RangeFlags");
    const unitAt = this.off("_HEAP_PAGE_RANGE_DESCRIPTOR", "UnitSize");
    const first = seg.nextUnit;
    writeRangeDescriptors(m, desc, flagsAt, unitAt, first, units, flags);
    seg.nextUnit += units;
    const address = seg.address + BigInt(first * UNIT);
    m.map(address, units * UNIT);
    return { address, descriptor: desc(first) };
  }

  /** The RtlpHeapStackTraceLog record of these frames (one per distinct stack). */
  record(frames: bigint[]): bigint {
    const key = frames.map((f) => f.toString(16)).join(",");
    const known = this.records.get(key);
    if (known) return known;
    const r = this.ps === 8 ? RECORD64 : RECORD32;
    const at = this.b.alloc(r.Frames + frames.length * this.ps, 16);
    this.b.memory.writeU32(at + BigInt(r.Hash), frames.length * 0x1357);
    this.b.memory.writeU32(at + BigInt(r.Depth), frames.length);
    frames.forEach((f, i) => this.b.writePtr(at + BigInt(r.Frames + i * this.ps), f));
    this.records.set(key, at);
    return at;
  }

  /** Extras trailer: a 16-byte (x64) / 8-byte (x86) header at the granule boundary after the data, then the pointer. */
  private get extrasHeader(): number {
    return this.ps === 8 ? 16 : 8;
  }

  /**
   * Bytes a block of `size` user bytes takes, and its record: with +ust the extras trailer and the tail WORD after
   * the data; else the data rounded to the granule.
   */
  private tail(size: number, spec: AllocSpec, minimum: number): { bytes: number; record: bigint | null } {
    const g = this.granule;
    if (this.options.ust && spec.stack) return { bytes: Math.max(minimum, align(align(size, g) + this.extrasHeader + this.ps + 2, g)), record: this.record(spec.stack) };
    return { bytes: Math.max(minimum, align(size, g)), record: null };
  }

  private writeExtras(header: bigint, record: bigint, form: "dhu" | "dec"): void {
    const m = this.b.memory;
    if (form === "dhu") {
      m.writeU8(header, 1);
      m.writeU8(header + 1n, 1);
    } else {
      m.writeU8(header + 2n, 0x01); // interceptor index 1, no flags
      m.writeU8(header + 3n, 1); // data size >> 4
    }
    this.b.writePtr(header + BigInt(this.extrasHeader), record);
  }

  /** Writes the unused-bytes WORD, and with a record the extras trailer, for data [start, start+size) in a block ending at `end`. */
  private writeTail(start: bigint, size: number, end: bigint, record: bigint | null, form: "dhu" | "dec"): number {
    const m = this.b.memory;
    const unused = Number(end - start) - size;
    if (record !== null) this.writeExtras(start + BigInt(align(size, this.granule)), record, form);
    if (unused === 1 && record === null) m.writeU16(end - 2n, 0x8000);
    else if (unused > 0) m.writeU16(end - 2n, unused | (record !== null ? 0x4000 : 0));
    return unused;
  }

  /** VS chunks in one VS subsegment of `pages` pages: chunk header + the data and its tail, rounded to the granule. */
  vs(specs: AllocSpec[], pages = 4, context: 0 | 1 = 0): PlacedBlock[] {
    const m = this.b.memory;
    const g = this.granule;
    const headerBytes = this.size("_HEAP_VS_CHUNK_HEADER");
    if (context === 1 && pages % 16 !== 0) throw new Error("context 1 ranges are whole 64 KB units");
    const { address: sub } = this.range(context === 0 ? pages : pages / 16, 0x0f, context);
    const bytes = pages * UNIT;
    this.subsegments.push({ address: sub, kind: "VS", bytes });
    const firstChunk = align(this.size("_HEAP_VS_SUBSEGMENT"), g); // 0x30 x64, 0x18 x86
    const units = (bytes - firstChunk) / g; // §10.3: after the header
    m.writeU16(sub + this.off("_HEAP_VS_SUBSEGMENT", "Size"), units);
    m.writeU16(sub + this.off("_HEAP_VS_SUBSEGMENT", "Signature"), ((units ^ 0x2bed) & 0x7fff) | 0x8000);
    let offset = firstChunk;
    let prev = 0;
    const out: PlacedBlock[] = [];
    for (const spec of specs) {
      const pad = spec.frontPad || 0;
      const t = this.tail(spec.size + pad, spec, g);
      const chunkBytes = headerBytes + t.bytes;
      if (offset + chunkBytes > bytes - 2 * g) throw new Error("VS subsegment full");
      const chunk = sub + BigInt(offset);
      const busy = spec.busy !== false;
      this.chunkHeader(chunk, chunkBytes, busy, prev);
      const start = chunk + BigInt(headerBytes);
      if (pad) this.b.writePtr(start, BigInt(pad));
      const data = start + BigInt(pad);
      if (busy) {
        const unused = this.writeTail(start, spec.size + pad, chunk + BigInt(chunkBytes), t.record, "dhu");
        if (unused > 0) m.writeU32(chunk + this.off("_HEAP_VS_CHUNK_HEADER", "AllocatedChunkBits"), 1 << 8);
      }
      if (spec.content) m.write(data, spec.content);
      out.push({ address: data, size: spec.size, kind: "VS", stackRecord: busy ? t.record : null, busy });
      prev = chunkBytes;
      offset += chunkBytes;
    }
    if (bytes - offset >= 2 * g) this.chunkHeader(sub + BigInt(offset), bytes - offset, false, prev);
    this.placed.push(...out);
    return out;
  }

  /**
   * A chunk header XORed with HeapKey ^ its address. x64: UnsafeSize (bits 16-31), UnsafePrevSize (32-47), Allocated
   * (48-55), 16-byte units (the PDB's _HEAP_VS_CHUNK_HEADER_SIZE). x86: UnsafeSize bits 1-15, UnsafePrevSize 16-30,
   * Allocated bit 31, 8-byte units (MemProcFS).
   */
  private chunkHeader(at: bigint, bytes: number, busy: boolean, prevBytes: number): void {
    if (this.ps === 8) {
      const bits = (BigInt(bytes / 16) << 16n) | (BigInt(prevBytes / 16) << 32n) | (BigInt(busy ? 1 : 0) << 48n);
      this.b.memory.writeU64(at, (bits ^ at ^ this.heapKey) & M64);
    } else {
      const bits = (BigInt(bytes / 8) << 1n) | (BigInt(prevBytes / 8) << 16n) | (BigInt(busy ? 1 : 0) << 31n);
      this.b.memory.writeU32(at, Number((bits ^ at ^ this.heapKey) & 0xffffffffn));
    }
  }

  /**
   * One LFH subsegment of `pages` pages with slots of `blockSize` bytes. `blocks` maps a slot index ("last" = the last
   * position) to what it holds; page-crossing slots are withheld (busy bit set, WitheldBlockCount, BlockCount less).
   */
  lfh(blockSize: number, pages: number, blocks: { slot: number | "last"; spec: AllocSpec }[], withhold = true): { subsegment: bigint; placed: PlacedBlock[]; slots: number; withheld: number[] } {
    const m = this.b.memory;
    const { address: sub } = this.range(pages, 0x0b);
    const bytes = pages * UNIT;
    this.subsegments.push({ address: sub, kind: "LFH", bytes });
    const bitmapAt = Number(this.off("_HEAP_LFH_SUBSEGMENT", "BlockBitmap"));
    const geometry = this.lfhGeometry(blockSize, pages);
    const { count, first } = geometry;
    // Without WitholdPageCrossingBlocks (builds that realign instead, userheap-facts §10.1) every slot is handed out.
    const withheld = withhold ? geometry.withheld : [];
    const setBit = (bit: number) => {
      const at = sub + BigInt(bitmapAt + (bit >> 3));
      m.writeU8(at, (m.read(at, 1) as Uint8Array)[0] | (1 << (bit & 7)));
    };
    for (const i of withheld) setBit(2 * i);
    m.writeU8(sub + this.off("_HEAP_LFH_SUBSEGMENT", "WitheldBlockCount"), withheld.length);
    m.writeU16(sub + this.off("_HEAP_LFH_SUBSEGMENT", "BlockCount"), count - withheld.length);
    const shift = this.options.truncatedLfhKey ? (sub & 0xffffffffn) >> 12n : (sub >> 12n) & 0xffffffffn;
    const encoded = (blockSize | (first << 16)) ^ Number(this.lfhKey & 0xffffffffn) ^ Number(shift);
    m.writeU32(sub + this.off("_HEAP_LFH_SUBSEGMENT", "BlockOffsets"), encoded >>> 0);
    const out: PlacedBlock[] = [];
    let busyCount = 0;
    for (const { slot, spec } of blocks) {
      const i = slot === "last" ? count - 1 : slot;
      if (withheld.indexOf(i) >= 0) throw new Error("slot " + i + " is withheld");
      const at = sub + BigInt(first + i * blockSize);
      const busy = spec.busy !== false;
      const record = this.options.ust && spec.stack ? this.record(spec.stack) : null;
      if (busy) {
        busyCount++;
        setBit(2 * i);
        const unused = this.writeTail(at, spec.size, at + BigInt(blockSize), record, "dec");
        if (unused > 0) setBit(2 * i + 1);
      }
      if (spec.content) m.write(at, spec.content);
      out.push({ address: at, size: spec.size, kind: "LFH", stackRecord: busy ? record : null, busy });
    }
    m.writeU16(sub + this.off("_HEAP_LFH_SUBSEGMENT", "FreeCount"), count - withheld.length - busyCount);
    this.placed.push(...out);
    return { subsegment: sub, placed: out, slots: count, withheld };
  }

  /** Slots of a subsegment: how many, where the first starts (after the bitmap), and which cross a page (withheld). */
  lfhGeometry(blockSize: number, pages: number): { count: number; first: number; withheld: number[] } {
    const bytes = pages * UNIT;
    const bitmapAt = Number(this.off("_HEAP_LFH_SUBSEGMENT", "BlockBitmap"));
    let count = Math.floor((bytes - bitmapAt) / blockSize);
    while (count > 0 && align(bitmapAt + Math.ceil((count * 2) / 8), 16) + count * blockSize > bytes) count--;
    const first = align(bitmapAt + Math.ceil((count * 2) / 8), 16);
    const withheld: number[] = [];
    for (let i = 0; i < count; i++) if (((first + i * blockSize) & 0xfff) + blockSize > 0x1000) withheld.push(i);
    return { count, first, withheld };
  }

  /** A direct backend allocation (RangeFlags 0x03): whole pages, UnusedBytes and ExtraPresent in its descriptor. */
  backend(spec: AllocSpec): PlacedBlock {
    const m = this.b.memory;
    const t = this.tail(spec.size, spec, 0);
    const units = Math.ceil(t.bytes / UNIT);
    const { address, descriptor } = this.range(units, 0x03);
    const unused = units * UNIT - spec.size;
    m.writeU32(descriptor + this.off("_HEAP_PAGE_RANGE_DESCRIPTOR", "UnusedBytes"), unused);
    if (t.record !== null) {
      m.writeU16(descriptor + this.off("_HEAP_PAGE_RANGE_DESCRIPTOR", "ExtraPresent"), 1);
      this.writeExtras(address + BigInt(align(spec.size, this.granule)), t.record, "dhu");
    }
    if (spec.content) m.write(address, spec.content);
    const p: PlacedBlock = { address, size: spec.size, kind: "Backend", stackRecord: t.record, busy: true };
    this.placed.push(p);
    return p;
  }

  /** A large block: 64 KB-aligned pages and a _HEAP_LARGE_ALLOC_DATA node for the tree (linked by finish()). */
  largeBlock(spec: AllocSpec): PlacedBlock {
    const L = this.ps === 8 ? LARGE64 : LARGE32;
    const t = this.tail(spec.size, spec, 0);
    const pages = Math.ceil(t.bytes / UNIT);
    const block = this.b.alloc(pages * UNIT, 0x10000);
    const unused = pages * UNIT - spec.size;
    if (unused > 0xffff) throw new Error("unused bytes do not fit VirtualAddress's low 16 bits");
    const node = this.b.alloc(L.size, 16);
    this.b.writePtr(node + BigInt(L.VirtualAddress), block | BigInt(unused));
    this.b.writePtr(node + BigInt(L.Bits), (BigInt(pages) << 12n) | (t.record !== null ? 1n : 0n));
    if (t.record !== null) this.writeExtras(block + BigInt(align(spec.size, this.granule)), t.record, "dhu");
    if (spec.content) this.b.memory.write(block, spec.content);
    this.large.push({ node, block });
    this.largeNodes.push(node);
    this.largeReserved += pages;
    const p: PlacedBlock = { address: block, size: spec.size, kind: "Large", stackRecord: t.record, busy: true };
    this.placed.push(p);
    return p;
  }

  /** Links the segment list, the large-block tree (ordered by address, balanced), the counters and the PEB. */
  finish(): this {
    const ps = this.ps;
    const P = BigInt(ps);
    [this.segments, this.segments1].forEach((list, c) => {
      const ctx = this.contextAt(c);
      const head = ctx + this.off("_HEAP_SEG_CONTEXT", "SegmentListHead");
      const entries = [head, ...list];
      for (let i = 0; i < entries.length; i++) {
        this.b.writePtr(entries[i], entries[(i + 1) % entries.length]);
        this.b.writePtr(entries[i] + P, entries[(i + entries.length - 1) % entries.length]);
      }
      this.b.writePtr(ctx + this.off("_HEAP_SEG_CONTEXT", "SegmentCount"), BigInt(list.length));
    });
    const tree = this.heap + this.off("_SEGMENT_HEAP", "LargeAllocMetadata");
    const sorted = this.large.slice().sort((a, b) => (a.block < b.block ? -1 : 1));
    const enc = this.options.encodedTree === true || this.options.encodedTree === "tree";
    const link = (child: bigint, holder: bigint) => (child === 0n ? 0n : !enc ? child : this.options.encodedTree === "tree" ? child ^ tree : child ^ holder);
    const build = (lo: number, hi: number, parent: bigint): bigint => {
      if (lo > hi) return 0n;
      const mid = (lo + hi) >> 1;
      const node = sorted[mid].node;
      this.b.writePtr(node, link(build(lo, mid - 1, node), node));
      this.b.writePtr(node + P, link(build(mid + 1, hi, node), node));
      this.b.writePtr(node + 2n * P, parent);
      return node;
    };
    const root = build(0, sorted.length - 1, 0n);
    this.b.writePtr(tree, root === 0n ? 0n : enc ? root ^ tree : root);
    this.b.writePtr(tree + P, sorted.length ? sorted[0].node | (enc ? 1n : 0n) : 0n);
    this.b.writePtr(this.heap + this.off("_SEGMENT_HEAP", "LargeReservedPages"), BigInt(this.largeReserved));
    this.b.writePtr(this.heap + this.off("_SEGMENT_HEAP", "LargeCommittedPages"), BigInt(this.largeReserved));
    const peb = pebLayout(ps, this.options.build);
    const pebAddress = this.b.target.pebAddress!;
    const m = this.b.memory;
    m.writeU32(pebAddress + BigInt(peb.NtGlobalFlag), this.options.ust ? 0x1000 : 0);
    m.writeU32(pebAddress + BigInt(peb.NumberOfHeaps), 1);
    m.writeU32(pebAddress + BigInt(peb.MaximumNumberOfHeaps), 16);
    const array = this.b.alloc(16 * ps, 16);
    this.b.writePtr(array, this.heap);
    this.b.writePtr(pebAddress + BigInt(peb.ProcessHeaps), array);
    return this;
  }

  /** The busy blocks a walk must list. */
  expected(): PlacedBlock[] {
    return this.placed.filter((p) => p.busy);
  }
}
