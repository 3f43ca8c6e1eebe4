// User-mode NT heap structures read by !virtblocks. Source: research/layouts.md §1 (VR: Vergilius PDB dumps; R2:
// WinDbg dt of ntdll; HS/DLG: third-party heap walkers). The seed article (001) shows Win7 SP1 x64:
// `+0x118 VirtualAllocdBlocks`, and `dt nt!_HEAP_VIRTUAL_ALLOC_ENTRY` with CommitSize +0x20, BusyBlock +0x30.
// The x64 variants are held against the kernel's copies of these types in Microsoft's PDBs (test/fixtures/
// pdb-layouts; ntdll's are the same source compiled into ntdll): they split _HEAP's size by build and give
// _SEGMENT_HEAP's counters from 1809 on.
import { ALL_X64_PDBS, LayoutSpec } from "./types";

/** Windows 8: the first build with VirtualAllocdBlocks at +0x110 (x64) / +0x9C (x86) (layouts.md §1.1, HS). */
const WIN8 = 9200;
/** Windows 10 1903: the first build whose _SEGMENT_HEAP large-allocation counters layouts.md confirms (§1.8). */
const WIN10_1903 = 18362;
/** Windows 10 1809: the first build whose PDB has _SEGMENT_HEAP (its counters at the 1903 offsets). */
const WIN10_1809 = 17763;
const WIN10 = 10240;
const WIN10_1607 = 14393;
/** Windows Server 2022: _SEGMENT_HEAP grows to 0x840 (its PDB). */
const SERVER_2022 = 20348;
const HEAP_X64_OFFSETS = { SegmentSignature: 0x10, SegmentListEntry: 0x18, LastValidEntry: 0x48, NumberOfUnCommittedPages: 0x50, EncodeFlagMask: 0x7c, Encoding: 0x80, VirtualAllocdBlocks: 0x110, SegmentList: 0x120 };

export const HEAP: LayoutSpec = {
  module: "ntdll",
  typeName: "_HEAP",
  // SegmentListEntry, LastValidEntry and NumberOfUnCommittedPages are the _HEAP_SEGMENT fields the _HEAP begins with
  // (§1.1: "the _HEAP is also the first segment"); other segments are read with the same offsets.
  fields: ["SegmentSignature", "SegmentListEntry", "LastValidEntry", "NumberOfUnCommittedPages", "EncodeFlagMask", "Encoding", "VirtualAllocdBlocks", "SegmentList"],
  variants: [
    {
      label: "Windows 7 SP1 x64",
      pointerSize: 8,
      maxBuild: WIN8 - 1,
      size: 0x208,
      offsets: { SegmentSignature: 0x10, SegmentListEntry: 0x18, LastValidEntry: 0x48, NumberOfUnCommittedPages: 0x50, EncodeFlagMask: 0x7c, Encoding: 0x80, VirtualAllocdBlocks: 0x118, SegmentList: 0x128 },
      source: "layouts.md §1.1",
      checkedAgainst: [7601],
    },
    {
      label: "Windows 7 SP1 x86",
      pointerSize: 4,
      maxBuild: WIN8 - 1,
      size: 0x138,
      offsets: { SegmentSignature: 0x8, SegmentListEntry: 0x10, LastValidEntry: 0x28, NumberOfUnCommittedPages: 0x2c, EncodeFlagMask: 0x4c, Encoding: 0x50, VirtualAllocdBlocks: 0xa0, SegmentList: 0xa8 },
      source: "layouts.md §1.1",
    },
    {
      label: "Windows 8 and 8.1 x64",
      pointerSize: 8,
      minBuild: WIN8,
      maxBuild: WIN10 - 1,
      size: 0x298,
      offsets: HEAP_X64_OFFSETS,
      source: "layouts.md §1.1; size from build 9600's PDB",
      checkedAgainst: [9600],
    },
    {
      label: "Windows 10 1507-1607 x64",
      pointerSize: 8,
      minBuild: WIN10,
      maxBuild: WIN10_1607,
      size: 0x2a0,
      offsets: HEAP_X64_OFFSETS,
      source: "layouts.md §1.1; size from build 14393's PDB",
      checkedAgainst: [WIN10_1607],
    },
    {
      label: "Windows 10 1703 and later x64",
      pointerSize: 8,
      minBuild: WIN10_1607 + 1,
      size: 0x2c0,
      offsets: HEAP_X64_OFFSETS,
      source: "layouts.md §1.1",
      checkedAgainst: [17763, 18326, 18362, 19041, 20348, 22000],
    },
    {
      label: "Windows 8 and later x86",
      pointerSize: 4,
      minBuild: WIN8,
      size: 0x258,
      offsets: { SegmentSignature: 0x8, SegmentListEntry: 0x10, LastValidEntry: 0x28, NumberOfUnCommittedPages: 0x2c, EncodeFlagMask: 0x4c, Encoding: 0x50, VirtualAllocdBlocks: 0x9c, SegmentList: 0xa4 },
      source: "layouts.md §1.1",
    },
  ],
};

