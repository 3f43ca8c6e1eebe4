// 0:000> !virtblocks
// 0:000> !virtblocks 0x29fb0000
// 0:000> dx @$virtblocks().Blocks.Where(b => b.UserSize > 0x1000000).Count()
// 0:000> dx -g @$virtstacks().Stacks
// Every NT heap's VirtualAllocdBlocks (the blocks over 512 KB that !heap -s leaves out of its Commit column), with
// their allocation stacks from the +ust database, even when !heap fails and the heap types are missing.
import { Progress } from "../core/progress";
import { Command, CommandContext } from "./command";
import { Address } from "../core/address";
import { addressArg, argKind, describeArg } from "../core/args";
import { messages } from "../core/messages";
import { NotApplicable, Unreadable } from "../core/missing";
import { bytesWithUnit, groupDigits, hex, plural } from "../render/format";
import { layoutNote, nextBlock, sizeText, NextStep } from "../render/report";
import { BufferedPrinter } from "../core/repeat";
import { ResolvedLayout } from "../layouts/types";
import { renderTable } from "../render/table";
import { isLayoutMissing, resolveLayout } from "../layouts/resolve";
import { HEAP, HEAP_VIRTUAL_ALLOC_ENTRY, SEGMENT_HEAP, heapConstants, stackTraceLayout } from "../layouts/heap";
import { HeapLayouts, HeapReport, VirtualBlock, isPlausibleUserAddress, readProcessHeaps, walkHeap } from "../heap/virtual-blocks";
import { StackGroup, TraceReader, callerFrame, describeFrame, groupByStack } from "../heap/stacks";

const TOP_STACKS = 10;
/** Heaps named in the one line that refuses a heap argument: enough to pick from, short enough for one line. */
const HEAPS_NAMED = 8;
/** Entries named per heap when their BusyBlock does not decode; the rest are counted. */
const ENTRIES_NAMED = 5;

interface Analysis {
  /** The heap asked for, or null for every heap of the process. */
  only: Address | null;
  reports: HeapReport[];
  /** The process, layout and walk lines, printed after the answer. */
  details: string[];
  /** The lines of `details` that say what could not be read or walked: !virtstacks prints these too. */
  problems: string[];
  groups: StackGroup[];
  ust: boolean;
  /** Symbolized frames per frame address key. */
  frameText: Map<string, string>;
}

/** Blocks (one read each over KDNET, ~2.5 s per 5,000) from which the walk prints progress every 10%. */
const LARGE_BLOCK_COUNT = 1000;

export interface VirtualBlockRecord {
  Heap: Address;
  Entry: Address;
  UserAddress: Address;
  UserSize: number;
  CommitSize: number;
  ReserveSize: number;
  Caller: string | NotApplicable;
  Stack: string[] | NotApplicable;
  toString(): string;
}

export interface StackGroupRecord {
  /** The first frame outside the allocator and allocation wrappers (src/heap/stacks.ts callerFrame). */
  Caller: string | NotApplicable;
  Count: number;
  /** User bytes of the group's blocks. */
  Bytes: number;
  /** One block of the group, for `!heap -p -a`. */
  Example: Address;
  Frames: string[] | NotApplicable;
  toString(): string;
}

export function virtblocksCommand(): Command {
  return {
    name: "virtblocks",
    usage: "!virtblocks [heap]",
    summary: "Every NT heap's virtual blocks (> 512 KB), their totals and the top allocation stacks",
    resultNoun: ["virtual block", "virtual blocks"],
    quietRepeats: true,
    keepsResult: true,
    help: {
      arguments: [
        { name: "heap", text: "optional: one heap's address as !heap -s lists it, typed 0x29fb0000 (dx needs the 0x); none walks every heap" },
      ],
      records: [
        { name: "Blocks", text: "every virtual block: Heap, Entry, UserAddress, UserSize, CommitSize, ReserveSize, Caller, Stack" },
        { name: "Stacks", text: "the blocks grouped by allocation stack (+ust): Caller, Count, Bytes, Example, Frames" },
        { name: "Heaps", text: "one row per heap walked: Heap, Kind, Count, Committed, UserBytes, SegmentsCommitted, Note" },
        { name: "Count, Committed, UserBytes", text: "the totals of the blocks listed" },
      ],
      examples: [
        { command: "!virtblocks", text: "every heap of the process, the largest stacks first" },
        { command: "!virtblocks 0x29fb0000", text: "one heap" },
        { command: "dx @$virtblocks(0x29fb0000).Blocks.Where(b => b.UserSize > 0x1000000).Count()", text: "blocks over 16 MB" },
        { command: "dx -g @$virtblocks().Blocks.OrderByDescending(b => b.UserSize).Take(10)", text: "the ten largest blocks" },
      ],
    },
    run(ctx, args) {
      const analysis = analyze(ctx, args, "virtblocks");
      if (!analysis) return undefined;
      printAnswer(ctx, analysis);
      ctx.out.lines(analysis.details);
      printTopStacks(ctx, analysis, TOP_STACKS);
      ctx.out.lines(nextBlock(blocksNext(ctx, analysis)));
      return blocksResult(ctx, analysis);
    },
  };
}

