// The built-in x64 rows of src/layouts/user-segment-heap.ts against the Microsoft PDBs of the data set
// (test/fixtures/pdb-layouts: the kernel's copies of the RTL segment heap types, which ntdll shares): every field of
// every row, and the size, on every build the row claims in checkedAgainst; and the row the resolver picks for each
// PDB build is one that claims it. x86 rows and _HEAP_LARGE_ALLOC_DATA claim no PDB (the data set has none).
import { resolveLayout } from "../../../src/layouts/resolve";
import { ResolvedLayout } from "../../../src/layouts/types";
import { USER_SEGMENT_HEAP_LAYOUTS } from "../../../src/layouts/user-segment-heap";
import { pdbBuilds, pdbField, pdbType } from "../../targets/pdb-layouts";

const specs = Object.keys(USER_SEGMENT_HEAP_LAYOUTS).map((k) => USER_SEGMENT_HEAP_LAYOUTS[k as keyof typeof USER_SEGMENT_HEAP_LAYOUTS]);

describe.each(specs.map((s) => [s.typeName, s] as const))("%s", (_name, spec) => {
  test("each x64 row matches the PDB of every build it claims", () => {
    let checked = 0;
    for (const v of spec.variants.filter((x) => x.pointerSize === 8)) {
      for (const build of v.checkedAgainst || []) {
        const type = pdbType(build, spec.typeName);
        expect(type).not.toBeNull();
        expect([build, type!.size]).toEqual([build, v.size]);
        for (const f of spec.fields) {
          const field = pdbField(build, spec.typeName, f);
          expect([build, f, field && field.offset]).toEqual([build, f, v.offsets[f]]);
          if (v.sizes && v.sizes[f]) expect([build, f, field!.size]).toEqual([build, f, v.sizes[f]]);
        }
        checked++;
      }
    }
    if (spec.typeName === "_HEAP_LARGE_ALLOC_DATA") expect(checked).toBe(0);
    else expect(checked).toBeGreaterThanOrEqual(6);
  });

  test("on each PDB build from 1809 the resolver's built-in row is one that claims that build", () => {
    const builds = Array.from(new Set(pdbBuilds().map((b) => b.build))).filter((b) => b >= 17763);
    for (const build of builds) {
      const r = resolveLayout(spec, () => null, 8, build) as ResolvedLayout;
      expect(r.origin).toBe("built-in");
      if (spec.typeName !== "_HEAP_LARGE_ALLOC_DATA") expect(r.description).toContain("checked against build " + build + "'s PDB");
    }
  });
});

test("the bit fields the decoders hold: ExtraPresent bit 0 at +8, VS UnusedBytes bit 8 of AllocatedChunkBits, on every PDB from 1809", () => {
  for (const build of Array.from(new Set(pdbBuilds().map((b) => b.build))).filter((b) => b >= 17763)) {
    expect(pdbField(build, "_HEAP_PAGE_RANGE_DESCRIPTOR", "ExtraPresent")).toMatchObject({ offset: 8, bitPosition: 0, bitLength: 1 });
    expect(pdbField(build, "_HEAP_VS_CHUNK_HEADER", "UnusedBytes")).toMatchObject({ offset: 8, bitPosition: 8, bitLength: 1 });
    expect(pdbField(build, "_RTL_RB_TREE", "Encoded")).toMatchObject({ offset: 8, bitPosition: 0, bitLength: 1 });
  }
});
