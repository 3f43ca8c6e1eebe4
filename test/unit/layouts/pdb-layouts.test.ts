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

const noSymbols = () => null;

/** Every (reported build, spec) pair: 213 builds' kernels × the numbers each reports. */
function cases(): [string, number, number, LayoutSpec][] {
  const out: [string, number, number, LayoutSpec][] = [];
  for (const kernel of pdbKernelBuilds()) {
    for (const reported of reportedBuilds(kernel)) for (const spec of SPECS) out.push([spec.typeName + " on " + reported, reported, kernel, spec]);
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

describe.each(cases())("%s", (_name, reported, kernel, spec) => {
  const type = pdbType(reported, spec.typeName);
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
  test.each(SPECS.map((s) => [s.typeName, s] as [string, LayoutSpec]))("%s: each listed kernel resolves to that variant", (_n, spec) => {
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

  test("the globals the code reads are in every build's PDB", () => {
    for (const b of pdbBuilds()) {
      const missing = Object.keys(b.symbols).filter((s) => b.symbols[s] === null);
      expect({ version: b.version, missing }).toEqual({ version: b.version, missing: [] });
    }
  });
});
