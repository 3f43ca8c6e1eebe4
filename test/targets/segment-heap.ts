// Kernels whose small pool blocks live in the segment heap (Windows 10 1809+, x64), laid out from the real PDB
// layouts of 17763, 18362, 19041, 20348 and 22000 (test/fixtures/segment-heap/, never src/layouts): nt!ExPoolState with
// pool nodes of three heaps each (one by default), each heap's segment contexts and page segments (1 MB of 4 KB units,
// or 16 MB of 64 KB units in context 1) with encoded signatures and range
// descriptors, LFH subsegments (encoded BlockOffsets, 2-bit bitmap) and VS subsegments (encoded chunk headers), a
// _POOL_HEADER in front of every block; random keys in nt!RtlpHpHeapGlobals. The tracker and the big page table
// come from PoolTargetBuilder. Encoding facts: see the sources cited in src/pool/segment-heap.ts (MemProcFS
// vmm/vmmheap.c; "Scoop the Windows 10 pool!", SSTIC 2020; the kernel's RtlpHpSegDescriptorValidate); this file
// implements them on its own, from those descriptions.
import * as fs from "fs";
import * as path from "path";
import { PoolTargetBuilder } from "./pool";
import { TypeDef } from "../emulator/target";

export type SliceBuild = 17763 | 18362 | 19041 | 20348 | 22000;
export const SLICE_BUILDS: SliceBuild[] = [17763, 18362, 19041, 20348, 22000];

type Field = [string, number, number, string, number?, number?];
interface Slice {
  build: number;
  symbols: Record<string, number>;
  types: Record<string, { size: number; kind: string; fields: Field[] }>;
}

export function loadSlice(build: SliceBuild): Slice {
  const file = path.join(__dirname, "../fixtures/segment-heap/ntkrnlmp-" + build + ".json");
  return JSON.parse(fs.readFileSync(file, "utf8")) as Slice;
}

/** Offset of a field of a type in the slice; throws when the PDB has no such field (a wrong test, not a wrong target). */
function offsetOf(slice: Slice, type: string, field: string): number {
  const t = slice.types[type];
  const f = t && t.fields.find((x) => x[0] === field);
  if (!f) throw new Error(type + "." + field + " is not in the " + slice.build + " slice");
  return f[1];
}

function sizeOf(slice: Slice, type: string): number {
  return slice.types[type].size;
}

/** The types as the debugger's symbols would give them (top-level fields with their sizes). */
export function typesFromSlice(slice: Slice): TypeDef[] {
  const out: TypeDef[] = [];
  for (const [name, t] of Object.entries(slice.types)) {
    if (t.kind !== "struct" && t.kind !== "union") continue;
    // The big page table is PoolTargetBuilder's (test/targets/layouts.ts), whose 20348 entry is 0x18 bytes while this
    // PDB's _POOL_TRACKER_BIG_PAGES is 0x20 (ProcessBilled added): publishing the PDB's type would describe a table
    // the builder did not write. Issue 14 moves that builder to PDB data.
    if (name === "_POOL_TRACKER_BIG_PAGES") continue;
    const fields: TypeDef["fields"] = {};
    for (const [fieldName, offset, size, typeName] of t.fields) {
      const kind = size === 1 || size === 2 || size === 4 || size === 8 ? (typeName.endsWith("*") ? "pointer" : "intrinsic") : "array";
      fields[fieldName] = { offset, type: { name: typeName, size, typeKind: kind as TypeDef["typeKind"] } };
    }
    out.push({ name, size: t.size, typeKind: "udt", fields });
  }
  return out;
}

/** mulberry32: a small seeded generator, so a failing case can be rebuilt from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The builder's heaps: node 0's first three, then (with `specialHeap`) ExPoolState.SpecialHeaps[0], a nonpaged one. */
export const HEAP_INDEX = { NonPaged: 0, NonPagedNx: 1, Paged: 2, SpecialNonPaged: 3 } as const;
const SEGMENT_BYTES = 0x100000;
const UNIT = 0x1000;
const LARGE_SEGMENT_BYTES = 0x1000000;
const LARGE_UNIT = 0x10000;
const SEG_MAGIC = 0xa2e64eada2e64eadn;
const M64 = (1n << 64n) - 1n;

