// kd> !poolallocs "Leak"
// Every live allocation of a pool tag: big ones from nt!PoolBigPageTable, small ones (Windows 10 1809+, x64) from the
// kernel's segment heap, each with its first bytes and the modules its pointers lead into. Stops once the tracker's
// outstanding count is found; !poolallocs ("Leak", "all") walks everything.
import { Command, CommandContext } from "./command";
import { messages } from "../core/messages";
import { describeArg } from "../core/args";
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { workLimit } from "../core/limits";
import { Progress, bytesOf } from "../core/progress";
import { renderTable } from "../render/table";
import { groupDigits, hex, plural } from "../render/format";
import { layoutNote, nextBlock, NextStep, PoolName, sizeText } from "../render/report";
import { BufferedPrinter } from "../core/repeat";
import { parseTagPattern, TagPattern } from "../pool/tags";
import { outstanding } from "../pool/tracker";
import { readBigPages } from "../pool/bigpages";
import { poolText, readUsageOrSay } from "../pool/usage-read";
import { resolveLayout, isLayoutMissing } from "../layouts/resolve";
import { SEGMENT_HEAP_LAYOUTS, SegmentHeapLayoutName } from "../layouts/segment-heap";
import type { ResolvedLayout } from "../layouts/types";
import {
  SegmentHeapLayouts,
  SegmentHeapReader,
  SmallBlock,
  KEPT_BYTES,
  POOL_HEADER_BYTES,
  decodeKeys,
  readPoolHeaps,
  walkSegmentMetadata,
  walkSubsegments,
  heapName,
  encodingOfBuild,
} from "../pool/segment-heap";
import type { BigAllocation } from "../pool/bigpages";
import { ModuleIndex, PointerHit, findPointers, vftableClass } from "../pool/pointers";
import type { Target } from "../host/target";

/** Windows 10 1809: the first kernel whose small pool blocks live in the segment heap (Scoop the Windows 10 pool!). */
export const SEGMENT_HEAP_POOL_BUILD = 17763;
/** Allocation rows printed; dx @$poolallocs("Tag").Allocations has them all. */
const ROWS_SHOWN = 20;
/** Distinct pointer values symbolized with `u <address> L1` (one round trip each); the rest show module+offset. */
const MAX_SYMBOLIZED_POINTERS = 64;
/** Subsegment bytes above which the walk prints 10% progress steps (~2 s over KDNET at 8 MB/s). */
const LARGE_WALK = 16 * 1024 * 1024;
/** Page segments followed in one list at most: 2^20 segments of 1 MB is a terabyte of pool. */
const MAX_SEGMENTS_PER_LIST = 0x100000;

export interface PointerRecord {
  Offset: number;
  Value: Address;
  Target: string;
  /** The C++ class when the pointer is a vtable (`module!Class::\`vftable'`), else null. */
  Class: string | null;
  toString(): string;
}

export interface AllocationRecord {
  Address: Address;
  /** The block as `!pool` counts it: _POOL_HEADER.BlockSize x 16 (pool header included); NumberOfBytes for a big one. */
  Size: number;
  /** The bytes the driver can use: Size less the 16-byte pool header (a big allocation has none). */
  UserSize: number;
  Pool: PoolName;
  Kind: "LFH" | "VS" | "Big";
  Header: Address | null;
  Tag: string;
  /** 32 bytes from PreviewOffset, hex then ASCII as `db` shows them. */
  Preview: string;
  /** Where Preview starts: the first 8-byte boundary at which the blocks of this result differ (0 when they differ at once). */
  PreviewOffset: number;
  Pointers: PointerRecord[];
  toString(): string;
}

