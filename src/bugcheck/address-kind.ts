// What a referenced address is, as far as the address itself and a few facts the triage already has can tell:
// the answer a 0x50/0xD1/0x7E verdict gives after "reading ffffffff`ffffffff". Pure; no target access.
import { Address } from "../core/address";

export interface AddressFacts {
  pointerSize: 4 | 8;
  /** Loaded modules (lm names). */
  modules: { name: string; fileName: string; base: Address; size: number }[];
  /** Ranges of unloaded drivers (MmUnloadedDrivers), when read. */
  unloaded: { name: string; start: Address; end: Address }[];
  /** The faulting thread's stack pointer, when a context or trap frame gave it. */
  stackPointer: Address | null;
  /** The crashing thread's stack bounds from its _KTHREAD (bugcheck/thread-stack.ts), when read. */
  threadStack?: { limit: Address; base: Address } | null;
  /** True when the bugcheck itself says the address is in freed special pool (0xCC, 0xD5). */
  freedSpecialPool?: boolean;
  /** True when the bugcheck says the reference went past the end of a special pool allocation (0xCD, 0xD6). */
  beyondSpecialPool?: boolean;
}

export type AddressKindName =
  | "null"
  | "minus-one"
  | "non-canonical"
  | "user"
  | "module"
  | "unloaded-module"
  | "stack"
  | "stack-overflow"
  | "freed-special-pool"
  | "beyond-special-pool"
  | "big-pool"
  | "pool-block"
  | "pool-free"
  | "kernel";

export interface AddressKind {
  kind: AddressKindName;
  /** In words, for the verdict: "an invalid address (-1)", "a NULL pointer +0x28", "user space". */
  text: string;
  /** For a pool block: its header and size, for a `db` to copy. */
  block?: { header: Address; size: number };
}

/** The guard page an overflowing x64 kernel stack runs into lies right below StackLimit (one 4 KB page). */
const STACK_GUARD = 0x1000;

/** The NULL page: Windows never maps the first 64 KB (MmLowestUserAddress is 0x10000). */
const NULL_REGION = 0x10000;
/** x64 kernel stacks are KERNEL_STACK_SIZE = 0x6000 (ntddk.h); up to it on either side of rsp is this thread's stack. */
const STACK_WINDOW = 0x6000;

export function classifyAddress(address: Address, facts: AddressFacts): AddressKind {
  const is64 = facts.pointerSize === 8;
  if (address.hi === 0 && address.lo < NULL_REGION) {
    return { kind: "null", text: "a NULL pointer" + (address.lo ? " +0x" + address.lo.toString(16) : "") + ": the first 64 KB are never mapped" };
  }
  if (is64 ? address.hi === 0xffffffff && address.lo === 0xffffffff : address.hi === 0 && address.lo === 0xffffffff) {
    return { kind: "minus-one", text: "an invalid address: -1, an uninitialised or poisoned pointer" };
  }
  // x64 canonical addresses: bits 63..47 all equal (48-bit virtual addresses; LA57 extends it, and then such an
  // address is canonical only on a 5-level paging machine, which the message allows for).
  if (is64 && address.hi >= 0x8000 && address.hi < 0xffff8000) {
    return { kind: "non-canonical", text: "a non-canonical address (no valid pointer looks like this: garbage or a corrupted pointer)" };
  }
  if (facts.freedSpecialPool) return { kind: "freed-special-pool", text: "freed special pool (a use after free, caught)" };
  if (facts.beyondSpecialPool) return { kind: "beyond-special-pool", text: "just past the end of a special pool allocation (an overrun, caught)" };
  const userTop = is64 ? address.hi < 0x8000 : address.lo < 0x80000000;
  if (userTop) return { kind: "user", text: "user space (a kernel reference to a user address, or a user pointer used without probing)" };
  for (const m of facts.modules) {
    const offset = address.distanceFrom(m.base);
    if (offset !== null && offset < m.size) return { kind: "module", text: "inside " + m.fileName + " (" + m.name + "+0x" + offset.toString(16) + ")" };
  }
  for (const u of facts.unloaded) {
    if (address.compare(u.start) >= 0 && address.compare(u.end) < 0) {
      return { kind: "unloaded-module", text: "inside the range " + u.name + " occupied before it was unloaded (code or data of an unloaded driver)" };
    }
  }
  if (facts.threadStack) {
    const { limit, base } = facts.threadStack;
    if (address.compare(limit) >= 0 && address.compare(base) < 0) {
      const fromTop = base.distanceFrom(address);
      return { kind: "stack", text: "the crashing thread's kernel stack (0x" + (fromTop || 0).toString(16) + " below its StackBase)" };
    }
    const under = limit.distanceFrom(address);
    if (under !== null && under > 0 && under <= STACK_GUARD) {
      return { kind: "stack-overflow", text: "just below the crashing thread's stack (0x" + under.toString(16) + " under its StackLimit, the guard page): most likely a kernel stack overflow" };
    }
  }
  if (facts.stackPointer) {
    const above = address.distanceFrom(facts.stackPointer);
    const below = facts.stackPointer.distanceFrom(address);
    if ((above !== null && above < STACK_WINDOW) || (below !== null && below < STACK_WINDOW)) {
      return { kind: "stack", text: "this thread's kernel stack (near rsp)" };
    }
  }
  return { kind: "kernel", text: "a kernel address outside every module: pool or another mapping" };
}

