// The crashing thread's kernel stack bounds, from its _KTHREAD (one read of InitialStack, StackLimit, StackBase).
// Pure: the caller reads the bytes from the first field's offset to the end of the last.
import { Address } from "../core/address";
import { pointer } from "../core/bytes";
import { ResolvedLayout } from "../layouts/types";
import { MAX_KERNEL_STACK_BYTES } from "../layouts/thread";

export interface ThreadStack {
  thread: Address;
  /** Lowest address of the stack (inclusive). */
  limit: Address;
  /** One past the highest address (the stack grows down from here). */
  base: Address;
  initial: Address;
}

/** The byte range of the thread object to read: from the lowest field's offset to the end of the highest. */
export function threadStackSpan(layout: ResolvedLayout, pointerSize: 4 | 8): { offset: number; length: number } {
  const offsets = ["InitialStack", "StackLimit", "StackBase"].map((f) => layout.offsets[f]);
  const first = Math.min.apply(null, offsets);
  return { offset: first, length: Math.max.apply(null, offsets) + pointerSize - first };
}

/**
 * The bounds, or why they are not believable: StackLimit below StackBase, no more than MAX_KERNEL_STACK_BYTES apart,
 * InitialStack inside (StackLimit, StackBase]. A thread object that fails these is not a live thread's, or is damaged.
 */
export function decodeThreadStack(thread: Address, bytes: Uint8Array, layout: ResolvedLayout, pointerSize: 4 | 8): ThreadStack | { problem: string } {
  const from = threadStackSpan(layout, pointerSize).offset;
  const field = (name: string) => pointer(bytes, layout.offsets[name] - from, pointerSize);
  const limit = field("StackLimit");
  const base = field("StackBase");
  const initial = field("InitialStack");
  const span = base.distanceFrom(limit);
  if (span === null || span === 0 || span > MAX_KERNEL_STACK_BYTES) {
    return { problem: "StackLimit " + limit.format(pointerSize) + " and StackBase " + base.format(pointerSize) + " do not bound a kernel stack" };
  }
  const belowInitial = initial.distanceFrom(limit);
  if (belowInitial === null || belowInitial === 0 || initial.compare(base) > 0) {
    return { problem: "InitialStack " + initial.format(pointerSize) + " is not inside the stack it bounds" };
  }
  return { thread, limit, base, initial };
}
