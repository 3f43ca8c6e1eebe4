// kd> !leaktools
// Lists the toolkit's commands with their usage and version, and what it knows of the current target.
import { plural } from "../render/format";
import { Command } from "./command";
import { VERSION } from "../core/version";
import { renderTable } from "../render/table";
import { resolveLayout, isLayoutMissing } from "../layouts/resolve";
import { POOL_TRACKER_TABLE } from "../layouts/pool";
import type { Target } from "../host/target";

export function leaktoolsCommand(all: () => Command[]): Command {
  return {
    name: "leaktools",
  takesNoArguments: true,
    usage: "!leaktools",
    summary: "List the leaktools commands and what they will use on this target",
    resultNoun: ["command", "commands"],
    run(ctx) {
      const commands = all();
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
      ctx.out.line('Arguments are dx expressions: quote strings (!leaktag "Leak"); every command is also dx @$name(...).');
      ctx.out.line("");
      for (const line of describeTarget(ctx.target)) ctx.out.line(line);
      return commands.map((c) => ({ Name: c.name, Usage: c.usage, Summary: c.summary, toString: () => c.usage }));
    },
  };
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
  return lines;
}
