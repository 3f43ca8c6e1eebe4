// The verifier's record of a driver's outstanding pool (layouts.md §4). `_VF_TARGET_VERIFIED_DRIVER_DATA` holds
// PoolPageHeaders, an SLIST of whole pages; each page is an array of `_VI_POOL_ENTRY`: entry 0 is the page header
// (NextPage at +0), entries 1..N describe allocations. An entry is in use iff NumberOfBytes is even (sizes are
// ULONG-rounded; free entries hold 1) and VirtualAddress is not 0; VirtualAddress bit 0 is a transient marker.
import { Address } from "../core/address";
import { pointer, unsigned, u32 } from "../core/bytes";
import { PAGE_SIZE } from "../core/limits";
import { Unreadable } from "../core/missing";
import { ResolvedLayout } from "../layouts/types";
import type { Target } from "../host/target";
import { workLimit } from "../core/limits";
import { slistFirst } from "./slist";

/** Caps for numbers read from the verifier's structures. */
export const verifierLimits = {
  /** Tracking pages walked per driver: 0x10000 pages hold ~8 million records, far beyond any real driver. */
  maxPoolPages: 0x10000,
  /** Allocations listed per driver: the work limit (1,000,000 unless raised with !ltlimits). */
  get maxAllocations(): number {
    return workLimit("maxAllocations");
  },
} as const;

export interface VerifierAllocation {
  address: Address;
  size: number;
  /** Four characters; unprintable bytes become `?`. */
  tag: string;
  caller: Address;
}

export interface VerifierCounters {
  pagedAllocations: number;
  nonPagedAllocations: number;
  pagedBytes: number;
  nonPagedBytes: number;
}

export type WalkProblem =
  | { kind: "unreadablePage"; address: Address }
  | { kind: "cycle"; address: Address }
  | { kind: "misalignedPage"; address: Address }
  | { kind: "pageLimit"; limit: number }
  | { kind: "allocationLimit"; limit: number };

export interface VerifiedDriverData {
  at: Address;
  counters: VerifierCounters;
  allocations: VerifierAllocation[];
  pagesWalked: number;
  problems: WalkProblem[];
}

export function readVerifiedDriverData(
  target: Target,
  at: Address,
  data: ResolvedLayout,
  entry: ResolvedLayout,
): VerifiedDriverData | Unreadable {
  const ps = target.pointerSize;
  const bytes = target.memory.read(at, data.size, "_VF_TARGET_VERIFIED_DRIVER_DATA");
  if (bytes instanceof Unreadable) return bytes;
  const o = data.offsets;
  const field = (name: string, fallback: number) => unsigned(bytes, o[name], data.sizes[name] || fallback);
  const counters: VerifierCounters = {
    pagedAllocations: field("CurrentPagedPoolAllocations", 4),
    nonPagedAllocations: field("CurrentNonPagedPoolAllocations", 4),
    pagedBytes: field("PagedBytes", ps),
    nonPagedBytes: field("NonPagedBytes", ps),
  };
  const result: VerifiedDriverData = { at, counters, allocations: [], pagesWalked: 0, problems: [] };
  let page = slistFirst(bytes, o.PoolPageHeaders, ps, target.windowsBuild(), at.add(o.PoolPageHeaders));
  const visited = new Set<string>();
  while (page) {
    if (visited.has(page.key)) {
      result.problems.push({ kind: "cycle", address: page });
      break;
    }
    if (page.lo % PAGE_SIZE !== 0) {
      result.problems.push({ kind: "misalignedPage", address: page });
      break;
    }
    if (result.pagesWalked >= verifierLimits.maxPoolPages) {
      result.problems.push({ kind: "pageLimit", limit: verifierLimits.maxPoolPages });
      break;
    }
    visited.add(page.key);
    // One read per tracking page; not cached: each page is decoded once.
    const pageBytes = target.memory.read(page, PAGE_SIZE, "verifier pool tracking page", false);
    if (pageBytes instanceof Unreadable) {
      result.problems.push({ kind: "unreadablePage", address: page });
      break;
    }
    result.pagesWalked++;
    if (!decodePage(pageBytes, entry, ps, result)) break;
    page = pointer(pageBytes, 0, ps);
    if (page.isNull) page = null;
  }
  return result;
}

/** Appends the page's in-use entries; false when the allocation cap was reached. */
export function decodePage(bytes: Uint8Array, entry: ResolvedLayout, pointerSize: 4 | 8, into: { allocations: VerifierAllocation[]; problems: WalkProblem[] }): boolean {
  const stride = entry.size;
  const o = entry.offsets;
  const sizeBytes = entry.sizes.NumberOfBytes || pointerSize;
  for (let at = stride; at + stride <= bytes.length; at += stride) {
    const size = unsigned(bytes, at + o.NumberOfBytes, sizeBytes);
    if (size & 1) continue;
    const raw = pointer(bytes, at + o.VirtualAddress, pointerSize);
    if (raw.isNull) continue;
    if (into.allocations.length >= verifierLimits.maxAllocations) {
      into.problems.push({ kind: "allocationLimit", limit: verifierLimits.maxAllocations });
      return false;
    }
    into.allocations.push({
      address: raw.and(0xffffffff, 0xfffffffe),
      size,
      tag: tagText(u32(bytes, at + o.Tag)),
      caller: pointer(bytes, at + o.CallingAddress, pointerSize),
    });
  }
  return true;
}

/** A pool tag as `!poolused` prints it; the protected-pool bit (0x80000000) is dropped. */
export function tagText(value: number): string {
  let text = "";
  for (let i = 0; i < 4; i++) {
    let c = (value >>> (i * 8)) & 0xff;
    if (i === 3) c &= 0x7f;
    text += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : "?";
  }
  return text;
}