export interface BlockSpec {
  tag: string;
  /** Bytes the driver asked for (LFH: fits the bucket; VS: the chunk is sized from it). */
  bytes: number;
  busy: boolean;
  /** Written at the start of the block's data. */
  content?: Uint8Array;
}

/** How _HEAP_VS_SUBSEGMENT.Size is written: 16-byte units after the 0x30-byte header (§10.3), or of the whole range. */
export type VsSizeReading = "after header" | "whole range";

export interface Placed {
  address: bigint;
  header: bigint;
  /** _POOL_HEADER.BlockSize x 16. */
  size: number;
  kind: "LFH" | "VS";
  pool: "NonPaged" | "Paged";
  tag: string;
  busy: boolean;
}

interface SegmentState {
  address: bigint;
  nextUnit: number;
}

export interface SegmentHeapOptions {
  build: SliceBuild;
  /**
   * The build the kernel reports (nt!NtBuildNumber), when it is not the slice's: a kernel the data set has no PDB of
   * (Windows 11 22H2, 22621) laid out with the nearest one's layout, to test what the tool does on such a build.
   */
  reportedBuild?: number;
  /** Put the slice's types in the symbols (dt nt!_SEGMENT_HEAP works); otherwise the tool must use its built-ins. */
  withTypes?: boolean;
  seed?: number;
  dump?: boolean;
  bigPageTableSize?: number;
  /** Where page segments start (1 MB aligned kernel addresses). */
  segmentBase?: bigint;
  /** A fourth heap, in ExPoolState.SpecialHeaps[0] (nonpaged), which MemProcFS walks with the nodes' heaps. */
  specialHeap?: boolean;
  /** Encode as build 26100 and later do, whatever build the kernel reports. */
  encodeAs26100?: boolean;
  /** Pool nodes (NumberOfPools): node 0's heaps come first, then the special heap, then three heaps per other node. */
  nodes?: number;
}

/**
 * Build 26100 changed two encodings (MemProcFS vmm/vmmwinpool.c branches on it): page segment signatures lost their
 * constant, and the LFH offsets are keyed with (ULONG)(subsegment >> 12) instead of (ULONG)subsegment >> 12.
 */
function encodesAs26100(build: number): boolean {
  return build >= 26100;
}

export class SegmentHeapBuilder {
  readonly pool: PoolTargetBuilder;
  readonly slice: Slice;
  readonly heapKey: bigint;
  readonly lfhKey: bigint;
  readonly heaps: bigint[] = [];
  /** Each heap's page segments of context 0 (1 MB, 4 KB units). */
  readonly segments: bigint[][] = [];
  /** Each heap's page segments of context 1 (16 MB, 64 KB units). */
  readonly largeSegments: bigint[][] = [];
  /** Each heap's pool, by index in `heaps`. */
  readonly heapPools: ("NonPaged" | "Paged")[] = [];
  /**
   * The segment context new subsegments go to: 0 (1 MB segments of 4 KB units) or 1 (16 MB segments of 64 KB
   * units, whose subsegments are whole 64 KB units).
   */
  context: 0 | 1 = 0;
  readonly placed: Placed[] = [];
  readonly subsegments: { address: bigint; size: number; kind: "LFH" | "VS"; heap: number }[] = [];
  readonly random: () => number;
  stateAt: bigint;
  globalsAt: bigint;
  private nextSegment: bigint;
  private current: (SegmentState | null)[][] = [];
  private nextLargeSegment = 0xffffd20000000000n;
  private finished = false;

