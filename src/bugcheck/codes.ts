// Bugcheck names, parameter meanings, subcodes and NTSTATUS names: data, each table citing its source.
// MSD = Microsoft's bug check reference pages (learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x..),
// as cited in research/layouts.md §5. NTSTATUS names: ntstatus.h (windows-sys constants), meanings: MSD 0x7A page.

import { VERIFIER_SUBCODES } from "./verifier-subcodes";

export interface CodeInfo {
  name: string;
  /** Meanings of Arg1..Arg4 when no subcode says otherwise. */
  parameters: [string, string, string, string];
  source: string;
}

export interface SubcodeInfo {
  meaning: string;
  /** Meanings of Arg2..Arg4 for this subcode, where the page gives them. */
  parameters?: [string, string, string];
}

const SUBCODE = "Subcode: the kind of violation (see below)";

export const BUGCHECK_CODES: { [code: number]: CodeInfo } = {
  0x0a: { name: "IRQL_NOT_LESS_OR_EQUAL", parameters: ["Memory referenced", "IRQL at the time of the reference", "Operation (bit 0: write, bit 3: execute)", "Address that referenced the memory"], source: "MSD bug-check-0xa" },
  0x19: { name: "BAD_POOL_HEADER", parameters: [SUBCODE, "Depends on the subcode", "Depends on the subcode", "Depends on the subcode"], source: "MSD bug-check-0x19--bad-pool-header (layouts.md §5)" },
  0x1a: { name: "MEMORY_MANAGEMENT", parameters: [SUBCODE, "Depends on the subcode", "Depends on the subcode", "Depends on the subcode"], source: "MSD bug-check-0x1a--memory-management" },
  0x1e: { name: "KMODE_EXCEPTION_NOT_HANDLED", parameters: ["Exception code", "Address of the exception", "Exception parameter 0", "Exception parameter 1"], source: "MSD bug-check-0x1e" },
  0x3b: { name: "SYSTEM_SERVICE_EXCEPTION", parameters: ["Exception code", "Address of the instruction that caused the exception", "Address of the context record", "Reserved"], source: "MSD bug-check-0x3b" },
  0x50: { name: "PAGE_FAULT_IN_NONPAGED_AREA", parameters: ["Memory address referenced", "Access (Windows 10: bit 1 write, bit 4 execute; before: 0 read, 1 write)", "Address of the instruction that referenced the memory (if known)", "Fault type: 3 wrong session, 4 address not canonical"], source: "MSD bug-check-0x50--page-fault-in-nonpaged-area (layouts.md §5)" },
  0x7a: { name: "KERNEL_DATA_INPAGE_ERROR", parameters: ["Lock type, or the PTE address (see the layout below)", "Error status (NTSTATUS)", "Current process, InPageSupport address or PTE contents (see the layout)", "Virtual address that could not be paged in"], source: "MSD bug-check-0x7a--kernel-data-inpage-error (layouts.md §5)" },
  0x7e: { name: "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED", parameters: ["Exception code", "Address of the exception", "Address of the exception record", "Address of the context record"], source: "MSD bug-check-0x7e" },
  0xc2: { name: "BAD_POOL_CALLER", parameters: [SUBCODE, "Depends on the subcode", "Depends on the subcode", "Depends on the subcode"], source: "MSD bug-check-0xc2--bad-pool-caller (layouts.md §5)" },
  0xc4: { name: "DRIVER_VERIFIER_DETECTED_VIOLATION", parameters: [SUBCODE, "Depends on the subcode", "Depends on the subcode", "Depends on the subcode"], source: "MSD bug-check-0xc4--driver-verifier-detected-violation (layouts.md §5)" },
  0xd1: { name: "DRIVER_IRQL_NOT_LESS_OR_EQUAL", parameters: ["Memory referenced", "IRQL at the time of the reference", "Operation (0 read, 1 write, 2 or 8 execute)", "Address that referenced the memory"], source: "MSD bug-check-0xd1" },
  0x4e: { name: "PFN_LIST_CORRUPT", parameters: [SUBCODE, "Depends on the subcode", "Depends on the subcode", "Depends on the subcode"], source: "MSD bug-check-0x4e--pfn-list-corrupt" },
  0x8e: { name: "KERNEL_MODE_EXCEPTION_NOT_HANDLED", parameters: ["Exception code", "Address of the exception", "Address of the trap frame", "Reserved"], source: "MSD bug-check-0x8e--kernel-mode-exception-not-handled" },
  0xc1: { name: "SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION", parameters: ["Address the driver tried to free", "Reserved", "Depends on Arg4", "Type of the violation (see below)"], source: "MSD bug-check-0xc1--special-pool-detected-memory-corruption" },
  0xc5: { name: "DRIVER_CORRUPTED_EXPOOL", parameters: ["Memory referenced", "IRQL at the time of the reference", "Operation (0 read, 1 write)", "Address that referenced the memory"], source: "MSD bug-check-0xc5--driver-corrupted-expool" },
  0xcc: { name: "PAGE_FAULT_IN_FREED_SPECIAL_POOL", parameters: ["Memory address referenced", "Operation (0 read, 1 write)", "Address that referenced the memory (if known)", "Reserved"], source: "MSD bug-check-0xcc--page-fault-in-freed-special-pool" },
  0xcd: { name: "PAGE_FAULT_BEYOND_END_OF_ALLOCATION", parameters: ["Memory address referenced", "Operation (0 read, 1 write)", "Address that referenced the memory (if known)", "Reserved"], source: "MSD bug-check-0xcd--page-fault-beyond-end-of-allocation" },
  0xd5: { name: "DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL", parameters: ["Memory address referenced", "Operation (0 read, 1 write)", "Address that referenced the memory (if known)", "Reserved"], source: "MSD bug-check-0xd5--driver-page-fault-in-freed-special-pool" },
  0xd6: { name: "DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION", parameters: ["Memory address referenced", "Operation (0 read, 1 write)", "Address that referenced the memory (if known)", "Reserved"], source: "MSD bug-check-0xd6--driver-page-fault-beyond-end-of-allocation" },
  0x12b: { name: "FAULTY_HARDWARE_CORRUPTED_PAGE", parameters: ["Virtual address that maps the corrupted page", "Physical page number", "Reserved", "Reserved"], source: "MSD bug-check-0x12b--faulty-hardware-corrupted-page" },
  0x139: { name: "KERNEL_SECURITY_CHECK_FAILURE", parameters: [SUBCODE, "Address of the trap frame", "Address of the exception record", "Reserved"], source: "MSD bug-check-0x139--kernel-security-check-failure" },
  0x13a: { name: "KERNEL_MODE_HEAP_CORRUPTION", parameters: ["Type of corruption (see below)", "Address of the heap that reported the corruption", "Address at which the corruption was detected", "Reserved"], source: "MSD bug-check-0x13a--kernel-mode-heap-corruption" },
  0x154: { name: "UNEXPECTED_STORE_EXCEPTION", parameters: ["Pointer to the store context or data manager", "Exception information", "Reserved", "Reserved"], source: "MSD bug-check-0x154--unexpected-store-exception (layouts.md §5)" },
};

