// kd> !leaktag "Leak"
// Kernel pool leaks: with no argument, ranks pool tags by bytes in use; with a tag, shows its usage, its live big
// pool allocations and the loaded drivers whose code holds the tag (the allocator ranked first).
import { findImporters } from "../pe/importers";
import { Command, CommandContext } from "./command";
import { messages } from "../core/messages";
import { describeArg } from "../core/args";
import { renderTable } from "../render/table";
import { bytesWithUnit, groupDigits, hex, humanBytes, plural } from "../render/format";
import { parseTagPattern, isUntaggedTag, tagBytes, TagPattern } from "../pool/tags";
import { TagUsage, outstanding } from "../pool/tracker";
import { readBigPages, BigAllocation } from "../pool/bigpages";
import { Progress, bytesOf } from "../core/progress";
import { findTagOwners, isAllocation, TagHit } from "../pool/owners";
import { UsageRead } from "../pool/usage";
import { readUsageOrSay, tagDescription, usageRecord, TagUsageRecord } from "../pool/usage-read";
import { TagDescriptions } from "../pool/pooltag-file";
import type { Target } from "../host/target";

/** Rows of the no-argument ranking. */
export const TOP_NONPAGED = 20;
export const TOP_PAGED = 10;
/** Big allocations printed (all are returned). */
const BIG_ROWS_SHOWN = 5;
/** Code hits symbolized through `u <address> L1` (one debugger command each). */
const MAX_SYMBOLIZED = 16;
/** Image bytes above which the tag search prints progress every 10%. */
const LARGE_IMAGE_SEARCH = 16 * 1024 * 1024;

export const leaktagCommand: Command = {
  name: "leaktag",
  usage: '!leaktag ["Tag"]',
  summary: "Rank pool tags by bytes; with a tag, its big allocations and the driver that owns it",
  resultNoun: ["tag", "tags"],
  quietRepeats: true,
  run(ctx, args) {
    if (!ctx.target.isKernel) {
      ctx.out.line(messages.needsKernel("leaktag"));
      return undefined;
    }
    if (args.length === 0 || args[0] === undefined) return rankTags(ctx);
    const pattern = parseTagPattern(args[0]);
    if (!pattern || args.length > 1) {
      // A tag of digits typed without quotes (`!leaktag 2872`) arrives as a number, in the debugger's radix, so its
      // digits cannot be echoed back reliably: say that quotes are needed.
      const hint = typeof args[0] === "number" ? " (a tag made of digits needs quotes too)" : "";
      ctx.out.line(messages.leaktagUsage(describeArg(args[0]) + hint));
      return undefined;
    }
    return showTag(ctx, pattern);
  },
};

function rankTags(ctx: CommandContext): unknown {
  const read = readUsageOrSay(ctx.target, ctx.out);
  if (!read) return undefined;
  const { usage, descriptions } = read;
  const record = (u: TagUsage) => usageRecord(u, tagDescription(usage, descriptions, u.tag), usage.fromPoolused);
  const byNonPaged = usage.rows.filter((u) => u.nonPagedBytes > 0).sort((a, b) => b.nonPagedBytes - a.nonPagedBytes).slice(0, TOP_NONPAGED);
  const byPaged = usage.rows.filter((u) => u.pagedBytes > 0).sort((a, b) => b.pagedBytes - a.pagedBytes).slice(0, TOP_PAGED);
  const table = (rows: TagUsage[], paged: boolean) =>
    renderTable(
      [
        { header: "Tag", value: (u: TagUsage) => "'" + u.tag + "'" },
        { header: "Allocs", align: "right", value: (u: TagUsage) => groupDigits(paged ? outstandingOf(u, true, usage.fromPoolused) : outstandingOf(u, false, usage.fromPoolused)) },
        { header: "Bytes", align: "right", value: (u: TagUsage) => groupDigits(paged ? u.pagedBytes : u.nonPagedBytes) },
        { header: "", value: (u: TagUsage) => humanBytes(paged ? u.pagedBytes : u.nonPagedBytes) },
        { header: "Description", value: (u: TagUsage) => shortText(describeTagOnly(descriptions, usage, u.tag), 48) },
        { header: "Owner", value: (u: TagUsage) => ownerHint(descriptions, u.tag) },
      ],
      rows,
      "  ",
    );
  ctx.out.line("");
  ctx.out.line("Top " + TOP_NONPAGED + " tags by nonpaged bytes (" + usage.rows.length + " tags in use):");
  ctx.out.lines(byNonPaged.length ? table(byNonPaged, false) : ["  No tag holds nonpaged pool."]);
  ctx.out.line("");
  ctx.out.line("Top " + TOP_PAGED + " tags by paged bytes:");
  ctx.out.lines(byPaged.length ? table(byPaged, true) : ["  No tag holds paged pool."]);
  ctx.out.line("");
  ctx.out.line('Next: !leaktag "<Tag>" finds the driver that holds a tag; dx @$leaks() watches tags grow.');
  const seen = new Set<string>();
  const records: TagUsageRecord[] = [];
  for (const u of byNonPaged.concat(byPaged)) {
    if (seen.has(u.tag)) continue;
    seen.add(u.tag);
    records.push(record(u));
  }
  return records;
}

