// 0:000> dx @$heapleaks("save", "C:\\cases\\before.json")      (on the first dump, or the live process now)
// 0:000> dx @$heapleaks("compare", "C:\\cases\\before.json")   (on the later dump of the same program)
// Heap snapshots that outlive the debugger session: the allocation groups with the process's identity and the
// target's own clock, in the envelope every leaktools snapshot has (src/snapshot/); compare lists the groups that
// grew from the file to this target, with exact deltas. Refused: another program's or architecture's file, a
// pool-tag snapshot, a missing, cut, edited or foreign file, each with one line saying so.
import { CommandContext } from "./command";
import { messages } from "../core/messages";
import { VERSION } from "../core/version";
import { plural } from "../render/format";
import { nextBlock, sizeText } from "../render/report";
import { HEAP_SNAPSHOT, SnapshotProblem, formatSnapshotFile, parseSnapshotFile } from "../snapshot/envelope";
import { readSnapshotText, writeSnapshotFile } from "../snapshot/file";
import { checkPath, typedPath } from "../snapshot/paths";
import { TargetFacts, compareFacts, readTargetFacts, readableTime } from "../snapshot/target-facts";
import { GroupCounts, HeapGroup, groupBlocks } from "../heap/groups";
import { StackRecordReader } from "../heap/stack-records";
import { HeapSnapshotGroup, MAX_HEAP_SNAPSHOT_ROWS, checkHeapRow, heapSnapshotRows, portableKey, snapshotGroup, snapshotGroups } from "../heap/heap-snapshot";
import { FrameNamer, HeapRun, layoutLinesOf, notWalkedLinesOf } from "../heap/heap-run";
import type { Target } from "../host/target";

/** A heap snapshot holds one line per group (~200 characters, more with frames): 256 MB of text is a million
 *  groups with long stacks; past it the file is not one of ours. */
const MAX_HEAP_SNAPSHOT_CHARS = 256 * 1024 * 1024;

export type HeapFileVerb = "save" | "compare";

/** The path, or null after the line that says what is wrong with it. */
export function heapPathOrSay(ctx: CommandContext, verb: HeapFileVerb, value: unknown): string | null {
  const checked = checkPath(value);
  if ("path" in checked) return checked.path;
  switch (checked.problem) {
    case "missing":
      ctx.out.line(messages.heapleaksPathMissing(verb, "nothing"));
      break;
    case "mangled":
      ctx.out.line(messages.heapleaksPathMangled(checked.what, verb, checked.typed));
      break;
    case "invalid":
      ctx.out.line(messages.heapleaksPathInvalid(String(value).slice(0, 200).replace(/[\x00-\x1f]/g, "?"), verb));
      break;
    case "driveRelative":
      ctx.out.line(messages.heapleaksPathDriveRelative(String(value), verb));
      break;
  }
  return null;
}

/** This process as the snapshot names it: the image from the session (else the module list) and the PID. */
export function processFacts(target: Target, run: HeapRun): TargetFacts {
  const who = target.processIdentity();
  const image = who.image || (/\.exe$/i.test(run.imageName) ? run.imageName : null);
  return readTargetFacts(target, { image, pid: who.pid }, true);
}

/** Frames of a stack group as module-relative text (no debugger command), or null when the record is unreadable. */
function plainFrames(reader: StackRecordReader, namer: FrameNamer, g: HeapGroup): string[] | null {
  if (!g.stackRecord) return null;
  const record = reader.read(g.stackRecord);
  return "frames" in record ? record.frames.map((f) => namer.plain(f)) : null;
}

