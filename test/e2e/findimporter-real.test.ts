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
  /** The preferred ImageBase (written for images with a delay-load directory). */
  imageBase?: number;
  /** `fileSlot`, delay-load functions only: the slot's value in the file, the VA of the image's thunk at imageBase. */
  imports: { dll: string; delayLoad: boolean; iatRva: number; functions: { name: string | null; ordinal?: number; fileSlot?: number }[] }[];
}
const expected = (name: string): Expected => JSON.parse(fs.readFileSync(path.join(DIR, "expected", name + ".json"), "utf8"));

type Match = { Module: string; Function: string; ImportedFrom: string; IatAddress: unknown; Target: unknown; TargetModule: string; Redirected: boolean; NotYetResolved: boolean; MatchedBy: string; DelayLoad: boolean; ByOrdinal: boolean; Ordinal: number | null };
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


/** The Importers collection of the record !findimporter returns. */
const importersOf = (v: unknown): Match[] => (v as { Importers: Match[] }).Importers;

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
    const m = importersOf(r.value);
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
    expect(importersOf(r.value).map((x) => x.Module).sort()).toEqual(["hidclass", "hidparse", "usbd", "winebus", "wineusb", "winexinput"]);
  });

  // Wine's drivers import two members of the pool family: ExAllocatePool (6 drivers) and ExFreePool (5).
  test.each([
    ["ExAllocatePool*", /^ExAllocatePool/, 1],
    ["Ex*Pool*", /^Ex\w*Pool/, 2],
  ])('"%s" lists the family grouped by function, as llvm-readobj lists it', (pattern, re, groupCount) => {
    const want = readobjImporters((n) => re.test(n));
    const r = session.run('!findimporter "' + pattern + '"');
    expect(r.escaped).toBeNull();
    const m = importersOf(r.value);
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
    const m = everything || (everything = importersOf(session.run('dx @$findimporter("*")').value));
    const module = name === "ntoskrnl.exe" ? "nt" : stem(name);
    expect(ourSlots(m, module)).toEqual(expectedSlots(expected(name), scene.images[name].base, 8));
    // "*" resolves at most MAX_RESOLVED_NAMES names to addresses, so some slots match by name only; none is redirected.
    expect(m.filter((x) => x.Module === module).every((x) => x.MatchedBy !== "value" && !x.Redirected)).toBe(true);
  });

  test("imports between drivers bind to the exporting driver: winehid imports hidclass.sys!HidRegisterMinidriver", () => {
    const m = importersOf(session.run('dx @$findimporter("hidclass!HidRegisterMinidriver")').value);
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
    const m = importersOf(DebuggerSession.load(b.target).run('dx @$findimporter("*")').value);
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
    expect(importersOf(r.value).map((x) => [x.Module, x.ImportedFrom])).toEqual([["setup", "KERNEL32.dll"]]);
  });
});

