import { parseDisassemblyHeader, formatSource, moduleOffsetName } from "../../../src/core/symbol-line";
import { Address } from "../../../src/core/address";
import { parseBugCheckCommand, decodeKiBugCheckData } from "../../../src/bugcheck/data";

test("the header of `u` gives the symbol and the source line (real output, seed 002)", () => {
  const lines = [
    "test!DriverEntry+0x33 [e:\\driver\\test\\test.c @ 20]:",
    "fffff880`04c73043 4889442428      mov     qword ptr [rsp+28h],rax",
  ];
  const s = parseDisassemblyHeader(lines);
  expect(s).toEqual({ symbol: "test!DriverEntry+0x33", file: "e:\\driver\\test\\test.c", line: 20 });
  expect(formatSource(s)).toBe("e:\\driver\\test\\test.c:20");
});

test("without line information, and without any symbol", () => {
  expect(parseDisassemblyHeader(["nt!ExAllocatePoolWithTag+0x5f:", "fffff800`01234567 90 nop"])).toEqual({ symbol: "nt!ExAllocatePoolWithTag+0x5f", file: null, line: null });
  expect(parseDisassemblyHeader(["fffff880`04c73043 4889442428      mov     qword ptr [rsp+28h],rax"]).symbol).toBeNull();
});

test(".bugcheck output and KiBugCheckData decode to the same bugcheck (seed 002 values)", () => {
  const parsed = parseBugCheckCommand(["Bugcheck code 000000C4", "Arguments 00000000`00000062 fffffa80`059c5c88 fffffa80`04f5a010 00000000`00000001"]);
  expect(parsed).toMatchObject({ code: 0xc4, source: ".bugcheck" });
  const bytes = new Uint8Array(40);
  const dv = new DataView(bytes.buffer);
  dv.setUint32(0, 0xc4, true);
  dv.setBigUint64(8, 0x62n, true);
  dv.setBigUint64(16, 0xfffffa80059c5c88n, true);
  dv.setBigUint64(24, 0xfffffa8004f5a010n, true);
  dv.setBigUint64(32, 1n, true);
  const decoded = decodeKiBugCheckData(bytes, 8);
  expect(decoded).toMatchObject({ code: 0xc4 });
  const p = (decoded as { parameters: { format(n: 8): string }[] }).parameters.map((a) => a.format(8));
  expect(p).toEqual(["00000000`00000062", "fffffa80`059c5c88", "fffffa80`04f5a010", "00000000`00000001"]);
  expect(decodeKiBugCheckData(new Uint8Array(40), 8)).toEqual({ kind: "none" });
});

test("symbols with spaces and backticks, as in seed 001's stacks", () => {
  expect(parseDisassemblyHeader(["ntdll! ?? ::FNODOBFM::`string'+0x153eb:", "00000000`77c8c35b 90 nop"]).symbol).toBe("ntdll! ?? ::FNODOBFM::`string'+0x153eb");
});

test("no symbol: the address as module+offset, as WinDbg names it; outside every module, nothing", () => {
  // seed 000: `lm` shows myfault at fffff807`47f50000-fffff807`47f59000 and "Leak" is loaded at +0x1559.
  const modules = [
    { name: "nt", base: Address.parse("fffff807`23c00000")!, size: 0x1046000 },
    { name: "myfault", base: Address.parse("fffff807`47f50000")!, size: 0x9000 },
  ];
  expect(moduleOffsetName(Address.parse("fffff807`47f51559")!, modules)).toBe("myfault+0x1559");
  expect(moduleOffsetName(Address.parse("fffff807`47f50000")!, modules)).toBe("myfault+0x0");
  expect(moduleOffsetName(Address.parse("fffff807`47f59000")!, modules)).toBeNull();
  expect(moduleOffsetName(Address.parse("a05c1047")!, [{ name: "Sample", base: Address.parse("a05c0000")!, size: 0x6000 }])).toBe("Sample+0x1047");
  expect(moduleOffsetName(Address.parse("a05c1047")!, [])).toBeNull();
});
