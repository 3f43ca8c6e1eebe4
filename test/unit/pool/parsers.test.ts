import * as fs from "fs";
import * as path from "path";
import { parsePoolused } from "../../../src/pool/poolused";
import { parsePoolTagFile } from "../../../src/pool/pooltag-file";
import { parseTagPattern, tagFromKey } from "../../../src/pool/tags";
import { immediateFormAt, callTargets } from "../../../src/pool/owners";
import { Address } from "../../../src/core/address";

/** The IAT slots reached by direct calls (no wrapper followed). */
const indirectCallTargets = (...args: Parameters<typeof callTargets>) => callTargets(...args).filter((t) => t.wrapperRva === null).map((t) => t.slot);

const fixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, "../../fixtures", name), "utf8").split("\n").filter((l) => !l.startsWith("# ")).slice(1);

describe("!poolused parser", () => {
  const usage = (rows: ReturnType<typeof parsePoolused>["rows"], tag: string) => rows.find((r) => r.usage.tag === tag)!.usage;
  test("documented layout: fixed columns, description glued to the last number", () => {
    const p = parsePoolused(fixture("pool/poolused-docs-1.txt"));
    expect(p.layout!.id).toBe("summary");
    expect(p.sortedBy).toBe("Tag");
    // The page's "..." elision and the TOTAL line are not rows, and not unparsed rows either.
    expect(p.unparsed).toEqual([]);
    const rows = p.rows;
    const ohci = rows.find((r) => r.usage.tag === "ohci")!;
    expect(ohci.usage.nonPagedAllocs).toBe(1);
    expect(ohci.usage.nonPagedBytes).toBe(136);
    expect(ohci.usage.pagedBytes).toBe(0);
    expect(ohci.description).toBe("1394 OHCI host controller driver");
    expect(usage(rows, "AGP ").pagedBytes).toBe(384);
    expect(usage(rows, "Wmip").pagedAllocs).toBe(182);
    expect(rows.some((r) => r.usage.tag.startsWith("TOT"))).toBe(false);
    // Printed one column short on the page: still a row, its description not cut into the number.
    expect(usage(rows, "rx..")).toMatchObject({ nonPagedAllocs: 3, nonPagedBytes: 1248 });
  });
  test("!poolused 4 sample with a three-character tag", () => {
    const p = parsePoolused(fixture("pool/poolused-docs-2.txt"));
    expect(p.layout!.id).toBe("summary");
    expect(p.sortedBy).toBe("Paged Pool Consumed");
    expect(p.rows.map((r) => r.usage.tag)).toEqual(["Abc ", "Tron", "IoN7", "Gla5", "Ggb "]);
    expect(p.rows[0].usage.pagedBytes).toBe(33930272);
  });
  test("seed 000 text whose line breaks were lost", () => {
    const p = parsePoolused(fixture("pool/poolused-seed000.txt"));
    expect(p.layout!.id).toBe("summary");
    expect(p.glued).toBe(true);
    const rows = p.rows;
    expect(rows.slice(0, 6).map((r) => [r.usage.tag, r.usage.nonPagedAllocs, r.usage.nonPagedBytes])).toEqual([
      ["Leak", 119, 4991221760], ["ConT", 238, 14499840], ["KETR", 16410, 8117664], ["EtwB", 196, 7565568], ["2872", 6, 5660864], ["287R", 1026, 4183040],
    ]);
    expect(rows[3].description).toBe("Etw Buffer , Binary: nt!etw");
    expect(rows[3].usage.pagedBytes).toBe(131072);
  });
  test("seed 003 (Server 2003 x86), line breaks lost too", () => {
    const p = parsePoolused(fixture("pool/poolused-seed003.txt"));
    expect(p.layout!.id).toBe("summary");
    expect(p.rows.map((r) => [r.usage.tag, r.usage.nonPagedAllocs, r.usage.nonPagedBytes])).toEqual([["None", 246479, 50827424], ["MmCm", 1198, 18462512]]);
  });
  test("current debugger, summary layout (Windows 10/11): tab before the description, TOTAL line cut short", () => {
    const p = parsePoolused(fixture("pool/poolused-win10-wfpsampler.txt"));
    expect(p.layout!.id).toBe("summary");
    expect(p.sortedBy).toBe("NonPaged Pool Consumed");
    expect(p.rows).toHaveLength(1);
    expect(p.rows[0].usage).toMatchObject({ tag: "Fecf", nonPagedAllocs: 95, nonPagedBytes: 13680, pagedAllocs: 0, pagedBytes: 0 });
    expect(p.rows[0].description).toBe("WFP filter engine callout context , Binary: netio.sys");
    expect(p.rows[0].cumulative).toBeNull();
    expect(p.unparsed).toEqual([]);
  });
  test("verbose layout (Allocs Frees Diff Used per pool): Used is bytes, Frees is not", () => {
    const p = parsePoolused(fixture("pool/poolused-win10-verbose.txt"));
    expect(p.layout!.id).toBe("verbose");
    expect(p.header).toBe(" Tag       Allocs       Frees      Diff         Used       Allocs       Frees      Diff         Used");
    expect(p.rows.map((r) => r.usage.tag)).toEqual(["-UMD", ".UMD", "ALPC", "APpt"]);
    // Outstanding allocations are the Diff column; the bytes are Used.
    expect(usage(p.rows, "ALPC")).toMatchObject({ nonPagedAllocs: 2417, nonPagedBytes: 1440624, pagedAllocs: 0, pagedBytes: 0 });
    expect(usage(p.rows, "APpt")).toMatchObject({ nonPagedAllocs: 968, nonPagedBytes: 124112, pagedAllocs: 2342, pagedBytes: 255952 });
    expect(p.rows.find((r) => r.usage.tag === "APpt")!.cumulative).toEqual({ nonPagedAllocs: 968, nonPagedFrees: 0, pagedAllocs: 109457, pagedFrees: 107115 });
    expect(p.rows[2].description).toBe("ALPC port objects , Binary: nt!alpc");
    expect(p.unparsed).toEqual([]);
  });
  test("a header whose columns are not a known layout: no rows, and the header is given back", () => {
    const lines = [" Sorting by Tag", "", " Tag    Allocs     Used", " Abcd        3      120"];
    const p = parsePoolused(lines);
    expect(p.layout).toBeNull();
    expect(p.rows).toEqual([]);
    expect(p.header).toBe(" Tag    Allocs     Used");
    expect(p.problem).toContain("layout not recognised");
    expect(p.problem).toContain("Tag    Allocs     Used");
  });
  test("no header at all: no rows, and says so", () => {
    const p = parsePoolused(["unable to get tag table."]);
    expect(p.layout).toBeNull();
    expect(p.rows).toEqual([]);
    expect(p.problem).toMatch(/no column header/);
  });
  test("a row that does not fit the recognised layout is counted, not guessed", () => {
    const lines = [" Tag     Allocs         Used     Allocs         Used", "", " Good        1           16          0            0\tok", " Bad1        1           16\tcut short"];
    const p = parsePoolused(lines);
    expect(p.rows.map((r) => r.usage.tag)).toEqual(["Good"]);
    expect(p.unparsed).toEqual([" Bad1        1           16\tcut short"]);
  });
});

