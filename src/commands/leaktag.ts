// kd> !leaktag "Leak"
// Kernel pool leaks: with no argument, ranks pool tags by bytes in use; with a tag, shows its usage, its live big
// pool allocations and the loaded drivers whose code holds the tag (the allocator ranked first).
import { findImporters } from "../pe/importers";
import { Command, CommandContext } from "./command";
import { layoutNote, nextBlock, sizeText, NextStep, PoolName } from "../render/report";
import { Address } from "../core/address";
import { BufferedPrinter } from "../core/repeat";
import { messages } from "../core/messages";
import { describeArg } from "../core/args";
import { renderTable } from "../render/table";
import { groupDigits, hex, humanBytes, plural } from "../render/format";
import { parseTagPattern, isUntaggedTag, tagBytes, TagPattern } from "../pool/tags";
import { TagUsage } from "../pool/tracker";
import { readBigPages, BigAllocation } from "../pool/bigpages";
import { Progress, bytesOf } from "../core/progress";
import { findTagOwners, isAllocation, TagHit } from "../pool/owners";
import { readUsageOrSay, tagDescription, usageRecord, outstandingOf, poolText, TagUsageRecord } from "../pool/usage-read";
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
  keepsResult: true,
  help: {
    arguments: [{ name: '"Tag"', text: 'optional: a pool tag of 1-4 characters in quotes, ? and * as wildcards ("Leak", "Le*"); none ranks every tag' }],
    records: [
      { name: "Tags", text: "without a tag: the ranked tags: Tag, NonPagedAllocs, NonPagedFrees, NonPagedOutstanding, NonPagedBytes, PagedAllocs, PagedFrees, PagedOutstanding, PagedBytes, Description" },
      { name: "Tag, Usage, Outstanding, Bytes", text: "with a tag: the tag, its Tags record and its totals" },
      { name: "BigAllocations", text: "its live big-pool allocations: Address, Size, Pool" },
      { name: "Owners", text: "the modules holding the tag's bytes, best first: Module, Confidence, Hits, HitsNotKept" },
      { name: "Hits", text: "each place the bytes are: Address, InstructionAddress, Section, Kind, Instruction, Allocator, Use, Wrapper, CallAddress, Moves, Symbol" },
      { name: "NotSearched", text: "image ranges not resident, so not searched: Module, Section, Address, Size, Reason" },
    ],
    examples: [
      { command: "!leaktag", text: "the top 20 tags by NonPaged bytes and the top 10 by Paged bytes" },
      { command: '!leaktag "Leak"', text: "one tag: its usage, big allocations and the driver that allocates it" },
      { command: 'dx @$leaktag("Leak").Owners.Where(o => o.Confidence == "high").Select(o => o.Module)', text: "the allocating modules" },
    ],
  },
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
  // The answer leads (output conventions 1): what was read is said after it.
  const details = new BufferedPrinter(ctx.out);
  const read = readUsageOrSay(ctx.target, details);
  if (!read) {
    ctx.out.lines(details.buffer);
    return undefined;
  }
  const { usage, descriptions } = read;
  const fromPoolused = usage.fromPoolused;
  const record = (u: TagUsage) => usageRecord(u, tagDescription(usage, descriptions, u.tag), fromPoolused);
  const byNonPaged = usage.rows.filter((u) => u.nonPagedBytes > 0).sort((a, b) => b.nonPagedBytes - a.nonPagedBytes).slice(0, TOP_NONPAGED);
  const byPaged = usage.rows.filter((u) => u.pagedBytes > 0).sort((a, b) => b.pagedBytes - a.pagedBytes).slice(0, TOP_PAGED);
  const top = (u: TagUsage | undefined, paged: boolean) =>
    u ? "'" + u.tag + "' " + sizeText(paged ? u.pagedBytes : u.nonPagedBytes) + " in " + plural(outstandingOf(u, paged, fromPoolused), "allocation") : "none";
  ctx.out.line(plural(usage.rows.length, "tag") + " in use. Most NonPaged: " + top(byNonPaged[0], false) + ". Most Paged: " + top(byPaged[0], true) + ".");
  ctx.out.lines(details.buffer);
  const table = (rows: TagUsage[], paged: boolean) =>
    renderTable(
      [
        { header: "Tag", value: (u: TagUsage) => "'" + u.tag + "'" },
        { header: "Outstanding", align: "right", value: (u: TagUsage) => groupDigits(outstandingOf(u, paged, fromPoolused)) },
        { header: "Bytes", align: "right", value: (u: TagUsage) => sizeText(paged ? u.pagedBytes : u.nonPagedBytes) },
        { header: "Description", value: (u: TagUsage) => shortText(tagDescription(usage, descriptions, u.tag), 48) },
      ],
      rows,
      "  ",
    );
  ctx.out.line("");
  ctx.out.line("Top " + TOP_NONPAGED + " tags by NonPaged bytes:");
  ctx.out.lines(byNonPaged.length ? table(byNonPaged, false) : ["  No tag holds NonPaged pool."]);
  ctx.out.line("");
  ctx.out.line("Top " + TOP_PAGED + " tags by Paged bytes:");
  ctx.out.lines(byPaged.length ? table(byPaged, true) : ["  No tag holds Paged pool."]);
  const steps: NextStep[] = [];
  const first = byNonPaged[0] || byPaged[0];
  // A tag read from the target is shown in a command only when it is four printable characters without a quote.
  if (first && /^[\x21-\x7e ]{1,4}$/.test(first.tag) && first.tag.indexOf('"') < 0 && first.tag.indexOf("\\") < 0) {
    steps.push({ command: '!leaktag "' + first.tag.replace(/ +$/, "") + '"', why: "the driver that allocates the largest tag, and its big allocations" });
  }
  if (ctx.target.isDump) steps.push({ command: 'dx @$leaks("save", "C:\\\\cases\\\\before.json")', why: "keep these figures to compare a later dump with" });
  else steps.push({ command: "dx @$leaks()", why: "a baseline now; again after g and a break-in, the tags that grew" });
  ctx.out.line("");
  ctx.out.lines(nextBlock(steps));
  const seen = new Set<string>();
  const records: TagUsageRecord[] = [];
  for (const u of byNonPaged.concat(byPaged)) {
    if (seen.has(u.tag)) continue;
    seen.add(u.tag);
    records.push(record(u));
  }
  return { Tags: records, Count: usage.rows.length, toString: () => plural(usage.rows.length, "tag") + " in use; " + records.length + " ranked" };
}


