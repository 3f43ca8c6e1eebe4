// What @$heapblocks and !heapleaks share: the user-process check, the heap argument, the walk of every heap with a
// progress line, frames and types as text (symbolized once per distinct address, up to a work limit), and the heap
// and not-walked records. Takes a Target and a Printer for the progress line; the commands print the rest.
import type { Printer } from "../core/printer";
import { Address } from "../core/address";
import { addressArg, argKind, describeArg } from "../core/args";
import { messages } from "../core/messages";
import { Unreadable } from "../core/missing";
import { Progress } from "../core/progress";
import { raiseHint, workLimit } from "../core/limits";
import { heapConstants } from "../layouts/heap";
import { ProcessHeaps, readProcessHeaps } from "./virtual-blocks";
import { isHeapWalkFailure, walkProcessHeaps } from "./process-heaps";
import type { HeapPartNotWalked, HeapWalkOptions, HeapWalkSummary, ProcessHeapWalk } from "./heap-blocks";
import type { HeapLine, NotWalkedLine } from "./leak-report";
import { groupDigits, plural } from "../render/format";
import { layoutNote, sizeText } from "../render/report";
import { ModuleIndex } from "../pool/pointers";
import { describeFrame } from "./stacks";
import { callerIndex } from "./caller";
import type { Target } from "../host/target";

/** Blocks after which a walk is worth 10% progress steps (tens of thousands of headers are seconds over KDNET). */
const LARGE_WALK_BLOCKS = 20000;

export interface HeapRun {
  walk: ProcessHeapWalk;
  heapList: ProcessHeaps;
  /** `app.exe`: the executable's name for the gflags advice, or a placeholder saying so. */
  imageName: string;
  peb: Address;
  /** A 32-bit program seen through its 64-bit view (WOW64): its own heaps are 32-bit and were not walked. */
  wow64: boolean;
}

/**
 * A WOW64 process seen as 64-bit: wow64.dll, wow64cpu.dll or wow64win.dll are loaded only into 32-bit processes on
 * 64-bit Windows (Microsoft, "WOW64 Implementation Details"). Its PEB.ProcessHeaps then lists only the 64-bit heaps;
 * the program's own heaps are in the 32-bit PEB, with 32-bit headers.
 */
/** The NotWalked part that stands for a WOW64 process's 32-bit heaps. */
export const WOW64_PART = "32-bit heaps (WOW64)";

export function isWow64View(target: Target): boolean {
  if (target.pointerSize !== 8) return false;
  for (const m of target.modules()) if (/^wow64(cpu|win)?\.dll$/i.test(m.fileName)) return true;
  return false;
}

/** The PEB of the current user-mode process, or the line that says why there is none (kernel session, no PEB). */
export function userProcess(target: Target, name: string): Address | { problem: string } {
  if (target.isKernel) return { problem: messages.heapNeedsProcess(name) };
  const peb = target.pebAddress();
  return peb ? peb : { problem: messages.virtblocksNoPeb() };
}

/** The heap argument as an address; `undefined` for none; the usage line for anything else. */
export function heapArg(value: unknown): Address | undefined | { problem: string } {
  if (argKind(value) === "missing") return undefined;
  const heap = argKind(value) === "string" ? null : addressArg(value);
  return heap ? heap : { problem: messages.heapblocksUsage(describeArg(value)) };
}

/** The executable's name (the first .exe in the module list), for `gflags /i <name> +ust`. */
export function imageNameOf(target: Target): string {
  for (const m of target.modules()) if (/\.exe$/i.test(m.fileName) && /^[A-Za-z0-9_.\- ]{1,80}$/.test(m.fileName)) return m.fileName;
  return "app.exe (your executable's name)";
}

/**
 * Walks every heap of the process one at a time, so that a progress line can follow a long walk, or only the heap
 * given (the walker checks that it is one). A problem line when there is nothing to walk.
 */
