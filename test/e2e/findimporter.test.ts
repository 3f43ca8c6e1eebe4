import { DebuggerSession } from "../emulator/session";
import { expectGolden } from "../support/golden";
import { failEachRead } from "../support/faults";
import {
  seed003Target, SEED003, x64KernelTarget, X64, userProcessTarget,
  addMalformedHeader, addEndlessDescriptors, addUnreadableModule, addOffsetsPastImage, buildDriver, loadDriver,
} from "../targets/importers";
import { wineKernelTarget } from "../targets/wine-kernel";

type Match = {
  Module: string; Function: string; ImportedFrom: string; ByOrdinal: boolean; Ordinal: number | null; DelayLoad: boolean;
  IatAddress: unknown; Target: unknown; TargetModule: string; Redirected: boolean; NotYetResolved: boolean; MatchedBy: string; NamesReadable: boolean;
};

/** The result's Importers collection (an empty list when the command printed a message and returned nothing). */
const importersOf = (v: unknown): Match[] => (v ? (v as { Importers: Match[] }).Importers : []) || [];

const hex = (v: unknown) => {
  const o = v as { getHighPart(): number; getLowPart(): number };
  return ((BigInt(o.getHighPart() >>> 0) << 32n) | BigInt(o.getLowPart() >>> 0)).toString(16);
};

describe("!findimporter on the seed 003 scene (x86 Server 2003, names discarded)", () => {
  test("finds the GUID driver by the IAT value of nt!ExAllocatePool (golden)", () => {
    const r = DebuggerSession.load(seed003Target().target).run("!findimporter ExAllocatePool");
    expect(r.escaped).toBeNull();
    expectGolden("findimporter-seed003", r.output);
    const matches = importersOf(r.value);
    expect(matches.length).toBe(1);
    expect(matches[0].Module).toBe(SEED003.driverName.replace(/\.sys$/, ""));
    expect(hex(matches[0].IatAddress)).toBe(SEED003.iatAddress.toString(16));
    expect(hex(matches[0].Target)).toBe(SEED003.ExAllocatePool.toString(16));
    expect(matches[0].MatchedBy).toBe("value");
    expect(matches[0].NamesReadable).toBe(false);
    expect(r.output).toContain("f50b3000");
    expect(r.output).toContain("Import names unreadable");
  });

  test('"ExAllocatePool*" resolves the family with x nt!ExAllocatePool* and finds the driver by value', () => {
    const b = seed003Target();
    const s = DebuggerSession.load(b.target);
    const r = s.run('!findimporter "ExAllocatePool*"');
    expect(s.control.executed).toEqual(["x nt!ExAllocatePool*"]);
    const m = importersOf(r.value);
    expect(m.map((x) => [x.Function, x.Module, hex(x.IatAddress), x.MatchedBy])).toEqual([
      ["ExAllocatePool", SEED003.driverName.replace(/\.sys$/, ""), "f50b8058", "value"],
      ["ExAllocatePoolWithTag", "tcpip", "f7402000", "value"],
      ["ExAllocatePoolWithTag", "afd", "f7a02000", "value"],
    ]);
    // Without an answer from x (no symbols), only readable names could match: none here, and no crash.
    b.target.commands.length = 0;
    const bare = DebuggerSession.load(b.target).run('!findimporter "ExAllocatePool*"');
    expect(bare.escaped).toBeNull();
    expect(bare.output).toContain("No loaded module imports ExAllocatePool*");
  });

  test("an address argument gives the same importer", () => {
    const s = DebuggerSession.load(seed003Target().target);
    const m = importersOf(s.run("dx @$findimporter(0xe0894d1f)").value);
    expect(m.map((x) => [x.Module, hex(x.IatAddress)])).toEqual([[SEED003.driverName.replace(/\.sys$/, ""), "f50b8058"]]);
  });

  test("reads each module's pages in a handful of reads, never one slot per read", () => {
    const s = DebuggerSession.load(seed003Target().target);
    s.control.resetCounters();
    s.run('!findimporter "nt!ExAllocatePool"');
    // 5 modules: the header, the IAT and the descriptors with their name tables each (that read fails where INIT was
    // discarded).
    expect(s.control.counters.readCalls).toBeLessThanOrEqual(5 * 3);
    expect(s.control.counters.packets).toBe(s.control.counters.readCalls);
  });
});

