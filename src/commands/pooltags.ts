// kd> dx -g @$pooltags().OrderByDescending(t => t.NonPagedBytes).Take(10)
// Every pool tag in use, as records for dx and LINQ.
import { Command } from "./command";
import { messages } from "../core/messages";
import { usageRecord, tagDescription, readUsageOrSay } from "../pool/usage-read";

export const pooltagsCommand: Command = {
  name: "pooltags",
  takesNoArguments: true,
  usage: "dx @$pooltags()",
  summary: "Every pool tag: allocations, frees and bytes, nonpaged and paged",
  resultNoun: ["tag", "tags"],
  quietRepeats: true,
  run(ctx) {
    if (!ctx.target.isKernel) {
      ctx.out.line(messages.needsKernel("pooltags"));
      return undefined;
    }
    const read = readUsageOrSay(ctx.target, ctx.out);
    if (!read) return undefined;
    const { usage, descriptions } = read;
    return usage.rows
      .slice()
      .sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0))
      .map((u) => usageRecord(u, tagDescription(usage, descriptions, u.tag), usage.fromPoolused));
  },
};
