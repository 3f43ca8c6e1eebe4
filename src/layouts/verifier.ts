// Driver Verifier pool tracking. Source: research/layouts.md §4 (VR: Vergilius PDB dumps; ND; WRK verifier.c); the
// x64 variants for 8.1, 1607 and Server 2022, and the ranges reaching 1909 (18363), come from Microsoft's PDBs
// (test/fixtures/pdb-layouts), against which every x64 variant is held (`checkedAgainst`). Windows 8, 1507-1511,
// 1703-1803 and Windows 11 24H2 have no built-in variant: there the command falls back to `!verifier 3`.
import { ALL_X64_PDBS, LayoutSpec } from "./types";

const WIN7_SP1 = 7601;
const WIN81 = 9600;
const WIN10_1607 = 14393;
const WIN10_1809 = 17763;
/** 1909 reports 18363 on 1903's kernel (18362). */
const WIN10_1909 = 18363;
const WIN10_2004 = 19041;
const WIN10_22H2 = 19045;
const SERVER_2022 = 20348;
const WIN11_23H2 = 22631;

/** Win7 SP1's offsets, which 8.1 and 1607 keep (their PDBs). */
const WIN7_X64_OFFSETS = { SuspectDriverEntry: 0, PoolPageHeaders: 0x30, PoolTrackers: 0x40, CurrentPagedPoolAllocations: 0x50, CurrentNonPagedPoolAllocations: 0x54, PagedBytes: 0x60, NonPagedBytes: 0x68 };
const X64_SIZES = { CurrentPagedPoolAllocations: 4, CurrentNonPagedPoolAllocations: 4, PagedBytes: 8, NonPagedBytes: 8 };

