// Offsets transcribed from shared research layouts.md for the target builders. Deliberately independent of
// src/layouts (DESIGN convention 10): a wrong layout in the code must fail a test, not be copied into it.
// Section numbers refer to layouts.md. Domain builders add their own tables in their own files.

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

/** §2.2 _POOL_TRACKER_TABLE: [offset, size] per field. */
export function poolTrackerLayout(build: number, pointerSize: 4 | 8) {
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

/** §2.3 _POOL_TRACKER_BIG_PAGES. */
export function bigPagesLayout(build: number, pointerSize: 4 | 8) {
  if (pointerSize === 4) return { size: 0x10, Va: 0, Key: 4, PoolType: 8, NumberOfBytes: 0xc };
  if (build >= BUILDS.win11_21h2) return { size: 0x20, Va: 0, Key: 8, PoolType: 0xc, NumberOfBytes: 0x10 };
  return { size: 0x18, Va: 0, Key: 8, PoolType: 0xc, NumberOfBytes: 0x10 };
}

/** §3 _KLDR_DATA_TABLE_ENTRY (x64 / x86). */
export function kldrLayout(pointerSize: 4 | 8) {
  return pointerSize === 8
    ? { size: 0xa0, InLoadOrderLinks: 0, DllBase: 0x30, EntryPoint: 0x38, SizeOfImage: 0x40, FullDllName: 0x48, BaseDllName: 0x58, Flags: 0x68 }
    : { size: 0x5c, InLoadOrderLinks: 0, DllBase: 0x18, EntryPoint: 0x1c, SizeOfImage: 0x20, FullDllName: 0x24, BaseDllName: 0x2c, Flags: 0x34 };
}

/** §1.5 _PEB fields, plus OSBuildNumber (dt ntdll!_PEB: +0x120 x64, +0xAC x86). */
export function pebLayout(pointerSize: 4 | 8) {
  return pointerSize === 8
    ? { size: 0x7c8, ImageBaseAddress: 0x10, Ldr: 0x18, ProcessHeap: 0x30, NtGlobalFlag: 0xbc, NumberOfHeaps: 0xe8, MaximumNumberOfHeaps: 0xec, ProcessHeaps: 0xf0, OSBuildNumber: 0x120 }
    : { size: 0x480, ImageBaseAddress: 0x8, Ldr: 0xc, ProcessHeap: 0x18, NtGlobalFlag: 0x68, NumberOfHeaps: 0x88, MaximumNumberOfHeaps: 0x8c, ProcessHeaps: 0x90, OSBuildNumber: 0xac };
}
