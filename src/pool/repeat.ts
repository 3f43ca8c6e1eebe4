// `dx @$leaktag("Leak").Owners.Where(...)` calls the same function as `!leaktag "Leak"` (one function alias serves
// both, and a script cannot tell how it was called), so every dx query over the result would print the whole report
// again above its answer. A report is therefore built in a buffer and compared with the last one printed: when it is
// word for word the same as the previous report, printed less than REPEAT_WINDOW_MS ago, one line says so instead.
// Nothing is hidden: identical text means the same figures, and on a live target whose pool moved the text differs
// and is printed in full. The returned object is always read afresh.
import type { Printer } from "../core/printer";

/** How long an identical report is not repeated (host clock). */
export const REPEAT_WINDOW_MS = 120000;

export class BufferedPrinter implements Printer {
  readonly buffer: string[] = [];
  constructor(private readonly out: Printer) {}
  line(text: string): void {
    this.buffer.push(text);
  }
  lines(texts: string[]): void {
    for (const t of texts) this.buffer.push(t);
  }
  /** Progress is for the user waiting now: written at once, and not part of the report compared. */
  progress(text: string): void {
    this.out.progress(text);
  }
}

interface LastReport {
  command: string;
  text: string;
  atMs: number;
}

let last: LastReport | null = null;

/**
 * Prints `buffer` unless it repeats the previous report of `command` within the window. The clock is the script
 * host's Date.now() (the debugger machine's wall clock, not the target's): the window is about the user at the
 * keyboard, and a dump has no moving clock.
 */
export function printReport(out: Printer, command: string, buffer: string[], nowMs: number = Date.now()): boolean {
  const text = buffer.join("\n");
  const previous = last;
  last = { command, text, atMs: nowMs };
  if (previous && previous.command === command && previous.text === text && nowMs >= previous.atMs && nowMs - previous.atMs < REPEAT_WINDOW_MS) {
    // No "N s ago": the line must read the same however fast the commands ran (transcripts are compared).
    out.line("(" + command + ": the same report as the previous one, not printed again; the result below was read just now.)");
    last.atMs = previous.atMs; // The window runs from the report the user can scroll back to.
    return false;
  }
  out.lines(buffer);
  return true;
}