export const HEAP_VIRTUAL_ALLOC_ENTRY: LayoutSpec = {
  module: "ntdll",
  typeName: "_HEAP_VIRTUAL_ALLOC_ENTRY",
  fields: ["Entry", "ExtraStuff", "CommitSize", "ReserveSize", "BusyBlock"],
  variants: [
    {
      label: "every x64 build",
      pointerSize: 8,
      size: 0x40,
      offsets: { Entry: 0, ExtraStuff: 0x10, CommitSize: 0x20, ReserveSize: 0x28, BusyBlock: 0x30 },
      sizes: { CommitSize: 8, ReserveSize: 8 },
      source: "layouts.md §1.4",
      checkedAgainst: ALL_X64_PDBS,
    },
    {
      label: "every x86 build",
      pointerSize: 4,
      size: 0x20,
      offsets: { Entry: 0, ExtraStuff: 0x8, CommitSize: 0x10, ReserveSize: 0x14, BusyBlock: 0x18 },
      sizes: { CommitSize: 4, ReserveSize: 4 },
      source: "layouts.md §1.4",
    },
  ],
};

/** _SEGMENT_HEAP large-allocation counters (pages). x64: at these offsets from 1809 (its PDB); x86: from 1903 (§1.8). */
export const SEGMENT_HEAP: LayoutSpec = {
  module: "ntdll",
  typeName: "_SEGMENT_HEAP",
  fields: ["Signature", "LargeReservedPages", "LargeCommittedPages"],
  variants: [
    {
      label: "Windows 10 1809-22H2 x64",
      pointerSize: 8,
      minBuild: WIN10_1809,
      maxBuild: SERVER_2022 - 1,
      size: 0x800,
      offsets: { Signature: 0x10, LargeReservedPages: 0x58, LargeCommittedPages: 0x60 },
      sizes: { LargeReservedPages: 8, LargeCommittedPages: 8 },
      source: "layouts.md §1.8; 1809 from its PDB",
      checkedAgainst: [17763, 18326, 18362, 19041],
    },
    {
      label: "Windows Server 2022 and Windows 11 x64",
      pointerSize: 8,
      minBuild: SERVER_2022,
      size: 0x840,
      offsets: { Signature: 0x10, LargeReservedPages: 0x58, LargeCommittedPages: 0x60 },
      sizes: { LargeReservedPages: 8, LargeCommittedPages: 8 },
      source: "layouts.md §1.8; size from Server 2022's PDB",
      checkedAgainst: [SERVER_2022, 22000],
    },
    {
      label: "Windows 10 1903 and later x86",
      pointerSize: 4,
      minBuild: WIN10_1903,
      size: 0x580,
      offsets: { Signature: 0x8, LargeReservedPages: 0x4c, LargeCommittedPages: 0x50 },
      sizes: { LargeReservedPages: 4, LargeCommittedPages: 4 },
      source: "layouts.md §1.8",
    },
  ],
};

