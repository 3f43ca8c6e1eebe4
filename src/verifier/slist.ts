// The first entry of an SLIST_HEADER (layouts.md §4, "SLIST pointer decoding"):
//   x86: Next at +0.
//   x64 Win8+ (HeaderX64) and Win7 Header16 (HeaderType, bit 0 of the second qword, is 1): second qword & ~0xF.
//   Win7 legacy Header8 (HeaderType 0): NextEntry is bits 25-63 of the first qword, shifted left by 4.
// Entries after the first are linked through SLIST_ENTRY.Next, a plain pointer at +0 of each entry.
import { Address } from "../core/address";
import { u32, u64Address } from "../core/bytes";

const WIN8 = 9200;

/** `bytes` holds the header (8 bytes on x86, 16 on x64); `at` is its address. Null for an empty list. */
export function slistFirst(bytes: Uint8Array, offset: number, pointerSize: 4 | 8, build: number | null, at: Address): Address | null {
  if (pointerSize === 4) {
    const next = new Address(0, u32(bytes, offset));
    return next.isNull ? null : next;
  }
  const second = u64Address(bytes, offset + 8);
  const header16 = (second.lo & 1) === 1 || (build !== null && build >= WIN8);
  let next: Address;
  if (header16) {
    next = second.and(0xffffffff, 0xfffffff0);
  } else {
    // Header8: 39 bits of NextEntry (>> 4). The bits above 43 are not stored: Win7 x64's kernel space is the top
    // 8 TB (fffff800`00000000 up), so a header in kernel space links kernel entries (assumption, not in §4).
    const first = u64Address(bytes, offset);
    const entry = first.hi * 128 + (first.lo >>> 25); // bits 25..63 as a number (39 bits, exact)
    const low = Address.fromNumber(entry * 16);
    next = at.hi >= 0xfffff800 && !low.isNull ? new Address(low.hi | 0xfffff800, low.lo) : low;
  }
  return next.isNull ? null : next;
}