export function saveHeapSnapshot(ctx: CommandContext, run: HeapRun, path: string): unknown {
  const target = ctx.target;
  const walk = run.walk;
  const namer = new FrameNamer(target);
  const reader = new StackRecordReader(target, run.walk.x86Records);
  const groups = groupBlocks(walk.blocks, walk.ust, namer.inImage);
  const rows = groups.map((g) => snapshotGroup(g, plainFrames(reader, namer, g), g.typePointer ? namer.plain(g.typePointer) : null));
  const facts = processFacts(target, run);
  if (facts.systemTimeMs === null) ctx.out.line(messages.heapleaksNoClock());
  const source = walk.ust ? "+ust stack records" : "size and type (no +ust)";
  const text = formatSnapshotFile({ kind: HEAP_SNAPSHOT, version: HEAP_SNAPSHOT.version, writtenBy: "leaktools " + VERSION, target: facts, source }, heapSnapshotRows(rows, walk.ust));
  const written = writeSnapshotFile(path, text);
  if (written.kind === "failed") {
    ctx.out.line(messages.heapleaksSaveFailed(path, written.detail.replace(/[\x00-\x1f]/g, " ")));
    return undefined;
  }
  if (written.kind === "refused") {
    ctx.out.line(messages.heapleaksSaveRefused(written.fullPath, written.reason, written.suggestion === null ? null : typedPath(written.suggestion)));
    return undefined;
  }
  const allocations = walk.blocks.length;
  const bytes = walk.blocks.reduce((n, b) => n + b.size, 0);
  ctx.out.line(
    "Saved " + plural(groups.length, "allocation group") + " (" + plural(allocations, "allocation") + ", " + sizeText(bytes) + ", grouped by " + source + ") to " +
      written.fullPath + (written.replaced ? ", replacing the " + written.replaced + " that was there" : "") + ".",
  );
  const p = facts.process;
  ctx.out.line(
    "  Process: " + (p && p.image ? p.image : "(name not available)") + (p && p.pid !== null ? " (PID " + p.pid + ")" : "") + ", " + facts.pointerSize * 8 +
      "-bit, Windows build " + (facts.windowsBuild === null ? "unknown" : facts.windowsBuild) + "; target time " + readableTime(facts.systemTimeMs) + ".",
  );
  // What the file rests on: a built-in layout, and the parts of the heaps not walked (their blocks are not in it).
  for (const l of layoutLinesOf(walk.heaps, ctx.target.pointerSize)) ctx.out.line(l);
  if (walk.notWalked.length) ctx.out.line(messages.heapleaksSavedWithout(walk.notWalked.length));
  for (const n of notWalkedLinesOf(walk.notWalked, target.pointerSize)) ctx.out.line("  heap " + n.heap + ": " + n.part + (n.address ? " at " + n.address : "") + ": " + n.reason);
  ctx.out.lines(nextBlock([{ command: 'dx @$heapleaks("compare", "' + typedPath(path) + '")', why: "on the later dump of this program (or here later): the groups that grew" }]));
  return {
    Path: written.fullPath,
    Groups: groups.length,
    Allocations: allocations,
    Bytes: bytes,
    toString: () => "Saved " + plural(groups.length, "group") + " to " + written.fullPath,
  };
}

/** What compare measures growth against: counts by key, and the key each current group is looked up under. */
export interface Baseline {
  counts: Map<string, GroupCounts>;
  /** Groups rekeyed for the lookup (portable keys when the file is from another process of the program). */
  groups: HeapGroup[];
  since: string;
  seconds: number | null;
  notes: string[];
}

