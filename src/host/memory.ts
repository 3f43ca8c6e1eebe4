// Target memory: batched reads with a cache that lives for one command. A failed read comes back as an
// Unreadable value. Reads are exact ranges, not whole pages: a walk that touches 0x40 bytes in each of 5,000
// scattered blocks must not pay 4 KB each.
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { PAGE_SIZE, limits } from "../core/limits";
import { addressToHost } from "./int64";

export interface MemoryStats {
  readCalls: number;
  bytesRead: number;
  failedReads: number;
}

export interface Segment {
  start: Address;
  bytes: Uint8Array;
}

/** What a partial read of a range returns: the readable pieces, and the unreadable pages between them. */
export interface PartialRead {
  pieces: Segment[];
  unreadable: { start: Address; size: number }[];
}

export class TargetMemory {
  private readonly segments = new Map<string, Segment[]>();
  private readonly badPages = new Set<string>();
  readonly stats: MemoryStats = { readCalls: 0, bytesRead: 0, failedReads: 0 };

  constructor(readonly pointerSize: 4 | 8) {}

  /** Reads `size` bytes; the result is cached for the rest of the command unless `cache` is false. */
  read(address: Address, size: number, what: string, cache = true): Uint8Array | Unreadable {
    if (!(size > 0) || size > limits.maxImageBytes) return new Unreadable(address, size, what + " (size out of range)");
    const hit = this.lookup(address, size);
    if (hit) return hit;
    if (this.knownBad(address, size)) return new Unreadable(this.firstBadPage(address, size) || address, size, what);
    const chunks: Uint8Array[] = [];
    let cursor = address;
    let remaining = size;
    while (remaining > 0) {
      const n = Math.min(remaining, limits.maxReadBytes);
      const bytes = this.hostRead(cursor, n);
      if (!bytes) {
        this.markBad(cursor, n);
        return new Unreadable(cursor, size - (size - remaining), what);
      }
      chunks.push(bytes);
      cursor = cursor.add(n);
      remaining -= n;
    }
    const bytes = chunks.length === 1 ? chunks[0] : concat(chunks, size);
    if (cache) this.store(address, bytes);
    return bytes;
  }

  /**
   * Reads a range that may have holes (a driver image with paged-out or discarded pages), never cached: one large
   * read when it all reads. Around a hole no byte is asked for twice beyond what the link forces. A failed read is
   * not free over KDNET: the target copies the bytes before the hole and the provider then throws them away (or, as
   * a partial ReadBytes may, hands them back: they are kept, and nothing is read again). What was lost is read once
   * more, in one read when the provider's error names where the hole starts, else page by page up to the hole (each
   * page either reads or fails at its start, which copies nothing); the page at the hole is probed on its own, and
   * what follows it is read as a new range. Halving the failed range instead re-read the bytes before the hole at
   * every level. Pages known to be unreadable are not asked again. With `stopAtUnreadableStart` the first page is
   * read on its own, and when it does not read the whole range is taken as gone without another read: the kernel
   * frees a driver's discardable sections (INIT, .reloc) whole once it is initialised, so a probe of one page is all
   * a freed section should cost.
   */
  readPartial(address: Address, size: number, options: { stopAtUnreadableStart?: boolean } = {}): PartialRead {
    const result: PartialRead = { pieces: [], unreadable: [] };
    if (options.stopAtUnreadableStart && size > 0) {
      const firstPage = Math.min(size, PAGE_SIZE - (address.lo % PAGE_SIZE));
      if (!this.readSpan(address, firstPage, result)) return { pieces: [], unreadable: [{ start: address, size }] };
      address = address.add(firstPage);
      size -= firstPage;
    }
    this.readSpans(address, size, result);
    result.pieces = coalesce(result.pieces);
    return result;
  }

