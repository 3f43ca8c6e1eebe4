// Tag usage as the pool commands show it: read (src/pool/usage.ts), what was read said, and one record per tag.
// Shared by !leaktag, @$pooltags(), !poolallocs and @$leaks(); a command imports it here, never from another command.
import type { Printer } from "../core/printer";
import type { Target } from "../host/target";
import { messages } from "../core/messages";
import { NotApplicable } from "../core/missing";
import { humanBytes } from "../render/format";
import { TagUsage } from "./tracker";
import { readTagUsage, loadDescriptions, UsageRead } from "./usage";
import { describeTag, TagDescriptions } from "./pooltag-file";

export interface TagUsageRecord {
  Tag: string;
  NonPagedAllocs: number;
  NonPagedFrees: number | NotApplicable;
  NonPagedBytes: number;
  PagedAllocs: number;
  PagedFrees: number | NotApplicable;
  PagedBytes: number;
  Description: string;
  toString(): string;
}

export function usageRecord(u: TagUsage, description: string, fromPoolused: boolean): TagUsageRecord {
  const noFrees = new NotApplicable("!poolused shows outstanding allocations only");
  return {
    Tag: u.tag,
    NonPagedAllocs: u.nonPagedAllocs,
    NonPagedFrees: fromPoolused ? noFrees : u.nonPagedFrees,
    NonPagedBytes: u.nonPagedBytes,
    PagedAllocs: u.pagedAllocs,
    PagedFrees: fromPoolused ? noFrees : u.pagedFrees,
    PagedBytes: u.pagedBytes,
    Description: description,
    toString: () => u.tag + ": nonpaged " + humanBytes(u.nonPagedBytes) + ", paged " + humanBytes(u.pagedBytes),
  };
}

export function tagDescription(usage: UsageRead, descriptions: TagDescriptions, tag: string): string {
  return describeTag(descriptions, tag) || usage.poolusedDescriptions.get(tag) || "";
}

/** The tags' usage, with what was read said; null (and why) when neither tracker nor !poolused answered. */
export function readUsageSaying(target: Target, out: Printer): UsageRead | null {
  const usage = readTagUsage(target);
  for (const note of usage.notes) out.line(note);
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
  if (files.length) out.line("Descriptions: " + files.join(", ") + ".");
  return { usage, descriptions };
}
