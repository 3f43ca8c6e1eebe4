import { buildPe, SCN } from "../../targets/pe-builder";
import { parseHeaders, isPeError, PeHeaders } from "../../../src/pe/image";
import { parseImports } from "../../../src/pe/imports";

function reader(bytes: Uint8Array) {
  return (rva: number, size: number) => (rva + size <= bytes.length ? bytes.subarray(rva, rva + size) : null);
}

describe("PE headers and imports from an image in memory", () => {
  test.each([true, false])("PE32%s: sections, kinds and bound imports", (is64) => {
    const image = buildPe({
      is64,
      sections: [
        { name: ".text", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ, size: 0x1200 },
        { name: ".rdata", characteristics: SCN.INITIALIZED_DATA | SCN.READ, size: 0x300 },
        { name: "INIT", characteristics: SCN.CODE | SCN.EXECUTE | SCN.DISCARDABLE, size: 0x400 },
      ],
      imports: [{ dll: "ntoskrnl.exe", functions: ["ExAllocatePoolWithTag", "#12"], bound: { ExAllocatePoolWithTag: 0xfffff80722a41030n } }],
    });
    const h = parseHeaders(image.bytes.subarray(0, 0x1000), image.sizeOfImage) as PeHeaders;
    expect(isPeError(h)).toBe(false);
    expect(h.is64).toBe(is64);
    expect(h.sections.map((s) => [s.name, s.isCode, s.isDiscardable])).toEqual([
      [".text", true, false],
      [".rdata", false, false],
      ["INIT", true, true],
      [".idata", false, false],
    ]);
    const imports = parseImports(h, reader(image.bytes), image.sizeOfImage);
    expect(imports.problems).toEqual([]);
    expect(imports.entries.map((e) => [e.dll, e.name, e.ordinal, e.iatRva])).toEqual([
      ["ntoskrnl.exe", "ExAllocatePoolWithTag", null, image.iatRva["ntoskrnl.exe!ExAllocatePoolWithTag"]],
      ["ntoskrnl.exe", null, 12, image.iatRva["ntoskrnl.exe!#12"]],
    ]);
    const bound = imports.entries[0].target!;
    expect(bound.toHex()).toBe(is64 ? "fffff80722a41030" : "22a41030");
  });

  test("malformed headers are errors, not exceptions", () => {
    expect(isPeError(parseHeaders(new Uint8Array(0x100), 0x1000))).toBe(true);
    const image = buildPe({ is64: true, sections: [{ name: ".text", characteristics: SCN.CODE, size: 0x10 }] });
    const bytes = image.bytes.slice(0, 0x1000);
    new DataView(bytes.buffer).setUint32(0x3c, 0xfff0, true);
    expect(parseHeaders(bytes, image.sizeOfImage)).toEqual({ kind: "peError", reason: "e_lfanew 0xfff0 points outside the header" });
  });

  test("an optional header with fewer than 16 directories still parses", () => {
    const image = buildPe({ is64: false, directoryCount: 2, sections: [{ name: ".text", characteristics: SCN.CODE, size: 0x10 }], imports: [{ dll: "HAL.dll", functions: ["KeGetCurrentIrql"] }] });
    const h = parseHeaders(image.bytes.subarray(0, 0x1000), image.sizeOfImage) as PeHeaders;
    expect(h.directories.length).toBe(2);
    expect(parseImports(h, reader(image.bytes), image.sizeOfImage).entries.map((e) => e.name)).toEqual(["KeGetCurrentIrql"]);
  });

  test("unreadable name tables leave the name unknown, the IAT value kept", () => {
    const image = buildPe({ is64: false, sections: [], imports: [{ dll: "ntoskrnl.exe", functions: ["ExAllocatePool"], bound: { ExAllocatePool: 0x82a41030n } }] });
    const h = parseHeaders(image.bytes.subarray(0, 0x1000), image.sizeOfImage) as PeHeaders;
    const iat = image.iatRva["ntoskrnl.exe!ExAllocatePool"];
    const descriptors = image.sectionRva[".idata"];
    // Only the descriptors and the IAT are resident, as when the INIT section holding the names was discarded.
    const resident = (rva: number, size: number, start: number, length: number) => rva >= start && rva + size <= start + length;
    const read = (rva: number, size: number) =>
      resident(rva, size, iat, 8) || resident(rva, size, descriptors, 0x28) ? image.bytes.subarray(rva, rva + size) : null;
    const r = parseImports(h, read, image.sizeOfImage);
    expect(r.entries.length).toBe(1);
    expect(r.entries[0].nameUnreadable).toBe(true);
    expect(r.entries[0].target!.toHex()).toBe("82a41030");
  });
});