  constructor(readonly options: SegmentHeapOptions) {
    this.slice = loadSlice(options.build);
    this.random = prng(options.seed === undefined ? 1 : options.seed);
    this.pool = new PoolTargetBuilder({
      pointerSize: 8,
      build: options.reportedBuild || options.build,
      dump: options.dump ? "C:\\Windows\\MEMORY.DMP" : undefined,
      tableSize: 256,
      processors: 2,
      bigPageTableSize: options.bigPageTableSize || 256,
    });
    const rand64 = () => (BigInt(Math.floor(this.random() * 0x100000000)) << 32n) | BigInt(Math.floor(this.random() * 0x100000000));
    this.heapKey = rand64();
    this.lfhKey = rand64();
    this.nextSegment = options.segmentBase || 0xffffd10000000000n;
    const b = this.pool.b;
    const s = this.slice;
    this.globalsAt = b.global("nt", "RtlpHpHeapGlobals", sizeOf(s, "_RTLP_HP_HEAP_GLOBALS"));
    b.memory.writeU64(this.globalsAt + BigInt(offsetOf(s, "_RTLP_HP_HEAP_GLOBALS", "HeapKey")), this.heapKey);
    b.memory.writeU64(this.globalsAt + BigInt(offsetOf(s, "_RTLP_HP_HEAP_GLOBALS", "LfhKey")), this.lfhKey);
    this.stateAt = b.global("nt", "ExPoolState", sizeOf(s, "_EX_POOL_HEAP_MANAGER_STATE"));
    const nodes = options.nodes || 1;
    b.memory.writeU32(this.stateAt + BigInt(offsetOf(s, "_EX_POOL_HEAP_MANAGER_STATE", "NumberOfPools")), nodes);
    const nodeHeaps = (node: number) =>
      this.stateAt + BigInt(offsetOf(s, "_EX_POOL_HEAP_MANAGER_STATE", "PoolNode") + node * sizeOf(s, "_EX_HEAP_POOL_NODE") + offsetOf(s, "_EX_HEAP_POOL_NODE", "Heaps"));
    const special0 = this.stateAt + BigInt(offsetOf(s, "_EX_POOL_HEAP_MANAGER_STATE", "SpecialHeaps"));
    // Where each heap's pointer goes, in the order of HEAP_INDEX: node 0's NonPaged, NonPagedNx, Paged, the special
    // heap, then the other nodes' three.
    const slots: { at: bigint; pool: "NonPaged" | "Paged" }[] = [0, 1, 2].map((i) => ({ at: nodeHeaps(0) + BigInt(i * 8), pool: i === 2 ? "Paged" : "NonPaged" }));
    if (options.specialHeap) slots.push({ at: special0, pool: "NonPaged" });
    for (let node = 1; node < nodes; node++) for (const i of [0, 1, 2]) slots.push({ at: nodeHeaps(node) + BigInt(i * 8), pool: i === 2 ? "Paged" : "NonPaged" });
    for (let i = 0; i < slots.length; i++) {
      const heap = b.alloc(sizeOf(s, "_SEGMENT_HEAP"), 0x1000);
      this.heaps.push(heap);
      this.heapPools.push(slots[i].pool);
      this.segments.push([]);
      this.largeSegments.push([]);
      this.current.push([null, null]);
      b.writePtr(slots[i].at, heap);
      b.memory.writeU32(heap + BigInt(offsetOf(s, "_SEGMENT_HEAP", "Signature")), 0xddeeddee);
      for (let c = 0; c < 2; c++) {
        const ctx = this.contextAt(i, c);
        // Context 0: 1 MB segments of 4 KB units; context 1: 16 MB segments of 64 KB units (256 descriptors each).
        const unitShift = c === 0 ? 12 : 16;
        b.memory.writeU64(ctx + BigInt(offsetOf(s, "_HEAP_SEG_CONTEXT", "SegmentMask")), M64 ^ ((1n << BigInt(unitShift + 8)) - 1n));
        b.memory.writeU8(ctx + BigInt(offsetOf(s, "_HEAP_SEG_CONTEXT", "UnitShift")), unitShift);
        // The descriptor array (8 KB) takes the first units: 2 pages, or part of one 64 KB unit.
        b.memory.writeU8(ctx + BigInt(offsetOf(s, "_HEAP_SEG_CONTEXT", "FirstDescriptorIndex")), c === 0 ? 2 : 1);
        b.writePtr(ctx + BigInt(offsetOf(s, "_HEAP_SEG_CONTEXT", "Heap")), heap);
        const head = ctx + BigInt(offsetOf(s, "_HEAP_SEG_CONTEXT", "SegmentListHead"));
        b.writePtr(head, head);
        b.writePtr(head + 8n, head);
      }
    }
    if (options.withTypes) for (const t of typesFromSlice(s)) b.type("nt", t);
  }