/** Reads and checks the file; the baseline to compare with, or null after the line that says why not. */
export function heapFileBaseline(ctx: CommandContext, run: HeapRun, path: string, groups: HeapGroup[], namer: FrameNamer): Baseline | null {
  const target = ctx.target;
  const read = readSnapshotText(path, MAX_HEAP_SNAPSHOT_CHARS);
  switch (read.kind) {
    case "missing":
      ctx.out.line(messages.heapleaksFileMissing(read.fullPath));
      return null;
    case "unreadable":
      ctx.out.line(messages.heapleaksFileUnreadable(path, read.detail.replace(/[\x00-\x1f]/g, " ")));
      return null;
    case "tooLarge":
      ctx.out.line(messages.heapleaksFileProblem(read.fullPath, "it is larger than any heap snapshot (" + sizeText(MAX_HEAP_SNAPSHOT_CHARS) + ")"));
      return null;
    case "undecodable":
      ctx.out.line(messages.heapleaksFileProblem(read.fullPath, "its text is " + read.encoding + ", which the debugger's reader does not read"));
      return null;
  }
  const parsed = parseSnapshotFile(read.text, HEAP_SNAPSHOT, MAX_HEAP_SNAPSHOT_ROWS + 1, checkHeapRow);
  if ("problem" in parsed) {
    ctx.out.line(messages.heapleaksFileProblem(read.fullPath, snapshotProblemText(parsed.problem)));
    return null;
  }
  const content = snapshotGroups(parsed.rows);
  if ("problem" in content) {
    ctx.out.line(messages.heapleaksFileProblem(read.fullPath, content.problem));
    return null;
  }
  const then = parsed.envelope.target;
  const now = processFacts(target, run);
  if (then.pointerSize !== now.pointerSize) {
    ctx.out.line(messages.heapleaksOtherArchitecture(read.fullPath, then.pointerSize * 8, now.pointerSize * 8));
    return null;
  }
  const a = then.process;
  const b = now.process;
  if (!a || !a.image || !b || !b.image || a.image.toLowerCase() !== b.image.toLowerCase()) {
    ctx.out.line(messages.heapleaksOtherProgram(read.fullPath, a && a.image ? a.image : "an unnamed process", b && b.image ? b.image : "an unnamed process"));
    return null;
  }
  const notes: string[] = [];
  let sameProcess = true;
  for (const w of compareFacts(then, now)) {
    if (w.kind === "snapshotLater") notes.push(messages.heapleaksFileLater(readableTime(w.thenMs), readableTime(w.nowMs)));
    else if (w.kind === "otherMachine") notes.push(messages.heapleaksOtherMachine(w.what));
    else if (w.kind === "reboot") {
      sameProcess = false;
      notes.push(messages.heapleaksReboot(w.what));
    } else if (w.kind === "otherProcess") {
      sameProcess = false;
      notes.push(messages.heapleaksOtherProcess(w.what));
    }
  }
  if (content.ust !== run.walk.ust) notes.push(messages.heapleaksUstChanged(content.ust, run.walk.ust));
  const seconds = then.systemTimeMs !== null && now.systemTimeMs !== null ? (now.systemTimeMs - then.systemTimeMs) / 1000 : null;
  const since = read.fullPath + " (" + readableTime(then.systemTimeMs) + ")";
  if (sameProcess) {
    const counts = new Map<string, GroupCounts>();
    for (const g of content.groups) counts.set(g.key, { allocations: g.allocations, bytes: g.bytes });
    return { counts, groups, since, seconds, notes };
  }
  return portableBaseline(target, content.groups, groups, namer, { since, seconds, notes }, run.walk.x86Records);
}

/**
 * Another process of the same program: stack records and vtable addresses differ, so both sides are keyed by their
 * module-relative frames and types. A stack group of the file without frames cannot be matched and is left out.
 */
function portableBaseline(target: Target, file: HeapSnapshotGroup[], groups: HeapGroup[], namer: FrameNamer, base: { since: string; seconds: number | null; notes: string[] }, x86Records?: Set<string>): Baseline {
  const counts = new Map<string, GroupCounts>();
  let unmatched = 0;
  for (const g of file) {
    const key = portableKey(g);
    if (key === null) {
      unmatched++;
      continue;
    }
    const had = counts.get(key);
    counts.set(key, { allocations: g.allocations + (had ? had.allocations : 0), bytes: g.bytes + (had ? had.bytes : 0) });
  }
  const reader = new StackRecordReader(target, x86Records);
  const merged = new Map<string, HeapGroup>();
  for (const g of groups) {
    const frames = plainFrames(reader, namer, g);
    const key = portableKey({ stackRecord: g.stackRecord, size: g.size, frames, typeName: g.typePointer ? namer.plain(g.typePointer) : null }) || g.key;
    const had = merged.get(key);
    if (had) {
      had.allocations += g.allocations;
      had.bytes += g.bytes;
    } else merged.set(key, { ...g, key });
  }
  const rekeyed: HeapGroup[] = [];
  merged.forEach((g) => rekeyed.push(g));
  const notes = base.notes.slice();
  notes.push(messages.heapleaksMatchedByFrames(unmatched));
  return { counts, groups: rekeyed, since: base.since, seconds: base.seconds, notes };
}

export function snapshotProblemText(p: SnapshotProblem): string {
  switch (p.kind) {
    case "empty":
      return "it is empty";
    case "truncated":
      return "it ends in the middle (cut short: " + p.detail.replace(/[\x00-\x1f]/g, " ").slice(0, 120) + ")";
    case "malformed":
      return "it is not a valid heap snapshot (" + p.detail.replace(/[\x00-\x1f]/g, " ").slice(0, 160) + "); it was edited or damaged";
    case "notSnapshot":
      return "it is not a leaktools snapshot (" + p.detail.replace(/[\x00-\x1f]/g, " ").slice(0, 120) + ")";
    case "newer":
      return "it is heap snapshot format version " + p.version + ", newer than this leaktools reads (" + p.supported + ")";
    case "otherKind":
      return p.other ? "it is a " + p.other.noun + "; read it with " + p.other.reader : "it is a '" + p.format + "' file, not a heap snapshot";
  }
}