function shortText(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 3) + "..." : text;
}

interface HitRecord {
  /** Where the tag's bytes are (for a code hit, the instruction's operand). */
  Address: unknown;
  /** The instruction whose operand the tag is; null for data. */
  InstructionAddress: unknown;
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
  // The answer leads (output conventions 1): everything read on the way is kept and printed after it.
  const out = new BufferedPrinter(ctx.out);
  const dctx: CommandContext = { target, out };
  const read = readUsageOrSay(target, out);
  const usage = read ? read.usage : null;
  const descriptions = read ? read.descriptions : new TagDescriptions();
  const matching = usage ? usage.rows.filter((u) => pattern.matches(u.tag)).sort((a, b) => b.nonPagedBytes + b.pagedBytes - (a.nonPagedBytes + a.pagedBytes)) : [];
  const fromPoolused = usage ? usage.fromPoolused : false;
  if (pattern.hasWildcards && matching.length !== 1) {
    ctx.out.line(messages.wildcardOwners(matching.length, matching.length ? "'" + matching[0].tag + "': " + poolText(outstandingOf(matching[0], false, fromPoolused), matching[0].nonPagedBytes, outstandingOf(matching[0], true, fromPoolused), matching[0].pagedBytes) : null));
    ctx.out.lines(out.buffer);
    ctx.out.line("");
    ctx.out.lines(usageTable(matching, fromPoolused));
    // The largest match's own !leaktag, typed as it must be (a tag that cannot go inside dx quotes is not offered).
    const typable = matching.filter((u) => /^[\x21-\x7e ]{1,4}$/.test(u.tag) && u.tag.indexOf('"') < 0 && u.tag.indexOf("\\") < 0);
    if (typable.length) ctx.out.lines(nextBlock([{ command: '!leaktag "' + typable[0].tag.replace(/ +$/, "") + '"', why: "the largest of them: its big allocations and the driver that allocates it" }]));
    const records = matching.map((u) => usageRecord(u, usage ? tagDescription(usage, descriptions, u.tag) : "", fromPoolused));
    return { Tags: records, Count: records.length, toString: () => plural(records.length, "tag") + " match '" + pattern.text + "'" };
  }
  const tag = pattern.hasWildcards ? matching[0].tag : pattern.text;
  const row = pattern.hasWildcards ? matching[0] : matching.find((u) => u.tag === tag) || null;
  if (!row && usage) out.line(messages.tagNotTracked(tag));
  const description = usage ? tagDescription(usage, descriptions, tag) : "";
  if (description) out.line("Description: " + description);
  if (isUntaggedTag(tag)) out.line(messages.untaggedTag(tag));

