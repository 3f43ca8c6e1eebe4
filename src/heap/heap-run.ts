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
import { findWow64Peb } from "./wow64";

/** Blocks after which a walk is worth 10% progress steps (tens of thousands of headers are seconds over KDNET). */
const LARGE_WALK_BLOCKS = 20000;

export interface HeapRun {
  walk: ProcessHeapWalk;
  heapList: ProcessHeaps;
  /** `app.exe`: the executable's name for the gflags advice, or a placeholder saying so. */
  imageName: string;
  peb: Address;
  /** A 32-bit program seen through its 64-bit view (WOW64) whose 32-bit heaps could not be walked: why, with advice. */
  wow64NotWalked: string | null;
}

/** The NotWalked part that stands for a WOW64 process's 32-bit heaps when they could not be walked. */
export const WOW64_PART = "32-bit heaps (WOW64)";

/** The layout words of a heap walked through the 32-bit PEB of a WOW64 process. */
export const WOW64_LAYOUT = "32-bit (WOW64)";

/**
 * A WOW64 process seen as 64-bit: wow64.dll, wow64cpu.dll or wow64win.dll are loaded only into 32-bit processes on
 * 64-bit Windows (Microsoft, "WOW64 Implementation Details"). Its PEB.ProcessHeaps then lists only the 64-bit heaps;
 * the program's own heaps are in the 32-bit PEB, with 32-bit headers.
 */
export function isWow64View(target: Target): boolean {
  if (target.pointerSize !== 8) return false;
  for (const m of target.modules()) if (/^wow64(cpu|win)?\.dll$/i.test(m.fileName)) return true;
  return false;
}

/** Said after a reason that names an ntdll symbol of a 32-bit heap. */
const WOW64_NTDLL_NOTE = "for this 32-bit heap: the 32-bit ntdll, C:\\Windows\\SysWOW64\\ntdll.dll, which the 64-bit debugger lists as ntdll_<base>";

/** The 32-bit side of a WOW64 process: a 4-byte view of the target, its PEB32 and that PEB's heap list. */
interface Wow64Side {
  view: Target;
  peb32: Address;
  list: ProcessHeaps;
}

/**
 * The 32-bit PEB (wow64.ts) and its heap list, read through Target.x86View. The module list of a WOW64 session holds
 * both ntdlls (System32's and SysWOW64's, the latter what the 32-bit code calls): the 32-bit one is found by its path
 * and named as WinDbg names the second module of one name, `ntdll_<base>`, for its symbols (RtlpLFHKey,
 * RtlpStackTraceDataBase).
 */
