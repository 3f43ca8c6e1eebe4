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
  | "freed-special-pool"
  | "beyond-special-pool"
  | "kernel";

export interface AddressKind {
  kind: AddressKindName;
  /** In words, for the verdict: "an invalid address (-1)", "a NULL pointer +0x28", "user space". */
  text: string;
}

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
  if (facts.stackPointer) {
    const above = address.distanceFrom(facts.stackPointer);
    const below = facts.stackPointer.distanceFrom(address);
    if ((above !== null && above < STACK_WINDOW) || (below !== null && below < STACK_WINDOW)) {
      return { kind: "stack", text: "this thread's kernel stack (near rsp)" };
    }
  }
  return { kind: "kernel", text: "a kernel address outside every module: pool or another mapping" };
}