/** Heap facts that do not vary by build (§1.1, §1.2, §1.4, §1.5, §1.7, §1.8). */
export interface HeapConstants {
  /** ULONG at heap+this: 0xFFEEFFEE for an NT heap, 0xDDEEDDEE for a segment heap (§1.8). */
  signatureOffset: number;
  /** Offset inside a _HEAP_ENTRY of the 8 bytes that are XOR-encoded (§1.2: +8 on x64, +0 on x86). */
  encodedEntryOffset: number;
  /** _PEB.NtGlobalFlag, NumberOfHeaps, ProcessHeaps (§1.5); OSBuildNumber (dt ntdll!_PEB, as Target reads it),
   *  so that the one PEB read also answers the build lookup from the cache. */
  peb: { NtGlobalFlag: number; NumberOfHeaps: number; ProcessHeaps: number; OSBuildNumber: number };
  /** With +ust the ust pointer sits right after the _HEAP_VIRTUAL_ALLOC_ENTRY and the user data after this
   *  prefix (§1.4, §1.7: user data at +0x60 x64 / +0x30 x86). */
  ustPrefix: number;
}

export const NT_HEAP_SIGNATURE = 0xffeeffee;
export const SEGMENT_HEAP_SIGNATURE = 0xddeeddee;
/** _HEAP.EncodeFlagMask bit: heap entries are XOR-encoded with _HEAP.Encoding (§1.2, DLG). */
export const HEAP_ENCODING_ENABLED = 0x100000;
/** _PEB.NtGlobalFlag FLG_USER_STACK_TRACE_DB (gflags +ust) (§1.5). */
export const FLG_USER_STACK_TRACE_DB = 0x1000;

export function heapConstants(pointerSize: 4 | 8): HeapConstants {
  return pointerSize === 8
    ? { signatureOffset: 0x10, encodedEntryOffset: 8, peb: { NtGlobalFlag: 0xbc, NumberOfHeaps: 0xe8, ProcessHeaps: 0xf0, OSBuildNumber: 0x120 }, ustPrefix: 0x20 }
    : { signatureOffset: 0x8, encodedEntryOffset: 0, peb: { NtGlobalFlag: 0x68, NumberOfHeaps: 0x88, ProcessHeaps: 0x90, OSBuildNumber: 0xac }, ustPrefix: 0x10 };
}

/** _STACK_TRACE_DATABASE and _RTL_STACK_TRACE_ENTRY (§1.6; x64 confirmed 7SP1 and 1903, x86 7SP1). */
export interface StackTraceLayout {
  dbNumberOfEntriesAdded: number;
  dbEntryIndexArray: number;
  entryIndex: number;
  entryDepth: number;
  entryBackTrace: number;
  entrySize: number;
  maxDepth: number;
}

export function stackTraceLayout(pointerSize: 4 | 8): StackTraceLayout {
  return pointerSize === 8
    ? { dbNumberOfEntriesAdded: 0xb4, dbEntryIndexArray: 0xb8, entryIndex: 0xc, entryDepth: 0xe, entryBackTrace: 0x10, entrySize: 0x110, maxDepth: 32 }
    : { dbNumberOfEntriesAdded: 0x60, dbEntryIndexArray: 0x64, entryIndex: 0x8, entryDepth: 0xa, entryBackTrace: 0xc, entrySize: 0x8c, maxDepth: 32 };
}

// --- NT heap walker (issue 20): the whole _HEAP walk, its LFH front end and the +ust header ---
// Source: research/userheap-facts.md §2.1 (x64 from Microsoft's PDBs, held against them in test/unit/heap; x86 from
// R2G's `dt ntdll!_HEAP` of Win7 x86, HeapStat's x86 constants and §10.6: Interceptor 0x58 on Win8+ x86), §3.1
// (_HEAP_USERDATA_HEADER, _HEAP_SUBSEGMENT: R2G Win7 x86/Win10 x64, the Win11 ntdll dumps, HeapStat x86).

/** Windows 8.1: the first build whose LFH offsets are encoded with ntdll!RtlpLFHKey (§3.3). */
export const WIN81 = 9600;