  get target() {
    return this.pool.target;
  }

  contextAt(heap: number, context: number): bigint {
    return this.heaps[heap] + BigInt(offsetOf(this.slice, "_SEGMENT_HEAP", "SegContexts") + context * sizeOf(this.slice, "_HEAP_SEG_CONTEXT"));
  }

  /** A page segment's encoded signature (MemProcFS / the kernel's RtlpHpSegDescriptorValidate). */
  signatureOf(segment: bigint, context: bigint, heapKey = this.heapKey): bigint {
    return (context ^ segment ^ heapKey ^ (this.encodes26100 ? 0n : SEG_MAGIC)) & M64;
  }

  get reportedBuild(): number {
    return this.options.reportedBuild || this.options.build;
  }

  get encodes26100(): boolean {
    return this.options.encodeAs26100 === true || encodesAs26100(this.reportedBuild);
  }

  /** The first heap of pool node `node` (1 and later; node 0's are HEAP_INDEX), `index` 0-2 as in HEAP_INDEX. */
  nodeHeap(node: number, index: 0 | 1 | 2): number {
    return 3 + (this.options.specialHeap ? 1 : 0) + (node - 1) * 3 + index;
  }

  /**
   * `pages` pages of heap `heap`, in its current segment of the current context or a new one; returns the range's
   * address. Context 1's units are 64 KB: `pages` must be a multiple of 16 there.
   */
  private range(heap: number, pages: number, flags: number): bigint {
    const c = this.context;
    const unit = c === 0 ? UNIT : LARGE_UNIT;
    if ((pages * UNIT) % unit !== 0) throw new Error(pages + " pages is not a whole number of 0x" + unit.toString(16) + "-byte units");
    const units = (pages * UNIT) / unit;
    let seg = this.current[heap][c];
    if (!seg || seg.nextUnit + units > 256) {
      // Context 0: the descriptor array (8 KB) takes units 0-1; context 1: part of unit 0 (FirstDescriptorIndex).
      if (c === 0) {
        seg = { address: this.nextSegment, nextUnit: 2 };
        this.nextSegment += BigInt(SEGMENT_BYTES);
        this.segments[heap].push(seg.address);
      } else {
        seg = { address: this.nextLargeSegment, nextUnit: 1 };
        this.nextLargeSegment += BigInt(LARGE_SEGMENT_BYTES);
        this.largeSegments[heap].push(seg.address);
      }
      this.current[heap][c] = seg;
      const m = this.pool.b.memory;
      m.map(seg.address, 0x2000);
      m.writeU64(seg.address + BigInt(offsetOf(this.slice, "_HEAP_PAGE_SEGMENT", "Signature")), this.signatureOf(seg.address, this.contextAt(heap, c)));
    }
    const first = seg.nextUnit;
    const desc = (i: number) => seg!.address + BigInt(i * sizeOf(this.slice, "_HEAP_PAGE_RANGE_DESCRIPTOR"));
    const flagsAt = BigInt(offsetOf(this.slice, "_HEAP_PAGE_RANGE_DESCRIPTOR", "RangeFlags"));
    const unitAt = BigInt(offsetOf(this.slice, "_HEAP_PAGE_RANGE_DESCRIPTOR", "UnitSize"));
    const m = this.pool.b.memory;
    writeRangeDescriptors(m, desc, flagsAt, unitAt, first, units, flags);
    seg.nextUnit += units;
    const address = seg.address + BigInt(first * unit);
    m.map(address, units * unit);
    return address;
  }

  private poolHeader(at: bigint, blockBytes: number, tag: string): void {
    const m = this.pool.b.memory;
    m.writeU8(at + 2n, blockBytes / 16); // BlockSize: bits 0-7 of the USHORT at +2 (_POOL_HEADER in all four PDBs)
    m.writeU32(at + BigInt(offsetOf(this.slice, "_POOL_HEADER", "PoolTag")), tagValue(tag));
  }

