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

  // --- triage ---
};