export function virtstacksCommand(): Command {
  return {
    name: "virtstacks",
    usage: "!virtstacks [heap]",
    summary: "Virtual blocks grouped by allocation stack (+ust), largest first",
    resultNoun: ["stack", "stacks"],
    quietRepeats: true,
    keepsResult: true,
    help: {
      arguments: [{ name: "heap", text: "optional: one heap's address, typed 0x29fb0000; none groups the blocks of every heap" }],
      records: [
        { name: "Stacks", text: "one group per distinct allocation stack, largest first: Caller, Count, Bytes, Example, Frames" },
        { name: "Count, Bytes", text: "the virtual blocks grouped and their user bytes" },
      ],
      examples: [
        { command: "!virtstacks", text: "every stack, largest first" },
        { command: "dx -g @$virtstacks().Stacks.Select(s => new { s.Caller, s.Count, s.Bytes })", text: "one line per stack" },
      ],
    },
    run(ctx, args) {
      const analysis = analyze(ctx, args, "virtstacks");
      if (!analysis) return undefined;
      const blocks = analysis.reports.reduce((n, r) => n + r.blocks.length, 0);
      const bytes = analysis.groups.reduce((n, g) => n + g.totalBytes, 0);
      if (!analysis.ust) {
        ctx.out.line(plural(blocks, "virtual block") + (analysis.only ? " in heap 0x" + analysis.only.toHex() : "") + "; no allocation stacks to group.");
        ctx.out.lines(analysis.details.filter((l) => /^(Layout|Allocation stacks):/.test(l)));
        ctx.out.lines(analysis.problems);
        return { Stacks: [], Count: blocks, Bytes: 0, toString: () => "no allocation stacks (+ust is off)" };
      }
      const top = analysis.groups[0];
      ctx.out.line(
        plural(analysis.groups.length, "allocation stack") + " over " + plural(blocks, "virtual block") + ", " + sizeText(bytes) + " user bytes" +
          (top ? "; the largest: " + plural(top.blocks.length, "block") + ", " + sizeText(top.totalBytes) + ", caller " + callerText(top, analysis) + "." : "."),
      );
      ctx.out.lines(analysis.details.filter((l) => /^Layout:/.test(l)));
      ctx.out.lines(analysis.problems);
      printTopStacks(ctx, analysis, analysis.groups.length);
      const steps: NextStep[] = [];
      if (top) steps.push({ command: "!heap -p -a " + top.blocks[0].userAddress.format(ctx.target.pointerSize), why: "the largest stack's first block as the debugger sees it" });
      steps.push({ command: "!virtblocks" + (analysis.only ? " 0x" + analysis.only.toHex() : ""), why: "the heaps and their totals" });
      ctx.out.lines(nextBlock(steps));
      const records = analysis.groups.map((g) => groupRecord(g, analysis));
      return { Stacks: records, Count: blocks, Bytes: bytes, toString: () => plural(records.length, "stack") + ", " + plural(blocks, "virtual block") + ", " + sizeText(bytes) };
    },
  };
}