/** The _HEAP fields the NT heap walker reads, per family (FrontEndHeap moves: 0x178 / 0x170 / 0x178 / 0x198 x64). */
export const NT_HEAP: LayoutSpec = {
  module: "ntdll",
  typeName: "_HEAP",
  fields: [
    "SegmentSignature", "SegmentListEntry", "FirstEntry", "LastValidEntry", "NumberOfUnCommittedPages", "UCRSegmentList", "Flags",
    "ForceFlags", "EncodeFlagMask", "Encoding", "Interceptor", "Signature", "VirtualAllocdBlocks", "SegmentList", "FrontEndHeap", "FrontEndHeapType",
  ],
  variants: [
    {
      label: "Windows 7 SP1 x64",
      pointerSize: 8,
      maxBuild: WIN8 - 1,
      size: 0x208,
      offsets: ntHeapX64(0x98, 0xa0, 0x118, 0x128, 0x178, 0x182),
      source: "userheap-facts.md §2.1; build 7601's PDB",
      checkedAgainst: [7601],
    },
    {
      label: "Windows 8 and 8.1 x64",
      pointerSize: 8,
      minBuild: WIN8,
      maxBuild: WIN10 - 1,
      size: 0x298,
      offsets: ntHeapX64(0x90, 0x98, 0x110, 0x120, 0x170, 0x17a),
      source: "userheap-facts.md §2.1; build 9600's PDB",
      checkedAgainst: [9600],
    },
    {
      label: "Windows 10 1507-1803 x64",
      pointerSize: 8,
      minBuild: WIN10,
      maxBuild: WIN10_1809 - 1,
      size: 0x2a0,
      offsets: ntHeapX64(0x90, 0x98, 0x110, 0x120, 0x178, 0x182),
      source: "userheap-facts.md §2.1; build 14393's PDB",
      checkedAgainst: [WIN10_1607],
    },
    {
      label: "Windows 10 1809 and later x64",
      pointerSize: 8,
      minBuild: WIN10_1809,
      size: 0x2c0,
      offsets: ntHeapX64(0x90, 0x98, 0x110, 0x120, 0x198, 0x1a2),
      source: "userheap-facts.md §2.1; the PDBs of 1809 to Windows 11",
      checkedAgainst: [17763, 18326, 18362, 19041, 20348, 22000],
    },
    {
      label: "Windows 7 SP1 x86",
      pointerSize: 4,
      maxBuild: WIN8 - 1,
      size: 0x138,
      offsets: ntHeapX86(0x5c, 0x64, 0xa0, 0xa8, 0xd4, 0xda),
      source: "userheap-facts.md §2.1 (dt ntdll!_HEAP of Win7 x86)",
    },
    {
      label: "Windows 8 to Windows 10 1803 x86",
      pointerSize: 4,
      minBuild: WIN8,
      maxBuild: WIN10_1809 - 1,
      size: 0x250,
      offsets: ntHeapX86(0x58, 0x60, 0x9c, 0xa4, 0xd0, 0xd6),
      source: "userheap-facts.md §2.1 and §10.6 (HeapStat's x86 constants; FrontEndHeap of 8/8.1, unconfirmed for 1507-1803)",
    },
    {
      label: "Windows 10 1809 and later x86",
      pointerSize: 4,
      minBuild: WIN10_1809,
      size: 0x258,
      offsets: ntHeapX86(0x58, 0x60, 0x9c, 0xa4, 0xe4, 0xea),
      source: "userheap-facts.md §2.1 and §10.6",
    },
  ],
};

function ntHeapX64(interceptor: number, signature: number, virtualAllocdBlocks: number, segmentList: number, frontEndHeap: number, frontEndHeapType: number) {
  return {
    SegmentSignature: 0x10, SegmentListEntry: 0x18, FirstEntry: 0x40, LastValidEntry: 0x48, NumberOfUnCommittedPages: 0x50, UCRSegmentList: 0x60,
    Flags: 0x70, ForceFlags: 0x74, EncodeFlagMask: 0x7c, Encoding: 0x80, Interceptor: interceptor, Signature: signature,
    VirtualAllocdBlocks: virtualAllocdBlocks, SegmentList: segmentList, FrontEndHeap: frontEndHeap, FrontEndHeapType: frontEndHeapType,
  };
}

function ntHeapX86(interceptor: number, signature: number, virtualAllocdBlocks: number, segmentList: number, frontEndHeap: number, frontEndHeapType: number) {
  return {
    SegmentSignature: 0x8, SegmentListEntry: 0x10, FirstEntry: 0x24, LastValidEntry: 0x28, NumberOfUnCommittedPages: 0x2c, UCRSegmentList: 0x38,
    Flags: 0x40, ForceFlags: 0x44, EncodeFlagMask: 0x4c, Encoding: 0x50, Interceptor: interceptor, Signature: signature,
    VirtualAllocdBlocks: virtualAllocdBlocks, SegmentList: segmentList, FrontEndHeap: frontEndHeap, FrontEndHeapType: frontEndHeapType,
  };
}

