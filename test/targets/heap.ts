// User-mode heap targets for !virtblocks: NT heaps with VirtualAllocdBlocks lists, segment heaps, the +ust stack
// trace database. x64 builds of the PDB data set take the kernel PDB's copies of the heap types (test/fixtures/
// pdb-layouts; ntdll has the same types, and the data set has no ntdll PDB); others the offsets transcribed from
// research/layouts.md §1. Never from src/layouts.
import { TargetBuilder, userTarget, BUILDS } from "./builder";
import { pebLayout } from "./layouts";
import { hasPdbData, pdbLayout, pdbTypeDef } from "./pdb-layouts";

const HEAP_FIELDS = ["SegmentSignature", "SegmentListEntry", "LastValidEntry", "NumberOfUnCommittedPages", "EncodeFlagMask", "Encoding", "VirtualAllocdBlocks", "SegmentList"] as const;
const ENTRY_FIELDS = ["Entry", "ExtraStuff", "CommitSize", "ReserveSize", "BusyBlock"] as const;
type FieldTable<F extends string> = { size: number } & { [K in F]: readonly [number, number] };

/** §1.1 _HEAP fields ([offset, size]); Win7 SP1 vs Win8+ (VirtualAllocdBlocks +0x118/+0x110 x64, +0xA0/+0x9C x86).
 *  The segment fields (SegmentListEntry, LastValidEntry, NumberOfUnCommittedPages) are also each _HEAP_SEGMENT's. */
export function heapLayout(build: number, pointerSize: 4 | 8): FieldTable<(typeof HEAP_FIELDS)[number]> {
  if (hasPdbData(build, pointerSize)) return pdbLayout(build, "_HEAP", HEAP_FIELDS)!;
  const win7 = build < 9200;
  return pointerSize === 8
    ? { size: win7 ? 0x208 : 0x2c0, SegmentSignature: [0x10, 4], SegmentListEntry: [0x18, 16], LastValidEntry: [0x48, 8], NumberOfUnCommittedPages: [0x50, 4], EncodeFlagMask: [0x7c, 4], Encoding: [0x80, 16], VirtualAllocdBlocks: [win7 ? 0x118 : 0x110, 16], SegmentList: [win7 ? 0x128 : 0x120, 16] } as const
    : { size: win7 ? 0x138 : 0x258, SegmentSignature: [0x8, 4], SegmentListEntry: [0x10, 8], LastValidEntry: [0x28, 4], NumberOfUnCommittedPages: [0x2c, 4], EncodeFlagMask: [0x4c, 4], Encoding: [0x50, 8], VirtualAllocdBlocks: [win7 ? 0xa0 : 0x9c, 8], SegmentList: [win7 ? 0xa8 : 0xa4, 8] } as const;
}

/** _HEAP_VIRTUAL_ALLOC_ENTRY: the PDB's, else §1.4. */
export function virtualAllocEntryLayout(pointerSize: 4 | 8, build?: number): FieldTable<(typeof ENTRY_FIELDS)[number]> {
  if (build !== undefined && hasPdbData(build, pointerSize)) return pdbLayout(build, "_HEAP_VIRTUAL_ALLOC_ENTRY", ENTRY_FIELDS)!;
  return pointerSize === 8
    ? { size: 0x40, Entry: [0, 16], ExtraStuff: [0x10, 16], CommitSize: [0x20, 8], ReserveSize: [0x28, 8], BusyBlock: [0x30, 16] } as const
    : { size: 0x20, Entry: [0, 8], ExtraStuff: [0x8, 8], CommitSize: [0x10, 4], ReserveSize: [0x14, 4], BusyBlock: [0x18, 8] } as const;
}

/** §1.6 _RTL_STACK_TRACE_ENTRY and _STACK_TRACE_DATABASE. */
export function stackTraceLayouts(pointerSize: 4 | 8) {
  return pointerSize === 8
    ? { entry: { size: 0x110, Index: 0xc, Depth: 0xe, BackTrace: 0x10 }, db: { NumberOfEntriesAdded: 0xb4, EntryIndexArray: 0xb8, size: 0x2d8 } }
    : { entry: { size: 0x8c, Index: 0x8, Depth: 0xa, BackTrace: 0xc }, db: { NumberOfEntriesAdded: 0x60, EntryIndexArray: 0x64, size: 0x17c } };
}

