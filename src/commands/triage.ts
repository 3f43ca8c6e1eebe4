// kd> !crashtriage
// What a memory-related bugcheck means and where to look next: the code, each parameter's meaning, what the
// parameters point at, a verdict, and commands to copy. dx @$crashtriage() returns Code, Name, Parameters, Findings,
// Verdict and NextCommands.
// Not `!triage`: Microsoft still documents a `!triage` extension command (debuggercmds/-triage.md: "obsolete. Use
// !analyze instead"), and `!name` can reach an extension DLL's export of that name instead of a script alias. No
// Microsoft extension or documented command is named `crashtriage`. `@$triage` is not kept either: a functionAlias
// always registers `!name` together with `@$name`, so keeping the dx name would bring the ambiguous `!triage` back.
import { Command } from "./command";
import { messages } from "../core/messages";
import { renderTable } from "../render/table";
import { readBugCheck, isBugCheck } from "../bugcheck/data";
import { triageBugCheck, hex, ParameterRecord, NextCommand, TriageRecord } from "../bugcheck/triage";
import { Printer } from "../core/printer";

export const triageCommand: Command = {
  name: "crashtriage",
  takesNoArguments: true,
  usage: "!crashtriage",
  summary: "What a memory-related bugcheck means and where to look next",
  quietRepeats: true,
  run(ctx, args) {
    const target = ctx.target;
    if (!target.isKernel) return none(ctx.out, messages.triageNoBugcheck("this is a user-mode session, which has no bugcheck"));
    const bugcheck = readBugCheck(target);
    if (!isBugCheck(bugcheck)) {
      if ((bugcheck as { kind: string }).kind === "unavailable") {
        return none(ctx.out, messages.triageUnavailable((bugcheck as { reason: string }).reason));
      }
      return none(ctx.out, messages.triageNoBugcheck(target.isDump ? "the dump records bugcheck code 0" : "this live session has not crashed"));
    }
    const record = triageBugCheck(target, bugcheck);
    render(ctx.out, record, target.pointerSize);
    return record;
  },
};

/** One line and no value: dx then shows nothing more. */
function none(out: Printer, line: string): undefined {
  out.line(line);
  return undefined;
}

function render(out: Printer, r: TriageRecord, pointerSize: 4 | 8): void {
  out.line("Bugcheck " + hex(r.Code) + " " + r.Name + " (from " + r.Source + ")");
  out.lines(
    renderTable(
      [
        { header: "Arg", value: (p: ParameterRecord) => p.Name },
        { header: "Value", value: (p: ParameterRecord) => p.Value.format(pointerSize) },
        { header: "Meaning", value: (p: ParameterRecord) => p.Meaning },
      ],
      r.Parameters,
    ),
  );
  for (const l of r.Layouts) out.line(messages.layoutFallback(l));
  if (r.Findings.length) {
    out.line("Findings:");
    for (const f of r.Findings) out.line("  " + f);
  }
  out.line("Verdict: " + r.Verdict);
  out.line("Next:");
  out.lines(
    renderTable(
      [
        { header: "Command", value: (n: NextCommand) => n.Command },
        { header: "Why", value: (n: NextCommand) => n.Why },
      ],
      r.NextCommands,
      "  ",
    ),
  );
}
