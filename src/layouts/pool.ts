// Kernel pool tracking structures. Source: research/layouts.md §2.2 (VR: Vergilius PDB dumps; VG24; ND).
import { LayoutSpec } from "./types";

const WIN10_1709 = 16299;

export const POOL_TRACKER_TABLE: LayoutSpec = {
  module: "nt",
  typeName: "_POOL_TRACKER_TABLE",
  fields: ["Key", "NonPagedAllocs", "NonPagedFrees", "NonPagedBytes", "PagedAllocs", "PagedFrees", "PagedBytes"],
  variants: [
    {
      label: "Win7 SP1-Win10 1703 x64",
      pointerSize: 8,
      maxBuild: WIN10_1709 - 1,
      size: 0x28,
      offsets: { Key: 0, NonPagedAllocs: 4, NonPagedFrees: 8, NonPagedBytes: 0x10, PagedAllocs: 0x18, PagedFrees: 0x1c, PagedBytes: 0x20 },
      sizes: { Key: 4, NonPagedAllocs: 4, NonPagedFrees: 4, NonPagedBytes: 8, PagedAllocs: 4, PagedFrees: 4, PagedBytes: 8 },
      source: "layouts.md §2.2",
    },
    {
      label: "Win7 SP1-Win10 1703 x86",
      pointerSize: 4,
      maxBuild: WIN10_1709 - 1,
      size: 0x1c,
      offsets: { Key: 0, NonPagedAllocs: 4, NonPagedFrees: 8, NonPagedBytes: 0xc, PagedAllocs: 0x10, PagedFrees: 0x14, PagedBytes: 0x18 },
      sizes: { Key: 4, NonPagedAllocs: 4, NonPagedFrees: 4, NonPagedBytes: 4, PagedAllocs: 4, PagedFrees: 4, PagedBytes: 4 },
      source: "layouts.md §2.2",
    },
    {
      label: "Win10 1709-22H2 x64",
      pointerSize: 8,
      minBuild: WIN10_1709,
      maxBuild: 21999,
      size: 0x38,
      offsets: { Key: 0, NonPagedBytes: 8, NonPagedAllocs: 0x10, NonPagedFrees: 0x18, PagedBytes: 0x20, PagedAllocs: 0x28, PagedFrees: 0x30 },
      sizes: { Key: 4, NonPagedAllocs: 8, NonPagedFrees: 8, NonPagedBytes: 8, PagedAllocs: 8, PagedFrees: 8, PagedBytes: 8 },
      source: "layouts.md §2.2",
    },
    {
      label: "Win10 1709+ x86",
      pointerSize: 4,
      minBuild: WIN10_1709,
      size: 0x30,
      offsets: { Key: 0, NonPagedBytes: 4, NonPagedAllocs: 8, NonPagedFrees: 0x10, PagedBytes: 0x18, PagedAllocs: 0x20, PagedFrees: 0x28 },
      sizes: { Key: 4, NonPagedAllocs: 8, NonPagedFrees: 8, NonPagedBytes: 4, PagedAllocs: 8, PagedFrees: 8, PagedBytes: 4 },
      source: "layouts.md §2.2",
    },
    {
      label: "Win11 21H2-24H2 x64",
      pointerSize: 8,
      minBuild: 22000,
      size: 0x50,
      offsets: { Key: 0, NonPagedBytes: 8, NonPagedAllocs: 0x10, NonPagedFrees: 0x18, PagedBytes: 0x20, PagedAllocs: 0x28, PagedFrees: 0x30 },
      sizes: { Key: 4, NonPagedAllocs: 8, NonPagedFrees: 8, NonPagedBytes: 8, PagedAllocs: 8, PagedFrees: 8, PagedBytes: 8 },
      source: "layouts.md §2.2",
    },
  ],
};
