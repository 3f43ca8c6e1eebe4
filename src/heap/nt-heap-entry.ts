// Pure decoders of NT heap block headers (_HEAP_ENTRY) over bytes already read: the encoded 8 bytes and their
// checksum, the unused-byte count with its escapes, and the +ust header. No host, no Address arithmetic: offsets into
// a buffer. Sources: research/userheap-facts.md §2.1-2.4, §3.3, §4.3, §10.7, §10.8, §10.12; each rule is held against
// the public walkers in test/unit/heap/nt-heap-entry.test.ts.
import { u16, u32 } from "../core/bytes";

/** _HEAP_ENTRY.Flags (ReactOS heap.h; HeapStat, DbgHelpUtils use the same values). */
export const ENTRY_BUSY = 0x01;
export const ENTRY_EXTRA_PRESENT = 0x02;
/** On a segment block: a heap-internal block (LFH UserBlocks, LFH zones, other metadata; `!heap` shows "Internal"). */
export const ENTRY_INTERNAL = 0x08;
export const ENTRY_LAST = 0x10;

/** _HEAP_ENTRY.UnusedBytes markers (§2.4): LFH block, extended header follows, unused count stored at the block end. */
export const UNUSED_LFH = 0x80;
export const UNUSED_EXTENDED = 0x40;
export const UNUSED_ESCAPE = 0x3f;
/** _HEAP_EXTENDED_ENTRY.ExtendedBlockSignature (§2.4: UnusedBytes == 5 marks an extended header). */
export const EXTENDED_SIGNATURE = 5;

/** A decoded _HEAP_ENTRY: the keyed fields after XOR, the raw ones as stored. */
export interface DecodedEntry {
  /** Granules. */
  size: number;
  flags: number;
  smallTagIndex: number;
  previousSize: number;
  /** Raw: never keyed (§2.3). */
  segmentOffset: number;
  unusedBytes: number;
  /** True when the checksum holds (Size.lo ^ Size.hi ^ Flags == SmallTagIndex) for the reading taken. */
  checksumOk: boolean;
  /** Which reading passed: the XOR-decoded bytes, or the raw ones (a header the heap left in clear). */
  reading: "decoded" | "raw" | "plain";
}

/**
 * Decodes the _HEAP_ENTRY at `at` in `bytes`. x64 keys the 8 bytes at +8, x86 those at +0 (§2.3: NTO, MPF, HS
 * XOR exactly these 8 bytes; DbgHelpUtils XORs all 16 on x64, whose first 8 key bytes are zero in practice).
 * With a key: the decoded reading when its checksum holds, else the raw one when that holds (ntdll decodes only
 * headers whose raw DWORD & EncodeFlagMask is set, §2.3 X: either reading is right this way), else the decoded one
 * marked failed. Without a key (EncodeFlagMask clear) SmallTagIndex is a tag index and there is no checksum.
 */
export function decodeEntry(bytes: Uint8Array, at: number, pointerSize: 4 | 8, key: Uint8Array | null): DecodedEntry {
  const o = pointerSize === 8 ? at + 8 : at;
  const b0 = bytes[o], b1 = bytes[o + 1], b2 = bytes[o + 2], b3 = bytes[o + 3];
  const segmentOffset = bytes[o + 6];
  const unusedBytes = bytes[o + 7];
  if (!key) {
    return { size: b0 | (b1 << 8), flags: b2, smallTagIndex: b3, previousSize: bytes[o + 4] | (bytes[o + 5] << 8), segmentOffset, unusedBytes, checksumOk: true, reading: "plain" };
  }
  const d0 = b0 ^ key[0], d1 = b1 ^ key[1], d2 = b2 ^ key[2], d3 = b3 ^ key[3];
  if ((d0 ^ d1 ^ d2) === d3) {
    const previousSize = (bytes[o + 4] ^ key[4]) | ((bytes[o + 5] ^ key[5]) << 8);
    return { size: d0 | (d1 << 8), flags: d2, smallTagIndex: d3, previousSize, segmentOffset, unusedBytes, checksumOk: true, reading: "decoded" };
  }
  if ((b0 ^ b1 ^ b2) === b3 && (b0 | b1) !== 0) {
    return { size: b0 | (b1 << 8), flags: b2, smallTagIndex: b3, previousSize: bytes[o + 4] | (bytes[o + 5] << 8), segmentOffset, unusedBytes, checksumOk: true, reading: "raw" };
  }
  const previousSize = (bytes[o + 4] ^ key[4]) | ((bytes[o + 5] ^ key[5]) << 8);
  return { size: d0 | (d1 << 8), flags: d2, smallTagIndex: d3, previousSize, segmentOffset, unusedBytes, checksumOk: false, reading: "decoded" };
}

