// kd> !leaktools
// kd> !leaktools "leaktag"
// Lists the toolkit's commands with their usage and version, and what it knows of the current target; with a
// command's name, that command's help (arguments, records, examples).
import { plural } from "../render/format";
import { Command } from "./command";
import { VERSION } from "../core/version";
import { renderTable } from "../render/table";
import { builtInLayoutsThisSession } from "../render/report";
import { resolveLayout, isLayoutMissing } from "../layouts/resolve";
import { POOL_TRACKER_TABLE } from "../layouts/pool";
import { messages } from "../core/messages";
import { describeArg } from "../core/args";
import type { Target } from "../host/target";

export function leaktoolsCommand(all: () => Command[]): Command {
  return {
    name: "leaktools",
    usage: '!leaktools ["command"]',
    summary: "List the leaktools commands and what they will use on this target; with a name, that command's help",
    resultNoun: ["command", "commands"],
    // Reads the target but changes nothing: a report, so it does not drop the results other commands kept.
    quietRepeats: true,
    help: {
      arguments: [{ name: '"command"', text: 'optional: a command\'s name, quoted ("leaktag"); prints its arguments, records and examples' }],
      records: [{ name: "Commands", text: "one per command: Name, Usage, Summary" }],
      examples: [
        { command: "!leaktools", text: "the commands, and the target's kind, build and layouts" },
        { command: '!leaktools "virtblocks"', text: "how to call !virtblocks and what it returns" },
      ],
    },
    run(ctx, args) {
      const commands = all();
      const given = args.filter((a) => a !== undefined);
      if (given.length > 0) {
        const name = typeof given[0] === "string" ? (given[0] as string).replace(/^[!@$]+/, "").toLowerCase() : null;
        const command = name !== null && given.length === 1 ? commands.filter((c) => c.name === name)[0] : undefined;
        if (!command) {
          ctx.out.line(messages.leaktoolsNoSuchCommand(given.length === 1 ? describeArg(given[0]) : given.length + " arguments", commands.map((c) => c.name)));
          return undefined;
        }
        ctx.out.lines(helpText(command));
        return { Name: command.name, Usage: command.usage, Summary: command.summary, toString: () => command.usage };
      }
      ctx.out.line("leaktools " + VERSION + " - memory-leak and crash triage for WinDbg");
      ctx.out.lines(
        renderTable(
          [
            { header: "Command", value: (c: Command) => c.usage },
            { header: "What it does", value: (c: Command) => c.summary },
          ],
          commands,
        ),
      );
      ctx.out.line('Arguments are dx expressions: quote strings (!leaktag "Leak"), write numbers as 0x29fb0000; every command is also dx @$name(...).');
      ctx.out.line('!leaktools "name" shows one command\'s arguments, records and examples.');
      ctx.out.line("");
      for (const line of describeTarget(ctx.target)) ctx.out.line(line);
      const records = commands.map((c) => ({ Name: c.name, Usage: c.usage, Summary: c.summary, toString: () => c.usage }));
      return { Commands: records, toString: () => "leaktools " + VERSION + ", " + plural(records.length, "command") };
    },
  };
}

/** What `!leaktools "name"` prints: usage, summary, then the help's three parts. */
export function helpText(c: Command): string[] {
  const lines = [c.usage + "  (also dx @$" + c.name + "(...))", "  " + c.summary];
  const h = c.help;
  if (!h) return lines.concat(["  (no further help for this command)"]);
  const part = (title: string, rows: { name: string; text: string }[]) => {
    if (rows.length === 0) return;
    lines.push("", title);
    const width = Math.min(28, Math.max(...rows.map((r) => r.name.length)));
    for (const r of rows) lines.push("  " + (r.name.length >= width ? r.name : r.name + " ".repeat(width - r.name.length)) + "  " + r.text);
  };
  part("Arguments:", h.arguments);
  if (c.takesNoArguments) lines.push("", "Arguments: none");
  part("Result (dx @$" + c.name + "(...)):", h.records);
  part("Examples:", h.examples.map((e) => ({ name: e.command, text: e.text })));
  return lines;
}

function describeTarget(target: Target): string[] {
  const build = target.windowsBuild();
  const lines = [
    "Target: " +
      (target.isKernel ? "kernel" : "user-mode") +
      (!target.dumpKnown ? " session (dump or live: not known)" : target.isDump ? " dump" : " live session") +
      ", " + (target.pointerSize * 8) + "-bit" +
      ", Windows build " + (build === null ? "unknown" : String(build)) +
      ", " + plural(target.modules().length, "module") + " loaded",
  ];
  if (target.isKernel) {
    const layout = resolveLayout(POOL_TRACKER_TABLE, (m, t) => target.type(m, t), target.pointerSize, build);
    lines.push("Pool tag tracker layout: " + (isLayoutMissing(layout) ? layout.typeName + ": " + layout.reason : layout.description));
  }
  const used = builtInLayoutsThisSession();
  if (used.length) {
    lines.push("Built-in layouts used this session (the symbols lacked them):");
    for (const u of used) lines.push("  Layout: " + u.description + ".");
  }
  return lines;
}