describe("pooltag.txt parser", () => {
  test("comments skipped, short tags padded, binary and description split", () => {
    const tags = parsePoolTagFile(fixture("pool/pooltag.txt"));
    expect(tags.get("EtwB")).toEqual({ binary: "nt!etw", description: "Etw Buffer" });
    expect(tags.get("Abc ")!.binary).toBe("abc.sys");
    expect(tags.size).toBe(5);
  });
});

describe("pooltag.txt parser on the real file's lines", () => {
  const tags = parsePoolTagFile(fixture("pool/pooltag-real-excerpt.txt"));
  test("the copyright and rem header give no tags", () => {
    expect(tags.get("rem ")).toBeUndefined();
    expect(tags.get("//  ")).toBeUndefined();
  });
  test("binary and description, short tags padded, indented sub-entries trimmed", () => {
    expect(tags.get("AcpA")).toEqual({ binary: "acpi.sys", description: "ACPI arbiter data" });
    expect(tags.get("Cc  ")).toEqual({ binary: "nt!cc", description: "Cache Manager allocations (catch-all)" });
    expect(tags.get("@MP ")).toEqual({ binary: "<unknown>", description: "(Intel video driver) Miniport related memory" });
    expect(tags.get("AfdA")).toEqual({ binary: "afd.sys", description: "Afd EA buffer" });
    expect(tags.get("Afdi")!.description).toBe('Afd "set inline mode" buffer');
    expect(tags.get("BDD ")).toEqual({ binary: "BasicDisplay.sys", description: "Microsoft Basic Display Driver" });
    expect(tags.get("Asy1")).toEqual({ binary: "<unknown>", description: "ndis / ASYNC_IOCTX_TAG" });
  });
  test("a line without a binary keeps its whole description", () => {
    expect(tags.get("ATmp")).toEqual({ binary: "", description: "AppTag mount point" });
  });
  test("group patterns describe the tags of their group that have no line of their own", () => {
    expect(tags.get("AfdZ")).toEqual({ binary: "afd.sys", description: "AFD objects" });
    expect(tags.get("AfdB")!.description).toBe("Afd data buffer");
    expect(tags.get("AmlQ")!.description).toBe("ACPI AMLI Pooltags");
    expect(tags.get("Bu  ")!.description).toBe("burneng.sys from adaptec");
    expect(tags.get("CLbX")!.binary).toBe("clusbflt.sys");
    expect(tags.get("Ar  ")).toBeUndefined();
    expect(tags.get("Leak")).toBeUndefined();
  });
  test("every entry line of the excerpt is taken", () => {
    const entries = fixture("pool/pooltag-real-excerpt.txt").filter((l) => l.trim() && !/^(\/\/|rem)/.test(l));
    expect(tags.size).toBe(entries.length);
  });
});

