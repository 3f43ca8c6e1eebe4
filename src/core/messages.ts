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

  // --- unloadleaks ---
  unloadleaksUsage: (got: string) =>
    'Usage: !unloadleaks on a 0xC4/0x62 bugcheck, or !unloadleaks "drv.sys" (a quoted driver file name); got ' + got + ".",
  unloadleaksBadName: (source: string, shown: string) =>
    "Refused the driver name " + source + ' "' + shown + '": a driver name is a file name (letters, digits, _ . -), ' +
    "and this one would not be passed to a debugger command safely.",
  unloadleaksNoBugcheck: () =>
    "No bugcheck on this target. On a live session name the driver to list its verifier-tracked pool: " +
    '!unloadleaks "drv.sys".',
  unloadleaksBugcheckUnavailable: (reason: string) =>
    "The bugcheck could not be read (" + reason + '). Load the kernel symbols (.reload /f nt), or name the driver: !unloadleaks "drv.sys".',
  unloadleaksOtherBugcheck: (code: string, p1: string) =>
    "This is bugcheck " + code + " (Arg1 " + p1 + "), not 0xC4/0x62 (a driver unloaded without freeing its pool). " +
    'Name a driver to read its verifier data anyway: !unloadleaks "drv.sys".',
  unloadleaksBugcheck: (source: string, name: string, count: string) =>
    "Bugcheck 0xC4/0x62 (from " + source + "): " + name + " was unloaded with " + count + " pool allocation(s) not freed (Arg4).",
  unloadleaksNameUnreadable: (detail: string) => "The driver name (Arg2) could not be read: " + detail + ".",
  unloadleaksNameTruncated: (max: number) => "The driver name (Arg2) has no end within " + max + " characters; it is cut there.",
  unloadleaksNoVerifierData: (name: string) =>
    "No verifier data for " + name + ": Arg3 is 0. Enable pool tracking for it (verifier /flags 0x8 /driver " + name + "), reboot, and reproduce.",
  unloadleaksVerifierData: (address: string) => "Verifier data: _VF_TARGET_VERIFIED_DRIVER_DATA at " + address + " (Arg3).",
  unloadleaksLayoutMissing: (typeName: string, reason: string) =>
    "The verifier's structures cannot be read here: " + typeName + " has " + reason + ".",
  unloadleaksBuildUnknown: () =>
    "The Windows build could not be read (nt!NtBuildNumber), and the verifier's layout differs between builds; " +
    "not guessing it.",
  unloadleaksDataUnreadable: (detail: string) => "The verifier's structures cannot be read: " + detail + ".",
  unloadleaksFallback: (name: string) =>
    "Falling back to the text of !verifier 3 " + name + " (parsed; columns as the debugger prints them).",
  unloadleaksFallbackRefused: () => "No fallback to !verifier 3: the driver name is not a safe file name (see above).",
  unloadleaksCommandFailed: (command: string, detail: string) => command + " failed: " + detail.replace(/[\x00-\x1f]/g, " ") + ".",
  unloadleaksNotListed: (name: string) =>
    "No verifier data for " + name + ": !verifier 3 does not list it. Is Driver Verifier on for it with pool tracking " +
    "(verifier /query)? Driver names are file names as lm shows them with .sys.",
  unloadleaksLiveAvl: () =>
    "nt!ViTargetDriversAvl is not walked (leaktools has no built-in layout for _VF_AVL_TREE); using !verifier 3 instead.",
  unloadleaksOtherDriver: (bugcheckName: string, requested: string) =>
    "The bugcheck names " + bugcheckName + ", not " + requested + "; listing " + requested + " from !verifier 3.",
  unloadleaksWalk: (pages: number, found: number) =>
    "Walked " + pages + " verifier tracking page(s): " + found + " outstanding allocation(s).",
  unloadleaksCountersDiffer: (counted: number, bytes: number, allocations: number, totalBytes: number) =>
    "The verifier's counters say " + allocations + " allocation(s), " + totalBytes + " bytes; the pages hold " + counted +
    " in use, " + bytes + " bytes. The list may be incomplete or the layout may not fit this build.",
  unloadleaksArg4Differs: (arg4: number, found: number) =>
    "Arg4 says " + arg4 + " allocation(s) were not freed; " + found + " are listed.",
  unloadleaksWalkProblem: (what: string) => "Stopped early: " + what + "; the allocations before it are listed.",
  unloadleaksNone: (name: string) => name + " has no outstanding verifier-tracked pool allocations.",
  unloadleaksSkippedRows: (n: number) => n + " line(s) of the allocation table did not parse and are not listed.",
  unloadleaksSymbolCap: (limit: number, skipped: number) =>
    skipped + " caller address(es) beyond the first " + limit + " distinct ones were not symbolized (one debugger command each).",
  unloadleaksNoLines: () => "(no line information)",
  unloadleaksNoSymbol: () => "(no symbol)",
  unloadleaksGrouping: () =>
    "Grouping shown: by call site and by caller function (symbol without offset). The verifier keeps one return " +
    "address per allocation and no stack, so callers of an allocation wrapper cannot be told apart here.",
  unloadleaksWrapper: (site: string, count: number, total: number) =>
    site + " made " + count + " of " + total + " allocations: probably an allocation wrapper. Its callers are not " +
    "recorded; the tags it was given may separate them (below), and !verifier 0x80 <Address> shows the verifier's pool log, with " +
    "stacks, for allocations still in it.",
  unloadleaksSymbolsNote: () => "Symbols and source lines: u <Caller> L1, one debugger command per distinct caller.",

  // --- triage ---
};