export const poolallocsCommand: Command = {
  name: "poolallocs",
  usage: '!poolallocs ("Tag"[, "all"])',
  summary: "Every live allocation of a tag, small blocks too, and the modules they point into",
  resultNoun: ["allocation", "allocations"],
  quietRepeats: true,
  keepsResult: true,
  help: {
    arguments: [
      { name: '"Tag"', text: "a pool tag of 1-4 characters in quotes (\"Leak\", \"Mdl \"), ? and * as wildcards" },
      { name: '"all"', text: "optional: walk every subsegment instead of stopping once the tracker's outstanding count is found" },
      { name: '"refresh"', text: "optional, last: walk the pool again instead of answering from the kept result" },
    ],
    records: [
      { name: "Allocations", text: "every live allocation found: Address, Size, UserSize, Pool, Kind, Header, Tag, Preview, PreviewOffset, Pointers" },
      { name: "Pointers", text: "per allocation, values that lead into a loaded module: Offset, Value, Target, Class" },
      { name: "Modules", text: "the modules the allocations point into, most allocations first: Module, Allocations, Bytes, Example" },
      { name: "TopSizes", text: "the sizes found most often: Size, Kind, Count, Bytes" },
      { name: "Tag, Outstanding", text: "the tag asked for and the tracker's outstanding count (null: no count)" },
      { name: "SubsegmentsWalked, SubsegmentsLeft, LeftBecause", text: "how much of the segment heap was read, and why the rest was not" },
      { name: "NotWalked", text: "each heap, segment or page that could not be read, and why" },
    ],
    examples: [
      { command: '!poolallocs "Leak"', text: "big allocations, then the segment heap until the tracker's count is found" },
      { command: '!poolallocs ("Leak", "all")', text: "walk every subsegment" },
      { command: 'dx @$poolallocs("Leak").Allocations.Where(a => a.Kind == "VS")', text: "the VS blocks, from the kept walk" },
      { command: 'dx @$poolallocs("Mdl ").Modules', text: "the modules the blocks point into, ranked" },
    ],
  },
  run(ctx, allArgs) {
    if (!ctx.target.isKernel) {
      ctx.out.line(messages.needsKernel("poolallocs"));
      return undefined;
    }
    let args = allArgs;
    while (args.length && args[args.length - 1] === undefined) args = args.slice(0, args.length - 1);
    const pattern = args.length >= 1 ? parseTagPattern(args[0]) : null;
    if (!pattern || args.length > 2 || (args.length === 2 && args[1] !== "all")) {
      const hint = typeof args[0] === "number" ? " (a tag made of digits needs quotes too)" : "";
      ctx.out.line(messages.poolallocsUsage((args.length ? args.map(describeArg).join(", ") : "nothing") + hint));
      return undefined;
    }
    return showAllocations(ctx, pattern, args.length === 2);
  },
};

interface Outstanding {
  count: number;
  nonPaged: { count: number; bytes: number };
  paged: { count: number; bytes: number };
}

/** The tracker's outstanding figures for the tag, or why there are none (then every heap is walked). */
function trackerCount(ctx: CommandContext, pattern: TagPattern): { tracked: Outstanding } | { unknown: string } {
  const read = readUsageOrSay(ctx.target, ctx.out);
  if (!read) return { unknown: "the tracker could not be read (above)" };
  const tracked: Outstanding = { count: 0, nonPaged: { count: 0, bytes: 0 }, paged: { count: 0, bytes: 0 } };
  let rows = 0;
  for (const u of read.usage.rows) {
    if (!pattern.matches(u.tag)) continue;
    rows++;
    const np = read.usage.fromPoolused ? u.nonPagedAllocs : outstanding(u.nonPagedAllocs, u.nonPagedFrees);
    const p = read.usage.fromPoolused ? u.pagedAllocs : outstanding(u.pagedAllocs, u.pagedFrees);
    tracked.nonPaged.count += np;
    tracked.nonPaged.bytes += u.nonPagedBytes;
    tracked.paged.count += p;
    tracked.paged.bytes += u.pagedBytes;
  }
  // No row: the tag's counters are not kept (pool tagging off for it, a table partly unreadable), which is not a
  // count of 0; the early stop would otherwise stop before reading anything.
  if (rows === 0) return { unknown: "the tracker has no entry for '" + pattern.text + "'" + (read.usage.problems.length ? " (part of it could not be read, above)" : "") };
  tracked.count = tracked.nonPaged.count + tracked.paged.count;
  return { tracked };
}

