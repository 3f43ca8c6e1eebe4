import * as fs from "fs";
import * as path from "path";
import { callSitesTo, looksLikeTag, tagImmediates, wrapperStartOf, attributeTags, WrapperScan, tagWindowStart } from "../../../src/verifier/wrapper-callers";
import { tagValue } from "../../targets/verifier";

// Real instruction bytes from Wine's kernel images (test/fixtures/leaktag/wine-code.txt, provenance in its header).
const fixture = new Map<string, { rva: number; bytes: Uint8Array }>();
for (const line of fs.readFileSync(path.join(__dirname, "../../fixtures/leaktag/wine-code.txt"), "utf8").split("\n")) {
  if (!line || line.startsWith("#")) continue;
  const f = line.split("|");
  fixture.set(f[0], { rva: parseInt(f[3], 16), bytes: Uint8Array.from(f[5].split(" ").map((h) => parseInt(h, 16))) });
}
const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

describe("the wrapper's start from the caller's symbol", () => {
  test("function and offset", () => {
    expect(wrapperStartOf("drv!MyAlloc+0x21")).toEqual({ name: "drv!MyAlloc", offset: 0x21 });
    expect(wrapperStartOf("drv!CAlloc::operator new+0x1a")).toEqual({ name: "drv!CAlloc::operator new", offset: 0x1a });
  });
  test("no function symbol, no offset, or an offset too far in to be a small wrapper's: null", () => {
    expect(wrapperStartOf("fffff807`20a61021")).toBeNull();
    expect(wrapperStartOf("drv+0x1021")).toBeNull();
    expect(wrapperStartOf("drv!MyAlloc")).toBeNull();
    expect(wrapperStartOf("drv!SomeExport+0x12345")).toBeNull();
  });
});

describe("direct calls to a function (e8/e9 rel32), on real code", () => {
  test("x64 create_file_object's call to alloc_kernel_object (ntoskrnl.exe)", () => {
    const { rva, bytes } = fixture.get("ntoskrnl-wrapper-call")!;
    expect(callSitesTo(bytes, rva, 0xfde0)).toEqual([{ rva: rva + 16, at: 16, kind: "call" }]);
    expect(callSitesTo(bytes, rva, 0xfde1)).toEqual([]);
  });
  test("x86 _driver_pnp@8's call to the ExAllocatePool thunk (hidclass.sys)", () => {
    const { rva, bytes } = fixture.get("i386-hidclass-call")!;
    expect(callSitesTo(bytes, rva, 0x4628)).toEqual([{ rva: rva + 15, at: 15, kind: "call" }]);
  });
  test("a tail call is a jmp site", () => {
    const bytes = Uint8Array.from([0xba, ...le32(tagValue("DrvC")), 0xe9, ...le32(0x100 - (0x205 + 5))]);
    expect(callSitesTo(bytes, 0x200, 0x100)).toEqual([{ rva: 0x205, at: 5, kind: "jmp" }]);
  });
});

