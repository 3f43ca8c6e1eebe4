// Layouts for the target builders, deliberately independent of src/layouts (DESIGN convention 10): a wrong layout
// in the code must fail a test, not be copied into it. x64 builds of the PDB data set (7601, 9600, 14393, 17763,
// 18326, 18362/18363, 19041-19045, 20348, 22000) take them from Microsoft's PDBs (test/fixtures/pdb-layouts, via
// pdb-layouts.ts); x86, the builds the data set lacks (15063, 16299, 22621+) and ntdll-only structures keep the
// offsets transcribed from shared research layouts.md (section numbers refer to it). Domain builders add their own
// tables in their own files.
import { hasPdbData, pdbLayout, pdbField, pdbType } from "./pdb-layouts";

export const BUILDS = {
  win7sp1: 7601,
  win81: 9600,
  win10_1703: 15063,
  win10_1709: 16299,
  win10_1809: 17763,
  win10_2004: 19041,
  win10_22h2: 19045,
  win11_21h2: 22000,
  win11_22h2: 22621,
  win11_23h2: 22631,
  win11_24h2: 26100,
} as const;

const TRACKER_FIELDS = ["Key", "NonPagedAllocs", "NonPagedFrees", "NonPagedBytes", "PagedAllocs", "PagedFrees", "PagedBytes"] as const;

/** _POOL_TRACKER_TABLE: [offset, size] per field; the PDB's, else layouts.md §2.2. */
export function poolTrackerLayout(build: number, pointerSize: 4 | 8): { size: number } & { [K in (typeof TRACKER_FIELDS)[number]]: readonly [number, number] } {
  if (hasPdbData(build, pointerSize)) return pdbLayout(build, "_POOL_TRACKER_TABLE", TRACKER_FIELDS)!;
  const newOrder = build >= BUILDS.win10_1709;
  if (pointerSize === 8 && !newOrder) {
    return { size: 0x28, Key: [0, 4], NonPagedAllocs: [4, 4], NonPagedFrees: [8, 4], NonPagedBytes: [0x10, 8], PagedAllocs: [0x18, 4], PagedFrees: [0x1c, 4], PagedBytes: [0x20, 8] } as const;
  }
  if (pointerSize === 4 && !newOrder) {
    return { size: 0x1c, Key: [0, 4], NonPagedAllocs: [4, 4], NonPagedFrees: [8, 4], NonPagedBytes: [0xc, 4], PagedAllocs: [0x10, 4], PagedFrees: [0x14, 4], PagedBytes: [0x18, 4] } as const;
  }
  if (pointerSize === 4) {
    return { size: 0x30, Key: [0, 4], NonPagedBytes: [4, 4], NonPagedAllocs: [8, 8], NonPagedFrees: [0x10, 8], PagedBytes: [0x18, 4], PagedAllocs: [0x20, 8], PagedFrees: [0x28, 8] } as const;
  }
  const size = build >= BUILDS.win11_21h2 ? 0x50 : 0x38;
  return { size, Key: [0, 4], NonPagedBytes: [8, 8], NonPagedAllocs: [0x10, 8], NonPagedFrees: [0x18, 8], PagedBytes: [0x20, 8], PagedAllocs: [0x28, 8], PagedFrees: [0x30, 8] } as const;
}

/** _POOL_TRACKER_BIG_PAGES offsets; the PDB's, else layouts.md §2.3. PoolType is the ULONG after Key (its bits 8-19
 *  from Windows 10 on). */
export function bigPagesLayout(build: number, pointerSize: 4 | 8): { size: number; Va: number; Key: number; PoolType: number; NumberOfBytes: number } {
  if (hasPdbData(build, pointerSize)) {
    const at = (f: string) => pdbField(build, "_POOL_TRACKER_BIG_PAGES", f)!.offset;
    return { size: pdbType(build, "_POOL_TRACKER_BIG_PAGES")!.size, Va: at("Va"), Key: at("Key"), PoolType: at("PoolType"), NumberOfBytes: at("NumberOfBytes") };
  }
  if (pointerSize === 4) return { size: 0x10, Va: 0, Key: 4, PoolType: 8, NumberOfBytes: 0xc };
  if (build >= BUILDS.win11_21h2) return { size: 0x20, Va: 0, Key: 8, PoolType: 0xc, NumberOfBytes: 0x10 };
  return { size: 0x18, Va: 0, Key: 8, PoolType: 0xc, NumberOfBytes: 0x10 };
}

const PEB_FIELDS = ["ImageBaseAddress", "Ldr", "ProcessHeap", "NtGlobalFlag", "NumberOfHeaps", "MaximumNumberOfHeaps", "ProcessHeaps", "OSBuildNumber"] as const;

/** _PEB fields: the PDB's (the kernel's _PEB is ntdll's), else layouts.md §1.5 plus OSBuildNumber (dt ntdll!_PEB:
 *  +0x120 x64, +0xAC x86). */
export function pebLayout(pointerSize: 4 | 8, build?: number): { size: number } & { [K in (typeof PEB_FIELDS)[number]]: number } {
  if (build !== undefined && hasPdbData(build, pointerSize)) {
    const out: { [name: string]: number } = { size: pdbType(build, "_PEB")!.size };
    for (const f of PEB_FIELDS) out[f] = pdbField(build, "_PEB", f)!.offset;
    return out as { size: number } & { [K in (typeof PEB_FIELDS)[number]]: number };
  }
  return pointerSize === 8
    ? { size: 0x7c8, ImageBaseAddress: 0x10, Ldr: 0x18, ProcessHeap: 0x30, NtGlobalFlag: 0xbc, NumberOfHeaps: 0xe8, MaximumNumberOfHeaps: 0xec, ProcessHeaps: 0xf0, OSBuildNumber: 0x120 }
    : { size: 0x480, ImageBaseAddress: 0x8, Ldr: 0xc, ProcessHeap: 0x18, NtGlobalFlag: 0x68, NumberOfHeaps: 0x88, MaximumNumberOfHeaps: 0x8c, ProcessHeaps: 0x90, OSBuildNumber: 0xac };
}
