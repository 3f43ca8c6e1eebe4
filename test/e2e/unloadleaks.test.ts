import { DebuggerSession } from "../emulator/session";
import { kernelTarget, userTarget, BUILDS } from "../targets/builder";
import { seed002Target } from "../targets/seed002";
import { fixtureLines, SEED002, writeBugCheck, writeWideName, answerDisassembly, wrapperScene, verifierText, writeVerifiedData } from "../targets/verifier";
import { expectGolden } from "../support/golden";
import { failEachRead } from "../support/faults";
// The report's size format (output conventions: sizeText), so the expected lines are written the way the report writes sizes.
import { sizeText } from "../../src/render/report";

const hex = (v: unknown) => (v as { toString(r: number): string }).toString(16);


/** The Allocations collection of the record !unloadleaks returns. */
const allocs = (v: unknown): Record<string, unknown>[] => (v ? (v as { Allocations: Record<string, unknown>[] }).Allocations : []);

describe("!unloadleaks on the seed 002 bugcheck (Win7 SP1 x64, C4 {62, fffffa80059c5c88, fffffa8004f5a010, 1})", () => {
  test("lists the one allocation with test!DriverEntry+0x33 and line 20 (golden)", () => {
    const b = seed002Target();
    const s = DebuggerSession.load(b.target);
    const r = s.run("!unloadleaks");
    expect(r.escaped).toBeNull();
    expectGolden("unloadleaks-seed002", r.output);
    expect(r.output).toContain("Bugcheck 0xC4/0x62 (from nt!KiBugCheckData): test.sys was unloaded with 1 pool allocation not freed (Arg4).");
    expect(r.output).toContain("Layout: built-in _VF_TARGET_VERIFIED_DRIVER_DATA (Windows 7 SP1 x64), not from the symbols; !leaktools shows why.");
    expect(r.output.split("\n")[0]).toBe("test.sys left 1 allocation not freed at unload, 0xc (12 bytes) (tag 'test'); the largest call site: test!DriverEntry+0x33 (e:\\driver\\test\\test.c:20).");
    expect(s.run("!leaktools").output).toContain("Layout: _VF_TARGET_VERIFIED_DRIVER_DATA: not in the symbols (.reload /f nt to get them); using the built-in layout for Windows 7 SP1 x64, checked against build 7601's PDB.");
    expect(r.output).toMatch(/fffff980`0933eff0\s+0xc\s+test\s+fffff880`04c73043\s+test!DriverEntry\+0x33\s+e:\\driver\\test\\test\.c:20/);
    // One `u` per distinct caller, nothing else run: the structures answered.
    expect(s.control.executed).toEqual(["u fffff880`04c73043 L1"]);
  });

  test("ends with commands to copy: the caller's code, the allocation's bytes, the verifier's report", () => {
    const out = DebuggerSession.load(seed002Target().target).run("!unloadleaks").output;
    // The commands the article's author typed by hand: u on CallersAddress, db on PoolAddress, !verifier 3 test.sys.
    // Caller is the return address the verifier kept: ub shows the call before it.
    expect(out).toContain(
      "Next:\n  ub fffff880`04c73043 L8    the call at the largest call site (Caller is the return address after it)\n" +
        "  db fffff980`0933eff0 L0xc  the largest allocation's bytes\n  !verifier 3 test.sys       the verifier's own report\n",
    );
  });

  test("without nt!KiBugCheckData the bugcheck comes from .bugcheck (the dump header)", () => {
    const b = seed002Target();
    b.target.removeSymbol("nt", "KiBugCheckData");
    // .bugcheck's documented form, with the seed's values (BugCheck C4, {62, fffffa80059c5c88, fffffa8004f5a010, 1}).
    b.target.onCommand(".bugcheck", ["Bugcheck code 000000C4", "Arguments 00000000`00000062 fffffa80`059c5c88 fffffa80`04f5a010 00000000`00000001"]);
    const s = DebuggerSession.load(b.target);
    const r = s.run("dx @$unloadleaks()");
    expect(r.output).toContain("Bugcheck 0xC4/0x62 (from .bugcheck): test.sys was unloaded with 1 pool allocation not freed (Arg4).");
    expect(allocs(r.value).length).toBe(1);
    expect(s.control.executed).toEqual([".bugcheck", "u fffff880`04c73043 L1"]);
  });

  test("dx @$unloadleaks() returns the allocation with its properties", () => {
    const s = DebuggerSession.load(seed002Target().target);
    const r = s.run("dx @$unloadleaks()");
    const records = allocs(r.value);
    expect(records).toHaveLength(1);
    const a = records[0];
    expect(hex(a.Address)).toBe("fffff9800933eff0");
    expect(a.Size).toBe(0xc);
    expect(a.Tag).toBe("test");
    expect(hex(a.Caller)).toBe("fffff88004c73043");
    expect(a.CallerSymbol).toBe("test!DriverEntry+0x33");
    expect(a.Source).toBe("e:\\driver\\test\\test.c:20");
    expect(a.CallerFunction).toBe("test!DriverEntry");
    expect(String(a)).toBe("fffff980`0933eff0 0xc test test!DriverEntry+0x33");
  });

  test("the legacy Header8 SLIST format links the same page", () => {
    const r = DebuggerSession.load(seed002Target({ slist: "header8" }).target).run("dx @$unloadleaks()");
    expect(allocs(r.value).length).toBe(1);
    expect(r.output).toContain("Walked 1 verifier tracking page: 1 outstanding allocation.");
  });

  test("without line information the Source says so", () => {
    const b = seed002Target();
    b.target.commands.length = 0;
    b.target.onCommand("u fffff880`04c73043 L1", ["test!DriverEntry+0x33:", "fffff880`04c73043 4889442428      mov     qword ptr [rsp+28h],rax"]);
    const r = DebuggerSession.load(b.target).run("dx @$unloadleaks()");
    const a = allocs(r.value)[0];
    expect(a.CallerSymbol).toBe("test!DriverEntry+0x33");
    expect(a.Source).toBe("(no line information)");
  });

  test("an unreadable read anywhere: no exception, no write, and the output names what was unreadable", () => {
    const summary = failEachRead(() => seed002Target().target, "!unloadleaks");
    expect(summary.injected).toBeGreaterThan(2);
    expect(summary.escaped).toBe(0);
    expect(summary.writes).toBe(0);
    for (const run of summary.runs) {
      const out = run.result.output;
      expect(out).not.toMatch(/bug in leaktools/);
      // Either the allocation is listed in full, or the output says what could not be read.
      if (!/fffff980`0933eff0\s+0xc\s+test\s+fffff880`04c73043\s+test!DriverEntry\+0x33/.test(out)) {
        expect(out).toMatch(/unreadable|could not be read|cannot be read/i);
      }
    }
    // The tracking page failing is reported by address.
    expect(summary.runs.some((r) => /tracking page at fffffa80`04f6b000 is unreadable/.test(r.result.output))).toBe(true);
  });
});

describe("!unloadleaks falls back to the text of !verifier 3 (the seed's real output)", () => {
  test("on a build without a built-in layout (Win10 1703), the bugcheck's driver is listed from !verifier 3 test.sys", () => {
    const s = DebuggerSession.load(seed002Target({ build: BUILDS.win10_1703, verifierText: true }).target);
    const r = s.run("dx @$unloadleaks()");
    expect(r.output).toContain("The verifier's structures cannot be read here: _VF_TARGET_VERIFIED_DRIVER_DATA: not in the symbols (.reload /f nt to get them); no built-in layout for build 15063.");
    expect(r.output).toContain("Falling back to the text of !verifier 3 test.sys");
    expect(s.control.executed).toEqual(["!verifier 3 test.sys", "u fffff880`04c73043 L1"]);
    const a = allocs(r.value)[0];
    expect([hex(a.Address), a.Size, a.Tag, hex(a.Caller), a.CallerSymbol, a.Source]).toEqual([
      "fffff9800933eff0", 0xc, "test", "fffff88004c73043", "test!DriverEntry+0x33", "e:\\driver\\test\\test.c:20",
    ]);
  });

  test("a live session with a driver name and no bugcheck (golden)", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win7sp1 });
    writeBugCheck(b, 0, [0n, 0n, 0n, 0n]);
    b.target.onCommand("!verifier 3 test.sys", fixtureLines("seed002-verifier3.txt"));
    answerDisassembly(b, SEED002.allocation.caller, fixtureLines("seed002-u.txt"));
    const r = DebuggerSession.load(b.target).run('!unloadleaks "test.sys"');
    expect(r.escaped).toBeNull();
    expectGolden("unloadleaks-live-text", r.output);
    expect(r.output).toContain("nt!ViTargetDriversAvl is not walked");
    expect(r.output).toMatch(/fffff980`0933eff0\s+0xc\s+test/);
  });

  test("a driver !verifier 3 does not list: one line", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    writeBugCheck(b, 0, [0n, 0n, 0n, 0n]);
    b.target.onCommand("!verifier 3 other.sys", fixtureLines("seed002-verifier3.txt").slice(0, 30));
    const r = DebuggerSession.load(b.target).run('!unloadleaks "other.sys"');
    expect(r.output).toContain("No verifier data for other.sys: !verifier 3 does not list it.");
    expect(r.value).toBeUndefined();
  });
});

describe("!unloadleaks refuses what must not reach a debugger command", () => {
  test.each([
    ['"test.sys\\";.reboot"', "quote and ;"],
    ['"x;g"', ";"],
    ['"a\\nb.sys"', "newline"],
    ['"..\\\\..\\\\evil.sys"', "path"],
    ['"test sys"', "space"],
    ['""', "empty"],
    ['"a|b.sys"', "pipe"],
    ['"drv*.sys"', "wildcard"],
    ['"drvé.sys"', "non-ASCII"],
  ])("the given name %s (%s)", (arg) => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    const s = DebuggerSession.load(b.target);
    const r = s.run("!unloadleaks " + arg);
    expect(r.escaped).toBeNull();
    expect(r.output).toMatch(/^Refused the driver name given "/);
    expect(r.output.split("\n").filter((l) => l.startsWith("Refused"))).toHaveLength(1);
    expect(s.control.executed).toEqual([]);
  });

  test("a hostile name read from the target (Arg2): listed from the structures, never put in a command", () => {
    const b = seed002Target();
    writeWideName(b, SEED002.arg2, 'test.sys";.reboot;"');
    const s = DebuggerSession.load(b.target);
    const r = s.run("!unloadleaks");
    expect(r.output).toContain('Refused the driver name read from Arg2 "test.sys";.reboot;""');
    expect(r.output).toMatch(/fffff980`0933eff0\s+0xc\s+test/);
    expect(s.control.executed.filter((c) => c.includes("verifier"))).toEqual([]);
    // Not even offered as a command to copy.
    expect(r.output).toMatch(/^Next:\n  ub fffff880`04c73043 L8 +the call at the largest call site \(Caller is the return address after it\)\n  db fffff980`0933eff0 L0xc +the largest allocation's bytes\n(?!  !verifier)/m);
    expect(r.output).not.toContain("!verifier 3 test.sys");
  });

  test("a hostile Arg2 name where the fallback would be needed: refused, no command", () => {
    const b = seed002Target({ build: BUILDS.win10_1703, verifierText: true });
    writeWideName(b, SEED002.arg2, "a\nb.sys");
    const s = DebuggerSession.load(b.target);
    const r = s.run("!unloadleaks");
    expect(r.output).toContain('Refused the driver name read from Arg2 "a?b.sys"');
    expect(r.output).toContain("No fallback to !verifier 3");
    expect(s.control.executed).toEqual([]);
  });

  test("arguments that are not a quoted name", () => {
    const s = DebuggerSession.load(kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 }).target);
    expect(s.run("!unloadleaks 12").output).toMatch(/^Usage: !unloadleaks .* got the number 12\./);
    expect(s.run('!unloadleaks ("a.sys", "b.sys")').output).toMatch(/got 2 arguments/);
    expect(s.control.executed).toEqual([]);
  });
});