  /** [address, address+size) in reads of at most maxReadBytes, each with its holes found as readSpan does. */
  private readSpans(address: Address, size: number, result: PartialRead): void {
    let cursor = address;
    let remaining = size;
    while (remaining > 0) {
      const n = Math.min(remaining, limits.maxReadBytes);
      this.readSpan(cursor, n, result);
      cursor = cursor.add(n);
      remaining -= n;
    }
  }

  /** Reads one span, finding its holes without reading a byte twice; true when all of it read. */
  private readSpan(start: Address, size: number, result: PartialRead): boolean {
    const bad = this.firstBadPage(start, size);
    if (bad) {
      // Around a page already known to be unreadable, without asking again.
      const before = bad.distanceFrom(start) || 0;
      const pageEnd = Math.min(size, before + PAGE_SIZE - (bad.lo % PAGE_SIZE));
      if (before > 0) this.readSpan(start, before, result);
      addUnreadable(result, bad, pageEnd - before);
      if (pageEnd < size) this.readSpan(start.add(pageEnd), size - pageEnd, result);
      return false;
    }
    const read = this.hostReadPartial(start, size);
    if (read.bytes.length === size) {
      appendPiece(result, start, read.bytes);
      return true;
    }
    const inFirstPage = PAGE_SIZE - (start.lo % PAGE_SIZE);
    if (size <= inFirstPage) {
      // One page or less: a read that fails copied nothing before its hole worth finding within a page.
      if (read.bytes.length > 0) appendPiece(result, start, read.bytes);
      const at = read.bytes.length;
      if (at === 0) this.markBad(start, size);
      addUnreadable(result, start.add(at), size - at);
      return false;
    }
    let holeAt: number | null = null;
    if (read.bytes.length > 0) {
      // The provider handed back what it read before the hole: keep it, the hole starts right after.
      appendPiece(result, start, read.bytes);
      holeAt = read.bytes.length;
    } else if (read.failedAt !== null) {
      // The error names an address inside the span at a page boundary: the hole's start (KDNET copies up to the first
      // page it cannot read; the text is observed, not documented, so any other address is not taken as a hint).
      const at = read.failedAt.distanceFrom(start);
      if (at !== null && at > 0 && at < size && (at - inFirstPage) % PAGE_SIZE === 0) {
        // The bytes before it travelled and were dropped: read them once more, in one read.
        if (!this.readSpan(start, at, result)) return this.readRest(start, at, size, result);
        holeAt = at;
      }
    }
    if (holeAt === null) return this.readPageByPage(start, size, result);
    // Probe the page at the hole on its own (copies nothing when it is unreadable), then read on past it.
    const pageEnd = Math.min(size, holeAt + PAGE_SIZE - (start.add(holeAt).lo % PAGE_SIZE));
    this.readSpan(start.add(holeAt), pageEnd - holeAt, result);
    return this.readRest(start, pageEnd, size, result);
  }

  private readRest(start: Address, from: number, size: number, result: PartialRead): false {
    if (from < size) this.readSpan(start.add(from), size - from, result);
    return false;
  }

  /**
   * A span that failed without saying where: its pages one read each up to the first that fails (a page either
   * reads or fails at its start, so nothing before the hole is copied twice), then the rest as a new span.
   */
  private readPageByPage(start: Address, size: number, result: PartialRead): false {
    let at = 0;
    while (at < size) {
      const n = Math.min(size - at, PAGE_SIZE - (start.add(at).lo % PAGE_SIZE));
      const ok = this.readSpan(start.add(at), n, result);
      at += n;
      if (!ok) break;
    }
    return this.readRest(start, at, size, result);
  }

  readPointer(address: Address, what: string): Address | Unreadable {
    const bytes = this.read(address, this.pointerSize, what);
    if (bytes instanceof Unreadable) return bytes;
    return this.pointerSize === 8
      ? new Address(word(bytes, 4), word(bytes, 0))
      : new Address(0, word(bytes, 0));
  }

  private hostRead(address: Address, size: number): Uint8Array | null {
    const read = this.hostReadPartial(address, size);
    return read.bytes.length === size ? read.bytes : null;
  }

