// 0:000> !virtblocks
// 0:000> !virtblocks 0x29fb0000
// 0:000> dx @$virtblocks().Where(b => b.UserSize > 0x1000000).Count()
// 0:000> dx -g @$virtstacks()
// Every NT heap's VirtualAllocdBlocks (the blocks over 512 KB that !heap -s leaves out of its Commit column), with
// their allocation stacks from the +ust database, even when !heap fails and the heap types are missing.
import { Progress } from "../core/progress";
import { Command, CommandContext } from "./command";
import { Address } from "../core/address";
import { addressArg, argKind, describeArg } from "../core/args";
import { messages } from "../core/messages";
import { NotApplicable, Unreadable } from "../core/missing";
import { bytesWithUnit, groupDigits, hex } from "../render/format";
import { renderTable } from "../render/table";
import { isLayoutMissing, resolveLayout } from "../layouts/resolve";
import { HEAP, HEAP_VIRTUAL_ALLOC_ENTRY, SEGMENT_HEAP, heapConstants, stackTraceLayout } from "../layouts/heap";
import { HeapLayouts, HeapReport, VirtualBlock, isPlausibleUserAddress, readProcessHeaps, walkHeap } from "../heap/virtual-blocks";
import { StackGroup, TraceReader, describeFrame, groupByStack } from "../heap/stacks";

const TOP_STACKS = 10;
/** Heaps named in the one line that refuses a heap argument: enough to pick from, short enough for one line. */
const HEAPS_NAMED = 8;
/** Entries named per heap when their BusyBlock does not decode; the rest are counted. */
const ENTRIES_NAMED = 5;

interface Analysis {
  reports: HeapReport[];
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
  Stack: string[] | NotApplicable;
  toString(): string;
}

export interface StackGroupRecord {
  Frames: string[] | NotApplicable;
  Count: number;
  TotalBytes: number;
  toString(): string;
}