  /**
   * LFH blocks of one bucket (block size = bytes + pool header, rounded to 16), in as many subsegments as needed, each
   * laid out as the kernel initialises it (RtlpHpLfhSubsegmentInitialize with WitholdPageCrossingBlocks, as the
   * research notes' userheap-facts.md section 10.1 and MemProcFS's LFH loop describe it): slots at FirstBlockOffset + i x
   * BlockSize to the subsegment's end, each page-crossing slot withheld (its busy bit set, counted out of BlockCount
   * and FreeCount) while the slots after it keep their positions.
   * `staleWithheld`: in each subsegment, a withheld slot also gets this tag in a stale pool header, as leftover bytes
   * could read (a walk must not list it). `lastSlotFirst`: the first spec of each subsegment goes in its last usable
   * slot (the slot a walk that stops at BlockCount never reaches), the others in random order.
   */
  lfh(heap: number, specs: BlockSpec[], pagesPerSubsegment = 1, staleWithheld?: string, lastSlotFirst = false): Placed[] {
    const s = this.slice;
    const blockSize = align16(Math.max(...specs.map((x) => x.bytes)) + 16);
    const bitmapAt = offsetOf(s, "_HEAP_LFH_SUBSEGMENT", "BlockBitmap");
    const size = pagesPerSubsegment * UNIT;
    let count = Math.floor((size - bitmapAt) / blockSize);
    while (count > 0 && align16(bitmapAt + Math.ceil((count * 2) / 8)) + count * blockSize > size) count--;
    const first = align16(bitmapAt + Math.ceil((count * 2) / 8));
    const usable = Array.from({ length: count }, (_, i) => i).filter((i) => ((first + i * blockSize) & 0xfff) + blockSize <= 0x1000);
    const withheld = Array.from({ length: count }, (_, i) => i).filter((i) => usable.indexOf(i) < 0);
    if (usable.length === 0) throw new Error("no LFH slot of 0x" + blockSize.toString(16) + " bytes fits a page");
    const out: Placed[] = [];
    const m = this.pool.b.memory;
    const setBusy = (sub: bigint, slot: number) => {
      const byteAt = sub + BigInt(bitmapAt + (slot >> 2));
      m.writeU8(byteAt, (m.read(byteAt, 1) as Uint8Array)[0] | (1 << ((slot & 3) * 2)));
    };
    for (let start = 0; start < specs.length; start += usable.length) {
      const group = specs.slice(start, start + usable.length);
      const sub = this.range(heap, pagesPerSubsegment, 0x0b);
      this.subsegments.push({ address: sub, size, kind: "LFH", heap });
      // BlockCount and FreeCount without the withheld slots (the kernel decrements both once per withheld slot).
      m.writeU16(sub + BigInt(offsetOf(s, "_HEAP_LFH_SUBSEGMENT", "BlockCount")), count - withheld.length);
      m.writeU16(sub + BigInt(offsetOf(s, "_HEAP_LFH_SUBSEGMENT", "FreeCount")), count - withheld.length - group.filter((g) => g.busy).length);
      const shift = this.encodes26100 ? (sub >> 12n) & 0xffffffffn : (sub & 0xffffffffn) >> 12n;
      const encoded = (blockSize | (first << 16)) ^ Number(this.lfhKey & 0xffffffffn) ^ Number(shift);
      m.writeU32(sub + BigInt(offsetOf(s, "_HEAP_LFH_SUBSEGMENT", "BlockOffsets")), encoded >>> 0);
      for (const slot of withheld) setBusy(sub, slot);
      // Slots in random order, as the LFH hands them out.
      const slots = shuffle(usable.slice(), this.random);
      if (lastSlotFirst) {
        const last = usable[usable.length - 1];
        slots.splice(slots.indexOf(last), 1);
        slots.unshift(last);
      }
      group.forEach((spec, k) => {
        const slot = slots[k];
        const header = sub + BigInt(first + slot * blockSize);
        this.poolHeader(header, blockSize, spec.tag);
        if (spec.content) m.write(header + 16n, spec.content);
        if (spec.busy) setBusy(sub, slot);
        out.push({ address: header + 16n, header, size: blockSize, kind: "LFH", pool: this.heapPools[heap], tag: spec.tag, busy: spec.busy });
      });
      if (staleWithheld && withheld.length) this.poolHeader(sub + BigInt(first + withheld[0] * blockSize), blockSize, staleWithheld);
    }
    this.placed.push(...out);
    return out;
  }