export interface HeapTargetOptions {
  pointerSize: 4 | 8;
  build: number;
  ust: boolean;
  /** Put _HEAP and _HEAP_VIRTUAL_ALLOC_ENTRY into ntdll's types. */
  heapTypes?: boolean;
  dump?: string;
  /** Where ntdll is loaded (Win7 SP1 x64 put it at 0x77xxxxxx). */
  ntdllBase?: bigint;
}

export interface BlockSpec {
  userSize: number;
  /** Defaults to userSize + header (+ust prefix) rounded up to a page. */
  commitSize?: number;
  reserveSize?: number;
  /** A trace from `stackTrace()`. */
  trace?: bigint;
  /** AllocatorBackTraceIndex in ExtraStuff. */
  traceIndex?: number;
  /** Place the entry here (seed addresses) instead of the next free range. */
  at?: bigint;
}

interface NtHeap {
  address: bigint;
  segments: bigint[];
  encoded: boolean;
  key: Uint8Array;
  entries: bigint[];
}

export class HeapTarget {
  readonly b: TargetBuilder;
  readonly heaps: bigint[] = [];
  private readonly nt = new Map<bigint, NtHeap>();
  private readonly codeSymbols = new Map<bigint, string>();
  private traceCount = 0;
  private readonly tracesByIndex: bigint[] = [];
  readonly h;
  readonly e;
  readonly st;