function outstandingOf(u: TagUsage, paged: boolean, fromPoolused: boolean): number {
  if (fromPoolused) return paged ? u.pagedAllocs : u.nonPagedAllocs;
  return paged ? outstanding(u.pagedAllocs, u.pagedFrees) : outstanding(u.nonPagedAllocs, u.nonPagedFrees);
}

function describeTagOnly(descriptions: TagDescriptions, usage: UsageRead, tag: string): string {
  const d = descriptions.get(tag);
  if (d) return d.description;
  return usage.poolusedDescriptions.get(tag) || "";
}

function ownerHint(descriptions: TagDescriptions, tag: string): string {
  const d = descriptions.get(tag);
  return d && d.binary && d.binary !== "<unknown>" ? d.binary : "";
}

function shortText(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + "…" : text;
}

interface HitRecord {
  Address: unknown;
  Section: string;
  Kind: string;
  Instruction: string | null;
  Allocator: string | null;
  /** "allocation" or "free" (Allocator is then ExFreePoolWithTag), null without a call that takes the tag. */
  Use: string | null;
  /** The driver's own function the call goes through to reach Allocator (an allocation wrapper), or null. */
  Wrapper: unknown;
  /** The call that takes the tag, and the register moves that brought the tag there (`mov r8d, ebp`). */
  CallAddress: unknown;
  Moves: string[];
  Symbol: string | null;
  toString(): string;
}

