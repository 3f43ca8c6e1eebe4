// The +ust stack trace records that NT-heap and segment-heap blocks point to (userheap-facts §4.4, RtlpHeapStackTraceLog):
//   x64: Next +0x0, ULONG Hash +0x8, ULONG Depth +0xC, PVOID Frames[Depth] +0x10
//   x86: Next +0x0, ULONG Hash +0x4, ULONG Depth +0x8, PVOID Frames[Depth] +0xC
// Not an _RTL_STACK_TRACE_ENTRY, though Depth overlaps its Index and Frames its BackTrace, which is why HeapStat
// (GetStackTrace: depth at +0xC/+0x8) and DbgHelpUtils (Index as the depth) both read them right. Records are
// de-duplicated on the stack, so one record is one stack: UMDH's BackTrace key.
// Page-heap blocks point to _RTL_STACK_TRACE_ENTRY instead (§4.5: Index +0xC/+0x8, USHORT Depth +0xE/+0xA,
// BackTrace +0x10/+0xC): the same frames offset, the depth in the upper half of the record's Depth DWORD. A record's
// upper half is 0 (Depth <= 32) and an entry's Depth is read only when the DWORD is not a depth, so the two readings
// never disagree.
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { pointer, u16, u32 } from "../core/bytes";
import type { Target } from "../host/target";

/** RtlCaptureStackBackTrace is called with at most 32 frames (DEC RtlpStackTraceDatabaseLogPrefix). */
export const MAX_STACK_DEPTH = 32;

export type StackRecord = { frames: Address[] } | { problem: string };

export function recordOffsets(ps: 4 | 8): { depth: number; frames: number } {
  return ps === 8 ? { depth: 0xc, frames: 0x10 } : { depth: 0x8, frames: 0xc };
}

/** Frames from a record's bytes (at least the header); a problem when the depth is implausible or the bytes short. */
export function decodeStackRecord(bytes: Uint8Array, ps: 4 | 8, at: string): StackRecord {
  const o = recordOffsets(ps);
  if (bytes.length < o.frames) return { problem: "the stack record at " + at + " is cut short" };
  const depth = depthOf(bytes, ps);
  if (depth < 1 || depth > MAX_STACK_DEPTH) return { problem: "the stack record at " + at + " has an implausible depth (" + depth + ")" };
  if (bytes.length < o.frames + depth * ps) return { problem: "the stack record at " + at + " is cut short" };
  const frames: Address[] = [];
  for (let i = 0; i < depth; i++) frames.push(pointer(bytes, o.frames + i * ps, ps));
  return { frames };
}

/** The record's Depth, else an _RTL_STACK_TRACE_ENTRY's USHORT Depth (the DWORD's upper half), else the DWORD. */
function depthOf(bytes: Uint8Array, ps: 4 | 8): number {
  const at = recordOffsets(ps).depth;
  const dword = u32(bytes, at);
  if (dword >= 1 && dword <= MAX_STACK_DEPTH) return dword;
  const entryDepth = u16(bytes, at + 2);
  return entryDepth >= 1 && entryDepth <= MAX_STACK_DEPTH ? entryDepth : dword;
}

/** Reads records, each once: one read of the largest record, and only when that fails the header and its frames. */
export class StackRecordReader {
  private readonly cache = new Map<string, StackRecord>();

  /** `x86Records`: records of a WOW64 process's 32-bit heaps (ProcessHeapWalk.x86Records), read with 4-byte frames. */
  constructor(private readonly target: Target, private readonly x86Records?: Set<string>) {}

  read(record: Address): StackRecord {
    const cached = this.cache.get(record.key);
    if (cached) return cached;
    const ps = this.x86Records && this.x86Records.has(record.key) ? 4 : this.target.pointerSize;
    const o = recordOffsets(ps);
    const at = record.format(ps);
    let result: StackRecord;
    const whole = this.target.memory.read(record, o.frames + MAX_STACK_DEPTH * ps, "stack trace record", false);
    if (!(whole instanceof Unreadable)) {
      result = decodeStackRecord(whole, ps, at);
    } else {
      // The record may end just before an unreadable page: read what it says it holds.
      const header = this.target.memory.read(record, o.frames, "stack trace record");
      if (header instanceof Unreadable) result = { problem: header.describe(ps) };
      else {
        const depth = depthOf(header, ps);
        if (depth < 1 || depth > MAX_STACK_DEPTH) result = decodeStackRecord(header, ps, at);
        else {
          const all = this.target.memory.read(record, o.frames + depth * ps, "stack trace record");
          result = all instanceof Unreadable ? { problem: all.describe(ps) } : decodeStackRecord(all, ps, at);
        }
      }
    }
    this.cache.set(record.key, result);
    return result;
  }
}
