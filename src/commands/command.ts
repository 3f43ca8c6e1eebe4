// What a command is: a name, a usage line, its help, and a function from the target and its arguments to records.
import { Printer } from "../core/printer";
import type { Target } from "../host/target";

export interface CommandContext {
  target: Target;
  out: Printer;
  /**
   * Given by the runner to a command that keeps its result (keepsResult): whether it will keep this one, so the report
   * can say that follow-up queries answer from this walk. `keptWhile`: how long, in words ("for the session: a dump
   * cannot change", "until the target runs again"); `notKeptBecause`: why not, when the user should know (a clock
   * that could not be read); both null: nothing is kept (a user-mode process). Reads the stamp (one small read on a
   * live kernel), so a command calls it only when it has a result.
   */
  keeping?: () => { keptWhile: string | null; notKeptBecause: string | null };
}

/** What `!leaktools "name"` prints for a command (DESIGN.md, output conventions 5). */
export interface CommandHelp {
  /** Each argument: how it is written and what it does ("\"Tag\"": "a pool tag, four characters"). */
  arguments: { name: string; text: string }[];
  /** The result record and its collections: field name and meaning, one line each. */
  records: { name: string; text: string }[];
  /** Commands exactly as typed, with what each shows. */
  examples: { command: string; text: string }[];
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
  /**
   * Keep the result for the session while the target cannot have changed (src/core/result-cache.ts): a follow-up
   * `dx @$name(...).Where(...)` is answered from it without walking the target again, and a trailing "refresh"
   * argument forces a new walk. Only for commands whose result depends on the target and their arguments alone.
   */
  keepsResult?: boolean;
  /** One line for !leaktools. */
  summary: string;
  /** Arguments, records and examples, printed by `!leaktools "name"`. Every registered command has one (a test checks). */
  help?: CommandHelp;
  /** What a returned collection holds, singular and plural: dx shows it as "189 virtual blocks" (host/model.ts). */
  resultNoun?: [string, string];
  /** Prints through ctx.out and returns the records `dx` shows; never lets an exception out (the runner guards). */
  run(ctx: CommandContext, args: unknown[]): unknown;
}