function showAllocations(ctx: CommandContext, pattern: TagPattern, all: boolean): unknown {
  const target = ctx.target;
  const out = ctx.out;
  const tagText = pattern.text.replace(/ +$/, "");
  // How the answer was reached goes after it (output conventions 1 and 2): everything the reads print is held here.
  const details = new BufferedPrinter(out);
  const dctx: CommandContext = { target, out: details };
  const count = trackerCount(dctx, pattern);
  const tracked = "tracked" in count ? count.tracked : null;
  if (tracked) details.line("Tracker: '" + pattern.text + "': " + poolText(tracked.nonPaged.count, tracked.nonPaged.bytes, tracked.paged.count, tracked.paged.bytes) + ".");

  // Big allocations first: one read of the table.
  const big = readBigPages(target, pattern);
  if (big.kind === "bigPagesMissing") details.line("Big pool allocations: not available (" + big.reason + ").");
  else {
    details.line("Big pool allocations (nt!PoolBigPageTable, " + groupDigits(big.entries) + " entries): " + groupDigits(big.allocations.length) + " live.");
    details.lines(layoutNote(big.layout));
    for (const p of big.problems) details.line("  " + p);
  }
  const bigAllocations = big.kind === "bigPages" ? big.allocations : [];

  // Small blocks: the segment heap, to the end when "all" was asked or the tracker gave no count.
  const stopAfter = all || !tracked ? null : Math.max(0, tracked.count - bigAllocations.length);
  const small = walkSmallBlocks({ target, out: details }, pattern, stopAfter, bigAllocations);

  const modules = new ModuleIndex(target.modules());
  const symbolize = symbolizer(target);
  const raw: { address: Address; size: number; userSize: number; pool: PoolName; kind: "LFH" | "VS" | "Big"; header: Address | null; tag: string; data: Uint8Array | null }[] = [];
  for (const a of bigAllocations) {
    const bytes = target.memory.read(a.address, Math.min(KEPT_BYTES, Math.max(1, a.size)), "big allocation");
    raw.push({ address: a.address, size: a.size, userSize: a.size, pool: a.paged ? "Paged" : "NonPaged", kind: "Big", header: null, tag: a.tag, data: bytes instanceof Unreadable ? null : bytes });
  }
  for (const b of small.blocks) raw.push({ address: b.address, size: b.size, userSize: Math.max(0, b.size - POOL_HEADER_BYTES), pool: b.pool, kind: b.kind, header: b.header, tag: b.tag, data: b.data });
  const previewAt = differingOffset(raw.map((r) => r.data));
  const records = raw.map((r) => allocationRecord(target, r.address, r.size, r.userSize, r.pool, r.kind, r.header, r.tag, r.data, previewAt, modules, symbolize));

  const found = { NonPaged: { count: 0, bytes: 0 }, Paged: { count: 0, bytes: 0 } } as { [pool: string]: { count: number; bytes: number } };
  const byKind: { [kind: string]: number } = { LFH: 0, VS: 0, Big: 0 };
  for (const r of records) {
    found[r.Pool].count++;
    found[r.Pool].bytes += r.Size;
    byKind[r.Kind]++;
  }
  const moduleRows = pointedModules(records);

  // The answer.
  const pools: string[] = [];
  for (const pool of ["NonPaged", "Paged"]) if (found[pool].count || (pool === "NonPaged" && !found.Paged.count)) pools.push(groupDigits(found[pool].count) + " " + pool + ", " + sizeText(found[pool].bytes));
  out.line(
    "Found: " + (tracked ? groupDigits(records.length) + " of the " + groupDigits(tracked.count) + " outstanding" : groupDigits(records.length)) + " '" + pattern.text + "' " +
      (records.length === 1 && !tracked ? "allocation" : "allocations") + ": " + pools.join("; ") + "; LFH " + groupDigits(byKind.LFH) + ", VS " + groupDigits(byKind.VS) + ", big " + groupDigits(byKind.Big) + ".",
  );
  if (moduleRows.length) {
    out.line(
      "They point into " + moduleRows.slice(0, 3).map((m, i) => m.Module + " (" + groupDigits(m.Allocations) + (i === 0 ? " of " + groupDigits(records.length) + "; " + m.Example : "") + ")").join(", ") +
        (moduleRows.length > 3 ? " and " + plural(moduleRows.length - 3, "more module") : "") + ".",
    );
  }
  for (const line of walkLines(small, tracked, "unknown" in count ? count.unknown : null, records.length, tagText)) out.line(line);
  if (tracked && !small.stoppedEarly && records.length !== tracked.count) out.line(messages.poolallocsDiffer(records.length, tracked.count, small.walked));
  const keeping = ctx.keeping ? ctx.keeping() : null;
  if (keeping && keeping.keptWhile) out.line(messages.poolallocsKept(tagText, all, keeping.keptWhile));
  else if (keeping && keeping.notKeptBecause) out.line(messages.poolallocsNotKept(keeping.notKeptBecause));

  if (records.length) {
    out.line("");
    if (previewAt > 0) out.line(messages.poolallocsCommonPrefix(previewAt, hexBytes(raw.find((r) => r.data && r.data.length >= previewAt)!.data!.subarray(0, Math.min(previewAt, 16))) + (previewAt > 16 ? " ..." : "")));
    out.lines(allocationTable(target, records.slice(0, ROWS_SHOWN), previewAt));
    if (records.length > ROWS_SHOWN) out.line("  ... " + groupDigits(records.length - ROWS_SHOWN) + ' more: dx @$poolallocs("' + quoted(tagText) + '").Allocations');
    out.line("");
    out.line("Top sizes:");
    out.lines(
      renderTable(
        [
          { header: "Size", align: "right", value: (s: SizeRow) => hex(s.Size) },
          { header: "Kind", value: (s: SizeRow) => s.Kind },
          { header: "Count", align: "right", value: (s: SizeRow) => groupDigits(s.Count) },
          { header: "Bytes", align: "right", value: (s: SizeRow) => sizeText(s.Bytes) },
        ],
        topSizes(records).slice(0, 5),
        "  ",
      ),
    );
  }
  out.line("");
  if (moduleRows.length) {
    out.line("Modules the allocations point into (a second way to name the owner; it works for shared tags):");
    out.lines(
      renderTable(
        [
          { header: "Module", value: (m: ModuleRow) => m.Module },
          { header: "Allocations", align: "right", value: (m: ModuleRow) => groupDigits(m.Allocations) },
          { header: "Bytes", align: "right", value: (m: ModuleRow) => sizeText(m.Bytes) },
          { header: "Example", value: (m: ModuleRow) => m.Example },
        ],
        moduleRows.slice(0, 10),
        "  ",
      ),
    );
  } else if (records.length) out.line("No allocation holds a pointer into a loaded module in its first " + KEPT_BYTES + " bytes.");

  // How it was found.
  out.line("");
  out.lines(details.buffer);
  out.line("");
  out.lines(nextBlock(nextSteps(target, records, moduleRows, small, tagText)));
  return {
    Tag: pattern.text,
    Outstanding: tracked ? tracked.count : null,
    Allocations: records,
    Modules: moduleRows,
    TopSizes: topSizes(records),
    SubsegmentsWalked: small.subsegmentsWalked,
    SubsegmentsLeft: small.subsegmentsLeft,
    LeftBecause: small.leftBecause,
    NotWalked: small.problems.slice(),
    toString: () => "'" + pattern.text + "': " + plural(records.length, "allocation") + (small.subsegmentsLeft ? ", " + plural(small.subsegmentsLeft, "subsegment") + " left unread" : ""),
  };
}

