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
  findimporterUsage: (tried: string) =>
    'Usage: !findimporter "Function" | "module!Function" | "Pattern*" | <address> - got ' + tried +
    '; quote names (!findimporter "ExAllocatePool"), or pass an address (!findimporter 0xe0894d1f).',
  findimporterUnresolved: (query: string, tried: string) =>
    'Usage: !findimporter "Function" - no loaded module imports ' + query + " by name and " + tried +
    " did not resolve; check the spelling (x nt!ExAllocate*) or load symbols (.reload /f nt).",
  findimporterNoMatch: (query: string, examined: number) =>
    "No loaded module imports " + query + " (" + examined + " modules examined).",
  findimporterLooking: (what: string, examined: number, total: number) =>
    "Importers of " + what + ": " + examined + " of " + total + " modules examined.",
  findimporterNamesUnreadable: (modules: string) =>
    "Import names unreadable (paged out or INIT discarded) in: " + modules + "; those were matched by IAT value only.",
  findimporterNotExamined: () => "Not examined:",
  findimporterProblems: () => "Problems found in import tables (bounded and skipped):",
  findimporterTooManyModules: (skipped: number, limit: number) => skipped + " modules past the first " + limit + " were not examined.",

  // --- virtblocks ---

  // --- unloadleaks ---

  // --- triage ---
};
