// 0:000> !heapleaks
// 0:000> dx @$heapleaks("save", "C:\\cases\\before.json")
// 0:000> dx @$heapleaks("compare", "C:\\cases\\before.json")
// UMDH inside the debugger: every busy allocation of every heap of the process, grouped by +ust allocation stack
// (or, without +ust, by size and type), largest first. On a live process the first call records a baseline and each
// later call lists the groups that grew, with their rate over the target's own clock; "save" and "compare" do the
// same across sessions and dumps through a snapshot file.
import { Command, CommandContext } from "./command";
import { Address } from "../core/address";
import { describeArg } from "../core/args";
import { messages } from "../core/messages";
import { readTargetFacts } from "../snapshot/target-facts";
import { raiseHint, workLimit } from "../core/limits";
import { plural } from "../render/format";
import { NextStep, sizeText } from "../render/report";
import { namedCollection } from "../host/model";
import { HeapGroup, countsByKey, groupBlocks, groupGrowth, ratePerSecond } from "../heap/groups";
import { LeakReportView, ReportMode, ShownGroup, reportLines } from "../heap/leak-report";
import { StackRecordReader, recordOffsets } from "../heap/stack-records";
import { heapBaselineState } from "../heap/heap-baseline";
import {
  FrameNamer,
  HeapRecord,
  HeapRun,
  NotWalkedRecord,
  WOW64_PART,
  heapLinesOf,
  heapRecords,
  layoutLinesOf,
  notWalkedLinesOf,
  notWalkedRecords,
  userProcess,
  walkHeaps,
} from "../heap/heap-run";
import { heapFileBaseline, heapPathOrSay, saveHeapSnapshot } from "./heapleaks-file";
import type { Target } from "../host/target";

/** Rows of the groups table; dx @$heapleaks().Groups has them all. */
export const TABLE_ROWS = 20;

export interface HeapGroupRecord {
  /** Frames innermost first (+ust groups whose stack was read); null for a size group or beyond maxHeapStackGroups. */
  Stack: string[] | null;
  /** The +ust stack trace record (UMDH's BackTrace); null for a size group. */
  StackRecord: Address | null;
  /** The size every block of a size group has; null for a stack group. */
  Size: number | null;
  Type: string | null;
  Allocations: number;
  Bytes: number;
  Example: Address;
  /** The first frame outside ntdll, kernelbase, the CRT and allocator wrappers, with its source line where known. */
  Caller: string | null;
  DeltaAllocations?: number;
  DeltaBytes?: number;
  BytesPerSecond?: number | null;
  toString(): string;
}

export interface HeapLeaksResult {
  Groups: HeapGroupRecord[];
  Heaps: HeapRecord[];
  NotWalked: NotWalkedRecord[];
  /** "all" (a dump), "baseline" (first live call), "growth" (later live calls), "compare" (against a file). */
  Mode: ReportMode;
  Allocations: number;
  Bytes: number;
  StacksRecorded: boolean;
  /** Target seconds since the baseline or the file (growth and compare); null when unknown. */
  Seconds: number | null;
  toString(): string;
}

type Op = { kind: "show" } | { kind: "reset" } | { kind: "save" | "compare"; path: unknown };

const command = {
  name: "heapleaks",
  usage: '!heapleaks [(op, "x.json")]',
  summary: 'Heap allocations by +ust stack (or size, type); what grew; "reset", "save"/"compare" a file',
  help: {
    arguments: [
      { name: "(none)", text: "a dump: every group, largest bytes first; live: the first call records a baseline, later calls show what grew" },
      { name: '"reset"', text: "forget the baseline" },
      { name: '"save", "C:\\\\cases\\\\before.json"', text: "write the groups to a snapshot file (dump or live)" },
      { name: '"compare", "C:\\\\cases\\\\before.json"', text: "the groups that grew from that file to this target" },
    ],
    records: [
      { name: "Groups", text: "Stack, StackRecord, Size (size groups), Type, Allocations, Bytes, Example, Caller; DeltaAllocations, DeltaBytes, BytesPerSecond when growth is shown (live or compare)" },
      { name: "Heaps / NotWalked", text: "each heap walked with its blocks and bytes; each part not walked with its reason" },
    ],
    examples: [
      { command: "!heapleaks", text: "the top allocation stacks (dump) or what grew (live)" },
      { command: "dx @$heapleaks().Groups.Where(g => g.Caller != null && g.Caller.Contains(\"ProcessImage\"))", text: "one caller's groups" },
      { command: 'dx @$heapleaks("compare", "C:\\\\cases\\\\before.json")', text: "on the later dump of the same process" },
    ],
  },
  run(ctx: CommandContext, args: unknown[]): unknown {
    const op = parseOp(ctx, args);
    if (!op) return undefined;
    if (op.kind === "reset") {
      const had = heapBaselineState.baseline !== null ? 1 : 0;
      heapBaselineState.baseline = null;
      ctx.out.line(messages.heapleaksReset(had));
      return undefined;
    }
    let path: string | null = null;
    if (op.kind === "save" || op.kind === "compare") {
      path = heapPathOrSay(ctx, op.kind, op.path);
      if (path === null) return undefined;
    }
    const peb = userProcess(ctx.target, "heapleaks");
    if (!(peb instanceof Address)) return say(ctx, peb.problem);
    const run = walkHeaps(ctx.target, ctx.out, peb, null, { includeFree: false, readFirstPointer: true });
    if ("problem" in run) return say(ctx, run.problem);
    if (op.kind === "save") return saveHeapSnapshot(ctx, run, path as string);
    if (op.kind === "compare") return compareWithFile(ctx, run, path as string);
    return showGroups(ctx, run);
  },
};