describe("tags", () => {
  test("patterns", () => {
    expect(parseTagPattern("Abc")!.text).toBe("Abc ");
    expect(parseTagPattern("Le*")!.matches("Leak")).toBe(true);
    expect(parseTagPattern("L?ak")!.matches("Leak")).toBe(true);
    expect(parseTagPattern("Le*")!.matches("Lx  ")).toBe(false);
    for (const bad of ["", "Leaky", 5, undefined]) expect(parseTagPattern(bad)).toBeNull();
    expect(tagFromKey(0x6b61654c)).toBe("Leak");
  });
});

describe("instruction classifier", () => {
  const bytes = (hex: string) => Uint8Array.from(hex.split(/\s+/).map((h) => parseInt(h, 16)));
  test("x64 mov r8d / mov edx / mov [rsp+x] and x86 push", () => {
    expect(immediateFormAt(bytes("41 b8 4c 65 61 6b"), 2, true)!.name).toBe("mov r8d, imm32");
    expect(immediateFormAt(bytes("ba 4c 65 61 6b"), 1, true)!.name).toBe("mov edx, imm32");
    expect(immediateFormAt(bytes("c7 44 24 20 4c 65 61 6b"), 4, true)!.name).toBe("mov dword ptr [rsp+disp8], imm32");
    expect(immediateFormAt(bytes("68 4c 65 61 6b"), 1, false)!.name).toBe("push imm32");
    expect(immediateFormAt(bytes("00 00 4c 65 61 6b"), 2, true)).toBeNull();
  });
  test("seed 000 bytes: the call after the tag reaches IAT RVA 0x3078", () => {
    // s -a line 1 (fffff807`47f51559), preceded by 41 b8; the last three displacement bytes are inferred.
    const code = bytes("41 b8 4c 65 61 6b 0f 42 c1 41 8d 49 fd 8b d0 ff 15 0c 1b 00 00");
    expect(indirectCallTargets(code, 6, 40, 0x1557, true, new Address(0xfffff807, 0x47f50000))).toEqual([0x3078]);
    const x86 = bytes("68 4c 65 61 6b 6a 00 ff 15 78 30 40 00");
    expect(indirectCallTargets(x86, 5, 40, 0x1000, false, new Address(0, 0x400000))).toEqual([0x3078]);
  });
});

