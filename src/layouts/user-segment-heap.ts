// ntdll's segment heap (the user-mode copy of the kernel's RTL segment heap, Windows 10 1809 and later), as data.
// x64 offsets are the kernel PDBs' copies of these types (test/fixtures/pdb-layouts and the segment-heap slices:
// builds 17763, 18326, 18362, 19041, 20348, 22000); ntdll is compiled from the same RTL sources, so its types are
// the same (userheap-facts §5.2, which also lists ntdll dumps of the 1709/1803 layout, not supported here: its
// _SEGMENT_HEAP has one segment list and no SegContexts). _HEAP_LARGE_ALLOC_DATA is ntdll-only (the kernel uses the
// big page table): its offsets are from `dt ntdll!_HEAP_LARGE_ALLOC_DATA` transcripts (userheap-facts §5.8).
// x86 rows are from the x86 type dumps in ntdiff/headers (_SEGMENT_HEAP size 0x500, _HEAP_SEG_CONTEXT 0x80,
// _HEAP_PAGE_RANGE_DESCRIPTOR 0x10 with RangeFlagBits:5) and MemProcFS vmmheap.c (VS subsegment Size 0x14,
// Signature 0x16, first chunk 0x18); the x86 LFH subsegment is the x64 one with 4-byte pointers (an inference,
// userheap-facts §5.8 "other x86 offsets U"): none of the x86 rows is checked against a PDB, and the output says so.
import { LayoutSpec, LayoutVariant } from "./types";

const WIN10_1809 = 17763;
const WIN10_1903 = 18362;
const SERVER_2022 = 20348;
const X64_1809 = [17763, 18326, 18362, 19041];
const X64_2022 = [SERVER_2022, 22000];
const X64_ALL = X64_1809.concat(X64_2022);

function x64(label: string, min: number, max: number | undefined, size: number, offsets: LayoutVariant["offsets"], sizes: LayoutVariant["sizes"], checked: number[], source: string): LayoutVariant {
  return { label, pointerSize: 8, minBuild: min, maxBuild: max, size, offsets, sizes, source, checkedAgainst: checked };
}

function x86(size: number, offsets: LayoutVariant["offsets"], sizes: LayoutVariant["sizes"], source: string): LayoutVariant {
  return { label: "Windows 10 1903 and later x86", pointerSize: 4, minBuild: WIN10_1903, size, offsets, sizes, source };
}

/** Same on every x64 build of the data set (1809 to Windows 11 21H2). */
function everyX64(size: number, offsets: LayoutVariant["offsets"], sizes: LayoutVariant["sizes"], source = "kernel PDBs 17763-22000"): LayoutVariant {
  return x64("Windows 10 1809 and later x64", WIN10_1809, undefined, size, offsets, sizes, X64_ALL, source);
}

export const USER_SEGMENT_HEAP: LayoutSpec = {
  module: "ntdll",
  typeName: "_SEGMENT_HEAP",
  fields: ["Signature", "GlobalFlags", "LargeAllocMetadata", "LargeReservedPages", "LargeCommittedPages", "SegContexts"],
  variants: [
    x64("Windows 10 1809-22H2 x64", WIN10_1809, SERVER_2022 - 1, 0x800, { Signature: 0x10, GlobalFlags: 0x14, LargeAllocMetadata: 0x48, LargeReservedPages: 0x58, LargeCommittedPages: 0x60, SegContexts: 0x100 }, { LargeReservedPages: 8, LargeCommittedPages: 8 }, X64_1809, "kernel PDBs 17763-19041"),
    x64("Windows Server 2022 and Windows 11 x64", SERVER_2022, undefined, 0x840, { Signature: 0x10, GlobalFlags: 0x14, LargeAllocMetadata: 0x48, LargeReservedPages: 0x58, LargeCommittedPages: 0x60, SegContexts: 0x140 }, { LargeReservedPages: 8, LargeCommittedPages: 8 }, X64_2022, "kernel PDBs 20348, 22000"),
    x86(0x500, { Signature: 0x8, GlobalFlags: 0xc, LargeAllocMetadata: 0x44, LargeReservedPages: 0x4c, LargeCommittedPages: 0x50, SegContexts: 0x100 }, { LargeReservedPages: 4, LargeCommittedPages: 4 }, "ntdiff/headers x86 _SEGMENT_HEAP.h"),
  ],
};

export const USER_HEAP_SEG_CONTEXT: LayoutSpec = {
  module: "ntdll",
  typeName: "_HEAP_SEG_CONTEXT",
  fields: ["SegmentMask", "UnitShift", "FirstDescriptorIndex", "SegmentListHead"],
  variants: [
    everyX64(0xc0, { SegmentMask: 0x0, UnitShift: 0x8, FirstDescriptorIndex: 0xa, SegmentListHead: 0x48 }, { SegmentMask: 8, UnitShift: 1, FirstDescriptorIndex: 1 }),
    x86(0x80, { SegmentMask: 0x0, UnitShift: 0x4, FirstDescriptorIndex: 0x6, SegmentListHead: 0x44 }, { SegmentMask: 4, UnitShift: 1, FirstDescriptorIndex: 1 }, "ntdiff/headers x86 _HEAP_SEG_CONTEXT"),
  ],
};

export const USER_HEAP_PAGE_SEGMENT: LayoutSpec = {
  module: "ntdll",
  typeName: "_HEAP_PAGE_SEGMENT",
  fields: ["ListEntry", "Signature"],
  variants: [
    everyX64(0x2000, { ListEntry: 0x0, Signature: 0x10 }, { Signature: 8 }),
    x86(0x1000, { ListEntry: 0x0, Signature: 0x8 }, { Signature: 4 }, "x86 _HEAP_PAGE_SEGMENT dump (ntdiff/headers)"),
  ],
};

