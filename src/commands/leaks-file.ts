// kd> dx @$leaks("save", "C:\\cases\\before.json")      (on the first dump, or a live target now)
// kd> dx @$leaks("compare", "C:\\cases\\before.json")   (on the later dump, or the live target after the weekend)
// Pool-tag snapshots that outlive the debugger session: the per-tag table with the target's own time, build, boot
// and dump name goes to a JSON file (src/pool/snapshot.ts, README "Snapshot files"); compare lists the tags that grew
// from that file to the current target, with rates over the two targets' clocks.
import { CommandContext } from "./command";
import { messages } from "../core/messages";
import { limits } from "../core/limits";
import { describeArg } from "../core/args";
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { VERSION } from "../core/version";
import { renderTable } from "../render/table";
import { groupDigits, humanBytes, plural } from "../render/format";
import { loadDescriptions, UsageRead } from "../pool/usage";
import { readUsageSaying } from "./leaktag";
import { TagUsage } from "../pool/tracker";
import { TagDescriptions } from "../pool/pooltag-file";
import { KUSER, KUSER_SHARED_DATA_X64, KUSER_SHARED_DATA_X86 } from "../layouts/kuser";
import {
  SNAPSHOT_VERSION,
  TargetFacts,
  compareFacts,
  decodeKuser,
  formatSnapshot,
  parseSnapshot,
  readableTime,
  tagGrowth,
  TagGrowth,
} from "../pool/snapshot";
import { readTextFileWhole, writeTextFile } from "../host/files";
import type { Target } from "../host/target";

/** A snapshot holds one line per tag (about 150 characters) and tag tables hold at most 2^16 tags in practice: a
 *  file above 16 MB is not one of ours, and reading it whole would only pin the debugger's memory. */
export const MAX_SNAPSHOT_CHARS = 16 * 1024 * 1024;
const TOP_GROWN = 30;

export type SnapshotVerb = "save" | "compare";

