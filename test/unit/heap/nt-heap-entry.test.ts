// The NT heap header decoders on values worked out by hand from the public walkers' code (read with the search
// tool; cited per test): MemProcFS vmm/vmmheap.c, DbgHelpUtils DbgHelpUtils/heap_entry.cpp, HeapStat heapstat.cpp
// (as research/userheap-facts.md §2-4 quotes it). Bytes are written out literally, not produced by the test builder.
import { decodeEntry, extendedHeader, escapedUnused, userArea, plausibleTraceRecord, decodeLfhOffsets, lfhKeyFor } from "../../../src/heap/nt-heap-entry";

/** A 16-byte x64 header area followed by `extra` zero bytes. */
function x64(meta: number[], extra = 0x40): Uint8Array {
  const b = new Uint8Array(16 + extra);
  b.set(meta, 8);
  return b;
}

// The key as Encoding+8..+F holds it (§2.3: random Size/Flags(|0x10)/SmallTagIndex, random PreviousSize, zero
// SegmentOffset/UnusedBytes).
const KEY = Uint8Array.of(0x5a, 0xc3, 0x31, 0x96, 0x3b, 0x7e, 0x00, 0x00);

describe("decodeEntry (MemProcFS VmmHeap_GetEntryDecoded: the QWORD at +8 x64 / +0 x86 XOR the Encoding QWORD, byte 3 == b0^b1^b2)", () => {
  test("a busy x64 block: Size 0x13, Flags 1, PreviousSize 5, UnusedBytes 0x42 (+ust)", () => {
    // Plain: 13 00 01 12 05 00 00 42; XOR KEY: 49 c3 30 84 3e 7e 00 42.
    const e = decodeEntry(x64([0x49, 0xc3, 0x30, 0x84, 0x3e, 0x7e, 0x00, 0x42]), 0, 8, KEY);
    expect(e).toEqual({ size: 0x13, flags: 1, smallTagIndex: 0x12, previousSize: 5, segmentOffset: 0, unusedBytes: 0x42, checksumOk: true, reading: "decoded" });
  });

  test("x86: the same 8 bytes at +0", () => {
    const b = new Uint8Array(0x20);
    b.set([0x49, 0xc3, 0x30, 0x84, 0x3e, 0x7e, 0x00, 0x1c], 0);
    const e = decodeEntry(b, 0, 4, KEY);
    expect([e.size, e.flags, e.previousSize, e.unusedBytes, e.checksumOk]).toEqual([0x13, 1, 5, 0x1c, true]);
  });

  test("a header left in clear (a commit guard, Flags 0x11) still reads: the raw reading passes its checksum (§2.3 X)", () => {
    // 01 00 11 10 ...: 0x01 ^ 0x00 ^ 0x11 = 0x10. Decoded with KEY it would be 5b c3 20 86 -> 5b^c3^20 = b8 != 86.
    const e = decodeEntry(x64([0x01, 0x00, 0x11, 0x10, 0x13, 0x00, 0x00, 0x10]), 0, 8, KEY);
    expect([e.size, e.flags, e.checksumOk, e.reading]).toEqual([1, 0x11, true, "raw"]);
  });

  test("a damaged header fails (DbgHelpUtils heap_entry::get_is_valid: data[8]^data[9]^data[0xa]^data[0xb] must be 0)", () => {
    const e = decodeEntry(x64([0x4d, 0xc3, 0x30, 0x84, 0x3e, 0x7e, 0x00, 0x42]), 0, 8, KEY);
    expect(e.checksumOk).toBe(false);
  });

  test("no encoding (EncodeFlagMask clear): fields as stored, no checksum", () => {
    const e = decodeEntry(x64([0x05, 0x00, 0x01, 0x07, 0x03, 0x00, 0x00, 0x1f]), 0, 8, null);
    expect([e.size, e.flags, e.smallTagIndex, e.previousSize, e.unusedBytes, e.reading]).toEqual([5, 1, 7, 3, 0x1f, "plain"]);
  });
});

