// Pool-tag snapshot files: `dx @$leaks("save", path)` writes one, `dx @$leaks("compare", path)` reads it back on
// another target (a later dump, or the same live target after a while). The file is a leaktools snapshot
// (src/snapshot/envelope.ts: format name, version, target facts) whose rows are tags, one per line (README,
// "Snapshot files"). Pure: text in, records out.
import { TagUsage, outstanding } from "./tracker";
import { POOL_SNAPSHOT, formatSnapshotFile, jsonAscii, parseSnapshotFile, isObject, isCount, RowCheck, SnapshotProblem } from "../snapshot/envelope";
import type { TargetFacts } from "../snapshot/target-facts";

export const SNAPSHOT_FORMAT = POOL_SNAPSHOT.format;
/** The format version this build writes and the newest it reads. */
export const SNAPSHOT_VERSION = POOL_SNAPSHOT.version;

export interface Snapshot {
  version: number;
  writtenBy: string;
  target: TargetFacts;
  /** Where the figures came from: "nt!PoolTrackTable" or "!poolused 2" (outstanding allocations only). */
  source: string;
  tags: TagUsage[];
}

const TAG_FIELDS: (keyof TagUsage)[] = ["nonPagedAllocs", "nonPagedFrees", "nonPagedBytes", "pagedAllocs", "pagedFrees", "pagedBytes"];

/** The file's text: the envelope and one line per tag. */
export function formatSnapshot(s: Snapshot): string {
  const j = jsonAscii;
  const rows = s.tags.map((u) => "{" + j("tag") + ": " + j(u.tag) + ", " + TAG_FIELDS.map((f) => j(f) + ": " + u[f]).join(", ") + "}");
  return formatSnapshotFile({ kind: POOL_SNAPSHOT, version: s.version, writtenBy: s.writtenBy, target: s.target, source: s.source }, rows);
}

/** Parses and checks a pool-tag snapshot's text; every field is checked, a file is hostile input like target data. */
export function parseSnapshot(text: string, maxTags: number): { snapshot: Snapshot } | { problem: SnapshotProblem } {
  const seen: { [tag: string]: boolean } = {};
  const checkTag = (e: unknown, i: number): RowCheck<TagUsage> => {
    // Tags are written as tagFromKey shows them: printable ASCII only (a control character would reach the output).
    if (!isObject(e) || typeof e.tag !== "string" || !/^[\x20-\x7e]{1,4}$/.test(e.tag)) return { problem: "tag entry " + (i + 1) + ' has no "tag" of 1-4 printable characters' };
    if (seen["$" + e.tag]) return { problem: "tag '" + e.tag + "' is listed twice" };
    seen["$" + e.tag] = true;
    const u: TagUsage = { tag: e.tag, key: 0, nonPagedAllocs: 0, nonPagedFrees: 0, nonPagedBytes: 0, pagedAllocs: 0, pagedFrees: 0, pagedBytes: 0 };
    for (const f of TAG_FIELDS) {
      const v = e[f];
      if (!isCount(v)) return { problem: "tag '" + e.tag + "': " + JSON.stringify(f) + " is not a whole number of 0 or more" };
      (u as unknown as Record<string, number>)[f] = v as number;
    }
    return { row: u };
  };
  const parsed = parseSnapshotFile(text, POOL_SNAPSHOT, maxTags, checkTag);
  if ("problem" in parsed) return parsed;
  const e = parsed.envelope;
  return { snapshot: { version: e.version, writtenBy: e.writtenBy, target: e.target, source: e.source, tags: parsed.rows } };
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
