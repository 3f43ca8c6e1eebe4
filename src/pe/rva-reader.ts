// An RvaReader over a module image in target memory that reads exact ranges and keeps what it read. The caller
// plans: `prefetch` takes the ranges a parse will need (the import descriptors, the IAT, ...), joins those that lie
// close together into one read each, and reads them; `dry` is a reader that answers from what is kept and notes
// what is missing, so a parse can be run to learn its next ranges without a host call per field. A range with a hole
// is split by halving (TargetMemory.readPartial; residency is per page) and its unreadable pages are remembered.
import { Address } from "../core/address";
import { PAGE_SIZE } from "../core/limits";
import type { Target } from "../host/target";
import { RvaReader } from "./imports";

/** Ranges closer than this are read as one: a KDNET round trip costs more than a few hundred unneeded bytes. */
export const COALESCE_GAP = 0x100;

export interface ImageReader {
  read: RvaReader;
  /** Reads the ranges ([start, end) RVAs) not yet kept, joining close ones; clipped to the image. */
  prefetch(ranges: [number, number][]): void;
  /** A reader answering only from kept bytes; each miss is pushed onto `misses` as [start, end). */
  dry(misses: [number, number][]): RvaReader;
  /** Pages of the image that could not be read, by RVA. */
  unreadablePages(): number[];
}

interface Kept {
  start: number;
  bytes: Uint8Array;
}

export function imageReader(target: Target, base: Address, imageSize: number, what: string): ImageReader {
  // Non-overlapping, non-adjacent, sorted by start: adjacent ranges are merged on insert.
  let kept: Kept[] = [];
  const badPages = new Set<number>();

  const keep = (start: number, bytes: Uint8Array) => {
    let lo = start;
    let hi = start + bytes.length;
    const touching = kept.filter((k) => k.start <= hi && k.start + k.bytes.length >= lo);
    if (touching.length === 0) {
      kept.push({ start, bytes });
    } else {
      for (const k of touching) {
        lo = Math.min(lo, k.start);
        hi = Math.max(hi, k.start + k.bytes.length);
      }
      const merged = new Uint8Array(hi - lo);
      for (const k of touching) merged.set(k.bytes, k.start - lo);
      merged.set(bytes, start - lo);
      kept = kept.filter((k) => touching.indexOf(k) < 0);
      kept.push({ start: lo, bytes: merged });
    }
    kept.sort((a, b) => a.start - b.start);
  };

  /** The kept bytes from `rva` on (at most `max`), or null when `rva` itself is not kept. */
  const keptFrom = (rva: number, max: number): Uint8Array | null => {
    for (const k of kept) {
      if (rva >= k.start && rva < k.start + k.bytes.length) return k.bytes.subarray(rva - k.start, Math.min(k.bytes.length, rva - k.start + max));
    }
    return null;
  };

  const fetch = (start: number, end: number) => {
    start = Math.max(0, start);
    end = Math.min(end, imageSize);
    if (end <= start) return;
    const firstPage = Math.floor(start / PAGE_SIZE);
    const lastPage = Math.floor((end - 1) / PAGE_SIZE);
    for (let p = firstPage; p <= lastPage; p++) {
      if (badPages.has(p)) {
        // Read around a page known to be unreadable.
        if (p > firstPage) fetch(start, p * PAGE_SIZE);
        if (p < lastPage) fetch((p + 1) * PAGE_SIZE, end);
        return;
      }
    }
    // One read when the range is resident; around a hole, TargetMemory halves the range (a failed read still costs
    // the bytes before its hole, so re-reading every page of the range would pay them twice and two packets a page).
    const read = target.memory.readPartial(base.add(start), end - start);
    for (const piece of read.pieces) keep(piece.start.distanceFrom(base) || 0, piece.bytes);
    for (const hole of read.unreadable) {
      const from = hole.start.distanceFrom(base) || 0;
      for (let p = Math.floor(from / PAGE_SIZE); p * PAGE_SIZE < from + hole.size; p++) badPages.add(p);
    }
  };

  /** [start, end) minus the kept bytes at its start: the part a read must still fetch. */
  const missing = (start: number, end: number): [number, number] | null => {
    const have = keptFrom(start, end - start);
    const from = have ? start + have.length : start;
    return from < end ? [from, end] : null;
  };

  const inImage = (rva: number, size: number) => size > 0 && rva >= 0 && rva + size <= imageSize;

  const read: RvaReader = (rva, size) => {
    if (!inImage(rva, size)) return null;
    const gap = missing(rva, rva + size);
    if (gap) fetch(gap[0], gap[1]);
    const have = keptFrom(rva, size);
    return have && have.length === size ? have : null;
  };
  read.keptFrom = keptFrom;

  const prefetch = (ranges: [number, number][]) => {
    const todo: [number, number][] = [];
    for (const [s, e] of ranges) {
      const gap = missing(Math.max(0, s), Math.min(e, imageSize));
      if (gap) todo.push(gap);
    }
    todo.sort((a, b) => a[0] - b[0]);
    const hulls: [number, number][] = [];
    for (const r of todo) {
      const last = hulls[hulls.length - 1];
      if (last && r[0] <= last[1] + COALESCE_GAP) last[1] = Math.max(last[1], r[1]);
      else hulls.push([r[0], r[1]]);
    }
    for (const [s, e] of hulls) fetch(s, e);
  };

  const dry = (misses: [number, number][]): RvaReader => {
    const r: RvaReader = (rva, size) => {
      if (!inImage(rva, size)) return null;
      const have = keptFrom(rva, size);
      if (have && have.length === size) return have;
      const page = Math.floor(rva / PAGE_SIZE);
      if (!badPages.has(page)) misses.push([rva, rva + size]);
      return null;
    };
    r.keptFrom = keptFrom;
    return r;
  };

  return {
    read,
    prefetch,
    dry,
    unreadablePages: () => Array.from(badPages).sort((a, b) => a - b).map((p) => p * PAGE_SIZE),
  };
}
