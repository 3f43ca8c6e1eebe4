// Pool-tag snapshot files: `dx @$leaks("save", path)` writes one, `dx @$leaks("compare", path)` reads it back on
// another target (a later dump, or the same live target after a while). Plain JSON with a format name and a version
// (README, "Snapshot files"), one tag per line so that two files diff line by line. Pure: text in, records out.
import { TagUsage, outstanding } from "./tracker";
import { KUSER } from "../layouts/kuser";
import { u32 } from "../core/bytes";

export const SNAPSHOT_FORMAT = "leaktools pool snapshot";
/** The format version this build writes and the newest it reads. */
export const SNAPSHOT_VERSION = 1;
/** 1601-01-01 to 1970-01-01 in milliseconds: SystemTime counts from 1601, JavaScript dates from 1970. */
const MS_1601_TO_1970 = 11644473600000;
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(2200, 0, 1);

/** What the target says about itself: when, which Windows, which boot and machine. Null where unreadable. */
export interface TargetFacts {
  kind: "live" | "dump";
  /** The dump file the debugger opened (Target.Details.DumpFileName), on a dump. */
  dumpFile: string | null;
  windowsBuild: number | null;
  pointerSize: 4 | 8;
  /** KUSER_SHARED_DATA.SystemTime as milliseconds since 1970 (UTC). */
  systemTimeMs: number | null;
  /** SystemTime minus InterruptTime: when the target booted, by its own clock. */
  bootTimeMs: number | null;
  /** KUSER_SHARED_DATA.BootId (build 14393+): the boot's sequence number on that machine. */
  bootId: number | null;
  /** KUSER_SHARED_DATA.NumberOfPhysicalPages: a trait of the machine (and its memory configuration). */
  physicalPages: number | null;
}

export interface Snapshot {
  version: number;
  writtenBy: string;
  target: TargetFacts;
  /** Where the figures came from: "nt!PoolTrackTable" or "!poolused 2" (outstanding allocations only). */
  source: string;
  tags: TagUsage[];
}

/** The clock and boot fields of KUSER_SHARED_DATA from the bytes of its first KUSER.bytesToRead bytes. */
export function decodeKuser(bytes: Uint8Array, build: number | null): Pick<TargetFacts, "systemTimeMs" | "bootTimeMs" | "bootId" | "physicalPages"> {
  const time100ns = (at: number) => u32(bytes, at + 4) * 0x100000000 + u32(bytes, at);
  const systemTimeMs = Math.round(time100ns(KUSER.SystemTime) / 1e4) - MS_1601_TO_1970;
  const sinceBootMs = Math.round(time100ns(KUSER.InterruptTime) / 1e4);
  const bootId = build !== null && build >= KUSER.BootIdFromBuild ? u32(bytes, KUSER.BootId) : null;
  const pages = u32(bytes, KUSER.NumberOfPhysicalPages);
  // A clock outside 2000-2200, or a boot after it, is a corrupt or unmapped page read as data: unknown, not a date.
  const plausible = systemTimeMs >= EARLIEST_MS && systemTimeMs <= LATEST_MS;
  const bootTimeMs = systemTimeMs - sinceBootMs;
  return {
    systemTimeMs: plausible ? systemTimeMs : null,
    bootTimeMs: plausible && bootTimeMs >= EARLIEST_MS && bootTimeMs <= systemTimeMs ? bootTimeMs : null,
    bootId,
    physicalPages: pages > 0 ? pages : null,
  };
}

export function isoTime(ms: number | null): string | null {
  if (ms === null || !isFinite(ms)) return null;
  const d = new Date(ms);
  return isNaN(d.getTime()) ? null : d.toISOString();
}

