// Every message the user reads, in one place. Each says what was tried and what to do next.
// Sections per command keep additions from colliding.
import { raiseHint } from "./limits";
import { groupDigits, plural } from "../render/format";
import { sizeText } from "../render/report";

function capitalFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const messages = {
  // --- toolkit-wide ---
  internalError: (command: string, detail: string) =>
    "!" + command + " stopped: " + detail.replace(/[\x00-\x1f]/g, " ") +
    ". This is a bug in leaktools; please report it with the command you ran (see !leaktools).",
  noArguments: (usage: string) => "Usage: " + usage + " - this command takes no arguments.",
  leaktoolsNoSuchCommand: (given: string, names: string[]) =>
    'Usage: !leaktools or !leaktools "name" with one of ' + names.join(", ") + ' (!leaktools "leaktag"); got ' + given + ".",
  // --- results kept for the session (src/host/runner.ts, issue 24) ---
  resultKept: (why: string, refresh: string) => "the result kept from the earlier run (" + why + "); " + refresh + " reads the target again",
  buildUnreadable: (what: string) =>
    "Could not read the Windows build: " + what + "; built-in layouts were chosen without it (guessed).",
  needsKernel: (command: string) =>
    "!" + command + " needs a kernel target (a kernel dump or a kd/KDNET session); this is a user-mode session.",
  /** The way to a user-mode session differs: a dump cannot be attached to, a live machine's process can. */
  needsUserMode: (command: string, dump: boolean) =>
    "!" + command + " needs a user-mode session (a process or its user-mode dump); this is a kernel " + (dump ? "dump" : "session") + ". " +
    (dump
      ? "Open a user-mode dump of the process instead (procdump -ma <pid>, or .dump /ma from a debugger attached to it)."
      : "Attach a user-mode debugger to the process (windbg -p <pid>) or take its dump (procdump -ma <pid>) and run it there."),
  symbolMissing: (symbol: string) =>
    "The symbol " + symbol + " was not found. Load the kernel's symbols (.symfix; .reload /f nt) and try again.",
  layoutFallback: (description: string) => "Layout: " + description + ".",
  unreadable: (what: string, address: string) => "Could not read " + what + " at " + address + "; the rest is shown.",
  noModules: () => "The debugger reported no loaded modules. Run .reload and try again.",

  // --- ltlimits ---
  ltlimitsUsage: (problem: string, names: string[]) =>
    'Usage: !ltlimits, !ltlimits ("name", value) or !ltlimits "reset" (' + problem + "; limits: " + names.join(", ") + ").",
  ltlimitsBadValue: (name: string, given: string, ceiling: number) =>
    "Usage: !ltlimits (\"" + name + "\", value) with a whole number from 1 to " + ceiling + "; got " + given + ".",
  ltlimitsSet: (name: string, before: number, after: number) =>
    name + ": " + groupDigits(before) + " -> " + groupDigits(after) + ' for this session (!ltlimits "reset" restores the defaults).',
  ltlimitsReset: () => "Work limits reset to their defaults.",
  ltlimitsHint: () =>
    'A command that hits a limit says which, and the !ltlimits ("name", value) that raises it. Long work prints progress as it goes.',

  // --- leaktag / pooltags / leaks ---
  leaktagUsage: (given: string) =>
    'Usage: !leaktag ["Tag"] - a pool tag of 1-4 characters in quotes, ? and * as wildcards (!leaktag "Leak", !leaktag "Le*"); got ' +
    given + ".",
  tagUsageUnavailable: (detail: string) =>
    "No pool tag usage: " + detail + ". If nt's symbols are missing, load them (.symfix; .reload /f nt); " +
    "if the memory is unreadable, a small or partial dump may not hold it (a kernel or complete dump does).",
  tagNotTracked: (tag: string) =>
    "Tag '" + tag + "' has no entry in the pool tag tables (no allocation recorded, or pool tagging is off).",
  untaggedTag: (tag: string) =>
    "Tag '" + tag + "' is what ExAllocatePool records: the allocations carry no tag of their own, so the drivers that " +
    "allocate them are those that import ExAllocatePool (below; !findimporter \"ExAllocatePool\" shows them in full).",
  untaggedOwnersHeader: (modules: number) =>
    "Owners: " + (modules === 0 ? "no module imports" : modules === 1 ? "1 module imports" : modules + " modules import") +
    " ExAllocatePool (by name or by IAT value); images were not searched for the tag's bytes, which the kernel writes itself.",
  untaggedImportersUnknown: () =>
    "Owners: nt!ExAllocatePool could not be resolved and no import names it, so its importers are unknown (.reload /f nt, then !findimporter \"ExAllocatePool\").",
  ownersHeader: (modules: number, bytes: string) => "Owners: searched " + plural(modules, "module") + ", " + bytes + " of image sections.",
  noOwners: (tag: string) =>
    "No loaded module holds the bytes of '" + tag + "'. The allocator may build the tag at run time, or it was unloaded (lm shows unloaded modules).",
  notSearched: (count: number) => plural(count, "section range was", "section ranges were") + " not resident and NOT searched:",
  wildcardOwners: (count: number, largest: string | null) =>
    groupDigits(count) + " tags match" + (largest ? "; the largest: " + largest : "") + ". !leaktag on one of them (in quotes, no wildcard) finds its owner.",
  leaksBaseline: (tags: number) =>
    "Baseline recorded: " + tags + " tags. Run dx @$leaks() again after a while to see which tags grew.",
  leaksNeedLive: () =>
    "This is a dump: growth needs a second snapshot, of a live target or of a later dump (Next: below). The largest tags now:",
  leaksReset: () => "Snapshots cleared. The next dx @$leaks() records a new baseline.",
  leaksNoClock: () => "The target's clock (KUSER_SHARED_DATA.SystemTime) is unreadable; rates are not shown.",
  leaksNoGrowth: (seconds: string) => "No tag grew in the last " + seconds + " seconds.",
  leaksUsage: (given: string) =>
    'Usage: dx @$leaks(), dx @$leaks("reset"), dx @$leaks("save", "C:\\\\cases\\\\before.json") or ' +
    'dx @$leaks("compare", "C:\\\\cases\\\\before.json"); got ' + given + ".",
  pooltagfileUsage: (given: string) =>
    'Usage: !pooltagfile "C:\\\\path\\\\tags.txt" - a text file of "Tag - binary - description" lines; got ' + given + ".",
  pooltagfileMissing: (fullPath: string) => "There is no file " + fullPath + "; check the path (backslashes doubled inside quotes).",
  pooltagfileUnreadable: (path: string, detail: string) => "Could not read " + path + ": " + detail.replace(/[\x00-\x1f]/g, " ").trim() + ".",
  pooltagfileTooLarge: (fullPath: string, maxChars: number) =>
    fullPath + " is larger than " + groupDigits(maxChars) + " characters: not a pooltag.txt (the debugger's own is under 1 MB).",
  pooltagfileUndecodable: (fullPath: string, encoding: string) =>
    "Could not read " + fullPath + ": its text is " + encoding + ", which leaktools does not read (it reads UTF-8, and UTF-16 " +
    "with a byte-order mark). Save it again as UTF-8 in an editor.",
  pooltagfileLoaded: (fullPath: string, count: number, encoding: string) =>
    "Loaded " + plural(count, "tag description") + " from " + fullPath + (encoding === "UTF-8" ? "" : " (" + encoding + ")") +
    "; !leaktag and dx @$pooltags() use them for the rest of this session.",

  // --- findimporter ---
  findimporterUsage: (tried: string) =>
    'Usage: !findimporter "Function" | "module!Function" | "Pattern*" | <address> - got ' + tried +
    '; quote names (!findimporter "ExAllocatePool"), or pass an address (!findimporter 0xe0894d1f).',
  findimporterUnresolved: (query: string, tried: string) =>
    "No loaded module imports " + query + " by name, and " + tried +
    " did not resolve to an address to search IAT values for; check the spelling (x nt!ExAllocate*) or load symbols (.reload /f nt).",
  findimporterNoMatch: (query: string, examined: number) =>
    "No loaded module imports " + query + " (" + examined + " modules examined).",
  findimporterLooking: (what: string, examined: number, total: number) =>
    "Importers of " + what + ": " + examined + " of " + total + " modules examined.",
  findimporterNamesUnreadable: (modules: string) =>
    "Import names unreadable (paged out, INIT discarded, or malformed) in: " + modules + "; those were matched by IAT value only.",
  findimporterNotYetResolved: (count: number) =>
    (count === 1 ? "1 delay-load slot is" : count + " delay-load slots are") +
    " not yet resolved: until the function's first call the slot holds the importer's own delay-load thunk, not a hook; a search by address cannot find such a slot.",
  findimporterNotExamined: () => "Not examined:",
  findimporterProblems: () => "Problems found in import tables (bounded and skipped):",
  findimporterTooManyModules: (skipped: number, limit: number) =>
    skipped + " modules past the first " + limit + " were not examined (maxModules; " + raiseHint("maxModules") + ").",

  // --- segment heap walk (issue 20: src/heap/user-segment-heap.ts; the reasons a heap part was not walked) ---
  segmentHeapNoKeys: (why: string) =>
    "the keys in ntdll!RtlpHpHeapGlobals are not available (" + why + ") and no page segment gave HeapKey; " +
    "load ntdll's symbols (.symfix; .reload /f ntdll.dll); a dump needs ntdll's data pages (a full dump, .dump /ma)",
  segmentHeapNoLfhKey: (count: number) =>
    count + " LFH subsegment" + (count === 1 ? "" : "s") + " not walked: ntdll!RtlpHpHeapGlobals.LfhKey is not available " +
    "(load ntdll's symbols: .symfix; .reload /f ntdll.dll)",
  segmentHeapDerivedKey: () =>
    "HeapKey was derived from a page segment's signature (ntdll!RtlpHpHeapGlobals is not available: .reload /f ntdll.dll)",

  // --- virtblocks ---
  virtblocksUsage: (command: string, given: string) =>
    "!" + command + " takes an optional heap address (!" + command + " 0x29fb0000), not " + given + ". Run !heap -s for the heaps.",
  virtblocksNoPeb: () =>
    "The process's PEB could not be found (neither the process's EnvironmentBlock nor $peb). Run .reload /f ntdll and try again.",
  virtblocksHeapNotInProcess: (heap: string) =>
    "Heap " + heap + " is not in the PEB's ProcessHeaps list; run !heap -s for the heaps of this process.",
  /** One line for a heap argument that cannot be a heap of this process; `heaps` are the PEB's, as formatted. */
  virtblocksNotAHeap: (command: string, given: string, why: string, heaps: string[], more: number) =>
    given + " is not a heap of this process (" + why + "). " +
    (heaps.length === 0
      ? "The PEB lists no heaps"
      : "Its heaps: " + heaps.join(", ") + (more > 0 ? " and " + more + " more" : "")) +
    "; !" + command + " with no argument walks them all.",
  virtblocksLayoutMissing: (reason: string) =>
    "No layout for the heap structures: " + reason + ". Load ntdll's symbols (.symfix; .reload /f ntdll) and try again.",
  virtblocksUstOff: (flags: string) =>
    "Allocation stacks: not recorded (NtGlobalFlag " + flags + " has no +ust). To record them, run gflags /i app.exe +ust " +
    "(your executable's name), restart the process and reproduce the growth.",
  virtblocksHeapCommitNote: () =>
    "Committed (blocks) is what the virtual blocks hold. Heap committed (segments) is the heap's own segments, the " +
    "Commit column of !heap -s, which leaves the virtual blocks out.",
  virtblocksSegmentNotWalked: () => "segment heap - not walked (no large-allocation layout for this build)",

  // --- heapblocks / heapleaks ---
  heapNeedsProcess: (command: string) =>
    "!" + command + " walks the heaps of a user-mode process; this is a kernel session, where it walks none (not even " +
    "in the process .process selects). Open the process's dump (.dump /ma in a user-mode session) or attach to the " +
    "process (windbg -p <PID>), then run it again.",
  heapPartsNotWalkedNote: (parts: number) =>
    "These figures leave out " + plural(parts, "heap part") + " that could not be walked (under \"Not walked\" below, each with its reason).",
  heapWow64NotWalked: (image: string, why: string) =>
    image + " is a 32-bit program (WOW64) seen through its 64-bit view, and its 32-bit heaps were not walked: " + why +
    ". Only its 64-bit heaps (PEB.ProcessHeaps, ntdll's own) were walked. For the 32-bit ones: attach the 32-bit " +
    "WinDbg (x86) to the program, or take the dump with the 32-bit Task Manager (C:\\Windows\\SysWOW64\\taskmgr.exe), " +
    "and run !heapleaks there; in this session .effmach x86 (on a dump: .load wow64exts, then !sw) and !heap -s list them.",
  heapblocksUsage: (given: string) =>
    "dx @$heapblocks takes an optional heap handle as a number (dx @$heapblocks(0x29fb0000)), not " + given + ". Run !heap -s for the heaps.",
  heapleaksUsage: (given: string) =>
    '!heapleaks takes no argument, or one of: "reset", ("save", "C:\\\\cases\\\\before.json"), ("compare", "C:\\\\cases\\\\before.json"); not ' + given + ".",
  heapleaksPathMissing: (verb: string, given: string) =>
    'The "' + verb + '" operation needs a file path as its second argument, not ' + given + ': dx @$heapleaks("' + verb + '", "C:\\\\cases\\\\before.json").',
  heapleaksReset: (forgotten: number) =>
    forgotten > 0 ? "Baseline forgotten. The next !heapleaks records a new one." : "There was no baseline. The next !heapleaks records one.",
  heapleaksOtherProcessBaseline: (then: string, now: string) =>
    "The baseline was taken in " + then + "; this is " + now + ". A new baseline is recorded for this process.",
  heapFramesCapped: (count: number, limit: number, hint: string) =>
    plural(count, "address was", "addresses were") + " shown as module+0x.. without a symbol: " + limit + " were symbolized (maxSymbolizedFrames; " + hint + ").",
  heapStackGroupsCapped: (shown: number, total: number, hint: string) =>
    "Stacks were read for the first " + shown + " of " + groupDigits(total) + " groups (maxHeapStackGroups); the others carry their StackRecord (" + hint + ").",
  heapleaksNoClock: () => "The target's clock (KUSER_SHARED_DATA.SystemTime) is unreadable; rates are not shown.",
  heapleaksPathMangled: (what: string, verb: string, typed: string) =>
    "The path holds " + what + ": inside dx quotes a backslash starts an escape. Double each backslash: dx @$heapleaks(\"" + verb + "\", \"" + typed + "\").",
  heapleaksPathInvalid: (path: string, verb: string) =>
    "\"" + path + "\" is not a valid Windows file name (< > \" | ? * are not allowed); @$heapleaks(\"" + verb + "\") needs a file path.",
  heapleaksPathDriveRelative: (path: string, verb: string) =>
    path + " is relative to the current folder of its drive (no backslash after the colon): most likely dx dropped single backslashes. Type them doubled: dx @$heapleaks(\"" + verb + "\", \"C:\\\\cases\\\\before.json\").",
  heapleaksSaveFailed: (path: string, detail: string) => "Could not write " + path + ": " + detail.replace(/[\s.]+$/, "") + ". Nothing was saved; check the folder exists and is writable.",
  heapleaksSaveRefused: (path: string, reason: string, suggestion: string | null) =>
    "Not saved: " + path + " is there and " + reason.replace(/^it /, "it ") + "; leaktools replaces only its own snapshot files." +
    (suggestion ? " Save under another name: dx @$heapleaks(\"save\", \"" + suggestion + "\")." : " Choose another name."),
  heapleaksSavedWithout: (parts: number) =>
    "Not in the file: the blocks of " + plural(parts, "part", "parts") + " of the heaps that could not be walked:",
  heapleaksFileMissing: (path: string) =>
    "No file at " + path + ". Save one first on the earlier dump (dx @$heapleaks(\"save\", \"C:\\\\cases\\\\before.json\")), and double each backslash inside dx quotes.",
  heapleaksFileUnreadable: (path: string, detail: string) => "Could not read " + path + ": " + detail.replace(/[\s.]+$/, "") + ".",
  heapleaksFileProblem: (path: string, problem: string) => "Not compared: " + path + ": " + problem + ".",
  heapleaksOtherArchitecture: (path: string, then: number, now: number) =>
    "Not compared: " + path + " is a snapshot of a " + then + "-bit process; this one is " + now + "-bit. Compare two snapshots of the same program.",
  heapleaksOtherProgram: (path: string, then: string, now: string) =>
    "Not compared: " + path + " is a snapshot of " + then + "; this process is " + now + ". Heap groups of different programs do not match.",
  heapleaksFileLater: (then: string, now: string) =>
    "Note: the file was taken at " + then + ", after this target's time " + now + ": growth below is from the later to the earlier state.",
  heapleaksOtherMachine: (what: string) => "Note: the file is from another machine or Windows (" + what + ").",
  heapleaksReboot: (what: string) => "Note: the machine rebooted between the file and this target (" + what + "): another run of the program.",
  heapleaksOtherProcess: (what: string) => "Note: another process of the same program (" + what + ").",
  heapleaksMatchedByFrames: (unmatched: number) =>
    "Stack records and vtable addresses differ between processes, so groups are matched by their module-relative frames and types" +
    (unmatched > 0 ? "; " + plural(unmatched, "group of the file has", "groups of the file have") + " no frames and cannot be matched" : "") + ".",
  heapleaksUstChanged: (then: boolean, now: boolean) =>
    "Note: +ust was " + (then ? "on" : "off") + " when the file was written and is " + (now ? "on" : "off") + " now: the groups are of different kinds and will not match.",

  // --- heap walk (issue 20: the process walk and the NT heap walker) ---
  heapWalkKernel: () =>
    "The heaps of a process need a user-mode target (a process or a user-mode dump); this is a kernel session with no " +
    "user process to walk. Attach to the process, or open its dump.",
  heapWalkNotAHeap: (given: string, why: string, heaps: string[]) =>
    given + " is not a heap (" + why + "). " +
    (heaps.length === 0
      ? "Run !heap -s for the heaps of this process, or call without an argument to walk them all."
      : "The process's heaps: " + heaps.slice(0, 8).join(", ") + (heaps.length > 8 ? " and " + (heaps.length - 8) + " more" : "") +
        "; dx @$heapblocks() walks them all."),
  heapWalkNotInPeb: (heap: string) =>
    "heap " + heap + " is not in the PEB's ProcessHeaps list; it was walked because its signature is a heap's",
  heapWalkNoLayout: (reason: string) =>
    "no layout for the NT heap structures: " + reason + "; load ntdll's symbols (.symfix; .reload /f ntdll.dll)",
  heapWalkPageHeapHint: (heap: string) => "; !heap -p -h " + heap + " lists the page heap's blocks",

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
    "Bugcheck 0xC4/0x62 (from " + source + "): " + name + " was unloaded with " + count + (count === "1" ? " pool allocation" : " pool allocations") + " not freed (Arg4).",
  unloadleaksNameUnreadable: (detail: string) => "The driver name (Arg2) could not be read: " + detail + ".",
  unloadleaksNameTruncated: (max: number) => "The driver name (Arg2) has no end within " + max + " characters; it is cut there.",
  unloadleaksNoVerifierData: (name: string) =>
    "No verifier data for " + name + ": Arg3 is 0. Enable pool tracking for it (verifier /flags 0x8 /driver " + name + "), reboot, and reproduce.",
  unloadleaksVerifierData: (address: string) => "Verifier data: _VF_TARGET_VERIFIED_DRIVER_DATA at " + address + " (Arg3).",
  unloadleaksLayoutMissing: (typeName: string, reason: string) =>
    "The verifier's structures cannot be read here: " + typeName + ": " + reason + ".",
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
    "Walked " + plural(pages, "verifier tracking page") + ": " + plural(found, "outstanding allocation") + ".",
  unloadleaksCountersDiffer: (counted: number, bytes: number, allocations: number, totalBytes: number) =>
    "The verifier's counters say " + plural(allocations, "allocation") + ", " +
    // Above 2^53 a number has lost its low digits: say it is absurd rather than print a rounded value.
    (totalBytes > Number.MAX_SAFE_INTEGER ? "more than 2^53 bytes (absurd)" : sizeText(totalBytes)) + "; the pages hold " + groupDigits(counted) +
    " in use, " + sizeText(bytes) + ". The list may be incomplete or the layout may not fit this build.",
  unloadleaksArg4Differs: (arg4: number, found: number) =>
    "Arg4 says " + plural(arg4, "allocation was", "allocations were") + " not freed; " + groupDigits(found) + (found === 1 ? " is" : " are") + " listed.",
  unloadleaksWalkProblem: (what: string) => "Stopped early: " + what + "; the allocations before it are listed.",
  unloadleaksBugcheckUnreadable: (reason: string) => "The bugcheck could not be read (" + reason + "); listing the named driver instead.",
  unloadleaksNone: (name: string) => name + " has no outstanding verifier-tracked pool allocations.",
  unloadleaksSkippedRows: (n: number) => plural(n, "line", "lines") + " of the allocation table did not parse and " + (n === 1 ? "is" : "are") + " not listed.",
  unloadleaksSymbolCap: (limit: number, skipped: number) =>
    plural(skipped, "caller address", "caller addresses") + " beyond the first " + limit + " distinct ones were not symbolized (one debugger command each; maxSymbolizedCallers, " + raiseHint("maxSymbolizedCallers") + ").",
  unloadleaksNoLines: () => "(no line information)",
  unloadleaksNoSymbol: () => "(no symbol)",
  unloadleaksGrouping: () =>
    "Grouping shown: by call site and by caller function (symbol without offset). The verifier keeps one return " +
    "address per allocation and no stack, so callers of an allocation wrapper cannot be told apart here.",
  unloadleaksGroupingWrapperCallers: () =>
    "Grouping shown: by tag, by call site and by caller function (symbol without offset); then the wrapper's " +
    "allocations by the call sites that pass their tag. The verifier keeps one return address per allocation and no " +
    "stack, so the wrapper's callers are inferred from the driver's code, not read from a record.",
  unloadleaksGroupingWrapperTags: () =>
    "Grouping shown: by tag, by call site and by caller function (symbol without offset); then the wrapper's " +
    "allocations by tag only, because its callers could not be found (below). The verifier keeps one return address " +
    "per allocation and no stack.",
  unloadleaksWrapperNoSymbols: (site: string) =>
    "The wrapper's callers cannot be found without symbols: " + site + " is not a function symbol with an offset, so " +
    "the wrapper's start is unknown. Load the driver's symbols (.reload /f) and run the command again.",
  unloadleaksWrapperNoModule: (name: string, start: string) =>
    "The wrapper's callers could not be found: " + start + " (the start of " + name + ") is in no loaded module, so " +
    "there is no image to scan.",
  unloadleaksWrapperImageUnreadable: (name: string, file: string, reason: string) =>
    "The wrapper's callers could not be found because the image of " + file + " is not readable (" + reason + "); " +
    name + "'s allocations are grouped by tag only.",
  unloadleaksWrapperFailed: (detail: string) =>
    "The wrapper's callers could not be found (" + detail.replace(/[\x00-\x1f]/g, " ") + "); its allocations are grouped by tag only.",
  unloadleaksWrapperCallersHeader: (name: string, file: string) =>
    "Through " + name + ", by the call sites that pass each tag (largest first). Callers found by scanning " + file +
    " for calls to " + name + "; an allocation is matched to a caller by its tag, not by a recorded stack:",
  unloadleaksWrapperTagNotFound: (name: string) =>
    "no call to " + name + " found passing it (a call through a pointer, a tag computed at run time, or a caller in another image)",
  unloadleaksWrapperScan: (name: string, start: string, offset: string, sections: string, bytes: number, sites: number, calls: number, jumps: number) =>
    "Scanned " + sections + ", " + sizeText(bytes) + ", for call and jmp rel32 to " + start + " (" + name + ": the caller " +
    "minus " + offset + "): " + plural(sites, "call site") + ", " + groupDigits(calls) + " call and " + groupDigits(jumps) + " jmp (tail call).",
  unloadleaksWrapperSitesCap: (kept: number, more: number) =>
    plural(more, "call site") + " beyond the first " + kept + (more === 1 ? " was" : " were") + " not examined.",
  unloadleaksWrapperPartlyUnreadable: (bytes: number) =>
    sizeText(bytes) + " of its executable sections are unreadable (paged out); calls there are not found.",
  unloadleaksWrapperNoTagSites: (count: number, name: string) =>
    plural(count, "call site loads", "call sites load") + " no tag before calling " + name + " (the tag comes from a register or a variable); " +
    "they are not matched to any allocation.",
  unloadleaksWrapperUnmatched: (count: number, tags: string) =>
    plural(count, "call site passes", "call sites pass") + " a tag with no outstanding allocation (" + tags + "); " + (count === 1 ? "it is" : "they are") + " not listed.",
  unloadleaksWrapperSitesNotSymbolized: (count: number, limit: number) =>
    plural(count, "call site is", "call sites are") + " shown as module+offset: past the first " + limit + " distinct addresses symbolized " +
    "(one debugger command each; maxSymbolizedCallers, " + raiseHint("maxSymbolizedCallers") + ").",
  unloadleaksWrapper: (site: string, count: number, total: number, example: string) =>
    site + " made " + count + " of " + total + " allocations: probably an allocation wrapper. Its callers are not " +
    "recorded; the tags it was given may separate them (below), and !verifier 0x80 <Address> (e.g. !verifier 0x80 " +
    example + ") shows the verifier's pool log, with stacks, for allocations still in it.",
  unloadleaksSymbolsNote: (callSites: number) =>
    "Symbols and source lines: from u on each distinct Caller address (one debugger command each" +
    (callSites ? "), and on each listed call site of the wrapper (" + groupDigits(callSites) + ")." : ")."),

  // --- triage ---
  triageNoBugcheck: (why: string) =>
    "No bugcheck: " + why + ". !crashtriage reads a kernel crash dump (MEMORY.DMP or a minidump), or a process stopped on an exception; open a dump with windbg -z.",
  triageUnavailable: (reason: string) =>
    "The bugcheck code could not be read: " + reason + ", and .bugcheck gave nothing. Load the kernel's symbols (.symfix; .reload /f nt) and try again.",
  triageDecoderStopped: (detail: string) => "Decoding stopped: " + detail.replace(/[\x00-\x1f]/g, " ") + "; what was found before is shown.",
  triageNoDecoder: (name: string) =>
    name + ": leaktools has no decoder for this case; the parameters below are the bugcheck's own. Run !analyze -v.",
  triageUnknownCode: (code: string) =>
    "Bugcheck " + code + " is not in leaktools' table; the raw parameters are shown. Run !analyze -v for its meaning.",
  triageUnknownSubcode: (subcode: string, source: string) =>
    "Subcode " + subcode + " is not in leaktools' table; see " + source + ".",
  triageNoLayout: (typeName: string, reason: string) => "No layout for " + typeName + ": " + reason + ".",
  triageUnreadable: (what: string) => "Unreadable: " + what + "; the verdict uses what was read.",
  triagePointsIntoArg2: (field: string, value: string, arg2: string) =>
    field + " " + value + " points back into the EXCEPTION_POINTERS at " + arg2 + " (Arg2) itself: corrupt, not decoded",
  triageExceptionPointers: (arg2: string, record: string, context: string) =>
    "Arg2 " + arg2 + " is EXCEPTION_POINTERS: ExceptionRecord " + record + ", ContextRecord " + context,
  triageException: (code: string, address: string, symbol: string | null, flags: number, count: number) =>
    "Exception " + code + " at " + address + " " + (symbol || "(no symbol)") + ", flags " + flags.toString(16) + ", " + count + " parameters",
  triageExceptionRecord: (code: string, address: string, flags: number, count: number) =>
    "Exception " + code + " at " + address + ", flags " + flags.toString(16) + ", " + count + " parameter" + (count === 1 ? "" : "s"),
  triageParameterCountCapped: (count: number) =>
    "NumberParameters is " + count + ", above the 15 an EXCEPTION_RECORD holds: the record is corrupt; 15 were read.",
  triageMemoryFault: (access: string, address: string, ioStatus: string | null) =>
    "In-page operation failed: " + access + " of " + address + (ioStatus ? ", I/O status " + ioStatus : ""),
  triageExceptionParameters: (list: string) => "Exception parameters: " + list,
  triageIoStatus: (status: string) => "I/O status: " + status,
  triageNotPagedIn: (address: string) => "Address that could not be paged in: " + address,
  triageAccess: (access: string, address: string) => "Access: " + access + " of " + address,
  triageFaultingInstruction: (address: string, symbol: string | null) =>
    "Faulting instruction: " + address + (symbol ? " " + symbol : " (no symbol; .reload /f and try again)"),
  triageFaultType: (type: number) =>
    type === 3 ? "Fault type 3: a session address touched from the wrong session (or none)" : "Fault type 4: the address is not canonical",
  triageUnnamedStatus: () => "an NTSTATUS leaktools does not name",
  triageContext: (ip: string, sp: string) => "Context: instruction pointer " + ip + ", stack pointer " + sp,
  triageThreadUnknown: (why: string) => "Could not tell which process the thread is attached to: !thread failed (" + why + ").",
  triageAttached: (image: string, address: string, memCompression: boolean) =>
    "The thread is attached to " + image + " (" + address + ")" + (memCompression ? ": the memory-compression store's process" : ""),
  triageNotAttached: (owner: string) => "The thread is not attached to another process (owning process: " + owner + ")",
  triageStorageAdviceUnknown: () => "check the disk, its controller and the System event log",
  triageStoreInpage: (compressed: boolean, status: string, meaning: string, advice: string) =>
    (compressed
      ? "in-page I/O error while reading a compressed page from the memory-compression store: the storage stack reported "
      : "in-page I/O error in the store manager: the storage stack reported ") +
    status + " (" + meaning + ") - " + advice + (compressed ? "; disabling memory compression avoids the store path" : ""),
  triageStoreOther: (code: string) =>
    "the store manager caught exception " + code + "; follow the context record (.cxr) to the faulting code",
  triageStoreUnknownException: () =>
    "the store manager caught an exception leaktools could not read; follow Arg2 by hand with the commands below",
  triageInpageLayout: (which: string) => "Parameter layout " + which + " of the 0x7A page applies",
  triageKernelInpage: (status: string, meaning: string, advice: string) =>
    "a kernel page could not be read back in: the storage stack reported " + status + " (" + meaning + ") - " + advice,
  triagePageFault: (accessing: string, address: string, kind: string, driver: string | null, where: string | null) =>
    "A page fault " + (driver ? "in " + driver + " at " + where : where ? "at " + where : "(instruction unknown)") + ", " + accessing + " " + address + " (" + kind + ").",
  triageMFlag: (code: string, base: string) =>
    code + " is " + base + " with the _M flag (0x10000000): the same meaning and parameters as " + base + " (Microsoft's bug check reference)",
  triageUnloadedListMissing: (why: string) =>
    "The unloaded-driver list could not be read (" + why + "); in a triage dump it is in its own section, which `lm` shows",
  triageNotInDump: (what: string, address: string, arg: string) =>
    "The " + what + " at " + address + " (" + arg + ") could not be read: it is not in this dump; what the parameters say is kept",
  triageRegisters: (what: string, ip: string, sp: string) => capitalFirst(what) + ": rip " + ip + ", rsp " + sp,
  triageFaultingAt: (address: string, where: string) => "Faulting instruction " + address + ": " + where,
  triageAccessViolation: (access: string, address: string) => "Access violation: " + access + " of " + address,
  triageExceptionVerdict: (what: string, driver: string | null, where: string | null, fault: string | null, unloaded: boolean) =>
    what + (driver ? " in " + driver + " at " + where : where ? " at " + where : "") + (fault ? ", " + fault : "") +
    (unloaded ? ": code ran after its driver unloaded (a callback or timer left registered)" : "") + ".",
  triageSecurityCheck: (meaning: string, where: string | null, driver: string | null, listEntry: boolean) =>
    "Security check failure: " + meaning + (driver ? ", detected in " + driver + " at " + where : where ? ", at " + where : "") +
    (listEntry ? " - a list entry was overwritten or removed twice; the owner of the memory around it is the usual writer" : "") + ".",
  triageListEntry: () => "Type 3: a LIST_ENTRY whose Flink->Blink or Blink->Flink does not point back (a double remove, a freed entry, or an overrun into it)",
  // --- triage: the crashing thread's stack (issue 21) ---
  triageThreadStack: (thread: string, limit: string, base: string) =>
    "The crashing thread " + thread + ": kernel stack " + limit + " to " + base + " (StackLimit to StackBase of its _KTHREAD)",
  triageThreadStackUnknown: (why: string) =>
    "The crashing thread's stack bounds are not known: " + why + "; whether the address is on its stack is not said.",
  triageReferenced: (address: string, kind: string, irql: number) => "Referenced " + address + " (" + kind + ") at IRQL " + irql,
  triageIrqlVerdict: (accessing: string, address: string, kind: string, irql: number, driver: string | null, where: string | null, expool: boolean) =>
    (expool ? "Pool corruption found at raised IRQL" : "An invalid memory reference at IRQL " + irql) +
    (driver ? " in " + driver + " at " + where : where ? " at " + where : "") + ", " + accessing + " " + address + " (" + kind + ")" +
    (expool ? ": the pool's own structures were damaged earlier, usually by a driver overrunning its block; special pool catches it" : "") + ".",
  triageHeapCorruption: (heap: string, address: string) => "Heap " + heap + " reported the corruption at " + address,
  triageHeapVerdict: (meaning: string, address: string, containing: string | null, before: string | null, owner: string | null) =>
    "Pool corruption at " + address + (containing ? " in a block tagged '" + containing + "'" : "") + ": " + meaning +
    (before ? "; the block before it is tagged '" + before + "'" + (owner ? ", allocated by " + owner + ": the usual writer of an overrun" : "") : "") + ".",
  triagePoolBeforeSuffix: (before: string, owner: string | null) =>
    "; the block before it is tagged '" + before + "'" + (owner ? ", allocated by " + owner : ""),
  triagePoolWalkProblem: (method: string, problem: string) => "Pool walk (" + method + "): " + problem,
  triagePoolChainBroken: (at: string) => "The pool header chain of the page breaks at " + at + ": that header is corrupt",
  triagePoolNeighbour: (role: string, header: string, tag: string, size: number, busy: boolean) =>
    role + ": pool header " + header + ", tag '" + tag + "', " + sizeText(size) + (busy ? "" : ", free"),
  triageNoPoolBlock: (address: string, method: string) => "No readable pool block holds " + address + " (" + method + " walk): free space, or a header too damaged to read",
  triageTagOwner: (tag: string, driver: string, confidence: string, site: string, others: string[]) =>
    "Tag '" + tag + "' is allocated by " + driver + site + " (found in its code, " + confidence + " confidence)" + (others.length ? "; also in " + others.join(", ") : ""),
  triageUserSource: () => "Exception reported by the debugger (.exr -1):",
  triageUserException: (code: string, address: string, where: string, flags: number, count: number) =>
    "Exception " + code + " at " + address + " " + where + ", flags " + flags.toString(16) + ", " + count + " parameter" + (count === 1 ? "" : "s"),
  triageHeapLayout: (layout: string) => "Heap layout: " + layout,
  triageHeapWalkFailed: (why: string) => "The process heaps could not be walked: " + why,
  triageHeapPartNotWalked: (part: string, address: string, reason: string) => "Heap walk: " + part + " at " + address + " not walked (" + reason + ")",
  triageInFreedBlock: (size: string) => ", inside a FREED heap block of " + size + ": a use after free",
  triagePastBusyBlock: (size: string) => ", just past the end of a busy heap block of " + size + ": an overrun",
  triageTagNotSearched: (tag: string, count: number, first: string) =>
    "Tag '" + tag + "': " + count + " image part" + (count === 1 ? "" : "s") + " could not be read and " + (count === 1 ? "was" : "were") + " not searched (" + first + ")",
  triageTagOwnerProblem: (driver: string, problem: string) => "  " + driver + ": " + problem,
  triageTagNoOwner: (tag: string, searched: number) => "Tag '" + tag + "': no driver's code among " + searched + " searched uses it as an allocation tag",
  triageSpecialPool: (meaning: string, address: string) => "Special pool caught a driver in the act: " + meaning + " (" + address + ").",
  triagePfnList: (meaning: string, driverBug: boolean) =>
    "The page frame database is corrupt: " + meaning + (driverBug ? " - a driver bug; Driver Verifier catches it" : " - often failing RAM; test the memory") + ".",
  triageFaultyPage: (address: string, pfn: string) =>
    "Hardware: the memory manager found a corrupted physical page (PFN " + pfn + ", mapped at " + address + "); the RAM is failing - test and replace it.",
  triageFaultyPageSecondSet: (arg1: string, pfn: string) =>
    "Hardware: the memory manager found a corrupted physical page (PFN " + pfn + "); the RAM is failing - test and replace it. Arg3 and Arg4 are not zero, the parameter set Microsoft does not document, so Arg1 (" + arg1 + ") is not read as the page's address.",
  triageFaultyPageSecondSetFinding: (arg3: string, arg4: string) =>
    "Arg3 " + arg3 + " and Arg4 " + arg4 + " are not zero: Microsoft documents only the set in which they are (its docs team: the set depends on whether Arg3 and Arg4 are zero); their meaning is not published",
  triageVerifierLeak: (count: number | null) =>
    "a driver unloaded with " + (count === null ? "some" : String(count)) + " pool allocation" + (count === 1 ? "" : "s") +
    " Driver Verifier still tracked - a memory leak in that driver; !unloadleaks lists them",
  triageVerifier: (meaning: string) => "Driver Verifier stopped the system: " + meaning,
  triageVerifierUnknown: (subcode: string) =>
    "Driver Verifier stopped the system with subcode " + subcode + ", which leaktools does not name; run !analyze -v",
  triagePoolHeader: (block: string, header: string, tag: string, blockSize: number) =>
    "Pool header of " + block + " at " + header + ": tag '" + tag + "', BlockSize 0x" + blockSize.toString(16),
  triageDoubleFree: (tag: string | null) =>
    "double free: a pool block" + (tag ? " tagged '" + tag + "'" : "") + " was freed twice - the driver that owns " +
    (tag ? "the tag" : "the block") + " frees it on two paths; enable special pool for it to catch the first free",
  triageWrongTag: (allocated: string, freed: string) =>
    "The block was allocated with tag '" + allocated + "' and freed with tag '" + freed + "'",
  triageBadPoolCaller: (meaning: string) => "a driver misused the pool: " + meaning,
  triagePoolCorruption: (meaning: string | null, tag: string | null) =>
    "pool corruption" + (meaning ? ": " + meaning : "") + (tag ? " (block tagged '" + tag + "')" : "") +
    " - the damage was done earlier, usually by the owner of the block before; enable special pool or Driver Verifier on suspects",
  triageMemoryManagement: (meaning: string) => "memory manager consistency check failed: " + meaning,
  // !poolused text fallback (issue 13): which layout was recognised, and rows that did not fit it.
  poolusedSource: (trackerReason: string, layout: string | null, glued: boolean) =>
    "The tag tables could not be read (" + trackerReason + "); these figures are parsed from !poolused 2 output" +
    (layout ? ", layout " + layout : "") + (glued ? "; its line breaks were lost, so rows were cut out of one stream" : "") + ".",
  poolusedUnparsed: (n: number, example: string) =>
    plural(n, "line") + " after the !poolused header did not fit its layout and " + (n === 1 ? "is" : "are") + " not counted, e.g. `" + example.trim().slice(0, 100) + "`.",
  // !unloadleaks on !verifier 3 text (issue 13).
  unloadleaksTextDriverState: (name: string, state: string) =>
    "!verifier 3 lists " + name + " as " + state + ": its code may no longer be mapped, so callers the debugger cannot symbolize are named as !verifier printed them.",
  unloadleaksSymbolsFromText: (n: number) =>
    plural(n, "allocation") + " named by the caller symbol !verifier 3 printed (the debugger had none for the address now).",
  // --- snapshot files, any kind (src/snapshot/; `command` is the command to type, with the path in it) ---
  snapshotSaveRefused: (path: string, reason: string, command: string | null) =>
    "Not saved: " + path + " is already there and " + reason + ". A save replaces only an earlier leaktools snapshot, " +
    "so a dump or a notes file is never overwritten. " + (command ? "Save under another name: " + command + ", or move that file first." : "Choose another file name, or move that file first."),
  snapshotUndecodable: (path: string, encoding: string) =>
    "Could not read " + path + ": its text is " + encoding + ", which leaktools does not read (it reads UTF-8, and UTF-16 " +
    "with a byte-order mark). Save it again as UTF-8 in an editor and compare with that.",
  snapshotOtherKind: (path: string, found: string, expected: string, reader: string | null) =>
    path + " is a " + found + ", not a " + expected + (reader ? ": compare it with " + reader + "." : "; this leaktools does not read that kind (load a newer leaktools.js)."),
  // --- leaks: snapshot files (save / compare) ---
  leaksFileUsage: (verb: string, given: string) =>
    'Usage: dx @$leaks("' + verb + '", "C:\\\\cases\\\\before.json") - a file path in quotes, backslashes doubled; got ' + given + ".",
  leaksPathMangled: (what: string, verb: string, typed: string) =>
    "The path contains " + what + ": inside quotes dx reads a backslash as the start of an escape (\\t is a tab, " +
    '\\n a new line), so single backslashes were lost. Double every backslash: dx @$leaks("' + verb + '", "' + typed + '").',
  leaksPathDriveRelative: (path: string, verb: string) =>
    'The path "' + path + '" has no backslash after the drive letter, so Windows reads it relative to the debugger\'s ' +
    "current folder; if you typed single backslashes, dx dropped them. Double every backslash: " +
    'dx @$leaks("' + verb + '", "C:\\\\cases\\\\before.json").',
  leaksPathInvalid: (path: string, verb: string) =>
    'The path "' + path + '" is not a valid Windows file name (it contains < > " | ? or *). Type a path such as ' +
    'dx @$leaks("' + verb + '", "C:\\\\cases\\\\before.json").',
  leaksSaveFailed: (path: string, detail: string) =>
    "Could not write " + path + ": " + oneLine(detail) + " Check that the folder exists and that you may write there " +
    '(backslashes doubled inside quotes), e.g. dx @$leaks("save", "C:\\\\cases\\\\before.json").',
  leaksSaveReplaced: (path: string, format: string) => "Replaced the " + format + " that was at " + path + ".",
  leaksFileMissing: (path: string, typed: string) =>
    "There is no file " + path + ". Check the path (backslashes doubled inside quotes), or write the snapshot first " +
    'on the earlier target: dx @$leaks("save", "' + typed + '").',
  leaksFileUnreadable: (path: string, detail: string) =>
    "Could not read " + path + ": " + oneLine(detail) + " Close the program that holds it, or copy it and compare with the copy.",
  leaksFileEmpty: (path: string) =>
    path + ' is empty, not a leaktools snapshot. Write one on the earlier target: dx @$leaks("save", "C:\\\\cases\\\\before.json").',
  leaksFileTooLarge: (path: string, maxChars: number) =>
    path + " is larger than " + groupDigits(maxChars) + " characters: not a leaktools snapshot (one holds at most one line per pool tag).",
  leaksFileTruncated: (path: string, detail: string) =>
    path + " ends before the snapshot does (truncated; " + flat(detail) + "). Copy the whole file again, or save a new snapshot.",
  leaksFileMalformed: (path: string, detail: string) =>
    path + " is a damaged leaktools snapshot: " + flat(detail) + ". Save a new one with dx @$leaks(\"save\", ...), or fix that line.",
  leaksFileNotSnapshot: (path: string, detail: string) =>
    path + " is not a leaktools snapshot (" + flat(detail) + '). Compare with a file written by dx @$leaks("save", "C:\\\\cases\\\\before.json").',
  leaksFileNewer: (path: string, version: number, supported: number) =>
    path + " was written by a newer leaktools (snapshot format version " + version + "; this one reads version " + supported +
    "). Load the newer leaktools.js with .scriptload, or save the earlier target again with this one.",
  leaksWarnLater: (then: string, now: string) =>
    "Warning: the snapshot was taken after this target's time (" + then + " then, " + now + " now): the file is the later " +
    "one, so growth here is shrinkage there, and rates are not shown. Compare the later target with the earlier snapshot.",
  leaksWarnOtherMachine: (what: string) =>
    "Warning: the snapshot comes from another machine (" + what + "): the deltas compare two systems, not growth on one.",
  leaksWarnReboot: (what: string) =>
    "Warning: the target rebooted between the snapshot and now (" + what + "): pool counters restart at boot, so a delta " +
    "is not growth over the whole interval.",
  leaksCompareNoGrowth: (tags: number) => "No tag grew since the snapshot (" + plural(tags, "tag") + " compared).",
  ownerHitsNotKept: (module: string, count: number, allocations: number, tag: string) =>
    module + ": " + plural(count, "more hit", "more hits") +
    (allocations > 0
      ? " were not kept, " + allocations + " of them allocator calls (past maxAllocationSitesPerModule: the image looks corrupt)."
      : " (not allocator calls) were not kept; every allocator call is listed (dx @$leaktag(\"" + tag.trim() + "\").Owners)."),
  // --- poolallocs ---
  poolallocsUsage: (given: string) =>
    'Usage: !poolallocs "Tag" or !poolallocs ("Tag", "all") - a pool tag of 1-4 characters in quotes, ? and * as wildcards; "all" walks every heap instead of stopping once the tracker\'s count is found; got ' +
    given + ".",
  poolallocsSmallNotWalked: (why: string, tag: string) =>
    "Small blocks (under a page) are not walked: " + why + '. !poolfind "' + tag + '" finds them by scanning every pool page (hours over KDNET on a machine with GBs of pool; minutes on a local dump).',
  poolallocsStopped: (outstanding: number, walked: number, total: number, left: number, leftBytes: string, tag: string) =>
    "Stopped once the tracker's " + groupDigits(outstanding) + " outstanding were found: " + groupDigits(walked) + " of " + plural(total, "subsegment") + " walked, " +
    (left === 0 ? "none left." : groupDigits(left) + " left unread, " + leftBytes + "; !poolallocs (\"" + tag + "\", \"all\") walks them too."),
  poolallocsKept: (tag: string, all: boolean, keptWhile: string) =>
    'Follow-up queries (dx @$poolallocs("' + tag + '"' + (all ? ', "all"' : "") + ").Allocations...) answer from this walk " + keptWhile + '; add "refresh" to walk again.',
  poolallocsNotKept: (why: string) => "This walk is not kept (" + why + "): a follow-up query walks the pool again.",
  poolallocsNoCount: (why: string) => "No outstanding count to stop at (" + why + "): the walk did not stop early.",
  poolallocsBigAccountForAll: (tag: string) =>
    "Small blocks not walked: the big allocations account for every outstanding allocation the tracker counts; !poolallocs (\"" + tag + "\", \"all\") walks them anyway.",
  poolallocsCommonPrefix: (bytes: number, text: string) =>
    "Every block listed starts with the same 0x" + bytes.toString(16) + " bytes (" + text + "); the column \"Bytes at +0x" + bytes.toString(16) + "\" shows what follows them.",
  poolallocsEncodingNotBuild: (encoding: string, build: number | null) =>
    "Page segment signatures decode as on builds " + encoding + (build === null ? " (the build is unknown)" : ", not as build " + build + "'s") + ": the LFH offsets are decoded that way too.",
  poolallocsAlsoBig: (count: number) =>
    plural(count, "block") + " of the tag in VS subsegments " + (count === 1 ? "is an allocation" : "are allocations") + " the big page table lists above; each is listed once, as Big.",
  poolallocsStaleHeaders: (count: number, tag: string) =>
    plural(count, "busy slot") + " with '" + tag + "' in a pool header whose size is not the slot's " + (count === 1 ? "was" : "were") + " left out (stale bytes, not a live block).",
  poolallocsCap: (notWalked: number, walked: string) =>
    "Stopped at the cap on bytes walked, " + walked + ": " + plural(notWalked, "subsegment") + " not read; " + raiseHint("maxPoolBytesWalked") + ".",
  poolallocsDiffer: (found: number, outstanding: number, smallWalked: boolean) =>
    "Found " + groupDigits(found) + " of the " + groupDigits(outstanding) + " allocations the tracker counts as outstanding. " +
    (found >= outstanding
      ? "The extra ones were allocated after the tracker was read (live target), or their tag's counters are kept apart (a different tag table or session pool)."
      : !smallWalked
        ? "The rest are small blocks, which were not walked (the line above says why), or allocations in flight on a live target."
        : "The rest may be in flight (allocated or freed while the walk ran, on a live target), in a heap or page that could not be walked (listed above), or on paged-out pages of paged pool."),
  // --- a file path that dx's escapes mangled (any command taking a path; `typedCommand` is the command to type) ---
  pathMangled: (what: string, typedCommand: string) =>
    "The path contains " + what + ": inside quotes dx reads a backslash as the start of an escape (\\t is a tab, " +
    "\\n a new line), so single backslashes were lost. Double every backslash: " + typedCommand + ".",
};

/** Provider error texts end with their own period and may span lines; one sentence on one line. */
function oneLine(detail: string): string {
  const text = flat(detail);
  return /[.!?]$/.test(text) ? text : text + ".";
}

/** A provider's or parser's text inside a sentence of ours: one line, without its closing period. */
function flat(detail: string): string {
  return detail.replace(/[\x00-\x1f]+/g, " ").trim().replace(/\.$/, "");
}
