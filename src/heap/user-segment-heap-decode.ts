// Pure decoders of ntdll's segment heap metadata (userheap-facts §5 and §10), over bytes already read. The ones the
// kernel pool shares (page segment signature, x64 VS chunk sizes, LFH offsets, the bitmap's busy bit) are imported
// from src/pool/segment-heap.ts; what is here is user-mode only or x86:
//  - RangeFlags: tested by bits, not by name (the names are contested, the values 0x03/0x0B/0x0F agree across
//    DbgHelpUtils page_range_flags, MemProcFS VmmHeapAlloc_SegRangeDescriptor, ntoseye heap.rs and ntdll's
//    RtlpHpExtrasAppend, which tests (f & 3) == 3 for an allocated range head and (f & 0x1C) == 8 / 0xC for LFH / VS).
//  - The x86 VS chunk header: 32 bits, MemoryCost:1, UnsafeSize:15, UnsafePrevSize:15, Allocated:1, in 8-byte
//    units, XORed with the chunk's address and HeapKey (MemProcFS vmmheap.c, VmmHeapAlloc_SegVS, x86 branch).
//  - The tail WORD of a block whose unused bytes are recorded (DbgHelpUtils segment_heap_utils.cpp,
//    read_extra_data): 0x8000 = exactly one unused byte; else the unused count in the low bits and 0x4000 = an
//    extras trailer (the +ust stack pointer). The count is masked with 0x3FFF (DbgHelpUtils); ntoseye masks 0x1FFF:
//    the two agree below 0x2000 unused bytes, and a count past the block says which one is wrong (see tailUnused).
//  - The extras trailer (+ust): after the user data at the next 16-byte boundary (x64) / 8-byte (x86) an extras
//    header, then the stack record pointer. DbgHelpUtils (read_ust_address) looks for the bytes 01 01 followed by
//    zeros up to 0xE (x64) / 6 (x86) and takes the pointer after them; the decompiled RtlpHpExtrasAppend sets
//    byte +2 (interceptor index | flags) and byte +3 = 1 (data size >> 4). findExtrasPointer accepts either form at
//    each aligned position of the unused tail and takes the first plausible user-mode pointer.
//  - _HEAP_LARGE_ALLOC_DATA: VirtualAddress with UnusedBytes in its low 16 bits; a word of bit fields with
//    ExtraPresent at bit 0 and AllocatedPages from bit 12. The block starts at VirtualAddress - UnusedBytes
//    (DbgHelpUtils large_alloc_entry.cpp, block_address) which is VirtualAddress & ~0xFFFF (ntoseye
//    large_allocations) for every 64 KB-aligned block. MemProcFS (vmmheap.c) takes the raw field, unused count
//    included, as the block's address, which puts its block UnusedBytes past the start the other two give; we
//    follow DbgHelpUtils and ntoseye. Size = AllocatedPages * 0x1000 - UnusedBytes (HeapSize).
//  - Front padding (userheap-facts §5.9, DbgHelpUtils segment_heap_utils.cpp read_front_padding_size): up to ntdll
//    10.0.19041, a block may start with a pointer-sized value 0x10 or 0x40 (x64) / 8 (x86) that is the padding in
//    front of the user data (0x40 / 0x20 for large blocks). A heuristic of DbgHelpUtils's, applied on those builds
//    only: a program whose block starts with exactly that value would be read 0x10/0x40 bytes in.
import { Address } from "../core/address";
import { u16, u32 } from "../core/bytes";

export type RangeKind = "LFH" | "VS" | "Backend" | "free" | "none";

/** What a range descriptor's RangeFlags say of the range it heads. */
export function rangeKind(flags: number): RangeKind {
  if ((flags & 2) === 0) return "none"; // not a range head
  if ((flags & 1) === 0) return "free";
  const sub = flags & 0x1c;
  if (sub === 0x08) return "LFH";
  if (sub === 0x0c) return "VS";
  if (sub === 0) return "Backend";
  return "none";
}

/** The x86 VS chunk header: HeaderBits ^ chunk ^ HeapKey (all 32-bit). */
export function decodeVsChunkHeaderX86(headerBits: number, chunk: number, heapKey: number): { bytes: number; prevBytes: number; allocated: boolean } {
  const d = (headerBits ^ chunk ^ heapKey) >>> 0;
  return { bytes: ((d >>> 1) & 0x7fff) * 8, prevBytes: ((d >>> 16) & 0x7fff) * 8, allocated: d >>> 31 === 1 };
}

/** The tail WORD of a block with recorded unused bytes: the unused count and whether an extras trailer follows the data. */
export function tailUnused(word: number): { unused: number; extras: boolean } {
  if ((word & 0x8000) !== 0) return { unused: 1, extras: false };
  return { unused: word & 0x3fff, extras: (word & 0x4000) !== 0 };
}

/**
 * The +ust stack record pointer in a block's unused tail: `tail` holds the block's bytes from `tailStart` (the end
 * of the user data) to the block's end; `tailAddress` is where it lies. Null when no aligned position holds an
 * extras header followed by a plausible pointer.
 */
