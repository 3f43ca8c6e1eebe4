import { decodeStackRecord } from "../../../src/heap/stack-records";

/** Little-endian bytes from (offset, value, width) triples. */
function bytes(size: number, fields: [number, number, number][]): Uint8Array {
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  for (const [at, value, width] of fields) (width === 2 ? v.setUint16(at, value, true) : v.setUint32(at, value, true));
  return b;
}

describe("decodeStackRecord", () => {
  test("an RtlpHeapStackTraceLog record, x64: ULONG Depth at +0xC, frames at +0x10 (HeapStat GetStackTrace)", () => {
    const b = bytes(0x20, [[0x8, 0x9e3779b1, 4], [0xc, 2, 4], [0x10, 0x77a3c35b, 4], [0x14, 0x7ff8, 4], [0x18, 0x1001a45, 4], [0x1c, 0x7ff6, 4]]);
    const r = decodeStackRecord(b, 8, "x");
    expect("frames" in r && r.frames.map((f) => f.toHex())).toEqual(["7ff877a3c35b", "7ff601001a45"]);
  });

  test("an RtlpHeapStackTraceLog record, x86: ULONG Depth at +0x8, frames at +0xC", () => {
    const b = bytes(0x14, [[0x4, 0x1234, 4], [0x8, 2, 4], [0xc, 0x77a3c35b, 4], [0x10, 0x1001a45, 4]]);
    const r = decodeStackRecord(b, 4, "x");
    expect("frames" in r && r.frames.map((f) => f.toHex())).toEqual(["77a3c35b", "1001a45"]);
  });

  test("a page heap's _RTL_STACK_TRACE_ENTRY, x64: Index 0x31 at +0xC, USHORT Depth at +0xE, BackTrace at +0x10", () => {
    const b = bytes(0x18, [[0xc, 0x31, 2], [0xe, 1, 2], [0x10, 0x77a3c35b, 4], [0x14, 0x7ff8, 4]]);
    const r = decodeStackRecord(b, 8, "x");
    expect("frames" in r && r.frames.map((f) => f.toHex())).toEqual(["7ff877a3c35b"]);
  });

  test("a page heap's _RTL_STACK_TRACE_ENTRY, x86: Index at +0x8, USHORT Depth at +0xA, BackTrace at +0xC", () => {
    const b = bytes(0x14, [[0x8, 0x7, 2], [0xa, 2, 2], [0xc, 0x77a3c35b, 4], [0x10, 0x1001a45, 4]]);
    const r = decodeStackRecord(b, 4, "x");
    expect("frames" in r && r.frames.map((f) => f.toHex())).toEqual(["77a3c35b", "1001a45"]);
  });

  test("an implausible depth and a record cut short are named", () => {
    expect(decodeStackRecord(bytes(0x20, [[0xc, 0x7777, 4]]), 8, "00000200`00000390")).toEqual({ problem: "the stack record at 00000200`00000390 has an implausible depth (30583)" });
    expect(decodeStackRecord(bytes(0x18, [[0xc, 4, 4]]), 8, "a")).toEqual({ problem: "the stack record at a is cut short" });
    expect(decodeStackRecord(bytes(0x8, []), 8, "a")).toEqual({ problem: "the stack record at a is cut short" });
  });
});
