// `dx @$leaktag("Leak").Owners.Where(...)` calls the same function as `!leaktag "Leak"` (one function alias serves
// both, and a script cannot tell how it was called), so every dx query over a result would print the whole report
// again above its answer. The runner therefore builds a report command's output in a buffer and compares it with the
// reports printed recently: when the text is word for word one of them, printed less than REPEAT_WINDOW_MS ago, one
// line says so instead. The key is the report's text, not the command line: `dx @$virtblocks(0x29fb0000).Blocks`
// after `!virtblocks 0x29fb0000` is a different line with the same report. Nothing is hidden: identical text means
// the same figures, and on a live target whose state moved the text differs and is printed in full.
import { isSessionNote } from "./session-notes";
import type { Printer } from "./printer";
import { addressArg } from "./args";

/** How long an identical report is not repeated (host clock). */
export const REPEAT_WINDOW_MS = 120000;

/** How many recent reports are remembered: enough for a command, two follow-ups and a detour. */
export const RECENT_REPORTS = 8;

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

interface PrintedReport {
  command: string;
  text: string;
  atMs: number;
}

const recent: PrintedReport[] = [];

/** Reports shorter than this are printed every time: replacing a line or two with a line saves nothing. */
export const MIN_REPEAT_LINES = 3;

/**
 * The text two reports are compared by: without the short layout line (render/report.ts layoutNote) and the other
 * provenance lines a session prints once (core/session-notes.ts), so the second run of the same report lacks them
 * and is otherwise word for word the first.
 */
export function reportKey(buffer: string[]): string {
  return buffer.filter((l) => !/^Layout: (guessed )?built-in /.test(l) && !isSessionNote(l)).join("\n");
}

/** The recent report with exactly this text, printed within the window, or null. */
export function recentReport(text: string, nowMs: number): PrintedReport | null {
  for (let i = recent.length - 1; i >= 0; i--) {
    const r = recent[i];
    if (r.text === text && nowMs >= r.atMs && nowMs - r.atMs < REPEAT_WINDOW_MS) return r;
  }
  return null;
}

function remember(command: string, text: string, nowMs: number): void {
  for (let i = recent.length - 1; i >= 0; i--) if (recent[i].text === text) recent.splice(i, 1);
  recent.push({ command, text, atMs: nowMs });
  while (recent.length > RECENT_REPORTS) recent.shift();
}

/**
 * Prints `buffer` unless the same text was printed within the window; then one line names the command that printed
 * it. `note` is that line's ending ("the result below was read just now"). The clock is the script host's Date.now()
 * (the debugger machine's wall clock, not the target's): the window is about the user at the keyboard, and a dump
 * has no moving clock. Returns whether the report was printed.
 */
export function printReport(out: Printer, command: string, buffer: string[], note: string = "the result below was read just now", nowMs: number = Date.now()): boolean {
  const text = reportKey(buffer);
  const earlier = buffer.length >= MIN_REPEAT_LINES ? recentReport(text, nowMs) : null;
  if (earlier) {
    // No "N s ago": the line must read the same however fast the commands ran (transcripts are compared). The
    // window keeps running from the report the user can scroll back to.
    out.line("(" + command + ": the same report as above, not printed again; " + note + ".)");
    return false;
  }
  out.lines(buffer);
  remember(command, text, nowMs);
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
    const s = value.length > 40 ? value.slice(0, 40) + "..." : value;
    return '"' + s.replace(/[\x00-\x1f\x7f"]/g, "?") + '"';
  }
  if (typeof value === "number") return value >= 0x10000 && Number.isInteger(value) ? "0x" + value.toString(16) : String(value);
  const address = addressArg(value);
  return address ? "0x" + address.toHex() : "<symbol>";
}
