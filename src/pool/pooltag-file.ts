// pooltag.txt, the debugger's tag descriptions. The shipped file (test/fixtures/pool/pooltag-real-excerpt.txt) has
// `//` and `rem` comment lines, then `Tag - binary - description` lines (`AcpA - acpi.sys     - ACPI arbiter data`),
// some with no binary (`ATmp - AppTag mount point`), sub-entries whose description is indented
// (`AfdA - afd.sys      -     Afd EA buffer`), and group entries whose tag is a `?`/`*` pattern (`Afd?`, `Aml*`)
// that describe every tag of the group without a line of its own. Short tags are padded with spaces.
import { parseTagPattern, TagPattern } from "./tags";

export interface TagDescription {
  binary: string;
  description: string;
}

/** Exact tags first; a tag without a line of its own takes the last group pattern that matches it. */
export class TagDescriptions {
  private readonly exact = new Map<string, TagDescription>();
  private readonly patterns: { pattern: TagPattern; description: TagDescription }[] = [];

  set(tag: string, description: TagDescription): void {
    const pattern = /[?*]/.test(tag) ? parseTagPattern(tag.replace(/ +$/, "")) : null;
    if (pattern) this.patterns.push({ pattern, description });
    else this.exact.set((tag + "    ").slice(0, 4), description);
  }

  get(tag: string): TagDescription | undefined {
    const d = this.exact.get(tag);
    if (d) return d;
    // Later lines win, as for exact tags: the user's file is parsed after the debugger's.
    for (let i = this.patterns.length - 1; i >= 0; i--) if (this.patterns[i].pattern.matches(tag)) return this.patterns[i].description;
    return undefined;
  }

  /** Every line taken, exact tags then patterns (`Afd?`), each under its tag as written. */
  entries(): { tag: string; description: TagDescription }[] {
    const out: { tag: string; description: TagDescription }[] = [];
    this.exact.forEach((description, tag) => out.push({ tag, description }));
    for (const p of this.patterns) out.push({ tag: p.pattern.text, description: p.description });
    return out;
  }

  get size(): number {
    return this.exact.size + this.patterns.length;
  }
}

/** Lines parsed at most from one file (the shipped file has about 4,000). */
export const MAX_POOLTAG_LINES = 100000;

const COMMENT = /^\s*(\/\/|rem(\s|$)|$)/i;
/** The tag is the 1-4 characters before the first ` - ` (a tag may hold a `-` itself: `-` then a space ends it). */
const TAG_AND_REST = /^(.{1,4}?)\s*-\s+(.*)$/;
/** `binary - description`, where the binary is one word (`acpi.sys`, `nt!cc`, `<unknown>`). */
const BINARY_AND_DESCRIPTION = /^(\S+)\s+-\s+(.*)$/;

export function parsePoolTagFile(lines: string[], into: TagDescriptions = new TagDescriptions()): TagDescriptions {
  const count = Math.min(lines.length, MAX_POOLTAG_LINES);
  for (let i = 0; i < count; i++) {
    const line = lines[i].replace(/\r$/, "");
    if (COMMENT.test(line)) continue;
    const m = TAG_AND_REST.exec(line);
    if (!m) continue;
    const rest = m[2].trim();
    const b = BINARY_AND_DESCRIPTION.exec(rest);
    into.set(m[1], b ? { binary: b[1], description: b[2].trim() } : { binary: "", description: rest });
  }
  return into;
}

/**
 * Fixed places tried after those `.chain` names (debuggerPoolTagPaths): the triage folder of the Windows Kits
 * debuggers, 64- and 32-bit, and a hand-copied debugger folder. The WinDbg app is not here: it installs under a
 * folder named after its version (`...\WindowsApps\Microsoft.WinDbg_1.2306.14001.0_x64__8wekyb3d8bbwe\amd64`,
 * test/fixtures/chain), so only `.chain` can say where it is.
 */
export const TRIAGE_POOLTAG_PATHS = [
  "C:\\Program Files (x86)\\Windows Kits\\10\\Debuggers\\x64\\triage\\pooltag.txt",
  "C:\\Program Files\\Windows Kits\\10\\Debuggers\\x64\\triage\\pooltag.txt",
  "C:\\Program Files (x86)\\Windows Kits\\10\\Debuggers\\x86\\triage\\pooltag.txt",
  "C:\\Debuggers\\triage\\pooltag.txt",
];

/** Folders of a debugger install that hold extension DLLs; the install folder (with `triage\`) is above them. */
const EXTENSION_FOLDERS = /\\(winext\\arcade|winext|winxp|pri)$/i;
const CHAIN_PATH = /^\s*\[path: (.+\\)[^\\\]]+\]\s*$/;
const MAX_CHAIN_CANDIDATES = 8;

/**
 * Where pooltag.txt is, from the output of `.chain` (test/fixtures/chain): the folder of each loaded extension DLL
 * (`[path: ...\amd64\WINXP\exts.dll]`), then each extension folder of the search path, taken up to the debugger's
 * install folder, plus `triage\pooltag.txt`. In the order the debugger lists them, each once.
 */
export function poolTagPathsFromChain(lines: string[]): string[] {
  const folders: string[] = [];
  const add = (folder: string) => {
    const install = folder.replace(/\\+$/, "").replace(EXTENSION_FOLDERS, "");
    if (!/^[A-Za-z]:\\/.test(install) || /[\x00-\x1f"*?<>|]/.test(install)) return;
    if (folders.some((f) => f.toLowerCase() === install.toLowerCase())) return;
    if (folders.length < MAX_CHAIN_CANDIDATES) folders.push(install);
  };
  const searchPaths: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = CHAIN_PATH.exec(lines[i]);
    if (m) add(m[1]);
    else if (/^Extension DLL search Path:\s*$/.test(lines[i]) && i + 1 < lines.length) searchPaths.push(lines[i + 1]);
  }
  for (const line of searchPaths) {
    for (const entry of line.trim().split(";")) if (EXTENSION_FOLDERS.test(entry.replace(/\\+$/, ""))) add(entry);
  }
  return folders.map((f) => f + "\\triage\\pooltag.txt");
}

/** A description as one short cell: "ACPI arbiter data (acpi.sys)". */
export function describeTag(descriptions: TagDescriptions, tag: string): string {
  const d = descriptions.get(tag);
  if (!d) return "";
  return d.binary && d.binary !== "<unknown>" ? d.description + " (" + d.binary + ")" : d.description;
}
