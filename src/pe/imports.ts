// The import directory of an image in memory: descriptors, name thunks (INT), the IAT and hint/name entries.
// Callers read the bytes in a few large reads (the directory, then each table whole) through an RvaReader.
import { u32, asciiz } from "../core/bytes";
import { plural } from "../render/format";
import { Address } from "../core/address";
import { PeHeaders, walkedDirectory, DIRECTORY_IMPORT, DIRECTORY_DELAY_IMPORT } from "./image";

/**
 * Reads `size` bytes at an RVA of the image; null when unreadable (paged out, discarded INIT). `keptFrom`, when the
 * reader keeps what it read: the bytes already in hand from `rva` on (at most `max`), without a host call, so a
 * table or name whose end lies in them needs no further read.
 */
export interface RvaReader {
  (rva: number, size: number): Uint8Array | null;
  keptFrom?: (rva: number, max: number) => Uint8Array | null;
}

/** Caps: descriptor lists and thunk arrays without an end are bounded here and reported. */
export const MAX_IMPORT_DESCRIPTORS = 4096;
export const MAX_THUNKS_PER_DESCRIPTOR = 65536;
const NAME_BYTES = 256;
const FIRST_NAME_BYTES = 64;

export interface ImportEntry {
  /** The DLL named by the descriptor, as written in the image (`ntoskrnl.exe`, `HAL.dll`). */
  dll: string;
  /** Null for an import by ordinal or when the name is unreadable. */
  name: string | null;
  ordinal: number | null;
  /** True when the name thunks could not be read (paged out, discarded): `name` is unknown, not absent. */
  nameUnreadable: boolean;
  /** RVA of the IAT slot. */
  iatRva: number;
  /** The slot's value: the bound address. Null when the IAT is unreadable. */
  target: Address | null;
  delayLoad: boolean;
}

export interface ImportTable {
  entries: ImportEntry[];
  problems: string[];
}

interface Descriptor {
  originalFirstThunk: number;
  name: number;
  firstThunk: number;
}

export function parseImports(headers: PeHeaders, read: RvaReader, imageSize: number): ImportTable {
  const result: ImportTable = { entries: [], problems: [] };
  const dir = walkedDirectory(headers, DIRECTORY_IMPORT);
  if (!dir || pastImage(result.problems, "import directory", dir.rva, 0x14, imageSize)) return result;
  const descriptors = readDescriptors(dir.rva, dir.size, read, imageSize, result.problems);
  for (const d of descriptors) addEntries(result, headers, read, imageSize, d, false);
  return result;
}

/** IMAGE_DELAYLOAD_DESCRIPTOR (layouts.md §6): 0x20 bytes, zero-terminated. */
export const DELAY_DESCRIPTOR_SIZE = 0x20;

/**
 * The delay-load directory (layouts.md §6, IMAGE_DELAYLOAD_DESCRIPTOR). Its IAT slots point into the importer's own
 * stubs until the first call binds them. Descriptors with Attributes.RvaBased clear (pre-VC7 images) hold VAs; they
 * are reported and skipped rather than guessed at.
 */
export function parseDelayImports(headers: PeHeaders, read: RvaReader, imageSize: number): ImportTable {
  const result: ImportTable = { entries: [], problems: [] };
  const dir = walkedDirectory(headers, DIRECTORY_DELAY_IMPORT);
  if (!dir || pastImage(result.problems, "delay-load directory", dir.rva, DELAY_DESCRIPTOR_SIZE, imageSize)) return result;
  const raw = readZeroTerminated(dir.rva, dir.size, DELAY_DESCRIPTOR_SIZE, read, imageSize, "delay-load descriptor", result.problems);
  for (const d of raw) {
    const attributes = u32(d.bytes, d.offset);
    const descriptor = { name: u32(d.bytes, d.offset + 4), firstThunk: u32(d.bytes, d.offset + 0xc), originalFirstThunk: u32(d.bytes, d.offset + 0x10) };
    if ((attributes & 1) === 0) {
      result.problems.push("delay-load descriptor " + d.index + " holds VAs (Attributes.RvaBased clear); skipped");
      continue;
    }
    if (descriptor.firstThunk === 0 || descriptor.firstThunk >= imageSize) {
      result.problems.push("delay-load descriptor " + d.index + " has an IAT outside the image");
      continue;
    }
    addEntries(result, headers, read, imageSize, descriptor, true);
  }
  return result;
}

