// Kernel pool tracking structures. Source: research/layouts.md §2.2 (VR: Vergilius PDB dumps; VG24; ND); the x64
// variants are held against Microsoft's PDBs of 213 builds (test/fixtures/pdb-layouts, `checkedAgainst`).
import { LayoutSpec } from "./types";

const WIN10_1709 = 16299;
/** Windows Server 2022: the first build with the Windows 11 pool tracker sizes (0x50, big pages 0x20; its PDB). */
const SERVER_2022 = 20348;

export const POOL_TRACKER_TABLE: LayoutSpec = {
  module: "nt",
  typeName: "_POOL_TRACKER_TABLE",
  fields: ["Key", "NonPagedAllocs", "NonPagedFrees", "NonPagedBytes", "PagedAllocs", "PagedFrees", "PagedBytes"],
  variants: [
    {
      label: "Windows 7 SP1 to 10 1703 x64",
      pointerSize: 8,
      maxBuild: WIN10_1709 - 1,
      size: 0x28,
      offsets: { Key: 0, NonPagedAllocs: 4, NonPagedFrees: 8, NonPagedBytes: 0x10, PagedAllocs: 0x18, PagedFrees: 0x1c, PagedBytes: 0x20 },
      sizes: { Key: 4, NonPagedAllocs: 4, NonPagedFrees: 4, NonPagedBytes: 8, PagedAllocs: 4, PagedFrees: 4, PagedBytes: 8 },
      source: "layouts.md §2.2",
      checkedAgainst: [7601, 9600, 14393],
    },
    {
      label: "Windows 7 SP1 to 10 1703 x86",
      pointerSize: 4,
      maxBuild: WIN10_1709 - 1,
      size: 0x1c,
      offsets: { Key: 0, NonPagedAllocs: 4, NonPagedFrees: 8, NonPagedBytes: 0xc, PagedAllocs: 0x10, PagedFrees: 0x14, PagedBytes: 0x18 },
      sizes: { Key: 4, NonPagedAllocs: 4, NonPagedFrees: 4, NonPagedBytes: 4, PagedAllocs: 4, PagedFrees: 4, PagedBytes: 4 },
      source: "layouts.md §2.2",
    },
    {
      label: "Windows 10 1709-22H2 x64",
      pointerSize: 8,
      minBuild: WIN10_1709,
      maxBuild: SERVER_2022 - 1,
      size: 0x38,
      offsets: { Key: 0, NonPagedBytes: 8, NonPagedAllocs: 0x10, NonPagedFrees: 0x18, PagedBytes: 0x20, PagedAllocs: 0x28, PagedFrees: 0x30 },
      sizes: { Key: 4, NonPagedAllocs: 8, NonPagedFrees: 8, NonPagedBytes: 8, PagedAllocs: 8, PagedFrees: 8, PagedBytes: 8 },
      source: "layouts.md §2.2",
      checkedAgainst: [17763, 18326, 18362, 19041],
    },
    {
      label: "Windows 10 1709 and later x86",
      pointerSize: 4,
      minBuild: WIN10_1709,
      size: 0x30,
      offsets: { Key: 0, NonPagedBytes: 4, NonPagedAllocs: 8, NonPagedFrees: 0x10, PagedBytes: 0x18, PagedAllocs: 0x20, PagedFrees: 0x28 },
      sizes: { Key: 4, NonPagedAllocs: 8, NonPagedFrees: 8, NonPagedBytes: 4, PagedAllocs: 8, PagedFrees: 8, PagedBytes: 4 },
      source: "layouts.md §2.2",
    },
    {
      label: "Windows Server 2022 and Windows 11 21H2-24H2 x64",
      pointerSize: 8,
      minBuild: SERVER_2022,
      size: 0x50,
      offsets: { Key: 0, NonPagedBytes: 8, NonPagedAllocs: 0x10, NonPagedFrees: 0x18, PagedBytes: 0x20, PagedAllocs: 0x28, PagedFrees: 0x30 },
      sizes: { Key: 4, NonPagedAllocs: 8, NonPagedFrees: 8, NonPagedBytes: 8, PagedAllocs: 8, PagedFrees: 8, PagedBytes: 8 },
      source: "layouts.md §2.2; Server 2022's PDB",
      checkedAgainst: [20348, 22000],
    },
  ],
};