export function walkHeaps(target: Target, out: Printer, peb: Address, only: Address | null, options: HeapWalkOptions): HeapRun | { problem: string } {
  const ps = target.pointerSize;
  const list = readProcessHeaps(target, peb, heapConstants(ps));
  if (list instanceof Unreadable) return { problem: messages.unreadable("the PEB's heap list", list.address.format(ps)) };
  if (only) {
    const walk = walkProcessHeaps(target, options, only);
    if (isHeapWalkFailure(walk)) return { problem: walk.message };
    return { walk, heapList: list, imageName: imageNameOf(target), peb, wow64: false };
  }
  const joined: ProcessHeapWalk = { free: [], heaps: [], blocks: [], notWalked: [], ust: list.ust };
  if (list.problem) joined.notWalked.push({ heap: peb, part: "PEB heap list", address: peb, reason: list.problem });
  const wow64 = isWow64View(target);
  if (wow64) joined.notWalked.push({ heap: peb, part: WOW64_PART, address: null, reason: messages.heapWow64NotWalked(imageNameOf(target)) });
  const heaps = list.heaps;
  let blocks = 0;
  const progress = new Progress(out, "Walking heaps", heaps.length, false, (done, total) => done + " of " + total + " heaps, " + groupDigits(blocks) + " blocks");
  for (let i = 0; i < heaps.length; i++) {
    progress.update(i);
    const seen = blocks;
    // Within a large heap the 5-second progress line still comes, with the blocks found so far.
    const withProgress: HeapWalkOptions = {
      includeFree: options.includeFree,
      readFirstPointer: options.readFirstPointer,
      onProgress: (soFar: number) => {
        blocks = seen + soFar;
        progress.update(i);
      },
    };
    const part = walkProcessHeaps(target, withProgress, heaps[i]);
    blocks = seen;
    if (isHeapWalkFailure(part)) {
      // A listed handle without a heap signature: named, the other heaps still walked.
      joined.notWalked.push({ heap: heaps[i], part: "heap", address: heaps[i], reason: part.message });
      continue;
    }
    for (const h of part.heaps) joined.heaps.push(h);
    for (const b of part.blocks) joined.blocks.push(b);
    // The PEB's own problem is reported once, above.
    for (const n of part.notWalked) if (n.part !== "PEB heap list") joined.notWalked.push(n);
    for (const f of part.free) joined.free.push(f);
    joined.ust = joined.ust || part.ust;
    blocks += part.blocks.length;
    if (blocks >= LARGE_WALK_BLOCKS) progress.large = true;
  }
  return { walk: joined, heapList: list, imageName: imageNameOf(target), peb, wow64 };
}

/**
 * Frames and type pointers as text, each distinct address symbolized once through the validated `u <address> L1`
 * (Target.symbolize), at most workLimit("maxSymbolizedFrames") of them; past the cap `module+0x..`, and the
 * command says so.
 */
export class FrameNamer {
  private readonly texts = new Map<string, string>();
  private symbolized = 0;
  /** Distinct addresses left as module+0x.. because of the cap. */
  capped = 0;
  private readonly modules: ModuleIndex;

  constructor(private readonly target: Target) {
    this.modules = new ModuleIndex(target.modules());
  }

  inImage = (value: Address): boolean => this.modules.find(value) !== null;

  frame(address: Address): string {
    const known = this.texts.get(address.key);
    if (known !== undefined) return known;
    let text: string;
    if (this.symbolized < workLimit("maxSymbolizedFrames")) {
      this.symbolized++;
      text = describeFrame(this.target, address).text;
    } else {
      this.capped++;
      text = this.plain(address);
    }
    this.texts.set(address.key, text);
    return text;
  }

  /** `module+0x..` without a debugger command (groups beyond those shown). */
  plain(address: Address): string {
    const known = this.texts.get(address.key);
    if (known !== undefined) return known;
    const m = this.modules.find(address);
    const offset = m ? address.distanceFrom(m.base) : null;
    return m && offset !== null ? m.name + "+0x" + offset.toString(16) : address.format(this.target.pointerSize);
  }

