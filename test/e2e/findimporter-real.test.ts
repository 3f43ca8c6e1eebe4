// !findimporter on real PE images from Debian packages (test/fixtures/pe/PROVENANCE.md), mapped as the loader maps
// them. Expected imports come from llvm-readobj (test/fixtures/pe/expected/*.json), not from our parser.
import * as fs from "fs";
import * as path from "path";
import { DebuggerSession } from "../emulator/session";
import { userTarget, BUILDS } from "../targets/builder";
import { mapPeFile, StubExporters } from "../targets/pe-loader";
import { wineKernelTarget, WINE_DRIVERS } from "../targets/wine-kernel";

const DIR = path.resolve(__dirname, "../fixtures/pe");
const file = (name: string) => new Uint8Array(fs.readFileSync(path.join(DIR, name)));

interface Expected {
  command: string;
  imports: { dll: string; delayLoad: boolean; iatRva: number; functions: { name: string | null; ordinal?: number }[] }[];
}
const expected = (name: string): Expected => JSON.parse(fs.readFileSync(path.join(DIR, "expected", name + ".json"), "utf8"));

type Match = { Module: string; Function: string; ImportedFrom: string; IatAddress: unknown; Target: unknown; TargetModule: string; Redirected: boolean; MatchedBy: string; DelayLoad: boolean; ByOrdinal: boolean };
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

const exportsOf = (dll: string): Record<string, number> => JSON.parse(fs.readFileSync(path.join(DIR, "expected", dll + ".exports.json"), "utf8")).exports;

/** What llvm-readobj says: for each image of the folder, the slots importing `fn` from ntoskrnl.exe. */
function readobjImporters(fn: (name: string) => boolean): { image: string; fn: string; iatRva: number }[] {
  const out: { image: string; fn: string; iatRva: number }[] = [];
  for (const image of WINE_DRIVERS) {
    for (const d of expected(image).imports) {
      if (d.dll.toLowerCase() !== "ntoskrnl.exe") continue;
      d.functions.forEach((f, i) => {
        if (f.name && fn(f.name)) out.push({ image, fn: f.name, iatRva: d.iatRva + i * 8 });
      });
    }
  }
  return out;
}

const stem = (image: string) => image.replace(/\.(sys|exe)$/, "");