  /**
   * VS chunks, packed into 64 KB VS subsegments; each chunk = chunk header + pool header + the bytes, rounded to 16.
   * A block under 0xFF0 bytes that would run more than 0x40 bytes into the next page starts at that page (MemProcFS:
   * "pool header will be found at start of new page"): its chunk grows by the gap, so the driver still gets every
   * byte it asked for and the pool header's BlockSize is the same wherever the block lands. A move whose chunk would
   * reach 0xFF0 bytes is a layout no source describes (MemProcFS would not move it): the builder refuses it.
   */
  vs(heap: number, specs: BlockSpec[], pagesPerSubsegment = 16): Placed[] {
    const size = pagesPerSubsegment * UNIT;
    const m = this.pool.b.memory;
    const out: Placed[] = [];
    let sub = 0n;
    let offset = size;
    let prevUnits = 0;
    const chunk = (at: number, bytes: number, busy: boolean) => {
      this.vsChunkHeader(sub + BigInt(at), bytes, busy, prevUnits);
      prevUnits = bytes / 16;
    };
    const closeSubsegment = () => {
      if (sub !== 0n && size - offset >= 0x20) chunk(offset, size - offset, false);
    };
    const gapAt = (chunkAt: number, blockBytes: number) => {
      const inPage = (chunkAt + 16) & 0xfff;
      return blockBytes < 0xff0 && inPage + blockBytes > 0x1040 ? 0x1000 - inPage : 0;
    };
    for (const spec of specs) {
      const blockBytes = align16(spec.bytes + 16);
      let gap = offset + 16 + blockBytes <= size ? gapAt(offset, blockBytes) : 0;
      if (offset + 16 + gap + blockBytes > size - 0x20) {
        closeSubsegment();
        sub = this.vsSubsegment(heap, pagesPerSubsegment);
        offset = 0x30;
        prevUnits = 0;
        gap = gapAt(offset, blockBytes);
      }
      if (gap > 0 && gap + blockBytes >= 0xff0) throw new Error("a VS block of 0x" + blockBytes.toString(16) + " bytes moved 0x" + gap.toString(16) + " bytes to the next page: no source describes that chunk");
      const bytes = 16 + gap + blockBytes;
      chunk(offset, bytes, spec.busy);
      const header = sub + BigInt(offset + 16 + gap);
      this.poolHeader(header, blockBytes, spec.tag);
      if (spec.content) m.write(header + 16n, spec.content.subarray(0, Math.max(0, blockBytes - 16)));
      out.push({ address: header + 16n, header, size: blockBytes, kind: "VS", pool: this.heapPools[heap], tag: spec.tag, busy: spec.busy });
      offset += bytes;
    }
    closeSubsegment();
    this.placed.push(...out);
    return out;
  }

  /**
   * An allocation of a page or more served from a VS chunk and also listed in nt!PoolBigPageTable (MemProcFS skips such
   * VS blocks as the big table's duplicates): a free chunk fills the subsegment up to 0xFE0, so that the busy chunk's
   * pool header sits at 0xFF0 and its data starts on the next page, where the big page table's Va points.
   */
  vsBig(heap: number, tag: string, bytes: number, withPoolHeader = true): bigint {
    const s = this.slice;
    const m = this.pool.b.memory;
    // withPoolHeader false: PoolViewer's reading of chunks over a page, no pool header, the chunk at 0xFF0 and the data
    // right after its header (here with the tag's bytes at data+4, the worst case for a walk that expects a header).
    const chunkAt = withPoolHeader ? 0xfe0 : 0xff0;
    const busyBytes = align16(bytes + (withPoolHeader ? 32 : 16));
    const size = Math.ceil((chunkAt + busyBytes + 0x20) / UNIT) * UNIT;
    const sub = this.vsSubsegment(heap, size / UNIT);
    this.vsChunkHeader(sub + 0x30n, chunkAt - 0x30, false, 0);
    this.vsChunkHeader(sub + BigInt(chunkAt), busyBytes, true, (chunkAt - 0x30) / 16);
    if (size - chunkAt - busyBytes >= 0x20) this.vsChunkHeader(sub + BigInt(chunkAt + busyBytes), size - chunkAt - busyBytes, false, busyBytes / 16);
    // The pool header's BlockSize is 8 bits of 16-byte units: a page or more does not fit, as for a big allocation.
    m.writeU32(sub + (withPoolHeader ? 0xff0n : 0x1000n) + BigInt(offsetOf(s, "_POOL_HEADER", "PoolTag")), tagValue(tag));
    const va = sub + 0x1000n;
    this.pool.bigPage(tag, bytes, { va, paged: this.heapPools[heap] === "Paged" });
    return va;
  }

