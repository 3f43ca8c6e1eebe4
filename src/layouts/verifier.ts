// Driver Verifier pool tracking. Source: research/layouts.md §4 (VR: Vergilius PDB dumps; ND; WRK verifier.c).
// Windows 8 to 1803 and Windows 11 24H2 have no built-in variant: there the command falls back to `!verifier 3`.
import { LayoutSpec } from "./types";

const WIN7_SP1 = 7601;
const WIN10_1809 = 17763;
const WIN10_1903 = 18362;
const WIN10_2004 = 19041;
const WIN10_22H2 = 19045;
const WIN11_21H2 = 22000;
const WIN11_23H2 = 22631;

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
      label: "Win7 SP1 x64",
      pointerSize: 8,
      minBuild: WIN7_SP1,
      maxBuild: WIN7_SP1,
      size: 0x100,
      offsets: { SuspectDriverEntry: 0, PoolPageHeaders: 0x30, PoolTrackers: 0x40, CurrentPagedPoolAllocations: 0x50, CurrentNonPagedPoolAllocations: 0x54, PagedBytes: 0x60, NonPagedBytes: 0x68 },
      sizes: { CurrentPagedPoolAllocations: 4, CurrentNonPagedPoolAllocations: 4, PagedBytes: 8, NonPagedBytes: 8 },
      source: "layouts.md §4",
    },
    {
      label: "Win7 SP1 x86",
      pointerSize: 4,
      minBuild: WIN7_SP1,
      maxBuild: WIN7_SP1,
      size: 0x90,
      offsets: { SuspectDriverEntry: 0, PoolPageHeaders: 0x18, PoolTrackers: 0x20, CurrentPagedPoolAllocations: 0x28, CurrentNonPagedPoolAllocations: 0x2c, PagedBytes: 0x38, NonPagedBytes: 0x3c },
      sizes: { CurrentPagedPoolAllocations: 4, CurrentNonPagedPoolAllocations: 4, PagedBytes: 4, NonPagedBytes: 4 },
      source: "layouts.md §4",
    },
    {
      label: "Win10 1809-1903 x64",
      pointerSize: 8,
      minBuild: WIN10_1809,
      maxBuild: WIN10_1903,
      size: 0x120,
      offsets: { SuspectDriverEntry: 0, PoolPageHeaders: 0x40, PoolTrackers: 0x50, CurrentPagedPoolAllocations: 0x60, CurrentNonPagedPoolAllocations: 0x64, PagedBytes: 0x70, NonPagedBytes: 0x78 },
      sizes: { CurrentPagedPoolAllocations: 4, CurrentNonPagedPoolAllocations: 4, PagedBytes: 8, NonPagedBytes: 8 },
      source: "layouts.md §4",
    },
    {
      label: "Win10 1809-1903 x86",
      pointerSize: 4,
      minBuild: WIN10_1809,
      maxBuild: WIN10_1903,
      size: 0xb0,
      offsets: { SuspectDriverEntry: 0, PoolPageHeaders: 0x20, PoolTrackers: 0x28, CurrentPagedPoolAllocations: 0x30, CurrentNonPagedPoolAllocations: 0x34, PagedBytes: 0x40, NonPagedBytes: 0x44 },
      sizes: { CurrentPagedPoolAllocations: 4, CurrentNonPagedPoolAllocations: 4, PagedBytes: 4, NonPagedBytes: 4 },
      source: "layouts.md §4",
    },
    {
      label: "Win10 2004-22H2 x64",
      pointerSize: 8,
      minBuild: WIN10_2004,
      maxBuild: WIN10_22H2,
      size: 0x130,
      offsets: { SuspectDriverEntry: 0, PoolPageHeaders: 0x40, PoolTrackers: 0x50, CurrentPagedPoolAllocations: 0x68, CurrentNonPagedPoolAllocations: 0x6c, PagedBytes: 0x78, NonPagedBytes: 0x80 },
      sizes: { CurrentPagedPoolAllocations: 4, CurrentNonPagedPoolAllocations: 4, PagedBytes: 8, NonPagedBytes: 8 },
      source: "layouts.md §4",
    },
    {
      label: "Win10 2004-22H2 x86",
      pointerSize: 4,
      minBuild: WIN10_2004,
      maxBuild: WIN10_22H2,
      size: 0xb8,
      offsets: { SuspectDriverEntry: 0, PoolPageHeaders: 0x20, PoolTrackers: 0x28, CurrentPagedPoolAllocations: 0x34, CurrentNonPagedPoolAllocations: 0x38, PagedBytes: 0x44, NonPagedBytes: 0x48 },
      sizes: { CurrentPagedPoolAllocations: 4, CurrentNonPagedPoolAllocations: 4, PagedBytes: 4, NonPagedBytes: 4 },
      source: "layouts.md §4",
    },
    {
      label: "Win11 21H2-23H2 x64",
      pointerSize: 8,
      minBuild: WIN11_21H2,
      maxBuild: WIN11_23H2,
      size: 0x130,
      offsets: { SuspectDriverEntry: 0, PoolPageHeaders: 0x40, PoolTrackers: 0x50, CurrentPagedPoolAllocations: 0x70, CurrentNonPagedPoolAllocations: 0x74, PagedBytes: 0x80, NonPagedBytes: 0x88 },
      sizes: { CurrentPagedPoolAllocations: 4, CurrentNonPagedPoolAllocations: 4, PagedBytes: 8, NonPagedBytes: 8 },
      source: "layouts.md §4",
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
      label: "x64, all builds",
      pointerSize: 8,
      size: 0x20,
      offsets: { VirtualAddress: 0, CallingAddress: 8, NumberOfBytes: 0x10, Tag: 0x18 },
      sizes: { NumberOfBytes: 8, Tag: 4 },
      source: "layouts.md §4",
    },
    {
      label: "x86, all builds",
      pointerSize: 4,
      size: 0x10,
      offsets: { VirtualAddress: 0, CallingAddress: 4, NumberOfBytes: 8, Tag: 0xc },
      sizes: { NumberOfBytes: 4, Tag: 4 },
      source: "layouts.md §4",
    },
  ],
};