function analyze(ctx: CommandContext, args: unknown[], name: string): Analysis | null {
  const target = ctx.target;
  // The answer leads (output conventions 1): what the walk learns on the way is kept and printed after it.
  const out = new BufferedPrinter(ctx.out);
  if (target.isKernel) {
    ctx.out.line(messages.needsUserMode(name, target.isDump));
    return null;
  }
  const refuse = (text: string) => {
    ctx.out.line(text);
    return null;
  };
  let only: Address | null = null;
  if (args.length > 1 || (args.length === 1 && argKind(args[0]) !== "missing")) {
    only = args.length === 1 ? addressArg(args[0]) : null;
    if (!only) {
      return refuse(messages.virtblocksUsage(name, describeArg(args.length === 1 ? args[0] : "several arguments")));
    }
  }
  const ps = target.pointerSize;
  const constants = heapConstants(ps);
  const peb = target.pebAddress();
  if (!peb) {
    return refuse(messages.virtblocksNoPeb());
  }
  const process = readProcessHeaps(target, peb, constants);
  if (process instanceof Unreadable) {
    return refuse(messages.unreadable("the PEB's heap list", process.address.format(ps)));
  }
  if (only) {
    const why = notAHeapReason(only, process.heaps, process.problem !== null, ps);
    if (why) {
      const shown = process.heaps.slice(0, HEAPS_NAMED);
      return refuse(messages.virtblocksNotAHeap(name, "0x" + only.toHex(), why, shown.map((h) => "0x" + h.toHex()), process.heaps.length - shown.length));
    }
  }
  const build = target.windowsBuild();
  const types = (m: string, t: string) => target.type(m, t);
  const heapLayout = resolveLayout(HEAP, types, ps, build);
  const entryLayout = resolveLayout(HEAP_VIRTUAL_ALLOC_ENTRY, types, ps, build);
  if (isLayoutMissing(heapLayout) || isLayoutMissing(entryLayout)) {
    return refuse(messages.virtblocksLayoutMissing(isLayoutMissing(heapLayout) ? heapLayout.reason : (entryLayout as { reason: string }).reason));
  }
  const layouts: HeapLayouts = { heap: heapLayout, entry: entryLayout, segment: resolveLayout(SEGMENT_HEAP, types, ps, build), constants };
  out.line(
    "PEB " + peb.format(ps) + ": " + process.heaps.length + " heaps, NtGlobalFlag " + hex(process.ntGlobalFlag) +
      (process.ust ? " (+ust: allocation stacks recorded)" : ""),
  );
  out.lines(layoutNote(heapLayout));
  out.lines(layoutNote(entryLayout));
  const early: string[] = [];
  if (process.problem) {
    early.push("PEB heap list: " + process.problem + ".");
    out.line(early[0]);
  }
  let heaps = process.heaps;
  if (only) {
    const wanted = only;
    heaps = heaps.filter((h) => h.equals(wanted));
    if (heaps.length === 0) {
      early.push(messages.virtblocksHeapNotInProcess(only.format(ps)));
      out.line(early[early.length - 1]);
      heaps = [only];
    }
  }
  const reports: HeapReport[] = [];
  // Progress in heaps walked; worth 10% steps once the walk has met LARGE_BLOCK_COUNT blocks (one read each).
  let walked = 0;
  const progress = new Progress(out, "Walking heaps", heaps.length, false, (done, total) => done + " of " + total + " heaps, " + walked + " blocks");
  for (let i = 0; i < heaps.length; i++) {
    const heap = heaps[i];
    progress.update(i);
    try {
      reports.push(
        walkHeap(target, heap, layouts, process.ust, () => {
          walked++;
          if (walked === LARGE_BLOCK_COUNT) progress.large = true;
          if (walked % 64 === 0) progress.update(i);
        }),
      );
    } catch (e) {
      reports.push({ heap, kind: "unreadable", encoded: false, blocks: [], problem: "walk failed: " + String(e), segmentTotals: null, segments: null });
    }
  }
  if (reports.some((r) => r.kind === "segment")) {
    if (isLayoutMissing(layouts.segment)) out.line(messages.layoutFallback(layouts.segment.typeName + ": " + layouts.segment.reason));
    else out.lines(layoutNote(layouts.segment as ResolvedLayout));
  }
  const problems = early.concat(printHeaps(target.pointerSize, out, reports));
  const blocks: VirtualBlock[] = [];
  for (const r of reports) for (const b of r.blocks) blocks.push(b);
  const reader = new TraceReader(target, stackTraceLayout(ps));
  const groups = process.ust ? groupByStack(blocks, reader) : [];
  const frameText = new Map<string, string>();
  for (const g of groups) {
    for (const f of g.frames) {
      if (frameText.has(f.key)) continue;
      frameText.set(f.key, describeFrame(target, f).text);
    }
  }
  if (!process.ust) out.line(messages.virtblocksUstOff(hex(process.ntGlobalFlag)));
  return { only, reports, details: out.buffer, problems, groups, ust: process.ust, frameText };
}