/**
 * The reference page the user is pointed at: Microsoft's bug check page, whose address is the code and the name
 * (learn.microsoft.com/.../bug-check-0xc4--driver-verifier-detected-violation). `source` above cites our research for
 * developers; output never names a file of ours (issue 14, part 3).
 */
export function referencePage(code: number): string {
  const info = BUGCHECK_CODES[code];
  const slug = "bug-check-0x" + code.toString(16) + (info ? "--" + info.name.toLowerCase().replace(/_/g, "-") : "");
  return "https://learn.microsoft.com/windows-hardware/drivers/debugger/" + slug;
}

/**
 * The flag Windows sets on the "_M" variants of a code (0x1000007E is 0x7E with it): same meaning and parameters,
 * the name with "_M" appended (MSD bug-check-0x1000007e--system-thread-exception-not-handled-m: "has the same meaning
 * and parameters as bug check 0x7E"; !analyze names it SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M (1000007e), fixtures).
 */
export const M_FLAG = 0x10000000;

export interface CodeName {
  /** The code the tables know: the code without the _M flag when only that one is listed. */
  base: number;
  /** As !analyze names it: KMODE_EXCEPTION_NOT_HANDLED_M for 0x1000008E. */
  name: string;
  /** True when the code carries the _M flag. */
  isM: boolean;
  info: CodeInfo | null;
}