function showTag(ctx: CommandContext, pattern: TagPattern): unknown {
  const target = ctx.target;
  const read = readUsageOrSay(ctx.target, ctx.out);
  const usage = read ? read.usage : null;
  const descriptions = read ? read.descriptions : new TagDescriptions();
  const matching = usage ? usage.rows.filter((u) => pattern.matches(u.tag)).sort((a, b) => b.nonPagedBytes + b.pagedBytes - (a.nonPagedBytes + a.pagedBytes)) : [];
  const fromPoolused = usage ? usage.fromPoolused : false;
  ctx.out.line("");
  if (pattern.hasWildcards) {
    ctx.out.lines(usageTable(matching, fromPoolused));
    if (matching.length !== 1) {
      ctx.out.line(messages.wildcardOwners(matching.length));
      return matching.map((u) => usageRecord(u, usage ? tagDescription(usage, descriptions, u.tag) : "", fromPoolused));
    }
  }
  const tag = pattern.hasWildcards ? matching[0].tag : pattern.text;
  const row = pattern.hasWildcards ? matching[0] : matching.find((u) => u.tag === tag) || null;
  if (row) {
    ctx.out.line(
      "Tag '" + tag + "': nonpaged " + groupDigits(outstandingOf(row, false, fromPoolused)) + " allocations, " + bytesWithUnit(row.nonPagedBytes) +
        "; paged " + groupDigits(outstandingOf(row, true, fromPoolused)) + " allocations, " + bytesWithUnit(row.pagedBytes) + ".",
    );
  } else if (usage) ctx.out.line(messages.tagNotTracked(tag));
  const description = usage ? tagDescription(usage, descriptions, tag) : "";
  if (description) ctx.out.line("Description: " + description);

  if (isUntaggedTag(tag)) ctx.out.line(messages.untaggedTag(tag));

  // Big pool allocations (>= a page) of this tag.
  const exact = parseTagPattern(tag) as TagPattern;
  const big = readBigPages(target, exact);
  let bigRecords: unknown[] = [];
  ctx.out.line("");
  if (big.kind === "bigPagesMissing") {
    ctx.out.line("Big pool allocations: not available (" + big.reason + ").");
  } else {
    const total = big.allocations.reduce((n, a) => n + a.size, 0);
    ctx.out.line(
      "Big pool allocations (nt!PoolBigPageTable, " + big.entries + " entries): " + big.allocations.length + " live, " + bytesWithUnit(total) + ".",
    );
    ctx.out.line(messages.layoutFallback(big.layoutDescription));
    for (const p of big.problems) ctx.out.line("  " + p);
    if (big.allocations.length) {
      ctx.out.lines(
        renderTable(
          [
            { header: "Address", value: (a: BigAllocation) => target.formatAddress(a.address) },
            { header: "Size", align: "right", value: (a: BigAllocation) => groupDigits(a.size) },
            { header: "Pool", value: (a: BigAllocation) => (a.paged ? "paged" : "nonpaged") },
          ],
          big.allocations.slice(0, BIG_ROWS_SHOWN),
          "  ",
        ),
      );
      if (big.allocations.length > BIG_ROWS_SHOWN) ctx.out.line("  ... " + (big.allocations.length - BIG_ROWS_SHOWN) + " more (dx @$leaktag(\"" + tag.trim() + "\").BigAllocations)");
    }
    bigRecords = big.allocations.map((a) => ({
      Address: a.address,
      Size: a.size,
      Paged: a.paged,
      toString: () => target.formatAddress(a.address) + " " + groupDigits(a.size) + (a.paged ? " paged" : " nonpaged"),
    }));
  }

  const owners = isUntaggedTag(tag) ? untaggedOwners(ctx) : searchOwners(ctx, tag);
  return {
    Tag: tag,
    Usage: row ? usageRecord(row, description, fromPoolused) : null,
    BigAllocations: bigRecords,
    Owners: owners.records,
    NotSearched: owners.notSearched,
    toString: () => "Tag '" + tag + "'" + (owners.records.length ? ", owner " + owners.records[0].Module : ""),
  };
}

interface OwnerSearch {
  records: ReturnType<typeof ownerRecord>[];
  notSearched: { Module: string; Section: string; Address: unknown; Size: number; Reason: string; toString(): string }[];
}