export const heapleaksCommand: Command = command;

function parseOp(ctx: CommandContext, args: unknown[]): Op | null {
  let given = args;
  while (given.length && given[given.length - 1] === undefined) given = given.slice(0, given.length - 1);
  if (given.length === 0) return { kind: "show" };
  const verb = given[0];
  if (verb === "reset" && given.length === 1) return { kind: "reset" };
  if ((verb === "save" || verb === "compare") && given.length <= 2) {
    if (typeof given[1] !== "string" || given[1].trim() === "") {
      ctx.out.line(messages.heapleaksPathMissing(verb, describeArg(given[1])));
      return null;
    }
    return { kind: verb, path: given[1] };
  }
  if (typeof verb === "string" && /^(save|compare)$/i.test(verb.trim())) {
    ctx.out.line(messages.heapleaksUsage(describeArg(verb) + " (the operations are lower case)"));
    return null;
  }
  ctx.out.line(messages.heapleaksUsage(given.length > 2 ? given.length + " arguments" : describeArg(verb)));
  return null;
}

/** Seconds by the target's clock: KUSER_SHARED_DATA.SystemTime, read where every process maps it (target-facts.ts). */
function processClockSeconds(target: Target): number | null {
  const ms = readTargetFacts(target, null, true).systemTimeMs;
  return ms === null ? null : ms / 1000;
}

/** Which process the baseline belongs to: its PEB, image and PID (a restarted program may reuse the PEB address). */
function processKey(target: Target, run: HeapRun): { key: string; description: string } {
  const who = target.processIdentity();
  const pid = who.pid === null ? "" : " PID " + who.pid;
  return { key: run.peb.key + "|" + run.imageName.toLowerCase() + "|" + pid, description: run.imageName + pid + " (PEB 0x" + run.peb.toHex() + ")" };
}

interface Shown {
  group: HeapGroup;
  deltaAllocations: number | null;
  deltaBytes: number | null;
}

function showGroups(ctx: CommandContext, run: HeapRun): HeapLeaksResult {
  const target = ctx.target;
  const walk = run.walk;
  const namer = new FrameNamer(target);
  const groups = groupBlocks(walk.blocks, walk.ust, namer.inImage);
  const allocations = walk.blocks.length;
  const bytes = walk.blocks.reduce((n, b) => n + b.size, 0);
  let mode: ReportMode = "all";
  let list: Shown[] = groups.map((g) => ({ group: g, deltaAllocations: null, deltaBytes: null }));
  let seconds: number | null = null;
  let shrunk = 0;
  let gone = 0;
  const notes: string[] = [];
  if (!target.isDump) {
    const now = processClockSeconds(target);
    const who = processKey(target, run);
    const base = heapBaselineState.baseline;
    if (base && base.process !== who.key) notes.push(messages.heapleaksOtherProcessBaseline(base.description, who.description));
    if (!base || base.process !== who.key) {
      heapBaselineState.baseline = { process: who.key, description: who.description, seconds: now, counts: countsByKey(groups), groups: groups.length };
      mode = "baseline";
    } else {
      const growth = groupGrowth(base.counts, groups);
      list = growth.grown.map((g) => ({ group: g.group, deltaAllocations: g.deltaAllocations, deltaBytes: g.deltaBytes }));
      shrunk = growth.shrunk;
      gone = growth.gone;
      seconds = now !== null && base.seconds !== null ? now - base.seconds : null;
      mode = "growth";
    }
    if (now === null) notes.push(messages.heapleaksNoClock());
  }
  return present(ctx, run, namer, { mode, list, allocations, bytes, seconds, shrunk, gone, since: "the baseline", notes });
}

