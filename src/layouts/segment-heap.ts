// The kernel's segment-heap pool structures (Windows 10 1809 and later, x64), as data. Offsets are the real PDB
// layouts of five kernels, from the Volatility 3 symbol tables JPCERT/CC generated from Microsoft's public
// ntkrnlmp.pdb files (research/isf/pool-slices, BSD-3-Clause; test/fixtures/segment-heap/PROVENANCE.md):
//   17763: ntkrnlmp.pdb 8B11040A5928757B11390AC78F6B6925-1 (10.0.17763.379)
//   18362: ntkrnlmp.pdb DCA4AD4BEEB4746D48F84C0125019E43-1 (10.0.18362.836; 18362-18363 share one kernel; the 19H1
//          insider kernel 18326 has the same offsets)
//   19041: ntkrnlmp.pdb BBED7C2955FBE4522AAA23F4B8677AD9-1 (10.0.19041.329; 19041-19045 share one kernel)
//   20348: ntkrnlmp.pdb C2EADB24A615E9472CE47C8ADD31F130-1 (10.0.20348.288)
//   22000: ntkrnlmp.pdb 32C1A669D5FFEFD41091F636CFDB6E99-1 (10.0.22000.318)
// test/unit/layouts/pdb-layouts.test.ts holds every row against all 154 PDBs of those kernels in the data set.
// Builds the data set lacks (insider builds between them, 22621+) have no built-in variant: their layouts must come
// from the symbols, and the output says so. Bit fields (VS chunk sizes, the VS signature, the pool header's BlockSize,
// the LFH encoded offsets) sit at the same bits in all those PDBs (same test); the decoders in src/pool/segment-heap.ts
// hold those positions.
// One row per build, written from the slices by a script: a wrong number here is a wrong slice, fix it there.
import { LayoutSpec } from "./types";

