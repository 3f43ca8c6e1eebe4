// Every heap of the current process (PEB.ProcessHeaps), each dispatched by its signature to its walker: NT heaps to
// walkNtHeap, segment heaps to walkSegmentHeap (user-segment-heap.ts), full page heaps (+hpa) to walkPageHeap. Sources:
// research/userheap-facts.md §0.1 item 1, §1 (signatures at heap+0x10 x64 / +0x8 x86), §6 (page heap).
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { u32 } from "../core/bytes";
import { messages } from "../core/messages";
import type { Target } from "../host/target";
import { isLayoutMissing } from "../layouts/resolve";
import {
  DPH_ROOT_SIGNATURE,
  FLG_USER_STACK_TRACE_DB,
  HEAP_FLAG_PAGE_ALLOCS,
  NT_HEAP,
  NT_HEAP_SIGNATURE,
  SEGMENT_HEAP_SIGNATURE,
  heapConstants,
} from "../layouts/heap";
import { HeapType, HeapWalkOptions, HeapWalkPart, ProcessHeapWalk } from "./heap-blocks";
import { isPlausibleUserAddress, readProcessHeaps } from "./virtual-blocks";
import { resolveNtHeapLayouts, walkNtHeap, NtHeapLayouts, ntHeapHeaderSize } from "./nt-heap";
import { LayoutMissing } from "../layouts/types";
import { walkSegmentHeap } from "./user-segment-heap";
import { walkPageHeap } from "./nt-heap-page";

/** Why there is no walk at all: a kernel session, no PEB, a heap handle that is not a heap. */
export interface HeapWalkFailure {
  kind: "heapWalkFailed";
  message: string;
}

export function isHeapWalkFailure(value: unknown): value is HeapWalkFailure {
  return typeof value === "object" && value !== null && (value as HeapWalkFailure).kind === "heapWalkFailed";
}

/** What the signature says a heap handle is. */
export interface HeapKind {
  type: HeapType;
  /** For Unknown: why it is not a heap. */
  reason: string | null;
}

/**
 * The heap at `heap` by its signature: 0xFFEEFFEE NT heap (a page heap when ForceFlags has HEAP_FLAG_PAGE_ALLOCS and
 * its DPH root, one page on, is signed 0xFFEEDDCC), 0xDDEEDDEE segment heap, else a page heap's fake handle or not a
 * heap (MemProcFS VmmHeap_InitializeInternal, ntoseye classify, DbgHelpUtils is_process_heap; ReactOS
 * RtlpDphPointerFromHandle).
 */
export function classifyHeap(target: Target, heap: Address, forceFlagsOffset: number | null, headerSize = 0): HeapKind {
  const ps = target.pointerSize;
  const c = heapConstants(ps);
  const size = Math.max(c.signatureOffset + 4, forceFlagsOffset === null ? 0 : forceFlagsOffset + 4);
  // The whole _HEAP header when it reads (cached: the NT walker's own read of it is then free), else the signature.
  const whole = headerSize > size ? target.memory.read(heap, headerSize, "_HEAP") : null;
  const bytes = whole && !(whole instanceof Unreadable) ? whole : target.memory.read(heap, size, "heap signature");
  if (bytes instanceof Unreadable) return { type: "Unknown", reason: "its first bytes are unreadable (" + bytes.describe(ps) + ")" };
  const signature = u32(bytes, c.signatureOffset);
  if (signature === SEGMENT_HEAP_SIGNATURE) return { type: "Segment", reason: null };
  // ForceFlags' page-heap bit makes it a page heap even when its root is damaged: the page-heap walk names that.
  const pageHeapFlag = signature === NT_HEAP_SIGNATURE && forceFlagsOffset !== null && (u32(bytes, forceFlagsOffset) & HEAP_FLAG_PAGE_ALLOCS) !== 0;
  if (pageHeapFlag) return { type: "PageHeap", reason: null };
  if (signature !== NT_HEAP_SIGNATURE) {
    const root = target.memory.read(heap.add(0x1000), 4, "page heap root");
    if (!(root instanceof Unreadable) && u32(root, 0) === DPH_ROOT_SIGNATURE) return { type: "PageHeap", reason: null };
  }
  if (signature === NT_HEAP_SIGNATURE) return { type: "NT", reason: null };
  return {
    type: "Unknown",
    reason: "the signature at +0x" + c.signatureOffset.toString(16) + " is 0x" + signature.toString(16) +
      ": neither an NT heap (0xffeeffee) nor a segment heap (0xddeeddee), and no page-heap root (0xffeeddcc) one page on",
  };
}

