// User mode: the heap block a faulting address falls in, busy or free, and the block before it - the answer
// `!heap -p -a` gives only for page-heap processes. Pure lookup over a ProcessHeapWalk (src/heap/heap-blocks.ts,
// filled by the process heap walker with HeapWalkOptions.includeFree), and its rendering.
import { Address } from "../core/address";
import type { HeapBlock, FreeHeapBlock, ProcessHeapWalk } from "../heap/heap-blocks";
import { sizeText } from "../render/report";

export interface HeapHit {
  busy: boolean;
  /** The user address of the block (HeapAlloc's pointer, or the free block's start). */
  address: Address;
  size: number;
  heap: Address;
  kind: string;
  /** +ust stack record (busy blocks only, when the process has +ust). */
  stackRecord: Address | null;
  /** Where the address lies from the block's start: 0x18 for the 25th byte; past `size` means just after the data. */
  offset: number;
}

export interface HeapBlockLookup {
  containing: HeapHit | null;
  /** The block (busy or free) that ends at or before the address, closest to it, in the same heap when one holds it. */
  before: HeapHit | null;
}

/** Bytes past a block's user data still counted as "that block's": the unused tail and the next block's header. */
const TAIL_SLACK = 0x20;

function hit(b: HeapBlock | FreeHeapBlock, busy: boolean, address: Address): HeapHit {
  const offset = address.distanceFrom(b.address);
  return {
    busy,
    address: b.address,
    size: b.size,
    heap: b.heap,
    kind: b.kind,
    stackRecord: busy ? (b as HeapBlock).stackRecord : null,
    offset: offset === null ? 0 : offset,
  };
}

/**
 * The busy or free block whose data holds `address` (a busy block first: a use of its own data), else the block
 * whose data ends within TAIL_SLACK before it (an overrun past the end lands in the slack and the next header), and
 * the nearest block that ends at or before the containing one starts.
 */
export function blockContaining(walk: ProcessHeapWalk, address: Address): HeapBlockLookup {
  const all: { b: HeapBlock | FreeHeapBlock; busy: boolean }[] = [];
  for (const b of walk.blocks) all.push({ b, busy: true });
  for (const b of walk.free) all.push({ b, busy: false });
  all.sort((x, y) => x.b.address.compare(y.b.address) || (x.busy === y.busy ? 0 : x.busy ? -1 : 1));
  let containing: { b: HeapBlock | FreeHeapBlock; busy: boolean } | null = null;
  for (const e of all) {
    const offset = address.distanceFrom(e.b.address);
    if (offset !== null && offset < Math.max(1, e.b.size)) {
      containing = e;
      break;
    }
  }
  if (!containing) {
    for (const e of all) {
      const offset = address.distanceFrom(e.b.address);
      if (offset !== null && offset < e.b.size + TAIL_SLACK) containing = e;
    }
  }
  const start = containing ? containing.b.address : address;
  let before: { b: HeapBlock | FreeHeapBlock; busy: boolean } | null = null;
  for (const e of all) {
    if (containing && e === containing) continue;
    if (e.b.address.compare(start) >= 0) continue;
    if (containing && !e.b.heap.equals(containing.b.heap)) continue;
    if (!before || e.b.address.compare(before.b.address) > 0) before = e;
  }
  return {
    containing: containing ? hit(containing.b, containing.busy, address) : null,
    before: before ? hit(before.b, before.busy, address) : null,
  };
}

/** The lines !crashtriage prints for a user-mode fault address. */
export function renderHeapLookup(lookup: HeapBlockLookup, address: string, format: (a: Address) => string): string[] {
  const lines: string[] = [];
  const c = lookup.containing;
  if (!c) lines.push(address + " is in no heap block the walk saw (not heap memory, or a part the walk could not read).");
  else {
    const where = c.offset < c.size ? "+0x" + c.offset.toString(16) + " into" : "0x" + (c.offset - c.size).toString(16) + " bytes past the end of";
    lines.push(
      address + " is " + where + " a " + (c.busy ? "busy" : "FREE") + " " + c.kind + " block at " + format(c.address) + " of " + sizeText(c.size) +
        " (heap " + format(c.heap) + ")" + (c.busy ? "" : ": a use after free") + (c.busy && c.offset >= c.size ? ": an overrun of that block" : "") + ".",
    );
    if (c.stackRecord) lines.push("  Allocated by the stack at " + format(c.stackRecord) + " (+ust; dt ntdll!_RTL_STACK_TRACE_ENTRY " + format(c.stackRecord) + ").");
  }
  const b = lookup.before;
  if (b) {
    lines.push(
      "The block before it: " + (b.busy ? "busy" : "free") + " " + b.kind + " block at " + format(b.address) + " of " + sizeText(b.size) +
        (b.busy ? " (an overrun of it would reach this address)" : "") + ".",
    );
    if (b.stackRecord) lines.push("  Allocated by the stack at " + format(b.stackRecord) + " (+ust).");
  }
  return lines;
}