function wow64Side(target: Target): Wow64Side | { problem: string } {
  const found = findWow64Peb(target);
  if ("problem" in found) return found;
  let ntdll32: string | null = null;
  for (const m of target.modules()) {
    if (/\\syswow64\\ntdll\.dll$/i.test(m.path) && m.base.hi === 0) ntdll32 = "ntdll_" + ("00000000" + m.base.lo.toString(16)).slice(-8);
  }
  const view = target.x86View(found.peb32, ntdll32);
  const list = readProcessHeaps(view, found.peb32, heapConstants(4));
  if (list instanceof Unreadable) return { problem: "the 32-bit PEB at " + found.peb32.format(8) + " (from the 32-bit TEB at " + found.teb32.format(8) + ") is unreadable (" + list.describe(8) + ")" };
  return { view, peb32: found.peb32, list };
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
 * Marks what a walk through the 32-bit view found: its heaps' layout words, its blocks' stack records as 4-byte, and
 * "ntdll" in its parts' reasons as the 32-bit ntdll.
 */
function markX86(walk: ProcessHeapWalk, from: number, blocksFrom: number, notWalkedFrom: number): void {
  for (let i = notWalkedFrom; i < walk.notWalked.length; i++) {
    const n = walk.notWalked[i];
    if (/ntdll!/.test(n.reason)) walk.notWalked[i] = { heap: n.heap, part: n.part, address: n.address, reason: n.reason + " (" + WOW64_NTDLL_NOTE + ")" };
  }
  for (let i = from; i < walk.heaps.length; i++) {
    const h = walk.heaps[i];
    // The types the debugger has for "ntdll" are the 64-bit ntdll's: the built-in x86 layouts are used (x86View).
    h.layout = WOW64_LAYOUT + ", x86 layouts built in (the session's ntdll types are the 64-bit ntdll's)" + (h.layout ? "; " + h.layout : "");
  }
  const records = walk.x86Records || (walk.x86Records = new Set<string>());
  for (let i = blocksFrom; i < walk.blocks.length; i++) {
    const r = walk.blocks[i].stackRecord;
    if (r && !r.isNull) records.add(r.key);
  }
}

/**
 * Walks every heap of the process one at a time, so that a progress line can follow a long walk, or only the heap
 * given (the walker checks that it is one). A WOW64 process's 32-bit heaps (its PEB32's list) are walked after the
 * 64-bit ones through a 4-byte view of the same target. A problem line when there is nothing to walk.
 */
export function walkHeaps(target: Target, out: Printer, peb: Address, only: Address | null, options: HeapWalkOptions): HeapRun | { problem: string } {
  const ps = target.pointerSize;
  const list = readProcessHeaps(target, peb, heapConstants(ps));
  if (list instanceof Unreadable) return { problem: messages.unreadable("the PEB's heap list", list.address.format(ps)) };
  const side = isWow64View(target) ? wow64Side(target) : null;
  const wow64 = side && !("problem" in side) ? side : null;
  if (only) {
    // A handle from the 32-bit PEB's list is walked as the 32-bit heap it is.
    const x86 = wow64 !== null && wow64.list.heaps.some((h) => h.equals(only));
    const walk = walkProcessHeaps(x86 && wow64 ? wow64.view : target, options, only);
    if (isHeapWalkFailure(walk)) return { problem: walk.message };
    if (x86) markX86(walk, 0, 0, 0);
    return { walk, heapList: list, imageName: imageNameOf(target), peb, wow64NotWalked: null };
  }
  const joined: ProcessHeapWalk = { free: [], heaps: [], blocks: [], notWalked: [], ust: list.ust };
  if (list.problem) joined.notWalked.push({ heap: peb, part: "PEB heap list", address: peb, reason: list.problem });
  let wow64NotWalked: string | null = null;
  if (side && "problem" in side) {
    wow64NotWalked = messages.heapWow64NotWalked(imageNameOf(target), side.problem);
    joined.notWalked.push({ heap: peb, part: WOW64_PART, address: null, reason: wow64NotWalked });
  }
  if (wow64 && wow64.list.problem) joined.notWalked.push({ heap: wow64.peb32, part: "PEB32 heap list", address: wow64.peb32, reason: wow64.list.problem });
  const sides: { target: Target; heaps: Address[] }[] = [{ target, heaps: list.heaps }];
  if (wow64) sides.push({ target: wow64.view, heaps: wow64.list.heaps });
  const total = sides.reduce((n, s) => n + s.heaps.length, 0);
  let blocks = 0;
  let done = 0;
  const progress = new Progress(out, "Walking heaps", total, false, (d, all) => d + " of " + all + " heaps, " + groupDigits(blocks) + " blocks");
  for (const s of sides) {
    const x86 = s.target !== target;
    const heapsFrom = joined.heaps.length;
    const blocksFrom = joined.blocks.length;
    const notWalkedFrom = joined.notWalked.length;
    if (x86 && wow64) joined.ust = joined.ust || wow64.list.ust;
    for (let i = 0; i < s.heaps.length; i++, done++) {
      const at = done;
      progress.update(at);
      const seen = blocks;
      // Within a large heap the 5-second progress line still comes, with the blocks found so far.
      const withProgress: HeapWalkOptions = {
        includeFree: options.includeFree,
        readFirstPointer: options.readFirstPointer,
        onProgress: (soFar: number) => {
          blocks = seen + soFar;
          progress.update(at);
        },
      };
      const part = walkProcessHeaps(s.target, withProgress, s.heaps[i]);
      blocks = seen;
      if (isHeapWalkFailure(part)) {
        // A listed handle without a heap signature: named, the other heaps still walked.
        joined.notWalked.push({ heap: s.heaps[i], part: x86 ? "heap (" + WOW64_LAYOUT + ")" : "heap", address: s.heaps[i], reason: part.message });
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
    if (x86) markX86(joined, heapsFrom, blocksFrom, notWalkedFrom);
  }
  return { walk: joined, heapList: list, imageName: imageNameOf(target), peb, wow64NotWalked };
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
    // In a WOW64 session the list holds both sides' modules (the 64-bit ntdll and wow64 DLLs, the 32-bit executable,
    // SysWOW64's DLLs): 32-bit frames and vtables fall in the 32-bit images, and `u` names them.
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