/** The lines that say how much of the pool was walked, and why the rest was not. */
function walkLines(small: SmallResult, tracked: Outstanding | null, noCount: string | null, found: number, tagText: string): string[] {
  if (!small.walked) return small.notWalked ? [small.notWalked] : [];
  const lines: string[] = [];
  if (noCount) lines.push(messages.poolallocsNoCount(noCount));
  const left = small.subsegmentsLeft || 0;
  const total = small.subsegmentsWalked + left;
  if (small.stoppedEarly) lines.push(messages.poolallocsStopped(tracked ? tracked.count : found, small.subsegmentsWalked, total, left, sizeText(small.bytesLeft), tagText));
  else if (left === 0) lines.push("Walked all " + plural(total, "subsegment") + ", " + sizeText(small.bytesWalked) + ".");
  else lines.push("Walked " + groupDigits(small.subsegmentsWalked) + " of " + plural(total, "subsegment") + "; " + groupDigits(left) + " left unread at the cap on bytes walked (below).");
  return lines;
}

/** The first 8-byte boundary at which the kept bytes of the blocks differ; 0 when they differ at once, or are all alike. */
export function differingOffset(datas: (Uint8Array | null)[]): number {
  const present = datas.filter((d): d is Uint8Array => d !== null && d.length > 0);
  if (present.length < 2) return 0;
  const shortest = Math.min(...present.map((d) => d.length));
  const first = present[0];
  let same = 0;
  while (same < shortest && present.every((d) => d[same] === first[same])) same++;
  // Alike to the end of the shortest: nothing tells them apart in what was kept, so show their start.
  if (same >= shortest) return 0;
  return same - (same % 8);
}

function hexBytes(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i++) parts.push(("0" + bytes[i].toString(16)).slice(-2));
  return parts.join(" ");
}