/** The per-driver data bugcheck 0xC4/0x62 passes as Arg3 (`_VF_TARGET_VERIFIED_DRIVER_DATA*`, §4). */
export const VF_TARGET_VERIFIED_DRIVER_DATA: LayoutSpec = {
  module: "nt",
  typeName: "_VF_TARGET_VERIFIED_DRIVER_DATA",
  fields: [
    "SuspectDriverEntry",
    "PoolPageHeaders",
    "PoolTrackers",
    "CurrentPagedPoolAllocations",
    "CurrentNonPagedPoolAllocations",
    "PagedBytes",
    "NonPagedBytes",
  ],
  variants: [
    {
      label: "Windows 7 SP1 x64",
      pointerSize: 8,
      minBuild: WIN7_SP1,
      maxBuild: WIN7_SP1,
      size: 0x100,
      offsets: WIN7_X64_OFFSETS,
      sizes: X64_SIZES,
      source: "layouts.md §4",
      checkedAgainst: [WIN7_SP1],
    },
    {
      label: "Windows 8.1 and Server 2012 R2 x64",
      pointerSize: 8,
      minBuild: WIN81,
      maxBuild: WIN81,
      size: 0x100,
      offsets: WIN7_X64_OFFSETS,
      sizes: X64_SIZES,
      source: "build 9600's PDB",
      checkedAgainst: [WIN81],
    },
    {
      label: "Windows 10 1607 and Server 2016 x64",
      pointerSize: 8,
      minBuild: WIN10_1607,
      maxBuild: WIN10_1607,
      size: 0x120,
      offsets: WIN7_X64_OFFSETS,
      sizes: X64_SIZES,
      source: "build 14393's PDB",
      checkedAgainst: [WIN10_1607],
    },
    {
      label: "Windows 7 SP1 x86",
      pointerSize: 4,
      minBuild: WIN7_SP1,
      maxBuild: WIN7_SP1,
      size: 0x90,
      offsets: { SuspectDriverEntry: 0, PoolPageHeaders: 0x18, PoolTrackers: 0x20, CurrentPagedPoolAllocations: 0x28, CurrentNonPagedPoolAllocations: 0x2c, PagedBytes: 0x38, NonPagedBytes: 0x3c },
      sizes: { CurrentPagedPoolAllocations: 4, CurrentNonPagedPoolAllocations: 4, PagedBytes: 4, NonPagedBytes: 4 },
      source: "layouts.md §4",
    },
    {
      label: "Windows 10 1809-1909 and Server 2019 x64",
      pointerSize: 8,
      minBuild: WIN10_1809,
      maxBuild: WIN10_1909,
      size: 0x120,
      offsets: { SuspectDriverEntry: 0, PoolPageHeaders: 0x40, PoolTrackers: 0x50, CurrentPagedPoolAllocations: 0x60, CurrentNonPagedPoolAllocations: 0x64, PagedBytes: 0x70, NonPagedBytes: 0x78 },
      sizes: X64_SIZES,
      source: "layouts.md §4",
      checkedAgainst: [WIN10_1809, 18326, 18362],
    },
    {
      label: "Windows 10 1809-1909 x86",
      pointerSize: 4,
      minBuild: WIN10_1809,
      maxBuild: WIN10_1909,
      size: 0xb0,
      offsets: { SuspectDriverEntry: 0, PoolPageHeaders: 0x20, PoolTrackers: 0x28, CurrentPagedPoolAllocations: 0x30, CurrentNonPagedPoolAllocations: 0x34, PagedBytes: 0x40, NonPagedBytes: 0x44 },
      sizes: { CurrentPagedPoolAllocations: 4, CurrentNonPagedPoolAllocations: 4, PagedBytes: 4, NonPagedBytes: 4 },
      source: "layouts.md §4",
    },
    {
      label: "Windows 10 2004-22H2 x64",
      pointerSize: 8,
      minBuild: WIN10_2004,
      maxBuild: WIN10_22H2,
      size: 0x130,
      offsets: { SuspectDriverEntry: 0, PoolPageHeaders: 0x40, PoolTrackers: 0x50, CurrentPagedPoolAllocations: 0x68, CurrentNonPagedPoolAllocations: 0x6c, PagedBytes: 0x78, NonPagedBytes: 0x80 },
      sizes: X64_SIZES,
      source: "layouts.md §4",
      checkedAgainst: [WIN10_2004],
    },
    {
      label: "Windows 10 2004-22H2 x86",
      pointerSize: 4,
      minBuild: WIN10_2004,
      maxBuild: WIN10_22H2,
      size: 0xb8,
      offsets: { SuspectDriverEntry: 0, PoolPageHeaders: 0x20, PoolTrackers: 0x28, CurrentPagedPoolAllocations: 0x34, CurrentNonPagedPoolAllocations: 0x38, PagedBytes: 0x44, NonPagedBytes: 0x48 },
      sizes: { CurrentPagedPoolAllocations: 4, CurrentNonPagedPoolAllocations: 4, PagedBytes: 4, NonPagedBytes: 4 },
      source: "layouts.md §4",
    },
    {
      label: "Windows Server 2022 and Windows 11 21H2-23H2 x64",
      pointerSize: 8,
      minBuild: SERVER_2022,
      maxBuild: WIN11_23H2,
      size: 0x130,
      offsets: { SuspectDriverEntry: 0, PoolPageHeaders: 0x40, PoolTrackers: 0x50, CurrentPagedPoolAllocations: 0x70, CurrentNonPagedPoolAllocations: 0x74, PagedBytes: 0x80, NonPagedBytes: 0x88 },
      sizes: X64_SIZES,
      source: "layouts.md §4; Server 2022's PDB",
      checkedAgainst: [SERVER_2022, 22000],
    },
  ],
};

/**
 * One tracking record in a verifier pool page (`_VI_POOL_ENTRY_INUSE`, §4: WRK verifier.c, the same on every build).
 * Its size is the stride of the page's entry array; entry 0 of each page is the page header.
 */
export const VI_POOL_ENTRY_INUSE: LayoutSpec = {
  module: "nt",
  typeName: "_VI_POOL_ENTRY_INUSE",
  fields: ["VirtualAddress", "CallingAddress", "NumberOfBytes", "Tag"],
  variants: [
    {
      label: "every x64 build",
      pointerSize: 8,
      size: 0x20,
      offsets: { VirtualAddress: 0, CallingAddress: 8, NumberOfBytes: 0x10, Tag: 0x18 },
      // Tag is a ULONG_PTR (the PDBs); the tag is its low four bytes, which the decoder reads.
      sizes: { NumberOfBytes: 8, Tag: 8 },
      source: "layouts.md §4",
      checkedAgainst: ALL_X64_PDBS,
    },
    {
      label: "every x86 build",
      pointerSize: 4,
      size: 0x10,
      offsets: { VirtualAddress: 0, CallingAddress: 4, NumberOfBytes: 8, Tag: 0xc },
      sizes: { NumberOfBytes: 4, Tag: 4 },
      source: "layouts.md §4",
    },
  ],
};