describe("userArea: user pointer, requested size, trace slot", () => {
  test("x64 +ust backend block: DbgHelpUtils' pattern {0001 0000 * 0502} at +0x28, user at +0x30 (ust_header_size_x64), size = Size*16 - UnusedBytesLength (HeapStat AnalyzeHeap64: extra at entry+0x10+0x1c, user at entry+0x10+0x20)", () => {
    // Block 0x130 bytes for a 0x100 request: UnusedBytesLength = 0x130 - 0x100 = 0x30.
    const b = x64([0, 0, 0, 0, 0, 0, 0, 0x42], 0x130);
    b.set([0x01, 0x00, 0x00, 0x00, 0x30, 0x00, 0x02, 0x05], 0x28);
    expect(extendedHeader(b, 0, 0x42, 8, 0x130)).toEqual({ at: 0x20, unusedBytesLength: 0x30, interceptor: 1 });
    expect(userArea(b, 0, 0x130, 0x42, 8, false, 0)).toEqual({ user: 0x30, size: 0x100, trace: 0x10 });
  });

  test("x86 +ust: extended header at +0x10, user at +0x18 (DbgHelpUtils ust_header_size_x86; HeapStat ParseHeapRecord32: extra at entry+8+0xc, user at entry+8+0x10, ust pointer at entry+8)", () => {
    const b = new Uint8Array(0x80);
    b[7] = 0x42;
    b.set([0x01, 0x00, 0x00, 0x00, 0x1b, 0x00, 0x02, 0x05], 0x10);
    // 0x78-byte block for a 0x5d request: UnusedBytesLength 0x1b.
    expect(userArea(b, 0, 0x78, 0x42, 4, false, 0)).toEqual({ user: 0x18, size: 0x5d, trace: 8 });
  });

  test("an extended header without an interceptor (an aligned block) has no trace slot", () => {
    const b = x64([0, 0, 0, 0, 0, 0, 0, 0x42], 0x100);
    b.set([0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x02, 0x05], 0x28);
    expect(userArea(b, 0, 0x100, 0x42, 8, false, 0)!.trace).toBe(-1);
  });

  test("UnusedBytesLength XOR-ed with Encoding.PreviousSize is read too when the clear value cannot fit (§4.3 X)", () => {
    const b = x64([0, 0, 0, 0, 0, 0, 0, 0x42], 0x130);
    // 0x30 ^ 0x7e3b = 0x7e0b: larger than the block; the XOR-ed reading gives 0x30 back.
    b.set([0x01, 0x00, 0x00, 0x00, 0x0b, 0x7e, 0x02, 0x05], 0x28);
    expect(userArea(b, 0, 0x130, 0x42, 8, false, 0x7e3b)).toEqual({ user: 0x30, size: 0x100, trace: 0x10 });
  });

  test("a plain backend block: size = Size*16 - UnusedBytes (HeapStat ParseHeapRecord32: userSize = Size*unit - ExtendedBlockSignature; DbgHelpUtils get_requested_size)", () => {
    // Size 5 (0x50 bytes), UnusedBytes 0x1f: 0x31 bytes asked. (MemProcFS VmmHeapAlloc_NtInitSeg, in the version read,
    // computes (Size - 1) * unit - UnusedBytes = 0x21: one granule less; §2.4 marks that reading contested.)
    const b = x64([0x05, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x1f], 0x50);
    expect(userArea(b, 0, 0x50, 0x1f, 8, false, 0)).toEqual({ user: 0x10, size: 0x31, trace: -1 });
  });

  test("Windows 7 stores counts plainly: UnusedBytes 0x48 with no extended header is 0x48 unused", () => {
    const b = x64([0, 0, 0, 0, 0, 0, 0, 0x48], 0x60);
    expect(userArea(b, 0, 0x60, 0x48, 8, false, 0)).toEqual({ user: 0x10, size: 0x18, trace: -1 });
  });

  test("the 0x3F escape (DEC: UnusedBytes 0xBF, *(QWORD*)(hdr + 16*BlockUnits) = unused), x64 LFH block of 0x90 bytes for 0x20", () => {
    const b = x64([0, 0, 0, 0, 0, 0, 0, 0xbf], 0x90);
    b.set([0x70, 0, 0, 0, 0, 0, 0, 0], 0x90);
    expect(escapedUnused(b, 0, 0x90, 8)).toBe(0x70);
    expect(userArea(b, 0, 0x90, 0xbf, 8, true, 0)).toEqual({ user: 0x10, size: 0x20, trace: -1 });
  });

  test("the escape on x86, either place (§2.4 U): the block's last DWORD, or the DWORD after the block", () => {
    const last = new Uint8Array(0x80);
    last.set([0x48, 0, 0, 0], 0x60 - 4);
    expect(escapedUnused(last, 0, 0x60, 4)).toBe(0x48);
    const after = new Uint8Array(0x80);
    after.set([0x48, 0, 0, 0], 0x60);
    expect(escapedUnused(after, 0, 0x60, 4)).toBe(0x48);
  });

  test("an escape value that does not fit is not taken: 0x3F is then a plain count (Windows 7, §10.12)", () => {
    const b = x64([0, 0, 0, 0, 0, 0, 0, 0x3f], 0x80);
    b.set([0x00, 0x10, 0, 0, 0, 0, 0, 0], 0x60); // 0x1000: larger than the block
    expect(escapedUnused(b, 0, 0x60, 8)).toBeNull();
    expect(userArea(b, 0, 0x60, 0x3f, 8, false, 0)).toEqual({ user: 0x10, size: 0x21, trace: -1 });
  });

  test("an unused count smaller than the header or larger than the block fits no reading", () => {
    const b = x64([0, 0, 0, 0, 0, 0, 0, 0x04], 0x40);
    expect(userArea(b, 0, 0x40, 0x04, 8, false, 0)).toBeNull();
  });
});