/** Follow-ups with real values: the tag's usage and owner, the first block's pointers and bytes (its user size). */
function nextSteps(target: Target, records: AllocationRecord[], moduleRows: ModuleRow[], small: SmallResult, tagText: string): NextStep[] {
  const steps: NextStep[] = [{ command: '!leaktag "' + quoted(tagText) + '"', why: "the tag's usage and the driver whose code passes it to the allocator" }];
  if (small.stoppedEarly && small.subsegmentsLeft) steps.push({ command: '!poolallocs ("' + quoted(tagText) + '", "all")', why: "walk the " + plural(small.subsegmentsLeft, "subsegment") + " left unread too" });
  else if (small.stoppedEarly && !small.walked) steps.push({ command: '!poolallocs ("' + quoted(tagText) + '", "all")', why: "walk the segment heap anyway" });
  const first = records[0];
  if (first) {
    const at = target.formatAddress(first.Address);
    const user = Math.max(1, first.UserSize);
    steps.push({ command: "dps " + at + " L0x" + Math.max(1, Math.min(Math.floor(user / 8), 0x40)).toString(16), why: "the first block's pointers, with symbols" });
    steps.push({ command: "db " + at + " L0x" + Math.min(user, 0x1000).toString(16), why: user > 0x1000 ? "the first 0x1000 bytes of the first block" : "the first block's bytes (its user size, not into the next block)" });
    const bigOne = records.find((r) => r.Kind === "Big");
    // !pool reads a big allocation's entry in the big page table; on a segment-heap block it fails (README).
    if (bigOne) steps.push({ command: "!pool " + target.formatAddress(bigOne.Address), why: "the big page table's entry for the first big allocation" });
  }
  const example = moduleRows.length ? records.find((r) => r.Pointers.some((p) => p.Target.split(/[!+]/)[0] === moduleRows[0].Module)) : undefined;
  if (example) {
    const pointer = example.Pointers.filter((p) => p.Target.split(/[!+]/)[0] === moduleRows[0].Module)[0];
    steps.push({ command: "ln " + target.formatAddress(pointer.Value), why: "what in " + moduleRows[0].Module + " the blocks point to" });
  }
  return steps;
}

interface SmallResult {
  blocks: SmallBlock[];
  /** The walk stopped because it had found the tracker's count (or the big allocations account for it). */
  stoppedEarly: boolean;
  /** False when no small block was looked at (no layout, no keys, a 32-bit or pre-1809 kernel, nothing to find). */
  walked: boolean;
  /** Why no small block was looked at, for the answer (null when walked). */
  notWalked: string | null;
  subsegmentsWalked: number;
  /** Subsegments the metadata names that were not read (null: the metadata was not read either). */
  subsegmentsLeft: number | null;
  bytesWalked: number;
  bytesLeft: number;
  /** Why subsegments were left: "" when none were. */
  leftBecause: string;
  problems: string[];
}