/** The path argument checked for what dx does to backslashes; the path, or null after saying what is wrong. */
export function checkPath(ctx: CommandContext, verb: SnapshotVerb, value: unknown): string | null {
  if (typeof value !== "string" || value.trim() === "") {
    ctx.out.line(messages.leaksFileUsage(verb, describeArg(value)));
    return null;
  }
  const path = value;
  const controls = path.match(/[\x00-\x1f\x7f]/g);
  if (controls) {
    ctx.out.line(messages.leaksPathMangled(describeControls(controls), verb, typedPath(path)));
    return null;
  }
  if (/[<>"|?*]/.test(path) || path.length > 32767) {
    ctx.out.line(messages.leaksPathInvalid(path.slice(0, 200), verb));
    return null;
  }
  if (/^[A-Za-z]:[^\\/]/.test(path)) {
    ctx.out.line(messages.leaksPathDriveRelative(path, verb));
    return null;
  }
  return path;
}

/** The escape a control character most likely came from (`\t` typed in `C:\temp`), for the message. */
const ESCAPES: { [c: string]: string } = { "\t": "t", "\n": "n", "\r": "r", "\0": "0", "\x07": "a", "\b": "b", "\f": "f", "\x0b": "v" };

/** The control characters of a mangled path, named once each (`a tab and a backspace`). */
export function describeControls(found: string[]): string {
  // dx's C++ string literals also take \a \b \f \v (C:\temp\before.json arrives with a tab and a backspace).
  const names: { [c: string]: string } = {
    "\t": "a tab", "\n": "a line break", "\r": "a carriage return", "\0": "a NUL character",
    "\x07": "an alert (bell) character", "\b": "a backspace", "\f": "a form feed", "\x0b": "a vertical tab",
  };
  const seen: string[] = [];
  for (const c of found) {
    const name = names[c] || "control character 0x" + c.charCodeAt(0).toString(16);
    if (seen.indexOf(name) < 0) seen.push(name);
  }
  return seen.join(" and ");
}

/** The path as it must be typed inside dx quotes: backslashes doubled, control characters back to their escape. */
export function typedPath(path: string): string {
  let out = "";
  for (const c of path) {
    if (c === "\\") out += "\\\\";
    else if (ESCAPES[c] !== undefined) out += "\\\\" + ESCAPES[c];
    else if (c < " ") out += "\\\\" + c.charCodeAt(0).toString(8); // an octal escape (`\1` in `C:\cases\1.json`)
    else out += c;
  }
  return out;
}

/** The target's own facts: one read of KUSER_SHARED_DATA for its clock and boot, the build, the dump's name. */
export function readTargetFacts(target: Target): TargetFacts {
  const base = target.pointerSize === 8 ? new Address(KUSER_SHARED_DATA_X64.high, KUSER_SHARED_DATA_X64.low) : new Address(0, KUSER_SHARED_DATA_X86);
  const build = target.windowsBuild();
  const bytes = target.memory.read(base, KUSER.bytesToRead, "KUSER_SHARED_DATA", false);
  const kuser = bytes instanceof Unreadable ? { systemTimeMs: null, bootTimeMs: null, bootId: null, physicalPages: null } : decodeKuser(bytes, build);
  const dumpFile = target.isDump ? target.dumpFileName() : null;
  return { kind: target.isDump ? "dump" : "live", dumpFile, windowsBuild: build, pointerSize: target.pointerSize, ...kuser };
}

const total = (u: TagUsage) => u.nonPagedBytes + u.pagedBytes;

function describeTarget(t: TargetFacts): string {
  const what = t.kind === "dump" ? "dump" + (t.dumpFile ? " " + t.dumpFile : " (file name not available)") : "live target";
  return what + ", Windows build " + (t.windowsBuild === null ? "unknown" : t.windowsBuild) + ", " + t.pointerSize * 8 + "-bit";
}

function describeBoot(t: TargetFacts): string {
  const parts: string[] = [];
  parts.push("booted " + readableTime(t.bootTimeMs) + " (SystemTime - InterruptTime)");
  parts.push(t.bootId === null ? "BootId not available" + (t.windowsBuild !== null && t.windowsBuild < KUSER.BootIdFromBuild ? " before build " + KUSER.BootIdFromBuild : "") : "BootId " + t.bootId);
  if (t.physicalPages !== null) parts.push(groupDigits(t.physicalPages) + " physical pages");
  return parts.join(", ");
}

export function saveSnapshot(ctx: CommandContext, path: string): unknown {
  const usage = readUsageSaying(ctx);
  if (!usage) return undefined;
  const facts = readTargetFacts(ctx.target);
  if (facts.systemTimeMs === null) ctx.out.line(messages.leaksNoClock());
  const rows = usage.rows.slice().sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  const source = usage.fromPoolused ? "!poolused 2" : "nt!PoolTrackTable";
  const text = formatSnapshot({ version: SNAPSHOT_VERSION, writtenBy: "leaktools " + VERSION, target: facts, source, tags: rows });
  const written = writeTextFile(path, text);
  if (written.kind === "failed") {
    ctx.out.line(messages.leaksSaveFailed(path, written.detail));
    return undefined;
  }
  const nonPaged = rows.reduce((n, u) => n + u.nonPagedBytes, 0);
  const paged = rows.reduce((n, u) => n + u.pagedBytes, 0);
  ctx.out.line(
    "Saved " + plural(rows.length, "tag") + " to " + path + " (snapshot format version " + SNAPSHOT_VERSION + ", " + groupDigits(text.length) +
      " bytes): nonpaged " + humanBytes(nonPaged) + ", paged " + humanBytes(paged) + " in all, from " + source + ".",
  );
  if (written.replaced) ctx.out.line(messages.leaksSaveReplaced(path));
  ctx.out.line("  Target: " + describeTarget(facts) + ".");
  ctx.out.line("  Target time: " + readableTime(facts.systemTimeMs) + " (KUSER_SHARED_DATA.SystemTime).");
  ctx.out.line("  Boot: " + describeBoot(facts) + ".");
  ctx.out.line("  Not saved: the computer name (it lives in the registry, which leaktools does not read from the target).");
  ctx.out.line('Next: on the later dump, or on this target later: dx @$leaks("compare", "' + typedPath(path) + '")');
  return {
    Path: path,
    Tags: rows.length,
    Replaced: written.replaced,
    SystemTime: readableTime(facts.systemTimeMs),
    toString: () => "Saved " + plural(rows.length, "tag") + " to " + path,
  };
}

export function compareSnapshot(ctx: CommandContext, path: string): unknown {
  const read = readTextFileWhole(path, MAX_SNAPSHOT_CHARS);
  if (read.kind === "missing") {
    ctx.out.line(messages.leaksFileMissing(path, typedPath(path)));
    return undefined;
  }
  if (read.kind === "unreadable") {
    ctx.out.line(messages.leaksFileUnreadable(path, read.detail));
    return undefined;
  }
  if (read.truncated) {
    ctx.out.line(messages.leaksFileTooLarge(path, MAX_SNAPSHOT_CHARS));
    return undefined;
  }
  const parsed = parseSnapshot(read.text, limits.maxPoolTrackEntries);
  if ("problem" in parsed) {
    const p = parsed.problem;
    ctx.out.line(
      p.kind === "empty" ? messages.leaksFileEmpty(path)
      : p.kind === "truncated" ? messages.leaksFileTruncated(path, p.detail)
      : p.kind === "malformed" ? messages.leaksFileMalformed(path, p.detail)
      : p.kind === "notSnapshot" ? messages.leaksFileNotSnapshot(path, p.detail)
      : messages.leaksFileNewer(path, p.version, SNAPSHOT_VERSION),
    );
    return undefined;
  }
  const snapshot = parsed.snapshot;
  const usage = readUsageSaying(ctx);
  if (!usage) return undefined;
  const { descriptions, files } = loadDescriptions(ctx.target);
  if (files.length) ctx.out.line("Descriptions: " + files.join(", ") + ".");
  const now = readTargetFacts(ctx.target);
  if (now.systemTimeMs === null) ctx.out.line(messages.leaksNoClock());
  const then = snapshot.target;
  ctx.out.line(
    "Snapshot " + path + " (format version " + snapshot.version + (snapshot.writtenBy ? ", " + snapshot.writtenBy : "") + "): " +
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
    else ctx.out.line(messages.leaksWarnReboot(w.what));
  }
  if (snapshot.source !== (usage.fromPoolused ? "!poolused 2" : "nt!PoolTrackTable")) {
    ctx.out.line("Note: the snapshot's figures come from " + snapshot.source + " and this target's from " + (usage.fromPoolused ? "!poolused 2" : "nt!PoolTrackTable") + "; both count outstanding allocations and bytes.");
  }
  const { grown, shrunk, gone } = tagGrowth(snapshot.tags, usage.rows);
  const seconds = elapsed !== null && elapsed > 0 ? elapsed : null;
  const rate = (g: TagGrowth) => (seconds === null ? null : (g.bytesNow - g.bytesThen) / seconds);
  // The Description and Owner columns of !leaktag's ranking: pooltag.txt's text and binary, or !poolused's text.
  const description = (tag: string) => {
    const d = descriptions.get(tag);
    return d ? d.description : usage.poolusedDescriptions.get(tag) || "";
  };
  if (grown.length === 0) {
    ctx.out.line(messages.leaksCompareNoGrowth(usage.rows.length));
    return [];
  }
  ctx.out.line("");
  ctx.out.line(
    "Tags that grew (" + grown.length + " of " + plural(usage.rows.length, "tag") + (shrunk ? "; " + shrunk + " shrank" : "") + (gone ? "; " + gone + " no longer in use" : "") +
      (grown.length > TOP_GROWN ? "; the top " + TOP_GROWN + " shown" : "") + "):",
  );
  ctx.out.lines(
    renderTable(
      [
        { header: "Tag", value: (g: TagGrowth) => "'" + g.tag + "'" },
        { header: "Bytes then", align: "right", value: (g: TagGrowth) => groupDigits(g.bytesThen) },
        { header: "Bytes now", align: "right", value: (g: TagGrowth) => groupDigits(g.bytesNow) },
        { header: "Delta", align: "right", value: (g: TagGrowth) => "+" + groupDigits(g.bytesNow - g.bytesThen) },
        { header: "", value: (g: TagGrowth) => humanBytes(g.bytesNow - g.bytesThen) },
        { header: "Allocs", align: "right", value: (g: TagGrowth) => (g.allocsDelta >= 0 ? "+" : "") + groupDigits(g.allocsDelta) },
        { header: "Rate", align: "right", value: (g: TagGrowth) => (rate(g) === null ? "?" : humanBytes(Math.round(rate(g) as number)) + "/s") },
        { header: "Description", value: (g: TagGrowth) => shortText(description(g.tag), 40) },
        { header: "Owner", value: (g: TagGrowth) => ownerHint(descriptions, g.tag) },
      ],
      grown.slice(0, TOP_GROWN),
      "  ",
    ),
  );
  ctx.out.line('Next: !leaktag "' + grown[0].tag + '" finds the driver that allocates it.');
  return grown.map((g) => ({
    Tag: g.tag,
    BytesThen: g.bytesThen,
    BytesNow: g.bytesNow,
    BytesDelta: g.bytesNow - g.bytesThen,
    NonPagedDelta: g.nonPagedDelta,
    PagedDelta: g.pagedDelta,
    AllocsDelta: g.allocsDelta,
    Seconds: seconds,
    BytesPerSecond: rate(g),
    Description: description(g.tag),
    Owner: ownerHint(descriptions, g.tag),
    toString: () => g.tag + " +" + humanBytes(g.bytesNow - g.bytesThen) + (rate(g) === null ? "" : " (" + humanBytes(Math.round(rate(g) as number)) + "/s)"),
  }));
}

/** `7,200 s (2.0 h)`: seconds for the rate's arithmetic, a larger unit to read. */
export function duration(seconds: number): string {
  const s = Math.abs(seconds);
  const text = groupDigits(Math.round(s)) + " s";
  if (s < 120) return s.toFixed(1) + " s";
  const unit = s < 7200 ? (s / 60).toFixed(1) + " min" : s < 172800 ? (s / 3600).toFixed(1) + " h" : (s / 86400).toFixed(1) + " days";
  return text + " (" + unit + ")";
}

function ownerHint(descriptions: TagDescriptions, tag: string): string {
  const d = descriptions.get(tag);
  return d && d.binary && d.binary !== "<unknown>" ? d.binary : "";
}

function shortText(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}
