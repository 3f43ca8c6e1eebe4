// A range read for a walk that must go on around holes: the bytes, how many of its pages could not be read, and
// whether a slice of it was readable. The kernel pool walker and the user-mode segment-heap walker read their
// subsegments this way (one read; where it fails, the readable pieces of it).
import type { Address } from "./address";

export interface RangeView {
  bytes: Uint8Array;
  /** Pages of the range that no piece covered whole. */
  holes: number;
  readable(offset: number, size: number): boolean;
}

/** A range read whole. */
export function wholeView(bytes: Uint8Array): RangeView {
  return { bytes, holes: 0, readable: (offset, n) => offset + n <= bytes.length };
}

/** A range assembled from the readable pieces of a failed read; a page counts as readable only when covered whole. */
export function piecesView(address: Address, size: number, pieces: { start: Address; bytes: Uint8Array }[]): RangeView {
  const bytes = new Uint8Array(size);
  const pages = Math.ceil(size / 0x1000);
  const ok = new Uint8Array(pages);
  for (const piece of pieces) {
    const offset = piece.start.distanceFrom(address);
    if (offset === null || offset >= size) continue;
    const n = Math.min(piece.bytes.length, size - offset);
    bytes.set(piece.bytes.subarray(0, n), offset);
    for (let p = Math.ceil(offset / 0x1000); p * 0x1000 + 0x1000 <= offset + n; p++) ok[p] = 1;
  }
  let holes = 0;
  for (let p = 0; p < pages; p++) if (!ok[p]) holes++;
  return {
    bytes,
    holes,
    readable: (offset, n) => {
      if (offset + n > size) return false;
      for (let p = Math.floor(offset / 0x1000); p * 0x1000 < offset + n && p < pages; p++) if (!ok[p]) return false;
      return true;
    },
  };
}