  // Big pool allocations (>= a page) of this tag.
  const exact = parseTagPattern(tag) as TagPattern;
  const big = readBigPages(target, exact);
  let bigRecords: { Address: Address; Size: number; Pool: PoolName; toString(): string }[] = [];
  out.line("");
  if (big.kind === "bigPagesMissing") {
    out.line("Big pool allocations: not available (" + big.reason + ").");
  } else {
    const total = big.allocations.reduce((n, a) => n + a.size, 0);
    out.line("Big pool allocations (nt!PoolBigPageTable, " + groupDigits(big.entries) + " entries): " + groupDigits(big.allocations.length) + " live, " + sizeText(total) + ".");
    out.lines(layoutNote(big.layout));
    for (const p of big.problems) out.line("  " + p);
    if (big.allocations.length) {
      out.lines(
        renderTable(
          [
            { header: "Address", value: (a: BigAllocation) => target.formatAddress(a.address) },
            { header: "Size", align: "right", value: (a: BigAllocation) => sizeText(a.size) },
            { header: "Pool", value: (a: BigAllocation) => poolName(a.paged) },
          ],
          big.allocations.slice(0, BIG_ROWS_SHOWN),
          "  ",
        ),
      );
      if (big.allocations.length > BIG_ROWS_SHOWN) out.line("  ... " + groupDigits(big.allocations.length - BIG_ROWS_SHOWN) + " more (dx @$leaktag(\"" + tag.trim() + "\").BigAllocations)");
    }
    bigRecords = big.allocations.map((a) => ({
      Address: a.address,
      Size: a.size,
      Pool: poolName(a.paged),
      toString: () => target.formatAddress(a.address) + " " + sizeText(a.size) + " " + poolName(a.paged),
    }));
  }

  const owners = isUntaggedTag(tag) ? untaggedOwners(dctx) : searchOwners(dctx, tag);

  // The answer: the tag's outstanding blocks and bytes, and who allocates it.
  const np = row ? outstandingOf(row, false, fromPoolused) : 0;
  const p = row ? outstandingOf(row, true, fromPoolused) : 0;
  const usageText = row ? poolText(np, row.nonPagedBytes, p, row.pagedBytes) : usage ? "not in the pool tag tables" : "usage unknown";
  const who = owners.verdict
    ? owners.verdict
    : owners.records.length
      ? "no module passes it to an allocator; the likeliest holder: " + owners.records[0].Module + " (" + owners.records[0].Confidence + " confidence)"
      : isUntaggedTag(tag) ? "no loaded module imports ExAllocatePool" : "no loaded module holds its bytes";
  ctx.out.line("'" + tag + "': " + usageText + "; " + who + ".");
  ctx.out.lines(out.buffer);