describe("!findimporter on a Windows 10 x64 kernel", () => {
  test('"ExAllocatePool*" lists the family grouped by function, with the redirected slot (golden)', () => {
    const b = x64KernelTarget();
    const r = DebuggerSession.load(b.target).run('!findimporter "ExAllocatePool*"');
    expect(r.escaped).toBeNull();
    expectGolden("findimporter-x64-family", r.output);
    const m = importersOf(r.value);
    const byFn = (fn: string) => m.filter((x) => x.Function === fn).map((x) => x.Module).sort();
    expect(byFn("ExAllocatePool")).toEqual(["fewdirs", "legacy", "quota"]);
    expect(byFn("ExAllocatePoolWithQuotaTag")).toEqual(["quota"]);
    expect(byFn("ExAllocatePoolWithTag")).toEqual(["disk", "hooked", "twocase"]);
  });

  test("a slot bound outside the exporting module is Redirected and matched by name only", () => {
    const m = importersOf(DebuggerSession.load(x64KernelTarget().target).run('dx @$findimporter("nt!ExAllocatePoolWithTag")').value);
    const hooked = m.find((x) => x.Module === "hooked")!;
    expect(hooked.Redirected).toBe(true);
    expect(hooked.MatchedBy).toBe("name");
    expect(hooked.TargetModule).toBe("hooker");
    expect(hex(hooked.Target)).toBe((X64.hookBase + 0x1230n).toString(16));
    expect(m.filter((x) => x.Module !== "hooked").every((x) => !x.Redirected && x.MatchedBy === "both")).toBe(true);
  });

  test("a HAL import forwarded to nt and bound there is not redirected", () => {
    const b = x64KernelTarget();
    const halBase = b.moduleRange(0x80000);
    b.memory.write(halBase, buildDriver({ is64: true, imports: [] }).bytes.subarray(0, 0x1000));
    b.target.addModule("hal.dll", halBase, 0x80000);
    const forwardee = X64.ntBase + 0x3f000n;
    b.target.addSymbol("nt", "KeGetCurrentIrql", forwardee);
    const d = buildDriver({ is64: true, imports: [{ dll: "HAL.dll", functions: ["KeGetCurrentIrql"], bound: { KeGetCurrentIrql: forwardee } }] });
    loadDriver(b, "usesHal.sys", b.moduleRange(d.sizeOfImage), d);
    const m = importersOf(DebuggerSession.load(b.target).run('dx @$findimporter("HAL!KeGetCurrentIrql")').value);
    expect(m.map((x) => [x.Module, x.ImportedFrom, x.TargetModule, x.Redirected])).toEqual([["usesHal", "HAL.dll", "nt", false]]);
  });

  test("two descriptors for the same DLL in different case both count", () => {
    const m = importersOf(DebuggerSession.load(x64KernelTarget().target).run('dx @$findimporter("ntoskrnl!*")').value);
    const twocase = m.filter((x) => x.Module === "twocase").map((x) => [x.ImportedFrom, x.Function]);
    expect(twocase).toEqual([["NTOSKRNL.EXE", "ExAllocatePoolWithTag"], ["ntoskrnl.exe", "IoCreateDevice"]]);
  });

  test("an optional header with 2 data directories still yields its imports", () => {
    const m = importersOf(DebuggerSession.load(x64KernelTarget().target).run('dx @$findimporter("ExAllocatePool")').value);
    expect(m.find((x) => x.Module === "fewdirs")!.MatchedBy).toBe("both");
  });

  test("malformed, endless and unreadable images are reported, not fatal", () => {
    const b = x64KernelTarget();
    addMalformedHeader(b, "bad.sys");
    addEndlessDescriptors(b, "endless.sys");
    addUnreadableModule(b, "gone.sys");
    const r = DebuggerSession.load(b.target).run('!findimporter "ExAllocatePool"');
    expect(r.escaped).toBeNull();
    expect(r.output).toMatch(/bad: malformed PE header: e_lfanew 0xfff0 points outside the header/);
    expect(r.output).toMatch(/gone: PE header page at fffff807`[0-9a-f]{8} is unreadable/);
    expect(r.output).toMatch(/endless: import descriptor list has no terminator within \d+ entries/);
    expect(importersOf(r.value).length).toBe(3);
  });
});

describe("!findimporter on offsets past the image", () => {
  test("an import directory past SizeOfImage, and a descriptor whose Name and INT lie past it, are bounded and reported", () => {
    const b = x64KernelTarget();
    const past = addOffsetsPastImage(b, "past", X64.ExAllocatePool);
    const s = DebuggerSession.load(b.target);
    s.control.resetCounters();
    const r = s.run('!findimporter "ExAllocatePool"');
    expect(r.escaped).toBeNull();
    expect(r.output).toMatch(/past-dir: import directory at RVA 0x[0-9a-f]+ lies past the image \(SizeOfImage 0x[0-9a-f]+\)/);
    expect(r.output).toMatch(/past-names: import descriptor name at RVA 0x[0-9a-f]+ lies past the image/);
    expect(r.output).toMatch(/past-names: import name table of \? at RVA 0xfffff000 lies past the image/);
    // The slot is still found by its value, its name unknown.
    const m = importersOf(r.value).find((x) => x.Module === "past-names")!;
    expect([hex(m.IatAddress), m.MatchedBy, m.NamesReadable, m.ImportedFrom]).toEqual([past.iatAddress.toString(16), "value", false, "nt"]);
    expect(s.control.counters.readCalls).toBeLessThan(40);
  });
});

describe("reads", () => {
  test("a driver with 120 imports costs three reads of about the bytes it needs: headers, IAT, descriptors with INT and names", () => {
    const b = x64KernelTarget();
    // Names of a kernel export's usual length (17 characters: ExAllocatePoolWithTag has 21, ZwClose 7), all of INIT
    // in one page.
    const functions = Array.from({ length: 120 }, (_, i) => "KeSynthRoutine" + String(i).padStart(3, "0"));
    const d = buildDriver({ is64: true, imports: [{ dll: "ntoskrnl.exe", functions }] });
    loadDriver(b, "big.sys", b.moduleRange(d.sizeOfImage), d);
    b.target.modules.splice(0, b.target.modules.length - 1);
    const only = DebuggerSession.load(b.target);
    only.control.resetCounters();
    only.run('!findimporter "KeSynthRoutine007"');
    expect(only.control.counters.readCalls).toBe(3);
    // What must be read: the headers through the data directories, the IAT, and INIT from the descriptors to the
    // last name's NUL (read from the image as built, not from our parser).
    const v = new DataView(d.bytes.buffer);
    const nt = v.getUint32(0x3c, true);
    const headers = nt + 0x18 + v.getUint16(nt + 0x14, true);
    let last = d.initRva + d.initSize - 1;
    while (d.bytes[last] === 0) last--;
    const needed = headers + 122 * 8 + (last + 2 - d.initRva);
    expect(only.control.counters.bytesRead).toBeGreaterThanOrEqual(needed);
    expect(only.control.counters.bytesRead).toBeLessThanOrEqual(needed * 1.25);
    expect(importersOf(only.run('dx @$findimporter("KeSynth*")').value).length).toBe(120);
  });

  test("the real Wine images: two reads each (headers; .idata whole), one per stub exporter (headers, no imports)", () => {
    const { b, images } = wineKernelTarget();
    const s = DebuggerSession.load(b.target);
    s.control.resetCounters();
    s.run('!findimporter "ExAllocatePool"');
    const real = Object.keys(images).length;
    const stubs = b.target.modules.length - real;
    expect(s.control.counters.readCalls).toBeLessThanOrEqual(2 * real + stubs);
    // 5 MB of images; the import tables (.idata) of all 18 are under 64 KB, their headers 18 x 0x200 bytes.
    expect(s.control.counters.bytesRead).toBeLessThan(100 * 1024);
  });
});

describe("!findimporter in a user-mode process", () => {
  test('"ntdll!RtlAllocateHeap" by name and value', () => {
    const { b } = userProcessTarget();
    const m = importersOf(DebuggerSession.load(b.target).run('dx @$findimporter("ntdll!RtlAllocateHeap")').value);
    expect(m.map((x) => [x.Module, x.ImportedFrom, x.MatchedBy, x.Redirected])).toEqual([["app", "ntdll.dll", "both", false]]);
  });

  test("a delay-load import not yet bound points at its own stub and is not redirected", () => {
    const { b, appBase } = userProcessTarget();
    const m = importersOf(DebuggerSession.load(b.target).run('dx @$findimporter("GetFileVersionInfoW")').value);
    expect(m.length).toBe(1);
    expect(m[0].DelayLoad).toBe(true);
    expect(m[0].Redirected).toBe(false);
    expect(m[0].NotYetResolved).toBe(true);
    expect(hex(m[0].Target)).toBe((appBase + 0x1100n).toString(16));
  });

  test("an import by ordinal is found by its bound address", () => {
    const { b } = userProcessTarget();
    const ws2 = b.target.modules.find((x) => /WS2_32/.test(x.name))!;
    const s = DebuggerSession.load(b.target);
    const m = importersOf(s.run("dx @$findimporter(0x" + (ws2.base + 0x1a40n).toString(16) + ")").value);
    expect(m.map((x) => [x.Module, x.ImportedFrom, x.ByOrdinal, x.Ordinal, x.Function, x.MatchedBy])).toEqual([["app", "WS2_32.dll", true, 12, "#12", "value"]]);
  });
});

describe("!findimporter arguments", () => {
  test.each([
    ['!findimporter ""', 'got the string ""'],
    ["!findimporter", "got nothing"],
    ['!findimporter "two words"', 'got the string "two words" (not a function name)'],
    ["!findimporter 0", "got the number 0 (not an address)"],
  ])("%s gets a one-line usage message", (line, said) => {
    const r = DebuggerSession.load(x64KernelTarget().target).run(line);
    expect(r.escaped).toBeNull();
    const first = r.output.split("\n")[0];
    expect(first).toMatch(/^Usage: !findimporter/);
    expect(first).toContain(said);
  });

  test("a name that neither resolves nor is imported says what was tried, as a miss, not a usage error", () => {
    const r = DebuggerSession.load(x64KernelTarget().target).run('!findimporter "NoSuchFunction"');
    expect(r.output.split("\n")[0]).toBe(
      'No loaded module imports "NoSuchFunction" by name, and nt!NoSuchFunction did not resolve to an address to search IAT values for; check the spelling (x nt!ExAllocate*) or load symbols (.reload /f nt).',
    );
  });
});

describe("!findimporter under failing reads", () => {
  test("every single failed read is handled, nothing is written, and the output names what was unreadable", () => {
    const summary = failEachRead(() => seed003Target().target, '!findimporter "nt!ExAllocatePool"');
    expect(summary.injected).toBeGreaterThan(5);
    expect(summary.escaped).toBe(0);
    expect(summary.writes).toBe(0);
    // Each run either says what was unreadable or, when a retry in smaller pieces recovered, prints the clean result.
    const clean = DebuggerSession.load(seed003Target().target).run('!findimporter "nt!ExAllocatePool"').output;
    for (const run of summary.runs) {
      if (!/unreadable/.test(run.result.output)) expect(run.result.output).toBe(clean);
    }
    // A failed header read names the module.
    expect(summary.runs.some((r) => /PE header page at .* is unreadable/.test(r.result.output))).toBe(true);
  });

  test("on the x64 family query too", () => {
    const summary = failEachRead(() => x64KernelTarget().target, '!findimporter "ExAllocatePool*"');
    expect(summary.escaped).toBe(0);
    expect(summary.writes).toBe(0);
    const clean = DebuggerSession.load(x64KernelTarget().target).run('!findimporter "ExAllocatePool*"').output;
    for (const run of summary.runs) {
      if (!/unreadable/.test(run.result.output)) expect(run.result.output).toBe(clean);
    }
  });
});