describe("!unloadleaks: one clear line when there is nothing to list", () => {
  const oneLine = (output: string) => output.replace(/\n@\$unloadleaks\(.*\n?$/, "").trim().split("\n");

  test("no bugcheck", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    writeBugCheck(b, 0, [0n, 0n, 0n, 0n]);
    const lines = oneLine(DebuggerSession.load(b.target).run("!unloadleaks").output);
    expect(lines).toEqual([expect.stringMatching(/^No bugcheck on this target\./)]);
  });

  test("another bugcheck", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    writeBugCheck(b, 0x19, [0x20n, 0n, 0n, 0n]);
    const lines = oneLine(DebuggerSession.load(b.target).run("!unloadleaks").output);
    expect(lines).toEqual(["This is bugcheck 0x19 (Arg1 0x20), not 0xC4/0x62 (a driver unloaded without freeing its pool). Name a driver to read its verifier data anyway: !unloadleaks \"drv.sys\"."]);
  });

  test("0xC4 with another subcode", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    writeBugCheck(b, 0xc4, [0x1n, 0n, 0n, 0n]);
    expect(oneLine(DebuggerSession.load(b.target).run("!unloadleaks").output)[0]).toMatch(/^This is bugcheck 0xC4 \(Arg1 0x1\), not 0xC4\/0x62/);
  });

  test("no verifier data (Arg3 is 0)", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win7sp1 });
    writeBugCheck(b, 0xc4, [0x62n, SEED002.arg2, 0n, 1n]);
    writeWideName(b, SEED002.arg2, "test.sys");
    const out = DebuggerSession.load(b.target).run("!unloadleaks").output;
    expect(oneLine(out)).toEqual([
      "Bugcheck 0xC4/0x62 (from nt!KiBugCheckData): test.sys was unloaded with 1 pool allocation not freed (Arg4).",
      expect.stringMatching(/^No verifier data for test\.sys: Arg3 is 0\. Enable pool tracking for it \(verifier \/flags 0x8 \/driver test\.sys\)/),
    ]);
  });

  test("a user-mode target", () => {
    const b = userTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    const r = DebuggerSession.load(b.target).run("!unloadleaks");
    expect(oneLine(r.output)).toEqual(["!unloadleaks needs a kernel target (a kernel dump or a kd/KDNET session); this is a user-mode session."]);
  });
});