/** _HEAP_USERDATA_HEADER (LFH UserBlocks) of Windows 8 and later: EncodedOffsets and the busy bitmap (§3.1). */
export const HEAP_USERDATA_HEADER: LayoutSpec = {
  module: "ntdll",
  typeName: "_HEAP_USERDATA_HEADER",
  fields: ["SubSegment", "Signature", "EncodedOffsets", "BusyBitmap"],
  variants: [
    {
      label: "Windows 8 and later x64",
      pointerSize: 8,
      minBuild: WIN8,
      size: 0x38,
      offsets: { SubSegment: 0, Signature: 0x14, EncodedOffsets: 0x18, BusyBitmap: 0x20 },
      source: "userheap-facts.md §3.1 (dt ntdll of Win10 x64 and Windows 11)",
    },
    {
      label: "Windows 8 and later x86",
      pointerSize: 4,
      minBuild: WIN8,
      size: 0x20,
      offsets: { SubSegment: 0, Signature: 0xc, EncodedOffsets: 0x10, BusyBitmap: 0x14 },
      source: "userheap-facts.md §3.1 (HeapStat's x86 EncodedOffsets; the bitmap after it by field order, unconfirmed)",
    },
  ],
};

/** _HEAP_USERDATA_HEADER of Windows 7: no offsets, no bitmap; blocks start right after it (§3.1, §3.3). */
export const HEAP_USERDATA_HEADER_WIN7: LayoutSpec = {
  module: "ntdll",
  typeName: "_HEAP_USERDATA_HEADER",
  fields: ["SubSegment", "Signature"],
  variants: [
    { label: "Windows 7 SP1 x64", pointerSize: 8, maxBuild: WIN8 - 1, size: 0x20, offsets: { SubSegment: 0, Signature: 0x18 }, source: "userheap-facts.md §3.1 (build 7601's PDB)" },
    { label: "Windows 7 SP1 x86", pointerSize: 4, maxBuild: WIN8 - 1, size: 0x10, offsets: { SubSegment: 0, Signature: 0xc }, source: "userheap-facts.md §3.1 (dt ntdll of Win7 x86)" },
  ],
};

/** _HEAP_SUBSEGMENT: the back pointer to UserBlocks, BlockSize (granules) and BlockCount (§3.1). */
export const HEAP_SUBSEGMENT: LayoutSpec = {
  module: "ntdll",
  typeName: "_HEAP_SUBSEGMENT",
  fields: ["UserBlocks", "BlockSize", "BlockCount"],
  variants: [
    { label: "Windows 7 SP1 x64", pointerSize: 8, maxBuild: WIN8 - 1, size: 0x30, offsets: { UserBlocks: 8, BlockSize: 0x18, BlockCount: 0x1c }, source: "userheap-facts.md §3.1 (build 7601's PDB)" },
    { label: "Windows 7 SP1 x86", pointerSize: 4, maxBuild: WIN8 - 1, size: 0x20, offsets: { UserBlocks: 4, BlockSize: 0x10, BlockCount: 0x14 }, source: "userheap-facts.md §3.1 (dt ntdll of Win7 x86)" },
    { label: "Windows 8 and later x64", pointerSize: 8, minBuild: WIN8, size: 0x40, offsets: { UserBlocks: 8, BlockSize: 0x24, BlockCount: 0x28 }, source: "userheap-facts.md §3.1 (dt ntdll of Win10 x64, Windows 11 size)" },
    { label: "Windows 8 and later x86", pointerSize: 4, minBuild: WIN8, size: 0x28, offsets: { UserBlocks: 4, BlockSize: 0x14, BlockCount: 0x18 }, source: "userheap-facts.md §3.1 (HeapStat's x86 constants)" },
  ],
};