export function codeName(code: number): CodeName {
  const direct = BUGCHECK_CODES[code];
  if (direct) return { base: code, name: direct.name, isM: false, info: direct };
  if ((code & M_FLAG) !== 0) {
    const base = (code & ~M_FLAG) >>> 0;
    const info = BUGCHECK_CODES[base];
    if (info) return { base, name: info.name + "_M", isM: true, info };
  }
  return { base: code, name: "unknown bugcheck", isM: false, info: null };
}

export const SUBCODES: { [code: number]: { [subcode: number]: SubcodeInfo } } = {
  // Every documented Parameter 1: see verifier-subcodes.ts.
  0xc4: VERIFIER_SUBCODES,
  // MSD bug-check-0xc2--bad-pool-caller (MicrosoftDocs/windows-driver-docs, windows-driver-docs-pr/debugger/
  // bug-check-0xc2--bad-pool-caller.md at commit 06b862bd): every Parameter 1 the page lists.
  0xc2: {
    0x00: { meaning: "The caller requested a zero-byte pool allocation", parameters: ["0", "Pool type", "Pool tag"] },
    0x01: { meaning: "A pool header is corrupt", parameters: ["Pointer to the pool header", "First part of the pool header's contents", "0"] },
    0x02: { meaning: "A pool header is corrupt", parameters: ["Pointer to the pool header", "First part of the pool header's contents", "0"] },
    0x04: { meaning: "A pool header is corrupt", parameters: ["Pointer to the pool header", "First part of the pool header's contents", "0"] },
    0x06: { meaning: "The caller freed pool that was already freed (double free)", parameters: ["Reserved", "Pointer to the pool header", "Pool header contents"] },
    0x07: { meaning: "The caller freed pool that was already freed (double free)", parameters: ["Reserved", "Pool header contents", "Address of the block being freed"] },
    0x08: { meaning: "The caller allocated pool at an invalid IRQL", parameters: ["Current IRQL", "Pool type", "Size of the allocation, in bytes"] },
    0x09: { meaning: "The caller freed pool at an invalid IRQL", parameters: ["Current IRQL", "Pool type", "Address of the pool"] },
    0x0a: { meaning: "The caller freed pool with a tag other than the one it was allocated with (it may belong to another component)", parameters: ["Address of the pool", "Allocator's tag", "Tag used in the free"] },
    0x0b: { meaning: "The caller released quota on a corrupt pool allocation", parameters: ["Address of the pool", "The allocation's tag", "Bad quota process pointer"] },
    0x0c: { meaning: "The caller released quota on a corrupt pool allocation", parameters: ["Address of the pool", "The allocation's tag", "Bad quota process pointer"] },
    0x0d: { meaning: "The caller released quota on a corrupt pool allocation", parameters: ["Address of the pool", "The allocation's tag", "Bad quota process pointer"] },
    0x40: { meaning: "The caller freed kernel pool at a user-mode address", parameters: ["Starting address", "Start of system address space", "0"] },
    0x41: { meaning: "The caller freed a nonpaged pool address that is not allocated", parameters: ["Starting address", "Physical page frame", "Highest physical page frame"] },
    0x42: { meaning: "The caller freed a virtual address that was never in any pool", parameters: ["Address being freed", "0", "0"] },
    0x43: { meaning: "The caller freed a virtual address that was never in any pool", parameters: ["Address being freed", "0", "0"] },
    0x44: { meaning: "The caller freed a nonpaged pool address that is not allocated", parameters: ["Starting address", "Reserved", "0"] },
    0x46: { meaning: "The caller freed an invalid pool address", parameters: ["Starting address", "0", "0"] },
    0x47: { meaning: "The caller freed a nonpaged pool address that is not allocated", parameters: ["Starting address", "Physical page frame", "Highest physical page frame"] },
    0x48: { meaning: "The caller freed a paged pool address that is not allocated", parameters: ["Starting address", "Reserved", "Reserved"] },
    0x50: { meaning: "The caller freed a paged pool address that is not allocated", parameters: ["Starting address", "Start offset from the beginning of paged pool, in pages", "Size of paged pool, in bytes"] },
    0x60: { meaning: "MmFreeContiguousMemory was given an invalid address", parameters: ["Starting address", "0", "0"] },
    0x99: { meaning: "The caller freed pool at an invalid address (or the pool header is corrupt)", parameters: ["Address being freed", "0", "0"] },
    0x9a: { meaning: "The caller asked for the obsolete MUST_SUCCEED pool type", parameters: ["Pool type", "Number of bytes requested", "Pool tag"] },
    0x9b: { meaning: "The caller allocated pool with tag 0 (untrackable)", parameters: ["Pool type", "Number of bytes requested", "Caller's address"] },
    0x9c: { meaning: "The caller allocated pool with the tag \"BIG\" (untrackable)", parameters: ["Pool type", "Number of bytes requested", "Caller's address"] },
    0x9d: { meaning: "The caller allocated pool with a tag that has no letter or digit", parameters: ["Incorrect pool tag", "Pool type", "Caller's address"] },
    0x41286: { meaning: "The caller freed a paged pool address in the middle of an allocation", parameters: ["Reserved", "Reserved", "Start offset from the beginning of paged pool, in pages"] },
  },
  // MSD bug-check-0x13a--kernel-mode-heap-corruption (learn.microsoft.com, Parameter 1 list): 0x11 and 0x12 were added
  // after MicrosoftDocs/windows-driver-docs issues #1980 and #2015 (real dumps carried them).
  0x13a: {
    0x03: { meaning: "A corrupt entry header was detected" },
    0x04: { meaning: "Multiple corrupt entry headers were detected" },
    0x05: { meaning: "A corrupt entry header in a large allocation was detected" },
    0x06: { meaning: "A corruption with the features of a buffer overrun" },
    0x07: { meaning: "A corruption with the features of a buffer underrun" },
    0x08: { meaning: "A free block was passed to an operation only valid for busy blocks" },
    0x09: { meaning: "An invalid argument was passed to the heap" },
    0x0a: { meaning: "An invalid allocation type was detected" },
    0x0b: { meaning: "A corruption with the features of a use after free" },
    0x0c: { meaning: "The wrong heap was specified for the operation" },
    0x0d: { meaning: "A corrupt free list was detected" },
    0x0e: { meaning: "List corruption in a list other than the free list" },
    0x0f: { meaning: "A free block was passed to an operation only valid for busy blocks" },
    0x10: { meaning: "Invalid internal heap state, usually the result of a buffer overflow" },
    0x11: { meaning: "Invalid internal heap state, usually the result of a buffer overflow" },
    0x12: { meaning: "Invalid internal heap state, usually the result of a buffer overflow" },
    0x13: { meaning: "The heap API was passed a NULL heap handle" },
  },
  // MSD bug-check-0x139--kernel-security-check-failure, Parameter 1 table (0-11).
  0x139: {
    0x00: { meaning: "A stack-based buffer was overrun (legacy /GS violation)" },
    0x01: { meaning: "VTGuard detected an illegal virtual function table (a corrupted C++ object)" },
    0x02: { meaning: "The stack cookie check detected a stack-based buffer overrun (/GS violation)" },
    0x03: { meaning: "A LIST_ENTRY was corrupted (for example a double remove, or an overrun into the entry)" },
    // Reserved on Microsoft's page; the debugger names it (wbenny/hvpp #41, test/fixtures/analyze/analyze-hvpp41-x64-139.txt).
    0x04: { meaning: "The thread's stack pointer was outside the legal stack extents for the thread" },
    0x05: { meaning: "An invalid parameter was passed to a function that treats it as fatal" },
    0x06: { meaning: "The stack cookie was not initialized by the loader" },
    0x07: { meaning: "A fatal program exit was requested" },
    0x08: { meaning: "A compiler-inserted array bounds check failed" },
    0x09: { meaning: "RtlQueryRegistryValues with RTL_QUERY_REGISTRY_DIRECT and no type check on an untrusted hive" },
    0x0a: { meaning: "Control flow guard detected an invalid indirect call" },
    0x0b: { meaning: "Write guard detected an invalid memory write" },
  },
  // MSD bug-check-0x4e--pfn-list-corrupt, Parameter 1 values.
  0x4e: {
    0x01: { meaning: "The list head was corrupt", parameters: ["The ListHead value that was corrupt", "The number of pages available", "0"] },
    0x02: { meaning: "A list entry was corrupt", parameters: ["The entry in the list being removed", "The highest physical page number", "The reference count of the entry being removed"] },
    0x07: { meaning: "A driver unlocked a page more times than it locked it", parameters: ["The page frame number", "The current share count", "0"] },
    0x8f: { meaning: "The free or zeroed page listhead is corrupt", parameters: ["New page", "Old page", "0"] },
    0x99: { meaning: "A page table entry (PTE) or PFN is corrupt", parameters: ["Page frame number", "Current page state", "0"] },
    0x9a: { meaning: "A driver freed a page that is still locked for I/O (MmUnlockPages missing)", parameters: ["Page frame number", "Current page state", "The reference count of the entry being removed"] },
  },
  // MSD bug-check-0x19--bad-pool-header (MicrosoftDocs/windows-driver-docs, windows-driver-docs-pr/debugger/
  // bug-check-0x19--bad-pool-header.md at commit 06dca44b): every Parameter 1 the page lists.
  0x19: {
    0x02: { meaning: "The special pool pattern check failed: the owner probably corrupted the block", parameters: ["The pool entry being checked", "Size of the pool block", "0"] },
    0x03: { meaning: "The pool free list is corrupt (in a healthy list Arg2, Arg3 and Arg4 are equal)", parameters: ["The pool entry being checked", "Free list Flink read back", "Free list Blink read back"] },
    0x05: { meaning: "Two adjacent pool headers contradict each other: at least one is corrupt", parameters: ["One of the pool entries", "Reserved", "The other pool entry"] },
    0x06: { meaning: "A pool block header's previous size is too large", parameters: ["The entry calculated wrongly", "Reserved", "The bad entry that caused the miscalculation"] },
    0x07: { meaning: "A pool block header's size is corrupt", parameters: ["0", "Reserved", "The bad pool entry"] },
    0x08: { meaning: "A pool block header's size is zero", parameters: ["0", "Reserved", "The bad pool entry"] },
    0x09: { meaning: "A pool block header's size is corrupt (too large)", parameters: ["The entry calculated wrongly", "Reserved", "The bad entry that caused the miscalculation"] },
    0x0a: { meaning: "A pool block header's size is corrupt", parameters: ["The pool entry that should have been found", "Reserved", "Virtual address of the page that should have held it"] },
    0x0d: { meaning: "A freed block's pool header was modified after the free (usually an overrun of the block before it)", parameters: ["Reserved", "Reserved", "Reserved"] },
    0x0e: { meaning: "A freed block's pool header was modified after the free (usually an overrun of the block before it)", parameters: ["Reserved", "Reserved", "Reserved"] },
    0x0f: { meaning: "A freed block's pool header was modified after the free (usually an overrun of the block before it)", parameters: ["Reserved", "Reserved", "Reserved"] },
    0x20: { meaning: "A pool block header's size is corrupt", parameters: ["The pool entry that should have been found", "The next pool entry", "Reserved"] },
    0x21: { meaning: "The data after the pool block being freed is corrupt: its user overran it", parameters: ["The pool pointer being freed", "Number of bytes allocated for the block", "The corrupted value found after the block"] },
    0x22: { meaning: "A freed address has no tracking entry (freed twice, or never allocated)", parameters: ["The address being freed", "Reserved", "Reserved"] },
    0x23: { meaning: "A freed block's pool header was modified after the free (usually an overrun of the block before it)", parameters: ["Reserved", "Reserved", "Reserved"] },
    0x24: { meaning: "A freed block's pool header was modified after the free (usually an overrun of the block before it)", parameters: ["Reserved", "Reserved", "Reserved"] },
    0x25: { meaning: "A freed block's pool header was modified after the free (usually an overrun of the block before it)", parameters: ["Reserved", "Reserved", "Reserved"] },
  },
  // MSD bug-check-0x1a--memory-management (MicrosoftDocs/windows-driver-docs, windows-driver-docs-pr/debugger/
  // bug-check-0x1a--memory-management.md at commit 0122b7ff), every row; 0x3f, 0x404, 0x1236, 0x1240, 0x3300 from
  // the page as published today; 0x41790's meaning on 32-bit differs (Arg2 points at the used-PTE count).
  0x1a: {
    0x01: { meaning: "The fork clone block reference count is corrupt (checked builds only)" },
    0x31: { meaning: "An image's relocation fix-up table or code stream is corrupt; probably a hardware error" },
    0x3f: { meaning: "An in-page operation failed a CRC check", parameters: ["Page file offset", "CRC of the page", "Expected CRC"] },
    0x403: { meaning: "Page table and PFNs are out of sync; probably a hardware error, especially if Arg3 and Arg4 differ in one bit" },
    0x404: { meaning: "Deleting a system page found the PFN and the PTE pointer inconsistent", parameters: ["Expected PTE", "PTE contents", "PTE of the PFN"] },
    0x411: { meaning: "A PTE is corrupt", parameters: ["Address of the PTE", "Reserved", "Reserved"] },
    0x777: { meaning: "The caller unlocked a system cache address that is not locked (never mapped, or unlocked twice)" },
    0x778: { meaning: "The system is using the very last system cache view address instead of preserving it" },
    0x780: { meaning: "The PTEs mapping a system cache view are corrupt" },
    0x781: { meaning: "The PTEs mapping a system cache view are corrupt" },
    0x1000: { meaning: "MmGetSystemAddressForMdl* was refused mapping a cached page as non-cached, and the MDL asked for a bug check on failure" },
    0x1010: { meaning: "The caller unlocked a pageable section that is not locked" },
    0x1233: { meaning: "A driver mapped a physical page that is not locked", parameters: ["PFN the driver tried to map", "Reserved", "Reserved"] },
    0x1234: { meaning: "The caller locked a pageable section that does not exist" },
    0x1235: { meaning: "The caller protected an MDL with an invalid mapping" },
    0x1236: { meaning: "The caller passed an MDL with unlocked or invalid physical pages", parameters: ["MDL", "Pointer to the invalid PFN", "Invalid PFN value"] },
    0x1240: { meaning: "The caller built an MDL for a virtual range that is not resident", parameters: ["MDL", "PTE pointer", "Reserved"] },
    0x3300: { meaning: "A write touched an address wrongly marked copy-on-write", parameters: ["Faulting address", "PTE contents", "Reserved"] },
    0x3451: { meaning: "The PTEs of a swapped-out kernel thread stack are corrupt" },
    0x4477: { meaning: "A driver wrote to an unallocated user-space address of the System process", parameters: ["Address written", "Reserved", "Reserved"] },
    0x5003: { meaning: "The working set free list is corrupt; probably a hardware error" },
    0x5100: { meaning: "The allocation bitmap is corrupt: a virtual address in use was about to be reused" },
    0x5200: { meaning: "A page on a free pool SLIST is corrupt: a write after free or an overrun of the page before", parameters: ["Address of the free pool block", "Value found", "Value expected"] },
    0x8884: { meaning: "Two standby-list pages that should have the same page priority do not (Windows 7)", parameters: ["Reserved", "Reserved", "The differing priorities"] },
    0x8888: { meaning: "Memory manager structures are corrupt" },
    0x8889: { meaning: "Memory manager structures are corrupt" },
    0x888a: { meaning: "Memory manager structures (likely a PTE or PFN) are corrupt" },
    0x41283: { meaning: "The working set index encoded in a PTE is corrupt" },
    0x41284: { meaning: "A PTE or the working set list is corrupt" },
    0x41286: { meaning: "The caller freed an invalid pool address" },
    0x41287: { meaning: "An illegal page fault while holding working set synchronization", parameters: ["Referenced virtual address", "Reserved", "Reserved"] },
    0x41785: { meaning: "The working set list is corrupt" },
    0x41790: { meaning: "A page table page is corrupt", parameters: ["x64: address of the PFN of the page table page; x86: pointer to the used-PTE count", "x86: the used-PTE count", "Reserved"] },
    0x41792: { meaning: "A corrupt PTE was detected", parameters: ["Address of the PTE", "Low part of the PTE", "High part of the PTE"] },
    0x61940: { meaning: "A PDE was invalidated unexpectedly" },
    0x61941: { meaning: "The paging hierarchy is corrupt", parameters: ["Pointer to the virtual address that caused the fault", "Reserved", "Reserved"] },
    0x61946: { meaning: "A flawed MDL is being built: almost always the driver calling MmProbeAndLockPages (a write MDL for a paging read)" },
    0x61949: { meaning: "The IoPageFrameNode is null", parameters: ["PageFrameIndex", "Reserved", "Reserved"] },
    0x03030303: { meaning: "The boot loader is broken (Itanium only)" },
    0x03030308: { meaning: "A range to remove is in use by the loader", parameters: ["HighestPhysicalPage", "Reserved", "Reserved"] },
  },
};

