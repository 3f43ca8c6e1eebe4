// kd> !pooltagfile "C:\\tags\\mytags.txt"
// Adds the user's tag descriptions (pooltag.txt format) to those of the debugger, for the rest of the session.
import { Command } from "./command";
import { messages } from "../core/messages";
import { describeArg } from "../core/args";
import { parsePoolTagFile } from "../pool/pooltag-file";
import { sessionState } from "../pool/session-state";
import { describeControls, typedPath } from "../snapshot/paths";
import { readTextLines } from "../snapshot/file";
import { limits } from "../core/limits";
import { plural } from "../render/format";
import { nextBlock } from "../render/report";

/** A Windows path of sane length without control characters. */
const PATH = /^[^\x00-\x1f"*?<>|]{3,260}$/;

export const pooltagfileCommand: Command = {
  name: "pooltagfile",
  usage: '!pooltagfile "C:\\\\path\\\\tags.txt"',
  summary: "Use your own pooltag.txt descriptions in !leaktag and @$pooltags()",
  help: {
    arguments: [{ name: '"C:\\\\path\\\\tags.txt"', text: "a file in pooltag.txt format on the debugger's machine; inside dx quotes every backslash is doubled" }],
    records: [
      { name: "Path, Count, Encoding", text: "the file as read (full path), how many tags it describes, and its text encoding" },
      { name: "Tags", text: "one per tag in the file: Tag, Binary, Description" },
    ],
    examples: [{ command: '!pooltagfile "C:\\\\tags\\\\mytags.txt"', text: "your descriptions win over the debugger's for the rest of the session" }],
  },
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
    // Read as snapshots are (src/snapshot/file.ts): an editor may have saved the file as UTF-16 or with a UTF-8 mark.
    const read = readTextLines(path, limits.maxTagFileChars);
    if (read.kind !== "lines") {
      ctx.out.line(
        read.kind === "missing" ? messages.pooltagfileMissing(read.fullPath)
        : read.kind === "unreadable" ? messages.pooltagfileUnreadable(path, read.detail)
        : read.kind === "tooLarge" ? messages.pooltagfileTooLarge(read.fullPath, limits.maxTagFileChars)
        : messages.pooltagfileUndecodable(read.fullPath, read.encoding),
      );
      return undefined;
    }
    const tags = parsePoolTagFile(read.lines);
    sessionState.userPoolTagFile = read.fullPath;
    ctx.out.line(messages.pooltagfileLoaded(read.fullPath, tags.size, read.encoding));
    ctx.out.lines(nextBlock([{ command: "!leaktag", why: "the tags ranked by bytes, with these descriptions" }]));
    const out: { Tag: string; Binary: string; Description: string; toString(): string }[] = [];
    for (const { tag, description: d } of tags.entries()) out.push({ Tag: tag, Binary: d.binary, Description: d.description, toString: () => tag + " - " + d.description });
    // One record with the entries as a collection (output conventions 4): the ! form ends with a few fields, not a
    // line per tag of a file that may describe thousands.
    const fullPath = read.fullPath;
    return { Path: fullPath, Count: out.length, Encoding: read.encoding, Tags: out, toString: () => plural(out.length, "tag description") + " from " + fullPath };
  },
};
