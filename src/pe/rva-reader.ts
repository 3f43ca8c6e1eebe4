// An RvaReader over a module image in target memory with a granule cache: the first touch of a granule reads all of
// it (one read for a run of missing granules), so the hint/name entries and thunks that share it cost one host read
// between them. The granule is half a page: a whole 4 KB page is two KDNET packets (4,000 bytes each), half a page
// is one. Residency is per page, so a failed granule marks its whole page unreadable for the rest of the command.
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { PAGE_SIZE } from "../core/limits";
import type { Target } from "../host/target";
import { RvaReader, READ_ALIGNMENT } from "./imports";

export interface PagedImage {
  read: RvaReader;
  /** Granules of the image that could not be read, by RVA. */
  unreadablePages(): number[];
}

/** Bytes per cache entry (0x800): one KDNET packet's worth, a divisor of the page. */
export const GRANULE = READ_ALIGNMENT;
const PER_PAGE = PAGE_SIZE / GRANULE;

export function pagedImageReader(target: Target, base: Address, imageSize: number, what: string): PagedImage {
  // Keyed by granule index.
  const pages = new Map<number, Uint8Array | null>();
  const pageCount = Math.ceil(imageSize / GRANULE);

  const fetchRun = (first: number, last: number) => {
    const start = first * GRANULE;
    const size = Math.min((last + 1) * GRANULE, imageSize) - start;
    const bytes = target.memory.read(base.add(start), size, what, false);
    if (!(bytes instanceof Unreadable)) {
      for (let p = first; p <= last; p++) pages.set(p, bytes.subarray((p - first) * GRANULE, Math.min((p - first + 1) * GRANULE, bytes.length)));
      return;
    }
    if (first === last) {
      const page = first - (first % PER_PAGE);
      for (let g = page; g < page + PER_PAGE; g++) pages.set(g, null);
      return;
    }
    // A run with a hole: page by page, so every resident page is still used.
    for (let p = first; p <= last; p++) if (!pages.has(p)) fetchRun(p, p);
  };

  const read: RvaReader = (rva, size) => {
    if (!(size > 0) || rva < 0 || rva + size > imageSize) return null;
    const first = Math.floor(rva / GRANULE);
    const last = Math.min(Math.floor((rva + size - 1) / GRANULE), pageCount - 1);
    let missingFrom = -1;
    for (let p = first; p <= last + 1; p++) {
      const missing = p <= last && !pages.has(p);
      if (missing && missingFrom < 0) missingFrom = p;
      if (!missing && missingFrom >= 0) {
        fetchRun(missingFrom, p - 1);
        missingFrom = -1;
      }
    }
    if (first === last) {
      const page = pages.get(first);
      if (!page) return null;
      const offset = rva - first * GRANULE;
      return offset + size <= page.length ? page.subarray(offset, offset + size) : null;
    }
    const out = new Uint8Array(size);
    for (let p = first; p <= last; p++) {
      const page = pages.get(p);
      if (!page) return null;
      const from = Math.max(rva, p * GRANULE);
      const to = Math.min(rva + size, p * GRANULE + page.length);
      if (to - from < Math.min(rva + size, (p + 1) * GRANULE) - from) return null;
      out.set(page.subarray(from - p * GRANULE, to - p * GRANULE), from - rva);
    }
    return out;
  };

  return {
    read,
    unreadablePages: () => {
      const out: number[] = [];
      pages.forEach((v, k) => {
        if (v === null) out.push(k * GRANULE);
      });
      return out.sort((a, b) => a - b);
    },
  };
}
