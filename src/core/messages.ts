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
  leaktagUsage: (given: string) =>
    'Usage: !leaktag ["Tag"] - a pool tag of 1-4 characters in quotes, ? and * as wildcards (!leaktag "Leak", !leaktag "Le*"); got ' +
    given + ".",
  tagUsageUnavailable: (detail: string) =>
    "No pool tag usage: " + detail + ". If nt's symbols are missing, load them (.symfix; .reload /f nt); " +
    "if the memory is unreadable, a small or partial dump may not hold it (a kernel or complete dump does).",
  tagNotTracked: (tag: string) =>
    "Tag '" + tag + "' has no entry in the pool tag tables (no allocation recorded, or pool tagging is off).",
  untaggedTag: (tag: string) =>
    "Tag '" + tag + "' is what ExAllocatePool records: the allocations carry no tag of their own. " +
    "Find the drivers that import it with: !findimporter \"ExAllocatePool\"",
  ownersHeader: (modules: number, bytes: string) => "Owners: searched " + modules + " modules, " + bytes + " of image sections.",
  noOwners: (tag: string) =>
    "No loaded module holds the bytes of '" + tag + "'. The allocator may build the tag at run time, or it was unloaded (lm shows unloaded modules).",
  notSearched: (count: number) => count + " section range(s) were not resident and were NOT searched:",
  wildcardOwners: (count: number) =>
    count + " tags match; run !leaktag on one tag (in quotes, no wildcard) to find its owner.",
  leaksBaseline: (tags: number) =>
    "Baseline recorded: " + tags + " tags. Run dx @$leaks() again after a while to see which tags grew.",
  leaksNeedLive: () =>
    "This is a dump: a second snapshot needs a live target. The largest consumers are listed instead.",
  leaksReset: () => "Snapshots cleared. The next dx @$leaks() records a new baseline.",
  leaksNoClock: () => "The target's clock (KUSER_SHARED_DATA.SystemTime) is unreadable; rates are not shown.",
  leaksNoGrowth: (seconds: string) => "No tag grew in the last " + seconds + " seconds.",
  leaksUsage: (given: string) => 'Usage: dx @$leaks() or dx @$leaks("reset"); got ' + given + ".",
  pooltagfileUsage: (given: string) =>
    'Usage: !pooltagfile "C:\\path\\tags.txt" - a text file of "Tag - binary - description" lines; got ' + given + ".",
  pooltagfileUnreadable: (path: string) => "Could not read " + path + "; check the path (backslashes doubled inside quotes).",
  pooltagfileLoaded: (path: string, count: number) =>
    "Loaded " + count + " tag descriptions from " + path + "; !leaktag and dx @$pooltags() use them for the rest of this session.",

  // --- findimporter ---

  // --- virtblocks ---

  // --- unloadleaks ---

  // --- triage ---
};