/** The +ust / extended header (_HEAP_EXTENDED_ENTRY) found through UnusedBytes & 0x40, if it is one. */
export interface ExtendedHeader {
  /** Offset of the extended header in the buffer; the user data starts one granule after it. */
  at: number;
  /** UnusedBytesLength: every byte of the block the caller did not ask for, the +ust header included. */
  unusedBytesLength: number;
  /** InterceptorValue's FunctionIndex: 1..2 for the stack-trace interceptor (§4.3); 0 for an aligned block. */
  interceptor: number;
}

/**
 * The extended header of the block whose header is at `entry`: at entry + gran * (UnusedBytes & 0x3F), with
 * ExtendedBlockSignature 5 and EntryOffset pointing back to the header (DEC RtlpSetupExtendedBlock; DbgHelpUtils
 * matches {FunctionIndex 1, ContextValue 0, *, EntryOffset 2 | sig 5 << 8} at entry+0x28 x64 / +0x10 x86, the same
 * bytes for the +ust prefix). Null when the marker is absent or the header does not check out. `end` bounds what
 * may be read (the block's end inside the buffer).
 */
export function extendedHeader(bytes: Uint8Array, entry: number, unusedBytes: number, pointerSize: 4 | 8, end: number): ExtendedHeader | null {
  if ((unusedBytes & UNUSED_EXTENDED) === 0) return null;
  const gran = pointerSize * 2;
  const granules = unusedBytes & 0x3f;
  if (granules === 0 || granules === 0x3f) return null;
  const at = entry + granules * gran;
  if (at + gran > end || at + gran > bytes.length) return null;
  // x64: InterceptorValue +8 (FunctionIndex u16 +8), UnusedBytesLength +0xC, EntryOffset +0xE, signature +0xF;
  // x86: the same fields from +0 (§2.1).
  const f = pointerSize === 8 ? at + 8 : at;
  if (bytes[f + 7] !== EXTENDED_SIGNATURE) return null;
  if (bytes[f + 6] !== granules) return null;
  return { at, unusedBytesLength: u16(bytes, f + 4), interceptor: u16(bytes, f) };
}

/**
 * The unused byte count stored at the end of a block whose UnusedBytes low bits are 0x3F (Win8+, §2.4): on x64 the
 * pointer-size value right after the block (the next block's PreviousBlockPrivateData, DEC `*(QWORD*)(hdr +
 * 16*Size)`); on x86 the place is unconfirmed (§2.4 U), so both the block's last DWORD and the next DWORD are tried.
 * The escape is untested anywhere (§10.12): a value is taken only when it fits the block (at least 0x3F, since
 * smaller counts are stored inline, and at most the block's bytes); otherwise null, and the caller reads 0x3F as a
 * plain count (Windows 7 stores counts plainly).
 */
export function escapedUnused(bytes: Uint8Array, entry: number, blockBytes: number, pointerSize: 4 | 8): number | null {
  const places = pointerSize === 8 ? [entry + blockBytes, entry + blockBytes - 8] : [entry + blockBytes - 4, entry + blockBytes];
  for (const p of places) {
    if (p < 0 || p + pointerSize > bytes.length) continue;
    // The count of one block fits 32 bits (a segment block is below 512 KB; the high DWORD must be 0 on x64).
    if (pointerSize === 8 && u32(bytes, p + 4) !== 0) continue;
    const v = u32(bytes, p);
    if (v >= UNUSED_ESCAPE && v <= blockBytes) return v;
  }
  return null;
}

/** How a busy block's user pointer and requested size were worked out. */
export interface UserArea {
  /** Offset of the user data in the buffer. */
  user: number;
  /** The bytes asked for (HeapSize). */
  size: number;
  /** Offset of the stack record pointer (+ust), or -1. */
  trace: number;
}

