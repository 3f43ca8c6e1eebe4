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
import { bytesWithUnit, groupDigits, hex, humanBytes, plural } from "../render/format";
import { parseTagPattern, TagPattern } from "../pool/tags";
import { outstanding } from "../pool/tracker";
import { readBigPages } from "../pool/bigpages";
import { readUsageOrSay } from "../pool/usage-read";
import { resolveLayout, isLayoutMissing } from "../layouts/resolve";
import { SEGMENT_HEAP_LAYOUTS, SegmentHeapLayoutName } from "../layouts/segment-heap";
import type { ResolvedLayout } from "../layouts/types";
import {
  SegmentHeapLayouts,
  SegmentHeapReader,
  SmallBlock,
  KEPT_BYTES,
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
  Size: number;
  Pool: string;
  Kind: "LFH" | "VS" | "Big";
  Header: Address | null;
  Tag: string;
  Preview: string;
  Pointers: PointerRecord[];
  toString(): string;
}

export const poolallocsCommand: Command = {
  name: "poolallocs",
  usage: '!poolallocs ("Tag"[, "all"])',
  summary: "Every live allocation of a tag, small blocks too, and the modules they point into",
  resultNoun: ["allocation", "allocations"],
  quietRepeats: true,
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

function showAllocations(ctx: CommandContext, pattern: TagPattern, all: boolean): unknown {
  const target = ctx.target;
  const out = ctx.out;
  const tagText = pattern.text.replace(/ +$/, "");
  const read = readUsageOrSay(ctx.target, ctx.out);
  let tracked: Outstanding | null = null;
  if (read) {
    tracked = { count: 0, nonPaged: { count: 0, bytes: 0 }, paged: { count: 0, bytes: 0 } };
    for (const u of read.usage.rows) {
      if (!pattern.matches(u.tag)) continue;
      const np = read.usage.fromPoolused ? u.nonPagedAllocs : outstanding(u.nonPagedAllocs, u.nonPagedFrees);
      const p = read.usage.fromPoolused ? u.pagedAllocs : outstanding(u.pagedAllocs, u.pagedFrees);
      tracked.nonPaged.count += np;
      tracked.nonPaged.bytes += u.nonPagedBytes;
      tracked.paged.count += p;
      tracked.paged.bytes += u.pagedBytes;
    }
    tracked.count = tracked.nonPaged.count + tracked.paged.count;
    out.line("");
    out.line(
      "Tracker: '" + pattern.text + "' nonpaged " + plural(tracked.nonPaged.count, "allocation") + ", " + bytesWithUnit(tracked.nonPaged.bytes) +
        "; paged " + plural(tracked.paged.count, "allocation") + ", " + bytesWithUnit(tracked.paged.bytes) + " outstanding.",
    );
  }

  // Big allocations first: one read of the table.
  const records: AllocationRecord[] = [];
  const big = readBigPages(target, pattern);
  out.line("");
  if (big.kind === "bigPagesMissing") out.line("Big pool allocations: not available (" + big.reason + ").");
  else {
    out.line("Big pool allocations (nt!PoolBigPageTable, " + big.entries + " entries): " + big.allocations.length + " live.");
    out.line(messages.layoutFallback(big.layoutDescription));
    for (const p of big.problems) out.line("  " + p);
  }
  const bigAllocations = big.kind === "bigPages" ? big.allocations : [];

  // Small blocks: the segment heap.
  const stopAfter = all || !tracked ? null : Math.max(0, tracked.count - bigAllocations.length);
  const small = walkSmallBlocks(ctx, pattern, stopAfter, bigAllocations);

  const modules = new ModuleIndex(target.modules());
  const symbolize = symbolizer(target);
  for (const a of bigAllocations) {
    const bytes = target.memory.read(a.address, Math.min(KEPT_BYTES, Math.max(1, a.size)), "big allocation");
    const data = bytes instanceof Unreadable ? null : bytes;
    records.push(allocationRecord(target, a.address, a.size, a.paged ? "Paged" : "NonPaged", "Big", null, a.tag, data, modules, symbolize));
  }
  for (const b of small.blocks) records.push(allocationRecord(target, b.address, b.size, b.pool, b.kind, b.header, b.tag, b.data, modules, symbolize));

  // Summary against the tracker.
  const found = { NonPaged: { count: 0, bytes: 0 }, Paged: { count: 0, bytes: 0 } } as { [pool: string]: { count: number; bytes: number } };
  const byKind: { [kind: string]: number } = { LFH: 0, VS: 0, Big: 0 };
  for (const r of records) {
    found[r.Pool].count++;
    found[r.Pool].bytes += r.Size;
    byKind[r.Kind]++;
  }
  out.line("");
  out.line(
    "Found: nonpaged " + plural(found.NonPaged.count, "allocation") + ", " + bytesWithUnit(found.NonPaged.bytes) + "; paged " + plural(found.Paged.count, "allocation") + ", " +
      bytesWithUnit(found.Paged.bytes) + " (LFH " + groupDigits(byKind.LFH) + ", VS " + groupDigits(byKind.VS) + ", big " + groupDigits(byKind.Big) + ").",
  );
  if (small.stoppedEarly) out.line(messages.poolallocsStopped(tracked ? tracked.count : records.length, tagText));
  else if (tracked && records.length !== tracked.count) out.line(messages.poolallocsDiffer(records.length, tracked.count, small.walked));

  if (records.length) {
    out.line("");
    out.lines(allocationTable(target, records.slice(0, ROWS_SHOWN)));
    if (records.length > ROWS_SHOWN) out.line("  ... " + groupDigits(records.length - ROWS_SHOWN) + ' more: dx @$poolallocs("' + quoted(tagText) + '").Allocations');
    out.line("");
    out.line("Top sizes:");
    const sizes = topSizes(records);
    out.lines(
      renderTable(
        [
          { header: "Size", align: "right", value: (s: SizeRow) => hex(s.Size) },
          { header: "Kind", value: (s: SizeRow) => s.Kind },
          { header: "Count", align: "right", value: (s: SizeRow) => groupDigits(s.Count) },
          { header: "Bytes", align: "right", value: (s: SizeRow) => groupDigits(s.Size * s.Count) },
        ],
        sizes.slice(0, 5),
        "  ",
      ),
    );
  }
  const moduleRows = pointedModules(records);
  out.line("");
  if (moduleRows.length) {
    out.line("Modules the allocations point into (a second way to name the owner; it works for shared tags):");
    out.lines(
      renderTable(
        [
          { header: "Module", value: (m: ModuleRow) => m.Module },
          { header: "Allocations", align: "right", value: (m: ModuleRow) => groupDigits(m.Allocations) },
          { header: "Example", value: (m: ModuleRow) => m.Example },
        ],
        moduleRows.slice(0, 10),
        "  ",
      ),
    );
  } else if (records.length) out.line("No allocation holds a pointer into a loaded module in its first " + KEPT_BYTES + " bytes.");
  if (records.length) {
    const first = records[0];
    const at = target.formatAddress(first.Address);
    out.line("Next: !pool " + at + "; db " + at + " L" + hex(Math.max(1, Math.min(first.Size, 0x1000))).slice(2) + '; !leaktag "' + quoted(tagText) + '"');
  } else out.line('Next: !leaktag "' + quoted(tagText) + '" (usage and the driver that holds the tag).');
  return {
    Tag: pattern.text,
    Allocations: records,
    Modules: moduleRows,
    TopSizes: topSizes(records),
    NotWalked: small.problems.slice(),
    Complete: !small.stoppedEarly && small.complete,
    toString: () => "'" + pattern.text + "': " + plural(records.length, "allocation"),
  };
}

interface SmallResult {
  blocks: SmallBlock[];
  stoppedEarly: boolean;
  /** True when every heap was walked to the end. */
  complete: boolean;
  /** False when no small block was looked at (no layout, no keys, a 32-bit or pre-1809 kernel). */
  walked: boolean;
  problems: string[];
}

/** Resolves the layouts, reads the keys, walks metadata then subsegments, and prints what it did. */
function walkSmallBlocks(ctx: CommandContext, pattern: TagPattern, stopAfter: number | null, big: BigAllocation[]): SmallResult {
  const target = ctx.target;
  const out = ctx.out;
  const tagText = pattern.text.replace(/ +$/, "");
  const none = (why: string): SmallResult => {
    out.line(messages.poolallocsSmallNotWalked(why, tagText));
    return { blocks: [], stoppedEarly: false, complete: false, walked: false, problems: [why] };
  };
  const build = target.windowsBuild();
  if (target.pointerSize !== 8) return none("the segment-heap walk covers 64-bit kernels, and this one is 32-bit");
  if (build !== null && build < SEGMENT_HEAP_POOL_BUILD) return none("build " + build + " predates the segment-heap pool of Windows 10 1809 (build 17763), and leaktools does not walk the older pool");
  if (stopAfter === 0) {
    out.line("Small blocks: not walked, the big allocations already account for every outstanding allocation the tracker counts.");
    return { blocks: [], stoppedEarly: true, complete: false, walked: false, problems: [] };
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
  out.line("Segment heap layout: " + layouts.description + ".");
  const reader = readerOf(target);
  const problems: string[] = [];
  const heaps = readPoolHeaps(reader, stateAt, layouts.layouts, problems);
  if (!heaps) {
    for (const p of problems) out.line("  " + p);
    return { blocks: [], stoppedEarly: false, complete: false, walked: false, problems };
  }
  const buildEncoding = encodingOfBuild(build);
  const meta = walkSegmentMetadata(reader, heaps, keys.heapKey, layouts.layouts, MAX_SEGMENTS_PER_LIST, buildEncoding);
  const encoding = meta.encoding || buildEncoding;
  if (meta.encoding && meta.encoding !== buildEncoding) out.line(messages.poolallocsEncodingNotBuild(meta.encoding, build));
  const subBytes = meta.subsegments.reduce((n, s) => n + s.size, 0);
  const lfh = meta.subsegments.filter((s) => s.kind === "LFH").length;
  out.line(
    "Segment heap: " + plural(heaps.length, "heap") + " (" + heapNames(heaps) + "), " + plural(meta.segments, "page segment") + ", " +
      plural(meta.subsegments.length, "subsegment") + " (LFH " + groupDigits(lfh) + ", VS " + groupDigits(meta.subsegments.length - lfh) + ", " + humanBytes(subBytes) + ").",
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
    "Walked " + plural(blocks.subsegmentsWalked, "subsegment") + " (" + humanBytes(blocks.bytesWalked) + "), " + plural(blocks.busyBlocks, "busy block") + "; " +
      plural(blocks.blocks.length, "block") + " tagged '" + pattern.text + "'.",
  );
  if (blocks.alsoBig > 0) out.line(messages.poolallocsAlsoBig(blocks.alsoBig));
  if (blocks.staleHeaders > 0) out.line(messages.poolallocsStaleHeaders(blocks.staleHeaders, pattern.text));
  const all = problems.concat(meta.problems, blocks.problems);
  const SHOWN = 20;
  for (const p of all.slice(0, SHOWN)) out.line("  " + p);
  if (all.length > SHOWN) out.line("  ... " + (all.length - SHOWN) + ' more: dx @$poolallocs("' + quoted(tagText) + '").NotWalked');
  if (!blocks.stoppedEarly && blocks.notWalked > 0) out.line(messages.poolallocsCap(blocks.notWalked, humanBytes(maxBytes)));
  return { blocks: blocks.blocks, stoppedEarly: blocks.stoppedEarly, complete: all.length === 0 && blocks.notWalked === 0, walked: true, problems: all };
}

function heapNames(heaps: { node: number; index: number }[]): string {
  const nodes = new Set(heaps.filter((h) => h.node >= 0).map((h) => h.node)).size;
  const names: string[] = [];
  for (const h of heaps) if (names.indexOf(heapName(h)) < 0) names.push(heapName(h));
  return names.join(", ") + (nodes > 1 ? " on " + nodes + " nodes" : "");
}

type Resolved = { layouts: SegmentHeapLayouts; description: string } | { missing: string };

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
  return { layouts: resolved as unknown as SegmentHeapLayouts, description };
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
  pool: string,
  kind: "LFH" | "VS" | "Big",
  header: Address | null,
  tag: string,
  data: Uint8Array | null,
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
  const preview = data ? previewText(data) : "unreadable";
  return {
    Address: address,
    Size: size,
    Pool: pool,
    Kind: kind,
    Header: header,
    Tag: tag,
    Preview: preview,
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

function allocationTable(target: Target, rows: AllocationRecord[]): string[] {
  return renderTable(
    [
      { header: "Address", value: (r: AllocationRecord) => target.formatAddress(r.Address) },
      { header: "Size", align: "right", value: (r: AllocationRecord) => hex(r.Size) },
      { header: "Pool", value: (r: AllocationRecord) => r.Pool },
      { header: "Kind", value: (r: AllocationRecord) => r.Kind },
      { header: "Header", value: (r: AllocationRecord) => (r.Header ? target.formatAddress(r.Header) : "-") },
      { header: "First bytes", value: (r: AllocationRecord) => shortPreview(r.Preview) },
      { header: "Points to", value: (r: AllocationRecord) => (r.Pointers.length ? r.Pointers[0].Target + (r.Pointers.length > 1 ? " (+" + (r.Pointers.length - 1) + ")" : "") : "") },
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
  toString(): string;
}

function topSizes(records: AllocationRecord[]): SizeRow[] {
  const bySize = new Map<string, SizeRow>();
  for (const r of records) {
    const key = r.Kind + ":" + r.Size;
    const row = bySize.get(key);
    if (row) row.Count++;
    else {
      const created: SizeRow = { Size: r.Size, Kind: r.Kind, Count: 1, toString: () => hex(created.Size) + " " + created.Kind + " x " + created.Count };
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
      if (row) row.Allocations++;
      else {
        const created: ModuleRow = { Module: module, Allocations: 1, Example: p.Target + (p.Class ? " (class " + p.Class + ")" : "") + " at +" + hex(p.Offset), toString: () => created.Module + ": " + created.Allocations };
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

