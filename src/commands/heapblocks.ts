// 0:000> dx @$heapblocks().Blocks.Where(b => b.Size == 0x48)
// 0:000> dx @$heapblocks(0x29fb0000)
// Every busy user allocation of every heap of the current process (PEB.ProcessHeaps), or of one heap: NT heaps
// (backend, LFH, virtual blocks) and segment heaps (VS, LFH, large blocks), each with its +ust allocation stack and,
// when its first pointer leads into a loaded image, that address as a symbol (a C++ object's vtable names its class).
import { Command, CommandContext } from "./command";
import { Address } from "../core/address";
import { messages } from "../core/messages";
import { plural } from "../render/format";
import { nextBlock, sizeText } from "../render/report";
import { namedCollection } from "../host/model";
import type { HeapBlock, HeapBlockKind } from "../heap/heap-blocks";
import { typePointerOf } from "../heap/groups";
import { StackRecordReader } from "../heap/stack-records";
import {
  FrameNamer,
  HeapRecord,
  HeapRun,
  NotWalkedRecord,
  WOW64_PART,
  heapArg,
  heapRecords,
  layoutLinesOf,
  notWalkedLinesOf,
  notWalkedRecords,
  userProcess,
  walkHeaps,
} from "../heap/heap-run";

export interface HeapBlockRecord {
  Address: Address;
  Size: number;
  Heap: Address;
  Kind: HeapBlockKind;
  /** Innermost first; empty without +ust (or when the block has no stack record). */
  Stack: string[];
  Type: string | null;
  toString(): string;
}

export interface HeapBlocksResult {
  Blocks: HeapBlockRecord[];
  Heaps: HeapRecord[];
  NotWalked: NotWalkedRecord[];
  /** +ust is on: allocation stacks are recorded. */
  StacksRecorded: boolean;
  toString(): string;
}

const command = {
  name: "heapblocks",
  usage: "dx @$heapblocks([heap])",
  summary: "Every busy allocation of the process's heaps, with its stack (+ust) and type",
  quietRepeats: true,
  keepsResult: true,
  help: {
    arguments: [{ name: "heap", text: "optional: one heap handle as a number (0x29fb0000); without it every heap of PEB.ProcessHeaps" }],
    records: [
      { name: "Blocks", text: "one per busy allocation: Address (what HeapAlloc returned), Size (what HeapSize returns), Heap, Kind (Backend/LFH/Virtual, VS/LFH/Large, PageHeap), Stack (+ust frames, innermost first), Type (the first pointer's symbol, or null)" },
      { name: "Heaps", text: "each heap walked: Heap, Type (NT/Segment), LFH, Blocks, Bytes, Layout" },
      { name: "NotWalked", text: "each part of a heap that could not be walked: Heap, Part, Address, Reason" },
    ],
    examples: [
      { command: "dx @$heapblocks().Blocks.Where(b => b.Size == 0x48)", text: "every allocation of 0x48 bytes" },
      { command: 'dx @$heapblocks().Blocks.Where(b => b.Type != null && b.Type.Contains("CImage"))', text: "the CImage objects" },
      { command: "dx @$heapblocks(0x29fb0000).Heaps", text: "one heap's totals" },
    ],
  },
  run(ctx: CommandContext, args: unknown[]): unknown {
    let given = args;
    while (given.length && given[given.length - 1] === undefined) given = given.slice(0, given.length - 1);
    if (given.length > 1) {
      ctx.out.line(messages.heapblocksUsage(given.length + " arguments"));
      return undefined;
    }
    const only = heapArg(given[0]);
    if (only !== undefined && !(only instanceof Address)) return say(ctx, only.problem);
    const peb = userProcess(ctx.target, "heapblocks");
    if (!(peb instanceof Address)) return say(ctx, peb.problem);
    const run = walkHeaps(ctx.target, ctx.out, peb, only || null, { includeFree: false, readFirstPointer: true });
    if ("problem" in run) return say(ctx, run.problem);
    return blocksResult(ctx, run, only ? "@$heapblocks(0x" + only.toHex() + ")" : "@$heapblocks()");
  },
};

export const heapblocksCommand: Command = command;

