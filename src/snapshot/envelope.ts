// The file every leaktools snapshot is: JSON with a format name saying its kind, a version, who wrote it, the
// target's facts (target-facts.ts) and one row per line (so two snapshots diff line by line). The rows are the
// kind's own (pool tags: src/pool/snapshot.ts; heap allocations: the heap commands); this module knows only that
// there is a list of them. Pure: text in, records out; a file is hostile input like target memory.
import { TargetFacts, isoTime } from "./target-facts";

/** One kind of snapshot this project writes. The file's "format" field names it; a reader refuses the others. */
export interface SnapshotKind {
  /** The "format" field's value: "leaktools pool snapshot". */
  format: string;
  /** What a person calls it: "pool-tag snapshot". */
  noun: string;
  /** The command that reads this kind, as typed: `dx @$leaks("compare", "C:\\cases\\before.json")`. */
  reader: string;
  /** The format version this build writes and the newest it reads. */
  version: number;
  /** The field that holds the rows: "tags". */
  rowsField: string;
  /** Why the rows are bounded, for the message about a file with more: "a tag table can hold". */
  rowsBound: string;
}

/** Pool-tag snapshots of `dx @$leaks("save", path)`. */
export const POOL_SNAPSHOT: SnapshotKind = {
  format: "leaktools pool snapshot",
  noun: "pool-tag snapshot",
  reader: 'dx @$leaks("compare", "C:\\\\cases\\\\before.json")',
  version: 1,
  rowsField: "tags",
  rowsBound: "a tag table can hold",
};

/** Heap snapshots of one process (`dx @$heapleaks("save", path)`). */
export const HEAP_SNAPSHOT: SnapshotKind = {
  format: "leaktools heap snapshot",
  noun: "heap snapshot",
  reader: 'dx @$heapleaks("compare", "C:\\\\cases\\\\before.json")',
  version: 1,
  rowsField: "rows",
  rowsBound: "a heap snapshot keeps",
};

/** Every kind this build knows, so a file of one kind handed to another's reader names the right command. */
export const SNAPSHOT_KINDS: SnapshotKind[] = [POOL_SNAPSHOT, HEAP_SNAPSHOT];

/**
 * The format names leaktools writes, now and in later versions: "leaktools <words> snapshot". A file whose JSON
 * begins with such a "format" field is ours, whatever its kind; only such a file may be replaced by a save.
 */
const OUR_FORMAT = /^leaktools [a-z][a-z0-9 -]{0,40} snapshot$/;

/** The snapshot format named at the start of a file's text (its first "format" field), or null: not one of ours. */
export function snapshotFormatOf(text: string): string | null {
  const m = /^\uFEFF?\s*\{\s*"format"\s*:\s*"([^"\\]{1,80})"/.exec(text);
  return m && OUR_FORMAT.test(m[1]) ? m[1] : null;
}

/** What is known about a snapshot besides its rows. */
export interface SnapshotEnvelope {
  kind: SnapshotKind;
  /** The version the file says it has (at most kind.version). */
  version: number;
  /** `leaktools 0.1.0`. */
  writtenBy: string;
  target: TargetFacts;
  /** Where the rows came from, in the user's terms: "nt!PoolTrackTable", "!poolused 2". */
  source: string;
}

/** JSON text of a value, ASCII only (the rest escaped), so an "Ascii" text writer keeps every byte. */
export function jsonAscii(v: unknown): string {
  return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4));
}

/**
 * The file's text: the envelope, then `rows` (each the JSON text of one row object, written with jsonAscii) one per
 * line under the kind's rows field. CR LF line ends, as Notepad and the debugger's own writer use.
 */
export function formatSnapshotFile(e: SnapshotEnvelope, rows: string[]): string {
  const j = jsonAscii;
  const t = e.target;
  const lines = [
    "{",
    '  "format": ' + j(e.kind.format) + ",",
    '  "version": ' + e.version + ",",
    '  "writtenBy": ' + j(e.writtenBy) + ",",
    '  "target": {',
    '    "kind": ' + j(t.kind) + ",",
    '    "dumpFile": ' + j(t.dumpFile) + ",",
    '    "windowsBuild": ' + j(t.windowsBuild) + ",",
    '    "pointerSize": ' + t.pointerSize + ",",
    '    "systemTime": ' + j(isoTime(t.systemTimeMs)) + ",",
    '    "bootTime": ' + j(isoTime(t.bootTimeMs)) + ",",
    '    "bootId": ' + j(t.bootId) + ",",
    '    "physicalPages": ' + j(t.physicalPages) + ",",
  ];
  if (t.process) lines.push('    "process": {"image": ' + j(t.process.image) + ', "pid": ' + j(t.process.pid) + "},");
  lines.push('    "computerName": null', "  },", '  "source": ' + j(e.source) + ",", "  " + j(e.kind.rowsField) + ": [");
  rows.forEach((r, i) => lines.push("    " + r + (i < rows.length - 1 ? "," : "")));
  lines.push("  ]", "}");
  return lines.join("\r\n") + "\r\n";
}

export type SnapshotProblem =
  | { kind: "empty" }
  | { kind: "truncated"; detail: string }
  | { kind: "malformed"; detail: string }
  | { kind: "notSnapshot"; detail: string }
  | { kind: "newer"; version: number; supported: number }
  /** One of ours, of another kind: `other` when this build knows it (its reader is named), else its format name. */
  | { kind: "otherKind"; format: string; other: SnapshotKind | null };

/** A row checked by the kind's reader: the row, or what is wrong with it (`tag 'Leak' is listed twice`). */
export type RowCheck<Row> = { row: Row } | { problem: string };