  constructor(readonly options: HeapTargetOptions) {
    this.b = userTarget({ pointerSize: options.pointerSize, build: options.build, dump: options.dump });
    this.h = heapLayout(options.build, options.pointerSize);
    this.e = virtualAllocEntryLayout(options.pointerSize, options.build);
    this.st = stackTraceLayouts(options.pointerSize);
    if (options.ntdllBase !== undefined) this.b.target.modules[0].base = options.ntdllBase;
    if (options.heapTypes && hasPdbData(options.build, options.pointerSize)) {
      // What a real symbol file gives: the whole types, nested _LIST_ENTRY and _HEAP_ENTRY, unions and bit fields.
      this.b.type("ntdll", pdbTypeDef(options.build, "_HEAP"));
      this.b.type("ntdll", pdbTypeDef(options.build, "_HEAP_VIRTUAL_ALLOC_ENTRY"));
    } else if (options.heapTypes) {
      this.b.typeFromLayout("ntdll", "_HEAP", this.h as unknown as Record<string, unknown>);
      this.b.typeFromLayout("ntdll", "_HEAP_VIRTUAL_ALLOC_ENTRY", this.e as unknown as Record<string, unknown>);
    }
    this.b.target.onCommand(/^u [0-9a-f`]+ L1$/, (command) => {
      const address = BigInt("0x" + command.split(" ")[1].replace(/`/g, ""));
      const symbol = this.codeSymbols.get(address);
      return symbol ? [symbol + ":", "00000000`00000000 4883ec28        sub     rsp,28h"] : ["00000000`00000000 4883ec28        sub     rsp,28h"];
    });
  }

  get ps(): 4 | 8 {
    return this.options.pointerSize;
  }

  private map(at: bigint | undefined, size: number, align: number): bigint {
    if (at === undefined) return this.b.alloc(size, align);
    this.b.memory.map(at, size);
    return at;
  }

  /** An NT heap; `encoded` sets EncodeFlagMask 0x100000 and a non-zero Encoding key. */
  ntHeap(options: { at?: bigint; encoded?: boolean; end?: bigint; committed?: number } = {}): bigint {
    const address = this.map(options.at, this.h.size, 0x10000);
    const m = this.b.memory;
    m.writeU32(address + BigInt(this.h.SegmentSignature[0]), 0xffeeffee);
    const encoded = !!options.encoded;
    const key = new Uint8Array(8);
    if (encoded) {
      m.writeU32(address + BigInt(this.h.EncodeFlagMask[0]), 0x100000);
      for (let i = 0; i < 8; i++) key[i] = (0x3d + i * 0x47 + Number(address & 0xffn)) & 0xff;
      // §1.2: the encoded 8 bytes are Encoding's bytes 8..15 on x64, 0..7 on x86.
      m.write(address + BigInt(this.h.Encoding[0] + (this.ps === 8 ? 8 : 0)), key);
    }
    this.heaps.push(address);
    this.writeSegment(address, options.end !== undefined ? options.end : address + 0x100000n, options.committed !== undefined ? options.committed : 0x10000);
    this.nt.set(address, { address, segments: [address], encoded, key, entries: [] });
    return address;
  }

  /** The segment fields of a _HEAP or _HEAP_SEGMENT at `at` spanning [at, end) with `committed` bytes committed. */
  private writeSegment(at: bigint, end: bigint, committed: number): void {
    const m = this.b.memory;
    m.writeU32(at + BigInt(this.h.SegmentSignature[0]), 0xffeeffee);
    this.b.writePtr(at + BigInt(this.h.LastValidEntry[0]), end);
    m.writeU32(at + BigInt(this.h.NumberOfUnCommittedPages[0]), Number(end - at - BigInt(committed)) / 0x1000);
  }

  /** Another segment of `heap` (`!heap -h`: "Segment at <at> to <end> (<committed> bytes committed)"). */
  segment(heap: bigint, at: bigint, end: bigint, committed: number): bigint {
    this.map(at, this.h.size, 0x10000);
    this.writeSegment(at, end, committed);
    this.nt.get(heap)!.segments.push(at);
    return at;
  }

  /** A segment heap: Signature 0xDDEEDDEE and the §1.8 large-allocation page counters (1903+). */
  segmentHeap(largeCommittedPages: number, largeReservedPages: number): bigint {
    const m = this.b.memory;
    if (hasPdbData(this.options.build, this.ps)) {
      const l = pdbLayout(this.options.build, "_SEGMENT_HEAP", ["Signature", "LargeReservedPages", "LargeCommittedPages"] as const);
      if (l) {
        const at = this.b.alloc(l.size, 0x10000);
        m.writeU32(at + BigInt(l.Signature[0]), 0xddeeddee);
        m.writeU64(at + BigInt(l.LargeReservedPages[0]), largeReservedPages);
        m.writeU64(at + BigInt(l.LargeCommittedPages[0]), largeCommittedPages);
        this.heaps.push(at);
        return at;
      }
    }
    const address = this.b.alloc(this.ps === 8 ? 0x800 : 0x580, 0x10000);
    m.writeU32(address + (this.ps === 8 ? 0x10n : 0x8n), 0xddeeddee);
    if (this.ps === 8) {
      m.writeU64(address + 0x58n, largeReservedPages);
      m.writeU64(address + 0x60n, largeCommittedPages);
    } else {
      m.writeU32(address + 0x4cn, largeReservedPages);
      m.writeU32(address + 0x50n, largeCommittedPages);
    }
    this.heaps.push(address);
    return address;
  }

  /** A code module for stack frames. */
  module(name: string, base: bigint, size: number): void {
    this.b.target.addModule(name, base, size);
  }

  /** What `u <address> L1` prints as its header for this address. */
  symbol(address: bigint, text: string): void {
    this.codeSymbols.set(address, text);
  }

  /** An _RTL_STACK_TRACE_ENTRY holding `frames`; returns its address. Its index is 1, 2, ... in creation order. */
  stackTrace(frames: bigint[]): bigint {
    const l = this.st.entry;
    const address = this.b.alloc(l.size, 16);
    const m = this.b.memory;
    const index = ++this.traceCount;
    m.writeU16(address + BigInt(l.Index), index);
    m.writeU16(address + BigInt(l.Depth), frames.length);
    frames.forEach((f, i) => this.b.writePtr(address + BigInt(l.BackTrace + i * this.ps), f));
    this.tracesByIndex.push(address);
    return address;
  }

  /** ntdll!RtlpStackTraceDataBase → _STACK_TRACE_DATABASE whose EntryIndexArray grows downward (§1.6). */
  stackTraceDatabase(): void {
    const d = this.st.db;
    const n = this.tracesByIndex.length;
    const db = this.b.alloc(d.size, 16);
    const array = this.b.alloc((n + 1) * this.ps, 16);
    const top = array + BigInt(n * this.ps);
    this.b.memory.writeU32(db + BigInt(d.NumberOfEntriesAdded), n);
    this.b.writePtr(db + BigInt(d.EntryIndexArray), top);
    this.tracesByIndex.forEach((t, i) => this.b.writePtr(top - BigInt((i + 1) * this.ps), t));
    this.b.globalPointer("ntdll", "RtlpStackTraceDataBase", db);
  }

  /** A _HEAP_VIRTUAL_ALLOC_ENTRY appended to `heap`'s list (linked by finish()). */
  virtualBlock(heap: bigint, spec: BlockSpec): bigint {
    const h = this.nt.get(heap)!;
    const e = this.e;
    const header = e.size + (this.options.ust ? (this.ps === 8 ? 0x20 : 0x10) : 0);
    const commit = spec.commitSize !== undefined ? spec.commitSize : Math.ceil((spec.userSize + header) / 0x1000) * 0x1000;
    const reserve = spec.reserveSize !== undefined ? spec.reserveSize : commit;
    const entry = this.map(spec.at, header, 0x10000);
    const m = this.b.memory;
    if (this.ps === 8) {
      m.writeU64(entry + BigInt(e.CommitSize[0]), commit);
      m.writeU64(entry + BigInt(e.ReserveSize[0]), reserve);
    } else {
      m.writeU32(entry + BigInt(e.CommitSize[0]), commit);
      m.writeU32(entry + BigInt(e.ReserveSize[0]), reserve);
    }
    if (spec.traceIndex) m.writeU16(entry + BigInt(e.ExtraStuff[0]), spec.traceIndex);
    // BusyBlock (§1.4): Size = unused bytes, Flags busy|virtual-alloc, SmallTagIndex = checksum of bytes 0..2.
    const unused = commit - spec.userSize;
    const raw = new Uint8Array(8);
    raw[0] = unused & 0xff;
    raw[1] = (unused >> 8) & 0xff;
    raw[2] = 0x09;
    raw[3] = raw[0] ^ raw[1] ^ raw[2];
    if (h.encoded) for (let i = 0; i < 8; i++) raw[i] ^= h.key[i];
    m.write(entry + BigInt(e.BusyBlock[0] + (this.ps === 8 ? 8 : 0)), raw);
    if (this.options.ust && spec.trace) this.b.writePtr(entry + BigInt(e.size), spec.trace);
    h.entries.push(entry);
    return entry;
  }

  /** Writes each heap's list (Flink/Blink) and the PEB's NtGlobalFlag, NumberOfHeaps and ProcessHeaps. */
  finish(): TargetBuilder {
    const link = (chain: bigint[]) => {
      for (let i = 1; i < chain.length; i++) {
        this.b.writePtr(chain[i - 1], chain[i]); // Flink
        this.b.writePtr(chain[i] + BigInt(this.ps), chain[i - 1]); // Blink
      }
    };
    for (const h of this.nt.values()) {
      const head = h.address + BigInt(this.h.VirtualAllocdBlocks[0]);
      link([head, ...h.entries, head]);
      const segments = h.address + BigInt(this.h.SegmentList[0]);
      link([segments, ...h.segments.map((s) => s + BigInt(this.h.SegmentListEntry[0])), segments]);
    }
    const peb = pebLayout(this.ps, this.options.build);
    const pebAddress = this.b.target.pebAddress!;
    this.b.memory.writeU32(pebAddress + BigInt(peb.NtGlobalFlag), this.options.ust ? 0x1000 : 0);
    this.b.memory.writeU32(pebAddress + BigInt(peb.NumberOfHeaps), this.heaps.length);
    this.b.memory.writeU32(pebAddress + BigInt(peb.MaximumNumberOfHeaps), Math.max(16, this.heaps.length));
    const array = this.b.alloc(Math.max(16, this.heaps.length) * this.ps, 16);
    this.heaps.forEach((h, i) => this.b.writePtr(array + BigInt(i * this.ps), h));
    this.b.writePtr(pebAddress + BigInt(peb.ProcessHeaps), array);
    return this.b;
  }

  /** Flink of an entry (or of the list head when `entry` is the heap), for corrupting lists. */
  flinkAddress(entry: bigint): bigint {
    return this.nt.has(entry) ? entry + BigInt(this.h.VirtualAllocdBlocks[0]) : entry;
  }
}

export { BUILDS };