/** True (and said in `problems`) when `size` bytes at `rva` do not fit in the image: a malformed header, not a page out. */
function pastImage(problems: string[], what: string, rva: number, size: number, imageSize: number): boolean {
  if (rva >= 0 && rva + size <= imageSize) return false;
  problems.push(what + " at RVA 0x" + (rva >>> 0).toString(16) + " lies past the image (SizeOfImage 0x" + imageSize.toString(16) + ")");
  return true;
}

/** Both directories: ordinary imports first, then delay-load ones. */
export function parseAllImports(headers: PeHeaders, read: RvaReader, imageSize: number): ImportTable {
  const normal = parseImports(headers, read, imageSize);
  const delayed = parseDelayImports(headers, read, imageSize);
  return { entries: normal.entries.concat(delayed.entries), problems: normal.problems.concat(delayed.problems) };
}

function addEntries(result: ImportTable, headers: PeHeaders, read: RvaReader, imageSize: number, d: Descriptor, delayLoad: boolean): void {
  const thunkSize = headers.is64 ? 8 : 4;
  const kind = delayLoad ? "delay-load" : "import";
  const nameInside = !pastImage(result.problems, kind + " descriptor name", d.name, 1, imageSize);
  const dll = nameInside ? readName(read, d.name) : null;
  if (dll === null && nameInside) result.problems.push(kind + " descriptor name at RVA 0x" + d.name.toString(16) + " is unreadable");
  const iatBytes = readThunkArray(read, d.firstThunk, thunkSize, imageSize);
  const intInside = d.originalFirstThunk !== 0 && !pastImage(result.problems, kind + " name table of " + (dll || "?"), d.originalFirstThunk, thunkSize, imageSize);
  const intBytes = intInside ? readThunkArray(read, d.originalFirstThunk, thunkSize, imageSize) : null;
  const endless = (bytes: Uint8Array | null, rva: number) =>
    bytes !== null && (bytes.length / thunkSize >= MAX_THUNKS_PER_DESCRIPTOR || rva + bytes.length + thunkSize > imageSize);
  const intEndless = endless(intBytes, d.originalFirstThunk);
  const iatEndless = endless(iatBytes, d.firstThunk);
  if (intEndless) result.problems.push(kind + " name table of " + (dll || "?") + " at RVA 0x" + d.originalFirstThunk.toString(16) + " has no terminator within " + (intBytes as Uint8Array).length / thunkSize + " thunks" + (iatBytes && !iatEndless ? "; only the " + plural(iatBytes.length / thunkSize, "slot") + " of its import address table were read" : ""));
  if (iatEndless) result.problems.push("import address table of " + (dll || "?") + " at RVA 0x" + d.firstThunk.toString(16) + " has no terminator within " + (iatBytes as Uint8Array).length / thunkSize + " slots");
  // A name table without an end is bounded by the IAT it describes when that one ends.
  const count = intEndless && iatBytes && !iatEndless ? iatBytes.length / thunkSize : Math.max(iatBytes ? iatBytes.length / thunkSize : 0, intBytes ? intBytes.length / thunkSize : 0);
  if (!iatBytes && !intBytes) {
    result.problems.push("import tables of " + (dll || "?") + " are unreadable");
    return;
  }
  if (!iatBytes) result.problems.push("import address table of " + (dll || "?") + " at RVA 0x" + d.firstThunk.toString(16) + " is unreadable; slot values unknown");
  for (let i = 0; i < count; i++) {
    const slot = iatBytes && i * thunkSize < iatBytes.length ? thunkValue(iatBytes, i * thunkSize, thunkSize) : null;
    const entry: ImportEntry = {
      dll: dll || "?",
      name: null,
      ordinal: null,
      nameUnreadable: false,
      iatRva: d.firstThunk + i * thunkSize,
      target: slot,
      delayLoad,
    };
    // Without an INT (bound images of old linkers) the unbound IAT is the name table; once bound, names are lost.
    const nameThunk = intBytes && i * thunkSize < intBytes.length ? thunkValue(intBytes, i * thunkSize, thunkSize) : null;
    decodeNameThunk(entry, nameThunk, headers.is64, read, imageSize);
    result.entries.push(entry);
  }
}