export const USER_HEAP_PAGE_RANGE_DESCRIPTOR: LayoutSpec = {
  module: "ntdll",
  typeName: "_HEAP_PAGE_RANGE_DESCRIPTOR",
  fields: ["UnusedBytes", "ExtraPresent", "RangeFlags", "UnitSize"],
  variants: [
    everyX64(0x20, { UnusedBytes: 0x4, ExtraPresent: 0x8, RangeFlags: 0x18, UnitSize: 0x1f }, { UnusedBytes: 4, RangeFlags: 1, UnitSize: 1 }),
    x86(0x10, { UnusedBytes: 0x4, ExtraPresent: 0x8, RangeFlags: 0xc, UnitSize: 0xf }, { UnusedBytes: 4, RangeFlags: 1, UnitSize: 1 }, "x86 _HEAP_PAGE_RANGE_DESCRIPTOR dump (ntdiff/headers)"),
  ],
};

export const USER_HEAP_VS_SUBSEGMENT: LayoutSpec = {
  module: "ntdll",
  typeName: "_HEAP_VS_SUBSEGMENT",
  fields: ["Size", "Signature"],
  variants: [
    everyX64(0x28, { Size: 0x20, Signature: 0x22 }, { Size: 2, Signature: 2 }),
    x86(0x18, { Size: 0x14, Signature: 0x16 }, { Size: 2, Signature: 2 }, "MemProcFS vmmheap.c (x86 VS subsegment)"),
  ],
};

export const USER_HEAP_VS_CHUNK_HEADER: LayoutSpec = {
  module: "ntdll",
  typeName: "_HEAP_VS_CHUNK_HEADER",
  fields: ["Sizes", "AllocatedChunkBits"],
  variants: [
    everyX64(0x10, { Sizes: 0x0, AllocatedChunkBits: 0x8 }, { Sizes: 8, AllocatedChunkBits: 4 }),
    x86(0x8, { Sizes: 0x0, AllocatedChunkBits: 0x4 }, { Sizes: 4, AllocatedChunkBits: 4 }, "MemProcFS vmmheap.c (x86 chunk header: 8 bytes)"),
  ],
};

export const USER_HEAP_LFH_SUBSEGMENT: LayoutSpec = {
  module: "ntdll",
  typeName: "_HEAP_LFH_SUBSEGMENT",
  fields: ["BlockCount", "WitheldBlockCount", "BlockOffsets", "BlockBitmap"],
  variants: [
    everyX64(0x38, { BlockCount: 0x22, WitheldBlockCount: 0x27, BlockOffsets: 0x28, BlockBitmap: 0x30 }, { BlockCount: 2, WitheldBlockCount: 1, BlockOffsets: 4 }),
    x86(0x24, { BlockCount: 0x12, WitheldBlockCount: 0x17, BlockOffsets: 0x18, BlockBitmap: 0x20 }, { BlockCount: 2, WitheldBlockCount: 1, BlockOffsets: 4 }, "the x64 layout with 4-byte pointers (inferred)"),
  ],
};

export const USER_RTLP_HP_HEAP_GLOBALS: LayoutSpec = {
  module: "ntdll",
  typeName: "_RTLP_HP_HEAP_GLOBALS",
  fields: ["HeapKey", "LfhKey"],
  variants: [
    everyX64(0x38, { HeapKey: 0x0, LfhKey: 0x8 }, { HeapKey: 8, LfhKey: 8 }),
    x86(0x1c, { HeapKey: 0x0, LfhKey: 0x4 }, { HeapKey: 4, LfhKey: 4 }, "userheap-facts §5.3 (DbgHelpUtils, MemProcFS)"),
  ],
};

/** A large block's metadata node. AllocatedPages and ExtraPresent are bit fields of the pointer-sized word at AllocatedPages. */
export const USER_HEAP_LARGE_ALLOC_DATA: LayoutSpec = {
  module: "ntdll",
  typeName: "_HEAP_LARGE_ALLOC_DATA",
  fields: ["TreeNode", "VirtualAddress", "AllocatedPages"],
  variants: [
    { label: "Windows 10 1809 and later x64", pointerSize: 8, minBuild: WIN10_1809, size: 0x28, offsets: { TreeNode: 0, VirtualAddress: 0x18, AllocatedPages: 0x20 }, sizes: { VirtualAddress: 8, AllocatedPages: 8 }, source: "dt ntdll!_HEAP_LARGE_ALLOC_DATA transcripts (userheap-facts §5.8)" },
    x86(0x14, { TreeNode: 0, VirtualAddress: 0xc, AllocatedPages: 0x10 }, { VirtualAddress: 4, AllocatedPages: 4 }, "userheap-facts §5.8"),
  ],
};

/** The walk's layouts, in the order it reads them. */
export const USER_SEGMENT_HEAP_LAYOUTS = {
  heap: USER_SEGMENT_HEAP,
  segContext: USER_HEAP_SEG_CONTEXT,
  pageSegment: USER_HEAP_PAGE_SEGMENT,
  descriptor: USER_HEAP_PAGE_RANGE_DESCRIPTOR,
  vsSubsegment: USER_HEAP_VS_SUBSEGMENT,
  vsChunk: USER_HEAP_VS_CHUNK_HEADER,
  lfhSubsegment: USER_HEAP_LFH_SUBSEGMENT,
  globals: USER_RTLP_HP_HEAP_GLOBALS,
  largeAlloc: USER_HEAP_LARGE_ALLOC_DATA,
};

export type UserSegmentHeapLayoutName = keyof typeof USER_SEGMENT_HEAP_LAYOUTS;