/** _HEAP_UCR_DESCRIPTOR (§2.1: the kernel PDBs of x64, dt ntdll of Win7 x86; unchanged since Vista). */
export function ucrDescriptorLayout(pointerSize: 4 | 8): { SegmentEntry: number; Address: number; Size: number; size: number } {
  return pointerSize === 8 ? { SegmentEntry: 0x10, Address: 0x20, Size: 0x28, size: 0x30 } : { SegmentEntry: 0x8, Address: 0x10, Size: 0x14, size: 0x18 };
}

/** _HEAP.ForceFlags bit of a page-heap handle (HEAP_FLAG_PAGE_ALLOCS, §6). */
export const HEAP_FLAG_PAGE_ALLOCS = 0x01000000;
/** _DPH_HEAP_ROOT.Signature, one page after a page-heap handle (§6). */
export const DPH_ROOT_SIGNATURE = 0xffeeddcc;
/** _HEAP_USERDATA_HEADER.Signature of an LFH UserBlocks (§3.1). */
export const USERDATA_SIGNATURE = 0xf0e0d0c0;
/** _HEAP.Signature, a second check beside SegmentSignature (§1). */
export const HEAP_SIGNATURE = 0xeeffeeff;
/** _HEAP.FrontEndHeapType of the LFH (§2.1). */
export const FRONT_END_LFH = 2;
/** _HEAP.Flags: HEAP_CAPTURE_STACK_BACKTRACES, set on each heap created under +ust (§4.1). */
export const HEAP_CAPTURE_STACK_BACKTRACES = 0x08000000;
/** PEB.NtGlobalFlag FLG_HEAP_PAGE_ALLOCS (+hpa, §1). */
export const FLG_HEAP_PAGE_ALLOCS = 0x02000000;

/**
 * The full page heap (+hpa, verifier) of one page-heap handle: _DPH_HEAP_ROOT one page after the handle, its
 * BusyNodesTable (an _RTL_AVL_TABLE of _DPH_HEAP_BLOCKs), and the _DPH_BLOCK_INFORMATION before each user block
 * (research/userheap-facts.md §6: R2G's dt of Win7 x86 and Win10 x64 ntdll; ReactOS heappage.c; HeapStat and
 * DbgHelpUtils read the same fields). Not checked against a PDB (the kernel PDBs do not carry these types).
 */
export interface PageHeapLayout {
  rootSignature: number;
  busyNodesTable: number;
  /** _RTL_BALANCED_LINKS: LeftChild, RightChild (the table's BalancedRoot is a sentinel: the tree is its RightChild). */
  leftChild: number;
  rightChild: number;
  /** _DPH_HEAP_BLOCK fields (the node starts with its _RTL_BALANCED_LINKS). */
  userAllocation: number;
  userRequestedSize: number;
  stackTrace: number;
  nodeSize: number;
  /** sizeof(_DPH_BLOCK_INFORMATION), right before the user data; StartStamp at its +0, RequestedSize at +0x10/+0x8. */
  blockInfoSize: number;
  blockInfoRequestedSize: number;
  label: string;
}

export const DPH_STAMP_BUSY = 0xabcdbbbb;
export const DPH_STAMP_FREED = 0xabcdbbba;
/** The light page heap's stamps (its blocks live in an NT heap, the root's NormalHeap; DbgHelpUtils, §6). */
export const DPH_LIGHT_STAMP_BUSY = 0xabcdaaaa;
export const DPH_LIGHT_STAMP_FREED = 0xabcdaaa9;

export function pageHeapLayout(pointerSize: 4 | 8): PageHeapLayout {
  return pointerSize === 8
    ? { rootSignature: 0, busyNodesTable: 0x38, leftChild: 0x8, rightChild: 0x10, userAllocation: 0x20, userRequestedSize: 0x40, stackTrace: 0x60, nodeSize: 0x68, blockInfoSize: 0x40, blockInfoRequestedSize: 0x10, label: "the built-in page-heap layout for x64 (dt ntdll of Windows 10, not checked against a PDB)" }
    : { rootSignature: 0, busyNodesTable: 0x20, leftChild: 0x4, rightChild: 0x8, userAllocation: 0x10, userRequestedSize: 0x20, stackTrace: 0x30, nodeSize: 0x34, blockInfoSize: 0x20, blockInfoRequestedSize: 0x8, label: "the built-in page-heap layout for x86 (dt ntdll of Windows 7, not checked against a PDB)" };
}
