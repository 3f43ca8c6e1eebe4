// Tag usage as the pool commands show it: read (src/pool/usage.ts), what was read said, and one record per tag.
// Shared by !leaktag, @$pooltags(), !poolallocs and @$leaks(); a command imports it here, never from another command.
import { oncePerSession } from "../core/session-notes";
import type { Printer } from "../core/printer";
import type { Target } from "../host/target";
import { messages } from "../core/messages";
import { NotApplicable } from "../core/missing";
import { groupDigits } from "../render/format";
import { layoutNote, sizeText } from "../render/report";
import { TagUsage, outstanding } from "./tracker";
import { readTagUsage, loadDescriptions, UsageRead } from "./usage";
import { describeTag, TagDescriptions } from "./pooltag-file";

export interface TagUsageRecord {
  Tag: string;
  /** Since boot, as PoolMon shows them; not known from !poolused, which shows outstanding allocations only. */
  NonPagedAllocs: number | NotApplicable;
  NonPagedFrees: number | NotApplicable;
  /** Allocs minus frees: blocks still allocated. */
  NonPagedOutstanding: number;
  NonPagedBytes: number;
  PagedAllocs: number | NotApplicable;
  PagedFrees: number | NotApplicable;
  PagedOutstanding: number;
  PagedBytes: number;
  Description: string;
  toString(): string;
}

/** Blocks still allocated: allocs minus frees from the tracker; !poolused's Allocs column is that count already. */
export function outstandingOf(u: TagUsage, paged: boolean, fromPoolused: boolean): number {
  if (fromPoolused) return paged ? u.pagedAllocs : u.nonPagedAllocs;
  return paged ? outstanding(u.pagedAllocs, u.pagedFrees) : outstanding(u.nonPagedAllocs, u.nonPagedFrees);
}

export function usageRecord(u: TagUsage, description: string, fromPoolused: boolean): TagUsageRecord {
  const onlyOutstanding = new NotApplicable("!poolused shows outstanding allocations only");
  const np = outstandingOf(u, false, fromPoolused);
  const p = outstandingOf(u, true, fromPoolused);
  return {
    Tag: u.tag,
    NonPagedAllocs: fromPoolused ? onlyOutstanding : u.nonPagedAllocs,
    NonPagedFrees: fromPoolused ? onlyOutstanding : u.nonPagedFrees,
    NonPagedOutstanding: np,
    NonPagedBytes: u.nonPagedBytes,
    PagedAllocs: fromPoolused ? onlyOutstanding : u.pagedAllocs,
    PagedFrees: fromPoolused ? onlyOutstanding : u.pagedFrees,
    PagedOutstanding: p,
    PagedBytes: u.pagedBytes,
    Description: description,
    toString: () => "'" + u.tag + "': " + poolText(np, u.nonPagedBytes, p, u.pagedBytes),
  };
}

/** "119 outstanding, 0x129800000 (4.65 GB) NonPaged", and the Paged half when there is one. */
export function poolText(np: number, npBytes: number, p: number, pBytes: number): string {
  const parts: string[] = [];
  if (np || npBytes || !(p || pBytes)) parts.push(groupDigits(np) + " outstanding, " + sizeText(npBytes) + " NonPaged");
  if (p || pBytes) parts.push(groupDigits(p) + " outstanding, " + sizeText(pBytes) + " Paged");
  return parts.join("; ");
}

export function tagDescription(usage: UsageRead, descriptions: TagDescriptions, tag: string): string {
  return describeTag(descriptions, tag) || usage.poolusedDescriptions.get(tag) || "";
}

/**
 * The tags' usage, with what was read said (the short layout line once per session, then the tables read); null
 * (and why) when neither tracker nor !poolused answered.
 */
export function readUsageSaying(target: Target, out: Printer): UsageRead | null {
  const usage = readTagUsage(target);
  if (usage.layout) out.lines(layoutNote(usage.layout));
  // Which tables were read: once per session (the layout line's rule), printed again when it changes.
  for (const note of usage.notes) out.lines(oncePerSession(note));
  for (const problem of usage.problems) out.line("  " + problem);
  if (usage.failure) {
    out.line(messages.tagUsageUnavailable(usage.failure));
    return null;
  }
  return usage;
}

/** The tags' usage and descriptions, with what was read said; null (and why) when neither tracker nor !poolused answered. */
export function readUsageOrSay(target: Target, out: Printer): { usage: UsageRead; descriptions: TagDescriptions } | null {
  const usage = readUsageSaying(target, out);
  if (!usage) return null;
  const { descriptions, files } = loadDescriptions(target);
  if (files.length) out.lines(oncePerSession("Descriptions: " + files.join(", ") + "."));
  return { usage, descriptions };
}