  /**
   * One VS subsegment whose last chunk ends at the range's end, its chunk header inside the last 0x30 bytes: a free
   * chunk runs from +0x30 up to it. A walk that ends at `Size * 16` from the subsegment's start (Size read as the whole
   * range's 16-byte units when the kernel counts them after the 0x30-byte header) stops 0x30 bytes short and misses it.
   */
  vsAtEnd(heap: number, spec: BlockSpec, pages = 1, sizeField: VsSizeReading = "after header"): Placed {
    const size = pages * UNIT;
    const blockBytes = align16(spec.bytes + 16);
    const chunkBytes = 16 + blockBytes;
    if (chunkBytes > 0x30) throw new Error("vsAtEnd places a chunk of at most 0x30 bytes (its header in the last 0x30 bytes)");
    const sub = this.vsSubsegment(heap, pages, sizeField);
    const chunkAt = size - chunkBytes;
    this.vsChunkHeader(sub + 0x30n, chunkAt - 0x30, false, 0);
    this.vsChunkHeader(sub + BigInt(chunkAt), chunkBytes, spec.busy, (chunkAt - 0x30) / 16);
    const header = sub + BigInt(chunkAt + 16);
    this.poolHeader(header, blockBytes, spec.tag);
    if (spec.content) this.pool.b.memory.write(header + 16n, spec.content.subarray(0, blockBytes - 16));
    const placed: Placed = { address: header + 16n, header, size: blockBytes, kind: "VS", pool: this.heapPools[heap], tag: spec.tag, busy: spec.busy };
    this.placed.push(placed);
    return placed;
  }

  /**
   * A VS subsegment of `pages` pages: its range, Size and Signature (Signature:15 = Size ^ 0x2BED, FullCommit:1).
   * Size counts the 16-byte units after the 0x30-byte _HEAP_VS_SUBSEGMENT header (userheap-facts.md §10.3; DbgHelpUtils
   * heap_vs_subsegment.cpp rounds Size * 16 up to a page to find the end); "whole range" writes the other reading
   * (older DbgHelpUtils: the end is Size * 16 from the start), which a walk that ends at the range's end also reads.
   */
  private vsSubsegment(heap: number, pages: number, sizeField: VsSizeReading = "after header"): bigint {
    const s = this.slice;
    const m = this.pool.b.memory;
    const sub = this.range(heap, pages, 0x0f);
    const size = pages * UNIT;
    this.subsegments.push({ address: sub, size, kind: "VS", heap });
    const units = sizeField === "after header" ? (size - 0x30) / 16 : size / 16;
    m.writeU16(sub + BigInt(offsetOf(s, "_HEAP_VS_SUBSEGMENT", "Size")), units);
    m.writeU16(sub + BigInt(offsetOf(s, "_HEAP_VS_SUBSEGMENT", "Signature")), ((units ^ 0x2bed) & 0x7fff) | 0x8000);
    return sub;
  }

  /** A VS chunk header at `at`: UnsafeSize, UnsafePrevSize, Allocated, encoded with HeapKey ^ its address. */
  private vsChunkHeader(at: bigint, bytes: number, busy: boolean, prevUnits: number): void {
    const bits = (BigInt(bytes / 16) << 16n) | (BigInt(prevUnits) << 32n) | (BigInt(busy ? 1 : 0) << 48n);
    this.pool.b.memory.writeU64(at + BigInt(offsetOf(this.slice, "_HEAP_VS_CHUNK_HEADER", "Sizes")), (bits ^ at ^ this.heapKey) & M64);
  }