/**
 * Why `heap` cannot be a heap of this process, or null when it may be one. A heap is a user-mode address, aligned
 * (heaps start on a page: they are reserved with NtAllocateVirtualMemory), and listed in the PEB's ProcessHeaps.
 * When that list could not be read in full, an address missing from it is read as asked (the caller says so).
 */
function notAHeapReason(heap: Address, heaps: Address[], listIncomplete: boolean, ps: 4 | 8): string | null {
  if (heap.isNull) return "a null address";
  if (!isPlausibleUserAddress(heap, ps)) return ps === 8 && heap.hi >= 0x8000 ? "a kernel address, outside the process's user range" : "not a user-mode address of this process";
  if (heaps.some((h) => h.equals(heap))) return null;
  if (listIncomplete) return null;
  return "not in the PEB's ProcessHeaps list";
}

/** Prints the heap table into `out`; returns the lines that say what could not be walked (also printed). */
function printHeaps(ps: 4 | 8, out: BufferedPrinter, reports: HeapReport[]): string[] {
  const said: string[] = [];
  const problem = (text: string) => {
    out.line(text);
    said.push(text);
  };
  const sum = (r: HeapReport, f: (b: VirtualBlock) => number) => r.blocks.reduce((n, b) => n + f(b), 0);
  out.lines(
    renderTable<HeapReport>(
      [
        { header: "Heap", value: (r) => "0x" + r.heap.toHex() },
        { header: "Kind", value: (r) => (r.kind === "nt" ? "NT" + (r.encoded ? " (encoded)" : "") : r.kind) },
        { header: "Blocks", align: "right", value: (r) => (listsBlocks(r) ? groupDigits(r.blocks.length) : "") },
        { header: "Committed (blocks)", align: "right", value: (r) => (listsBlocks(r) ? sizeText(sum(r, (b) => b.commitSize)) : "") },
        { header: "User bytes", align: "right", value: (r) => (listsBlocks(r) ? sizeText(sum(r, (b) => b.userSize)) : "") },
        { header: "Heap committed (segments)", align: "right", value: (r) => (r.segments ? sizeText(r.segments.committedBytes) : "") },
        { header: "Note", value: (r) => heapNote(r) },
      ],
      reports,
    ),
  );
  const total = reports.reduce((n, r) => n + r.blocks.length, 0);
  const committed = reports.reduce((n, r) => n + sum(r, (b) => b.commitSize), 0);
  const segments = reports.reduce((n, r) => n + (r.segments ? r.segments.committedBytes : 0), 0);
  out.line(
    "Total: " + groupDigits(total) + " virtual blocks, " + sizeText(committed) + " committed; the heaps' segments: " +
      sizeText(segments) + " committed.",
  );
  out.line(messages.virtblocksHeapCommitNote());
  for (const r of reports) {
    const undecoded = r.blocks.filter((b) => !b.sizeDecoded);
    if (undecoded.length) {
      const shown = undecoded.slice(0, ENTRIES_NAMED).map((b) => b.entry.format(ps)).join(", ");
      problem(
        "Heap " + r.heap.format(ps) + ": the BusyBlock of the entr" + (undecoded.length === 1 ? "y" : "ies") + " at " + shown +
          (undecoded.length > ENTRIES_NAMED ? " and " + (undecoded.length - ENTRIES_NAMED) + " more" : "") +
          " fails its checksum or size check (decoded with the heap's Encoding); the user size shown is the commit size.",
      );
    }
    // The table's Note column says this for !virtblocks; !virtstacks prints no table, so it gets the line itself.
    if (r.kind === "unreadable" || r.kind === "unknown") said.push("Heap " + r.heap.format(ps) + ": " + (r.problem || "not an NT or segment heap") + "; its blocks are not counted.");
    if (r.problem && (r.kind === "nt" || r.kind === "segment")) problem("Heap " + r.heap.format(ps) + ": the walk stopped: " + r.problem + "; the blocks before it are shown.");
    if (r.segments && r.segments.problem) {
      problem("Heap " + r.heap.format(ps) + ": the segment walk stopped: " + r.segments.problem + "; its committed bytes cover " + r.segments.count + " segments.");
    }
  }
  return said;
}

