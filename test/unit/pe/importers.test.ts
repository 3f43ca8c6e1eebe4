import { buildPe, SCN } from "../../targets/pe-builder";
import { parseHeaders, PeHeaders } from "../../../src/pe/image";
import { parseDelayImports, parseAllImports, parseImports } from "../../../src/pe/imports";
import { parseImporterQuery, ImporterQuery } from "../../../src/pe/importers";

const reader = (bytes: Uint8Array, log?: [number, number][]) => (rva: number, size: number) => {
  if (log) log.push([rva, size]);
  return rva + size <= bytes.length ? bytes.subarray(rva, rva + size) : null;
};

describe("delay-load directory (IMAGE_DELAYLOAD_DESCRIPTOR, layouts.md §6)", () => {
  test.each([true, false])("is64=%s: names, ordinals and the unbound slots", (is64) => {
    const image = buildPe({
      is64,
      sections: [{ name: ".text", characteristics: SCN.CODE | SCN.EXECUTE, size: 0x1000 }],
      imports: [
        { dll: "KERNEL32.dll", functions: ["GetProcAddress"] },
        { dll: "VERSION.dll", functions: ["GetFileVersionInfoW", "#7"], delayLoad: true, bound: { GetFileVersionInfoW: 0x1100n, "#7": 0x1110n } },
      ],
    });
    const h = parseHeaders(image.bytes.subarray(0, 0x1000), image.sizeOfImage) as PeHeaders;
    const delayed = parseDelayImports(h, reader(image.bytes), image.sizeOfImage);
    expect(delayed.problems).toEqual([]);
    expect(delayed.entries.map((e) => [e.dll, e.name, e.ordinal, e.delayLoad, e.iatRva, e.target!.toHex()])).toEqual([
      ["VERSION.dll", "GetFileVersionInfoW", null, true, image.iatRva["VERSION.dll!GetFileVersionInfoW"], "1100"],
      ["VERSION.dll", null, 7, true, image.iatRva["VERSION.dll!#7"], "1110"],
    ]);
    expect(parseAllImports(h, reader(image.bytes), image.sizeOfImage).entries.map((e) => e.name)).toEqual(["GetProcAddress", "GetFileVersionInfoW", null]);
  });

  test("a descriptor without Attributes.RvaBased is reported and skipped", () => {
    const image = buildPe({ is64: true, sections: [], imports: [{ dll: "VERSION.dll", functions: ["GetFileVersionInfoW"], delayLoad: true }] });
    const h = parseHeaders(image.bytes.subarray(0, 0x1000), image.sizeOfImage) as PeHeaders;
    const dir = h.directories[13];
    new DataView(image.bytes.buffer).setUint32(dir.rva, 0, true);
    const r = parseDelayImports(h, reader(image.bytes), image.sizeOfImage);
    expect(r.entries).toEqual([]);
    expect(r.problems).toEqual(["delay-load descriptor 0 holds VAs (Attributes.RvaBased clear); skipped"]);
  });
});

describe("import tables are read whole", () => {
  test("one read per thunk array, never one per slot", () => {
    const functions = Array.from({ length: 40 }, (_, i) => "Function" + i);
    const image = buildPe({ is64: true, sections: [], imports: [{ dll: "ntoskrnl.exe", functions }] });
    const h = parseHeaders(image.bytes.subarray(0, 0x1000), image.sizeOfImage) as PeHeaders;
    const log: [number, number][] = [];
    const r = parseImports(h, reader(image.bytes, log), image.sizeOfImage);
    expect(r.entries.length).toBe(40);
    const thunkReads = log.filter(([, size]) => size % 8 === 0 && size >= 8 * 41);
    expect(thunkReads.length).toBe(2); // the INT and the IAT
    expect(log.filter(([, size]) => size === 8).length).toBe(0);
  });
});

describe("parseImporterQuery", () => {
  const ok = (v: unknown) => v as ImporterQuery;
  test("names, module-qualified names and wildcards", () => {
    expect(ok(parseImporterQuery("ExAllocatePool"))).toMatchObject({ module: null, name: "ExAllocatePool", isWildcard: false });
    expect(ok(parseImporterQuery("nt!ExAllocatePool"))).toMatchObject({ module: "nt", name: "ExAllocatePool" });
    const w = ok(parseImporterQuery("ExAllocatePool*"));
    expect(w.isWildcard).toBe(true);
    expect(["ExAllocatePool", "ExAllocatePoolWithTag", "ExFreePool"].filter((n) => w.pattern!.test(n))).toEqual(["ExAllocatePool", "ExAllocatePoolWithTag"]);
    expect(ok(parseImporterQuery("Ex?reePool")).pattern!.test("ExFreePool")).toBe(true);
  });

  test("addresses as numbers, quoted hex and symbol objects", () => {
    expect(ok(parseImporterQuery(0xe0894d1f)).address!.toHex()).toBe("e0894d1f");
    expect(ok(parseImporterQuery("0xe0894d1f")).address!.toHex()).toBe("e0894d1f");
    expect(ok(parseImporterQuery("fffff807`22a41030")).address!.toHex()).toBe("fffff80722a41030");
    const symbol = { address: 0xe0894d1f, toString: () => "nt!ExAllocatePool (0xe0894d1f)" };
    expect(ok(parseImporterQuery(symbol))).toMatchObject({ module: "nt", name: "ExAllocatePool", text: "nt!ExAllocatePool" });
  });

  test("what names no function is a BadQuery saying what was tried", () => {
    expect(parseImporterQuery("")).toEqual({ kind: "badQuery", tried: 'the string ""' });
    expect(parseImporterQuery(undefined)).toEqual({ kind: "badQuery", tried: "nothing" });
    expect(parseImporterQuery({ toString: () => "x" })).toEqual({ kind: "badQuery", tried: "a symbol object without an address" });
  });
});

describe("symbolPatternArg (what reaches `x`)", () => {
  const { symbolPatternArg } = require("../../../src/core/validate") as typeof import("../../../src/core/validate");
  test("module!pattern with wildcards only", () => {
    expect(symbolPatternArg("nt", "ExAllocatePool*")).toBe("nt!ExAllocatePool*");
    expect(symbolPatternArg("nt", "Ex?llocate*")).toBe("nt!Ex?llocate*");
    expect(symbolPatternArg("nt", "a;.shell calc")).toBeNull();
    expect(symbolPatternArg("nt\"", "a")).toBeNull();
    expect(symbolPatternArg("nt", "")).toBeNull();
  });
});
