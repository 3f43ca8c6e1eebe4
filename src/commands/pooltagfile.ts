// kd> !pooltagfile "C:\\tags\\mytags.txt"
// Adds the user's tag descriptions (pooltag.txt format) to those of the debugger, for the rest of the session.
import { Command } from "./command";
import { messages } from "../core/messages";
import { describeArg } from "../core/args";
import { parsePoolTagFile } from "../pool/pooltag-file";
import { sessionState } from "../pool/session-state";
import { describeControls, typedPath } from "../snapshot/paths";

/** A Windows path of sane length without control characters. */
const PATH = /^[^\x00-\x1f"*?<>|]{3,260}$/;

export const pooltagfileCommand: Command = {
  name: "pooltagfile",
  usage: '!pooltagfile "C:\\\\path\\\\tags.txt"',
  summary: "Use your own pooltag.txt descriptions in !leaktag and @$pooltags()",
  run(ctx, args) {
    const path = args[0];
    const controls = typeof path === "string" && args.length === 1 ? path.match(/[\x00-\x1f]/g) : null;
    if (controls) {
      // Single backslashes: dx turned \t, \b, \n ... into control characters before the script saw the path.
      ctx.out.line(messages.pathMangled(describeControls(controls), '!pooltagfile "' + typedPath(path as string) + '"'));
      return undefined;
    }
    if (typeof path !== "string" || !PATH.test(path) || args.length > 1) {
      ctx.out.line(messages.pooltagfileUsage(describeArg(path)));
      return undefined;
    }
    const lines = ctx.target.readTextFile(path);
    if (!lines) {
      ctx.out.line(messages.pooltagfileUnreadable(path));
      return undefined;
    }
    const tags = parsePoolTagFile(lines);
    sessionState.userPoolTagFile = path;
    ctx.out.line(messages.pooltagfileLoaded(path, tags.size));
    const out: { Tag: string; Binary: string; Description: string; toString(): string }[] = [];
    for (const { tag, description: d } of tags.entries()) out.push({ Tag: tag, Binary: d.binary, Description: d.description, toString: () => tag + " - " + d.description });
    return out;
  },
};
