// The 32-bit PEB of a WOW64 process seen through its 64-bit view, so that its 32-bit heaps (PEB32.ProcessHeaps) can be
// walked with the x86 layouts over the same memory (Target.x86View).
//
// Where it is: the 32-bit TEB lies at TEB64 + ROUND_TO_PAGES(sizeof(TEB64)), 0x2000 on x64 (WOW64_GET_TEB32 in
// wow64's own headers as phnt ntwow64.h and the NT sources quote them), and TEB64.NtTib.ExceptionList holds its address
// too (WOW64_TEB32_POINTER_ADDRESS, same headers). The TEB32 is checked by its own NT_TIB.Self (+0x18, x86 NT_TIB:
// ExceptionList, StackBase, StackLimit, SubSystemTib, FiberData, ArbitraryUserPointer, Self), and its
// ProcessEnvironmentBlock (+0x30) is the PEB32 (research/userheap-facts.md §1: HeapStat's GetPebAddress reads it the
// same way). The PEB32's fields are the x86 _PEB's (research/layouts.md §1.5: NtGlobalFlag 0x68, NumberOfHeaps 0x88,
// ProcessHeaps 0x90).
import { Address } from "../core/address";
import { u32 } from "../core/bytes";
import { Unreadable } from "../core/missing";
import type { Target } from "../host/target";
import { isPlausibleUserAddress } from "./virtual-blocks";

/** WOW64_GET_TEB32: ROUND_TO_PAGES(sizeof(TEB64)), 0x1818 (Windows 7) to 0x1838 (Windows 10/11) rounded up. */
export const TEB32_FROM_TEB64 = 0x2000;
const TIB32_SELF = 0x18;
const TEB32_PEB = 0x30;

export interface Wow64Peb {
  teb32: Address;
  peb32: Address;
}

/** The PEB32 through the current thread's TEB64, or why it could not be found. */
export function findWow64Peb(target: Target): Wow64Peb | { problem: string } {
  const teb64 = target.tebAddress();
  if (!teb64) return { problem: "the current thread's TEB is not known (neither its EnvironmentBlock nor @$teb)" };
  const candidates: Address[] = [teb64.add(TEB32_FROM_TEB64)];
  // TEB64.NtTib.ExceptionList: the same TEB32 by the second route, used when the first does not check.
  const link = target.memory.read(teb64, 8, "TEB64.NtTib.ExceptionList");
  if (!(link instanceof Unreadable)) {
    const other = new Address(u32(link, 4), u32(link, 0));
    if (!other.isNull && !other.equals(candidates[0])) candidates.push(other);
  }
  let why = "";
  for (const teb32 of candidates) {
    const bytes = target.memory.read(teb32, TEB32_PEB + 4, "TEB32");
    if (bytes instanceof Unreadable) {
      why = why || "the 32-bit TEB at " + teb32.format(8) + " is unreadable (" + bytes.describe(8) + ")";
      continue;
    }
    if (teb32.hi !== 0 || u32(bytes, TIB32_SELF) !== teb32.lo) {
      why = why || "the 32-bit TEB expected at " + teb32.format(8) + " does not point to itself (NT_TIB.Self is 0x" + u32(bytes, TIB32_SELF).toString(16) + ")";
      continue;
    }
    const peb32 = new Address(0, u32(bytes, TEB32_PEB));
    if (!isPlausibleUserAddress(peb32, 4)) return { problem: "the 32-bit TEB at " + teb32.format(8) + " gives 0x" + peb32.toHex() + " as its PEB, not a 32-bit user address" };
    return { teb32, peb32 };
  }
  return { problem: why };
}
