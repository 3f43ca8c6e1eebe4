// Lines that say where a command's figures came from (which tables were summed, which pooltag.txt described the
// tags) are printed the first time in the session and not again, like the short layout line (DESIGN.md "Output
// conventions" 2): a user who runs dx @$leaks() every few seconds reads the answer, not the same provenance each time.
// Module state lives as long as the script is loaded, i.e. one debugger session.

const said = new Set<string>();

/** `[line]` the first time this exact text is offered in the session, `[]` after that. */
export function oncePerSession(line: string): string[] {
  if (said.has(line)) return [];
  said.add(line);
  return [line];
}

/** Whether `line` is a provenance line printed once per session: reports are compared without them (core/repeat.ts). */
export function isSessionNote(line: string): boolean {
  return said.has(line);
}
