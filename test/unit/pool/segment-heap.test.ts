// The segment-heap decoders on values computed by hand from the published encodings (src/pool/segment-heap.ts
// cites them), and the pointer index.
import { Address } from "../../../src/core/address";
import {
  decodeSegmentSignature,
  decodeVsChunkHeader,
  decodeLfhOffsets,
  encodingOf,
  encodingOfBuild,
  lfhBlockBusy,
  vsPoolHeaderOffset,
  isKernelAddress,
} from "../../../src/pool/segment-heap";
import { ModuleIndex, findPointers, vftableClass } from "../../../src/pool/pointers";
import { previewText, differingOffset } from "../../../src/commands/poolallocs";

const A = (hex: string) => Address.parse(hex)!;

test("a page segment's signature decodes to its context: Signature ^ segment ^ HeapKey ^ 0xA2E64EADA2E64EAD", () => {
  const segment = A("ffffc58f`12300000");
  const context = A("ffffc58f`10000140");
  const key = A("1234abcd`87654321");
  // Signature = context ^ segment ^ key ^ magic, computed with BigInt here.
  const sig = BigInt("0xffffc58f10000140") ^ BigInt("0xffffc58f12300000") ^ BigInt("0x1234abcd87654321") ^ BigInt("0xa2e64eada2e64ead");
  const signature = A(sig.toString(16));
  expect(decodeSegmentSignature(signature, segment, key, "before 26100").equals(context)).toBe(true);
  expect(decodeSegmentSignature(signature, segment, A("1234abcd`87654320"), "before 26100").equals(context)).toBe(false);
  expect(encodingOf(signature, segment, key, context, "26100 and later")).toBe("before 26100");
});

test("from build 26100 the signature carries no constant (MemProcFS: static key 0), and the walk tells the two apart", () => {
  const segment = A("ffffc58f`12300000");
  const context = A("ffffc58f`10000140");
  const key = A("1234abcd`87654321");
  const sig = BigInt("0xffffc58f10000140") ^ BigInt("0xffffc58f12300000") ^ BigInt("0x1234abcd87654321");
  const signature = A(sig.toString(16));
  expect(decodeSegmentSignature(signature, segment, key, "26100 and later").equals(context)).toBe(true);
  expect(decodeSegmentSignature(signature, segment, key, "before 26100").equals(context)).toBe(false);
  expect(encodingOf(signature, segment, key, context, "before 26100")).toBe("26100 and later");
  expect(encodingOf(signature, segment, A("1234abcd`87654320"), context, "before 26100")).toBeNull();
  expect([17763, 22631, 26099, 26100, 26200, null].map((b) => encodingOfBuild(b))).toEqual([
    "before 26100", "before 26100", "before 26100", "26100 and later", "26100 and later", "before 26100",
  ]);
});

test("a VS chunk header: UnsafeSize (bits 16-31) x 16 and Allocated (bits 48-55) after HeapKey ^ address", () => {
  const chunk = A("ffffc58f`12345030");
  const key = A("0badf00d`deadbeef");
  const plain = (BigInt(0x51) << 16n) | (BigInt(0x30) << 32n) | (1n << 48n);
  const encoded = plain ^ BigInt("0xffffc58f12345030") ^ BigInt("0x0badf00ddeadbeef");
  expect(decodeVsChunkHeader(A(encoded.toString(16)), chunk, key)).toEqual({ bytes: 0x510, allocated: true });
  const free = (BigInt(0x20) << 16n) ^ BigInt("0xffffc58f12345030") ^ BigInt("0x0badf00ddeadbeef");
  expect(decodeVsChunkHeader(A(free.toString(16)), chunk, key)).toEqual({ bytes: 0x200, allocated: false });
});

test("LFH BlockOffsets before 26100: EncodedData ^ LfhKey ^ ((ULONG)subsegment >> 12)", () => {
  const sub = A("ffffc58f`12345000");
  const lfhKey = 0x9e3779b9;
  const shifted = 0x12345000 >>> 12; // the low 32 bits, then shifted: bits 20-31 are 0
  const encoded = ((0x70 | (0x50 << 16)) ^ lfhKey ^ shifted) >>> 0;
  expect(decodeLfhOffsets(encoded, lfhKey, sub, "before 26100")).toEqual({ blockSize: 0x70, firstBlockOffset: 0x50 });
  // Decoded the 26100 way, the high address bits land in FirstBlockOffset: 0x50 ^ 0x58f0.
  expect(decodeLfhOffsets(encoded, lfhKey, sub, "26100 and later")).toEqual({ blockSize: 0x70, firstBlockOffset: 0x50 ^ 0x58f0 });
});

