// The rows of a heap snapshot file (`dx @$heapleaks("save", path)`): one JSON object per allocation group, in the
// envelope every leaktools snapshot shares (src/snapshot/envelope.ts, kind HEAP_SNAPSHOT), then one totals row that
// a reader checks the groups against, so a file whose figures were edited by hand is refused rather than compared.
// Besides the in-process keys (a stack record's address, a vtable's address) each row carries the same facts in
// module-relative form (`app+0x1a2b`), which survive a restart of the program under ASLR. Pure: rows in, text out.
import { isCount, isObject, jsonAscii, RowCheck } from "../snapshot/envelope";
import type { HeapGroup } from "./groups";

/** At most this many groups in one file: a process has at most as many groups as busy blocks, and a million
 *  groups is already 200 MB of JSON. */
export const MAX_HEAP_SNAPSHOT_ROWS = 1000000;

export interface HeapSnapshotGroup {
  /** The in-process key (groups.ts): `s:<record>` or `z:<size>:<type>`. */
  key: string;
  /** Hex without 0x, or null. */
  stackRecord: string | null;
  size: number | null;
  /** The type pointer as hex, or null. */
  type: string | null;
  /** The type pointer as `module+0x..`, or null. */
  typeName: string | null;
  /** The frames as `module+0x..` (address text outside every module), innermost first; null for a size group or
   *  when the record could not be read. */
  frames: string[] | null;
  allocations: number;
  bytes: number;
  example: string;
}

export interface HeapSnapshotTotals {
  groups: number;
  allocations: number;
  bytes: number;
  /** +ust was on when the file was written. */
  ust: boolean;
}

export type HeapSnapshotRow = { group: HeapSnapshotGroup } | { totals: HeapSnapshotTotals };

/** A group as a row: `frames` and `typeName` are module-relative text the caller computed. */
export function snapshotGroup(g: HeapGroup, frames: string[] | null, typeName: string | null): HeapSnapshotGroup {
  return {
    key: g.key,
    stackRecord: g.stackRecord ? g.stackRecord.toHex() : null,
    size: g.size,
    type: g.typePointer ? g.typePointer.toHex() : null,
    typeName,
    frames,
    allocations: g.allocations,
    bytes: g.bytes,
    example: g.example.toHex(),
  };
}

/** The rows' text for formatSnapshotFile: the groups, then the totals. */
export function heapSnapshotRows(groups: HeapSnapshotGroup[], ust: boolean): string[] {
  const rows = groups.map((g) => jsonAscii(g));
  const totals: HeapSnapshotTotals = {
    groups: groups.length,
    allocations: groups.reduce((n, g) => n + g.allocations, 0),
    bytes: groups.reduce((n, g) => n + g.bytes, 0),
    ust,
  };
  rows.push(jsonAscii({ totals }));
  return rows;
}

const HEX = /^[0-9a-f]{1,16}$/;
const MODULE_TEXT = /^[\x20-\x7e]{1,300}$/;

/** One entry of the rows list, checked field by field (the file is hostile input). */
export function checkHeapRow(entry: unknown, index: number): RowCheck<HeapSnapshotRow> {
  const at = "row " + (index + 1);
  if (!isObject(entry)) return { problem: at + " is not an object" };
  if ("totals" in entry) {
    const t = entry.totals;
    if (!isObject(t) || !isCount(t.groups) || !isCount(t.allocations) || !isCount(t.bytes) || typeof t.ust !== "boolean") {
      return { problem: at + ': "totals" is not {"groups", "allocations", "bytes", "ust"}' };
    }
    return { row: { totals: { groups: t.groups as number, allocations: t.allocations as number, bytes: t.bytes as number, ust: t.ust } } };
  }
  const e = entry;
  if (typeof e.key !== "string" || !/^(s:\d{1,10}:\d{1,10}|z:[0-9a-f]{1,16}:(\d{1,10}:\d{1,10}|-))$/.test(e.key)) return { problem: at + ': "key" is not a group key' };
  const nullOr = (v: unknown, ok: (x: unknown) => boolean) => v === null || ok(v);
  const hex = (v: unknown) => typeof v === "string" && HEX.test(v);
  const text = (v: unknown) => typeof v === "string" && MODULE_TEXT.test(v);
  if (!nullOr(e.stackRecord, hex)) return { problem: at + ': "stackRecord" is not hex or null' };
  if (!nullOr(e.size, isCount)) return { problem: at + ': "size" is not a whole number or null' };
  if (!nullOr(e.type, hex)) return { problem: at + ': "type" is not hex or null' };
  if (!nullOr(e.typeName, text)) return { problem: at + ': "typeName" is not text or null' };
  if (!nullOr(e.frames, (v) => Array.isArray(v) && v.length <= 64 && v.every(text))) return { problem: at + ': "frames" is not a list of frames or null' };
  if (!isCount(e.allocations) || (e.allocations as number) < 1) return { problem: at + ': "allocations" is not a whole number above 0' };
  if (!isCount(e.bytes)) return { problem: at + ': "bytes" is not a whole number' };
  if (!hex(e.example)) return { problem: at + ': "example" is not hex' };
  if ((e.stackRecord === null) === /^s:/.test(e.key as string)) return { problem: at + ': "key" and "stackRecord" disagree' };
  return {
    row: {
      group: {
        key: e.key as string,
        stackRecord: e.stackRecord as string | null,
        size: e.size as number | null,
        type: e.type as string | null,
        typeName: e.typeName as string | null,
        frames: e.frames as string[] | null,
        allocations: e.allocations as number,
        bytes: e.bytes as number,
        example: e.example as string,
      },
    },
  };
}

/**
 * The groups of a parsed file, or what is wrong with them: the totals row must come last and match the groups
 * (an edited figure shows there), and no key may be listed twice.
 */
export function snapshotGroups(rows: HeapSnapshotRow[]): { groups: HeapSnapshotGroup[]; ust: boolean } | { problem: string } {
  const last = rows[rows.length - 1];
  if (!last || !("totals" in last)) return { problem: "the totals row is missing at the end of the rows" };
  const groups: HeapSnapshotGroup[] = [];
  const keys = new Set<string>();
  for (let i = 0; i < rows.length - 1; i++) {
    const r = rows[i];
    if (!("group" in r)) return { problem: "row " + (i + 1) + " is a second totals row" };
    if (keys.has(r.group.key)) return { problem: "group " + r.group.key + " is listed twice" };
    keys.add(r.group.key);
    groups.push(r.group);
  }
  const t = last.totals;
  const allocations = groups.reduce((n, g) => n + g.allocations, 0);
  const bytes = groups.reduce((n, g) => n + g.bytes, 0);
  if (t.groups !== groups.length || t.allocations !== allocations || t.bytes !== bytes) {
    return {
      problem:
        "the totals row says " + t.groups + " groups, " + t.allocations + " allocations, " + t.bytes + " bytes, but the rows add up to " +
        groups.length + ", " + allocations + ", " + bytes + " (the file was edited or cut)",
    };
  }
  return { groups, ust: t.ust };
}

/**
 * The key under which a group is compared with a file from another process of the same program: stack records and
 * vtable addresses differ between processes (ASLR, a new trace database), their module-relative text does not.
 */
export function portableKey(g: { stackRecord: unknown; size: number | null; frames: string[] | null; typeName: string | null }): string | null {
  if (g.stackRecord !== null) return g.frames ? "f:" + g.frames.join(",") : null;
  return "z:" + (g.size === null ? "?" : g.size.toString(16)) + ":" + (g.typeName || "-");
}