describe("LFH offsets (MemProcFS VmmHeapAlloc_NtInitLfhUserData: EncodedOffsets ^ (DWORD)UserBlocks ^ (DWORD)LFH ^ RtlpLFHKey = FirstAllocationOffset | BlockStride << 16)", () => {
  test("x64: 0x5e7c51c7 with UserBlocks 0x1d4`a1b2c040, LFH 0x1d4`a1a40000, key 0x5e3a91c7 -> first 0x40, stride 0x50", () => {
    expect(decodeLfhOffsets(0x5e7c51c7, 0xa1b2c040, 0xa1a40000, 0x5e3a91c7)).toEqual({ first: 0x40, stride: 0x50 });
    expect(lfhKeyFor(0x5e7c51c7, 0xa1b2c040, 0xa1a40000, 0x40, 0x50)).toBe(0x5e3a91c7);
  });

  test("x86: 0x0bb446fd with UserBlocks 0xa51830, LFH 0xa40000, key 0x0bad5eed -> first 0x20 (MemProcFS' x86 minimum), stride 0x18", () => {
    expect(decodeLfhOffsets(0x0bb446fd, 0x00a51830, 0x00a40000, 0x0bad5eed)).toEqual({ first: 0x20, stride: 0x18 });
  });
});

describe("plausibleTraceRecord (DbgHelpUtils is_valid_ust_address rejects the fill patterns)", () => {
  test.each([
    ["x64 record", 0x7e3a1000, 0x1f4, 8, true],
    ["null", 0, 0, 8, false],
    ["0x0101000000000000", 0, 0x01010000, 8, false],
    ["kernel", 0x1000, 0xffff8000, 8, false],
    ["misaligned", 0x7e3a1004, 0x1f4, 8, false],
    ["x86 record", 0x00e31008, 0, 4, true],
    ["x86 0x01010000", 0x01010000, 0, 4, false],
  ] as const)("%s", (_n, lo, hi, ps, ok) => {
    expect(plausibleTraceRecord(lo, hi, ps)).toBe(ok);
  });
});
