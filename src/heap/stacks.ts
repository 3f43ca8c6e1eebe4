// Allocation stacks of virtual blocks from the user-mode stack trace database (`gflags +ust`): each distinct
// _RTL_STACK_TRACE_ENTRY read once, blocks grouped by their frames, each distinct frame symbolized once.
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { pointer, u16, u32 } from "../core/bytes";
import type { Target } from "../host/target";
import { StackTraceLayout } from "../layouts/heap";
import { VirtualBlock } from "./virtual-blocks";

export type Trace = { frames: Address[] } | { problem: string };

export interface StackGroup {
  /** Frame addresses, innermost first; empty when `problem` says why there is no stack. */
  frames: Address[];
  problem: string | null;
  blocks: VirtualBlock[];
  totalBytes: number;
}

/** Reads stack trace entries, each once; resolves AllocatorBackTraceIndex through RtlpStackTraceDataBase. */
export class TraceReader {
  private readonly traces = new Map<string, Trace>();
  private database: { added: number; indexArray: Address } | Unreadable | null | undefined;

  constructor(private readonly target: Target, private readonly layout: StackTraceLayout) {}

  traceOf(block: VirtualBlock): Trace {
    if (block.trace) return this.read(block.trace);
    if (block.traceIndex) {
      const entry = this.entryForIndex(block.traceIndex);
      if (entry instanceof Address) return this.read(entry);
      return { problem: entry };
    }
    return { problem: "no stack recorded for this block" };
  }

  private read(address: Address): Trace {
    const cached = this.traces.get(address.key);
    if (cached) return cached;
    const ps = this.target.pointerSize;
    const l = this.layout;
    const bytes = this.target.memory.read(address, l.entrySize, "_RTL_STACK_TRACE_ENTRY");
    let trace: Trace;
    if (bytes instanceof Unreadable) {
      trace = { problem: bytes.describe(ps) };
    } else {
      // Depth, else the Index slot that HS/DLG read for +ust entries (§1.7, unconfirmed); never above 32.
      let depth = u16(bytes, l.entryDepth);
      if (depth < 1 || depth > l.maxDepth) depth = u16(bytes, l.entryIndex);
      if (depth < 1 || depth > l.maxDepth) {
        trace = { problem: "the stack trace entry at " + address.format(ps) + " has an implausible depth" };
      } else {
        const frames: Address[] = [];
        for (let i = 0; i < depth; i++) frames.push(pointer(bytes, l.entryBackTrace + i * ps, ps));
        trace = { frames };
      }
    }
    this.traces.set(address.key, trace);
    return trace;
  }

  /** `entry = *(EntryIndexArray - index * ptrsize)`, valid for 0 < index <= NumberOfEntriesAdded (§1.6). */
  private entryForIndex(index: number): Address | string {
    const ps = this.target.pointerSize;
    if (this.database === undefined) {
      const db = this.target.readGlobalPointer("ntdll", "RtlpStackTraceDataBase");
      if (db === null || db instanceof Unreadable || db.isNull) {
        this.database = db instanceof Unreadable ? db : null;
      } else {
        const bytes = this.target.memory.read(db, this.layout.dbEntryIndexArray + ps, "_STACK_TRACE_DATABASE");
        this.database = bytes instanceof Unreadable
          ? bytes
          : { added: u32(bytes, this.layout.dbNumberOfEntriesAdded), indexArray: pointer(bytes, this.layout.dbEntryIndexArray, ps) };
      }
    }
    const db = this.database;
    if (db === null) return "ntdll!RtlpStackTraceDataBase was not found (symbols for ntdll are needed for trace indexes)";
    if (db instanceof Unreadable) return db.describe(ps);
    if (index > db.added) return "trace index " + index + " is beyond NumberOfEntriesAdded (" + db.added + ")";
    const slot = this.target.memory.readPointer(db.indexArray.subtract(index * ps), "EntryIndexArray slot");
    if (slot instanceof Unreadable) return slot.describe(ps);
    return slot;
  }
}

/** Groups blocks by their frames (or by why they have none), largest total user bytes first. */
export function groupByStack(blocks: VirtualBlock[], reader: TraceReader): StackGroup[] {
  const groups = new Map<string, StackGroup>();
  for (const block of blocks) {
    const trace = reader.traceOf(block);
    const frames = "frames" in trace ? trace.frames : [];
    const problem = "problem" in trace ? trace.problem : null;
    const key = problem !== null ? "?" + problem : frames.map((f) => f.key).join(",");
    let group = groups.get(key);
    if (!group) {
      group = { frames, problem, blocks: [], totalBytes: 0 };
      groups.set(key, group);
    }
    group.blocks.push(block);
    group.totalBytes += block.userSize;
  }
  const list: StackGroup[] = [];
  groups.forEach((g) => list.push(g));
  return list.sort((a, b) => b.totalBytes - a.totalBytes || b.blocks.length - a.blocks.length);
}

/** `module!symbol+0x..`; `module+0x..` without a symbol; outside every module: JIT code, with the SOS hint. */
export function describeFrame(target: Target, frame: Address): { text: string; jit: boolean } {
  const ps = target.pointerSize;
  const module = target.moduleContaining(frame);
  // Without a module list (a dump without loader data) "outside every module" says nothing: symbolize only.
  if (!module && target.modules().length === 0) {
    const symbol = target.symbolize(frame).symbol;
    return { text: symbol || frame.format(ps), jit: false };
  }
  if (!module) return { text: frame.format(ps) + " (JIT? !ip2md " + frame.format(ps) + ")", jit: true };
  const symbol = target.symbolize(frame).symbol;
  if (symbol) return { text: symbol, jit: false };
  const offset = frame.distanceFrom(module.base);
  return { text: module.name + "+0x" + (offset === null ? "?" : offset.toString(16)), jit: false };
}

/**
 * Modules whose frames are the allocator, never the caller: the heap itself (ntdll), its Win32 front ends
 * (kernel32, kernelbase) and the C runtimes' malloc/new (msvcrt, ucrtbase, msvcrNNN, vcruntimeNNN).
 */
const ALLOCATOR_MODULES = /^(ntdll|kernel32|kernelbase|msvcrt|ucrtbased?|msvcr\d+d?|vcruntime\d+d?)[!+]/i;
/** Functions named as allocation wrappers (halcon!HXmalloc, HXAllocTmp, operator new, xmalloc): a name heuristic. */
const WRAPPER_NAME = /!(?:[^+]*(?:alloc|malloc|operator new)[^+]*)\+/i;

/**
 * The caller of an allocation stack, innermost first: the first frame outside the allocator modules and outside
 * functions whose names say they allocate (a heuristic, said so in the README). When every frame is one of those,
 * the first frame past the allocator modules, else the innermost frame; null for an empty stack.
 */
export function callerFrame(frames: string[]): string | null {
  const outside = frames.filter((f) => !ALLOCATOR_MODULES.test(f));
  const caller = outside.filter((f) => !WRAPPER_NAME.test(f))[0];
  return caller || outside[0] || frames[0] || null;
}