  /**
   * One host read. A short result (IDebugHostMemory::ReadBytes returns S_FALSE with fewer bytes) is what was read
   * before the hole; a thrown error may name where the read failed (`Unable to read target memory at '0x...'`).
   */
  private hostReadPartial(address: Address, size: number): { bytes: Uint8Array; failedAt: Address | null } {
    this.stats.readCalls++;
    try {
      const values = host.memory.readMemoryValues(addressToHost(address), size, 1);
      const n = values ? Math.min(size, values.length >>> 0) : 0;
      this.stats.bytesRead += n;
      if (n !== size) this.stats.failedReads++;
      // Copy into this realm's Uint8Array: the provider's typed array may come from another realm.
      return { bytes: n === size ? new Uint8Array(values) : new Uint8Array(Array.prototype.slice.call(values || [], 0, n)), failedAt: null };
    } catch (e) {
      this.stats.failedReads++;
      const m = /at '(0x[0-9a-fA-F`]{1,20})'/.exec(e && typeof e === "object" && "message" in e ? String((e as Error).message) : "");
      return { bytes: new Uint8Array(0), failedAt: m ? Address.parse(m[1]) : null };
    }
  }

  private lookup(address: Address, size: number): Uint8Array | null {
    const list = this.segments.get(address.alignDown(PAGE_SIZE).key);
    if (!list) return null;
    for (const seg of list) {
      const offset = address.distanceFrom(seg.start);
      if (offset !== null && offset + size <= seg.bytes.length) return seg.bytes.subarray(offset, offset + size);
    }
    return null;
  }

  private store(address: Address, bytes: Uint8Array): void {
    const segment = { start: address, bytes };
    let page = address.alignDown(PAGE_SIZE);
    const end = address.add(bytes.length);
    while (page.compare(end) < 0) {
      const list = this.segments.get(page.key);
      if (list) list.push(segment);
      else this.segments.set(page.key, [segment]);
      page = page.add(PAGE_SIZE);
    }
  }

  private markBad(address: Address, size: number): void {
    // Only a single-page failure pins the page as bad; a larger failed read may still hold readable pages.
    if (address.lo % PAGE_SIZE + size <= PAGE_SIZE) this.badPages.add(address.alignDown(PAGE_SIZE).key);
  }

  private knownBad(address: Address, size: number): boolean {
    return this.firstBadPage(address, size) !== null;
  }

  private firstBadPage(address: Address, size: number): Address | null {
    if (this.badPages.size === 0) return null;
    let page = address.alignDown(PAGE_SIZE);
    const end = address.add(size);
    while (page.compare(end) < 0) {
      if (this.badPages.has(page.key)) return page.compare(address) < 0 ? address : page;
      page = page.add(PAGE_SIZE);
    }
    return null;
  }
}

function word(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

function appendPiece(result: PartialRead, start: Address, bytes: Uint8Array): void {
  result.pieces.push({ start, bytes });
}

/** Notes an unreadable range, joined to the previous one when they touch. Halving finds holes in address order. */
function addUnreadable(result: PartialRead, start: Address, size: number): void {
  const last = result.unreadable[result.unreadable.length - 1];
  if (last && last.start.add(last.size).equals(start)) last.size += size;
  else result.unreadable.push({ start, size });
}

/** Joins adjacent pieces, one copy per run. */
function coalesce(pieces: Segment[]): Segment[] {
  const out: Segment[] = [];
  let run: Segment[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const size = run.reduce((n, p) => n + p.bytes.length, 0);
    out.push({ start: run[0].start, bytes: run.length === 1 ? run[0].bytes : concat(run.map((p) => p.bytes), size) });
    run = [];
  };
  for (const piece of pieces) {
    const last = run[run.length - 1];
    if (last && !last.start.add(last.bytes.length).equals(piece.start)) flush();
    run.push(piece);
  }
  flush();
  return out;
}
