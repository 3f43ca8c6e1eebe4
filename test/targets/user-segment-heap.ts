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
import { userTarget, TargetBuilder } from "./builder";
import { pebLayout } from "./layouts";
import { loadSlice, prng, typesFromSlice, SliceBuild } from "./segment-heap";

const M64 = (1n << 64n) - 1n;
const SEG_MAGIC = 0xa2e64eada2e64eadn;
const SEGMENT_BYTES = 0x100000;
const UNIT = 0x1000;
const LARGE = { size: 0x28, TreeNode: 0, VirtualAddress: 0x18, Bits: 0x20 };
const RECORD = { Next: 0, Hash: 8, Depth: 0xc, Frames: 0x10 };

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
  withTypes?: boolean;
  /** Put ntdll!RtlpHpHeapGlobals in the symbols (default true). */
  keysSymbol?: boolean;
  ust?: boolean;
  seed?: number;
  dump?: boolean;
  /** Key the LFH offsets with (ULONG)subsegment >> 12 instead of (ULONG)(subsegment >> 12). */
  truncatedLfhKey?: boolean;
  /** Store the large-block tree encoded (root ^ tree address, children ^ parent node, Min bit 0 set). */
  encodedTree?: boolean;
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
  readonly heap: bigint;
  readonly heapKey: bigint;
  readonly lfhKey: bigint;
  readonly placed: PlacedBlock[] = [];
  readonly segments: bigint[] = [];
  readonly subsegments: { address: bigint; kind: "VS" | "LFH"; bytes: number }[] = [];
  readonly largeNodes: bigint[] = [];
  private nextSegment = 0x000001c000000000n;
  private current: { address: bigint; nextUnit: number } | null = null;
  private readonly records = new Map<string, bigint>();
  private readonly random: () => number;
  private readonly large: { node: bigint; block: bigint }[] = [];
  private largeReserved = 0;

  constructor(readonly options: UserSegmentHeapOptions) {
    const sliceBuild: SliceBuild = options.build >= 20348 ? 22000 : 19041;
    this.slice = loadSlice(sliceBuild);
    this.random = prng(options.seed === undefined ? 7 : options.seed);
    this.b = userTarget({ pointerSize: 8, build: options.build, dump: options.dump ? "C:\\cases\\app.dmp" : undefined });
    const r64 = () => (BigInt(Math.floor(this.random() * 0x100000000)) << 32n) | BigInt(Math.floor(this.random() * 0x100000000));
    this.heapKey = r64();
    this.lfhKey = r64();
    const s = this.slice;
    const m = this.b.memory;
    const globals = this.b.alloc(sizeOf(s, "_RTLP_HP_HEAP_GLOBALS"), 8);
    if (options.keysSymbol !== false) this.b.target.addSymbol("ntdll", "RtlpHpHeapGlobals", globals);
    m.writeU64(globals + BigInt(offsetOf(s, "_RTLP_HP_HEAP_GLOBALS", "HeapKey")), this.heapKey);
    m.writeU64(globals + BigInt(offsetOf(s, "_RTLP_HP_HEAP_GLOBALS", "LfhKey")), this.lfhKey);
    this.heap = this.b.alloc(sizeOf(s, "_SEGMENT_HEAP"), 0x10000);
    m.writeU32(this.heap + BigInt(offsetOf(s, "_SEGMENT_HEAP", "Signature")), 0xddeeddee);
    for (let c = 0; c < 2; c++) {
      const ctx = this.contextAt(c);
      const unitShift = c === 0 ? 12 : 16;
      m.writeU64(ctx + BigInt(offsetOf(s, "_HEAP_SEG_CONTEXT", "SegmentMask")), M64 ^ ((1n << BigInt(unitShift + 8)) - 1n));
      m.writeU8(ctx + BigInt(offsetOf(s, "_HEAP_SEG_CONTEXT", "UnitShift")), unitShift);
      m.writeU8(ctx + BigInt(offsetOf(s, "_HEAP_SEG_CONTEXT", "FirstDescriptorIndex")), c === 0 ? 2 : 1);
      const head = ctx + BigInt(offsetOf(s, "_HEAP_SEG_CONTEXT", "SegmentListHead"));
      this.b.writePtr(head, head);
      this.b.writePtr(head + 8n, head);
    }
    if (options.withTypes) for (const t of typesFromSlice(s)) this.b.type("ntdll", t);
  }

  get target() {
    return this.b.target;
  }

  contextAt(c: number): bigint {
    return this.heap + BigInt(offsetOf(this.slice, "_SEGMENT_HEAP", "SegContexts") + c * sizeOf(this.slice, "_HEAP_SEG_CONTEXT"));
  }

  private get encodes26100(): boolean {
    return this.options.build >= 26100;
  }

  /** `units` 4 KB units of context 0 in the current page segment or a new one. */
  private range(units: number, flags: number): { address: bigint; descriptor: bigint } {
    const s = this.slice;
    const m = this.b.memory;
    let seg = this.current;
    if (!seg || seg.nextUnit + units > 256) {
      seg = { address: this.nextSegment, nextUnit: 2 };
      this.nextSegment += BigInt(SEGMENT_BYTES);
      this.current = seg;
      this.segments.push(seg.address);
      m.map(seg.address, 0x2000);
      const sig = (this.contextAt(0) ^ seg.address ^ this.heapKey ^ (this.encodes26100 ? 0n : SEG_MAGIC)) & M64;
      m.writeU64(seg.address + BigInt(offsetOf(s, "_HEAP_PAGE_SEGMENT", "Signature")), sig);
    }
    const dsize = sizeOf(s, "_HEAP_PAGE_RANGE_DESCRIPTOR");
    const desc = (i: number) => seg!.address + BigInt(i * dsize);
    const flagsAt = BigInt(offsetOf(s, "_HEAP_PAGE_RANGE_DESCRIPTOR", "RangeFlags"));
    const unitAt = BigInt(offsetOf(s, "_HEAP_PAGE_RANGE_DESCRIPTOR", "UnitSize"));
    const first = seg.nextUnit;
    for (let k = 0; k < units; k++) {
      m.writeU8(desc(first + k) + flagsAt, k === 0 ? flags : flags & ~2);
      m.writeU8(desc(first + k) + unitAt, k === 0 ? units : k);
    }
    seg.nextUnit += units;
    if (seg.nextUnit < 256) {
      m.writeU8(desc(seg.nextUnit) + flagsAt, 0x02);
      m.writeU8(desc(seg.nextUnit) + unitAt, 256 - seg.nextUnit);
    }
    const address = seg.address + BigInt(first * UNIT);
    m.map(address, units * UNIT);
    return { address, descriptor: desc(first) };
  }

  /** The RtlpHeapStackTraceLog record of these frames (one per distinct stack). */
  record(frames: bigint[]): bigint {
    const key = frames.map((f) => f.toString(16)).join(",");
    const known = this.records.get(key);
    if (known) return known;
    const at = this.b.alloc(RECORD.Frames + frames.length * 8, 16);
    this.b.memory.writeU32(at + BigInt(RECORD.Hash), frames.length * 0x1357);
    this.b.memory.writeU32(at + BigInt(RECORD.Depth), frames.length);
    frames.forEach((f, i) => this.b.writePtr(at + BigInt(RECORD.Frames + i * 8), f));
    this.records.set(key, at);
    return at;
  }

  /**
   * Bytes a block of `size` user bytes takes before its end, and what to write after the data: with +ust the extras
   * trailer (16-aligned header, then the record pointer) and the tail WORD; else only the tail WORD when bytes are left.
   */
  private tail(size: number, spec: AllocSpec, minimum: number): { bytes: number; record: bigint | null } {
    if (this.options.ust && spec.stack) return { bytes: Math.max(minimum, align(align(size, 16) + 16 + 8 + 2, 16)), record: this.record(spec.stack) };
    return { bytes: Math.max(minimum, align(size, 16)), record: null };
  }

  /** Writes the unused-bytes WORD, and with a record the extras trailer, for data [start, start+size) in a block ending at `end`. */
  private writeTail(start: bigint, size: number, end: bigint, record: bigint | null, form: "dhu" | "dec"): number {
    const m = this.b.memory;
    const unused = Number(end - start) - size;
    if (record !== null) {
      const header = start + BigInt(align(size, 16));
      if (form === "dhu") {
        m.writeU8(header, 1);
        m.writeU8(header + 1n, 1);
      } else {
        m.writeU8(header + 2n, 0x01); // interceptor index 1, no flags
        m.writeU8(header + 3n, 1); // data size >> 4
      }
      this.b.writePtr(header + 16n, record);
    }
    if (unused === 1 && record === null) m.writeU16(end - 2n, 0x8000);
    else if (unused > 0) m.writeU16(end - 2n, unused | (record !== null ? 0x4000 : 0));
    return unused;
  }

  /** VS chunks in one VS subsegment of `pages` pages: chunk header (16) + the data and its tail, rounded to 16. */
  vs(specs: AllocSpec[], pages = 4): PlacedBlock[] {
    const s = this.slice;
    const m = this.b.memory;
    const { address: sub } = this.range(pages, 0x0f);
    const bytes = pages * UNIT;
    this.subsegments.push({ address: sub, kind: "VS", bytes });
    const units = (bytes - 0x30) / 16; // §10.3: after the header
    m.writeU16(sub + BigInt(offsetOf(s, "_HEAP_VS_SUBSEGMENT", "Size")), units);
    m.writeU16(sub + BigInt(offsetOf(s, "_HEAP_VS_SUBSEGMENT", "Signature")), ((units ^ 0x2bed) & 0x7fff) | 0x8000);
    let offset = 0x30;
    let prev = 0;
    const out: PlacedBlock[] = [];
    for (const spec of specs) {
      const pad = spec.frontPad || 0;
      const t = this.tail(spec.size + pad, spec, 0x10);
      const chunkBytes = 16 + t.bytes;
      if (offset + chunkBytes > bytes - 0x20) throw new Error("VS subsegment full");
      const chunk = sub + BigInt(offset);
      const busy = spec.busy !== false;
      this.chunkHeader(chunk, chunkBytes, busy, prev);
      if (pad) m.writeU64(chunk + 16n, BigInt(pad));
      const data = chunk + 16n + BigInt(pad);
      if (busy) {
        const unused = this.writeTail(chunk + 16n, spec.size + pad, chunk + BigInt(chunkBytes), t.record, "dhu");
        if (unused > 0) m.writeU32(chunk + BigInt(offsetOf(s, "_HEAP_VS_CHUNK_HEADER", "AllocatedChunkBits")), 1 << 8);
      }
      if (spec.content) m.write(data, spec.content);
      out.push({ address: data, size: spec.size, kind: "VS", stackRecord: busy ? t.record : null, busy });
      prev = chunkBytes / 16;
      offset += chunkBytes;
    }
    if (bytes - offset >= 0x20) this.chunkHeader(sub + BigInt(offset), bytes - offset, false, prev);
    this.placed.push(...out);
    return out;
  }

  /** A chunk header: UnsafeSize (bits 16-31), UnsafePrevSize (32-47), Allocated (48-55), XORed with HeapKey ^ its address. */
  private chunkHeader(at: bigint, bytes: number, busy: boolean, prevUnits: number): void {
    const bits = (BigInt(bytes / 16) << 16n) | (BigInt(prevUnits) << 32n) | (BigInt(busy ? 1 : 0) << 48n);
    this.b.memory.writeU64(at, (bits ^ at ^ this.heapKey) & M64);
  }

  /**
   * One LFH subsegment of `pages` pages with slots of `blockSize` bytes. `blocks` maps a slot index ("last" = the last
   * position) to what it holds; page-crossing slots are withheld (busy bit set, WitheldBlockCount, BlockCount less).
   */
  lfh(blockSize: number, pages: number, blocks: { slot: number | "last"; spec: AllocSpec }[]): { subsegment: bigint; placed: PlacedBlock[]; slots: number; withheld: number[] } {
    const s = this.slice;
    const m = this.b.memory;
    const { address: sub } = this.range(pages, 0x0b);
    const bytes = pages * UNIT;
    this.subsegments.push({ address: sub, kind: "LFH", bytes });
    const bitmapAt = offsetOf(s, "_HEAP_LFH_SUBSEGMENT", "BlockBitmap");
    let count = Math.floor((bytes - bitmapAt) / blockSize);
    while (count > 0 && align(bitmapAt + Math.ceil((count * 2) / 8), 16) + count * blockSize > bytes) count--;
    const first = align(bitmapAt + Math.ceil((count * 2) / 8), 16);
    const withheld: number[] = [];
    for (let i = 0; i < count; i++) if (((first + i * blockSize) & 0xfff) + blockSize > 0x1000) withheld.push(i);
    const setBit = (bit: number) => {
      const at = sub + BigInt(bitmapAt + (bit >> 3));
      m.writeU8(at, (m.read(at, 1) as Uint8Array)[0] | (1 << (bit & 7)));
    };
    for (const i of withheld) setBit(2 * i);
    m.writeU8(sub + BigInt(offsetOf(s, "_HEAP_LFH_SUBSEGMENT", "WitheldBlockCount")), withheld.length);
    m.writeU16(sub + BigInt(offsetOf(s, "_HEAP_LFH_SUBSEGMENT", "BlockCount")), count - withheld.length);
    const shift = this.options.truncatedLfhKey ? (sub & 0xffffffffn) >> 12n : (sub >> 12n) & 0xffffffffn;
    const encoded = (blockSize | (first << 16)) ^ Number(this.lfhKey & 0xffffffffn) ^ Number(shift);
    m.writeU32(sub + BigInt(offsetOf(s, "_HEAP_LFH_SUBSEGMENT", "BlockOffsets")), encoded >>> 0);
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
    m.writeU16(sub + BigInt(offsetOf(s, "_HEAP_LFH_SUBSEGMENT", "FreeCount")), count - withheld.length - busyCount);
    this.placed.push(...out);
    return { subsegment: sub, placed: out, slots: count, withheld };
  }

  /** A direct backend allocation (RangeFlags 0x03): whole pages, UnusedBytes and ExtraPresent in its descriptor. */
  backend(spec: AllocSpec): PlacedBlock {
    const s = this.slice;
    const m = this.b.memory;
    const t = this.tail(spec.size, spec, 0);
    const units = Math.ceil(t.bytes / UNIT);
    const { address, descriptor } = this.range(units, 0x03);
    const unused = units * UNIT - spec.size;
    m.writeU32(descriptor + BigInt(offsetOf(s, "_HEAP_PAGE_RANGE_DESCRIPTOR", "UnusedBytes")), unused);
    if (t.record !== null) {
      m.writeU16(descriptor + BigInt(offsetOf(s, "_HEAP_PAGE_RANGE_DESCRIPTOR", "ExtraPresent")), 1);
      const header = address + BigInt(align(spec.size, 16));
      m.writeU8(header, 1);
      m.writeU8(header + 1n, 1);
      this.b.writePtr(header + 16n, t.record);
    }
    if (spec.content) m.write(address, spec.content);
    const p: PlacedBlock = { address, size: spec.size, kind: "Backend", stackRecord: t.record, busy: true };
    this.placed.push(p);
    return p;
  }

  /** A large block: 64 KB-aligned pages and a _HEAP_LARGE_ALLOC_DATA node for the tree (linked by finish()). */
  largeBlock(spec: AllocSpec): PlacedBlock {
    const m = this.b.memory;
    const t = this.tail(spec.size, spec, 0);
    const pages = Math.ceil(t.bytes / UNIT);
    const block = this.b.alloc(pages * UNIT, 0x10000);
    const unused = pages * UNIT - spec.size;
    if (unused > 0xffff) throw new Error("unused bytes do not fit VirtualAddress's low 16 bits");
    const node = this.b.alloc(LARGE.size, 16);
    m.writeU64(node + BigInt(LARGE.VirtualAddress), block | BigInt(unused));
    m.writeU64(node + BigInt(LARGE.Bits), (BigInt(pages) << 12n) | (t.record !== null ? 1n : 0n));
    if (t.record !== null) {
      const header = block + BigInt(align(spec.size, 16));
      m.writeU8(header, 1);
      m.writeU8(header + 1n, 1);
      this.b.writePtr(header + 16n, t.record);
    }
    if (spec.content) m.write(block, spec.content);
    this.large.push({ node, block });
    this.largeNodes.push(node);
    this.largeReserved += pages;
    const p: PlacedBlock = { address: block, size: spec.size, kind: "Large", stackRecord: t.record, busy: true };
    this.placed.push(p);
    return p;
  }

  /** Links the segment list, the large-block tree (ordered by address, balanced), the counters and the PEB. */
  finish(): this {
    const s = this.slice;
    const m = this.b.memory;
    const ctx = this.contextAt(0);
    const head = ctx + BigInt(offsetOf(s, "_HEAP_SEG_CONTEXT", "SegmentListHead"));
    const entries = [head, ...this.segments];
    for (let i = 0; i < entries.length; i++) {
      this.b.writePtr(entries[i], entries[(i + 1) % entries.length]);
      this.b.writePtr(entries[i] + 8n, entries[(i + entries.length - 1) % entries.length]);
    }
    m.writeU64(ctx + BigInt(offsetOf(s, "_HEAP_SEG_CONTEXT", "SegmentCount")), this.segments.length);
    const tree = this.heap + BigInt(offsetOf(s, "_SEGMENT_HEAP", "LargeAllocMetadata"));
    const sorted = this.large.slice().sort((a, b) => (a.block < b.block ? -1 : 1));
    const enc = this.options.encodedTree === true;
    const build = (lo: number, hi: number, parent: bigint): bigint => {
      if (lo > hi) return 0n;
      const mid = (lo + hi) >> 1;
      const node = sorted[mid].node;
      const left = build(lo, mid - 1, node);
      const right = build(mid + 1, hi, node);
      this.b.writePtr(node, left === 0n ? 0n : enc ? left ^ node : left);
      this.b.writePtr(node + 8n, right === 0n ? 0n : enc ? right ^ node : right);
      this.b.writePtr(node + 16n, parent);
      return node;
    };
    const root = build(0, sorted.length - 1, 0n);
    this.b.writePtr(tree, root === 0n ? 0n : enc ? root ^ tree : root);
    this.b.writePtr(tree + 8n, sorted.length ? sorted[0].node | (enc ? 1n : 0n) : 0n);
    m.writeU64(this.heap + BigInt(offsetOf(s, "_SEGMENT_HEAP", "LargeReservedPages")), this.largeReserved);
    m.writeU64(this.heap + BigInt(offsetOf(s, "_SEGMENT_HEAP", "LargeCommittedPages")), this.largeReserved);
    const peb = pebLayout(8, this.options.build);
    const pebAddress = this.b.target.pebAddress!;
    m.writeU32(pebAddress + BigInt(peb.NtGlobalFlag), this.options.ust ? 0x1000 : 0);
    m.writeU32(pebAddress + BigInt(peb.NumberOfHeaps), 1);
    m.writeU32(pebAddress + BigInt(peb.MaximumNumberOfHeaps), 16);
    const array = this.b.alloc(16 * 8, 16);
    this.b.writePtr(array, this.heap);
    this.b.writePtr(pebAddress + BigInt(peb.ProcessHeaps), array);
    return this;
  }

  /** The busy blocks a walk must list. */
  expected(): PlacedBlock[] {
    return this.placed.filter((p) => p.busy);
  }
}