/** NT heaps, and segment heaps whose large blocks were found (walked by src/heap/user-segment-heap.ts). */
function listsBlocks(r: HeapReport): boolean {
  return r.kind === "nt" || (r.kind === "segment" && r.blocks.length > 0);
}

function heapNote(r: HeapReport): string {
  if (r.kind === "segment") {
    return r.segmentTotals
      ? "segment heap - large allocations: committed " + sizeText(r.segmentTotals.committedBytes) + ", reserved " + sizeText(r.segmentTotals.reservedBytes)
      : messages.virtblocksSegmentNotWalked();
  }
  if (r.kind !== "nt") return r.problem || "";
  if (r.problem) return "walk stopped (see below)";
  return r.blocks.some((b) => !b.sizeDecoded) ? "some BusyBlocks did not decode: user size = commit size" : "";
}

function framesOf(g: StackGroup, a: Analysis): string[] | NotApplicable {
  if (g.problem !== null) return new NotApplicable(g.problem);
  return g.frames.map((f) => a.frameText.get(f.key) || f.toString());
}

/** The group's caller as text, or why there is none. */
function callerText(g: StackGroup, a: Analysis): string {
  const frames = framesOf(g, a);
  if (frames instanceof NotApplicable) return "unknown (" + frames.reason + ")";
  return callerFrame(frames) || "unknown (empty stack)";
}

/** The first lines: how many blocks, how many bytes, where, and the largest stack's caller. */
function printAnswer(ctx: CommandContext, a: Analysis): void {
  const blocks = a.reports.reduce((n, r) => n + r.blocks.length, 0);
  const committed = a.reports.reduce((n, r) => n + r.blocks.reduce((m, b) => m + b.commitSize, 0), 0);
  const where = a.only ? "Heap 0x" + a.only.toHex() + ": " : "";
  if (blocks === 0) {
    ctx.out.line(where + "no virtual blocks" + (a.only ? "" : " in " + plural(a.reports.length, "heap")) + ": nothing over the heap's VirtualMemoryThreshold (512 KB on x64) is allocated.");
    return;
  }
  let text = where + plural(blocks, "virtual block") + (a.only ? "" : " in " + plural(a.reports.length, "heap")) + ", " + sizeText(committed) + " committed";
  if (!a.only) {
    const largest = a.reports.reduce((best, r) => (r.blocks.length > best.blocks.length ? r : best));
    if (a.reports.length > 1) text += "; heap 0x" + largest.heap.toHex() + " holds " + groupDigits(largest.blocks.length);
  }
  const top = a.groups[0];
  if (top) text += ". Largest stack: " + plural(top.blocks.length, "block") + ", " + sizeText(top.totalBytes) + ", caller " + callerText(top, a);
  else if (!a.ust) text += "; no allocation stacks (+ust is off)";
  ctx.out.line(text + ".");
}

function blocksNext(ctx: CommandContext, a: Analysis): NextStep[] {
  const ps = ctx.target.pointerSize;
  const largest = a.reports.reduce<HeapReport | null>((best, r) => (r.blocks.length > 0 && (!best || r.blocks.length > best.blocks.length) ? r : best), null);
  if (!largest) return [];
  const heap = "0x" + largest.heap.toHex();
  const steps: NextStep[] = [{ command: "dx -g @$virtblocks(" + heap + ").Blocks", why: "that heap's blocks, one row each" }];
  const example = a.groups.length ? a.groups[0].blocks[0] : largest.blocks[0];
  steps.push({ command: "!heap -p -a " + example.userAddress.format(ps), why: "one block as the debugger sees it" + (a.ust ? ", with its stack" : "") });
  if (a.ust && a.groups.length > TOP_STACKS) steps.push({ command: "!virtstacks" + (a.only ? " 0x" + a.only.toHex() : ""), why: "all " + groupDigits(a.groups.length) + " stacks" });
  return steps;
}

