// Every built-in x64 layout held against Microsoft's PDBs (test/fixtures/pdb-layouts: 213 builds, 7601 to 22000):
// for each build of the data set and each build number Windows reports on that kernel, the layout the resolver picks
// without symbols must have the PDB's size and the PDB's offset and size for every field it declares, and it may
// claim a PDB check (`checkedAgainst`) for exactly the kernels where this holds.
import { resolveLayout, isLayoutMissing, kernelBuildOf } from "../../../src/layouts/resolve";
import { LayoutSpec, LayoutVariant, ResolvedLayout, ALL_X64_PDBS } from "../../../src/layouts/types";
import { POOL_TRACKER_TABLE, POOL_TRACKER_BIG_PAGES, bigPagePoolTypeShift } from "../../../src/layouts/pool";
import { VF_TARGET_VERIFIED_DRIVER_DATA, VI_POOL_ENTRY_INUSE } from "../../../src/layouts/verifier";
import { HEAP, HEAP_VIRTUAL_ALLOC_ENTRY, SEGMENT_HEAP, heapConstants } from "../../../src/layouts/heap";
import { EXCEPTION_RECORD, EXCEPTION_POINTERS, CONTEXT_X64, POOL_HEADER, poolBlockSizeField } from "../../../src/layouts/exception";
import { SEGMENT_HEAP_LAYOUTS } from "../../../src/layouts/segment-heap";
import { pdbBuilds, pdbKernelBuilds, reportedBuilds, pdbType, pdbField, pdbKernelFor } from "../../targets/pdb-layouts";

const SPECS: LayoutSpec[] = [
  POOL_TRACKER_TABLE,
  POOL_TRACKER_BIG_PAGES,
  VF_TARGET_VERIFIED_DRIVER_DATA,
  VI_POOL_ENTRY_INUSE,
  HEAP,
  HEAP_VIRTUAL_ALLOC_ENTRY,
  SEGMENT_HEAP,
  EXCEPTION_RECORD,
  EXCEPTION_POINTERS,
  CONTEXT_X64,
  POOL_HEADER,
];

// The walk of the segment-heap pool: its layouts exist where the pool is a segment heap (nt!ExPoolState's type is in
// the PDB), even for types an older PDB also has (_POOL_HEADER).
const POOL_HEAP_SPECS: LayoutSpec[] = Object.keys(SEGMENT_HEAP_LAYOUTS).map((k) => SEGMENT_HEAP_LAYOUTS[k as keyof typeof SEGMENT_HEAP_LAYOUTS]);
const POOL_HEAP_MARK = "_EX_POOL_HEAP_MANAGER_STATE";

const noSymbols = () => null;

/** Every (reported build, spec) pair: 213 builds' kernels × the numbers each reports. */
function cases(): [string, number, number, LayoutSpec, boolean][] {
  const out: [string, number, number, LayoutSpec, boolean][] = [];
  for (const kernel of pdbKernelBuilds()) {
    for (const reported of reportedBuilds(kernel)) {
      for (const spec of SPECS) out.push([spec.typeName + " on " + reported, reported, kernel, spec, false]);
      for (const spec of POOL_HEAP_SPECS) out.push([spec.typeName + " (segment-heap pool) on " + reported, reported, kernel, spec, true]);
    }
  }
  return out;
}

function variantOf(spec: LayoutSpec, layout: ResolvedLayout): LayoutVariant {
  // Variants may share their offsets (8.1 and 1607 keep Win7's): the description names the one taken.
  return spec.variants.find((v) => v.pointerSize === 8 && layout.description.indexOf("built-in layout for " + v.label + ",") >= 0)!;
}

