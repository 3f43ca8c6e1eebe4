// The shape every command's text takes (issue 24): the answer first, then the details, then one "Next:" block.
// Shared so that every command words sizes, pools and follow-ups the same way.
import { groupDigits, humanBytes } from "./format";

/**
 * A size as text: hex as the debugger prints sizes, with a human figure. 0x380 -> "0x380 (896 bytes)",
 * 0x129c00000 -> "0x129c00000 (4.65 GB)". Records keep the exact number; only text uses this.
 */
export function sizeText(bytes: number): string {
  const sign = bytes < 0 ? "-" : "";
  const n = Math.abs(bytes);
  return sign + "0x" + n.toString(16) + " (" + (n < 1024 ? groupDigits(n) + (n === 1 ? " byte" : " bytes") : humanBytes(n)) + ")";
}

/** The pool a block or a tag's bytes are in, one word everywhere (text and records). */
export type PoolName = "NonPaged" | "Paged";

/** One follow-up the user can copy: the command exactly as typed, and what it shows. */
export interface NextStep {
  command: string;
  why: string;
}

/**
 * The one "Next:" style of every command:
 *   Next:
 *     !poolallocs "Leak"            every live allocation of the tag, small blocks too
 *     db ffffa38c`12345000 L0x380   the first block's bytes
 * Commands are real values, never placeholders; the block is left out when there is nothing to suggest.
 */
export function nextBlock(steps: NextStep[]): string[] {
  const shown = steps.filter((s) => s.command.length > 0);
  if (shown.length === 0) return [];
  const width = Math.min(60, Math.max(...shown.map((s) => s.command.length)));
  return ["Next:"].concat(shown.map((s) => "  " + pad(s.command, width) + (s.why ? "  " + s.why : "")));
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

/**
 * Layout provenance (output conventions 2): which structures this session decoded with a built-in layout, and the
 * full reason, for `!leaktools`. Module state lives as long as the script is loaded, i.e. one debugger session.
 */
const builtInLayoutsUsed = new Map<string, string>();

/** The subset of a resolved layout the note needs (src/layouts/types.ts ResolvedLayout). */
export interface LayoutProvenance {
  typeName: string;
  origin: "symbols" | "built-in";
  description: string;
  guessed: boolean;
  variantLabel?: string;
}

/**
 * The one short line a command prints after its answer when it decoded `layout` from a built-in variant, the first
 * time in the session for that structure: `Layout: built-in _POOL_TRACKER_TABLE (Windows 10 1709-22H2 x64), not from
 * nt's symbols; !leaktools shows why.` Empty when the symbols gave the layout or the line was already printed.
 * A guessed layout (unknown build) says "guessed", since a guess must say so.
 */
export function layoutNote(layout: LayoutProvenance): string[] {
  if (layout.origin !== "built-in") return [];
  const seen = builtInLayoutsUsed.has(layout.typeName);
  builtInLayoutsUsed.set(layout.typeName, layout.description);
  if (seen) return [];
  const label = layout.variantLabel ? " (" + layout.variantLabel + ")" : "";
  return ["Layout: " + (layout.guessed ? "guessed " : "") + "built-in " + layout.typeName + label + ", not from the symbols; !leaktools shows why."];
}

/** Every built-in layout used this session with its full reason, for `!leaktools`. */
export function builtInLayoutsThisSession(): { typeName: string; description: string }[] {
  const out: { typeName: string; description: string }[] = [];
  builtInLayoutsUsed.forEach((description, typeName) => out.push({ typeName, description }));
  return out;
}
