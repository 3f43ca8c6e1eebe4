// Pool tag usage from the kernel's tracking tables (layouts.md §2.1): nt!PoolTrackTable, the per-processor copies in
// nt!ExPoolTagTables (wherever the symbol exists: layouts.md says Win8+, but Windows 7 SP1's PDB has it too; [0] is
// PoolTrackTable, counters are per processor, Keys are copied) and the linear
// nt!PoolTrackTableExpansion. Usage per tag is the sum over all of them, keyed by tag, as ExGetPoolTagInfo sums.
// Each table is read whole in one read.
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { u32, i32, unsigned, pointer } from "../core/bytes";
import { limits } from "../core/limits";
import { resolveLayout, isLayoutMissing, builtInLayout, notInSymbols } from "../layouts/resolve";
import { POOL_TRACKER_TABLE } from "../layouts/pool";
import { ResolvedLayout } from "../layouts/types";
import type { Target } from "../host/target";
import { tagFromKey } from "./tags";
import { readTableEntries, exactCount } from "./prefix";

/** More processor tables than this is a corrupt array: Windows supports at most 2,048 logical processors. */
export const MAX_PROCESSOR_TABLES = 2048;

export interface TagUsage {
  tag: string;
  key: number;
  nonPagedAllocs: number;
  nonPagedFrees: number;
  nonPagedBytes: number;
  pagedAllocs: number;
  pagedFrees: number;
  pagedBytes: number;
}

export interface TrackerRead {
  kind: "tracker";
  rows: TagUsage[];
  layout: ResolvedLayout;
  /** Tables summed: 1 + per-processor copies; expansion entries counted separately. */
  processorTables: number;
  expansionEntries: number;
  entriesPerTable: number;
  /** Plain sentences: unreadable tables, capped counts. */
  problems: string[];
}

export interface TrackerMissing {
  kind: "trackerMissing";
  /** The symbol or layout that was not there. */
  reason: string;
}

export function outstanding(allocs: number, frees: number): number {
  return Math.max(0, allocs - frees);
}

export function readPoolTracker(target: Target): TrackerRead | TrackerMissing {
  let layout = resolveLayout(POOL_TRACKER_TABLE, (m, t) => target.type(m, t), target.pointerSize, target.windowsBuild());
  if (isLayoutMissing(layout)) return { kind: "trackerMissing", reason: layout.reason };
  const tableAt = target.readGlobalPointer("nt", "PoolTrackTable");
  if (tableAt === null) return { kind: "trackerMissing", reason: "nt!PoolTrackTable is not in the symbols" };
  if (tableAt instanceof Unreadable) return { kind: "trackerMissing", reason: tableAt.describe(target.pointerSize) };
  const sizeValue = readSizeT(target, "PoolTrackTableSize");
  if (sizeValue === null) return { kind: "trackerMissing", reason: "nt!PoolTrackTableSize is not in the symbols" };
  if (sizeValue instanceof Unreadable) return { kind: "trackerMissing", reason: sizeValue.describe(target.pointerSize) };

  const problems: string[] = [];
  let entries = sizeValue.value;
  if (entries === 0) {
    // A live kernel never has an empty tracker (it is sized at boot from the pool size): the global is corrupt.
    return { kind: "trackerMissing", reason: "nt!PoolTrackTableSize is 0 (corrupt: the kernel sizes the table at boot), so nt!PoolTrackTable at " + target.formatAddress(tableAt) + " cannot be read" };
  }
  if (entries > limits.maxPoolTrackEntries) {
    problems.push(
      "nt!PoolTrackTableSize is " + sizeValue.text + " (corrupt); at most the first " + limits.maxPoolTrackEntries +
        " entries were read, and as the table's real end is unknown the sums may include memory past it",
    );
    entries = limits.maxPoolTrackEntries;
  }
  if (layout.guessed) layout = choosePlausibleLayout(target, tableAt, entries, layout);
  const totals = new Map<number, TagUsage>();
  const tables = processorTables(target, tableAt, problems);
  let tablesRead = 0;
  for (const table of tables) {
    if (sumTable(target, layout, table, entries, totals, problems)) tablesRead++;
  }

  let expansionEntries = 0;
  const expansionAt = target.readGlobalPointer("nt", "PoolTrackTableExpansion");
  const expansionSize = readSizeT(target, "PoolTrackTableExpansionSize");
  if (expansionSize instanceof Unreadable) {
    problems.push(expansionSize.describe(target.pointerSize) + "; the expansion table was not summed");
  } else if (expansionAt instanceof Address && expansionSize !== null && expansionSize.value > 0) {
    expansionEntries = Math.min(expansionSize.value, limits.maxPoolTrackEntries);
    if (expansionSize.value > expansionEntries) problems.push("nt!PoolTrackTableExpansionSize is " + expansionSize.text + "; only " + expansionEntries + " entries were read");
    sumTable(target, layout, expansionAt, expansionEntries, totals, problems);
  } else if (expansionAt instanceof Unreadable) {
    problems.push(expansionAt.describe(target.pointerSize));
  }
  const rows: TagUsage[] = [];
  totals.forEach((row) => rows.push(row));
  return { kind: "tracker", rows, layout, processorTables: tablesRead, expansionEntries, entriesPerTable: entries, problems };
}