describe("the data set", () => {
  test("covers 213 builds of nine kernels, and the code's list of checked PDBs is that list", () => {
    expect(pdbBuilds().length).toBe(213);
    expect(pdbKernelBuilds()).toEqual(ALL_X64_PDBS);
  });

  test("every revision of a build has the same types (one row per build would do, all are read)", () => {
    for (const b of pdbBuilds()) {
      const first = pdbBuilds().find((x) => x.build === b.build)!;
      expect(b.types).toBe(first.types);
    }
  });

  test("reported build numbers map to their kernel in the code as in the data", () => {
    for (const kernel of pdbKernelBuilds()) for (const reported of reportedBuilds(kernel)) expect(kernelBuildOf(reported)).toBe(kernel);
    expect(pdbKernelFor(19045)).toBe(19041);
    expect(pdbKernelFor(18363)).toBe(18362);
    expect(kernelBuildOf(22621)).toBe(22621);
  });
});

describe.each(cases())("%s", (_name, reported, kernel, spec, poolHeap) => {
  const type = poolHeap && !pdbType(reported, POOL_HEAP_MARK) ? null : pdbType(reported, spec.typeName);
  const layout = resolveLayout(spec, noSymbols, 8, reported);

  test("the built-in layout exists exactly where the PDB has the type", () => {
    if (!type) {
      expect(isLayoutMissing(layout)).toBe(true);
      return;
    }
    if (isLayoutMissing(layout)) throw new Error(spec.typeName + ": no built-in layout for build " + reported + " (" + layout.reason + ") though its PDB has the type");
    expect(layout.guessed).toBe(false);
  });

  if (!type || isLayoutMissing(layout)) return;

  test("size and every declared field's offset and size are the PDB's", () => {
    expect({ size: layout.size }).toEqual({ size: type.size });
    for (const field of Object.keys(layout.offsets)) {
      const pdb = pdbField(reported, spec.typeName, field);
      expect({ field, inPdb: pdb !== null }).toEqual({ field, inPdb: true });
      expect({ field, offset: layout.offsets[field] }).toEqual({ field, offset: pdb!.offset });
      if (layout.sizes[field] !== undefined) expect({ field, size: layout.sizes[field] }).toEqual({ field, size: pdb!.size });
    }
    // Fields the decoders need but the variant declares no offset for would fall back to nothing: none may.
    for (const field of spec.fields) expect(layout.offsets[field]).toBeDefined();
  });

  test("the output claims this PDB check exactly when it was made", () => {
    const variant = variantOf(spec, layout);
    expect(variant.checkedAgainst || []).toContain(kernel);
    expect(layout.description).toContain("checked against build " + kernel + "'s PDB");
    expect(layout.description.startsWith(spec.typeName + ": not in the symbols (.reload /f ")).toBe(true);
  });
});

describe("checkedAgainst lists hold", () => {
  test.each(SPECS.concat(POOL_HEAP_SPECS).map((s) => [s.typeName, s] as [string, LayoutSpec]))("%s: each listed kernel resolves to that variant", (_n, spec) => {
    for (const variant of spec.variants.filter((v) => v.pointerSize === 8)) {
      for (const kernel of variant.checkedAgainst || []) {
        const layout = resolveLayout(spec, noSymbols, 8, kernel);
        if (isLayoutMissing(layout)) throw new Error(spec.typeName + " " + variant.label + " claims " + kernel + " but resolves to none");
        expect({ kernel, label: variantOf(spec, layout).label }).toEqual({ kernel, label: variant.label });
      }
    }
  });
});