  /** Links every heap's page segments into its contexts' lists (Flink/Blink), and the counts. */
  finish(): this {
    if (this.finished) return this;
    this.finished = true;
    const s = this.slice;
    const b = this.pool.b;
    for (let heap = 0; heap < this.heaps.length * 2; heap++) {
      const ctx = this.contextAt(heap >> 1, heap & 1);
      const head = ctx + BigInt(offsetOf(s, "_HEAP_SEG_CONTEXT", "SegmentListHead"));
      const list = (heap & 1 ? this.largeSegments : this.segments)[heap >> 1];
      const entries = [head, ...list];
      for (let i = 0; i < entries.length; i++) {
        const next = entries[(i + 1) % entries.length];
        const prev = entries[(i + entries.length - 1) % entries.length];
        b.writePtr(entries[i], next);
        b.writePtr(entries[i] + 8n, prev);
      }
      b.writePtr(ctx + BigInt(offsetOf(s, "_HEAP_SEG_CONTEXT", "SegmentCount")), BigInt(list.length));
    }
    return this;
  }

  /** The tracker row the kernel would keep for a tag: its live blocks (small and big) in each pool. */
  trackTag(tag: string, big: { size: number; paged?: boolean }[] = []): void {
    const live = this.placed.filter((p) => p.tag === tag && p.busy);
    const np = live.filter((p) => p.pool === "NonPaged");
    const pg = live.filter((p) => p.pool === "Paged");
    const npBig = big.filter((x) => !x.paged);
    const pBig = big.filter((x) => x.paged);
    const freed = this.placed.filter((p) => p.tag === tag && !p.busy);
    const npFreed = freed.filter((p) => p.pool === "NonPaged").length;
    const pFreed = freed.length - npFreed;
    this.pool.tag({
      tag,
      nonPagedAllocs: np.length + npBig.length + npFreed,
      nonPagedFrees: npFreed,
      nonPagedBytes: np.reduce((n, p) => n + p.size, 0) + npBig.reduce((n, x) => n + x.size, 0),
      pagedAllocs: pg.length + pBig.length + pFreed,
      pagedFrees: pFreed,
      pagedBytes: pg.reduce((n, p) => n + p.size, 0) + pBig.reduce((n, x) => n + x.size, 0),
    });
  }
}

export function tagValue(tag: string): number {
  const t = (tag + "    ").slice(0, 4);
  return (t.charCodeAt(0) | (t.charCodeAt(1) << 8) | (t.charCodeAt(2) << 16) | (t.charCodeAt(3) << 24)) >>> 0;
}

function align16(n: number): number {
  return (n + 15) & ~15;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

/** A pointer-sized value as bytes (little-endian). */
export function pointerBytes(...values: bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setBigUint64(i * 8, v & M64, true));
  return out;
}

/**
 * The page-range descriptors of a range of `units` units starting at unit `first` of a 256-unit page segment, and the
 * free range after it: the first descriptor carries the flags with bit 1 (first) and UnitSize; the others bit 1
 * clear and UnitOffset back to the first; the rest of the segment is one free range (first-descriptor bit only).
 * The kernel pool's and the user-mode segment heap's builders lay ranges out the same way.
 */
export function writeRangeDescriptors(
  m: { writeU8(address: bigint, value: number): void },
  desc: (index: number) => bigint,
  flagsAt: bigint,
  unitAt: bigint,
  first: number,
  units: number,
  flags: number,
): void {
  for (let k = 0; k < units; k++) {
    m.writeU8(desc(first + k) + flagsAt, k === 0 ? flags : flags & ~2);
    m.writeU8(desc(first + k) + unitAt, k === 0 ? units : k);
  }
  const next = first + units;
  if (next < 256) {
    m.writeU8(desc(next) + flagsAt, 0x02);
    m.writeU8(desc(next) + unitAt, 256 - next);
  }
}