/** Resolves the layouts, reads the keys, walks metadata then subsegments, and prints what it did. */
function walkSmallBlocks(ctx: CommandContext, pattern: TagPattern, stopAfter: number | null, big: BigAllocation[]): SmallResult {
  const target = ctx.target;
  const out = ctx.out;
  const tagText = pattern.text.replace(/ +$/, "");
  const empty = { blocks: [], walked: false, subsegmentsWalked: 0, subsegmentsLeft: null, bytesWalked: 0, bytesLeft: 0 };
  const none = (why: string): SmallResult => ({ ...empty, stoppedEarly: false, notWalked: messages.poolallocsSmallNotWalked(why, tagText), leftBecause: "small blocks not walked: " + why, problems: [why] });
  const build = target.windowsBuild();
  if (target.pointerSize !== 8) return none("the segment-heap walk covers 64-bit kernels, and this one is 32-bit");
  if (build !== null && build < SEGMENT_HEAP_POOL_BUILD) return none("build " + build + " predates the segment-heap pool of Windows 10 1809 (build 17763), and leaktools does not walk the older pool");
  if (stopAfter === 0) {
    const why = "the big allocations account for every outstanding allocation the tracker counts";
    return { ...empty, stoppedEarly: true, notWalked: messages.poolallocsBigAccountForAll(tagText), leftBecause: why, problems: [] };
  }
  const layouts = resolveAll(target, build);
  if ("missing" in layouts) return none(layouts.missing + " (load nt's symbols: .symfix; .reload /f nt)");
  const stateAt = target.symbolAddress("nt", "ExPoolState");
  const globalsAt = target.symbolAddress("nt", "RtlpHpHeapGlobals");
  if (!stateAt || !globalsAt) return none("the symbol nt!" + (stateAt ? "RtlpHpHeapGlobals" : "ExPoolState") + " was not found (.symfix; .reload /f nt)");
  const g = layouts.layouts.globals.offsets;
  const keyBytes = target.memory.read(globalsAt, Math.max(g.HeapKey, g.LfhKey) + 8, "nt!RtlpHpHeapGlobals");
  if (keyBytes instanceof Unreadable) return none(keyBytes.describe(8));
  const keys = decodeKeys(keyBytes, layouts.layouts.globals);
  // Provenance once per session, short (output conventions 2): the full wording is in !leaktools.
  if (layouts.builtIn) {
    const count = Object.keys(SEGMENT_HEAP_LAYOUTS).length;
    const typeName = layouts.builtIn.typeName + (layouts.builtInCount > 1 ? " and " + (layouts.builtInCount - 1) + " more segment-heap types" : "");
    out.lines(layoutNote({ typeName, origin: "built-in", description: layouts.description, guessed: layouts.builtIn.guessed, variantLabel: layouts.builtIn.variantLabel }));
    if (layouts.builtInCount < count) out.line("  " + (count - layouts.builtInCount) + " of " + count + " segment-heap types from the symbols.");
  }
  const reader = readerOf(target);
  const problems: string[] = [];
  const heaps = readPoolHeaps(reader, stateAt, layouts.layouts, problems);
  if (!heaps) return none(problems.join("; "));
  const buildEncoding = encodingOfBuild(build);
  const meta = walkSegmentMetadata(reader, heaps, keys.heapKey, layouts.layouts, MAX_SEGMENTS_PER_LIST, buildEncoding);
  const encoding = meta.encoding || buildEncoding;
  if (meta.encoding && meta.encoding !== buildEncoding) out.line(messages.poolallocsEncodingNotBuild(meta.encoding, build));
  const subBytes = meta.subsegments.reduce((n, s) => n + s.size, 0);
  const lfh = meta.subsegments.filter((s) => s.kind === "LFH").length;
  out.line(
    "Segment heap: " + plural(heaps.length, "heap") + " (" + heapNames(heaps) + "), " + plural(meta.segments, "page segment") + ", " +
      plural(meta.subsegments.length, "subsegment") + ": LFH " + groupDigits(lfh) + ", VS " + groupDigits(meta.subsegments.length - lfh) + ", " + sizeText(subBytes) + " in all.",
  );
  const maxBytes = workLimit("maxPoolBytesWalked");
  let progress: Progress | null = null;
  // A block inside a big allocation's range is that allocation: a VS chunk serving it may put the data (or what the
  // walk takes for a pool header) at or just after the big page table's Va.
  const bigRanges = big.slice().sort((a, b) => a.address.compare(b.address));
  const insideBig = (address: Address): boolean => {
    let lo = 0;
    let hi = bigRanges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const offset = address.distanceFrom(bigRanges[mid].address);
      if (offset === null) hi = mid - 1;
      else if (offset < Math.max(1, bigRanges[mid].size)) return true;
      else lo = mid + 1;
    }
    return false;
  };
  const blocks = walkSubsegments(reader, meta.subsegments, { heapKey: keys.heapKey, lfhKeyLow: keys.lfhKeyLow, encoding }, layouts.layouts, {
    pattern,
    stopAfter,
    listedAsBig: insideBig,
    maxBytes,
    onProgress: (done, total) => {
      if (!progress) progress = new Progress(out, "Walking pool subsegments", Math.min(total, maxBytes), total >= LARGE_WALK, bytesOf);
      progress.update(done);
    },
  });
  out.line(
    "Walked " + plural(blocks.subsegmentsWalked, "subsegment") + " of " + groupDigits(meta.subsegments.length) + ", " + sizeText(blocks.bytesWalked) + ", " + plural(blocks.busyBlocks, "busy block") + "; " +
      plural(blocks.blocks.length, "block") + " tagged '" + pattern.text + "'.",
  );
  if (blocks.alsoBig > 0) out.line(messages.poolallocsAlsoBig(blocks.alsoBig));
  if (blocks.staleHeaders > 0) out.line(messages.poolallocsStaleHeaders(blocks.staleHeaders, pattern.text));
  const all = problems.concat(meta.problems, blocks.problems);
  const SHOWN = 20;
  for (const p of all.slice(0, SHOWN)) out.line("  " + p);
  if (all.length > SHOWN) out.line("  ... " + (all.length - SHOWN) + ' more: dx @$poolallocs("' + quoted(tagText) + '").NotWalked');
  const capped = !blocks.stoppedEarly && blocks.notWalked > 0;
  if (capped) out.line(messages.poolallocsCap(blocks.notWalked, sizeText(maxBytes)));
  return {
    blocks: blocks.blocks,
    stoppedEarly: blocks.stoppedEarly,
    walked: true,
    notWalked: null,
    subsegmentsWalked: blocks.subsegmentsWalked,
    subsegmentsLeft: blocks.notWalked,
    bytesWalked: blocks.bytesWalked,
    bytesLeft: blocks.bytesNotWalked,
    leftBecause: blocks.notWalked === 0 ? "" : blocks.stoppedEarly ? "stopped once the tracker's outstanding count was found" : "the cap on bytes walked (maxPoolBytesWalked)",
    problems: all,
  };
}

