import * as fs from "fs";
import * as path from "path";
import { parsePoolused } from "../../../src/pool/poolused";
import { parsePoolTagFile } from "../../../src/pool/pooltag-file";
import { parseTagPattern, tagFromKey } from "../../../src/pool/tags";
import { immediateFormAt, indirectCallTargets } from "../../../src/pool/owners";
import { Address } from "../../../src/core/address";

const fixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, "../../fixtures", name), "utf8").split("\n").filter((l) => !l.startsWith("# ")).slice(1);

describe("!poolused parser", () => {
  test("documented layout: fixed columns, description glued to the last number", () => {
    const rows = parsePoolused(fixture("pool/poolused-docs-1.txt"));
    const ohci = rows.find((r) => r.usage.tag === "ohci")!;
    expect(ohci.usage.nonPagedAllocs).toBe(1);
    expect(ohci.usage.nonPagedBytes).toBe(136);
    expect(ohci.usage.pagedBytes).toBe(0);
    expect(ohci.description).toBe("1394 OHCI host controller driver");
    expect(rows.find((r) => r.usage.tag === "AGP ")!.usage.pagedBytes).toBe(384);
    expect(rows.find((r) => r.usage.tag === "Wmip")!.usage.pagedAllocs).toBe(182);
  });
  test("!poolused 4 sample with a three-character tag", () => {
    const rows = parsePoolused(fixture("pool/poolused-docs-2.txt"));
    expect(rows.map((r) => r.usage.tag)).toEqual(["Abc ", "Tron", "IoN7", "Gla5", "Ggb "]);
    expect(rows[0].usage.pagedBytes).toBe(33930272);
  });
  test("seed 000 text whose line breaks were lost", () => {
    const rows = parsePoolused(fixture("pool/poolused-seed000.txt"));
    expect(rows.slice(0, 6).map((r) => [r.usage.tag, r.usage.nonPagedAllocs, r.usage.nonPagedBytes])).toEqual([
      ["Leak", 119, 4991221760], ["ConT", 238, 14499840], ["KETR", 16410, 8117664], ["EtwB", 196, 7565568], ["2872", 6, 5660864], ["287R", 1026, 4183040],
    ]);
    expect(rows[3].description).toBe("Etw Buffer , Binary: nt!etw");
    expect(rows[3].usage.pagedBytes).toBe(131072);
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
});
