// kd> !ltlimits
// Shows the work limits that bound long commands on large targets, and raises one for the session:
// !ltlimits ("maxModules", 8192); !ltlimits "reset" restores the defaults.
import { Command } from "./command";
import { messages } from "../core/messages";
import { argKind, describeArg, Int64Like } from "../core/args";
import { WORK_LIMITS, WorkLimit, findWorkLimit, resetWorkLimits, setWorkLimit, workLimit } from "../core/limits";
import { renderTable } from "../render/table";
import { groupDigits, hex, plural } from "../render/format";
import { nextBlock, sizeText, NextStep } from "../render/report";

interface LimitRecord {
  Name: string;
  Value: number;
  Default: number;
  Ceiling: number;
  Commands: string;
  Reason: string;
  toString(): string;
}

export const ltlimitsCommand: Command = {
  name: "ltlimits",
  usage: '!ltlimits [("name", n)]',
  summary: "Show the work limits of long commands; raise one for this session",
  help: {
    arguments: [
      { name: '("name", n)', text: "optional: a limit's name and its new value for this session (a whole number)" },
      { name: '"reset"', text: "every limit back to its default" },
    ],
    records: [{ name: "Limits", text: "every limit: Name, Value, Default, Ceiling, Commands, Reason" }],
    examples: [
      { command: "!ltlimits", text: "every limit, its value and why it exists" },
      { command: '!ltlimits ("maxModules", 2000)', text: "examine up to 2,000 modules in !findimporter and !leaktag" },
    ],
  },
  run(ctx, allArgs) {
    // An omitted argument arrives as undefined (reference §1); count only the ones given.
    let args = allArgs;
    while (args.length && args[args.length - 1] === undefined) args = args.slice(0, args.length - 1);
    const [name, value] = args;
    if (args.length === 1 && name === "reset") {
      resetWorkLimits();
      ctx.out.line(messages.ltlimitsReset());
    } else if (args.length === 1 || args.length === 2) {
      const limit = typeof name === "string" ? findWorkLimit(name) : null;
      if (!limit) {
        ctx.out.line(messages.ltlimitsUsage("no limit is called " + describeArg(name), WORK_LIMITS.map((l) => l.name)));
        return undefined;
      }
      const n = wholeNumber(value);
      if (n === null || n < 1 || n > limit.ceiling) {
        ctx.out.line(messages.ltlimitsBadValue(limit.name, describeArg(value), limit.ceiling));
        return undefined;
      }
      const before = workLimit(limit.name);
      setWorkLimit(limit.name, n);
      ctx.out.line(messages.ltlimitsSet(limit.name, before, n));
    } else if (args.length > 2) {
      ctx.out.line(messages.ltlimitsUsage("too many arguments", WORK_LIMITS.map((l) => l.name)));
      return undefined;
    }
    const records = WORK_LIMITS.map(record);
    const changed = records.filter((r) => r.Value !== r.Default).length;
    const summary = plural(records.length, "work limit") + (changed ? ", " + groupDigits(changed) + " changed for this session" : ", all at their defaults");
    if (args.length === 0) ctx.out.line(summary + ".");
    ctx.out.lines(
      renderTable<LimitRecord>(
        [
          { header: "Limit", value: (r) => r.Name },
          { header: "Value", align: "right", value: (r) => shown(r.Name, r.Value) },
          { header: "Default", align: "right", value: (r) => shown(r.Name, r.Default) },
          { header: "Commands", value: (r) => r.Commands },
          { header: "Why", value: (r) => r.Reason },
        ],
        records,
      ),
    );
    ctx.out.line(messages.ltlimitsHint());
    // Real values to type: the pool walk's cap doubled, and the way back.
    const pool = records.filter((r) => r.Name === "maxPoolBytesWalked")[0];
    const doubled = pool ? Math.min(pool.Value * 2, pool.Ceiling) : 0;
    const steps: NextStep[] = [];
    if (pool && doubled > pool.Value) steps.push({ command: '!ltlimits ("maxPoolBytesWalked", ' + hex(doubled) + ")", why: '!poolallocs "Tag" may read up to ' + sizeText(doubled) + " of pool" });
    steps.push({ command: '!ltlimits "reset"', why: "every limit back to its default" });
    ctx.out.lines(nextBlock(steps));
    return { Limits: records, toString: () => summary };
  },
};

/** A limit's value as the table shows it: sizes as sizes (output conventions: sizeText), counts with digit groups. */
function shown(name: string, value: number): string {
  return /Bytes/.test(name) ? sizeText(value) : groupDigits(value);
}

function record(l: WorkLimit): LimitRecord {
  const value = workLimit(l.name);
  return {
    Name: l.name,
    Value: value,
    Default: l.defaultValue,
    Ceiling: l.ceiling,
    Commands: l.commands,
    Reason: l.reason,
    toString: () => l.name + " = " + shown(l.name, value),
  };
}

/** A whole number from a dx number or a small Int64; null for anything else. */
function wholeNumber(value: unknown): number | null {
  switch (argKind(value)) {
    case "number":
      return Number.isInteger(value as number) ? (value as number) : null;
    case "int64": {
      const v = value as Int64Like;
      return v.getHighPart() === 0 ? v.getLowPart() >>> 0 : null;
    }
    default:
      return null;
  }
}