/** nt!ExPoolState: the pool's heap manager state, one _EX_HEAP_POOL_NODE per NUMA node, and three (up to 1909) or four special heaps. */
export const EX_POOL_HEAP_MANAGER_STATE: LayoutSpec = {
  module: "nt",
  typeName: "_EX_POOL_HEAP_MANAGER_STATE",
  fields: ["NumberOfPools", "PoolNode", "SpecialHeaps"],
  variants: [
    { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x86140, offsets: { NumberOfPools: 0x30c8, PoolNode: 0x3100, SpecialHeaps: 0x86100 }, sizes: { NumberOfPools: 4, PoolNode: 536576, SpecialHeaps: 24 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
    { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x86940, offsets: { NumberOfPools: 0x38d0, PoolNode: 0x3900, SpecialHeaps: 0x86900 }, sizes: { NumberOfPools: 4, PoolNode: 536576, SpecialHeaps: 24 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
    { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x86940, offsets: { NumberOfPools: 0x38d0, PoolNode: 0x3900, SpecialHeaps: 0x86900 }, sizes: { NumberOfPools: 4, PoolNode: 536576, SpecialHeaps: 32 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
    { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x86940, offsets: { NumberOfPools: 0x38e0, PoolNode: 0x3900, SpecialHeaps: 0x86900 }, sizes: { NumberOfPools: 4, PoolNode: 536576, SpecialHeaps: 32 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
    { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x86940, offsets: { NumberOfPools: 0x38e0, PoolNode: 0x3900, SpecialHeaps: 0x86900 }, sizes: { NumberOfPools: 4, PoolNode: 536576, SpecialHeaps: 32 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
  ],
};

/** One pool node: its segment heaps (Heaps[4]). */
export const EX_HEAP_POOL_NODE: LayoutSpec = {
  module: "nt",
  typeName: "_EX_HEAP_POOL_NODE",
  fields: ["Heaps"],
  variants: [
    { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x20c0, offsets: { Heaps: 0x0 }, sizes: { Heaps: 32 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
    { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x20c0, offsets: { Heaps: 0x0 }, sizes: { Heaps: 32 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
    { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x20c0, offsets: { Heaps: 0x0 }, sizes: { Heaps: 32 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
    { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x20c0, offsets: { Heaps: 0x0 }, sizes: { Heaps: 32 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
    { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x20c0, offsets: { Heaps: 0x0 }, sizes: { Heaps: 32 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
  ],
};

/** nt!RtlpHpHeapGlobals: the keys the segment heap encodes its metadata with. */
export const RTLP_HP_HEAP_GLOBALS: LayoutSpec = {
  module: "nt",
  typeName: "_RTLP_HP_HEAP_GLOBALS",
  fields: ["HeapKey", "LfhKey"],
  variants: [
    { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x38, offsets: { HeapKey: 0x0, LfhKey: 0x8 }, sizes: { HeapKey: 8, LfhKey: 8 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
    { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x38, offsets: { HeapKey: 0x0, LfhKey: 0x8 }, sizes: { HeapKey: 8, LfhKey: 8 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
    { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x38, offsets: { HeapKey: 0x0, LfhKey: 0x8 }, sizes: { HeapKey: 8, LfhKey: 8 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
    { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x40, offsets: { HeapKey: 0x0, LfhKey: 0x8 }, sizes: { HeapKey: 8, LfhKey: 8 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
    { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x40, offsets: { HeapKey: 0x0, LfhKey: 0x8 }, sizes: { HeapKey: 8, LfhKey: 8 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
  ],
};

/** A segment heap: its two segment contexts (1 MB and 16 MB segments). */
export const SEGMENT_HEAP: LayoutSpec = {
  module: "nt",
  typeName: "_SEGMENT_HEAP",
  fields: ["SegContexts"],
  variants: [
    { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x800, offsets: { SegContexts: 0x100 }, sizes: { SegContexts: 384 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
    { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x800, offsets: { SegContexts: 0x100 }, sizes: { SegContexts: 384 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
    { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x800, offsets: { SegContexts: 0x100 }, sizes: { SegContexts: 384 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
    { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x840, offsets: { SegContexts: 0x140 }, sizes: { SegContexts: 384 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
    { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x840, offsets: { SegContexts: 0x140 }, sizes: { SegContexts: 384 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
  ],
};

/** A segment context: the list of its page segments and their unit size. */
export const HEAP_SEG_CONTEXT: LayoutSpec = {
  module: "nt",
  typeName: "_HEAP_SEG_CONTEXT",
  fields: ["SegmentMask", "UnitShift", "FirstDescriptorIndex", "SegmentListHead", "SegmentCount"],
  variants: [
    { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0xc0, offsets: { SegmentMask: 0x0, UnitShift: 0x8, FirstDescriptorIndex: 0xa, SegmentListHead: 0x48, SegmentCount: 0x58 }, sizes: { SegmentMask: 8, UnitShift: 1, FirstDescriptorIndex: 1, SegmentListHead: 16, SegmentCount: 8 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
    { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0xc0, offsets: { SegmentMask: 0x0, UnitShift: 0x8, FirstDescriptorIndex: 0xa, SegmentListHead: 0x48, SegmentCount: 0x58 }, sizes: { SegmentMask: 8, UnitShift: 1, FirstDescriptorIndex: 1, SegmentListHead: 16, SegmentCount: 8 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
    { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0xc0, offsets: { SegmentMask: 0x0, UnitShift: 0x8, FirstDescriptorIndex: 0xa, SegmentListHead: 0x48, SegmentCount: 0x58 }, sizes: { SegmentMask: 8, UnitShift: 1, FirstDescriptorIndex: 1, SegmentListHead: 16, SegmentCount: 8 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
    { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0xc0, offsets: { SegmentMask: 0x0, UnitShift: 0x8, FirstDescriptorIndex: 0xa, SegmentListHead: 0x48, SegmentCount: 0x58 }, sizes: { SegmentMask: 8, UnitShift: 1, FirstDescriptorIndex: 1, SegmentListHead: 16, SegmentCount: 8 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
    { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0xc0, offsets: { SegmentMask: 0x0, UnitShift: 0x8, FirstDescriptorIndex: 0xa, SegmentListHead: 0x48, SegmentCount: 0x58 }, sizes: { SegmentMask: 8, UnitShift: 1, FirstDescriptorIndex: 1, SegmentListHead: 16, SegmentCount: 8 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
  ],
};

/** A page segment: list links, encoded signature, then 256 range descriptors (DescArray). */
export const HEAP_PAGE_SEGMENT: LayoutSpec = {
  module: "nt",
  typeName: "_HEAP_PAGE_SEGMENT",
  fields: ["ListEntry", "Signature"],
  variants: [
    { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x2000, offsets: { ListEntry: 0x0, Signature: 0x10 }, sizes: { ListEntry: 16, Signature: 8 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
    { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x2000, offsets: { ListEntry: 0x0, Signature: 0x10 }, sizes: { ListEntry: 16, Signature: 8 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
    { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x2000, offsets: { ListEntry: 0x0, Signature: 0x10 }, sizes: { ListEntry: 16, Signature: 8 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
    { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x2000, offsets: { ListEntry: 0x0, Signature: 0x10 }, sizes: { ListEntry: 16, Signature: 8 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
    { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x2000, offsets: { ListEntry: 0x0, Signature: 0x10 }, sizes: { ListEntry: 16, Signature: 8 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
  ],
};

/** One unit of a page segment. */
export const HEAP_PAGE_RANGE_DESCRIPTOR: LayoutSpec = {
  module: "nt",
  typeName: "_HEAP_PAGE_RANGE_DESCRIPTOR",
  fields: ["RangeFlags", "UnitSize"],
  variants: [
    { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x20, offsets: { RangeFlags: 0x18, UnitSize: 0x1f }, sizes: { RangeFlags: 1, UnitSize: 1 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
    { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x20, offsets: { RangeFlags: 0x18, UnitSize: 0x1f }, sizes: { RangeFlags: 1, UnitSize: 1 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
    { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x20, offsets: { RangeFlags: 0x18, UnitSize: 0x1f }, sizes: { RangeFlags: 1, UnitSize: 1 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
    { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x20, offsets: { RangeFlags: 0x18, UnitSize: 0x1f }, sizes: { RangeFlags: 1, UnitSize: 1 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
    { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x20, offsets: { RangeFlags: 0x18, UnitSize: 0x1f }, sizes: { RangeFlags: 1, UnitSize: 1 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
  ],
};

/** A variable-size subsegment; chunks follow it. */
export const HEAP_VS_SUBSEGMENT: LayoutSpec = {
  module: "nt",
  typeName: "_HEAP_VS_SUBSEGMENT",
  fields: ["Size", "Signature"],
  variants: [
    { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x28, offsets: { Size: 0x20, Signature: 0x22 }, sizes: { Size: 2, Signature: 2 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
    { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x28, offsets: { Size: 0x20, Signature: 0x22 }, sizes: { Size: 2, Signature: 2 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
    { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x28, offsets: { Size: 0x20, Signature: 0x22 }, sizes: { Size: 2, Signature: 2 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
    { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x28, offsets: { Size: 0x20, Signature: 0x22 }, sizes: { Size: 2, Signature: 2 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
    { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x28, offsets: { Size: 0x20, Signature: 0x22 }, sizes: { Size: 2, Signature: 2 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
  ],
};

/** The encoded header in front of each VS chunk. */
export const HEAP_VS_CHUNK_HEADER: LayoutSpec = {
  module: "nt",
  typeName: "_HEAP_VS_CHUNK_HEADER",
  fields: ["Sizes"],
  variants: [
    { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x10, offsets: { Sizes: 0x0 }, sizes: { Sizes: 8 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
    { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x10, offsets: { Sizes: 0x0 }, sizes: { Sizes: 8 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
    { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x10, offsets: { Sizes: 0x0 }, sizes: { Sizes: 8 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
    { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x10, offsets: { Sizes: 0x0 }, sizes: { Sizes: 8 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
    { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x10, offsets: { Sizes: 0x0 }, sizes: { Sizes: 8 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
  ],
};

/** An LFH subsegment: encoded block size and first block offset, 2-bit-per-block bitmap. */
export const HEAP_LFH_SUBSEGMENT: LayoutSpec = {
  module: "nt",
  typeName: "_HEAP_LFH_SUBSEGMENT",
  fields: ["BlockCount", "BlockOffsets", "BlockBitmap"],
  variants: [
    { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x38, offsets: { BlockCount: 0x22, BlockOffsets: 0x28, BlockBitmap: 0x30 }, sizes: { BlockCount: 2, BlockOffsets: 4, BlockBitmap: 8 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
    { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x38, offsets: { BlockCount: 0x22, BlockOffsets: 0x28, BlockBitmap: 0x30 }, sizes: { BlockCount: 2, BlockOffsets: 4, BlockBitmap: 8 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
    { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x38, offsets: { BlockCount: 0x22, BlockOffsets: 0x28, BlockBitmap: 0x30 }, sizes: { BlockCount: 2, BlockOffsets: 4, BlockBitmap: 8 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
    { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x38, offsets: { BlockCount: 0x22, BlockOffsets: 0x28, BlockBitmap: 0x30 }, sizes: { BlockCount: 2, BlockOffsets: 4, BlockBitmap: 8 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
    { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x38, offsets: { BlockCount: 0x22, BlockOffsets: 0x28, BlockBitmap: 0x30 }, sizes: { BlockCount: 2, BlockOffsets: 4, BlockBitmap: 8 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
  ],
};

/** The pool header in front of every small block. */
export const POOL_HEADER_X64: LayoutSpec = {
  module: "nt",
  typeName: "_POOL_HEADER",
  fields: ["BlockSize", "PoolTag"],
  variants: [
    { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x10, offsets: { BlockSize: 0x2, PoolTag: 0x4 }, sizes: { BlockSize: 2, PoolTag: 4 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
    { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x10, offsets: { BlockSize: 0x2, PoolTag: 0x4 }, sizes: { BlockSize: 2, PoolTag: 4 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
    { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x10, offsets: { BlockSize: 0x2, PoolTag: 0x4 }, sizes: { BlockSize: 2, PoolTag: 4 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
    { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x10, offsets: { BlockSize: 0x2, PoolTag: 0x4 }, sizes: { BlockSize: 2, PoolTag: 4 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
    { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x10, offsets: { BlockSize: 0x2, PoolTag: 0x4 }, sizes: { BlockSize: 2, PoolTag: 4 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
  ],
};

/** Built-in layouts of the walk, in the order it reads them. */
export const SEGMENT_HEAP_LAYOUTS = {
  state: EX_POOL_HEAP_MANAGER_STATE,
  node: EX_HEAP_POOL_NODE,
  globals: RTLP_HP_HEAP_GLOBALS,
  heap: SEGMENT_HEAP,
  segContext: HEAP_SEG_CONTEXT,
  pageSegment: HEAP_PAGE_SEGMENT,
  descriptor: HEAP_PAGE_RANGE_DESCRIPTOR,
  vsSubsegment: HEAP_VS_SUBSEGMENT,
  vsChunk: HEAP_VS_CHUNK_HEADER,
  lfhSubsegment: HEAP_LFH_SUBSEGMENT,
  poolHeader: POOL_HEADER_X64,
};

export type SegmentHeapLayoutName = keyof typeof SEGMENT_HEAP_LAYOUTS;