  const steps: NextStep[] = [];
  const outstandingTotal = np + p;
  // Big pages hold only blocks of a page or more: when they do not account for the outstanding count, the rest are
  // small blocks, which !poolallocs walks.
  if (!isUntaggedTag(tag) && outstandingTotal > bigRecords.length) {
    steps.push({
      command: '!poolallocs "' + tag.trim() + '"',
      why: "every live block: big pages hold " + groupDigits(bigRecords.length) + " of the " + groupDigits(outstandingTotal) + " outstanding",
    });
  }
  for (const step of owners.next) steps.push(step);
  ctx.out.line("");
  ctx.out.lines(nextBlock(steps));
  const bytes = row ? row.nonPagedBytes + row.pagedBytes : 0;
  return {
    Tag: tag,
    Usage: row ? usageRecord(row, description, fromPoolused) : null,
    Outstanding: outstandingTotal,
    Bytes: bytes,
    BigAllocations: bigRecords,
    Owners: owners.records,
    NotSearched: owners.notSearched,
    toString: () => "'" + tag + "': " + sizeText(bytes) + (owners.records.length ? ", owner " + owners.records[0].Module : ""),
  };
}

function poolName(paged: boolean): PoolName {
  return paged ? "Paged" : "NonPaged";
}

interface OwnerSearch {
  records: ReturnType<typeof ownerRecord>[];
  /** "myfault.sys allocates it (myfault+0x1559)" when one module's code passes the tag to an allocator. */
  verdict: string | null;
  next: NextStep[];
  notSearched: { Module: string; Section: string; Address: unknown; Size: number; Reason: string; toString(): string }[];
}

/** The drivers whose images hold the tag's bytes, best first (the seed 000 author's `s -a` over every driver). */
function searchOwners(ctx: CommandContext, tag: string): OwnerSearch {
  const target = ctx.target;
  // Over KDNET reads run at ~8 MB/s: 16 MB of images is a couple of seconds, worth 10% steps.
  let progress: Progress | null = null;
  let verdict: string | null = null;
  const next: NextStep[] = [];
  const search = findTagOwners(target, tagBytes(tag), (done, total) => {
    if (!progress) progress = new Progress(ctx.out, "Searching images for '" + tag + "'", total, total >= LARGE_IMAGE_SEARCH, bytesOf);
    progress.update(done);
  });
  ctx.out.line("");
  ctx.out.line(messages.ownersHeader(search.modulesSearched, sizeText(search.bytesSearched)));
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
      const first = best.hits.filter(isAllocation)[0];
      const firstRecord = ownerRecords[0].hits[best.hits.indexOf(first)];
      verdict = best.module.fileName + " allocates it (" + (firstRecord && firstRecord.Symbol ? firstRecord.Symbol : best.module.name + "+" + hex(first.rva - (first.address.distanceFrom(first.instructionAddress) || 0))) + (calls > 1 ? ", " + plural(calls, "allocator call") : "") + ")";
      // Commands to copy: the first allocation site disassembled, and the module's version and timestamp. Built
      // from addresses only: a module name read from the target never reaches a command line.
      const site = target.formatAddress(first.instructionAddress);
      next.push({ command: "u " + site + " L5", why: "the allocation site: the tag loaded, then the call" });
      next.push({ command: "lm v a " + site, why: best.module.fileName + "'s path, version and timestamp" });
    } else if (search.owners.length > 1 && search.owners[1].confidence === "high") {
      verdict = plural(search.owners.filter((o) => o.confidence === "high").length, "module") + " pass it to an allocator: " +
        search.owners.filter((o) => o.confidence === "high").map((o) => o.module.fileName).join(", ");
    }
  }
  if (search.notSearched.length) {
    ctx.out.line(messages.notSearched(search.notSearched.length));
    for (const n of search.notSearched.slice(0, 20)) {
      ctx.out.line("  " + n.module + " " + n.section + " " + target.formatAddress(n.start) + ", " + sizeText(n.size) + ": " + n.reason);
    }
    if (search.notSearched.length > 20) ctx.out.line("  ... " + (search.notSearched.length - 20) + " more");
  }
  return {
    records,
    verdict,
    next,
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
    return { records: [], verdict: null, next: [{ command: '!findimporter "ExAllocatePool"', why: "its importers, once nt's symbols are loaded" }], notSearched: [] };
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
        return { Address: m.IatAddress, InstructionAddress: null, Section: "IAT", Kind: "import", Instruction: null, Allocator: "ExAllocatePool", Use: "allocation", Wrapper: null, CallAddress: null, Moves: [], Symbol: module + " IAT slot", toString: () => text };
      });
    return ownerRecord(module, confidence, hits, 0);
  });
  ctx.out.line(messages.untaggedOwnersHeader(modules.length));
  if (records.length) ctx.out.lines(ownerTable(records, "Import", Infinity));
  // Built from an address only: a module name read from the target never reaches a command line.
  const next: NextStep[] = [];
  if (records.length) next.push({ command: "lm v a " + target.formatAddress(result.matches[0].ModuleBase), why: "the first importer's path, version and timestamp" });
  next.push({ command: '!findimporter "ExAllocatePool"', why: "every importer with its range and IAT slot" });
  const verdict = modules.length === 0 ? null : modules.length === 1 ? modules[0] + " imports ExAllocatePool, so allocates it" : plural(modules.length, "module") + " import ExAllocatePool: " + modules.slice(0, 5).join(", ");
  return { records, verdict, next, notSearched: [] };
}