/** The drivers whose images hold the tag's bytes, best first (the seed 000 author's `s -a` over every driver). */
function searchOwners(ctx: CommandContext, tag: string): OwnerSearch {
  const target = ctx.target;
  // Over KDNET reads run at ~8 MB/s: 16 MB of images is a couple of seconds, worth 10% steps.
  let progress: Progress | null = null;
  const search = findTagOwners(target, tagBytes(tag), (done, total) => {
    if (!progress) progress = new Progress(ctx.out, "Searching images for '" + tag + "'", total, total >= LARGE_IMAGE_SEARCH, bytesOf);
    progress.update(done);
  });
  ctx.out.line("");
  ctx.out.line(messages.ownersHeader(search.modulesSearched, humanBytes(search.bytesSearched)));
  let symbolized = 0;
  const ownerRecords = search.owners.map((owner) => {
    const hits = owner.hits.map((h) => {
      let symbol: string | null = null;
      if (h.kind === "code" && owner.confidence !== "low" && symbolized < MAX_SYMBOLIZED) {
        symbolized++;
        symbol = target.symbolize(h.instructionAddress).symbol;
      }
      return hitRecord(target, owner.module.name, h, symbol);
    });
    return { owner, hits };
  });
  const records = ownerRecords.map((o) => ownerRecord(o.owner.module.name, o.owner.confidence, o.hits, o.owner.hitsNotKept));
  if (search.owners.length === 0) ctx.out.line(messages.noOwners(tag));
  else {
    ctx.out.lines(ownerTable(records, "Hit", HITS_SHOWN_PER_OWNER));
    for (const o of search.owners) for (const problem of o.problems) ctx.out.line("  " + o.module.name + ": " + problem);
    for (const o of search.owners) if (o.hitsNotKept > 0) ctx.out.line("  " + messages.ownerHitsNotKept(o.module.name, o.hitsNotKept, o.allocationsNotKept, tag));
    const best = search.owners[0];
    if (best.confidence === "high" && (search.owners.length === 1 || search.owners[1].confidence !== "high")) {
      const calls = best.hits.reduce((n, h) => n + h.allocatorCalls, 0);
      ctx.out.line("=> " + best.module.fileName + " allocates '" + tag + "' (" + plural(calls, "allocator call") + ").");
      // Commands to copy: the module's version and timestamp, and the first allocation site disassembled. Built
      // from addresses only: a module name read from the target never reaches a command line.
      const site = target.formatAddress(best.hits.filter(isAllocation)[0].instructionAddress);
      ctx.out.line("Next: lm v a " + site + "; u " + site + " L5");
    }
  }
  if (search.notSearched.length) {
    ctx.out.line(messages.notSearched(search.notSearched.length));
    for (const n of search.notSearched.slice(0, 20)) {
      ctx.out.line("  " + n.module + " " + n.section + " " + target.formatAddress(n.start) + " (" + hex(n.size) + " bytes): " + n.reason);
    }
    if (search.notSearched.length > 20) ctx.out.line("  ... " + (search.notSearched.length - 20) + " more");
  }
  return {
    records,
    notSearched: search.notSearched.map((n) => ({
      Module: n.module,
      Section: n.section,
      Address: n.start as unknown,
      Size: n.size,
      Reason: n.reason,
      toString: () => n.module + " " + n.section + ": " + n.reason,
    })),
  };
}

/**
 * Tag `None`: ExAllocatePool writes it itself, so no driver image holds those bytes as its tag (ntoskrnl's own code
 * does, which would point at the kernel). The owners are the modules that import ExAllocatePool, found by name or
 * by IAT value as !findimporter finds them; searching every image for the bytes would cost the whole image search
 * over KDNET for nothing.
 */
function untaggedOwners(ctx: CommandContext): OwnerSearch {
  const target = ctx.target;
  const result = findImporters(target, "nt!ExAllocatePool");
  ctx.out.line("");
  if ("kind" in result) {
    ctx.out.line(messages.untaggedImportersUnknown());
    return { records: [], notSearched: [] };
  }
  const modules: string[] = [];
  for (const m of result.matches) if (modules.indexOf(m.Module) < 0) modules.push(m.Module);
  // One importer is the allocator; with several, any of them may be.
  const confidence = modules.length === 1 ? "high" : "medium";
  const records = modules.map((module) => {
    const hits: HitRecord[] = result.matches
      .filter((m) => m.Module === module)
      .map((m) => {
        const text = target.formatAddress(m.IatAddress) + " " + module + " IAT slot of " + m.ImportedFrom + "!" + (m.Function || "ExAllocatePool") + " (matched by " + m.MatchedBy + ")";
        return { Address: m.IatAddress, Section: "IAT", Kind: "import", Instruction: null, Allocator: "ExAllocatePool", Use: "allocation", Wrapper: null, CallAddress: null, Moves: [], Symbol: null, toString: () => text };
      });
    return ownerRecord(module, confidence, hits, 0);
  });
  ctx.out.line(messages.untaggedOwnersHeader(modules.length));
  if (records.length) ctx.out.lines(ownerTable(records, "Import", Infinity));
  // Built from an address only: a module name read from the target never reaches a command line.
  const firstSlot = records.length ? " !lmi " + target.formatAddress(result.matches[0].IatAddress) + " (the first importer's image: path, version, timestamp);" : "";
  ctx.out.line("Next:" + firstSlot + ' !findimporter "ExAllocatePool" (every importer with its range and IAT slot).');
  return { records, notSearched: [] };
}

