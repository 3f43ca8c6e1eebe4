// What a command is: a name, a usage line, and a function from the target and its arguments to records.
import { Printer } from "../core/printer";
import type { Target } from "../host/target";

export interface CommandContext {
  target: Target;
  out: Printer;
}

export interface Command {
  /** The alias: `!name` and `dx @$name(...)`. */
  name: string;
  /** As the user types it: `!leaktag ["Tag"]`. */
  usage: string;
  /** When true the runner answers any argument with the usage line, and the command is not run. */
  takesNoArguments?: boolean;
  /**
   * A report of the target's state, so an identical report printed again within the window is one line instead
   * (src/core/repeat.ts): what `dx @$name(...).Where(...)` after `!name` needs. Not for commands that change state.
   */
  quietRepeats?: boolean;
  /** One line for !leaktools. */
  summary: string;
  /** What a returned collection holds, singular and plural: dx shows it as "189 virtual blocks" (host/model.ts). */
  resultNoun?: [string, string];
  /** Prints through ctx.out and returns the records `dx` shows; never lets an exception out (the runner guards). */
  run(ctx: CommandContext, args: unknown[]): unknown;
}
