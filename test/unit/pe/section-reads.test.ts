// The read plan on the section tables of real images (test/fixtures/pe, PROVENANCE.md), read from the files' headers
// (which the loader maps unchanged) and cross-checked with `llvm-readobj-14 --sections` where noted.
import * as fs from "fs";
import * as path from "path";
import { parseHeaders, isPeError, PeHeaders } from "../../../src/pe/image";
import { planSectionReads, mayBeAbsent } from "../../../src/pe/section-reads";

function headersOf(file: string): PeHeaders {
  const bytes = new Uint8Array(fs.readFileSync(path.join(__dirname, "../../fixtures/pe", file)));
  const h = parseHeaders(bytes.subarray(0, 0x1000), 0x10000000);
  if (isPeError(h)) throw new Error(h.reason);
  return h;
}

const plan = (h: PeHeaders) => planSectionReads(h.sections, 0x10000000).map((r) => [r.sections.join(" "), "0x" + r.rva.toString(16), "0x" + r.size.toString(16), r.discardable]);

describe("planSectionReads on real section tables", () => {
  test("bufferutil-x64.node (MSVC): .text to .rsrc in one read, the discardable .reloc alone", () => {
    // llvm-readobj: .text 0x1000+0x17570, .rdata 0x19000, .data 0x25000, .pdata 0x27000, .fptable 0x29000,
    // .rsrc 0x2A000+0x1E0, .reloc 0x2B000+0x690 (MEM_DISCARDABLE).
    expect(plan(headersOf("bufferutil-x64.node"))).toEqual([
      [".text .rdata .data .pdata .fptable .rsrc", "0x1000", "0x291e0", false],
      [".reloc", "0x2b000", "0x690", true],
    ]);
  });

  test("wine/hidclass.sys (GNU ld): resident sections in one read, .reloc and each debug section alone", () => {
    const reads = plan(headersOf("wine/hidclass.sys"));
    expect(reads[0]).toEqual([".text .data .rodata .rdata .pdata .xdata .bss .edata .idata .rsrc", "0x1000", "0xf160", false]);
    // The header names the .debug_* sections "/4", "/19", ...: offsets into the COFF string table, which
    // llvm-readobj resolves to .debug_aranges, .debug_info, ... (MEM_DISCARDABLE, 0x42000040, all of them).
    expect(reads.slice(1).map((r) => r[0])).toEqual([".reloc", "/4", "/19", "/31", "/45", "/57", "/70", "/81", "/92"]);
    expect(reads.slice(1).every((r) => r[3] === true)).toBe(true);
  });

  test("a WDK driver's PAGE section is read alone between two runs; a gap of a whole page splits a run", () => {
    const s = (name: string, virtualAddress: number, virtualSize: number, isDiscardable = false) => ({ name, virtualAddress, virtualSize, characteristics: 0, isCode: false, isDiscardable });
    const sections = [s(".text", 0x1000, 0x2345), s("PAGE", 0x4000, 0x1800), s(".rdata", 0x6000, 0x800), s(".data", 0x7000, 0x100), s(".pdata", 0x9000, 0x200), s("INIT", 0xa000, 0x900, true), s(".reloc", 0xb000, 0x40, true)];
    expect(sections.map(mayBeAbsent)).toEqual([false, true, false, false, false, true, true]);
    expect(planSectionReads(sections, 0x10000).map((r) => [r.sections.join(" "), r.rva, r.size])).toEqual([
      [".text", 0x1000, 0x2345],
      ["PAGE", 0x4000, 0x1800],
      [".rdata .data", 0x6000, 0x1100],
      [".pdata", 0x9000, 0x200],
      ["INIT", 0xa000, 0x900],
      [".reloc", 0xb000, 0x40],
    ]);
  });

  test("overlapping sections (hostile headers) are never planned twice; the image limit clips", () => {
    const s = (name: string, virtualAddress: number, virtualSize: number) => ({ name, virtualAddress, virtualSize, characteristics: 0, isCode: false, isDiscardable: false });
    const reads = planSectionReads([s("a", 0x1000, 0x3000), s("b", 0x2000, 0x4000), s("c", 0x2000, 0x800)], 0x5000);
    expect(reads.map((r) => [r.rva, r.size])).toEqual([[0x1000, 0x4000]]);
  });
});
