// kd> !crashtriage
// A bugcheck's verdict first (which driver, which access, which pool neighbour), then each parameter's meaning, what
// the parameters point at, and one Next: block. In user mode, the exception `.exr -1` reports and the heap block the
// faulting address falls in. dx @$crashtriage() returns Code, BaseCode, Name, Driver, Parameters, Findings, Verdict,
// NextCommands, Source and Layouts.
// Not `!triage`: Microsoft still documents a `!triage` extension command (debuggercmds/-triage.md: "obsolete. Use
// !analyze instead"), and `!name` can reach an extension DLL's export of that name instead of a script alias. No
// Microsoft extension or documented command is named `crashtriage`. `@$triage` is not kept either: a functionAlias
// always registers `!name` together with `@$name`, so keeping the dx name would bring the ambiguous `!triage` back.
import { Command } from "./command";
import { messages } from "../core/messages";
import { renderTable } from "../render/table";
import { readBugCheck, isBugCheck } from "../bugcheck/data";
import { triageBugCheck, hex, ParameterRecord, NextCommand, TriageRecord } from "../bugcheck/triage";
import { ResolvedLayout } from "../layouts/types";
import { Printer } from "../core/printer";
import { layoutNote, nextBlock } from "../render/report";
import { SafeArg } from "../core/validate";
import { parseExr } from "../bugcheck/user-exception";
import { triageUserException } from "../bugcheck/triage";
import { CommandContext, CommandHelp } from "./command";

/** The codes !crashtriage decodes beyond naming them, for !leaktools and the README (docs/readme/triage.md). */
export const COVERED_CODES = [0x0a, 0x19, 0x1a, 0x1e, 0x3b, 0x4e, 0x50, 0x7a, 0x7e, 0x8e, 0xc1, 0xc2, 0xc4, 0xc5, 0xcc, 0xcd, 0xd1, 0xd5, 0xd6, 0x12b, 0x139, 0x13a, 0x154];

/** `!leaktools "crashtriage"`: arguments, result fields and examples. */
export const TRIAGE_HELP: CommandHelp = {
  arguments: [{ name: "(none)", text: "reads the bugcheck (kernel dump) or the exception .exr -1 reports (user mode)" }],
  records: [
    { name: "Code, BaseCode, Name", text: "the code as reported (0x1000007e), without the _M flag (0x7e), and its name" },
    { name: "Driver", text: "the driver (user mode: the module) the verdict names, or null" },
    { name: "Parameters", text: "Arg1-Arg4: Name, Value, Meaning" },
    { name: "Findings", text: "what the parameters point at: exception record, context or trap frame, pool blocks, tags and owners" },
    { name: "Verdict, NextCommands", text: "the answer, and the commands to copy (Command, Why)" },
    { name: "Source, Layouts", text: "nt!KiBugCheckData or .bugcheck; each layout used and where it came from (symbols, or built-in and why)" },
    { name: "ExceptionCode, Address", text: "user mode: the exception's code and address; with Name, Driver (the module), Findings, Verdict, NextCommands" },
  ],
  examples: [
    { command: "!crashtriage", text: "the verdict first, then the parameters, the findings and one Next: block" },
    { command: "dx @$crashtriage().Driver", text: "the driver the crash points at" },
    { command: "dx @$crashtriage().NextCommands.Select(n => n.Command)", text: "the follow-ups alone" },
  ],
};

export const triageCommand: Command = {
  name: "crashtriage",
  takesNoArguments: true,
  usage: "!crashtriage",
  summary: "A bugcheck's verdict and the driver behind it; decodes " + COVERED_CODES.map((c) => (c < 0x10 ? "0" : "") + c.toString(16).toUpperCase()).join(" ") + " (and _M)",
  quietRepeats: true,
  help: TRIAGE_HELP,
  run(ctx, args) {
    const target = ctx.target;
    if (!target.isKernel) return userMode(ctx);
    const bugcheck = readBugCheck(target);
    if (!isBugCheck(bugcheck)) {
      if ((bugcheck as { kind: string }).kind === "unavailable") {
        return none(ctx.out, messages.triageUnavailable((bugcheck as { reason: string }).reason));
      }
      return none(ctx.out, messages.triageNoBugcheck(target.isDump ? "the dump records bugcheck code 0" : "this live session has not crashed"));
    }
    const triage = triageBugCheck(target, bugcheck);
    render(ctx.out, triage.record, triage.builtInLayouts, target.pointerSize);
    return triage.record;
  },
};

/**
 * User mode: the exception the debugger reports (`.exr -1`: the dump's exception stream, or the live process's last
 * event), decoded like a kernel exception bugcheck: code by name, the faulting module+offset, the address read or
 * written and what it is. No exception: the one-line answer.
 */
function userMode(ctx: CommandContext): unknown {
  const target = ctx.target;
  const out = target.executeCommand(".exr", "-1" as SafeArg);
  const e = out.error ? null : parseExr(out.lines);
  if (!e) return none(ctx.out, messages.triageNoBugcheck("this user-mode session reports no exception (.exr -1 " + (out.error ? "failed" : "showed none") + ")"));
  const record = triageUserException(target, e);
  ctx.out.line(record.Verdict);
  ctx.out.line(messages.triageUserSource());
  for (const f of record.Findings) ctx.out.line("  " + f);
  ctx.out.lines(nextBlock(record.NextCommands.map((n) => ({ command: n.Command, why: n.Why }))));
  return record;
}

/** One line and no value: dx then shows nothing more. */
function none(out: Printer, line: string): undefined {
  out.line(line);
  return undefined;
}

function render(out: Printer, r: TriageRecord, builtIn: ResolvedLayout[], pointerSize: 4 | 8): void {
  // The answer first (DESIGN.md, output conventions): the verdict, then the code and its parameters, then details.
  out.line(r.Verdict.charAt(0).toUpperCase() + r.Verdict.slice(1));
  const flag = r.Code !== r.BaseCode ? " (" + hex(r.Code) + " = " + hex(r.BaseCode) + " with the _M flag)" : "";
  out.line("Bugcheck " + hex(r.Code) + " " + r.Name + flag + " (from " + r.Source + ")");
  // Layout provenance after the answer, short and once per session per structure; !leaktools keeps the full reasons.
  for (const l of builtIn) out.lines(layoutNote(l));
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
  if (r.Findings.length) {
    out.line("Findings:");
    for (const f of r.Findings) out.line("  " + f);
  }
  out.lines(nextBlock(r.NextCommands.map((n: NextCommand) => ({ command: n.Command, why: n.Why }))));
}