describe("!unloadleaks on corrupted verifier data", () => {
  test("a page list that loops back is walked once and reported", () => {
    const b = seed002Target();
    b.writePtr(SEED002.page, SEED002.page); // NextPage -> itself
    const r = DebuggerSession.load(b.target).run("dx @$unloadleaks()");
    expect(r.output).toContain("Stopped early: the page list loops back to fffffa80`04f6b000");
    expect(allocs(r.value).length).toBe(1);
  });

  test("a page pointer that is not a page, and counters that disagree", () => {
    const b = seed002Target();
    b.writePtr(SEED002.page, 0xfffffa8004f6b123n);
    b.memory.writeU32(SEED002.arg3 + 0x54n, 0x7fffffff);
    const r = DebuggerSession.load(b.target).run("!unloadleaks");
    expect(r.output).toContain("which is not a page");
    expect(r.output).toContain("The verifier's counters say 2,147,483,647 allocations");
  });
});

describe("!unloadleaks on Win10/11 x64 and x86: many allocations through one wrapper", () => {
  test("Win10 2004 x64: every allocation listed, one `u` per distinct caller, the wrapper named (golden)", () => {
    const { b, allocations, callers, sites } = wrapperScene({ build: BUILDS.win10_2004, pointerSize: 8, throughWrapper: 300 });
    const s = DebuggerSession.load(b.target);
    const r = s.run("dx @$unloadleaks()");
    expect(r.escaped).toBeNull();
    const records = allocs(r.value);
    expect(records).toHaveLength(allocations.length);
    expect(records.map((x) => hex(x.Address)).sort()).toEqual(allocations.map((a) => a.address.toString(16)).sort());
    // One `u` per distinct caller, then one per call site of the wrapper that is listed (not Unused's, whose tag
    // 'DrvU' no allocation has).
    const listedSites = sites.filter((x) => x.tag !== "DrvU");
    expect(s.control.executed.slice(0, callers.size)).toEqual(Array.from(callers.keys()).map((c) => "u " + c.toString(16).replace(/^(.{8})/, "$1`") + " L1"));
    expect(s.control.executed.slice(callers.size).sort()).toEqual(listedSites.map((x) => "u " + x.address.toString(16).replace(/^(.{8})/, "$1`") + " L1").sort());
    expect(r.output).toContain("Layout: built-in _VF_TARGET_VERIFIED_DRIVER_DATA (Windows 10 2004-22H2 x64), not from the symbols; !leaktools shows why.");
    expect(s.run("!leaktools").output).toContain("Layout: _VF_TARGET_VERIFIED_DRIVER_DATA: not in the symbols (.reload /f nt to get them); using the built-in layout for Windows 10 2004-22H2 x64, checked against build 19041's PDB.");
    expect(r.output).toContain("drv!MyAlloc+0x21 made 300 of 305 allocations: probably an allocation wrapper.");
    // The pool-log command names a real allocation made through the wrapper, ready to copy.
    const first = allocations.find((a) => a.tag === "DrvA")!.address.toString(16).padStart(16, "0");
    expect(r.output).toContain("(e.g. !verifier 0x80 " + first.slice(0, 8) + "`" + first.slice(8) + ")");
    expect(r.output).toContain("Grouping shown: by tag, by call site and by caller function (symbol without offset); then the wrapper's allocations by the call sites that pass their tag.");
    expect(r.output).not.toContain("The verifier's counters say");
    expect(r.output).toContain("tag 'DrvA' - 90 allocations, " + sizeText(0xb40) + " - passed to drv!MyAlloc by drv!Foo+0x12, drv!Bar+0x40 (2 call sites; how the allocations split between them is unknown)");
    // By caller function, the wrapper's two call sites add up; largest first.
    const byFunction = r.output.split("By caller function (largest first):")[1].split("\n").slice(3, 5).map((l) => l.trim().split(/\s{2,}/));
    const wrapperBytes = allocations.filter((a) => a.caller !== BigInt(0) && !/Init/.test(a.tag)).reduce((n, a) => n + a.size, 0);
    expect(byFunction).toEqual([[sizeText(wrapperBytes), "304", "drv!MyAlloc"], [sizeText(4096), "1", "drv!Init"]]);
    const init = records.find((x) => x.Tag === "Init")!;
    expect([init.CallerSymbol, init.Source]).toEqual(["drv!Init+0x10", "(no line information)"]);
    const golden = r.output.split("\n").filter((l) => !/^[0-9a-f]{8}`[0-9a-f]{8} /.test(l) && !/^    \[0x/.test(l)).join("\n");
    expectGolden("unloadleaks-win10-wrapper", golden);
  });

  test.each([
    [BUILDS.win10_1809, 8],
    [BUILDS.win10_22h2, 4],
    [BUILDS.win11_22h2, 8],
    [BUILDS.win7sp1, 4],
  ] as const)("build %i, %i-byte pointers: the pages decode to the same allocations", (build, pointerSize) => {
    const { b, allocations } = wrapperScene({ build, pointerSize, throughWrapper: 200 });
    const r = DebuggerSession.load(b.target).run("dx @$unloadleaks()");
    const records = allocs(r.value);
    expect(r.output).not.toContain("counters say");
    expect(records.map((x) => [hex(x.Address), x.Size, x.Tag])).toEqual(allocations.map((a) => [a.address.toString(16), (a.size + 3) & ~3, a.tag]));
  });

  test("with the verifier types in the symbols, the layout says so", () => {
    const { b } = wrapperScene({ build: BUILDS.win11_22h2, pointerSize: 8, throughWrapper: 20, withTypes: true });
    const out = DebuggerSession.load(b.target).run("!unloadleaks").output;
    // From the symbols: no layout line at all.
    expect(out).not.toContain("Layout:");
    expect(out).toContain("25 outstanding allocations of drv.sys");
  });

  test.each([
    ["Win10 22H2 (19041's PDB)", BUILDS.win10_22h2],
    ["Server 2022 (20348's PDB)", 20348],
    ["Win10 1909 (18362's PDB, reports 18363)", 18363],
  ] as const)("%s: the PDB's own types in the symbols (nested _SLIST_HEADER, unions): read through them", (_n, build) => {
    const { b, allocations } = wrapperScene({ build, pointerSize: 8, throughWrapper: 20, withTypes: true });
    const r = DebuggerSession.load(b.target).run("dx @$unloadleaks()");
    expect(r.output).not.toContain("Layout:");
    const records = allocs(r.value);
    expect(records.map((x) => [hex(x.Address), x.Size, x.Tag])).toEqual(allocations.map((a) => [a.address.toString(16), (a.size + 3) & ~3, a.tag]));
  });

  test.each([
    ["Server 2022", 20348],
    ["Win8.1", BUILDS.win81],
    ["Win10 1607", 14393],
  ] as const)("%s without symbols: the built-in layout checked against its PDB", (_n, build) => {
    const { b, allocations } = wrapperScene({ build, pointerSize: 8, throughWrapper: 20 });
    const s = DebuggerSession.load(b.target);
    const r = s.run("dx @$unloadleaks()");
    expect(s.run("!leaktools").output).toContain("checked against build " + build + "'s PDB.");
    const records = allocs(r.value);
    expect(records.map((x) => [hex(x.Address), x.Size, x.Tag])).toEqual(allocations.map((a) => [a.address.toString(16), (a.size + 3) & ~3, a.tag]));
  });

  test("live session: !unloadleaks \"drv.sys\" lists the same allocations before the unload", () => {
    const { b, allocations } = wrapperScene({ build: BUILDS.win10_22h2, pointerSize: 8, throughWrapper: 50, bugcheck: false });
    b.target.onCommand("!verifier 3 drv.sys", verifierText("drv.sys", allocations, 8));
    const s = DebuggerSession.load(b.target);
    const r = s.run('dx @$unloadleaks("drv.sys")');
    const records = allocs(r.value);
    expect(records.map((x) => [hex(x.Address), x.Tag, x.CallerSymbol])).toEqual(
      allocations.map((a) => [a.address.toString(16), a.tag, a.tag === "Init" ? "drv!Init+0x10" : a.paged ? "drv!MyAlloc+0x4a" : "drv!MyAlloc+0x21"]),
    );
    expect(s.control.executed[0]).toBe("!verifier 3 drv.sys");
  });
});

describe("!unloadleaks bounds the debugger commands it runs", () => {
  test("more distinct callers than the cap: the first 512 are symbolized, the rest are counted", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    const base = 0xfffff80750000000n;
    const allocations = Array.from({ length: 600 }, (_, i) => ({ address: 0xffffb40300000000n + BigInt(i * 0x40), size: 0x30, tag: "Many", caller: base + BigInt(i * 0x10) }));
    const verified = writeVerifiedData(b, allocations);
    const name = b.alloc(0x20, 8);
    writeWideName(b, name, "many.sys");
    writeBugCheck(b, 0xc4, [0x62n, name, verified.at, 600n]);
    const s = DebuggerSession.load(b.target);
    const r = s.run("dx @$unloadleaks()");
    expect(s.control.executed.filter((c) => c.startsWith("u "))).toHaveLength(512);
    expect(r.output).toContain("88 caller addresses beyond the first 512 distinct ones were not symbolized");
    const records = allocs(r.value);
    expect(records).toHaveLength(600);
    expect(records[599].CallerSymbol).toBe("(no symbol)");
  });
});

describe("!unloadleaks with unreadable pages in a larger list", () => {
  test("each read failing in turn: no exception, no write; a lost page keeps the pages before it", () => {
    const build = () => wrapperScene({ build: BUILDS.win10_22h2, pointerSize: 8, throughWrapper: 400 }).b.target;
    const summary = failEachRead(build, "dx @$unloadleaks()");
    expect(summary.escaped).toBe(0);
    expect(summary.writes).toBe(0);
    const lostPage = summary.runs.filter((r) => /Stopped early: the tracking page at \S+ is unreadable/.test(r.result.output));
    expect(lostPage.length).toBeGreaterThan(1);
    for (const r of lostPage) {
      const n = allocs(r.result.value).length;
      expect(n).toBeLessThan(405);
      expect(r.result.output).toMatch(/Arg4 says 405 allocations were not freed; \d+ (is|are) listed\./);
    }
  });

  test("an unreadable Arg2 name: said, and the list still comes from Arg3", () => {
    const b = seed002Target();
    b.memory.unmap(SEED002.arg2, 0x10);
    const r = DebuggerSession.load(b.target).run("dx @$unloadleaks()");
    expect(r.output).toMatch(/The driver name \(Arg2\) could not be read: driver name \(Arg2\) at fffffa80`059c5c88 .* is unreadable\./);
    expect(allocs(r.value).length).toBe(1);
  });
});