describe("the tag loaded before a call", () => {
  test("real sequences with size and flag immediates: no tag (0xb8, 0x800, 1, an address are not tags)", () => {
    for (const name of ["ntoskrnl-wrapper-call", "i386-hidclass-call", "i386-winedbg-push"]) {
      const { bytes } = fixture.get(name)!;
      const is64 = !name.startsWith("i386");
      expect(tagImmediates(bytes, 0, bytes.length - 5, is64, new Set())).toEqual([]);
    }
  });
  test("the same x64 sequence with a tag in r8d", () => {
    const bytes = fixture.get("ntoskrnl-wrapper-call")!.bytes.slice();
    bytes.set(le32(tagValue("Wrap")), 2);
    expect(tagImmediates(bytes, 0, 16, true, new Set(["Wrap"]))).toEqual([{ tag: "Wrap", at: 2, instruction: "mov r8d, imm32", prefixLength: 2 }]);
  });
  test("the x86 sequence with a tag at [esp+4]", () => {
    const bytes = fixture.get("i386-hidclass-call")!.bytes.slice();
    bytes.set(le32(tagValue("Hid ")), 4);
    expect(tagImmediates(bytes, 0, 15, false, new Set())).toEqual([{ tag: "Hid ", at: 4, instruction: "mov dword ptr [esp+disp8], imm32", prefixLength: 4 }]);
  });
  test("the window stops at the start of the calling function (.pdata): the tag of the free that ends the function before is not taken", () => {
    // Hand-assembled, checked with `objdump -D -b binary -m i386:x86-64 -M intel --adjust-vma=0x1000`:
    //   1000: ba 44 72 76 41      mov edx, 'DrvA'          (the end of function A: a free site)
    //   1005: ff 15 00 10 00 00   call [rip+0x1000]
    //   100b: 48 83 c4 28 / c3 / cc cc
    //   1012: 48 83 ec 28         sub rsp, 0x28            (function B, whose tag the wrapper writes itself)
    //   1016: b9 40 00 00 00      mov ecx, 0x40
    //   101b: e8 e0 0f 00 00      call 0x2000              (the wrapper)
    const bytes = Uint8Array.from([0xba, ...le32(tagValue("DrvA")), 0xff, 0x15, 0x00, 0x10, 0x00, 0x00, 0x48, 0x83, 0xc4, 0x28, 0xc3, 0xcc, 0xcc,
      0x48, 0x83, 0xec, 0x28, 0xb9, 0x40, 0x00, 0x00, 0x00, 0xe8, ...le32(0x2000 - 0x1020)]);
    const [site] = callSitesTo(bytes, 0x1000, 0x2000);
    expect(site).toEqual({ rva: 0x101b, at: 0x1b, kind: "call" });
    const known = new Set(["DrvA"]);
    const tagsFrom = (starts: number[]) => tagImmediates(bytes, tagWindowStart(site.at, 0x1000, 0, new Set(starts)), site.at, true, known).map((t) => t.tag);
    expect(tagsFrom([0x1000, 0x1012])).toEqual([]);
    // Without .pdata (x86, or not read) the window is TAG_WINDOW bytes as before, and reaches into function A.
    expect(tagsFrom([])).toEqual(["DrvA"]);
    // A function start before the window changes nothing; the previous call to the wrapper still bounds it.
    expect(tagWindowStart(site.at, 0x1000, 0, new Set([0x1000]))).toBe(0);
    expect(tagWindowStart(site.at, 0x1000, 0x10, new Set([0x1000]))).toBe(0x10);
  });

  test("a known tag comes before a nearer tag-shaped value no allocation has; the window's start bounds the search", () => {
    const bytes = Uint8Array.from([0x41, 0xb8, ...le32(tagValue("DrvA")), 0xba, ...le32(tagValue("Zzzz")), 0xe8, 0, 0, 0, 0]);
    expect(tagImmediates(bytes, 0, 11, true, new Set(["DrvA"])).map((t) => t.tag)).toEqual(["DrvA", "Zzzz"]);
    expect(tagImmediates(bytes, 1, 11, true, new Set(["DrvA"])).map((t) => t.tag)).toEqual(["Zzzz"]);
  });
  test("tag-shaped: printable, first a letter or digit, the protected bit allowed", () => {
    expect(looksLikeTag(tagValue("DrvA"))).toBe(true);
    expect(looksLikeTag((tagValue("Leak") | 0x80000000) >>> 0)).toBe(true);
    expect(looksLikeTag(0x200)).toBe(false);
    expect(looksLikeTag(tagValue(" abc"))).toBe(false);
    expect(looksLikeTag(0x0042d88c)).toBe(false);
  });
});

describe("tags matched to call sites", () => {
  const scan = (sites: WrapperScan["sites"], hardCoded: WrapperScan["hardCoded"] = []): WrapperScan =>
    ({ module: null as never, startRva: 0x1000, sites, sitesNotKept: 0, hardCoded, sections: [".text"], bytesScanned: 0x100, bytesUnreadable: 0 });
  const site = (rva: number, tag: string | null) => ({ rva, kind: "call" as const, tag, tagRva: tag ? rva - 6 : null, instruction: tag ? "mov r8d, imm32" : null });
  test("every site passing a tag; a hard-coded tag goes to the sites passing none; an unmatched tag to nobody", () => {
    const groups = [{ key: "DrvA", allocations: 3, bytes: 0x60 }, { key: "DrvH", allocations: 1, bytes: 0x20 }, { key: "Lost", allocations: 1, bytes: 0x10 }];
    const result = attributeTags(groups, scan([site(0x1100, "DrvA"), site(0x1200, null), site(0x1300, "DrvA"), site(0x1400, "DrvU")], [{ tag: "DrvH", rva: 0x1006, instruction: "mov r8d, imm32" }]));
    expect(result.map((a) => [a.tag, a.passedBy.map((s) => s.rva), a.hardCodedAt, a.passingNoTag.map((s) => s.rva)])).toEqual([
      ["DrvA", [0x1100, 0x1300], [], []],
      ["DrvH", [], [0x1006], [0x1200]],
      ["Lost", [], [], []],
    ]);
  });
});
