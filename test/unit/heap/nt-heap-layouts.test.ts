// The NT heap walker's built-in x64 layouts held against Microsoft's PDBs (test/fixtures/pdb-layouts: the kernel's
// copies of ntdll's heap types), as test/unit/layouts/pdb-layouts.test.ts does for the other specs: the variant
// picked without symbols has the PDB's size and offsets, claims a PDB check exactly where one was made, and with the
// PDB's own types in ntdll's symbols every field comes from them. The constants the walker uses without a spec
// (_HEAP_ENTRY's encoded bytes, _HEAP_EXTENDED_ENTRY's fields, _HEAP_UCR_DESCRIPTOR) are checked where the PDBs have
// those types.
import { resolveLayout, isLayoutMissing } from "../../../src/layouts/resolve";
import { LayoutVariant } from "../../../src/layouts/types";
import { NT_HEAP, heapConstants, ucrDescriptorLayout } from "../../../src/layouts/heap";
import { pdbKernelBuilds, reportedBuilds, pdbType, pdbField } from "../../targets/pdb-layouts";
import { installHost } from "../../support/host-global";
import { kernelTarget } from "../../targets/builder";
import { Target } from "../../../src/host/target";

const noSymbols = () => null;

describe.each(pdbKernelBuilds().flatMap((k) => reportedBuilds(k).map((r) => [r, k])))("_HEAP (walker fields) on %i", (reported, kernel) => {
  const layout = resolveLayout(NT_HEAP, noSymbols, 8, reported);
  test("size and every field are the PDB's; the PDB check is claimed", () => {
    if (isLayoutMissing(layout)) throw new Error(layout.reason);
    expect(layout.size).toBe(pdbType(reported, "_HEAP")!.size);
    for (const field of NT_HEAP.fields) expect({ field, offset: layout.offsets[field] }).toEqual({ field, offset: pdbField(reported, "_HEAP", field)!.offset });
    const variant = NT_HEAP.variants.find((v: LayoutVariant) => layout.description.indexOf("built-in layout for " + v.label + ",") >= 0)!;
    expect(variant.checkedAgainst).toContain(kernel);
    expect(layout.description).toContain("checked against build " + kernel + "'s PDB");
  });
});

describe.each(pdbKernelBuilds().map((k) => [k]))("build %i: constants and ntdll's symbols", (build) => {
  test("_HEAP_ENTRY: Size, Flags, SmallTagIndex, PreviousSize, SegmentOffset, UnusedBytes at +8..+F (the encoded 8 bytes)", () => {
    expect(heapConstants(8).encodedEntryOffset).toBe(8);
    const at = (f: string) => pdbField(build, "_HEAP_ENTRY", f)!.offset;
    expect([at("Size"), at("Flags"), at("SmallTagIndex"), at("PreviousSize"), at("SegmentOffset"), at("UnusedBytes")]).toEqual([8, 0xa, 0xb, 0xc, 0xe, 0xf]);
    if (pdbType(build, "_HEAP_EXTENDED_ENTRY")) {
      const x = (f: string) => pdbField(build, "_HEAP_EXTENDED_ENTRY", f)!.offset;
      // nt-heap-entry.ts extendedHeader: FunctionIndex +8, UnusedBytesLength +0xC, EntryOffset +0xE, signature +0xF.
      expect([x("FunctionIndex"), x("UnusedBytesLength"), x("EntryOffset"), x("ExtendedBlockSignature")]).toEqual([8, 0xc, 0xe, 0xf]);
    }
    if (pdbType(build, "_HEAP_UCR_DESCRIPTOR")) {
      const u = ucrDescriptorLayout(8);
      expect(pdbField(build, "_HEAP_UCR_DESCRIPTOR", "Address")!.offset).toBe(u.Address);
    }
  });

  test("with the PDB's _HEAP in ntdll's symbols every field comes from them", () => {
    const b = kernelTarget({ pointerSize: 8, build });
    b.pdbTypes("ntdll", ["_HEAP"]);
    installHost(b.target);
    const t = new Target();
    const layout = resolveLayout(NT_HEAP, (m, n) => t.type(m, n), 8, t.windowsBuild());
    if (isLayoutMissing(layout)) throw new Error(layout.reason);
    expect(layout.origin).toBe("symbols");
    for (const field of NT_HEAP.fields) expect({ field, offset: layout.offsets[field] }).toEqual({ field, offset: pdbField(build, "_HEAP", field)!.offset });
  });
});

test("x86 variants: the §2.1 / §10.6 offsets (no x86 PDB in the data set)", () => {
  const win7 = resolveLayout(NT_HEAP, noSymbols, 4, 7601);
  const win10 = resolveLayout(NT_HEAP, noSymbols, 4, 19045);
  if (isLayoutMissing(win7) || isLayoutMissing(win10)) throw new Error("x86 layout missing");
  expect([win7.offsets.Interceptor, win7.offsets.Signature, win7.offsets.FrontEndHeap]).toEqual([0x5c, 0x64, 0xd4]);
  expect([win10.offsets.Interceptor, win10.offsets.Signature, win10.offsets.FrontEndHeap]).toEqual([0x58, 0x60, 0xe4]);
  expect(win10.description).toContain("(not checked against a PDB)");
});