  frames(addresses: Address[]): string[] {
    return addresses.map((a) => this.frame(a));
  }

  /** The caller frame of a stack with its source line where the symbols have one (`app!Load+0x45 [c:\src\a.cpp @ 12]`). */
  caller(addresses: Address[], texts: string[]): string | null {
    const i = callerIndex(texts);
    if (i < 0) return null;
    const text = texts[i];
    if (text.indexOf("!") < 0) return text;
    const s = this.target.symbolize(addresses[i]);
    return s.file ? text + " [" + s.file + " @ " + s.line + "]" : text;
  }

  cappedNote(): string | null {
    return this.capped > 0 ? messages.heapFramesCapped(this.capped, workLimit("maxSymbolizedFrames"), raiseHint("maxSymbolizedFrames")) : null;
  }
}

export interface HeapRecord {
  Heap: Address;
  Type: string;
  LFH: boolean;
  Blocks: number;
  Bytes: number;
  Layout: string;
  toString(): string;
}

export interface NotWalkedRecord {
  Heap: Address;
  Part: string;
  Address: Address | null;
  Reason: string;
  toString(): string;
}

export function heapLinesOf(heaps: HeapWalkSummary[], ps: 4 | 8): HeapLine[] {
  return heaps.map((h) => ({ heap: h.heap.format(ps), type: h.type, lfh: h.lfh, blocks: h.blocks, bytes: h.bytes, layout: h.layout }));
}

export function notWalkedLinesOf(parts: HeapPartNotWalked[], ps: 4 | 8): NotWalkedLine[] {
  return parts.map((n) => ({ heap: n.heap.format(ps), part: n.part, address: n.address ? n.address.format(ps) : null, reason: n.reason }));
}

export function heapRecords(heaps: HeapWalkSummary[], ps: 4 | 8): HeapRecord[] {
  return heaps.map((h) => ({
    Heap: h.heap,
    Type: h.type,
    LFH: h.lfh,
    Blocks: h.blocks,
    Bytes: h.bytes,
    Layout: h.layout,
    toString: () => h.heap.format(ps) + " " + h.type + ": " + plural(h.blocks, "block") + ", " + sizeText(h.bytes),
  }));
}

export function notWalkedRecords(parts: HeapPartNotWalked[], ps: 4 | 8): NotWalkedRecord[] {
  return parts.map((n) => ({
    Heap: n.heap,
    Part: n.part,
    Address: n.address,
    Reason: n.reason,
    toString: () => n.part + (n.address ? " at " + n.address.format(ps) : "") + ": " + n.reason,
  }));
}

/**
 * The short "Layout:" line of each structure decoded with a built-in layout, once per session (DESIGN output
 * convention 2: render/report.ts layoutNote; !leaktools has the full wording), then each walk's notes.
 */
export function layoutLinesOf(heaps: HeapWalkSummary[], ps: 4 | 8): string[] {
  const lines: string[] = [];
  for (const h of heaps) {
    const used = h.builtInLayouts || [];
    if (used.length === 0) continue;
    // One line per heap kind, as !poolallocs says its segment-heap types: the first type, then how many more.
    const first = used[0];
    const provenance = {
      typeName: first.typeName + (used.length > 1 ? " and " + (used.length - 1) + " more heap " + (used.length > 2 ? "types" : "type") : ""),
      origin: "built-in" as const,
      description: used.map((l) => l.description).join("; "),
      guessed: used.some((l) => l.guessed),
      variantLabel: first.variantLabel,
    };
    for (const line of layoutNote(provenance)) if (lines.indexOf(line) < 0) lines.push(line);
  }
  // What a walk assumed or derived (a key from a signature, a key form, offsets read in clear): a guess says so.
  for (const h of heaps) for (const n of h.notes || []) lines.push("Heap " + h.heap.format(ps) + ": " + n + (/\.$/.test(n) ? "" : "."));
  return lines;
}