function usageTable(rows: TagUsage[], fromPoolused: boolean): string[] {
  return renderTable(
    [
      { header: "Tag", value: (u: TagUsage) => "'" + u.tag + "'" },
      { header: "NP allocs", align: "right", value: (u: TagUsage) => groupDigits(outstandingOf(u, false, fromPoolused)) },
      { header: "NP bytes", align: "right", value: (u: TagUsage) => groupDigits(u.nonPagedBytes) },
      { header: "P allocs", align: "right", value: (u: TagUsage) => groupDigits(outstandingOf(u, true, fromPoolused)) },
      { header: "P bytes", align: "right", value: (u: TagUsage) => groupDigits(u.pagedBytes) },
    ],
    rows,
    "  ",
  );
}

function hitRecord(target: Target, module: string, h: TagHit, symbol: string | null): HitRecord {
  const text =
    target.formatAddress(h.address) + " " + module + "+" + hex(h.rva) + " (" + h.section + ") " + h.kind +
    (h.instruction ? " (" + h.instruction + ")" : "") +
    (h.moves.length ? " -> " + h.moves.join(" -> ") : "") +
    (h.allocator ? " -> call " + (h.wrapperRva !== null ? module + "+" + hex(h.wrapperRva) + " (wrapper) -> " : "") + h.allocator : "") +
    (h.use === "free" ? " (free)" : h.allocatorCalls > 1 ? " (" + h.allocatorCalls + " calls)" : "") +
    (symbol ? " " + symbol : "");
  const wrapper = h.wrapperRva !== null ? h.address.add(h.wrapperRva - h.rva) : null;
  return {
    Address: h.address,
    Section: h.section,
    Kind: h.kind,
    Instruction: h.instruction,
    Allocator: h.allocator,
    Use: h.use,
    Wrapper: wrapper,
    CallAddress: h.callAddress,
    Moves: h.moves,
    Symbol: symbol,
    toString: () => text,
  };
}

/** Hits shown per owner in the table; dx @$leaktag("Tag").Owners has them all. */
const HITS_SHOWN_PER_OWNER = 4;

/** One line per hit: module, confidence, and the hit as text; allocation sites first, then free sites, then the rest. */
function ownerTable(records: ReturnType<typeof ownerRecord>[], hitHeader: string, hitsPerOwner: number): string[] {
  const lines: { module: string; confidence: string; hit: HitRecord }[] = [];
  const rank = (h: HitRecord) => (h.Use === "allocation" ? 0 : h.Use === "free" ? 1 : 2);
  for (const r of records) {
    const shown = r.Hits.map((h, order) => ({ h, order })).sort((a, b) => rank(a.h) - rank(b.h) || a.order - b.order).slice(0, hitsPerOwner);
    for (const s of shown) lines.push({ module: r.Module, confidence: r.Confidence, hit: s.h });
  }
  return renderTable(
    [
      { header: "Module", value: (l: (typeof lines)[0]) => l.module },
      { header: "Confidence", value: (l: (typeof lines)[0]) => l.confidence },
      { header: hitHeader, value: (l: (typeof lines)[0]) => l.hit.toString() },
    ],
    lines,
    "  ",
  );
}

function ownerRecord(module: string, confidence: string, hits: HitRecord[], hitsNotKept: number) {
  return {
    Module: module,
    Confidence: confidence,
    Hits: hits,
    /** Hits found but not in Hits (never an allocator call, short of a corrupt image). */
    HitsNotKept: hitsNotKept,
    toString: () => module + " (" + confidence + ", " + hits.length + " hit" + (hits.length === 1 ? "" : "s") + (hitsNotKept ? ", " + hitsNotKept + " more not kept" : "") + ")",
  };
}

