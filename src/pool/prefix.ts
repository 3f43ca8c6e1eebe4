// The readable start of a large kernel table whose declared size may be absurd (a corrupt nt!PoolTrackTableSize or
// nt!PoolBigPageTableSize): the table is read whole when it reads; otherwise in 64 KB steps up to the first hole,
// then page by page inside that step, so a size of 2^64-1 costs a handful of reads, not one per page of the claim.
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import type { Target } from "../host/target";
import { groupDigits } from "../render/format";

/** Bytes per step once the whole read failed: 16 pages, so the page-by-page pass after a hole is at most 16 reads. */
const STEP = 0x10000;
const PAGE = 0x1000;

/** The whole table, or its readable prefix (possibly empty) with the address where reading stopped. */
function readTablePrefix(target: Target, at: Address, size: number, what: string): { bytes: Uint8Array; stoppedAt: Address | null } {
  const whole = target.memory.read(at, size, what, false);
  if (!(whole instanceof Unreadable)) return { bytes: whole, stoppedAt: null };
  const pieces: Uint8Array[] = [];
  let done = 0;
  let stoppedAt: Address | null = null;
  while (done < size && stoppedAt === null) {
    const n = Math.min(STEP, size - done);
    const step = target.memory.read(at.add(done), n, what, false);
    if (!(step instanceof Unreadable)) {
      pieces.push(step);
      done += n;
      continue;
    }
    // The hole is somewhere in this step: keep its readable pages.
    for (let p = 0; p < n; p += PAGE) {
      const page = target.memory.read(at.add(done), Math.min(PAGE - ((at.lo + done) % PAGE), size - done), what, false);
      if (page instanceof Unreadable) {
        stoppedAt = at.add(done);
        break;
      }
      pieces.push(page);
      done += page.length;
    }
  }
  const bytes = new Uint8Array(done);
  let o = 0;
  for (const p of pieces) {
    bytes.set(p, o);
    o += p.length;
  }
  return { bytes, stoppedAt };
}

/**
 * A table of `entries` records of `stride` bytes (`name` says what it is: "the tag table"): the records that read,
 * and when not all did, a problem line naming where reading stopped.
 */
export function readTableEntries(
  target: Target,
  at: Address,
  entries: number,
  stride: number,
  what: string,
  name: string,
): { bytes: Uint8Array; entries: number; problem: string | null } {
  const prefix = readTablePrefix(target, at, entries * stride, what);
  if (!prefix.stoppedAt) return { bytes: prefix.bytes, entries, problem: null };
  const readable = Math.floor(prefix.bytes.length / stride);
  const problem =
    readable === 0
      ? name + " at " + target.formatAddress(at) + " (" + groupDigits(entries) + " entries) is unreadable"
      : name + " at " + target.formatAddress(at) + " is readable for " + groupDigits(readable) + " of " + groupDigits(entries) + " entries (unreadable from " + target.formatAddress(prefix.stoppedAt) + ")";
  return { bytes: prefix.bytes, entries: readable, problem };
}

/** A count read from the target, exact: decimal up to 2^53, hexadecimal above (a number would round it). */
export function exactCount(bytes: Uint8Array, offset: number, size: number): string {
  let hi = 0;
  let lo = 0;
  for (let i = size - 1; i >= 0; i--) {
    if (i >= 4) hi = hi * 256 + bytes[offset + i];
    else lo = lo * 256 + bytes[offset + i];
  }
  const value = hi * 0x100000000 + lo;
  if (value <= Number.MAX_SAFE_INTEGER) return String(value);
  return new Address(hi, lo).toString();
}