export function virtblocksCommand(): Command {
  return {
    name: "virtblocks",
    usage: "!virtblocks [heap]",
    summary: "Every NT heap's virtual blocks (> 512 KB), their totals and the top allocation stacks",
    resultNoun: ["virtual block", "virtual blocks"],
    quietRepeats: true,
    run(ctx, args) {
      const analysis = analyze(ctx, args, "virtblocks");
      if (!analysis) return undefined;
      printTopStacks(ctx, analysis, TOP_STACKS);
      return blockRecords(ctx, analysis);
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
    run(ctx, args) {
      const analysis = analyze(ctx, args, "virtstacks");
      if (!analysis) return undefined;
      printTopStacks(ctx, analysis, TOP_STACKS);
      return analysis.groups.map((g) => groupRecord(g, analysis));
    },
  };
}

function analyze(ctx: CommandContext, args: unknown[], name: string): Analysis | null {
  const { target, out } = ctx;
  if (target.isKernel) {
    out.line(messages.needsUserMode(name));
    return null;
  }
  let only: Address | null = null;
  if (args.length > 1 || (args.length === 1 && argKind(args[0]) !== "missing")) {
    only = args.length === 1 ? addressArg(args[0]) : null;
    if (!only) {
      out.line(messages.virtblocksUsage(name, describeArg(args.length === 1 ? args[0] : "several arguments")));
      return null;
    }
  }
  const ps = target.pointerSize;
  const constants = heapConstants(ps);
  const peb = target.pebAddress();
  if (!peb) {
    out.line(messages.virtblocksNoPeb());
    return null;
  }
  const process = readProcessHeaps(target, peb, constants);
  if (process instanceof Unreadable) {
    out.line(messages.unreadable("the PEB's heap list", process.address.format(ps)));
    return null;
  }
  if (only) {
    const why = notAHeapReason(only, process.heaps, process.problem !== null, ps);
    if (why) {
      const shown = process.heaps.slice(0, HEAPS_NAMED);
      out.line(messages.virtblocksNotAHeap(name, "0x" + only.toHex(), why, shown.map((h) => h.format(ps)), process.heaps.length - shown.length));
      return null;
    }
  }
  const build = target.windowsBuild();
  const types = (m: string, t: string) => target.type(m, t);
  const heapLayout = resolveLayout(HEAP, types, ps, build);
  const entryLayout = resolveLayout(HEAP_VIRTUAL_ALLOC_ENTRY, types, ps, build);
  if (isLayoutMissing(heapLayout) || isLayoutMissing(entryLayout)) {
    out.line(messages.virtblocksLayoutMissing(isLayoutMissing(heapLayout) ? heapLayout.reason : (entryLayout as { reason: string }).reason));
    return null;
  }
  const layouts: HeapLayouts = { heap: heapLayout, entry: entryLayout, segment: resolveLayout(SEGMENT_HEAP, types, ps, build), constants };
  out.line(
    "PEB " + peb.format(ps) + ": " + process.heaps.length + " heaps, NtGlobalFlag " + hex(process.ntGlobalFlag) +
      (process.ust ? " (+ust: allocation stacks recorded)" : ""),
  );
  out.line(messages.layoutFallback(heapLayout.description));
  out.line(messages.layoutFallback(entryLayout.description));
  if (process.problem) out.line("PEB heap list: " + process.problem + ".");
  let heaps = process.heaps;
  if (only) {
    const wanted = only;
    heaps = heaps.filter((h) => h.equals(wanted));
    if (heaps.length === 0) {
      out.line(messages.virtblocksHeapNotInProcess(only.format(ps)));
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
    out.line(messages.layoutFallback(isLayoutMissing(layouts.segment) ? layouts.segment.typeName + ": " + layouts.segment.reason : layouts.segment.description));
  }
  printHeaps(ctx, reports);
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
  return { reports, groups, ust: process.ust, frameText };
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

function printHeaps(ctx: CommandContext, reports: HeapReport[]): void {
  const ps = ctx.target.pointerSize;
  const sum = (r: HeapReport, f: (b: VirtualBlock) => number) => r.blocks.reduce((n, b) => n + f(b), 0);
  ctx.out.lines(
    renderTable<HeapReport>(
      [
        { header: "Heap", value: (r) => r.heap.format(ps) },
        { header: "Kind", value: (r) => (r.kind === "nt" ? "NT" + (r.encoded ? " (encoded)" : "") : r.kind) },
        { header: "Blocks", align: "right", value: (r) => (listsBlocks(r) ? groupDigits(r.blocks.length) : "") },
        { header: "Committed (blocks)", align: "right", value: (r) => (listsBlocks(r) ? bytesWithUnit(sum(r, (b) => b.commitSize)) : "") },
        { header: "User bytes", align: "right", value: (r) => (listsBlocks(r) ? bytesWithUnit(sum(r, (b) => b.userSize)) : "") },
        { header: "Heap committed (segments)", align: "right", value: (r) => (r.segments ? bytesWithUnit(r.segments.committedBytes) : "") },
        { header: "Note", value: (r) => heapNote(r) },
      ],
      reports,
    ),
  );
  const total = reports.reduce((n, r) => n + r.blocks.length, 0);
  const committed = reports.reduce((n, r) => n + sum(r, (b) => b.commitSize), 0);
  const segments = reports.reduce((n, r) => n + (r.segments ? r.segments.committedBytes : 0), 0);
  ctx.out.line(
    "Total: " + groupDigits(total) + " virtual blocks, " + bytesWithUnit(committed) + " committed; the heaps' segments: " +
      bytesWithUnit(segments) + " committed.",
  );
  ctx.out.line(messages.virtblocksHeapCommitNote());
  const largest = reports.reduce<HeapReport | null>((best, r) => (r.blocks.length > 0 && (!best || r.blocks.length > best.blocks.length) ? r : best), null);
  if (largest) ctx.out.line(messages.virtblocksNext("0x" + largest.heap.toHex(), largest.blocks[0].userAddress.format(ps)));
  for (const r of reports) {
    const undecoded = r.blocks.filter((b) => !b.sizeDecoded);
    if (undecoded.length) {
      const shown = undecoded.slice(0, ENTRIES_NAMED).map((b) => b.entry.format(ps)).join(", ");
      ctx.out.line(
        "Heap " + r.heap.format(ps) + ": the BusyBlock of the entr" + (undecoded.length === 1 ? "y" : "ies") + " at " + shown +
          (undecoded.length > ENTRIES_NAMED ? " and " + (undecoded.length - ENTRIES_NAMED) + " more" : "") +
          " fails its checksum or size check (decoded with the heap's Encoding); the user size shown is the commit size.",
      );
    }
    if (r.problem && (r.kind === "nt" || r.kind === "segment")) ctx.out.line("Heap " + r.heap.format(ps) + ": the walk stopped: " + r.problem + "; the blocks before it are shown.");
    if (r.segments && r.segments.problem) {
      ctx.out.line("Heap " + r.heap.format(ps) + ": the segment walk stopped: " + r.segments.problem + "; its committed bytes cover " + r.segments.count + " segments.");
    }
  }
}

/** NT heaps, and segment heaps whose large blocks were found (walked by src/heap/user-segment-heap.ts). */
function listsBlocks(r: HeapReport): boolean {
  return r.kind === "nt" || (r.kind === "segment" && r.blocks.length > 0);
}

function heapNote(r: HeapReport): string {
  if (r.kind === "segment") {
    return r.segmentTotals
      ? "segment heap - large allocations: committed " + bytesWithUnit(r.segmentTotals.committedBytes) + ", reserved " + bytesWithUnit(r.segmentTotals.reservedBytes)
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

function printTopStacks(ctx: CommandContext, a: Analysis, top: number): void {
  if (!a.ust || a.groups.length === 0) return;
  ctx.out.line("");
  ctx.out.line("Top " + Math.min(top, a.groups.length) + " allocation stacks by user bytes (of " + a.groups.length + "):");
  a.groups.slice(0, top).forEach((g, i) => {
    // One block of the group, for the debugger's own view of it (the seed's author checked a block this way).
    const example = "!heap -p -a " + g.blocks[0].userAddress.format(ctx.target.pointerSize);
    ctx.out.line("#" + (i + 1) + "  " + groupDigits(g.blocks.length) + " blocks, " + bytesWithUnit(g.totalBytes) + "   e.g. " + example);
    const frames = framesOf(g, a);
    if (frames instanceof NotApplicable) ctx.out.line("      (" + frames.reason + ")");
    else for (const f of frames) ctx.out.line("      " + f);
  });
}

function blockRecords(ctx: CommandContext, a: Analysis): VirtualBlockRecord[] {
  const ps = ctx.target.pointerSize;
  const stackOf = new Map<VirtualBlock, string[] | NotApplicable>();
  for (const g of a.groups) {
    const frames = framesOf(g, a);
    for (const b of g.blocks) stackOf.set(b, frames);
  }
  const noUst = new NotApplicable("+ust is off: gflags /i app.exe +ust");
  const records: VirtualBlockRecord[] = [];
  for (const r of a.reports) {
    for (const b of r.blocks) {
      records.push({
        Heap: b.heap,
        Entry: b.entry,
        UserAddress: b.userAddress,
        UserSize: b.userSize,
        CommitSize: b.commitSize,
        ReserveSize: b.reserveSize,
        Stack: a.ust ? stackOf.get(b) || noUst : noUst,
        toString: () => b.entry.format(ps) + " " + hex(b.userSize) + " bytes at " + b.userAddress.format(ps),
      });
    }
  }
  return records;
}

function groupRecord(g: StackGroup, a: Analysis): StackGroupRecord {
  const frames = framesOf(g, a);
  // The first frame past ntdll's allocator is the one that names the caller.
  const caller = frames instanceof NotApplicable ? null : frames.filter((f) => !/^ntdll[!+]/i.test(f))[0] || frames[0];
  const first = frames instanceof NotApplicable ? "(" + frames.reason + ")" : caller || "(empty)";
  return {
    Frames: frames,
    Count: g.blocks.length,
    TotalBytes: g.totalBytes,
    toString: () => g.blocks.length + " blocks, " + hex(g.totalBytes) + " bytes: " + first,
  };
}
