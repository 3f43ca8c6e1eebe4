// !findimporter on real PE images from Debian packages (test/fixtures/pe/PROVENANCE.md), mapped as the loader maps
// them. Expected imports come from llvm-readobj (test/fixtures/pe/expected/*.json), not from our parser.
import * as fs from "fs";
import * as path from "path";
import { DebuggerSession } from "../emulator/session";
import { kernelTarget, userTarget, BUILDS, TargetBuilder } from "../targets/builder";
import { buildDriver } from "../targets/importers";
import { mapPeFile, StubExporters, MappedImage } from "../targets/pe-loader";

const DIR = path.resolve(__dirname, "../fixtures/pe");
const file = (name: string) => new Uint8Array(fs.readFileSync(path.join(DIR, name)));

interface Expected {
  command: string;
  imports: { dll: string; delayLoad: boolean; iatRva: number; functions: { name: string | null; ordinal?: number }[] }[];
}
const expected = (name: string): Expected => JSON.parse(fs.readFileSync(path.join(DIR, "expected", name + ".json"), "utf8"));
const ntExports: Record<string, number> = JSON.parse(fs.readFileSync(path.join(DIR, "expected", "ntoskrnl.exe.exports.json"), "utf8")).exports;

type Match = { Module: string; Function: string; ImportedFrom: string; IatAddress: unknown; Target: unknown; Redirected: boolean; MatchedBy: string; DelayLoad: boolean; ByOrdinal: boolean };
const big = (v: unknown) => {
  const o = v as { getHighPart(): number; getLowPart(): number };
  return (BigInt(o.getHighPart() >>> 0) << 32n) | BigInt(o.getLowPart() >>> 0);
};

/** Every (dll, function, IAT slot address) llvm-readobj lists for an image mapped at `base`. */
function expectedSlots(e: Expected, base: bigint, thunk: number): string[] {
  const out: string[] = [];
  for (const d of e.imports) {
    d.functions.forEach((fn, i) => {
      out.push([d.dll, fn.name === null ? "#" + fn.ordinal : fn.name, (base + BigInt(d.iatRva + i * thunk)).toString(16), d.delayLoad].join(" "));
    });
  }
  return out.sort();
}

function ourSlots(matches: Match[], module: string): string[] {
  return matches.filter((m) => m.Module === module).map((m) => [m.ImportedFrom, m.Function, big(m.IatAddress).toString(16), m.DelayLoad].join(" ")).sort();
}

function wineKernel(): { b: TargetBuilder; images: Record<string, MappedImage> } {
  const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
  const nt = b.target.modules[0];
  b.memory.write(nt.base, buildDriver({ is64: true, imports: [] }).bytes.subarray(0, 0x1000));
  const exporters = new StubExporters(b);
  const ntAddresses: Record<string, bigint> = {};
  for (const [name, rva] of Object.entries(ntExports)) {
    ntAddresses[name] = nt.base + BigInt(rva);
    b.target.addSymbol("nt", name, nt.base + BigInt(rva));
  }
  exporters.known("ntoskrnl.exe", nt.base, ntAddresses);
  const images: Record<string, MappedImage> = {};
  for (const name of ["usbd.sys", "tdi.sys"]) {
    const f = file(name);
    images[name] = mapPeFile(b, name, b.moduleRange(0x40000), f, exporters.bind);
  }
  return { b, images };
}

describe("!findimporter on Wine's x86_64-windows kernel drivers (libwine 8.0~repack-4)", () => {
  test("usbd.sys imports ExAllocatePool from ntoskrnl.exe; tdi.sys does not", () => {
    const { b, images } = wineKernel();
    const r = DebuggerSession.load(b.target).run('!findimporter "ExAllocatePool"');
    expect(r.escaped).toBeNull();
    const m = r.value as Match[];
    const e = expected("usbd.sys").imports.find((d) => d.dll === "ntoskrnl.exe")!;
    const index = e.functions.findIndex((f) => f.name === "ExAllocatePool");
    expect(m.map((x) => [x.Module, x.ImportedFrom, big(x.IatAddress), big(x.Target), x.MatchedBy, x.Redirected])).toEqual([
      ["usbd", "ntoskrnl.exe", images["usbd.sys"].base + BigInt(e.iatRva + index * 8), b.target.modules[0].base + BigInt(ntExports.ExAllocatePool), "both", false],
    ]);
    expect(r.output).toMatch(/ExAllocatePool: 1 importer/);
  });

  test.each(["usbd.sys", "tdi.sys"])("%s: every import matches llvm-readobj", (name) => {
    const { b, images } = wineKernel();
    const m = DebuggerSession.load(b.target).run('dx @$findimporter("*")').value as Match[];
    expect(ourSlots(m, name.replace(/\.sys$/, ""))).toEqual(expectedSlots(expected(name), images[name].base, 8));
  });
});

describe("!findimporter on user-mode DLLs and installer stubs", () => {
  const cases: [string, 4 | 8][] = [
    ["zlib1-x64.dll", 8],
    ["zlib1-x86.dll", 4],
    ["nsis-zlib-x86-unicode.exe", 4],
  ];
  test.each(cases)("%s: every import matches llvm-readobj", (name, pointerSize) => {
    const b = userTarget({ pointerSize, build: BUILDS.win10_22h2 });
    const exporters = new StubExporters(b);
    const image = mapPeFile(b, "C:\\app\\" + name, b.moduleRange(0x100000), file(name), exporters.bind);
    const m = DebuggerSession.load(b.target).run('dx @$findimporter("*")').value as Match[];
    const module = name.replace(/\.[^.]*$/, "");
    expect(ourSlots(m, module)).toEqual(expectedSlots(expected(name), image.base, pointerSize));
    expect(m.filter((x) => x.Module === module).every((x) => x.MatchedBy === "both" && !x.Redirected)).toBe(true);
  });

  test("the NSIS stub imports from seven DLLs and finds GetProcAddress's importer by name", () => {
    const b = userTarget({ pointerSize: 4, build: BUILDS.win10_22h2 });
    const exporters = new StubExporters(b);
    mapPeFile(b, "C:\\app\\setup.exe", b.moduleRange(0x100000), file("nsis-zlib-x86-unicode.exe"), exporters.bind);
    expect(new Set(expected("nsis-zlib-x86-unicode.exe").imports.map((d) => d.dll.toLowerCase())).size).toBe(7);
    const r = DebuggerSession.load(b.target).run('!findimporter "KERNEL32!GetProcAddress"');
    expect(r.escaped).toBeNull();
    expect((r.value as Match[]).map((x) => [x.Module, x.ImportedFrom])).toEqual([["setup", "KERNEL32.dll"]]);
  });
});
