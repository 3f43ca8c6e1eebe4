// The user-mode segment heap decoders on values worked out by hand from the public walkers' descriptions (each test
// names the walker and function it follows); the decoders shared with the kernel pool are tested in
// test/unit/pool/segment-heap.test.ts.
import { Address } from "../../../src/core/address";
import {
  crossesPage,
  decodeLargeAlloc,
  decodeVsChunkHeaderX86,
  findExtrasPointer,
  frontPadding,
  lfhSlotCount,
  lfhUnusedRecorded,
  rangeKind,
  tailUnused,
} from "../../../src/heap/user-segment-heap-decode";
import { decodeLfhOffsets } from "../../../src/pool/segment-heap";

const A = (hex: string) => Address.parse(hex)!;

test("RangeFlags by bits (ntdll RtlpHpExtrasAppend; the values 3/11/15 of MemProcFS VmmHeapAlloc_SegRangeDescriptor)", () => {
  expect([0x03, 0x0b, 0x0f, 0x02, 0x01, 0x00, 0x09].map(rangeKind)).toEqual(["Backend", "LFH", "VS", "free", "none", "none", "none"]);
  // x86: CommittedPageCount:3 shares the byte (bits 5-7); MemProcFS masks with 0x1F, the bit tests ignore them too.
  expect([0x6b, 0xef, 0x23].map(rangeKind)).toEqual(["LFH", "VS", "Backend"]);
});

test("x86 VS chunk header (MemProcFS VmmHeapAlloc_SegVS: MemoryCost:1, UnsafeSize:15, UnsafePrevSize:15, Allocated:1, x 8 bytes)", () => {
  // Chunk 0x00A41230, HeapKey 0x5EEDF00D; plain: UnsafeSize 0x23, UnsafePrevSize 0x10, Allocated 1 = 0x80100046;
  // stored = 0x80100046 ^ 0x00A41230 ^ 0x5EEDF00D = 0xDE59E27B.
  expect(decodeVsChunkHeaderX86(0xde59e27b, 0x00a41230, 0x5eedf00d)).toEqual({ bytes: 0x118, prevBytes: 0x80, allocated: true });
  // A free chunk: UnsafeSize 0x40, UnsafePrevSize 0x23 = 0x00230080, stored 0x5E6AE2BD.
  expect(decodeVsChunkHeaderX86(0x5e6ae2bd, 0x00a41230, 0x5eedf00d)).toEqual({ bytes: 0x200, prevBytes: 0x118, allocated: false });
});

test("the tail WORD (DbgHelpUtils segment_heap_utils.cpp read_extra_data)", () => {
  expect(tailUnused(0x8000)).toEqual({ unused: 1, extras: false });
  expect(tailUnused(0x8123)).toEqual({ unused: 1, extras: false });
  expect(tailUnused(0x0123)).toEqual({ unused: 0x123, extras: false });
  // +ust: 0x4000 | unused, the unused count taking in the extras trailer.
  expect(tailUnused(0x4038)).toEqual({ unused: 0x38, extras: true });
  expect(tailUnused(0x7fff)).toEqual({ unused: 0x3fff, extras: true });
});

test("the +ust record after the extras header, in DbgHelpUtils's form (01 01 then zeros) and RtlpHpExtrasAppend's (byte 3 = 1)", () => {
  // A block whose user data ends at ...1238: the extras header starts at the next 16-byte boundary, ...1240.
  const tailAt = A("000001c0`00001238");
  const tail = new Uint8Array(0x38);
  tail.set([1, 1], 8); // ...1240
  tail.set([0x40, 0x12, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00], 8 + 16); // pointer 0x00000200`00001240
  expect(findExtrasPointer(tail, tailAt, 8)).toEqual(A("00000200`00001240"));
  const dec = new Uint8Array(0x38);
  dec[8 + 2] = 0x01;
  dec[8 + 3] = 0x01;
  dec.set([0x80, 0x08, 0x01, 0x00, 0x00, 0x02, 0x00, 0x00], 8 + 16);
  expect(findExtrasPointer(dec, tailAt, 8)).toEqual(A("00000200`00010880"));
  // Neither form, or a pointer into kernel space: no record.
  expect(findExtrasPointer(new Uint8Array(0x38), tailAt, 8)).toBeNull();
  const kernel = tail.slice();
  kernel.set([0, 0, 0, 0, 0x00, 0x80, 0xff, 0xff], 8 + 16);
  expect(findExtrasPointer(kernel, tailAt, 8)).toBeNull();
  // x86: 8-byte extras header at an 8-byte boundary, then a 4-byte pointer.
  const x86 = new Uint8Array(0x18);
  x86.set([1, 1, 0, 0, 0, 0, 0, 0, 0x40, 0x12, 0x6a, 0x00], 4);
  expect(findExtrasPointer(x86, A("00a41234"), 4)).toEqual(A("006a1240"));
});