describe("constants read without a layout spec", () => {
  test.each(pdbKernelBuilds().map((k) => [k]))("build %i", (build) => {
    // Big pages' PoolType: a plain ULONG before Windows 10, bits 8-19 of it from Windows 10 on.
    const poolType = pdbField(build, "_POOL_TRACKER_BIG_PAGES", "PoolType")!;
    for (const reported of reportedBuilds(build)) expect(bigPagePoolTypeShift(reported)).toBe(poolType.bitPosition || 0);
    // _POOL_HEADER.BlockSize: bits 16-23 of the first dword, in 16-byte units.
    const blockSize = pdbField(build, "_POOL_HEADER", "BlockSize")!;
    const field = poolBlockSizeField(8);
    expect(blockSize.offset * 8 + (blockSize.bitPosition || 0)).toBe(field.shift);
    expect(blockSize.bitLength).toBe(field.bits);
    // Heap constants: the heap signature (_HEAP_SEGMENT.SegmentSignature) and the PEB fields.
    const c = heapConstants(8);
    expect(pdbField(build, "_HEAP", "SegmentSignature")!.offset).toBe(c.signatureOffset);
    expect(pdbField(build, "_HEAP_ENTRY", "SubSegmentCode") !== null || pdbField(build, "_HEAP_ENTRY", "Size") !== null).toBe(true);
    for (const name of Object.keys(c.peb) as (keyof typeof c.peb)[]) expect({ name, offset: pdbField(build, "_PEB", name)!.offset }).toEqual({ name, offset: c.peb[name] });
    if (pdbType(build, "_SEGMENT_HEAP")) expect(pdbField(build, "_SEGMENT_HEAP", "Signature")!.offset).toBe(c.signatureOffset);
    // @$leaks' clock: KUSER_SHARED_DATA.SystemTime at +0x14.
    expect(pdbField(build, "_KUSER_SHARED_DATA", "SystemTime")!.offset).toBe(0x14);
  });

  test.each(pdbKernelBuilds().filter((k) => pdbType(k, POOL_HEAP_MARK)).map((k) => [k]))("build %i: the segment-heap bit fields src/pool/segment-heap.ts decodes", (build) => {
    const bits = (type: string, path: string) => {
      const f = pdbField(build, type, path)!;
      return { path, bit: f.offset * 8 + (f.bitPosition || 0), length: f.bitLength === undefined ? f.size * 8 : f.bitLength };
    };
    // A VS chunk's decoded HeaderBits: UnsafeSize bits 16-31 (16-byte units), Allocated bits 48-55.
    expect(bits("_HEAP_VS_CHUNK_HEADER", "Sizes.UnsafeSize")).toEqual({ path: "Sizes.UnsafeSize", bit: 16, length: 16 });
    expect(bits("_HEAP_VS_CHUNK_HEADER", "Sizes.Allocated")).toEqual({ path: "Sizes.Allocated", bit: 48, length: 8 });
    // The VS subsegment's Signature: the low 15 bits of its USHORT (FullCommit is bit 15).
    const vs = pdbField(build, "_HEAP_VS_SUBSEGMENT", "Signature")!;
    expect({ position: vs.bitPosition, length: vs.bitLength }).toEqual({ position: 0, length: 15 });
    // The LFH subsegment's decoded offsets: BlockSize the low 16 bits, FirstBlockOffset the high 16.
    const offsets = pdbField(build, "_HEAP_LFH_SUBSEGMENT", "BlockOffsets")!.offset;
    expect(bits("_HEAP_LFH_SUBSEGMENT", "BlockOffsets.BlockSize")).toEqual({ path: "BlockOffsets.BlockSize", bit: offsets * 8, length: 16 });
    expect(bits("_HEAP_LFH_SUBSEGMENT", "BlockOffsets.FirstBlockOffset")).toEqual({ path: "BlockOffsets.FirstBlockOffset", bit: offsets * 8 + 16, length: 16 });
  });

  test("the globals the code reads are in every build's PDB (the segment-heap pool's where the pool is one)", () => {
    const poolHeapGlobals = ["ExPoolState", "RtlpHpHeapGlobals"];
    for (const b of pdbBuilds()) {
      const segmentHeapPool = pdbType(b.build, POOL_HEAP_MARK) !== null;
      const expected = Object.keys(b.symbols).filter((s) => poolHeapGlobals.indexOf(s) < 0 || segmentHeapPool);
      const missing = expected.filter((s) => b.symbols[s] === null);
      expect({ version: b.version, missing }).toEqual({ version: b.version, missing: [] });
      if (!segmentHeapPool) expect({ version: b.version, poolHeapGlobals: poolHeapGlobals.map((s) => b.symbols[s]) }).toEqual({ version: b.version, poolHeapGlobals: [null, null] });
    }
  });
});