function compareWithFile(ctx: CommandContext, run: HeapRun, path: string): unknown {
  const walk = run.walk;
  const namer = new FrameNamer(ctx.target);
  const groups = groupBlocks(walk.blocks, walk.ust, namer.inImage);
  const base = heapFileBaseline(ctx, run, path, groups, namer);
  if (!base) return undefined;
  const growth = groupGrowth(base.counts, base.groups);
  return present(ctx, run, namer, {
    mode: "compare",
    list: growth.grown.map((g) => ({ group: g.group, deltaAllocations: g.deltaAllocations, deltaBytes: g.deltaBytes })),
    allocations: walk.blocks.length,
    bytes: walk.blocks.reduce((n, b) => n + b.size, 0),
    seconds: base.seconds,
    shrunk: growth.shrunk,
    gone: growth.gone,
    since: base.since,
    notes: base.notes,
  });
}

interface Presented {
  mode: ReportMode;
  list: Shown[];
  allocations: number;
  bytes: number;
  seconds: number | null;
  shrunk: number;
  gone: number;
  since: string;
  notes: string[];
}

/** Reads and symbolizes the stacks of the first groups only, prints the report, returns the records of every group. */
export function present(ctx: CommandContext, run: HeapRun, namer: FrameNamer, p: Presented): HeapLeaksResult {
  const target = ctx.target;
  const ps = target.pointerSize;
  const reader = new StackRecordReader(target, run.walk.x86Records);
  const stackGroups = workLimit("maxHeapStackGroups");
  const records: HeapGroupRecord[] = [];
  const shown: ShownGroup[] = [];
  const rateOf = (delta: number | null) => (delta === null || (p.mode !== "growth" && p.mode !== "compare") ? null : ratePerSecond(delta, p.seconds));
  let stacksSkipped = 0;
  p.list.forEach((s, i) => {
    const g = s.group;
    const detailed = i < Math.max(stackGroups, TABLE_ROWS);
    let frames: string[] | null = null;
    let problem: string | null = null;
    let caller: string | null = null;
    if (g.stackRecord) {
      if (i < stackGroups) {
        const record = reader.read(g.stackRecord);
        if ("frames" in record) {
          frames = namer.frames(record.frames);
          caller = namer.caller(record.frames, frames);
        } else problem = record.problem;
      } else stacksSkipped++;
    }
    const type = g.typePointer ? (detailed ? namer.frame(g.typePointer) : namer.plain(g.typePointer)) : null;
    const rate = rateOf(s.deltaBytes);
    const record: HeapGroupRecord = {
      Stack: frames,
      StackRecord: g.stackRecord,
      Size: g.size,
      Type: type,
      Allocations: g.allocations,
      Bytes: g.bytes,
      Example: g.example,
      Caller: caller,
      toString: () =>
        (s.deltaBytes !== null ? "+" + sizeText(s.deltaBytes) + ", now " : "") + sizeText(g.bytes) + " in " + plural(g.allocations, "allocation") + ": " +
        (caller || (g.stackRecord ? "stack record " + g.stackRecord.format(ps) : "size " + sizeText(g.size || 0) + (type ? " " + type : ""))),
    };
    if (s.deltaBytes !== null) {
      record.DeltaAllocations = s.deltaAllocations || 0;
      record.DeltaBytes = s.deltaBytes;
      record.BytesPerSecond = rate;
    }
    records.push(record);
    if (i < TABLE_ROWS) {
      shown.push({
        frames,
        stackProblem: problem,
        caller,
        size: g.size,
        type,
        allocations: g.allocations,
        bytes: g.bytes,
        example: g.example.format(ps),
        stackRecord: g.stackRecord ? g.stackRecord.format(ps) : null,
        deltaAllocations: s.deltaAllocations,
        deltaBytes: s.deltaBytes,
        rate,
      });
    }
  });
  // A WOW64 process's 32-bit heaps that could not be walked: said right after the answer, which is only about the 64-bit heaps.
  const notes = (run.wow64NotWalked ? [run.wow64NotWalked] : []).concat(p.notes);
  // The answer's figures are partial when a part was not walked: said next to them, not only at the end.
  const partsNotWalked = run.walk.notWalked.filter((n) => n.part !== WOW64_PART).length;
  if (partsNotWalked > 0) notes.unshift(messages.heapPartsNotWalkedNote(partsNotWalked));
  const capped = namer.cappedNote();
  if (capped) notes.push(capped);
  if (stacksSkipped > 0) notes.push(messages.heapStackGroupsCapped(stackGroups, p.list.length, raiseHint("maxHeapStackGroups")));
  const walk = run.walk;
  const layoutLines = layoutLinesOf(walk.heaps, ps);
  const view: LeakReportView = {
    mode: p.mode,
    ust: walk.ust,
    imageName: run.imageName,
    groupCount: p.list.length,
    allocations: p.allocations,
    bytes: p.bytes,
    shown,
    seconds: p.seconds,
    since: p.since,
    shrunk: p.shrunk,
    gone: p.gone,
    heaps: heapLinesOf(walk.heaps, ps),
    notWalked: notWalkedLinesOf(walk.notWalked.filter((n) => n.part !== WOW64_PART), ps),
    layoutLines,
    notes,
    next: nextSteps(target, p.mode, p.list.length ? p.list[0].group : null, records.length ? records[0].Caller : null, run.walk.x86Records),
  };
  ctx.out.lines(reportLines(view));
  return {
    Groups: records,
    Heaps: heapRecords(walk.heaps, ps),
    NotWalked: namedCollection(notWalkedRecords(walk.notWalked, ps), "part", "parts"),
    Mode: p.mode,
    Allocations: p.allocations,
    Bytes: p.bytes,
    StacksRecorded: walk.ust,
    Seconds: p.seconds,
    toString: () =>
      (p.mode === "growth" || p.mode === "compare" ? plural(p.list.length, "group") + " grew" : plural(p.list.length, "group")) +
      "; " + plural(p.allocations, "allocation") + ", " + sizeText(p.bytes),
  };
}