describe("!findimporter on Wine's x86_64-windows folder: the real ntoskrnl.exe and its 17 drivers (libwine 8.0~repack-4)", () => {
  // One scene for the read-only queries below (mapping 5 MB of images takes a moment).
  const scene = wineKernelTarget();
  const session = DebuggerSession.load(scene.b.target);

  test("the loader bound each ntoskrnl.exe import to the address llvm-readobj --coff-exports gives", () => {
    const slots = readobjImporters(() => true);
    expect(slots.length).toBeGreaterThan(100);
    const nt = exportsOf("ntoskrnl.exe");
    for (const s of slots) {
      const at = scene.images[s.image].base + BigInt(s.iatRva);
      expect([s.image, s.fn, scene.b.memory.readU64(at)]).toEqual([s.image, s.fn, scene.ntBase + BigInt(nt[s.fn])]);
    }
  });

  test('"ExAllocatePool" names exactly the six importers llvm-readobj names, with their slots and targets', () => {
    const want = readobjImporters((n) => n === "ExAllocatePool");
    expect(want.map((w) => w.image).sort()).toEqual(["hidclass.sys", "hidparse.sys", "usbd.sys", "winebus.sys", "wineusb.sys", "winexinput.sys"]);
    const r = session.run('!findimporter "ExAllocatePool"');
    expect(r.escaped).toBeNull();
    const m = r.value as Match[];
    const target = scene.ntBase + BigInt(exportsOf("ntoskrnl.exe").ExAllocatePool);
    const key = (x: [string, string, bigint, bigint, string, boolean]) => x.join(" ");
    expect(m.map((x) => key([x.Module, x.ImportedFrom, big(x.IatAddress), big(x.Target), x.MatchedBy, x.Redirected])).sort()).toEqual(
      want.map((w) => key([stem(w.image), "ntoskrnl.exe", scene.images[w.image].base + BigInt(w.iatRva), target, "both", false])).sort(),
    );
    expect(r.output).toMatch(/^ExAllocatePool: 6 importers$/m);
    // 18 images and the 9 stub exporters of the user-mode DLLs Wine's drivers import.
    const n = scene.b.target.modules.length;
    expect(n).toBe(27);
    expect(r.output).toContain(n + " of " + n + " modules examined");
    expect(r.output).not.toMatch(/not examined|Problems/i);
  });

  test.each([
    ["nt!", '!findimporter "nt!ExAllocatePool"'],
    ["a bare symbol", "!findimporter ExAllocatePool"],
    ["the address", "!findimporter 0x$ADDR"],
    ["dx", 'dx @$findimporter("ntoskrnl!ExAllocatePool")'],
  ])("%s gives the same six", (_, line) => {
    const address = (scene.ntBase + BigInt(exportsOf("ntoskrnl.exe").ExAllocatePool)).toString(16);
    const r = session.run(line.replace("$ADDR", address));
    expect(r.escaped).toBeNull();
    expect((r.value as Match[]).map((x) => x.Module).sort()).toEqual(["hidclass", "hidparse", "usbd", "winebus", "wineusb", "winexinput"]);
  });

  // Wine's drivers import two members of the pool family: ExAllocatePool (6 drivers) and ExFreePool (5).
  test.each([
    ["ExAllocatePool*", /^ExAllocatePool/, 1],
    ["Ex*Pool*", /^Ex\w*Pool/, 2],
  ])('"%s" lists the family grouped by function, as llvm-readobj lists it', (pattern, re, groupCount) => {
    const want = readobjImporters((n) => re.test(n));
    const r = session.run('!findimporter "' + pattern + '"');
    expect(r.escaped).toBeNull();
    const m = r.value as Match[];
    const groups = (rows: { fn: string; module: string }[]) => {
      const g: Record<string, string[]> = {};
      for (const x of rows) (g[x.fn] = g[x.fn] || []).push(x.module);
      for (const k of Object.keys(g)) g[k].sort();
      return g;
    };
    const expectedGroups = groups(want.map((w) => ({ fn: w.fn, module: stem(w.image) })));
    expect(Object.keys(expectedGroups).length).toBe(groupCount);
    expect(groups(m.map((x) => ({ fn: x.Function, module: x.Module })))).toEqual(expectedGroups);
    expect(m.every((x) => x.MatchedBy === "both" && !x.Redirected)).toBe(true);
    // One heading per function, in order, each followed by its rows.
    const headings = r.output.split("\n").filter((l) => /^Ex\w*: \d+ importers?$/.test(l));
    expect(headings).toEqual(Object.keys(expectedGroups).sort().map((fn) => fn + ": " + expectedGroups[fn].length + (expectedGroups[fn].length === 1 ? " importer" : " importers")));
  });

  let everything: Match[] | null = null;
  test.each(WINE_DRIVERS.concat(["ntoskrnl.exe"]))("%s: every import matches llvm-readobj", (name) => {
    const m = everything || (everything = session.run('dx @$findimporter("*")').value as Match[]);
    const module = name === "ntoskrnl.exe" ? "nt" : stem(name);
    expect(ourSlots(m, module)).toEqual(expectedSlots(expected(name), scene.images[name].base, 8));
    // "*" resolves at most MAX_RESOLVED_NAMES names to addresses, so some slots match by name only; none is redirected.
    expect(m.filter((x) => x.Module === module).every((x) => x.MatchedBy !== "value" && !x.Redirected)).toBe(true);
  });

  test("imports between drivers bind to the exporting driver: winehid imports hidclass.sys!HidRegisterMinidriver", () => {
    const m = session.run('dx @$findimporter("hidclass!HidRegisterMinidriver")').value as Match[];
    const e = expected("winehid.sys").imports.find((d) => d.dll === "hidclass.sys")!;
    expect(m.map((x) => [x.Module, x.ImportedFrom, big(x.IatAddress), big(x.Target), x.TargetModule, x.MatchedBy])).toEqual([
      ["winehid", "hidclass.sys", scene.images["winehid.sys"].base + BigInt(e.iatRva), scene.images["hidclass.sys"].base + BigInt(exportsOf("hidclass.sys").HidRegisterMinidriver), "hidclass", "both"],
    ]);
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