// Real delay-load images. No PE in Debian bookworm has a delay-load directory (see PROVENANCE.md): these are the
// prebuilt N-API addons of npm's bufferutil 4.1.0, linked by MSVC with node-gyp's /DELAYLOAD:node.exe, so every N-API
// function they call (6) is a delay-load import of node.exe, next to their ordinary KERNEL32.dll imports.
describe("!findimporter on real delay-load images (bufferutil.node, PE32+ and PE32)", () => {
  const cases: [string, 4 | 8][] = [
    ["bufferutil-x64.node", 8],
    ["bufferutil-x86.node", 4],
  ];

  /** The process: node.exe (the delay-loaded exporter, always loaded: it is the process) and the addon. */
  function scene(name: string, pointerSize: 4 | 8, bindDelayLoads: boolean, exporterLoaded = true) {
    const b = userTarget({ pointerSize, build: BUILDS.win10_22h2 });
    const exporters = new StubExporters(b);
    const e = expected(name);
    const delayed = e.imports.filter((d) => d.delayLoad);
    // node.exe's exports, as a stub module with a symbol per function, before the addon is mapped.
    const nodeExports = new Map<string, bigint>();
    if (exporterLoaded) for (const d of delayed) for (const fn of d.functions) nodeExports.set(fn.name as string, exporters.bind(d.dll, { name: fn.name, ordinal: fn.ordinal === undefined ? null : fn.ordinal }));
    const image = mapPeFile(b, "C:\\app\\node_modules\\bufferutil\\" + name, b.moduleRange(0x100000), file(name), exporters.bind, false, bindDelayLoads);
    const session = DebuggerSession.load(b.target);
    const module = name.replace(/\.[^.]*$/, "");
    return { b, e, delayed, image, session, module, nodeExports };
  }

  /** Where llvm-readobj's file slot value lands once the image is relocated to `base`. */
  const thunkAt = (e: Expected, base: bigint, fileSlot: number) => base + BigInt(fileSlot) - BigInt(e.imageBase as number);

  test.each(cases)("%s: llvm-readobj lists a delay-load directory of node.exe with 6 functions", (name) => {
    const e = expected(name);
    expect(e.imports.filter((d) => d.delayLoad).map((d) => [d.dll, d.functions.length])).toEqual([["node.exe", 6]]);
    expect(e.imports.filter((d) => !d.delayLoad).map((d) => d.dll)).toEqual(["KERNEL32.dll"]);
  });

  test.each(cases)("%s, before any call: every import, delay-load ones included, matches llvm-readobj; delay slots hold the image's own thunks", (name, pointerSize) => {
    const s = scene(name, pointerSize, false);
    const m = importersOf(s.session.run('dx @$findimporter("*")').value);
    expect(ourSlots(m, s.module)).toEqual(expectedSlots(s.e, s.image.base, pointerSize));
    const mine = m.filter((x) => x.Module === s.module);
    // Slot values: the ordinary imports bound to KERNEL32's stubs (both); each delay slot the relocated thunk
    // llvm-readobj reads in the file, inside the addon itself: not yet resolved, matched by name only, not redirected.
    const want: string[] = [];
    for (const d of s.delayed) {
      d.functions.forEach((fn, i) => {
        want.push([fn.name, (s.image.base + BigInt(d.iatRva + i * pointerSize)).toString(16), thunkAt(s.e, s.image.base, fn.fileSlot as number).toString(16), s.module, "name", false, true].join(" "));
      });
    }
    const delayRows = mine.filter((x) => x.DelayLoad);
    expect(delayRows.map((x) => [x.Function, big(x.IatAddress).toString(16), big(x.Target).toString(16), x.TargetModule, x.MatchedBy, x.Redirected, x.NotYetResolved].join(" ")).sort()).toEqual(want.sort());
    expect(mine.filter((x) => !x.DelayLoad).every((x) => x.MatchedBy === "both" && !x.Redirected && !x.NotYetResolved && x.ImportedFrom === "KERNEL32.dll")).toBe(true);
    // The loader stub kept what the file has: its own reading of the delay directory agrees with llvm-readobj.
    expect(s.image.delayImports.map((d) => [d.dll, d.iatRva, d.functions.map((f) => f.name)])).toEqual(s.delayed.map((d) => [d.dll, d.iatRva, d.functions.map((f) => f.name)]));
  });

  test.each(cases)("%s, after the first calls bound them: delay slots hold node.exe's functions, matched by name and value", (name, pointerSize) => {
    const s = scene(name, pointerSize, true);
    const m = importersOf(s.session.run('dx @$findimporter("*")').value);
    expect(ourSlots(m, s.module)).toEqual(expectedSlots(s.e, s.image.base, pointerSize));
    const delayRows = m.filter((x) => x.Module === s.module && x.DelayLoad);
    expect(delayRows.length).toBe(6);
    expect(delayRows.map((x) => [x.Function, big(x.Target), x.TargetModule, x.MatchedBy, x.Redirected, x.NotYetResolved])).toEqual(
      delayRows.map((x) => [x.Function, s.nodeExports.get(x.Function), "node", "both", false, false]),
    );
  });

  test.each(cases)('%s: !findimporter "napi_create_function" reports the delay-load slot, unresolved then bound', (name, pointerSize) => {
    for (const bound of [false, true]) {
      const s = scene(name, pointerSize, bound);
      const d = s.delayed[0];
      const i = d.functions.findIndex((f) => f.name === "napi_create_function");
      expect(i).toBeGreaterThanOrEqual(0);
      const iat = s.image.base + BigInt(d.iatRva + i * pointerSize);
      const r = s.session.run('!findimporter "napi_create_function"');
      expect(r.escaped).toBeNull();
      const m = importersOf(r.value);
      const value = bound ? (s.nodeExports.get("napi_create_function") as bigint) : thunkAt(s.e, s.image.base, d.functions[i].fileSlot as number);
      expect(m.map((x) => [x.Module, x.Function, x.ImportedFrom, x.DelayLoad, x.ByOrdinal, big(x.IatAddress), big(x.Target), x.Redirected, x.NotYetResolved, x.MatchedBy])).toEqual([
        [s.module, "napi_create_function", "node.exe", true, false, iat, value, false, !bound, bound ? "both" : "name"],
      ]);
      // The table says it in words: the Import column names the delay load, the Redirected column the state.
      const rows = r.output.split("\n").filter((l) => /^\S+\s+\S+\s+bufferutil-x(64|86)\s+node\.exe\s/.test(l));
      expect(rows.length).toBe(1);
      expect(rows[0]).toContain("name, delay-load");
      expect(rows[0]).toMatch(bound ? /\(node\)\s+no\s+both$/ : /\(bufferutil-x(64|86)\)\s+not yet resolved\s+name$/);
      expect(r.output.includes("1 delay-load slot is not yet resolved")).toBe(!bound);
    }
  });

  test.each(cases)("%s, its exporter not loaded (as a delay-loaded DLL is until first use): found by name, not yet resolved", (name, pointerSize) => {
    const s = scene(name, pointerSize, false, false);
    const r = s.session.run('!findimporter "napi_create_function"');
    expect(r.escaped).toBeNull();
    const m = importersOf(r.value);
    expect(m.map((x) => [x.Module, x.ImportedFrom, x.DelayLoad, x.TargetModule, x.Redirected, x.NotYetResolved, x.MatchedBy])).toEqual([[s.module, "node.exe", true, s.module, false, true, "name"]]);
    expect(r.output).toMatch(/^Importers of "napi_create_function" \(by name only: no address resolved\)/m);
  });

  test.each(cases)("%s: a delay slot bound outside node.exe and outside the addon is redirected", (name, pointerSize) => {
    const s = scene(name, pointerSize, true);
    const d = s.delayed[0];
    const i = d.functions.findIndex((f) => f.name === "napi_create_function");
    const iat = s.image.base + BigInt(d.iatRva + i * pointerSize);
    // A hook: the slot rewritten to point into another module (a KERNEL32 stub stands for the hooking DLL).
    const k32 = s.b.target.modules.find((x) => /KERNEL32/i.test(x.name))!;
    const hook = k32.base + 0x8000n;
    s.b.memory.writePtr(iat, hook, pointerSize);
    const m = importersOf(DebuggerSession.load(s.b.target).run('dx @$findimporter("napi_create_function")').value);
    expect(m.map((x) => [x.Module, x.DelayLoad, big(x.Target), x.Redirected, x.NotYetResolved, x.MatchedBy])).toEqual([[s.module, true, hook, true, false, "name"]]);
  });
});