function usageTable(rows: TagUsage[], fromPoolused: boolean): string[] {
  return renderTable(
    [
      { header: "Tag", value: (u: TagUsage) => "'" + u.tag + "'" },
      { header: "NonPaged outstanding", align: "right", value: (u: TagUsage) => groupDigits(outstandingOf(u, false, fromPoolused)) },
      { header: "NonPaged bytes", align: "right", value: (u: TagUsage) => sizeText(u.nonPagedBytes) },
      { header: "Paged outstanding", align: "right", value: (u: TagUsage) => groupDigits(outstandingOf(u, true, fromPoolused)) },
      { header: "Paged bytes", align: "right", value: (u: TagUsage) => sizeText(u.pagedBytes) },
    ],
    rows,
    "  ",
  );
}

function hitRecord(target: Target, module: string, h: TagHit, symbol: string | null): HitRecord {
  // A code hit is shown at its instruction (where u and lm point), a data hit at its bytes.
  const at = h.kind === "code" ? h.instructionAddress : h.address;
  const rva = h.rva - (h.address.distanceFrom(at) || 0);
  const named = symbol || module + "+" + hex(rva);
  const text =
    target.formatAddress(at) + " " + named + " (" + h.section + ") " + h.kind +
    (h.instruction ? " (" + h.instruction + ")" : "") +
    (h.moves.length ? " -> " + h.moves.join(" -> ") : "") +
    (h.allocator ? " -> call " + (h.wrapperRva !== null ? module + "+" + hex(h.wrapperRva) + " (wrapper) -> " : "") + h.allocator : "") +
    (h.use === "free" ? " (free)" : h.allocatorCalls > 1 ? " (" + h.allocatorCalls + " calls)" : "");
  const wrapper = h.wrapperRva !== null ? h.address.add(h.wrapperRva - h.rva) : null;
  return {
    Address: h.address,
    InstructionAddress: h.kind === "code" ? h.instructionAddress : null,
    Section: h.section,
    Kind: h.kind,
    Instruction: h.instruction,
    Allocator: h.allocator,
    Use: h.use,
    Wrapper: wrapper,
    CallAddress: h.callAddress,
    Moves: h.moves,
    Symbol: named,
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

