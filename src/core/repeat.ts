// `dx @$leaktag("Leak").Owners.Where(...)` calls the same function as `!leaktag "Leak"` (one function alias serves
// both, and a script cannot tell how it was called), so every dx query over a result would print the whole report
// again above its answer. The runner therefore builds a report command's output in a buffer and compares it with the
// last report printed: when it is word for word the same as the previous report, printed less than REPEAT_WINDOW_MS
// ago, one line says so instead. Nothing is hidden: identical text means the same figures, and on a live target whose
// state moved the text differs and is printed in full. The returned object is always read afresh.
import type { Printer } from "./printer";
import { addressArg } from "./args";

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

/** Reports shorter than this are printed every time: replacing a line or two with a line saves nothing. */
export const MIN_REPEAT_LINES = 3;

/**
 * Prints `buffer` unless it repeats the previous report of `command` within the window. The clock is the script
 * host's Date.now() (the debugger machine's wall clock, not the target's): the window is about the user at the
 * keyboard, and a dump has no moving clock.
 */
export function printReport(out: Printer, command: string, buffer: string[], nowMs: number = Date.now()): boolean {
  const text = buffer.join("\n");
  const previous = last;
  last = { command, text, atMs: nowMs };
  const repeated = previous !== null && previous.command === command && previous.text === text;
  if (repeated && buffer.length >= MIN_REPEAT_LINES && nowMs >= previous!.atMs && nowMs - previous!.atMs < REPEAT_WINDOW_MS) {
    // No "N s ago": the line must read the same however fast the commands ran (transcripts are compared).
    out.line("(" + command + ": the same report as the previous one, not printed again; the result below was read just now.)");
    last.atMs = previous!.atMs; // The window runs from the report the user can scroll back to.
    return false;
  }
  out.lines(buffer);
  return true;
}

/** The command as the user would type it, for that one line: `!leaktag "Leak"`, `!virtblocks 0x29fb0000`. */
export function commandLine(name: string, args: unknown[]): string {
  const shown = args.filter((a) => a !== undefined).map(argText);
  return "!" + name + (shown.length === 0 ? "" : shown.length === 1 ? " " + shown[0] : " (" + shown.join(", ") + ")");
}

function argText(value: unknown): string {
  if (typeof value === "string") {
    // Only ever printed, never run; still kept to one short line of printable characters.
    const s = value.length > 40 ? value.slice(0, 40) + "…" : value;
    return '"' + s.replace(/[\x00-\x1f\x7f"]/g, "?") + '"';
  }
  if (typeof value === "number") return value >= 0x10000 && Number.isInteger(value) ? "0x" + value.toString(16) : String(value);
  const address = addressArg(value);
  return address ? "0x" + address.toHex() : "<symbol>";
}