/**
 * Parses and checks a snapshot of `kind`; every field is checked. `checkRow` sees each entry of the rows list in
 * order (an unknown value from the file) and returns the row or what is wrong with it; at most `maxRows` entries.
 */
export function parseSnapshotFile<Row>(
  text: string,
  kind: SnapshotKind,
  maxRows: number,
  checkRow: (entry: unknown, index: number) => RowCheck<Row>,
): { envelope: SnapshotEnvelope; rows: Row[] } | { problem: SnapshotProblem } {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  if (trimmed === "") return { problem: { kind: "empty" } };
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch (e) {
    const detail = e && typeof e === "object" && "message" in e ? String((e as Error).message) : String(e);
    if (trimmed.charAt(0) === "{" && !/}$/.test(trimmed)) return { problem: { kind: "truncated", detail } };
    if (trimmed.charAt(0) !== "{" && trimmed.charAt(0) !== "[") return { problem: { kind: "notSnapshot", detail: "it is not JSON" } };
    return { problem: { kind: "malformed", detail } };
  }
  if (!isObject(data) || data.format !== kind.format) {
    const format = isObject(data) && typeof data.format === "string" && OUR_FORMAT.test(data.format) ? data.format : null;
    if (format !== null) return { problem: { kind: "otherKind", format, other: SNAPSHOT_KINDS.filter((k) => k.format === format)[0] || null } };
    return { problem: { kind: "notSnapshot", detail: isObject(data) ? 'no "format": "' + kind.format + '" field' : "the JSON is not an object" } };
  }
  const version = data.version;
  if (typeof version !== "number" || !isCount(version) || version < 1) return { problem: { kind: "malformed", detail: '"version" is not a positive whole number' } };
  if (version > kind.version) return { problem: { kind: "newer", version, supported: kind.version } };
  const bad = (detail: string) => ({ problem: { kind: "malformed" as const, detail } });
  const t = data.target;
  if (!isObject(t)) return bad('"target" is missing');
  if (t.kind !== "live" && t.kind !== "dump") return bad('"target.kind" is neither "live" nor "dump"');
  if (t.pointerSize !== 4 && t.pointerSize !== 8) return bad('"target.pointerSize" is neither 4 nor 8');
  const optionalString = (v: unknown) => v === null || v === undefined || typeof v === "string";
  const optionalCount = (v: unknown) => v === null || v === undefined || isCount(v);
  for (const f of ["dumpFile", "systemTime", "bootTime"]) if (!optionalString(t[f])) return bad('"target.' + f + '" is not a string or null');
  for (const f of ["windowsBuild", "bootId", "physicalPages"]) if (!optionalCount(t[f])) return bad('"target.' + f + '" is not a whole number or null');
  const time = (v: unknown): number | null | "bad" => {
    if (v === null || v === undefined) return null;
    // ISO 8601 in UTC as toISOString writes it; Date.parse reads that form the same way on every engine.
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(v as string)) return "bad";
    const ms = Date.parse(v as string);
    return isNaN(ms) ? "bad" : ms;
  };
  const systemTimeMs = time(t.systemTime);
  const bootTimeMs = time(t.bootTime);
  if (systemTimeMs === "bad") return bad('"target.systemTime" is not a UTC time like 2026-01-01T00:00:00.000Z');
  if (bootTimeMs === "bad") return bad('"target.bootTime" is not a UTC time like 2026-01-01T00:00:00.000Z');
  let process: TargetFacts["process"] = null;
  if (t.process !== undefined && t.process !== null) {
    const p = t.process;
    if (!isObject(p) || !optionalString(p.image) || !optionalCount(p.pid)) return bad('"target.process" is not {"image": name or null, "pid": number or null}');
    process = { image: typeof p.image === "string" ? printable(p.image, 260) : null, pid: isCount(p.pid) ? (p.pid as number) : null };
  }
  if (typeof data.source !== "string") return bad('"source" is missing');
  const entries = data[kind.rowsField];
  if (!Array.isArray(entries)) return bad(JSON.stringify(kind.rowsField) + " is not a list");
  if (entries.length > maxRows) return bad(JSON.stringify(kind.rowsField) + " has " + entries.length + " entries, more than the " + maxRows + " " + kind.rowsBound);
  const rows: Row[] = [];
  for (let i = 0; i < entries.length; i++) {
    const checked = checkRow(entries[i], i);
    if ("problem" in checked) return bad(checked.problem);
    rows.push(checked.row);
  }
  const target: TargetFacts = {
    kind: t.kind,
    dumpFile: typeof t.dumpFile === "string" ? printable(t.dumpFile, 260) : null,
    windowsBuild: isCount(t.windowsBuild) ? (t.windowsBuild as number) : null,
    pointerSize: t.pointerSize,
    systemTimeMs,
    bootTimeMs,
    bootId: isCount(t.bootId) ? (t.bootId as number) : null,
    physicalPages: isCount(t.physicalPages) ? (t.physicalPages as number) : null,
  };
  if (process) target.process = process;
  return {
    envelope: {
      kind,
      version,
      writtenBy: typeof data.writtenBy === "string" ? printable(data.writtenBy, 64) : "",
      source: printable(data.source, 64),
      target,
    },
    rows,
  };
}

/** Text from the file that the output shows: control characters become spaces, and it is cut at `max`. */
export function printable(text: string, max: number): string {
  const flat = text.replace(/[\x00-\x1f\x7f]/g, " ");
  return flat.length > max ? flat.slice(0, max - 3) + "..." : flat;
}

export function isObject(v: unknown): v is { [key: string]: unknown } {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

/** A whole number of 0 or more that a double holds exactly. */
export function isCount(v: unknown): boolean {
  return typeof v === "number" && isFinite(v) && Math.floor(v) === v && v >= 0 && v <= 9007199254740991;
}