test("a large block's metadata (DbgHelpUtils large_alloc_entry.cpp block_address = VirtualAddress - UnusedBytes; ntoseye masks ~0xFFFF)", () => {
  // VirtualAddress 0x1F2`34560F10: block 0x1F2`34560000 with 0xF10 unused; bits: AllocatedPages 0x81 << 12 | ExtraPresent.
  const d = decodeLargeAlloc(A("000001f2`34560f10"), A("00000000`00081001"), 8);
  expect(d).toEqual({ block: A("000001f2`34560000"), unused: 0xf10, pages: 0x81, extraPresent: true });
  expect(d.pages * 0x1000 - d.unused).toBe(0x80000 + 0x1000 - 0xf10); // HeapSize
  // AllocatedPages reaching the high word (52 bits on x64): 0x100000 pages = bit 32 of the word.
  expect(decodeLargeAlloc(A("000001f2`00000000"), A("00000001`00000000"), 8).pages).toBe(0x100000);
  expect(decodeLargeAlloc(A("0a410020"), A("00000000`00100000"), 4)).toEqual({ block: A("0a410000"), unused: 0x20, pages: 0x100, extraPresent: false });
});

test("front padding (DbgHelpUtils read_front_padding_size: 0x10/0x40 x64, 8 x86, 0x40/0x20 large; ntdll up to 19041)", () => {
  const v = (n: number) => new Address(0, n);
  expect(frontPadding(v(0x10), 0x100, 8, false, 19041)).toBe(0x10);
  expect(frontPadding(v(0x40), 0x100, 8, false, 19045)).toBe(0x40);
  expect(frontPadding(v(0x40), 0x30, 8, false, 19045)).toBe(0);
  expect(frontPadding(v(0x20), 0x100, 8, false, 19041)).toBe(0);
  expect(frontPadding(v(0x10), 0x100, 8, false, 22000)).toBe(0);
  expect(frontPadding(v(0x10), 0x100, 8, true, 19041)).toBe(0);
  expect(frontPadding(v(0x40), 0x80000, 8, true, 19041)).toBe(0x40);
  expect(frontPadding(v(0x08), 0x100, 4, false, 19041)).toBe(8);
  expect(frontPadding(v(0x20), 0x80000, 4, true, 19041)).toBe(0x20);
  expect(frontPadding(v(0x10), 0x100, 8, false, null)).toBe(0);
});

test("LFH slots: every position to the subsegment's end, page-crossing ones found (userheap-facts §10.1, MemProcFS VmmHeapAlloc_SegLFH)", () => {
  // Two pages, first block at +0x60, 0x60-byte slots: (0x2000 - 0x60) / 0x60 = 84 positions; slot 41 at +0xFC0 runs to +0x1020.
  expect(lfhSlotCount(0x2000, 0x60, 0x60)).toBe(84);
  const crossing = Array.from({ length: 84 }, (_, i) => i).filter((i) => crossesPage(0x60 + i * 0x60, 0x60));
  expect(crossing).toEqual([41]);
  expect(lfhSlotCount(0x1000, 0x1000, 0x10)).toBe(0);
  expect(lfhSlotCount(0x1000, 0x40, 0)).toBe(0);
});

test("LFH bitmap pairs: bit 2i busy, bit 2i+1 unused bytes recorded (DbgHelpUtils heap_lfh_entry; MemProcFS takes only pairs equal to 01)", () => {
  // Byte 0b1101_1011: slot 0 = 11 (busy, recorded), slot 1 = 10 (recorded only), slot 2 = 01 (busy), slot 3 = 11.
  const bitmap = new Uint8Array([0b11011011]);
  expect([0, 1, 2, 3].map((i) => lfhUnusedRecorded(bitmap, 0, i))).toEqual([true, true, false, true]);
});

test("ntdll's LFH offsets key, (ULONG)(subsegment >> 12), against the truncating form above 4 GB (userheap-facts §10.2)", () => {
  const sub = A("000001c0`00006000");
  const lfhKey = 0x9e3779b9;
  // Plain: BlockSize 0x60 | FirstBlockOffset 0x60 << 16 = 0x00600060; (ULONG)(sub >> 12) = 0x1C000006.
  const encoded = (0x00600060 ^ lfhKey ^ 0x1c000006) >>> 0;
  expect(decodeLfhOffsets(encoded, lfhKey, sub, "26100 and later")).toEqual({ blockSize: 0x60, firstBlockOffset: 0x60 });
  // The truncating form, (ULONG)sub >> 12 = 0x6, differs by 0x1C000000: the first block offset comes out 0x60 ^ 0x1C00
  // = 0x1C60, still 16-aligned and inside a two-page subsegment, which is why the walk confirms a form by its slot count.
  expect(decodeLfhOffsets(encoded, lfhKey, sub, "before 26100")).toEqual({ blockSize: 0x60, firstBlockOffset: 0x1c60 });
});