/** `2026-01-01 00:00:00 UTC`, as a person reads it. */
export function readableTime(ms: number | null): string {
  const iso = isoTime(ms);
  return iso === null ? "unknown" : iso.replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

const TAG_FIELDS: (keyof TagUsage)[] = ["nonPagedAllocs", "nonPagedFrees", "nonPagedBytes", "pagedAllocs", "pagedFrees", "pagedBytes"];

/** The file's text. Only ASCII is written (JSON escapes the rest), so the "Ascii" text writer keeps every byte. */
export function formatSnapshot(s: Snapshot): string {
  const j = (v: unknown) => JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4));
  const t = s.target;
  const lines = [
    "{",
    '  "format": ' + j(SNAPSHOT_FORMAT) + ",",
    '  "version": ' + s.version + ",",
    '  "writtenBy": ' + j(s.writtenBy) + ",",
    '  "target": {',
    '    "kind": ' + j(t.kind) + ",",
    '    "dumpFile": ' + j(t.dumpFile) + ",",
    '    "windowsBuild": ' + j(t.windowsBuild) + ",",
    '    "pointerSize": ' + t.pointerSize + ",",
    '    "systemTime": ' + j(isoTime(t.systemTimeMs)) + ",",
    '    "bootTime": ' + j(isoTime(t.bootTimeMs)) + ",",
    '    "bootId": ' + j(t.bootId) + ",",
    '    "physicalPages": ' + j(t.physicalPages) + ",",
    '    "computerName": null',
    "  },",
    '  "source": ' + j(s.source) + ",",
    '  "tags": [',
  ];
  s.tags.forEach((u, i) => {
    const fields = TAG_FIELDS.map((f) => j(f) + ": " + u[f]).join(", ");
    lines.push("    {" + j("tag") + ": " + j(u.tag) + ", " + fields + "}" + (i < s.tags.length - 1 ? "," : ""));
  });
  lines.push("  ]", "}");
  return lines.join("\r\n") + "\r\n";
}

export type SnapshotProblem =
  | { kind: "empty" }
  | { kind: "truncated"; detail: string }
  | { kind: "malformed"; detail: string }
  | { kind: "notSnapshot"; detail: string }
  | { kind: "newer"; version: number };

/** Parses and checks a snapshot file's text; every field is checked, a file is hostile input like target data. */
export function parseSnapshot(text: string, maxTags: number): { snapshot: Snapshot } | { problem: SnapshotProblem } {
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
  if (!isObject(data) || data.format !== SNAPSHOT_FORMAT) {
    return { problem: { kind: "notSnapshot", detail: isObject(data) ? 'no "format": "' + SNAPSHOT_FORMAT + '" field' : "the JSON is not an object" } };
  }
  const version = data.version;
  if (typeof version !== "number" || !isCount(version) || version < 1) return { problem: { kind: "malformed", detail: '"version" is not a positive whole number' } };
  if (version > SNAPSHOT_VERSION) return { problem: { kind: "newer", version } };
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
  if (typeof data.source !== "string") return bad('"source" is missing');
  const entries = data.tags;
  if (!Array.isArray(entries)) return bad('"tags" is not a list');
  if (entries.length > maxTags) return bad('"tags" has ' + entries.length + " entries, more than the " + maxTags + " a tag table can hold");
  const tags: TagUsage[] = [];
  const seen: { [tag: string]: boolean } = {};
  for (let i = 0; i < entries.length; i++) {
    const e: unknown = entries[i];
    // Tags are written as tagFromKey shows them: printable ASCII only (a control character would reach the output).
    if (!isObject(e) || typeof e.tag !== "string" || !/^[\x20-\x7e]{1,4}$/.test(e.tag)) return bad("tag entry " + (i + 1) + ' has no "tag" of 1-4 printable characters');
    if (seen["$" + e.tag]) return bad("tag '" + e.tag + "' is listed twice");
    seen["$" + e.tag] = true;
    const u: TagUsage = { tag: e.tag, key: 0, nonPagedAllocs: 0, nonPagedFrees: 0, nonPagedBytes: 0, pagedAllocs: 0, pagedFrees: 0, pagedBytes: 0 };
    for (const f of TAG_FIELDS) {
      const v = e[f];
      if (!isCount(v)) return bad("tag '" + e.tag + "': " + JSON.stringify(f) + " is not a whole number of 0 or more");
      (u as unknown as Record<string, number>)[f] = v as number;
    }
    tags.push(u);
  }
  return {
    snapshot: {
      version,
      writtenBy: typeof data.writtenBy === "string" ? printable(data.writtenBy, 64) : "",
      source: printable(data.source, 64),
      tags,
      target: {
        kind: t.kind,
        dumpFile: typeof t.dumpFile === "string" ? printable(t.dumpFile, 260) : null,
        windowsBuild: isCount(t.windowsBuild) ? (t.windowsBuild as number) : null,
        pointerSize: t.pointerSize,
        systemTimeMs,
        bootTimeMs,
        bootId: isCount(t.bootId) ? (t.bootId as number) : null,
        physicalPages: isCount(t.physicalPages) ? (t.physicalPages as number) : null,
      },
    },
  };
}

/** Text from the file that the output shows: control characters become spaces, and it is cut at `max`. */
function printable(text: string, max: number): string {
  const flat = text.replace(/[\x00-\x1f\x7f]/g, " ");
  return flat.length > max ? flat.slice(0, max - 1) + "\u2026" : flat;
}