function heapNames(heaps: { node: number; index: number }[]): string {
  const nodes = new Set(heaps.filter((h) => h.node >= 0).map((h) => h.node)).size;
  const names: string[] = [];
  for (const h of heaps) if (names.indexOf(heapName(h)) < 0) names.push(heapName(h));
  return names.join(", ") + (nodes > 1 ? " on " + nodes + " nodes" : "");
}

type Resolved = { layouts: SegmentHeapLayouts; description: string; builtIn: ResolvedLayout | null; builtInCount: number } | { missing: string };

function resolveAll(target: Target, build: number | null): Resolved {
  const resolved: { [name: string]: ResolvedLayout } = {};
  let fromSymbols = 0;
  let builtIn: ResolvedLayout | null = null;
  for (const name of Object.keys(SEGMENT_HEAP_LAYOUTS) as SegmentHeapLayoutName[]) {
    const layout = resolveLayout(SEGMENT_HEAP_LAYOUTS[name], (m, t) => target.type(m, t), 8, build);
    if (isLayoutMissing(layout)) return { missing: "no layout for nt!" + layout.typeName + ": " + layout.reason };
    if (layout.origin === "symbols") fromSymbols++;
    else if (!builtIn) builtIn = layout;
    resolved[name] = layout;
  }
  const count = Object.keys(resolved).length;
  const description =
    fromSymbols === count ? "symbols (nt!_SEGMENT_HEAP and " + (count - 1) + " more types)"
    : builtIn!.description + (fromSymbols ? "; " + fromSymbols + " of " + count + " types from the symbols" : "");
  return { layouts: resolved as unknown as SegmentHeapLayouts, description, builtIn, builtInCount: count - fromSymbols };
}

function readerOf(target: Target): SegmentHeapReader {
  return {
    read: (address, size, what) => target.memory.read(address, size, what, false),
    readPartial: (address, size) => target.memory.readPartial(address, size),
    format: (address) => target.formatAddress(address),
  };
}

/** `module!symbol+0x…` through `u <address> L1` for the first distinct values, `module+0x…` after that. */
function symbolizer(target: Target): (hit: PointerHit) => string {
  const cache = new Map<string, string | null>();
  return (hit) => {
    let symbol = cache.get(hit.value.key);
    if (symbol === undefined) {
      symbol = cache.size < MAX_SYMBOLIZED_POINTERS ? target.symbolize(hit.value).symbol : null;
      cache.set(hit.value.key, symbol);
    }
    return symbol || hit.module.name + "+" + hex(hit.rva);
  };
}

function allocationRecord(
  target: Target,
  address: Address,
  size: number,
  userSize: number,
  pool: PoolName,
  kind: "LFH" | "VS" | "Big",
  header: Address | null,
  tag: string,
  data: Uint8Array | null,
  previewAt: number,
  modules: ModuleIndex,
  symbolize: (hit: PointerHit) => string,
): AllocationRecord {
  const pointers: PointerRecord[] = data
    ? findPointers(data, modules).map((hit) => {
        const text = symbolize(hit);
        const cls = vftableClass(text);
        return { Offset: hit.offset, Value: hit.value, Target: text, Class: cls, toString: () => "+" + hex(hit.offset) + " " + target.formatAddress(hit.value) + " " + text };
      })
    : [];
  const preview = data ? previewText(data.subarray(Math.min(previewAt, data.length))) : "unreadable";
  return {
    Address: address,
    Size: size,
    UserSize: userSize,
    Pool: pool,
    Kind: kind,
    Header: header,
    Tag: tag,
    Preview: preview,
    PreviewOffset: data ? Math.min(previewAt, data.length) : 0,
    Pointers: pointers,
    toString: () => target.formatAddress(address) + " " + hex(size) + " " + pool + " " + kind + (pointers.length ? " -> " + pointers[0].Target : ""),
  };
}