const WIN10 = 10240;

/**
 * nt!PoolBigPageTable entries. Source: research/layouts.md §2.3 (VR, VG, VG24). `Va` bit 0 set marks a free entry.
 * The pool type is the ULONG after Key: a plain PoolType before Windows 10, a bit field (Pattern:8, PoolType:12,
 * SlushSize:12) from Windows 10 on, so decoders shift it by `poolTypeShift(build)`; symbols give no bit positions.
 */
export const POOL_TRACKER_BIG_PAGES: LayoutSpec = {
  module: "nt",
  typeName: "_POOL_TRACKER_BIG_PAGES",
  fields: ["Va", "Key", "NumberOfBytes"],
  variants: [
    {
      label: "Windows 7 SP1 to 8.1 x64",
      pointerSize: 8,
      maxBuild: WIN10 - 1,
      size: 0x18,
      offsets: { Va: 0, Key: 8, PoolType: 0xc, NumberOfBytes: 0x10 },
      sizes: { Va: 8, Key: 4, PoolType: 4, NumberOfBytes: 8 },
      source: "layouts.md §2.3",
      checkedAgainst: [7601, 9600],
    },
    {
      label: "Windows 10 1507-22H2 x64",
      pointerSize: 8,
      minBuild: WIN10,
      maxBuild: SERVER_2022 - 1,
      size: 0x18,
      offsets: { Va: 0, Key: 8, PoolType: 0xc, NumberOfBytes: 0x10 },
      sizes: { Va: 8, Key: 4, PoolType: 4, NumberOfBytes: 8 },
      source: "layouts.md §2.3",
      checkedAgainst: [14393, 17763, 18326, 18362, 19041],
    },
    {
      label: "Windows Server 2022 and Windows 11 21H2-24H2 x64",
      pointerSize: 8,
      minBuild: SERVER_2022,
      size: 0x20,
      offsets: { Va: 0, Key: 8, PoolType: 0xc, NumberOfBytes: 0x10 },
      sizes: { Va: 8, Key: 4, PoolType: 4, NumberOfBytes: 8 },
      source: "layouts.md §2.3; Server 2022's PDB",
      checkedAgainst: [20348, 22000],
    },
    {
      label: "Windows 7 SP1 to 10 x86",
      pointerSize: 4,
      size: 0x10,
      offsets: { Va: 0, Key: 4, PoolType: 8, NumberOfBytes: 0xc },
      sizes: { Va: 4, Key: 4, PoolType: 4, NumberOfBytes: 4 },
      source: "layouts.md §2.3",
    },
  ],
};

/** Bits to shift the ULONG after Key to reach PoolType: 0 before Windows 10, 8 from it (layouts.md §2.3). */
export function bigPagePoolTypeShift(build: number | null): number {
  return build !== null && build < WIN10 ? 0 : 8;
}

/**
 * Whether entries of this size pin the PoolType bits: 0x20-byte x64 entries exist only from Server 2022 on (bits 8-19);
 * 0x18-byte x64 and 0x10-byte x86 entries are both Windows 7/8.1's plain ULONG and Windows 10's bit field, so without
 * the build the shift is a guess (the PDBs of 7601 and 9600 against 14393-19041).
 */
export function bigPagePoolTypeShiftFollowsSize(size: number, pointerSize: 4 | 8): boolean {
  const same = POOL_TRACKER_BIG_PAGES.variants.filter((v) => v.pointerSize === pointerSize && v.size === size);
  const before = same.some((v) => (v.minBuild || 0) < WIN10);
  const after = same.some((v) => v.maxBuild === undefined || v.maxBuild >= WIN10);
  return !(before && after);
}
