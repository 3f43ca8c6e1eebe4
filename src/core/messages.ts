// Every message the user reads, in one place. Each says what was tried and what to do next.
// Sections per command keep additions from colliding.

export const messages = {
  // --- toolkit-wide ---
  internalError: (command: string, detail: string) =>
    "!" + command + " stopped: " + detail.replace(/[\x00-\x1f]/g, " ") +
    ". This is a bug in leaktools; please report it with the command you ran (see !leaktools).",
  needsKernel: (command: string) =>
    "!" + command + " needs a kernel target (a kernel dump or a kd/KDNET session); this is a user-mode session.",
  needsUserMode: (command: string) =>
    "!" + command + " needs a user-mode target (a process or a user-mode dump); this is a kernel session. " +
    "Switch to the process first: .process /i <EPROCESS>, g, then run it again.",
  symbolMissing: (symbol: string) =>
    "The symbol " + symbol + " was not found. Load the kernel's symbols (.symfix; .reload /f nt) and try again.",
  layoutFallback: (description: string) => "Layout: " + description + ".",
  unreadable: (what: string, address: string) => "Could not read " + what + " at " + address + "; the rest is shown.",
  noModules: () => "The debugger reported no loaded modules. Run .reload and try again.",

  // --- leaktag / pooltags / leaks ---

  // --- findimporter ---

  // --- virtblocks ---
  virtblocksUsage: (command: string, given: string) =>
    "!" + command + " takes an optional heap address (!" + command + " 0x29fb0000), not " + given + ". Run !heap -s for the heaps.",
  virtblocksNoPeb: () =>
    "The process's PEB could not be found (neither the process's EnvironmentBlock nor $peb). Run .reload /f ntdll and try again.",
  virtblocksHeapNotInProcess: (heap: string) =>
    "Heap " + heap + " is not in the PEB's ProcessHeaps list; run !heap -s for the heaps of this process.",
  virtblocksLayoutMissing: (reason: string) =>
    "No layout for the heap structures: " + reason + ". Load ntdll's symbols (.symfix; .reload /f ntdll) and try again.",
  virtblocksUstOff: (flags: string) =>
    "Allocation stacks: not recorded (NtGlobalFlag " + flags + " has no +ust). To record them, run gflags /i app.exe +ust " +
    "(your executable's name), restart the process and reproduce the growth.",
  virtblocksHeapCommitNote: () =>
    "Committed (blocks) is what the virtual blocks hold. Heap committed (segments) is the heap's own segments, the " +
    "Commit column of !heap -s, which leaves the virtual blocks out.",
  virtblocksSegmentNotWalked: () => "segment heap - not walked (no large-allocation layout for this build)",

  // --- unloadleaks ---

  // --- triage ---
};
