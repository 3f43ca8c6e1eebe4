// An RvaReader over a module image in target memory, page-granular: the first touch of a page reads the whole
// page (or one read for a run of missing pages), so the hint/name entries and thunks that share a page cost one
// host read between them. A page that fails is remembered and never asked for again in this command.
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { PAGE_SIZE } from "../core/limits";
import type { Target } from "../host/target";
import { RvaReader } from "./imports";

export interface PagedImage {
  read: RvaReader;
  /** Pages of the image that could not be read, by RVA. */
  unreadablePages(): number[];
}

export function pagedImageReader(target: Target, base: Address, imageSize: number, what: string): PagedImage {
  const pages = new Map<number, Uint8Array | null>();
  const pageCount = Math.ceil(imageSize / PAGE_SIZE);

  const fetchRun = (first: number, last: number) => {
    const start = first * PAGE_SIZE;
    const size = Math.min((last + 1) * PAGE_SIZE, imageSize) - start;
    const bytes = target.memory.read(base.add(start), size, what, false);
    if (!(bytes instanceof Unreadable)) {
      for (let p = first; p <= last; p++) pages.set(p, bytes.subarray((p - first) * PAGE_SIZE, Math.min((p - first + 1) * PAGE_SIZE, bytes.length)));
      return;
    }
    if (first === last) {
      pages.set(first, null);
      return;
    }
    // A run with a hole: page by page, so every resident page is still used.
    for (let p = first; p <= last; p++) fetchRun(p, p);
  };

  const read: RvaReader = (rva, size) => {
    if (!(size > 0) || rva < 0 || rva + size > imageSize) return null;
    const first = Math.floor(rva / PAGE_SIZE);
    const last = Math.min(Math.floor((rva + size - 1) / PAGE_SIZE), pageCount - 1);
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
      const offset = rva - first * PAGE_SIZE;
      return offset + size <= page.length ? page.subarray(offset, offset + size) : null;
    }
    const out = new Uint8Array(size);
    for (let p = first; p <= last; p++) {
      const page = pages.get(p);
      if (!page) return null;
      const from = Math.max(rva, p * PAGE_SIZE);
      const to = Math.min(rva + size, p * PAGE_SIZE + page.length);
      if (to - from < Math.min(rva + size, (p + 1) * PAGE_SIZE) - from) return null;
      out.set(page.subarray(from - p * PAGE_SIZE, to - p * PAGE_SIZE), from - rva);
    }
    return out;
  };

  return {
    read,
    unreadablePages: () => {
      const out: number[] = [];
      pages.forEach((v, k) => {
        if (v === null) out.push(k * PAGE_SIZE);
      });
      return out.sort((a, b) => a - b);
    },
  };
}
