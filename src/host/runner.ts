// One guard per command: whatever escapes a command becomes a plain message; the script host never sees an
// exception. A fresh Target per call: target facts are read on each call, never at load.
import { Command } from "../commands/command";
import { messages } from "../core/messages";
import { HostPrinter } from "./output";
import { BufferedPrinter, MIN_REPEAT_LINES, commandLine, printReport, recentReport, reportKey } from "../core/repeat";
import { findKept, forgetKept, hasKept, keep, splitRefresh } from "../core/result-cache";
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { hex } from "../render/format";
import { Target, errorText } from "./target";
import { toModel } from "./model";

export function invokeCommand(command: Command, givenArgs: unknown[]): unknown {
  const host = new HostPrinter();
  const buffered = command.quietRepeats || command.keepsResult ? new BufferedPrinter(host) : null;
  const out = buffered || host;
  try {
    const target = new Target();
    const { args, refresh } = command.keepsResult ? splitRefresh(givenArgs) : { args: givenArgs, refresh: false };
    // Commands that take no arguments refuse them with their usage line (an omitted argument is undefined).
    if (command.takesNoArguments && args.some((a) => a !== undefined)) {
      host.line(messages.noArguments(command.usage));
      return undefined;
    }
    // A command that is neither a report nor keeps a result may change what reports show (!pooltagfile's
    // descriptions, !ltlimits' caps): nothing kept before it is reused after it.
    if (!command.quietRepeats && !command.keepsResult) forgetKept();
    const line = commandLine(command.name, args);
    // The stamp costs one small read on a live kernel target: read only when there is a result to compare or keep
    // (a refusal reads nothing). Read after the run it is the same value: the target does not run during a command.
    let stamped: Stamp | undefined;
    const stampNow = (): Stamp => (stamped === undefined ? (stamped = targetStamp(target)) : stamped);
    let stamp: { stamp: string; why: string; keptWhile: string } | null = null;
    const keptStamp = () => {
      const s = stampNow();
      stamp = s !== null && "stamp" in s ? s : null;
      return stamp;
    };
    if (command.keepsResult && !refresh && hasKept(line) && keptStamp() !== null) {
      const kept = findKept(line, stamp!.stamp);
      if (kept) {
        const again = commandLine(command.name, args.filter((a) => a !== undefined).concat(["refresh"]));
        const note = messages.resultKept(stamp!.why, again);
        // The report is above when it was printed recently; otherwise it is printed again (from the kept text:
        // nothing is read) so the user sees what the result is.
        if (kept.report.length >= MIN_REPEAT_LINES && recentReport(reportKey(kept.report), Date.now())) printReport(host, line, kept.report, note);
        else {
          host.lines(kept.report);
          host.line("(" + line + ": " + note + ".)");
        }
        return kept.value;
      }
    }
    // A command may say in its report whether its result will be kept (the stamp is read then, once).
    const keeping = () => {
      const s = stampNow();
      return { keptWhile: s !== null && "stamp" in s ? s.keptWhile : null, notKeptBecause: s !== null && "unreadable" in s ? s.unreadable : null };
    };
    const records = toModel(command.run({ target, out, keeping: command.keepsResult ? keeping : undefined }, args), 0, command.resultNoun);
    for (const problem of target.problems) out.line(problem);
    if (buffered) printReport(host, line, buffered.buffer);
    if (command.keepsResult && records !== undefined && target.problems.length === 0) {
      const now = keptStamp();
      if (now !== null) keep({ key: line, stamp: now.stamp, value: records, report: buffered ? buffered.buffer.slice() : [] });
    }
    return records;
  } catch (e) {
    try {
      if (buffered) host.lines(buffered.buffer); // What was found before the failure, then the failure.
      host.line(messages.internalError(command.name, errorText(e)));
    } catch (printError) {
      // Nothing more can be done without output; still no exception reaches the host.
    }
    return undefined;
  }
}

/**
 * What says the target is in the state a kept result was read from, or null when that cannot be told cheaply.
 * - A dump cannot change: its file name is the stamp.
 * - A live kernel target is frozen while the debugger has it broken in (the whole machine stops, clocks included),
 *   and runs only on g/p/t. KUSER_SHARED_DATA's InterruptTime (+0x08, 100 ns since boot, advanced by the clock
 *   interrupt) and SystemTime (+0x14) then move iff it ran: one read of 24 bytes at the fixed address
 *   KI_USER_SHARED_DATA (wdm.h; offsets in src/layouts/kuser.ts) tells. A clock that could not be read keeps nothing.
 * - A live user-mode process is stopped, but the machine around it is not: its shared page's clocks move while it
 *   is broken in, and no cheap value in its memory moves only when it runs (a breakpoint hit twice has the same
 *   registers). Nothing is kept there, which is never wrong, only slower.
 */
/** How the target's state is told apart; `unreadable` says why nothing can be kept when the clock was not read. */
type Stamp = { stamp: string; why: string; keptWhile: string } | { unreadable: string } | null;

function targetStamp(target: Target): Stamp {
  if (target.dumpKnown && target.isDump) return { stamp: "dump " + (target.dumpFileName() || ""), why: "a dump cannot change", keptWhile: "for the session: a dump cannot change" };
  if (!target.isKernel) return null;
  const at = target.pointerSize === 8 ? new Address(0xfffff780, 0x08) : new Address(0, 0xffdf0008);
  const bytes = target.memory.read(at, 24, "KUSER_SHARED_DATA clocks", false);
  if (bytes instanceof Unreadable) return { unreadable: "the target's clock (KUSER_SHARED_DATA) could not be read" };
  let text = "live ";
  for (let i = 0; i < bytes.length; i++) text += hex(bytes[i]);
  return { stamp: text, why: "the target has not run since", keptWhile: "until the target runs again" };
}