/** The first 32 bytes as `db` shows them: hex, then ASCII with dots. */
export function previewText(data: Uint8Array): string {
  const n = Math.min(32, data.length);
  let hexText = "";
  let ascii = "";
  for (let i = 0; i < n; i++) {
    hexText += (i ? " " : "") + ("0" + data[i].toString(16)).slice(-2);
    ascii += data[i] >= 0x20 && data[i] < 0x7f ? String.fromCharCode(data[i]) : ".";
  }
  return hexText + "  " + ascii;
}

function allocationTable(target: Target, rows: AllocationRecord[], previewAt: number): string[] {
  return renderTable(
    [
      { header: "Address", value: (r: AllocationRecord) => target.formatAddress(r.Address) },
      { header: "Size", align: "right", value: (r: AllocationRecord) => hex(r.Size) },
      { header: "User", align: "right", value: (r: AllocationRecord) => hex(r.UserSize) },
      { header: "Pool", value: (r: AllocationRecord) => r.Pool },
      { header: "Kind", value: (r: AllocationRecord) => r.Kind },
      { header: "Header", value: (r: AllocationRecord) => (r.Header ? target.formatAddress(r.Header) : "-") },
      { header: previewAt > 0 ? "Bytes at +" + hex(previewAt) : "First bytes", value: (r: AllocationRecord) => shortPreview(r.Preview) },
      { header: "Points to", value: (r: AllocationRecord) => (r.Pointers.length ? r.Pointers[0].Target + (r.Pointers.length > 1 ? " (+" + (r.Pointers.length - 1) + " more)" : "") : "") },
    ],
    rows,
    "  ",
  );
}

/** 16 bytes of hex and their ASCII, enough to tell records apart in a table; the record has all 32. */
function shortPreview(preview: string): string {
  const parts = preview.split("  ");
  if (parts.length < 2) return preview;
  return parts[0].split(" ").slice(0, 16).join(" ") + "  " + parts[1].slice(0, 16);
}

interface SizeRow {
  Size: number;
  Kind: string;
  Count: number;
  Bytes: number;
  toString(): string;
}

function topSizes(records: AllocationRecord[]): SizeRow[] {
  const bySize = new Map<string, SizeRow>();
  for (const r of records) {
    const key = r.Kind + ":" + r.Size;
    const row = bySize.get(key);
    if (row) {
      row.Count++;
      row.Bytes += r.Size;
    } else {
      const created: SizeRow = { Size: r.Size, Kind: r.Kind, Count: 1, Bytes: r.Size, toString: () => hex(created.Size) + " " + created.Kind + " x " + groupDigits(created.Count) + ", " + sizeText(created.Bytes) };
      bySize.set(key, created);
    }
  }
  const rows: SizeRow[] = [];
  bySize.forEach((r) => rows.push(r));
  return rows.sort((a, b) => b.Count - a.Count || b.Size - a.Size);
}

interface ModuleRow {
  Module: string;
  Allocations: number;
  /** The block sizes of those allocations, summed. */
  Bytes: number;
  Example: string;
  toString(): string;
}

/** Modules ranked by how many allocations hold at least one pointer into them. */
function pointedModules(records: AllocationRecord[]): ModuleRow[] {
  const rows = new Map<string, ModuleRow>();
  for (const r of records) {
    const seen = new Set<string>();
    for (const p of r.Pointers) {
      const module = p.Target.split(/[!+]/)[0];
      if (seen.has(module)) continue;
      seen.add(module);
      const row = rows.get(module);
      if (row) {
        row.Allocations++;
        row.Bytes += r.Size;
      } else {
        const created: ModuleRow = {
          Module: module,
          Allocations: 1,
          Bytes: r.Size,
          Example: p.Target + (p.Class ? " (class " + p.Class + ")" : "") + " at +" + hex(p.Offset),
          toString: () => created.Module + ": " + plural(created.Allocations, "allocation") + ", " + sizeText(created.Bytes),
        };
        rows.set(module, created);
      }
    }
  }
  const out: ModuleRow[] = [];
  rows.forEach((r) => out.push(r));
  return out.sort((a, b) => b.Allocations - a.Allocations || (a.Module < b.Module ? -1 : 1));
}

function quoted(tag: string): string {
  return tag.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