export function findExtrasPointer(tail: Uint8Array, tailAddress: Address, pointerSize: 4 | 8): Address | null {
  const align = pointerSize === 8 ? 16 : 8;
  const headerBytes = pointerSize === 8 ? 16 : 8;
  const first = (align - (tailAddress.lo % align)) % align;
  for (let at = first; at + headerBytes + pointerSize <= tail.length; at += align) {
    if (!looksLikeExtrasHeader(tail, at, headerBytes)) continue;
    const p = readPointer(tail, at + headerBytes, pointerSize);
    if (isUserPointer(p, pointerSize)) return p;
  }
  return null;
}

function looksLikeExtrasHeader(bytes: Uint8Array, at: number, headerBytes: number): boolean {
  // DbgHelpUtils's form: 01 01 then zeros to the end of the header (0xE / 6 bytes scanned).
  let dhu = bytes[at] === 1 && bytes[at + 1] === 1;
  for (let i = 2; dhu && i < headerBytes - 2; i++) if (bytes[at + i] !== 0) dhu = false;
  if (dhu) return true;
  // RtlpHpExtrasAppend's form: byte +3 is the interceptor data size in 16-byte units (1), byte +2 the interceptor
  // index (low nibble, non-zero) and flags.
  return bytes[at + 3] === 1 && (bytes[at + 2] & 0x0f) !== 0;
}

function readPointer(bytes: Uint8Array, at: number, pointerSize: 4 | 8): Address {
  return pointerSize === 8 ? new Address(u32(bytes, at + 4), u32(bytes, at)) : new Address(0, u32(bytes, at));
}

/** Non-null, pointer-aligned, below the top of user space. */
export function isUserPointer(p: Address, pointerSize: 4 | 8): boolean {
  if (p.isNull || p.lo % pointerSize !== 0) return false;
  return pointerSize === 8 ? p.hi < 0x8000 : p.hi === 0;
}

export interface LargeAllocation {
  /** Where the block starts (VirtualAddress less its UnusedBytes). */
  block: Address;
  unused: number;
  pages: number;
  extraPresent: boolean;
}

/** A _HEAP_LARGE_ALLOC_DATA's VirtualAddress word and bit-field word decoded (see the header comment). */
export function decodeLargeAlloc(virtualAddress: Address, bits: Address, pointerSize: 4 | 8): LargeAllocation {
  const unused = virtualAddress.lo & 0xffff;
  // AllocatedPages: bits 12 and up of the word (52 bits on x64, 20 on x86).
  const pages = pointerSize === 8 ? bits.hi * 0x100000 + (bits.lo >>> 12) : bits.lo >>> 12;
  return { block: virtualAddress.subtract(unused), unused, pages, extraPresent: (bits.lo & 1) === 1 };
}

/** The front padding sizes DbgHelpUtils recognises (see the header comment). */
export function frontPaddingSizes(pointerSize: 4 | 8, large: boolean): number[] {
  if (large) return pointerSize === 8 ? [0x40] : [0x20];
  return pointerSize === 8 ? [0x10, 0x40] : [0x08];
}

/** Builds whose ntdll pads the front of some blocks (DbgHelpUtils: ntdll up to 10.0.19041, i.e. 19041-19045). */
export const FRONT_PADDING_LAST_BUILD = 19045;

/** The padding in front of the user data, from the block's first pointer-sized value; 0 when there is none. */
export function frontPadding(firstValue: Address, blockBytes: number, pointerSize: 4 | 8, large: boolean, build: number | null): number {
  if (build === null || build > FRONT_PADDING_LAST_BUILD || firstValue.hi !== 0) return 0;
  for (const size of frontPaddingSizes(pointerSize, large)) if (firstValue.lo === size && blockBytes >= size) return size;
  return 0;
}

/** An LFH slot that crosses a page boundary (subsegments start on a page). */
export function crossesPage(slotOffset: number, blockSize: number): boolean {
  return (slotOffset & 0xfff) + blockSize > 0x1000;
}

/** Bit 2i+1 of the LFH bitmap: the block's unused bytes are recorded in its tail WORD (DbgHelpUtils heap_lfh_entry). */
export function lfhUnusedRecorded(bitmap: Uint8Array, offset: number, index: number): boolean {
  return ((bitmap[offset + (index >> 2)] >> ((index & 3) * 2 + 1)) & 1) === 1;
}

/** The LFH slots of a subsegment: every position from FirstBlockOffset to the end (userheap-facts §10.1). */
export function lfhSlotCount(subsegmentBytes: number, firstBlockOffset: number, blockSize: number): number {
  if (blockSize <= 0 || firstBlockOffset >= subsegmentBytes) return 0;
  return Math.floor((subsegmentBytes - firstBlockOffset) / blockSize);
}

export function tailWord(bytes: Uint8Array, end: number): number {
  return u16(bytes, end - 2);
}
