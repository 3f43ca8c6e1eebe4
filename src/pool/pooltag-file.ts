// pooltag.txt, the debugger's tag descriptions: `//` comment lines, then `Tag - binary - description` lines
// (`AcpA - acpi.sys     - ACPI arbiter data`). A tag shorter than four characters is padded with spaces.

export interface TagDescription {
  binary: string;
  description: string;
}

export type TagDescriptions = Map<string, TagDescription>;

/** Lines parsed at most from one file (the shipped file has about 4,000). */
export const MAX_POOLTAG_LINES = 100000;

export function parsePoolTagFile(lines: string[], into: TagDescriptions = new Map()): TagDescriptions {
  const count = Math.min(lines.length, MAX_POOLTAG_LINES);
  for (let i = 0; i < count; i++) {
    const line = lines[i].replace(/\r$/, "");
    if (/^\s*(\/\/|$)/.test(line)) continue;
    const m = /^(.{1,4}?)\s*-\s*(.*?)\s*-\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const tag = (m[1] + "    ").slice(0, 4);
    into.set(tag, { binary: m[2], description: m[3] });
  }
  return into;
}

/**
 * Where the debugger keeps its copy (an assumption: the triage folder of the Windows Kits debuggers, 64- and
 * 32-bit, and the WinDbg app's install folder; the app's folder name carries a version, so only the stable
 * `C:\Program Files\WindowsApps` alias path used by the app's amd64 layout is tried).
 */
export const TRIAGE_POOLTAG_PATHS = [
  "C:\\Program Files (x86)\\Windows Kits\\10\\Debuggers\\x64\\triage\\pooltag.txt",
  "C:\\Program Files\\Windows Kits\\10\\Debuggers\\x64\\triage\\pooltag.txt",
  "C:\\Program Files (x86)\\Windows Kits\\10\\Debuggers\\x86\\triage\\pooltag.txt",
  "C:\\Debuggers\\triage\\pooltag.txt",
  "C:\\Program Files\\WindowsApps\\Microsoft.WinDbg_8wekyb3d8bbwe\\amd64\\triage\\pooltag.txt",
];

/** A description as one short cell: "ACPI arbiter data (acpi.sys)". */
export function describeTag(descriptions: TagDescriptions, tag: string): string {
  const d = descriptions.get(tag);
  if (!d) return "";
  return d.binary && d.binary !== "<unknown>" ? d.description + " (" + d.binary + ")" : d.description;
}