function printTopStacks(ctx: CommandContext, a: Analysis, top: number): void {
  if (!a.ust || a.groups.length === 0) return;
  ctx.out.line("");
  ctx.out.line((top >= a.groups.length ? "Allocation stacks by user bytes (" + a.groups.length + "):" : "Top " + top + " allocation stacks by user bytes (of " + a.groups.length + "):"));
  a.groups.slice(0, top).forEach((g, i) => {
    // One block of the group, for the debugger's own view of it (the seed's author checked a block this way).
    const example = "!heap -p -a " + g.blocks[0].userAddress.format(ctx.target.pointerSize);
    ctx.out.line("#" + (i + 1) + "  " + plural(g.blocks.length, "block") + ", " + sizeText(g.totalBytes) + ", caller " + callerText(g, a) + "   e.g. " + example);
    const frames = framesOf(g, a);
    if (frames instanceof NotApplicable) ctx.out.line("      (" + frames.reason + ")");
    else for (const f of frames) ctx.out.line("      " + f);
  });
}

function blocksResult(ctx: CommandContext, a: Analysis) {
  const blocks = blockRecords(ctx, a);
  const committed = blocks.reduce((n, b) => n + b.CommitSize, 0);
  const user = blocks.reduce((n, b) => n + b.UserSize, 0);
  const sum = (r: HeapReport, f: (b: VirtualBlock) => number) => r.blocks.reduce((n, b) => n + f(b), 0);
  return {
    Count: blocks.length,
    Committed: committed,
    UserBytes: user,
    Blocks: blocks,
    Stacks: a.groups.map((g) => groupRecord(g, a)),
    Heaps: a.reports.map((r) => ({
      Heap: r.heap,
      Kind: r.kind,
      Count: r.blocks.length,
      Committed: sum(r, (b) => b.commitSize),
      UserBytes: sum(r, (b) => b.userSize),
      SegmentsCommitted: r.segments ? r.segments.committedBytes : new NotApplicable("not an NT heap"),
      Note: heapNote(r),
      toString: () => "0x" + r.heap.toHex() + ": " + plural(r.blocks.length, "virtual block") + ", " + sizeText(sum(r, (b) => b.commitSize)),
    })),
    toString: () => plural(blocks.length, "virtual block") + ", " + sizeText(committed) + " committed",
  };
}

function blockRecords(ctx: CommandContext, a: Analysis): VirtualBlockRecord[] {
  const ps = ctx.target.pointerSize;
  const stackOf = new Map<VirtualBlock, StackGroup>();
  for (const g of a.groups) for (const b of g.blocks) stackOf.set(b, g);
  const noUst = new NotApplicable("+ust is off: gflags /i app.exe +ust");
  const records: VirtualBlockRecord[] = [];
  for (const r of a.reports) {
    for (const b of r.blocks) {
      const g = a.ust ? stackOf.get(b) : undefined;
      const frames = g ? framesOf(g, a) : noUst;
      const caller = frames instanceof NotApplicable ? frames : callerFrame(frames) || new NotApplicable("empty stack");
      records.push({
        Heap: b.heap,
        Entry: b.entry,
        UserAddress: b.userAddress,
        UserSize: b.userSize,
        CommitSize: b.commitSize,
        ReserveSize: b.reserveSize,
        Caller: caller,
        Stack: frames,
        toString: () => b.userAddress.format(ps) + " " + sizeText(b.userSize) + (caller instanceof NotApplicable ? "" : ", caller " + caller),
      });
    }
  }
  return records;
}

function groupRecord(g: StackGroup, a: Analysis): StackGroupRecord {
  const frames = framesOf(g, a);
  const caller = frames instanceof NotApplicable ? frames : callerFrame(frames) || new NotApplicable("empty stack");
  return {
    Caller: caller,
    Count: g.blocks.length,
    Bytes: g.totalBytes,
    Example: g.blocks[0].userAddress,
    Frames: frames,
    toString: () => plural(g.blocks.length, "block") + ", " + sizeText(g.totalBytes) + ", caller " + callerText(g, a),
  };
}
