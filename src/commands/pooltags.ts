// kd> dx -g @$pooltags().Tags.OrderByDescending(t => t.NonPagedBytes).Take(10)
// Every pool tag in use, as records for dx and LINQ.
import { Command } from "./command";
import { messages } from "../core/messages";
import { BufferedPrinter } from "../core/repeat";
import { plural } from "../render/format";
import { nextBlock, sizeText, NextStep } from "../render/report";
import { usageRecord, tagDescription, readUsageOrSay } from "../pool/usage-read";

export const pooltagsCommand: Command = {
  name: "pooltags",
  takesNoArguments: true,
  usage: "dx @$pooltags()",
  summary: "Every pool tag: allocations, frees, outstanding and bytes, NonPaged and Paged",
  resultNoun: ["tag", "tags"],
  quietRepeats: true,
  keepsResult: true,
  help: {
    arguments: [],
    records: [
      { name: "Tags", text: "every tag in use, by name: Tag, NonPagedAllocs, NonPagedFrees, NonPagedOutstanding, NonPagedBytes, PagedAllocs, PagedFrees, PagedOutstanding, PagedBytes, Description" },
      { name: "Count, NonPagedBytes, PagedBytes", text: "how many tags, and their bytes in all" },
    ],
    examples: [
      { command: "dx -g @$pooltags().Tags.OrderByDescending(t => t.NonPagedBytes).Take(10)", text: "the ten largest NonPaged tags as a grid" },
      { command: 'dx @$pooltags().Tags.Where(t => t.Description.Contains("nt!io"))', text: "the I/O manager's tags" },
    ],
  },
  run(ctx) {
    if (!ctx.target.isKernel) {
      ctx.out.line(messages.needsKernel("pooltags"));
      return undefined;
    }
    // The answer leads (output conventions 1): what was read is said after it.
    const details = new BufferedPrinter(ctx.out);
    const read = readUsageOrSay(ctx.target, details);
    if (!read) {
      ctx.out.lines(details.buffer);
      return undefined;
    }
    const { usage, descriptions } = read;
    const nonPaged = usage.rows.reduce((n, u) => n + u.nonPagedBytes, 0);
    const paged = usage.rows.reduce((n, u) => n + u.pagedBytes, 0);
    ctx.out.line(plural(usage.rows.length, "tag") + " in use: " + sizeText(nonPaged) + " NonPaged, " + sizeText(paged) + " Paged.");
    ctx.out.lines(details.buffer);
    // Follow-ups with this target's values (output conventions 1): the largest tag by bytes, only when its name can
    // be typed inside dx quotes as it is.
    const largest = usage.rows.slice().sort((a, b) => b.nonPagedBytes + b.pagedBytes - (a.nonPagedBytes + a.pagedBytes))[0];
    const steps: NextStep[] = [];
    if (largest && /^[\x21-\x7e ]{1,4}$/.test(largest.tag) && largest.tag.indexOf('"') < 0 && largest.tag.indexOf("\\") < 0) {
      steps.push({ command: '!leaktag "' + largest.tag.replace(/ +$/, "") + '"', why: "the driver that allocates the largest tag" });
    }
    steps.push(
      ctx.target.isDump
        ? { command: 'dx @$leaks("save", "C:\\\\cases\\\\before.json")', why: "keep these figures to compare a later dump with" }
        : { command: "dx @$leaks()", why: "a baseline of every tag; run it again after the target ran: the tags that grew" },
    );
    ctx.out.lines(nextBlock(steps));
    const tags = usage.rows
      .slice()
      .sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0))
      .map((u) => usageRecord(u, tagDescription(usage, descriptions, u.tag), usage.fromPoolused));
    return {
      Tags: tags,
      Count: tags.length,
      NonPagedBytes: nonPaged,
      PagedBytes: paged,
      toString: () => plural(tags.length, "tag") + ", " + sizeText(nonPaged) + " NonPaged, " + sizeText(paged) + " Paged",
    };
  },
};
