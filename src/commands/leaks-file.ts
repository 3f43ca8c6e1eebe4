// kd> dx @$leaks("save", "C:\\cases\\before.json")      (on the first dump, or a live target now)
// kd> dx @$leaks("compare", "C:\\cases\\before.json")   (on the later dump, or the live target after the weekend)
// Pool-tag snapshots that outlive the debugger session: the per-tag table with the target's own time, build, boot
// and dump name goes to a JSON file (src/pool/snapshot.ts, README "Snapshot files"); compare lists the tags that grew
// from that file to the current target, with rates over the two targets' clocks. The save and compare halves of
// @$leaks (leaks.ts), imported by no other command: files, paths and target facts are src/snapshot/'s.
import { CommandContext } from "./command";
import { BufferedPrinter } from "../core/repeat";
import { nextBlock, sizeText } from "../render/report";
import { messages } from "../core/messages";
import { limits } from "../core/limits";
import { describeArg } from "../core/args";
import { VERSION } from "../core/version";
import { renderTable } from "../render/table";
import { duration, groupDigits, humanBytes, plural } from "../render/format";
import { loadDescriptions } from "../pool/usage";
import { readUsageSaying } from "../pool/usage-read";
import { TagDescriptions, describeTag } from "../pool/pooltag-file";
import { SNAPSHOT_VERSION, formatSnapshot, parseSnapshot, tagGrowth, TagGrowth } from "../pool/snapshot";
import { POOL_SNAPSHOT } from "../snapshot/envelope";
import { compareFacts, describeBoot, describeTarget, readTargetFacts, readableTime } from "../snapshot/target-facts";
import { checkPath, typedPath } from "../snapshot/paths";
import { readSnapshotText, writeSnapshotFile } from "../snapshot/file";

/** A snapshot holds one line per tag (about 150 characters) and tag tables hold at most 2^16 tags in practice: a
 *  file above 16 MB is not one of ours, and reading it whole would only pin the debugger's memory. */
export const MAX_SNAPSHOT_CHARS = 16 * 1024 * 1024;
const TOP_GROWN = 30;

export type SnapshotVerb = "save" | "compare";

/** The path argument checked for what dx does to backslashes; the path, or null after saying what is wrong. */
export function pathOrSay(ctx: CommandContext, verb: SnapshotVerb, value: unknown): string | null {
  const checked = checkPath(value);
  if ("path" in checked) return checked.path;
  const p = checked.problem;
  const path = String(value);
  ctx.out.line(
    p === "missing" ? messages.leaksFileUsage(verb, describeArg(value))
    : p === "mangled" ? messages.leaksPathMangled(checked.what, verb, checked.typed)
    : p === "invalid" ? messages.leaksPathInvalid(path.slice(0, 200), verb)
    : messages.leaksPathDriveRelative(path, verb),
  );
  return null;
}

export function saveSnapshot(outer: CommandContext, path: string): unknown {
  // The answer ("Saved ...") leads; what was read is said after it (output conventions 1).
  const notes = new BufferedPrinter(outer.out);
  const ctx: CommandContext = { target: outer.target, out: notes };
  const usage = readUsageSaying(ctx.target, ctx.out);
  if (!usage) {
    outer.out.lines(notes.buffer);
    return undefined;
  }
  const facts = readTargetFacts(ctx.target);
  if (facts.systemTimeMs === null) ctx.out.line(messages.leaksNoClock());
  const rows = usage.rows.slice().sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  const source = usage.fromPoolused ? "!poolused 2" : "nt!PoolTrackTable";
  const text = formatSnapshot({ version: SNAPSHOT_VERSION, writtenBy: "leaktools " + VERSION, target: facts, source, tags: rows });
  const written = writeSnapshotFile(path, text);
  if (written.kind === "failed") {
    ctx.out.line(messages.leaksSaveFailed(path, written.detail));
    outer.out.lines(notes.buffer);
    return undefined;
  }
  if (written.kind === "refused") {
    outer.out.lines(notes.buffer);
    ctx.out = outer.out;
    const instead = written.suggestion === null ? null : 'dx @$leaks("save", "' + typedPath(written.suggestion) + '")';
    ctx.out.line(messages.snapshotSaveRefused(written.fullPath, written.reason, instead));
    return undefined;
  }
  const fullPath = written.fullPath;
  const nonPaged = rows.reduce((n, u) => n + u.nonPagedBytes, 0);
  const paged = rows.reduce((n, u) => n + u.pagedBytes, 0);
  outer.out.line(
    "Saved " + plural(rows.length, "tag") + " to " + fullPath + " (snapshot format version " + SNAPSHOT_VERSION + ", " + groupDigits(text.length) +
      " bytes): " + sizeText(nonPaged) + " NonPaged, " + sizeText(paged) + " Paged in all, from " + source + ".",
  );
  outer.out.lines(notes.buffer);
  ctx.out = outer.out;
  if (written.replaced !== null) ctx.out.line(messages.leaksSaveReplaced(fullPath, written.replaced));
  ctx.out.line("  Target: " + describeTarget(facts) + ".");
  ctx.out.line("  Target time: " + readableTime(facts.systemTimeMs) + " (KUSER_SHARED_DATA.SystemTime).");
  ctx.out.line("  Boot: " + describeBoot(facts) + ".");
  ctx.out.line("  Not saved: the computer name (it lives in the registry, which leaktools does not read from the target).");
  ctx.out.lines(nextBlock([{ command: 'dx @$leaks("compare", "' + typedPath(fullPath) + '")', why: ctx.target.isDump ? "on the later dump: the tags that grew since this one" : "on this target later (after g): the tags that grew" }]));
  return {
    Path: fullPath,
    Tags: rows.length,
    Replaced: written.replaced !== null,
    SystemTime: readableTime(facts.systemTimeMs),
    toString: () => "Saved " + plural(rows.length, "tag") + " to " + fullPath,
  };
}