/** Fills name/ordinal from a name-table thunk (null when the INT is missing or unreadable). */
export function decodeNameThunk(entry: ImportEntry, thunk: Address | null, is64: boolean, read: RvaReader, imageSize: number): void {
  if (!thunk) {
    entry.nameUnreadable = true;
    return;
  }
  const byOrdinal = is64 ? (thunk.hi & 0x80000000) !== 0 : (thunk.lo & 0x80000000) !== 0;
  if (byOrdinal) {
    entry.ordinal = thunk.lo & 0xffff;
    return;
  }
  const rva = thunk.lo;
  if (thunk.hi !== 0 || rva === 0 || rva + 2 >= imageSize) {
    entry.nameUnreadable = true;
    return;
  }
  const name = readName(read, rva + 2);
  if (name === null) entry.nameUnreadable = true;
  else entry.name = name;
}

function readDescriptors(rva: number, size: number, read: RvaReader, imageSize: number, problems: string[]): Descriptor[] {
  const out: Descriptor[] = [];
  for (const d of readZeroTerminated(rva, size, 0x14, read, imageSize, "import descriptor", problems)) {
    const descriptor = { originalFirstThunk: u32(d.bytes, d.offset), name: u32(d.bytes, d.offset + 0xc), firstThunk: u32(d.bytes, d.offset + 0x10) };
    if (descriptor.firstThunk === 0 || descriptor.firstThunk >= imageSize) {
      problems.push("import descriptor " + d.index + " has an IAT outside the image");
    } else {
      out.push(descriptor);
    }
  }
  return out;
}

interface RawRecord {
  bytes: Uint8Array;
  offset: number;
  index: number;
}

/**
 * Fixed-size records up to an all-zero one. One read of the declared directory; the declared size may be short
 * or absurd, so the terminator decides, and a list without one is bounded by MAX_IMPORT_DESCRIPTORS and the image.
 */
function readZeroTerminated(rva: number, size: number, recordSize: number, read: RvaReader, imageSize: number, what: string, problems: string[]): RawRecord[] {
  const out: RawRecord[] = [];
  const declared = Math.min(Math.max(size, recordSize), MAX_IMPORT_DESCRIPTORS * recordSize, imageSize - rva);
  let bytes = declared >= recordSize ? read(rva, declared - (declared % recordSize)) : null;
  if (!bytes) {
    problems.push(what + " list at RVA 0x" + rva.toString(16) + " is unreadable");
    return out;
  }
  let offset = 0;
  for (;;) {
    if (offset + recordSize > bytes.length) {
      if (out.length >= MAX_IMPORT_DESCRIPTORS || rva + offset + recordSize > imageSize) {
        problems.push(what + " list has no terminator within " + out.length + " entries");
        break;
      }
      const more = read(rva + offset, Math.min(recordSize * 64, imageSize - rva - offset) - (Math.min(recordSize * 64, imageSize - rva - offset) % recordSize));
      if (!more || more.length < recordSize) {
        problems.push(what + " list is unreadable after " + out.length + " entries");
        break;
      }
      const joined = new Uint8Array(offset + more.length);
      joined.set(bytes.subarray(0, offset), 0);
      joined.set(more, offset);
      bytes = joined;
    }
    let zero = true;
    for (let i = 0; i < recordSize; i++) if (bytes[offset + i] !== 0) zero = false;
    if (zero) break;
    out.push({ bytes, offset, index: out.length });
    offset += recordSize;
  }
  return out;
}

