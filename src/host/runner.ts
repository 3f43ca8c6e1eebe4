// One guard per command: whatever escapes a command becomes a plain message; the script host never sees an
// exception. A fresh Target per call: target facts are read on each call, never at load.
import { Command } from "../commands/command";
import { messages } from "../core/messages";
import { HostPrinter } from "./output";
import { BufferedPrinter, commandLine, printReport } from "../core/repeat";
import { Target, errorText } from "./target";
import { toModel } from "./model";

export function invokeCommand(command: Command, args: unknown[]): unknown {
  const host = new HostPrinter();
  const buffered = command.quietRepeats ? new BufferedPrinter(host) : null;
  const out = buffered || host;
  try {
    const target = new Target();
    // Commands that take no arguments refuse them with their usage line (an omitted argument is undefined).
    if (command.takesNoArguments && args.some((a) => a !== undefined)) {
      host.line(messages.noArguments(command.usage));
      return undefined;
    }
    const records = toModel(command.run({ target, out }, args), 0, command.resultNoun);
    for (const problem of target.problems) out.line(problem);
    if (buffered) printReport(host, commandLine(command.name, args), buffered.buffer);
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