describe("!unloadleaks with a driver name on a 0xC4/0x62 dump", () => {
  test("the bugcheck's own driver (any case): read from the structures, no !verifier command", () => {
    const s = DebuggerSession.load(seed002Target({ verifierText: true }).target);
    const r = s.run('dx @$unloadleaks("TEST.SYS")');
    expect(allocs(r.value).length).toBe(1);
    expect(r.output).toContain("Walked 1 verifier tracking page:");
    expect(s.control.executed).toEqual(["u fffff880`04c73043 L1"]);
  });

  test("another driver: said, and listed from !verifier 3", () => {
    const b = seed002Target();
    b.target.onCommand("!verifier 3 other.sys", ["Driver Verification List", "fffffa8003c2f740 Loaded           00000000       00000000    other.sys", "Current Pool Allocations  00000000    00000000"]);
    const s = DebuggerSession.load(b.target);
    const r = s.run('!unloadleaks "other.sys"');
    expect(r.output).toContain("The bugcheck names test.sys, not other.sys; listing other.sys from !verifier 3.");
    expect(r.output).toContain("other.sys has no outstanding verifier-tracked pool allocations.");
    expect(s.control.executed).toEqual(["!verifier 3 other.sys"]);
  });

  test("an Arg2 name with no end: cut at the limit and never put in a command", () => {
    const b = seed002Target({ build: BUILDS.win10_1703, verifierText: true });
    b.memory.write(SEED002.arg2, Uint8Array.from({ length: 2000 }, (_, i) => (i % 2 ? 0 : 0x41))); // "AAAA..." in UTF-16, no NUL
    const s = DebuggerSession.load(b.target);
    const out = s.run("!unloadleaks").output;
    expect(out).toContain("The driver name (Arg2) has no end within 512 characters; it is cut there.");
    expect(out).toContain('Refused the driver name read from Arg2 "' + "A".repeat(40) + '..."');
    expect(out).toContain("(from nt!KiBugCheckData): " + "A".repeat(40) + "... was unloaded");
    expect(s.control.executed).toEqual([]);
  });
});