/** `call`: how this call was written (with its heap handle, if any), so that the suggested query asks for the same blocks. */
function blocksResult(ctx: CommandContext, run: HeapRun, call: string): HeapBlocksResult {
  const target = ctx.target;
  const ps = target.pointerSize;
  const walk = run.walk;
  const namer = new FrameNamer(target);
  const reader = new StackRecordReader(target, run.walk.x86Records);
  const stacks = new Map<string, string[]>();
  const stackOf = (b: HeapBlock): string[] => {
    if (!walk.ust || !b.stackRecord || b.stackRecord.isNull) return [];
    const known = stacks.get(b.stackRecord.key);
    if (known) return known;
    const record = reader.read(b.stackRecord);
    const frames = "frames" in record ? namer.frames(record.frames) : ["(" + record.problem + ")"];
    stacks.set(b.stackRecord.key, frames);
    return frames;
  };
  const blocks: HeapBlockRecord[] = walk.blocks.map((b) => {
    const type = typePointerOf(b, namer.inImage);
    const typeText = type ? namer.frame(type) : null;
    return {
      Address: b.address,
      Size: b.size,
      Heap: b.heap,
      Kind: b.kind,
      Stack: stackOf(b),
      Type: typeText,
      toString: () => b.address.format(ps) + " " + sizeText(b.size) + " " + b.kind + (typeText ? " " + typeText : ""),
    };
  });
  const bytes = walk.blocks.reduce((n, b) => n + b.size, 0);
  const answer =
    plural(blocks.length, "busy allocation") + ", " + sizeText(bytes) + ", in " + plural(walk.heaps.length, "heap") +
    (walk.ust ? "; allocation stacks recorded (+ust)." : "; no allocation stacks (+ust is off: gflags /i " + run.imageName + " +ust, then restart the program).");
  ctx.out.line(answer);
  for (const l of layoutLinesOf(walk.heaps, ps)) ctx.out.line(l);
  const capped = namer.cappedNote();
  if (capped) ctx.out.line(capped);
  // The heaps table is !heapleaks' (and this result's Heaps); here only what was not walked, so a dx query that
  // follows stays short.
  // A WOW64 process's 32-bit heaps are no one heap (the part is filed under the PEB): said as they are.
  for (const n of walk.notWalked) if (n.part === WOW64_PART) ctx.out.line(n.reason);
  const parts = walk.notWalked.filter((n) => n.part !== WOW64_PART);
  for (const n of notWalkedLinesOf(parts, ps)) ctx.out.line("Not walked: heap " + n.heap + ", " + n.part + (n.address ? " at " + n.address : "") + ": " + n.reason);
  const sizes = commonestSize(walk.blocks);
  ctx.out.lines(
    nextBlock([
      { command: sizes === null ? "" : "dx " + call + ".Blocks.Where(b => b.Size == 0x" + sizes.toString(16) + ")", why: "the blocks of the commonest size" },
      { command: "!heapleaks", why: "the blocks grouped by " + (walk.ust ? "allocation stack" : "size and type") + ", largest first" },
      { command: blocks.length ? "!heap -p -a " + walk.blocks[0].address.format(ps) : "", why: "the debugger's own view of one block" },
    ]),
  );
  return {
    Blocks: namedCollection(blocks, "allocation", "allocations"),
    Heaps: heapRecords(walk.heaps, ps),
    NotWalked: namedCollection(notWalkedRecords(walk.notWalked, ps), "part", "parts"),
    StacksRecorded: walk.ust,
    toString: () => plural(blocks.length, "busy allocation") + ", " + sizeText(bytes) + ", " + plural(walk.heaps.length, "heap"),
  };
}

function commonestSize(blocks: HeapBlock[]): number | null {
  const counts = new Map<number, number>();
  let best: number | null = null;
  let bestCount = 0;
  for (const b of blocks) {
    const n = (counts.get(b.size) || 0) + 1;
    counts.set(b.size, n);
    if (n > bestCount || (n === bestCount && best !== null && b.size < best)) {
      best = b.size;
      bestCount = n;
    }
  }
  return best;
}

function say(ctx: CommandContext, line: string): undefined {
  ctx.out.line(line);
  return undefined;
}