export function compareSnapshot(given: CommandContext, path: string): unknown {
  let ctx = given;
  const read = readSnapshotText(path, MAX_SNAPSHOT_CHARS);
  if (read.kind === "missing") {
    ctx.out.line(messages.leaksFileMissing(read.fullPath, typedPath(read.fullPath)));
    return undefined;
  }
  if (read.kind === "unreadable") {
    ctx.out.line(messages.leaksFileUnreadable(path, read.detail));
    return undefined;
  }
  if (read.kind === "tooLarge") {
    ctx.out.line(messages.leaksFileTooLarge(read.fullPath, MAX_SNAPSHOT_CHARS));
    return undefined;
  }
  if (read.kind === "undecodable") {
    ctx.out.line(messages.snapshotUndecodable(read.fullPath, read.encoding));
    return undefined;
  }
  const fullPath = read.fullPath;
  const parsed = parseSnapshot(read.text, limits.maxPoolTrackEntries);
  if ("problem" in parsed) {
    const p = parsed.problem;
    ctx.out.line(
      p.kind === "empty" ? messages.leaksFileEmpty(fullPath)
      : p.kind === "truncated" ? messages.leaksFileTruncated(fullPath, p.detail)
      : p.kind === "malformed" ? messages.leaksFileMalformed(fullPath, p.detail)
      : p.kind === "notSnapshot" ? messages.leaksFileNotSnapshot(fullPath, p.detail)
      : p.kind === "otherKind" ? messages.snapshotOtherKind(fullPath, p.other ? p.other.noun : p.format, POOL_SNAPSHOT.noun, p.other ? p.other.reader : null)
      : messages.leaksFileNewer(fullPath, p.version, p.supported),
    );
    return undefined;
  }
  const snapshot = parsed.snapshot;
  // The answer (which tag grew most, how fast) leads; what was read is said after it (output conventions 1).
  const outer = ctx;
  const notes = new BufferedPrinter(outer.out);
  ctx = { target: outer.target, out: notes };
  const usage = readUsageSaying(ctx.target, ctx.out);
  if (!usage) {
    outer.out.lines(notes.buffer);
    return undefined;
  }
  const { descriptions, files } = loadDescriptions(ctx.target);
  if (files.length) ctx.out.line("Descriptions: " + files.join(", ") + ".");
  const now = readTargetFacts(ctx.target);
  if (now.systemTimeMs === null) ctx.out.line(messages.leaksNoClock());
  const then = snapshot.target;
  ctx.out.line(
    "Snapshot " + fullPath + " (format version " + snapshot.version + (snapshot.writtenBy ? ", " + snapshot.writtenBy : "") + "): " +
      plural(snapshot.tags.length, "tag") + " from " + snapshot.source + ", " + describeTarget(then) + ", target time " + readableTime(then.systemTimeMs) + ".",
  );
  const elapsed = then.systemTimeMs !== null && now.systemTimeMs !== null ? (now.systemTimeMs - then.systemTimeMs) / 1000 : null;
  ctx.out.line(
    "This target: " + describeTarget(now) + ", target time " + readableTime(now.systemTimeMs) +
      (elapsed === null ? " (the interval is unknown; rates are not shown)." : ": " + duration(elapsed) + (elapsed >= 0 ? " later." : " earlier.")),
  );
  const warnings = compareFacts(then, now);
  for (const w of warnings) {
    if (w.kind === "snapshotLater") ctx.out.line(messages.leaksWarnLater(readableTime(w.thenMs), readableTime(w.nowMs)));
    else if (w.kind === "otherMachine") ctx.out.line(messages.leaksWarnOtherMachine(w.what));
    else if (w.kind === "reboot") ctx.out.line(messages.leaksWarnReboot(w.what));
  }
  if (snapshot.source !== (usage.fromPoolused ? "!poolused 2" : "nt!PoolTrackTable")) {
    ctx.out.line("Note: the snapshot's figures come from " + snapshot.source + " and this target's from " + (usage.fromPoolused ? "!poolused 2" : "nt!PoolTrackTable") + "; both count outstanding allocations and bytes.");
  }
  const { grown, shrunk, gone } = tagGrowth(snapshot.tags, usage.rows);
  const seconds = elapsed !== null && elapsed > 0 ? elapsed : null;
  const rate = (g: TagGrowth) => (seconds === null ? null : (g.bytesNow - g.bytesThen) / seconds);
  // The Description and Owner columns of !leaktag's ranking: pooltag.txt's text and binary, or !poolused's text.
  const description = (tag: string) => describeTag(descriptions, tag) || usage.poolusedDescriptions.get(tag) || "";
  if (grown.length === 0) {
    outer.out.line(messages.leaksCompareNoGrowth(usage.rows.length));
    outer.out.lines(notes.buffer);
    return { Tags: [], Seconds: seconds, toString: () => "no tag grew" };
  }
  const top = grown[0];
  const topRate = rate(top);
  outer.out.line(
    "'" + top.tag + "' grew the most: +" + sizeText(top.bytesNow - top.bytesThen) + (seconds === null ? "" : " in " + duration(seconds)) +
      (topRate === null ? "" : ", " + humanBytes(Math.round(topRate)) + "/s") + "; " + plural(grown.length, "tag") + " grew since the snapshot.",
  );
  outer.out.lines(notes.buffer);
  ctx = outer;
  ctx.out.line("");
  ctx.out.line(
    "Tags that grew (" + grown.length + " of " + plural(usage.rows.length, "tag") + (shrunk ? "; " + shrunk + " shrank" : "") + (gone ? "; " + gone + " no longer in use" : "") +
      (grown.length > TOP_GROWN ? "; the top " + TOP_GROWN + " shown" : "") + "):",
  );
  ctx.out.lines(
    renderTable(
      [
        { header: "Tag", value: (g: TagGrowth) => "'" + g.tag + "'" },
        { header: "Bytes then", align: "right", value: (g: TagGrowth) => sizeText(g.bytesThen) },
        { header: "Bytes now", align: "right", value: (g: TagGrowth) => sizeText(g.bytesNow) },
        { header: "Delta", align: "right", value: (g: TagGrowth) => "+" + sizeText(g.bytesNow - g.bytesThen) },
        { header: "Outstanding", align: "right", value: (g: TagGrowth) => (g.allocsDelta >= 0 ? "+" : "") + groupDigits(g.allocsDelta) },
        { header: "Rate", align: "right", value: (g: TagGrowth) => (rate(g) === null ? "?" : humanBytes(Math.round(rate(g) as number)) + "/s") },
        { header: "Description", value: (g: TagGrowth) => shortText(description(g.tag), 48) },
      ],
      grown.slice(0, TOP_GROWN),
      "  ",
    ),
  );
  const steps = /^[\x21-\x7e ]{1,4}$/.test(top.tag) && top.tag.indexOf('"') < 0 && top.tag.indexOf("\\") < 0
    ? [{ command: '!leaktag "' + top.tag.replace(/ +$/, "") + '"', why: "the driver that allocates it" }]
    : [];
  ctx.out.lines(nextBlock(steps));
  const records = grown.map((g) => ({
    Tag: g.tag,
    BytesThen: g.bytesThen,
    BytesNow: g.bytesNow,
    BytesDelta: g.bytesNow - g.bytesThen,
    NonPagedDelta: g.nonPagedDelta,
    PagedDelta: g.pagedDelta,
    OutstandingDelta: g.allocsDelta,
    Seconds: seconds,
    BytesPerSecond: rate(g),
    Description: description(g.tag),
    toString: () => "'" + g.tag + "' +" + sizeText(g.bytesNow - g.bytesThen) + (rate(g) === null ? "" : ", " + humanBytes(Math.round(rate(g) as number)) + "/s"),
  }));
  return { Tags: records, Seconds: seconds, toString: () => plural(records.length, "tag") + " grew since the snapshot" };
}

function shortText(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 3) + "..." : text;
}