/** The thunk array at `rva` up to its zero terminator, read in growing batches; null when unreadable. */
export function readThunkArray(read: RvaReader, rva: number, thunkSize: number, imageSize: number): Uint8Array | null {
  if (rva === 0 || rva >= imageSize) return null;
  let batch = 64;
  let collected: Uint8Array = new Uint8Array(0);
  let cursor = rva;
  while (collected.length / thunkSize < MAX_THUNKS_PER_DESCRIPTOR) {
    const size = Math.min(batch * thunkSize, imageSize - cursor);
    if (size < thunkSize) break;
    // Bytes in hand that hold the terminator end the array without a read.
    const kept = read.keptFrom ? read.keptFrom(cursor, size) : null;
    const inHand = kept && kept.length >= thunkSize && hasZeroThunk(kept, thunkSize) ? kept.subarray(0, kept.length - (kept.length % thunkSize)) : null;
    const bytes = inHand || read(cursor, size - (size % thunkSize)) || readToFailure(read, cursor, thunkSize, size);
    if (!bytes || bytes.length === 0) return collected.length ? collected : null;
    for (let i = 0; i + thunkSize <= bytes.length; i += thunkSize) {
      let zero = true;
      for (let j = 0; j < thunkSize; j++) if (bytes[i + j] !== 0) zero = false;
      if (zero) return join(collected, bytes.subarray(0, i));
    }
    collected = join(collected, bytes);
    cursor += bytes.length;
    batch *= 4;
  }
  return collected;
}

/**
 * After a batch read fails: the readable thunks up to the first unreadable one. Tries the rest of the page in one
 * read first (residency is per page), then single thunks, which stop at once on a truly unreadable page.
 */
function readToFailure(read: RvaReader, rva: number, thunkSize: number, max: number): Uint8Array | null {
  const toPageEnd = Math.min(max, 0x1000 - (rva % 0x1000));
  const page = toPageEnd >= thunkSize ? read(rva, toPageEnd - (toPageEnd % thunkSize)) : null;
  if (page) return page;
  const parts: Uint8Array[] = [];
  for (let at = rva; at + thunkSize <= rva + toPageEnd; at += thunkSize) {
    const one = read(at, thunkSize);
    if (!one) break;
    parts.push(one);
  }
  return parts.length ? parts.reduce((a, b) => join(a, b), new Uint8Array(0)) : null;
}

function hasZeroThunk(bytes: Uint8Array, thunkSize: number): boolean {
  for (let i = 0; i + thunkSize <= bytes.length; i += thunkSize) {
    let zero = true;
    for (let j = 0; j < thunkSize; j++) if (bytes[i + j] !== 0) zero = false;
    if (zero) return true;
  }
  return false;
}

function thunkValue(bytes: Uint8Array, offset: number, size: number): Address {
  return size === 8 ? new Address(u32(bytes, offset + 4), u32(bytes, offset)) : new Address(0, u32(bytes, offset));
}

/**
 * A NUL-terminated ASCII name. Reads to the end of its page first (residency is per page, and a name near a page's
 * end must not fail because the next page is paged out), then on into the next page only when no NUL was found.
 */
function readName(read: RvaReader, rva: number): string | null {
  // A name whose NUL lies in bytes already in hand costs no read; else a first look of 64 bytes (most names are short).
  const kept = read.keptFrom ? read.keptFrom(rva, NAME_BYTES) : null;
  if (kept && kept.indexOf(0) > 0) return asciiz(kept, 0, NAME_BYTES);
  const firstSize = Math.min(FIRST_NAME_BYTES, 0x1000 - (rva % 0x1000));
  const first = read(rva, firstSize);
  if (!first) return null;
  let bytes = first;
  if (first.indexOf(0) < 0) {
    const toPageEnd = Math.min(NAME_BYTES, 0x1000 - (rva % 0x1000));
    const more = toPageEnd > firstSize ? read(rva, toPageEnd) : null;
    if (more) bytes = more;
    if (bytes.indexOf(0) < 0 && bytes.length < NAME_BYTES) {
      const rest = read(rva + bytes.length, NAME_BYTES - bytes.length);
      if (rest) bytes = join(bytes, rest);
    }
  }
  const name = asciiz(bytes, 0, NAME_BYTES);
  return name.length ? name : null;
}

function join(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b.slice();
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