/** A SIZE_T global as a number and as exact text (2^64-1 rounds as a number); null when the symbol is missing. */
function readSizeT(target: Target, name: string): { value: number; text: string } | Unreadable | null {
  const at = target.symbolAddress("nt", name);
  if (!at) return null;
  const bytes = target.memory.read(at, target.pointerSize, "nt!" + name);
  if (bytes instanceof Unreadable) return bytes;
  return { value: unsigned(bytes, 0, target.pointerSize), text: exactCount(bytes, 0, target.pointerSize) };
}

/**
 * Without the Windows build (nt!NtBuildNumber unreadable) the variant is a guess. The table itself tells: with the
 * right stride every used entry's Key is four printable characters; with a wrong one Keys land on counters. The
 * variant with the most printable Keys in PoolTrackTable wins, and the description says it was chosen so.
 */
function choosePlausibleLayout(target: Target, tableAt: Address, entries: number, guess: ResolvedLayout): ResolvedLayout {
  const variants = POOL_TRACKER_TABLE.variants.filter((v) => v.pointerSize === target.pointerSize).sort((a, b) => b.size - a.size);
  let best: { score: number; layout: ResolvedLayout } | null = null;
  for (const v of variants) {
    const bytes = target.memory.read(tableAt, entries * v.size, "nt!PoolTrackTable");
    if (bytes instanceof Unreadable) return guess;
    let score = 0;
    let used = 0;
    for (let i = 0; i < entries; i++) {
      const key = u32(bytes, i * v.size + v.offsets.Key);
      if (key === 0) continue;
      used++;
      score += isPrintableKey(key) ? 1 : -1;
    }
    if (!best || score > best.score) {
      const printable = (used + score) / 2;
      best = {
        score,
        layout: builtInLayout(
          POOL_TRACKER_TABLE,
          v,
          notInSymbols(POOL_TRACKER_TABLE) + " and the Windows build is unknown (nt!NtBuildNumber missing or unreadable); using the built-in layout for " +
            v.label + ", inferred from the table: with its 0x" + v.size.toString(16) + "-byte entries " + printable + " of " + used + " used entries hold a printable tag",
          true,
        ),
      };
    }
  }
  return best ? best.layout : guess;
}