function nextSteps(target: Target, mode: ReportMode, top: HeapGroup | null, callerFrame: string | null, x86Records?: Set<string>): NextStep[] {
  const ps = target.pointerSize;
  const steps: NextStep[] = [];
  if (top) {
    steps.push({ command: "!heap -p -a " + top.example.format(ps), why: "the debugger's own view of the top group's example block" });
    if (top.stackRecord) {
      // Next and Hash+Depth come first (two pointers on x64, three on x86), then the frames: show them all.
      // A WOW64 process's 32-bit record holds 4-byte frames: dds, as the 64-bit view's dps would pair them.
      const rps = x86Records && x86Records.has(top.stackRecord.key) ? 4 : ps;
      const header = recordOffsets(rps).frames / rps;
      steps.push({ command: (rps === ps ? "dps " : "dds ") + top.stackRecord.format(ps) + " L0x" + (header + 32).toString(16), why: "the stack record as the debugger reads it" });
    }
    // A stack group's blocks by their caller frame (the symbol text only, and only when it is safe inside dx quotes);
    // a size group's by its size.
    const frame = callerFrame === null ? null : callerFrame.replace(/ \[.*\]$/, "");
    if (top.stackRecord && frame !== null && /^[A-Za-z0-9_.!:+~<>, -]{1,160}$/.test(frame)) {
      steps.push({ command: 'dx @$heapblocks().Blocks.Where(b => b.Stack.Any(f => f == "' + frame + '"))', why: "every block allocated through that caller" });
    } else {
      steps.push({ command: "dx @$heapblocks().Blocks.Where(b => b.Size == 0x" + top.exampleSize.toString(16) + ")", why: "every block of that size, with its stack and type" });
    }
  }
  if (mode === "baseline") steps.push({ command: "!heapleaks", why: "after the program has run a while (g, then break in): the groups that grew" });
  // Growth is measured from the same baseline each time, so running on shows whether a group keeps growing.
  if (mode === "growth") steps.push({ command: "!heapleaks", why: "after the program has run longer (g, then break in): growth since the same baseline" });
  if (mode === "all" && target.isDump) steps.push({ command: 'dx @$heapleaks("save", "C:\\\\cases\\\\before.json")', why: "keep these groups; compare them on a later dump" });
  return steps;
}

function say(ctx: CommandContext, line: string): undefined {
  ctx.out.line(line);
  return undefined;
}
