// The typed path on what a real symbol file gives: for every kernel of the PDB data set, the PDB's own types (real
// field names, nested _LIST_ENTRY/_SLIST_HEADER/_HEAP_ENTRY, unions, bit fields) are put into the emulated
// debugger's symbols, and the code's resolver must read every field it needs from them, at the PDB's offsets, and
// say it used the symbols. Before this, "with symbols" scenes carried flat hand-made types of the fields we read.
import { installHost } from "../../support/host-global";
import { kernelTarget } from "../../targets/builder";
import { pdbKernelBuilds, pdbType, pdbField } from "../../targets/pdb-layouts";
import { Target } from "../../../src/host/target";
import { resolveLayout, isLayoutMissing } from "../../../src/layouts/resolve";
import { LayoutSpec } from "../../../src/layouts/types";
import { POOL_TRACKER_TABLE, POOL_TRACKER_BIG_PAGES } from "../../../src/layouts/pool";
import { VF_TARGET_VERIFIED_DRIVER_DATA, VI_POOL_ENTRY_INUSE } from "../../../src/layouts/verifier";
import { HEAP, HEAP_VIRTUAL_ALLOC_ENTRY, SEGMENT_HEAP } from "../../../src/layouts/heap";
import { EXCEPTION_RECORD, EXCEPTION_POINTERS, CONTEXT_X64, POOL_HEADER } from "../../../src/layouts/exception";

const SPECS: LayoutSpec[] = [
  POOL_TRACKER_TABLE, POOL_TRACKER_BIG_PAGES, VF_TARGET_VERIFIED_DRIVER_DATA, VI_POOL_ENTRY_INUSE, HEAP, HEAP_VIRTUAL_ALLOC_ENTRY,
  SEGMENT_HEAP, EXCEPTION_RECORD, EXCEPTION_POINTERS, CONTEXT_X64, POOL_HEADER,
];

describe.each(pdbKernelBuilds().map((k) => [k]))("build %i's PDB types in the symbols", (build) => {
  const b = kernelTarget({ pointerSize: 8, build });
  const present = SPECS.filter((s) => pdbType(build, s.typeName));
  b.pdbTypes("nt", present.map((s) => s.typeName));
  // The heap specs look in ntdll: the same types (the data set has the kernel's copies only).
  b.pdbTypes("ntdll", present.filter((s) => s.module === "ntdll").map((s) => s.typeName));

  test.each(present.map((s) => [s.typeName, s] as [string, LayoutSpec]))("%s: every field from the symbols, at the PDB's offset", (_n, spec) => {
    installHost(b.target);
    const t = new Target();
    const layout = resolveLayout(spec, (m, n) => t.type(m, n), 8, t.windowsBuild());
    if (isLayoutMissing(layout)) throw new Error(layout.reason);
    expect(layout.origin).toBe("symbols");
    expect(layout.description).toBe(spec.typeName + ": from " + spec.module + "'s symbols");
    expect(layout.size).toBe(pdbType(build, spec.typeName)!.size);
    for (const field of spec.fields) {
      const pdb = pdbField(build, spec.typeName, field)!;
      expect({ field, offset: layout.offsets[field], size: layout.sizes[field] }).toEqual({ field, offset: pdb.offset, size: pdb.size });
    }
  });

  test("type objects show nesting, unions and bit fields as the PDB has them", () => {
    installHost(b.target);
    const h = (global as unknown as { host: { getModuleType(m: string, t: string): Record<string, unknown> } }).host;
    const big = h.getModuleType("nt", "_POOL_TRACKER_BIG_PAGES") as { fields: Record<string, { type: Record<string, unknown> }> };
    const poolType = big.fields.PoolType.type;
    const bits = pdbField(build, "_POOL_TRACKER_BIG_PAGES", "PoolType")!;
    expect(poolType.isBitField).toBe(bits.bitLength !== undefined);
    if (bits.bitLength !== undefined) expect(poolType.bitFieldPositions).toEqual({ lsb: bits.bitPosition, length: bits.bitLength });
    const vf = h.getModuleType("nt", "_VF_TARGET_VERIFIED_DRIVER_DATA") as { fields: Record<string, { type: { name: string; typeKind: string; fields: Record<string, unknown> } }> };
    expect(vf.fields.PoolPageHeaders.type.name).toBe("_SLIST_HEADER");
    expect(vf.fields.PoolPageHeaders.type.typeKind).toBe("udt");
    // Fields are reached by name: the emulator, like the debugger, does not enumerate them (test/e2e/host-api.test.ts).
    const nested = vf.fields.PoolPageHeaders.type.fields;
    expect(["Alignment", "Region"].map((name) => nested[name] !== undefined)).toEqual([true, true]);
  });
});