/**
 * User pointer, requested size and trace slot of a busy block of `blockBytes` bytes whose header is at `entry`
 * (backend: Size*gran; LFH: the subsegment's BlockSize*gran, since the LFH header's Size is keyed differently).
 *  - +ust / extended header (UnusedBytes & 0x40): user after the extended header, size = blockBytes -
 *    UnusedBytesLength (HeapStat ParseHeapRecord64/32; DbgHelpUtils). UnusedBytesLength is written in clear (DEC);
 *    ntdll XORs it with Encoding.PreviousSize only when re-reading a pre-existing sig-5 header (§4.3 X), so when
 *    the clear value does not fit, the XOR-ed one is tried (`previousSizeKey`).
 *  - 0x3F escape (Win8+): the stored count (escapedUnused), when it fits.
 *  - otherwise: UnusedBytes as a plain count (Win7) or its low 6 bits (Win8+; the same value when bits 0x40/0x80
 *    are clear), which counts the header: size = blockBytes - unused (§2.4, §10.7: HeapStat, DbgHelpUtils,
 *    MemProcFS agree).
 * Null when no reading gives a size between 0 and the block's user bytes.
 */
export function userArea(bytes: Uint8Array, entry: number, blockBytes: number, unusedBytes: number, pointerSize: 4 | 8, lfh: boolean, previousSizeKey: number): UserArea | null {
  const gran = pointerSize * 2;
  const ext = extendedHeader(bytes, entry, unusedBytes, pointerSize, entry + blockBytes);
  if (ext) {
    const headerBytes = ext.at + gran - entry;
    for (const ubl of [ext.unusedBytesLength, ext.unusedBytesLength ^ previousSizeKey]) {
      const size = blockBytes - ubl;
      if (ubl >= headerBytes && size >= 0) return { user: ext.at + gran, size, trace: ext.interceptor !== 0 ? entry + gran : -1 };
    }
    return null;
  }
  let unused = lfh ? unusedBytes & 0x3f : unusedBytes;
  if ((unusedBytes & 0x3f) === UNUSED_ESCAPE) {
    const stored = escapedUnused(bytes, entry, blockBytes, pointerSize);
    if (stored !== null) unused = stored;
  } else if (!lfh && (unusedBytes & UNUSED_LFH) !== 0) {
    unused = unusedBytes & 0x3f;
  }
  if (unused < gran || unused > blockBytes) return null;
  return { user: entry + gran, size: blockBytes - unused, trace: -1 };
}

/**
 * A stack trace record pointer as +ust stores it: a user-mode address, pointer aligned, not one of the fill
 * patterns DbgHelpUtils `is_valid_ust_address` rejects (0x01010000, 0x0101000000000000).
 */
export function plausibleTraceRecord(lo: number, hi: number, pointerSize: 4 | 8): boolean {
  if (lo === 0 && hi === 0) return false;
  if (lo % pointerSize !== 0) return false;
  if (pointerSize === 4) return hi === 0 && lo !== 0x01010000;
  if (hi >= 0x8000) return false;
  return !(hi === 0x01010000 && lo === 0);
}

/** The 8.1+ LFH offsets: FirstAllocationOffset | BlockStride << 16 = EncodedOffsets ^ UserBlocks ^ LFH ^ RtlpLFHKey,
 *  each truncated to 32 bits (§3.3: HeapStat, DbgHelpUtils, ntoseye, MemProcFS; DEC RtlpLowFragHeapAllocFromContext). */
export function decodeLfhOffsets(encodedOffsets: number, userBlocksLo: number, lfhLo: number, key: number): { first: number; stride: number } {
  const d = (encodedOffsets ^ userBlocksLo ^ lfhLo ^ key) >>> 0;
  return { first: d & 0xffff, stride: d >>> 16 };
}

/**
 * The LFH key that makes `encodedOffsets` decode to (first, stride): the symbol-free derivation (§3.3 U), used only
 * to cross-check; exported for the tests.
 */
export function lfhKeyFor(encodedOffsets: number, userBlocksLo: number, lfhLo: number, first: number, stride: number): number {
  return (encodedOffsets ^ userBlocksLo ^ lfhLo ^ (first | (stride << 16))) >>> 0;
}