function isPrintableKey(key: number): boolean {
  for (let i = 0; i < 4; i++) {
    const c = (key >>> (i * 8)) & 0xff;
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/**
 * PoolTrackTable and the per-processor tables. nt!KeNumberProcessors (a ULONG) gives the count when present;
 * otherwise the array ends at its first null pointer, within MAX_PROCESSOR_TABLES.
 */
function processorTables(target: Target, first: Address, problems: string[]): Address[] {
  const out: Address[] = [first];
  const seen = new Set<string>([first.key]);
  const arrayAt = target.symbolAddress("nt", "ExPoolTagTables");
  if (!arrayAt) {
    // No symbol: one table. Its presence, not the build, decides (Windows 7 SP1 x64 has it); from Windows 8 on every
    // kernel has per-processor tables (layouts.md §2.1), so there a missing symbol means missing figures: said.
    const build = target.windowsBuild();
    if (build !== null && build >= 9200) {
      problems.push("nt!ExPoolTagTables is not in the symbols, so only nt!PoolTrackTable was read and the other processors' tables are left out (.reload /f nt)");
    }
    return out;
  }
  let count = MAX_PROCESSOR_TABLES;
  let counted = false;
  const ncpuAt = target.symbolAddress("nt", "KeNumberProcessors");
  if (ncpuAt) {
    const bytes = target.memory.read(ncpuAt, 4, "nt!KeNumberProcessors");
    if (!(bytes instanceof Unreadable)) {
      const n = u32(bytes, 0);
      if (n >= 1 && n <= MAX_PROCESSOR_TABLES) {
        count = n;
        counted = true;
      } else problems.push("nt!KeNumberProcessors is " + n + "; the table list was read up to its first null entry");
    }
  }
  const ps = target.pointerSize;
  let bytes = target.memory.read(arrayAt, count * ps, "nt!ExPoolTagTables");
  if (bytes instanceof Unreadable) {
    // The array may end before MAX_PROCESSOR_TABLES on an unreadable page: keep what reads.
    const partial = target.memory.readPartial(arrayAt, count * ps);
    const head = partial.pieces.length && partial.pieces[0].start.equals(arrayAt) ? partial.pieces[0].bytes : null;
    if (!head) {
      problems.push("nt!ExPoolTagTables at " + target.formatAddress(arrayAt) + " is unreadable; only nt!PoolTrackTable was summed");
      return out;
    }
    if (counted) problems.push("nt!ExPoolTagTables is readable for " + Math.floor(head.length / ps) + " of " + count + " processors");
    bytes = head;
  }
  for (let i = 0; i + ps <= bytes.length; i += ps) {
    const table = pointer(bytes, i, ps);
    if (table.isNull) {
      if (counted) continue;
      break;
    }
    if (seen.has(table.key)) continue; // [0] is PoolTrackTable itself.
    seen.add(table.key);
    out.push(table);
  }
  return out;
}

function sumTable(target: Target, layout: ResolvedLayout, at: Address, entries: number, totals: Map<number, TagUsage>, problems: string[]): boolean {
  const stride = layout.size;
  const table = readTableEntries(target, at, entries, stride, "_POOL_TRACKER_TABLE[" + entries + "]", "the tag table");
  const bytes = table.bytes;
  if (table.problem) problems.push(table.problem + (table.entries === 0 ? "; it was not summed" : "; those were summed"));
  if (table.entries === 0) return false;
  entries = table.entries;
  const o = layout.offsets;
  const s = layout.sizes;
  // Per-processor counters wrap: a block allocated on one processor and freed on another leaves one table's count
  // "negative". Each field is read as signed and the sum taken modulo its width, as ExGetPoolTagInfo's sum wraps.
  const width = (name: string) => s[name] || (name.indexOf("Bytes") >= 0 ? target.pointerSize : 4);
  const field = (base: number, name: string) => signedValue(bytes, base + o[name], width(name));
  for (let i = 0; i < entries; i++) {
    const base = i * stride;
    const key = u32(bytes, base + o.Key);
    if (key === 0) continue;
    let row = totals.get(key);
    if (!row) {
      row = { tag: tagFromKey(key), key, nonPagedAllocs: 0, nonPagedFrees: 0, nonPagedBytes: 0, pagedAllocs: 0, pagedFrees: 0, pagedBytes: 0 };
      totals.set(key, row);
    }
    row.nonPagedAllocs += field(base, "NonPagedAllocs");
    row.nonPagedFrees += field(base, "NonPagedFrees");
    row.nonPagedBytes += field(base, "NonPagedBytes");
    row.pagedAllocs += field(base, "PagedAllocs");
    row.pagedFrees += field(base, "PagedFrees");
    row.pagedBytes += field(base, "PagedBytes");
  }
  totals.forEach((row) => {
    row.nonPagedAllocs = wrap(row.nonPagedAllocs, width("NonPagedAllocs"));
    row.nonPagedFrees = wrap(row.nonPagedFrees, width("NonPagedFrees"));
    row.nonPagedBytes = wrap(row.nonPagedBytes, width("NonPagedBytes"));
    row.pagedAllocs = wrap(row.pagedAllocs, width("PagedAllocs"));
    row.pagedFrees = wrap(row.pagedFrees, width("PagedFrees"));
    row.pagedBytes = wrap(row.pagedBytes, width("PagedBytes"));
  });
  return true;
}

/** A 4- or 8-byte two's-complement field as a number (exact below 2^53 in magnitude). */
function signedValue(bytes: Uint8Array, offset: number, size: number): number {
  if (size === 4) return i32(bytes, offset);
  if (size !== 8) return unsigned(bytes, offset, size);
  const hi = i32(bytes, offset + 4);
  return hi * 0x100000000 + u32(bytes, offset);
}

/** A 32-bit counter's running sum back into 0..2^32; wider sums stay as they are (a negative one is corrupt). */
function wrap(value: number, size: number): number {
  if (size !== 4) return value;
  const m = value % 0x100000000;
  return m < 0 ? m + 0x100000000 : m;
}
