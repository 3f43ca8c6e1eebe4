// kd> !pooltagfile "C:\\tags\\mytags.txt"
// Adds the user's tag descriptions (pooltag.txt format) to those of the debugger, for the rest of the session.
import { Command } from "./command";
import { messages } from "../core/messages";
import { describeArg } from "../core/args";
import { parsePoolTagFile } from "../pool/pooltag-file";
import { sessionState } from "../pool/session-state";

/** A Windows path of sane length without control characters. */
const PATH = /^[^\x00-\x1f"*?<>|]{3,260}$/;

export const pooltagfileCommand: Command = {
  name: "pooltagfile",
  usage: '!pooltagfile "C:\\\\path\\\\tags.txt"',
  summary: "Use your own pooltag.txt descriptions in !leaktag and @$pooltags()",
  run(ctx, args) {
    const path = args[0];
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