/**
 * Walks every heap of the current process, or only `onlyHeap`. A kernel session, a missing PEB and a handle that is
 * not a heap are failures with a message; everything else comes back, with what could not be walked in notWalked.
 */
export function walkProcessHeaps(target: Target, options: HeapWalkOptions, onlyHeap?: Address): ProcessHeapWalk | HeapWalkFailure {
  const fail = (message: string): HeapWalkFailure => ({ kind: "heapWalkFailed", message });
  if (target.isKernel) return fail(messages.heapWalkKernel());
  const ps = target.pointerSize;
  const peb = target.pebAddress();
  if (!peb) return fail(messages.virtblocksNoPeb());
  const process = readProcessHeaps(target, peb, heapConstants(ps));
  if (process instanceof Unreadable) return fail(messages.unreadable("the PEB's heap list", process.address.format(ps)).replace("; the rest is shown.", "."));
  const result: ProcessHeapWalk = { free: [], heaps: [], blocks: [], notWalked: [], ust: (process.ntGlobalFlag & FLG_USER_STACK_TRACE_DB) !== 0 };
  if (process.problem) result.notWalked.push({ heap: peb, part: "PEB heap list", address: peb, reason: process.problem });
  const build = target.windowsBuild();
  const layouts: NtHeapLayouts | LayoutMissing = resolveNtHeapLayouts(target, build);
  const forceFlags = isLayoutMissing(layouts) ? null : layouts.heap.offsets.ForceFlags;
  const headerSize = isLayoutMissing(layouts) ? 0 : ntHeapHeaderSize(layouts, ps);
  let heaps = process.heaps;
  if (onlyHeap) {
    // As the user typed it (a dx number), with the handles that would work, so that one can be pasted back.
    const notAHeap = (why: string) => fail(messages.heapWalkNotAHeap("0x" + onlyHeap.toHex(), why, heaps.map((h) => "0x" + h.toHex())));
    if (onlyHeap.isNull || !isPlausibleUserAddress(onlyHeap, ps)) return notAHeap("not a user-mode address of this process");
    const listed = heaps.some((h) => h.equals(onlyHeap));
    // A handle the PEB lists is the process's heap even when damaged: walked (and named not walked) like the others,
    // so a caller walking the heaps one by one gets the same answer as a walk of them all.
    const kind = classifyHeap(target, onlyHeap, forceFlags, headerSize);
    if (kind.type === "Unknown" && !listed) return notAHeap(kind.reason || "no heap signature");
    if (!listed) result.notWalked.push({ heap: onlyHeap, part: "PEB heap list", address: peb, reason: messages.heapWalkNotInPeb(onlyHeap.format(ps)) });
    heaps = [onlyHeap];
  }
  for (const heap of heaps) {
    const kind = classifyHeap(target, heap, forceFlags, headerSize);
    let part: HeapWalkPart;
    try {
      part = walkOne(target, heap, kind, layouts, options);
    } catch (e) {
      // Target data never throws in the walkers; this keeps a bug in one heap from losing the others.
      part = emptyPart(heap, kind.type, "", "heap", "the walk stopped on an internal error: " + String(e));
    }
    result.heaps.push(part.summary);
    for (const b of part.blocks) result.blocks.push(b);
    for (const f of part.free) result.free.push(f);
    for (const n of part.notWalked) result.notWalked.push(n);
  }
  return result;
}

function walkOne(target: Target, heap: Address, kind: HeapKind, layouts: NtHeapLayouts | LayoutMissing, options: HeapWalkOptions): HeapWalkPart {
  const ps = target.pointerSize;
  switch (kind.type) {
    case "NT":
      if (isLayoutMissing(layouts)) return emptyPart(heap, "NT", "", "heap", messages.heapWalkNoLayout(layouts.typeName + ": " + layouts.reason));
      return walkNtHeap(target, heap, layouts, options);
    case "Segment":
      return walkSegmentHeap(target, heap, options);
    case "PageHeap":
      return walkPageHeap(target, heap, options);
    default:
      return emptyPart(heap, "Unknown", "", "heap", kind.reason || "not a heap");
  }
}

function emptyPart(heap: Address, type: HeapType, layout: string, part: string, reason: string): HeapWalkPart {
  return {
    summary: { heap, type, lfh: false, blocks: 0, bytes: 0, layout },
    blocks: [],
    free: [],
    notWalked: [{ heap, part, address: heap, reason }],
  };
}

/** For the commands: the _HEAP layout's spec, so a layout line can be printed before the walk. */
export { NT_HEAP };