function isObject(v: unknown): v is { [key: string]: unknown } {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

function isCount(v: unknown): boolean {
  return typeof v === "number" && isFinite(v) && Math.floor(v) === v && v >= 0 && v <= 9007199254740991;
}

/** Boot times further apart than this are different boots (clock adjustments move SystemTime - InterruptTime by
 *  seconds, not by a quarter of an hour). */
export const BOOT_TIME_TOLERANCE_MS = 15 * 60 * 1000;

export type FactsWarning =
  | { kind: "snapshotLater"; thenMs: number; nowMs: number }
  | { kind: "otherMachine"; what: string }
  | { kind: "reboot"; what: string };

/** What makes the comparison of two targets' counters questionable: order in time, machine, boot. */
export function compareFacts(then: TargetFacts, now: TargetFacts): FactsWarning[] {
  const out: FactsWarning[] = [];
  if (then.systemTimeMs !== null && now.systemTimeMs !== null && then.systemTimeMs > now.systemTimeMs) {
    out.push({ kind: "snapshotLater", thenMs: then.systemTimeMs, nowMs: now.systemTimeMs });
  }
  const machine: string[] = [];
  if (then.pointerSize !== now.pointerSize) machine.push((then.pointerSize * 8) + "-bit then, " + (now.pointerSize * 8) + "-bit now");
  if (then.windowsBuild !== null && now.windowsBuild !== null && then.windowsBuild !== now.windowsBuild) {
    machine.push("Windows build " + then.windowsBuild + " then, " + now.windowsBuild + " now (or Windows was updated in between)");
  }
  if (then.physicalPages !== null && now.physicalPages !== null && then.physicalPages !== now.physicalPages) {
    machine.push(then.physicalPages + " physical pages then, " + now.physicalPages + " now");
  }
  if (machine.length) out.push({ kind: "otherMachine", what: machine.join("; ") });
  else {
    const reboot: string[] = [];
    if (then.bootId !== null && now.bootId !== null && then.bootId !== now.bootId) reboot.push("BootId " + then.bootId + " then, " + now.bootId + " now");
    if (then.bootTimeMs !== null && now.bootTimeMs !== null && Math.abs(then.bootTimeMs - now.bootTimeMs) > BOOT_TIME_TOLERANCE_MS) {
      reboot.push("booted " + readableTime(then.bootTimeMs) + " then, " + readableTime(now.bootTimeMs) + " now");
    }
    if (reboot.length) out.push({ kind: "reboot", what: reboot.join("; ") });
  }
  return out;
}

export interface TagGrowth {
  tag: string;
  bytesThen: number;
  bytesNow: number;
  nonPagedDelta: number;
  pagedDelta: number;
  allocsDelta: number;
}

const totalBytes = (u: TagUsage) => u.nonPagedBytes + u.pagedBytes;
const outstandingAllocs = (u: TagUsage) => outstanding(u.nonPagedAllocs, u.nonPagedFrees) + outstanding(u.pagedAllocs, u.pagedFrees);

/** Tags whose bytes (nonpaged + paged) grew from `then` to `now`, largest growth first; a new tag grew from 0. */
export function tagGrowth(then: TagUsage[], now: TagUsage[]): { grown: TagGrowth[]; shrunk: number; gone: number } {
  const before: { [tag: string]: TagUsage } = {};
  for (const u of then) before["$" + u.tag] = u;
  const present: { [tag: string]: boolean } = {};
  const grown: TagGrowth[] = [];
  let shrunk = 0;
  for (const u of now) {
    present["$" + u.tag] = true;
    const b = before["$" + u.tag];
    const bytesThen = b ? totalBytes(b) : 0;
    const delta = totalBytes(u) - bytesThen;
    if (delta < 0) shrunk++;
    if (delta <= 0) continue;
    grown.push({
      tag: u.tag,
      bytesThen,
      bytesNow: totalBytes(u),
      nonPagedDelta: u.nonPagedBytes - (b ? b.nonPagedBytes : 0),
      pagedDelta: u.pagedBytes - (b ? b.pagedBytes : 0),
      allocsDelta: outstandingAllocs(u) - (b ? outstandingAllocs(b) : 0),
    });
  }
  const gone = then.filter((u) => !present["$" + u.tag] && totalBytes(u) > 0).length;
  grown.sort((a, b) => b.bytesNow - b.bytesThen - (a.bytesNow - a.bytesThen) || (a.tag < b.tag ? -1 : 1));
  return { grown, shrunk, gone };
}
