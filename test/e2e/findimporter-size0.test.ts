// An import directory whose Size is 0. The Windows loader takes the import directory's RVA and walks the descriptors
// to the all-zero one; it does not use the Size (Microsoft PE format, "The .idata Section": "The last directory
// entry is empty (filled with null values), which indicates the end of the directory table"; the delay-load
// directory's table ends the same way, "Delay-Load Directory Table"). Small hand-made and packed PEs ship Size 0.
// No image of test/fixtures/pe has one (llvm-readobj-14 --file-headers: every ImportTableSize and
// DelayImportDescriptorSize is non-zero), so the test takes the real bufferutil.node addons (MSVC; 1 import
// descriptor of KERNEL32.dll and 1 delay-load descriptor of node.exe: PROVENANCE.md) and sets the two directories'
// Size fields to 0 in the bytes before mapping them. The descriptors, name tables and IATs stay the real ones,
// and the expected imports are llvm-readobj's on the unpatched file (test/fixtures/pe/expected).
import * as fs from "fs";
import * as path from "path";
import { DebuggerSession } from "../emulator/session";
import { userTarget, BUILDS } from "../targets/builder";
import { mapPeFile, StubExporters } from "../targets/pe-loader";

const DIR = path.resolve(__dirname, "../fixtures/pe");

interface Expected {
  imports: { dll: string; delayLoad: boolean; iatRva: number; functions: { name: string | null; ordinal?: number }[] }[];
}
type Match = { Module: string; Function: string; ImportedFrom: string; IatAddress: unknown; DelayLoad: boolean };
const big = (v: unknown) => {
  const o = v as { getHighPart(): number; getLowPart(): number };
  return (BigInt(o.getHighPart() >>> 0) << 32n) | BigInt(o.getLowPart() >>> 0);
};

/** The file with data directory `index`'s Size set to 0 (PE/COFF optional header, written here from the spec). */
function withDirectorySizeZero(file: Uint8Array, indexes: number[]): Uint8Array {
  const out = new Uint8Array(file);
  const v = new DataView(out.buffer);
  const opt = v.getUint32(0x3c, true) + 0x18;
  const dirs = opt + (v.getUint16(opt, true) === 0x20b ? 0x70 : 0x60);
  for (const i of indexes) {
    expect(v.getUint32(dirs + i * 8, true)).not.toBe(0); // the RVA stays
    v.setUint32(dirs + i * 8 + 4, 0, true);
  }
  return out;
}

describe("!findimporter: import and delay-load directories whose Size is 0 are walked to their null descriptor", () => {
  const cases: [string, 4 | 8][] = [
    ["bufferutil-x64.node", 8],
    ["bufferutil-x86.node", 4],
  ];

  test.each(cases)("%s with both Sizes 0: every import llvm-readobj lists, delay-load ones included", (name, pointerSize) => {
    const e: Expected = JSON.parse(fs.readFileSync(path.join(DIR, "expected", name + ".json"), "utf8"));
    const b = userTarget({ pointerSize, build: BUILDS.win10_22h2 });
    const exporters = new StubExporters(b);
    const file = withDirectorySizeZero(new Uint8Array(fs.readFileSync(path.join(DIR, name))), [1, 13]);
    const image = mapPeFile(b, "C:\\app\\" + name, b.moduleRange(0x100000), file, exporters.bind);
    const module = name.replace(/\.[^.]*$/, "");
    const r = DebuggerSession.load(b.target).run('dx @$findimporter("*")');
    expect(r.escaped).toBeNull();
    const ours = (r.value as { Importers: Match[] }).Importers.filter((m) => m.Module === module).map((m) => [m.ImportedFrom, m.Function, big(m.IatAddress).toString(16), m.DelayLoad].join(" ")).sort();
    const want: string[] = [];
    for (const d of e.imports) d.functions.forEach((fn, i) => want.push([d.dll, fn.name, (image.base + BigInt(d.iatRva + i * pointerSize)).toString(16), d.delayLoad].join(" ")));
    expect(want.length).toBeGreaterThan(80);
    expect(ours).toEqual(want.sort());
  });

  test("Size 0 and no null descriptor: the walk is bounded and says so", () => {
    const name = "bufferutil-x64.node";
    const b = userTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    const exporters = new StubExporters(b);
    const file = withDirectorySizeZero(new Uint8Array(fs.readFileSync(path.join(DIR, name))), [1]);
    const image = mapPeFile(b, "C:\\app\\" + name, b.moduleRange(0x100000), file, exporters.bind);
    // Fill from the import descriptor on to the end of the image with non-zero bytes: no terminator anywhere.
    const v = new DataView(file.buffer);
    const opt = v.getUint32(0x3c, true) + 0x18;
    const importRva = v.getUint32(opt + 0x70 + 8, true);
    const rest = new Uint8Array(image.sizeOfImage - importRva - 0x14).fill(0x41);
    b.memory.write(image.base + BigInt(importRva + 0x14), rest);
    const r = DebuggerSession.load(b.target).run('!findimporter "GetProcAddress"');
    expect(r.escaped).toBeNull();
    expect(r.output).toMatch(/import descriptor list has no terminator within \d+ entries/);
  });
});