test("LFH BlockOffsets from 26100: EncodedData ^ LfhKey ^ (ULONG)(subsegment >> 12)", () => {
  const sub = A("ffffc58f`12345000");
  const lfhKey = 0x9e3779b9;
  const shifted = Number((BigInt("0xffffc58f12345000") >> 12n) & 0xffffffffn);
  const encoded = ((0x70 | (0x50 << 16)) ^ lfhKey ^ shifted) >>> 0;
  expect(decodeLfhOffsets(encoded, lfhKey, sub, "26100 and later")).toEqual({ blockSize: 0x70, firstBlockOffset: 0x50 });
});

test("LFH bitmap: two bits per block, bit 0 busy", () => {
  const bitmap = Uint8Array.of(0b01_00_11_01, 0b00_00_00_10);
  expect([0, 1, 2, 3, 4].map((i) => lfhBlockBusy(bitmap, 0, i))).toEqual([true, true, false, true, false]);
});

test("VS pool header: after the chunk header, or at the next page when a block under 0xFF0 would run past it by more than 0x40", () => {
  expect(vsPoolHeaderOffset(A("ffffc58f`12345030"), 0x810)).toBe(16);
  expect(vsPoolHeaderOffset(A("ffffc58f`12345860"), 0x810)).toBe(16 + 0x1000 - 0x870);
  expect(vsPoolHeaderOffset(A("ffffc58f`12345860"), 0x2010)).toBe(16); // 0x2000 bytes: not a sub-page block
});

test("kernel addresses, the module index and pointers into modules", () => {
  expect(isKernelAddress(A("ffff8000`00000000"))).toBe(true);
  expect(isKernelAddress(A("00007ff8`00000000"))).toBe(false);
  const modules = new ModuleIndex([
    { name: "b", base: A("fffff807`20100000"), size: 0x5000 },
    { name: "a", base: A("fffff807`20000000"), size: 0x10000 },
  ]);
  expect(modules.find(A("fffff807`20104fff"))!.name).toBe("b");
  expect(modules.find(A("fffff807`20105000"))).toBeNull();
  const data = new Uint8Array(32);
  const view = new DataView(data.buffer);
  view.setUint32(8, 0x20000040, true);
  view.setUint32(12, 0xfffff807, true);
  view.setUint32(24, 0x20000040, true); // high half zero: not a kernel pointer
  expect(findPointers(data, modules).map((h) => [h.offset, h.module.name, h.rva])).toEqual([[8, "a", 0x40]]);
  expect(vftableClass("widget!CWidget::`vftable'")).toBe("CWidget");
  expect(vftableClass("widget!g_List+0x8")).toBeNull();
  expect(previewText(Uint8Array.of(0x4c, 0x65, 0x61, 0x6b, 0))).toBe("4c 65 61 6b 00  Leak.");
});

test("where a preview starts: the first 8-byte boundary at which the blocks differ", () => {
  const list = (tail: number) => Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 9, 9, 9, 9, 9, 0, 0, 0, tail, 0, 0);
  // Equal up to byte 0x13: the preview starts at 0x10, the boundary before it.
  expect(differingOffset([list(1), list(2), list(3)])).toBe(0x10);
  // Different in byte 5: from the start.
  expect(differingOffset([Uint8Array.of(1, 2, 3, 4, 5, 6), Uint8Array.of(1, 2, 3, 4, 5, 7)])).toBe(0);
  // One block, no block with bytes, or blocks alike to the end of the shortest: from the start.
  expect(differingOffset([list(1)])).toBe(0);
  expect(differingOffset([null, null])).toBe(0);
  expect(differingOffset([list(1), list(1).subarray(0, 12)])).toBe(0);
  // Unreadable blocks (null) do not count.
  expect(differingOffset([list(4), null, list(5)])).toBe(0x10);
});