export interface StatusInfo {
  name: string;
  /** In plain words, as the verdict uses it: "device I/O error". */
  meaning: string;
  /** What to look at when the storage stack reports it (MSD 0x7A page), or null when it is not a storage error. */
  storageAdvice: string | null;
}

export const NTSTATUS: { [status: number]: StatusInfo } = {
  0xc0000005: { name: "STATUS_ACCESS_VIOLATION", meaning: "access violation", storageAdvice: null },
  0xc0000006: { name: "STATUS_IN_PAGE_ERROR", meaning: "in-page I/O error", storageAdvice: null },
  // Exception codes of the exception bugchecks (ntstatus.h names; MSD 0x7E lists the first three as the common ones).
  0x80000002: { name: "STATUS_DATATYPE_MISALIGNMENT", meaning: "misaligned data reference", storageAdvice: null },
  0x80000003: { name: "STATUS_BREAKPOINT", meaning: "breakpoint or assertion hit with no debugger attached", storageAdvice: null },
  0x80000004: { name: "STATUS_SINGLE_STEP", meaning: "single step", storageAdvice: null },
  0xc0000008: { name: "STATUS_INVALID_HANDLE", meaning: "invalid handle", storageAdvice: null },
  0xc000001d: { name: "STATUS_ILLEGAL_INSTRUCTION", meaning: "illegal instruction", storageAdvice: null },
  0xc0000094: { name: "STATUS_INTEGER_DIVIDE_BY_ZERO", meaning: "integer divide by zero", storageAdvice: null },
  0xc0000096: { name: "STATUS_PRIVILEGED_INSTRUCTION", meaning: "privileged instruction", storageAdvice: null },
  0xc00000fd: { name: "STATUS_STACK_OVERFLOW", meaning: "stack overflow", storageAdvice: null },
  0xc0000374: { name: "STATUS_HEAP_CORRUPTION", meaning: "heap corruption", storageAdvice: null },
  0xc0000409: { name: "STATUS_STACK_BUFFER_OVERRUN", meaning: "stack buffer overrun or fast fail", storageAdvice: null },
  0xc0000420: { name: "STATUS_ASSERTION_FAILURE", meaning: "assertion failure", storageAdvice: null },
  0xc000000e: { name: "STATUS_NO_SUCH_DEVICE", meaning: "no such device", storageAdvice: "a hardware failure or a wrong drive configuration: check the drive and its configuration" },
  0xc000009a: { name: "STATUS_INSUFFICIENT_RESOURCES", meaning: "insufficient resources", storageAdvice: "the system ran out of resources (nonpaged pool, PTEs); look for a leak before suspecting the disk" },
  0xc000009c: { name: "STATUS_DEVICE_DATA_ERROR", meaning: "device data error", storageAdvice: "bad blocks on the disk: check the disk (chkdsk /r) and its SMART data" },
  0xc000009d: { name: "STATUS_DEVICE_NOT_CONNECTED", meaning: "device not connected", storageAdvice: "the controller cannot see the disk: check the cabling and the controller" },
  0xc000016a: { name: "STATUS_DISK_OPERATION_FAILED", meaning: "disk operation failed", storageAdvice: "check the disk" },
  0xc0000185: { name: "STATUS_IO_DEVICE_ERROR", meaning: "device I/O error", storageAdvice: "check the disk and its controller" },
};

export function statusText(status: number): string {
  const info = NTSTATUS[status];
  const hex = ("00000000" + status.toString(16)).slice(-8);
  return info ? hex + " " + info.name + " (" + info.meaning + ")" : hex + " (an NTSTATUS leaktools does not name)";
}