/**
 * Where in the pool a kernel address is, as the pool's own records showed it (the lookup is the caller's): a big
 * allocation of nt!PoolBigPageTable, a busy block of a pool page or segment-heap subsegment, or pool that no busy
 * block holds. `owner` is the driver whose code uses the tag (what !leaktag finds), when one was found.
 */
export type PoolPlace =
  | { kind: "big"; address: Address; size: number; offset: number; tag: string; pool: "NonPaged" | "Paged"; owner: string | null }
  | { kind: "block"; header: Address; size: number; offset: number; tag: string; owner: string | null; method: "segment heap" | "pool page" }
  | { kind: "free-block"; header: Address; size: number; offset: number; tag: string }
  | { kind: "unused"; subsegment: Address };

/** The verdict's words for a pool place: what the address is and, for a busy block, whose tag it carries. */
export function describePoolPlace(place: PoolPlace, format: (a: Address) => string, sizeText: (n: number) => string): AddressKind {
  const by = (owner: string | null) => (owner ? ", allocated by " + owner : "");
  switch (place.kind) {
    case "big":
      return {
        kind: "big-pool",
        text: "+0x" + place.offset.toString(16) + " into a " + place.pool + " big pool allocation at " + format(place.address) + " of " + sizeText(place.size) + ", tag '" + place.tag + "'" + by(place.owner),
      };
    case "block":
      return {
        kind: "pool-block",
        block: { header: place.header, size: place.size },
        text: offsetWords(place.offset) + " the pool header at " + format(place.header) + ", a busy block of " + sizeText(place.size) + ", tag '" + place.tag + "'" + by(place.owner),
      };
    case "free-block":
      // The old pool keeps a freed block's header, tag included: the tag of whoever freed it last.
      return {
        kind: "pool-free",
        block: { header: place.header, size: place.size },
        text: offsetWords(place.offset) + " the pool header at " + format(place.header) + ", a FREE block of " + sizeText(place.size) + " (last tag '" + place.tag + "'): a use after free",
      };
    case "unused":
      return {
        kind: "pool-free",
        text: "pool in no busy block of the subsegment at " + format(place.subsegment) + ": freed or never-allocated pool (a use after free, or a stale pointer)",
      };
  }
}

/** "+0x18 from": an offset from a pool header; a negative one is the segment heap's chunk header in front of it. */
function offsetWords(offset: number): string {
  return offset >= 0 ? "+0x" + offset.toString(16) + " from" : "in the chunk header 0x" + (-offset).toString(16) + " bytes before";
}
