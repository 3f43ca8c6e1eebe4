// KUSER_SHARED_DATA: the page the kernel shares with every process at a fixed address. Its layout is part of the
// user-mode ABI (ntddk.h asserts each offset with C_ASSERT, and user-mode code reads it at fixed offsets), so it is
// read at these offsets on every build rather than from the symbols. Offsets checked against the _KUSER_SHARED_DATA
// of all 213 x64 builds in shared research isf/ (Windows 7 SP1 to Windows 11 21H2): InterruptTime +0x08,
// SystemTime +0x14 and NumberOfPhysicalPages +0x2E8 on all of them; BootId +0x2C4 from build 14393 on (absent on
// 7601 and 9600; 10240-10586 are not in the set, so BootId is not read before 14393).

/** KI_USER_SHARED_DATA: 0xFFFFF780`00000000 on x64, 0xFFDF0000 on x86 (wdm.h). */
export const KUSER_SHARED_DATA_X64 = { high: 0xfffff780, low: 0 } as const;
export const KUSER_SHARED_DATA_X86 = 0xffdf0000;

export const KUSER = {
  /** KSYSTEM_TIME (LowPart, High1Time, High2Time): 100 ns since boot, sleep and hibernation included. */
  InterruptTime: 0x08,
  /** KSYSTEM_TIME: 100 ns since 1601-01-01 UTC, the target's wall clock. */
  SystemTime: 0x14,
  /** ULONG, incremented at each boot (the registry's BootId), build 14393 and later. */
  BootId: 0x2c4,
  BootIdFromBuild: 14393,
  /** ULONG: physical pages the memory manager uses. */
  NumberOfPhysicalPages: 0x2e8,
  /** Bytes read from the start of the page to cover every field above (one read). */
  bytesToRead: 0x2ec,
} as const;