describe("classifier on real compiled code (libwine 8.0~repack-4, see test/fixtures/leaktag/wine-code.txt)", () => {
  const entries = new Map<string, { offset: number; bytes: Uint8Array }>();
  for (const line of fs.readFileSync(path.join(__dirname, "../../fixtures/leaktag/wine-code.txt"), "utf8").split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const [name, , , offset, , hexBytes] = line.split("|");
    entries.set(name, { offset: parseInt(offset, 16), bytes: Uint8Array.from(hexBytes.split(" ").map((h) => parseInt(h, 16))) });
  }
  test("mov dword ptr [rsp+0x30], 'RIFF' (qcap.dll) and mov edx/mov ecx (user32.dll)", () => {
    expect(immediateFormAt(entries.get("qcap-riff")!.bytes, 4, true)!.name).toBe("mov dword ptr [rsp+disp8], imm32");
    const user32 = entries.get("user32-riff")!.bytes;
    expect(immediateFormAt(user32, 1, true)!.name).toBe("mov edx, imm32");
    expect(immediateFormAt(user32, 11, true)!.name).toBe("mov ecx, imm32");
    expect(immediateFormAt(user32, 6, true)).toBeNull(); // inside `mov [rsp+0x20], rax`
  });
  test("MinGW import thunk: call rel32 -> jmp [IAT] reaches the ExAllocatePool slot (hidclass.sys)", () => {
    const call = entries.get("hidclass-call")!;
    const thunk = entries.get("hidclass-thunk")!;
    const readRva = (rva: number, size: number) => (rva === thunk.offset && size <= thunk.bytes.length ? thunk.bytes.subarray(0, size) : null);
    expect(indirectCallTargets(call.bytes, 0, 40, call.offset, true, new Address(0, 0x40000000), readRva)).toEqual([0xf368]);
    expect(indirectCallTargets(call.bytes, 0, 40, call.offset, true, new Address(0, 0x40000000))).toEqual([]);
  });

  // Each case: the immediate's form from the real bytes, and the IAT slot the call after it reaches, which objdump's
  // `<__imp_X>` annotation (or `objdump -p` for i386) names in the fixture's note.
  const entry = (name: string) => entries.get(name)!;
  const reader = (...names: string[]) => (rva: number, size: number) => {
    for (const n of names) {
      const e = entry(n);
      if (rva >= e.offset && rva + size <= e.offset + e.bytes.length) return e.bytes.subarray(rva - e.offset, rva - e.offset + size);
    }
    return null;
  };
  test("x64 `41 b8 imm32` then `ff 15` into the IAT (kernelbase.dll -> RtlAllocateHeap)", () => {
    const e = entry("kernelbase-heapalloc");
    expect(immediateFormAt(e.bytes, 2, true)!.name).toBe("mov r8d, imm32");
    expect(indirectCallTargets(e.bytes, 6, 40, e.offset, true, new Address(0, 0x7b000000))).toEqual([0xd4270]);
  });
  test("MSVC x64 code (bufferutil-x64.node, npm bufferutil 4.1.0): `41 b8 imm32` then `ff 15` into the delay-load IAT", () => {
    // Read straight from the committed image (test/fixtures/pe/PROVENANCE.md); the slot must be the one llvm-readobj
    // lists for node.exe!napi_get_buffer_info (test/fixtures/pe/expected/bufferutil-x64.node.json).
    const file = new Uint8Array(fs.readFileSync(path.join(__dirname, "../../fixtures/pe/bufferutil-x64.node")));
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    const pe = view.getUint32(0x3c, true);
    const sections = pe + 24 + view.getUint16(pe + 20, true);
    const text = { va: view.getUint32(sections + 12, true), raw: view.getUint32(sections + 20, true) };
    expect(String.fromCharCode(...file.subarray(sections, sections + 5))).toBe(".text");
    const fileOffset = 0x497; // mov r8d, 0Bh ... call qword ptr [__imp_napi_get_buffer_info]
    const bytes = file.subarray(fileOffset, fileOffset + 64);
    const codeRva = text.va + fileOffset - text.raw;
    expect(immediateFormAt(bytes, 2, true)!.name).toBe("mov r8d, imm32");
    const expected = JSON.parse(fs.readFileSync(path.join(__dirname, "../../fixtures/pe/expected/bufferutil-x64.node.json"), "utf8")) as {
      imports: { dll: string; iatRva: number; delayLoad: boolean; functions: { name: string | null }[] }[];
    };
    const node = expected.imports.find((d) => d.dll === "node.exe" && d.delayLoad)!;
    const slot = node.iatRva + 8 * node.functions.findIndex((f) => f.name === "napi_get_buffer_info");
    expect(indirectCallTargets(bytes, 6, 40, codeRva, true, new Address(0x1, 0x80000000))).toEqual([slot]);
  });
  test("x64 `48 ff 15` (MSVC's REX.W form) reaches the same slot: the REX byte is not part of the match", () => {
    // Not from a binary: the kernelbase bytes with `48` inserted before `ff 15` (neither the Debian archive's PE
    // images nor the MSVC-built bufferutil addon use the REX form). The displacement is relative to the next
    // instruction, which moves by one byte too.
    const e = entry("kernelbase-heapalloc");
    const rex = Uint8Array.from([...e.bytes.subarray(0, 10), 0x48, 0xff, 0x15, 0xe8, 0x2f, 0x0c, 0x00]);
    expect(indirectCallTargets(rex, 6, 40, e.offset, true, new Address(0, 0x7b000000))).toEqual([0xd4270]);
  });
  test("x64 `ba imm32` (second argument, as ExFreePoolWithTag takes the tag) then `ff 15` (kernelbase.dll -> RtlFreeHeap)", () => {
    const e = entry("kernelbase-freeheap");
    expect(immediateFormAt(e.bytes, 1, true)!.name).toBe("mov edx, imm32");
    expect(indirectCallTargets(e.bytes, 5, 40, e.offset, true, new Address(0, 0x7b000000))).toEqual([0xd4448]);
  });
  test("x64 call to the image's own allocation wrapper (ntoskrnl.exe create_file_object -> alloc_kernel_object -> HeapAlloc)", () => {
    const e = entry("ntoskrnl-wrapper-call");
    const base = new Address(0x3, 0x1ca90000);
    expect(immediateFormAt(e.bytes, 2, true)!.name).toBe("mov r8d, imm32");
    const read = reader("ntoskrnl-wrapper-body");
    // Not an import call by itself...
    expect(indirectCallTargets(e.bytes, 6, 40, e.offset, true, base, read)).toEqual([]);
    // ...but the callee calls through the HeapAlloc slot 0x30 bytes in.
    expect(callTargets(e.bytes, 6, 40, e.offset, true, base, read, false, true)).toEqual([{ slot: 0x52680, wrapperRva: 0xfde0 }]);
    // Unreadable callee: nothing is claimed.
    expect(callTargets(e.bytes, 6, 40, e.offset, true, base, () => null, false, true)).toEqual([]);
  });
  test("x86 `mov [esp+4], imm32` then call rel32 -> `jmp [abs32]` thunk into the ExAllocatePool slot (i386 hidclass.sys)", () => {
    const e = entry("i386-hidclass-call");
    expect(immediateFormAt(e.bytes, 4, false)!.name).toBe("mov dword ptr [esp+disp8], imm32");
    expect(immediateFormAt(e.bytes, 11, false)!.name).toBe("mov dword ptr [esp], imm32");
    expect(indirectCallTargets(e.bytes, 8, 40, e.offset, false, new Address(0, 0x6c0c0000), reader("i386-hidclass-thunk"))).toEqual([0xe228]);
  });
  test("x86 `68 imm32` push (i386 winedbg.exe)", () => {
    const e = entry("i386-winedbg-push");
    expect(immediateFormAt(e.bytes, 1, false)!.name).toBe("push imm32");
    expect(immediateFormAt(e.bytes, 6, false)).toBeNull(); // the rel32 of the call that follows
  });
});
