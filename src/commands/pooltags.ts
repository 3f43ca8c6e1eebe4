// kd> dx -g @$pooltags().OrderByDescending(t => t.NonPagedBytes).Take(10)
// Every pool tag in use, as records for dx and LINQ.
import { Command } from "./command";
import { messages } from "../core/messages";
import { readTagUsage, loadDescriptions } from "../pool/usage";
import { usageRecord, tagDescription } from "./leaktag";

export const pooltagsCommand: Command = {
  name: "pooltags",
  takesNoArguments: true,
  usage: "dx @$pooltags()",
  summary: "Every pool tag: allocations, frees and bytes, nonpaged and paged",
  quietRepeats: true,
  run(ctx) {
    if (!ctx.target.isKernel) {
      ctx.out.line(messages.needsKernel("pooltags"));
      return undefined;
    }
    const usage = readTagUsage(ctx.target);
    for (const note of usage.notes) ctx.out.line(note);
    for (const problem of usage.problems) ctx.out.line("  " + problem);
    if (usage.failure) {
      ctx.out.line(messages.tagUsageUnavailable(usage.failure));
      return undefined;
    }
    const { descriptions } = loadDescriptions(ctx.target);
    return usage.rows
      .slice()
      .sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0))
      .map((u) => usageRecord(u, tagDescription(usage, descriptions, u.tag), usage.fromPoolused));
  },
};