describe("!unloadleaks: the wrapper's callers, found by scanning the driver's code for calls to it", () => {
  type Rec = Record<string, unknown>;
  const shown = (v: bigint, pointerSize: 4 | 8) => (pointerSize === 8 ? v.toString(16).padStart(16, "0").replace(/^(.{8})/, "$1`") : v.toString(16).padStart(8, "0"));

  /** What the output must say per tag, derived from the scene's own code and allocations (largest first). */
  function expectedLines(scene: ReturnType<typeof wrapperScene>) {
    const wrapperCallers = [scene.drvBase + 0x1021n, scene.drvBase + 0x104an];
    const through = scene.allocations.filter((a) => wrapperCallers.includes(a.caller));
    const byTag = new Map<string, { n: number; bytes: number }>();
    for (const a of through) {
      const g = byTag.get(a.tag) || { n: 0, bytes: 0 };
      g.n++;
      g.bytes += (a.size + 3) & ~3;
      byTag.set(a.tag, g);
    }
    const name = (x: (typeof scene.sites)[number]) => x.symbol + (x.kind === "jmp" ? " (jmp)" : "");
    const noTag = scene.sites.filter((x) => x.tag === null).map(name);
    const callersOf = new Map<string, string[]>();
    const lines = Array.from(byTag.entries())
      .sort((a, b) => b[1].bytes - a[1].bytes || b[1].n - a[1].n)
      .map(([tag, g]) => {
        const passing = scene.sites.filter((x) => x.tag === tag).map(name);
        const head = "  tag '" + tag + "' - " + g.n + (g.n === 1 ? " allocation" : " allocations") + ", " + sizeText(g.bytes) + " - ";
        if (tag === "DrvH") {
          callersOf.set(tag, noTag);
          return head + "written by drv!MyAlloc itself (at drv!MyAlloc+0x" + scene.hardCodedTagAt.toString(16) + "); call sites that pass no tag: " + noTag.join(", ");
        }
        callersOf.set(tag, passing);
        return head + "passed to drv!MyAlloc by " + passing.join(", ") + (passing.length > 1 ? " (" + passing.length + " call sites; how the allocations split between them is unknown)" : "");
      });
    return { lines, callersOf, through };
  }

  test.each([
    ["x64", BUILDS.win10_22h2, 8],
    ["x86", BUILDS.win10_22h2, 4],
    ["Win11 x64", BUILDS.win11_22h2, 8],
  ] as const)("%s: each tag of the wrapper's allocations with the call sites that pass it; records carry WrapperCallers", (_, build, pointerSize) => {
    const scene = wrapperScene({ build, pointerSize, throughWrapper: 300 });
    const s = DebuggerSession.load(scene.b.target);
    const r = s.run("dx @$unloadleaks()");
    expect(r.escaped).toBeNull();
    const { lines, callersOf, through } = expectedLines(scene);
    // Every tag the scene's callers pass, plus the wrapper's own: DrvC, DrvB, DrvA, DrvH, DrvP.
    expect(lines).toHaveLength(5);
    const out = r.output;
    const header = "Through drv!MyAlloc, by the call sites that pass each tag (largest first). Callers found by scanning drv.sys for calls to drv!MyAlloc; an allocation is matched to a caller by its tag, not by a recorded stack:";
    expect(out).toContain([header, ...lines].join("\n"));
    expect(out).toContain(
      "Scanned .text, " + sizeText(0x1100) + ", for call and jmp rel32 to " + shown(scene.drvBase + 0x1000n, pointerSize) + " (drv!MyAlloc: the caller minus 0x21): 8 call sites, 7 call and 1 jmp (tail call).",
    );
    // Unused passes 'DrvU', which no outstanding allocation has: counted, not listed, never symbolized.
    expect(out).toContain("1 call site passes a tag with no outstanding allocation ('DrvU'); it is not listed.");
    const unused = scene.sites.find((x) => x.tag === "DrvU")!;
    expect(out).not.toContain("drv!Unused");
    expect(s.control.executed).not.toContain("u " + shown(unused.address, pointerSize) + " L1");
    expect(out).toMatch(/^Grouping shown: by tag, by call site and by caller function \(symbol without offset\); then the wrapper's allocations by the call sites that pass their tag\. The verifier keeps one return address per allocation and no stack, so the wrapper's callers are inferred from the driver's code, not read from a record\.$/m);
    // The records: every allocation made in MyAlloc names the call sites that pass its tag; Init's names none.
    const records = allocs(r.value);
    const inWrapper = records.filter((x) => String(x.CallerFunction) === "drv!MyAlloc");
    expect(inWrapper).toHaveLength(through.length);
    for (const x of inWrapper) expect(x.WrapperCallers).toEqual(callersOf.get(String(x.Tag)));
    expect(records.find((x) => x.Tag === "Init")!.WrapperCallers).toEqual([]);
  });

  test("dx: the allocations one caller may have made, by LINQ over WrapperCallers", () => {
    const scene = wrapperScene({ build: BUILDS.win10_2004, pointerSize: 8, throughWrapper: 300 });
    const s = DebuggerSession.load(scene.b.target);
    s.run("!unloadleaks");
    const baz = s.run('dx @$unloadleaks().Allocations.Where(a => a.WrapperCallers.Any(c => c == "drv!Baz+0x14")).Count()');
    expect(baz.value).toBe(scene.allocations.filter((a) => a.tag === "DrvB").length);
    const noTag = s.run('dx @$unloadleaks().Allocations.Where(a => a.WrapperCallers.Any(c => c == "drv!NoTag+0x9")).Select(a => a.Tag).Distinct()');
    expect(noTag.value).toEqual(["DrvH"]);
    const unmatched = s.run("dx @$unloadleaks().Allocations.Where(a => a.WrapperCallers.Count() == 0).Select(a => a.Tag)");
    expect(unmatched.value).toEqual(["Init"]);
  });

  test("the driver's code is read in two host reads (headers, then the executable span), whatever its call sites", () => {
    const reads = (image: "mapped" | "unlisted") => {
      const s = DebuggerSession.load(wrapperScene({ build: BUILDS.win10_22h2, pointerSize: 8, throughWrapper: 300, image }).b.target);
      const r = s.run("dx @$unloadleaks()");
      return { reads: s.control.counters.readCalls, out: r.output };
    };
    const mapped = reads("mapped");
    const unlisted = reads("unlisted");
    expect(unlisted.out).toContain("is in no loaded module, so there is no image to scan.");
    expect(mapped.reads - unlisted.reads).toBe(2);
  });

  test("an unreadable image (the driver gone, or its pages out): said, and the wrapper's allocations stay grouped by tag", () => {
    const scene = wrapperScene({ build: BUILDS.win10_22h2, pointerSize: 8, throughWrapper: 300, image: "unreadable" });
    const s = DebuggerSession.load(scene.b.target);
    const r = s.run("dx @$unloadleaks()");
    expect(r.escaped).toBeNull();
    expect(r.output).toContain("The wrapper's callers could not be found because the image of drv.sys is not readable (headers unreadable); drv!MyAlloc's allocations are grouped by tag only.");
    expect(r.output).toMatch(/^Grouping shown: by tag, by call site and by caller function \(symbol without offset\); then the wrapper's allocations by tag only, because its callers could not be found \(below\)\./m);
    const row = (bytes: number, n: number, tag: string) => "\\s+" + sizeText(bytes).replace(/[().]/g, "\\$&") + "\\s+" + n + "\\s+" + tag + "\\n";
    expect(r.output).toMatch(new RegExp("Through drv!MyAlloc\\+0x21, by the tag its callers passed \\(largest first\\):\\n.*\\n.*\\n" + row(5760, 90, "DrvC") + row(4320, 90, "DrvB") + row(2880, 90, "DrvA") + row(1440, 30, "DrvH")));
    const records = allocs(r.value);
    expect(records).toHaveLength(scene.allocations.length);
    expect(records.every((x) => (x.WrapperCallers as unknown[]).length === 0)).toBe(true);
    // Only the allocations' callers were symbolized.
    expect(s.control.executed).toHaveLength(scene.callers.size);
  });

  test("headers readable, .text paged out: the same, naming the executable sections", () => {
    const scene = wrapperScene({ build: BUILDS.win10_22h2, pointerSize: 4, throughWrapper: 300 });
    scene.b.memory.unmap(scene.drvBase + 0x1000n, 0x2000);
    const r = DebuggerSession.load(scene.b.target).run("!unloadleaks");
    expect(r.output).toContain("The wrapper's callers could not be found because the image of drv.sys is not readable (its executable sections are unreadable (paged out, or the image is gone)); drv!MyAlloc's allocations are grouped by tag only.");
    expect(r.output).toContain("305 outstanding allocations of drv.sys");
  });

  test("without symbols: the wrapper's start is unknown, and the output says its callers cannot be found", () => {
    const scene = wrapperScene({ build: BUILDS.win10_22h2, pointerSize: 8, throughWrapper: 300, symbols: false });
    const s = DebuggerSession.load(scene.b.target);
    const r = s.run("dx @$unloadleaks()");
    // No symbol: the call site is named module+offset, as WinDbg names it (issue 13), not by its bare address.
    const wrapper = "drv+0x1021";
    expect(r.output).not.toContain(shown(scene.drvBase + 0x1021n, 8) + " made");
    expect(r.output).toContain(wrapper + " made 300 of 305 allocations: probably an allocation wrapper.");
    expect(r.output).toContain("The wrapper's callers cannot be found without symbols: " + wrapper + " is not a function symbol with an offset, so the wrapper's start is unknown.");
    expect(r.output).toContain("Through " + wrapper + ", by the tag its callers passed (largest first):");
    // Neither the image nor any call site was read for it: the three callers' `u` and nothing else.
    expect(s.control.executed).toHaveLength(3);
    expect(allocs(r.value).every((x) => (x.WrapperCallers as unknown[]).length === 0)).toBe(true);
  });

  test("call sites past maxSymbolizedCallers are shown as module+offset, and counted", () => {
    const scene = wrapperScene({ build: BUILDS.win10_22h2, pointerSize: 8, throughWrapper: 300 });
    const s = DebuggerSession.load(scene.b.target);
    s.run('!ltlimits ("maxSymbolizedCallers", 5)');
    const r = s.run("dx @$unloadleaks()");
    s.run('!ltlimits ("maxSymbolizedCallers", 512)');
    // 3 callers, then 2 call sites (DrvC's Qux and AllocC, listed first); the other 5 listed sites are drv+0x...
    expect(s.control.executed.filter((c) => c.startsWith("u "))).toHaveLength(5);
    expect(r.output).toContain("tag 'DrvC' - 90 allocations, " + sizeText(0x1680) + " - passed to drv!MyAlloc by drv!Qux+0xf, drv!AllocC+0x5 (jmp)");
    expect(r.output).toContain("passed to drv!MyAlloc by drv+0x1112, drv+0x1240 (2 call sites");
    expect(r.output).toMatch(/^5 call sites are shown as module\+offset: past the first 5 distinct addresses symbolized/m);
  });

  test("live session: the same grouping from !verifier 3's text", () => {
    const scene = wrapperScene({ build: BUILDS.win10_22h2, pointerSize: 8, throughWrapper: 50, bugcheck: false });
    scene.b.target.onCommand("!verifier 3 drv.sys", verifierText("drv.sys", scene.allocations, 8));
    const r = DebuggerSession.load(scene.b.target).run('dx @$unloadleaks("drv.sys")');
    const { lines } = expectedLines(scene);
    expect(r.output).toContain(lines.join("\n"));
  });
});
