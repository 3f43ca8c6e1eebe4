import { DebuggerSession } from "../emulator/session";
import { kernelTarget, userTarget, BUILDS } from "../targets/builder";
import { seed002Target } from "../targets/seed002";
import { fixtureLines, SEED002, writeBugCheck, writeWideName, answerDisassembly, wrapperScene, verifierText, writeVerifiedData } from "../targets/verifier";
import { expectGolden } from "../support/golden";
import { failEachRead } from "../support/faults";

const hex = (v: unknown) => (v as { toString(r: number): string }).toString(16);

describe("!unloadleaks on the seed 002 bugcheck (Win7 SP1 x64, C4 {62, fffffa80059c5c88, fffffa8004f5a010, 1})", () => {
  test("lists the one allocation with test!DriverEntry+0x33 and line 20 (golden)", () => {
    const b = seed002Target();
    const s = DebuggerSession.load(b.target);
    const r = s.run("!unloadleaks");
    expect(r.escaped).toBeNull();
    expectGolden("unloadleaks-seed002", r.output);
    expect(r.output).toContain("Bugcheck 0xC4/0x62 (from nt!KiBugCheckData): test.sys was unloaded with 1 pool allocation(s) not freed (Arg4).");
    expect(r.output).toContain("Layout: _VF_TARGET_VERIFIED_DRIVER_DATA from built-in layout Win7 SP1 x64 (layouts.md §4)");
    expect(r.output).toMatch(/fffff980`0933eff0\s+0xc\s+test\s+fffff880`04c73043\s+test!DriverEntry\+0x33\s+e:\\driver\\test\\test\.c:20/);
    // One `u` per distinct caller, nothing else run: the structures answered.
    expect(s.control.executed).toEqual(["u fffff880`04c73043 L1"]);
  });

  test("ends with commands to copy: the caller's code, the allocation's bytes, the verifier's report", () => {
    const out = DebuggerSession.load(seed002Target().target).run("!unloadleaks").output;
    // The commands the article's author typed by hand: u on CallersAddress, db on PoolAddress, !verifier 3 test.sys.
    expect(out).toContain(
      "Next: u fffff880`04c73043 (the code at the largest call site); db fffff980`0933eff0 L0xc (the largest allocation's bytes); " +
        "!verifier 3 test.sys (the verifier's own report).",
    );
  });

  test("without nt!KiBugCheckData the bugcheck comes from .bugcheck (the dump header)", () => {
    const b = seed002Target();
    b.target.removeSymbol("nt", "KiBugCheckData");
    // .bugcheck's documented form, with the seed's values (BugCheck C4, {62, fffffa80059c5c88, fffffa8004f5a010, 1}).
    b.target.onCommand(".bugcheck", ["Bugcheck code 000000C4", "Arguments 00000000`00000062 fffffa80`059c5c88 fffffa80`04f5a010 00000000`00000001"]);
    const s = DebuggerSession.load(b.target);
    const r = s.run("dx @$unloadleaks()");
    expect(r.output).toContain("Bugcheck 0xC4/0x62 (from .bugcheck): test.sys was unloaded with 1 pool allocation(s) not freed (Arg4).");
    expect((r.value as unknown[]).length).toBe(1);
    expect(s.control.executed).toEqual([".bugcheck", "u fffff880`04c73043 L1"]);
  });

  test("dx @$unloadleaks() returns the allocation with its properties", () => {
    const s = DebuggerSession.load(seed002Target().target);
    const r = s.run("dx @$unloadleaks()");
    const records = r.value as Record<string, unknown>[];
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
    expect((r.value as unknown[]).length).toBe(1);
    expect(r.output).toContain("Walked 1 verifier tracking page(s): 1 outstanding allocation(s).");
  });

  test("without line information the Source says so", () => {
    const b = seed002Target();
    b.target.commands.length = 0;
    b.target.onCommand("u fffff880`04c73043 L1", ["test!DriverEntry+0x33:", "fffff880`04c73043 4889442428      mov     qword ptr [rsp+28h],rax"]);
    const r = DebuggerSession.load(b.target).run("dx @$unloadleaks()");
    const a = (r.value as Record<string, unknown>[])[0];
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
  test("on a build without a built-in layout (Win8.1), the bugcheck's driver is listed from !verifier 3 test.sys", () => {
    const s = DebuggerSession.load(seed002Target({ build: 9600, verifierText: true }).target);
    const r = s.run("dx @$unloadleaks()");
    expect(r.output).toContain("The verifier's structures cannot be read here: _VF_TARGET_VERIFIED_DRIVER_DATA has no built-in layout for build 9600.");
    expect(r.output).toContain("Falling back to the text of !verifier 3 test.sys");
    expect(s.control.executed).toEqual(["!verifier 3 test.sys", "u fffff880`04c73043 L1"]);
    const a = (r.value as Record<string, unknown>[])[0];
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
    expect(r.value).toEqual([]);
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
    expect(r.output).toMatch(/^Next: u fffff880`04c73043 \(the code at the largest call site\); db fffff980`0933eff0 L0xc \(the largest allocation's bytes\)\.$/m);
    expect(r.output).not.toContain("!verifier 3 test.sys");
  });

  test("a hostile Arg2 name where the fallback would be needed: refused, no command", () => {
    const b = seed002Target({ build: 9600, verifierText: true });
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
      "Bugcheck 0xC4/0x62 (from nt!KiBugCheckData): test.sys was unloaded with 1 pool allocation(s) not freed (Arg4).",
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
    expect((r.value as unknown[]).length).toBe(1);
  });

  test("a page pointer that is not a page, and counters that disagree", () => {
    const b = seed002Target();
    b.writePtr(SEED002.page, 0xfffffa8004f6b123n);
    b.memory.writeU32(SEED002.arg3 + 0x54n, 0x7fffffff);
    const r = DebuggerSession.load(b.target).run("!unloadleaks");
    expect(r.output).toContain("which is not a page");
    expect(r.output).toContain("The verifier's counters say 2147483647 allocation(s)");
  });
});

describe("!unloadleaks on Win10/11 x64 and x86: many allocations through one wrapper", () => {
  test("Win10 2004 x64: every allocation listed, one `u` per distinct caller, the wrapper named (golden)", () => {
    const { b, allocations, callers } = wrapperScene({ build: BUILDS.win10_2004, pointerSize: 8, throughWrapper: 300 });
    const s = DebuggerSession.load(b.target);
    const r = s.run("dx @$unloadleaks()");
    expect(r.escaped).toBeNull();
    const records = r.value as Record<string, unknown>[];
    expect(records).toHaveLength(allocations.length);
    expect(records.map((x) => hex(x.Address)).sort()).toEqual(allocations.map((a) => a.address.toString(16)).sort());
    expect(s.control.executed).toHaveLength(callers.size);
    expect(r.output).toContain("Layout: _VF_TARGET_VERIFIED_DRIVER_DATA from built-in layout Win10 2004-22H2 x64 (layouts.md §4)");
    expect(r.output).toContain("drv!MyAlloc+0x21 made 300 of 305 allocations: probably an allocation wrapper.");
    // The pool-log command names a real allocation made through the wrapper, ready to copy.
    const first = allocations.find((a) => a.tag === "DrvA")!.address.toString(16).padStart(16, "0");
    expect(r.output).toContain("(e.g. !verifier 0x80 " + first.slice(0, 8) + "`" + first.slice(8) + ")");
    expect(r.output).toContain("Grouping shown: by call site and by caller function (symbol without offset).");
    expect(r.output).not.toContain("The verifier's counters say");
    expect(r.output).toMatch(/Through drv!MyAlloc\+0x21, by the tag its callers passed \(largest first\):\n.*\n.*\n\s+6,400\s+100\s+DrvC\n\s+4,800\s+100\s+DrvB\n\s+3,200\s+100\s+DrvA\n/);
    // By caller function, the wrapper's two call sites add up; largest first.
    const byFunction = r.output.split("By caller function (largest first):")[1].split("\n").slice(3, 5).map((l) => l.trim().split(/\s+/));
    const wrapperBytes = allocations.filter((a) => a.caller !== BigInt(0) && !/Init/.test(a.tag)).reduce((n, a) => n + a.size, 0);
    expect(byFunction).toEqual([[wrapperBytes.toLocaleString("en-US"), "304", "drv!MyAlloc"], ["4,096", "1", "drv!Init"]]);
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
    const records = r.value as Record<string, unknown>[];
    expect(r.output).not.toContain("counters say");
    expect(records.map((x) => [hex(x.Address), x.Size, x.Tag])).toEqual(allocations.map((a) => [a.address.toString(16), (a.size + 3) & ~3, a.tag]));
  });

  test("with the verifier types in the symbols, the layout says so", () => {
    const { b } = wrapperScene({ build: BUILDS.win11_22h2, pointerSize: 8, throughWrapper: 20, withTypes: true });
    const out = DebuggerSession.load(b.target).run("!unloadleaks").output;
    expect(out).toContain("Layout: _VF_TARGET_VERIFIED_DRIVER_DATA from symbols (nt!_VF_TARGET_VERIFIED_DRIVER_DATA); _VI_POOL_ENTRY_INUSE from symbols (nt!_VI_POOL_ENTRY_INUSE).");
    expect(out).toContain("25 outstanding allocation(s) of drv.sys");
  });

  test("live session: !unloadleaks \"drv.sys\" lists the same allocations before the unload", () => {
    const { b, allocations } = wrapperScene({ build: BUILDS.win10_22h2, pointerSize: 8, throughWrapper: 50, bugcheck: false });
    b.target.onCommand("!verifier 3 drv.sys", verifierText("drv.sys", allocations, 8));
    const s = DebuggerSession.load(b.target);
    const r = s.run('dx @$unloadleaks("drv.sys")');
    const records = r.value as Record<string, unknown>[];
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
    expect(r.output).toContain("88 caller address(es) beyond the first 512 distinct ones were not symbolized");
    const records = r.value as Record<string, unknown>[];
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
      const n = (r.result.value as unknown[]).length;
      expect(n).toBeLessThan(405);
      expect(r.result.output).toMatch(/Arg4 says 405 allocation\(s\) were not freed; \d+ are listed\./);
    }
  });

  test("an unreadable Arg2 name: said, and the list still comes from Arg3", () => {
    const b = seed002Target();
    b.memory.unmap(SEED002.arg2, 0x10);
    const r = DebuggerSession.load(b.target).run("dx @$unloadleaks()");
    expect(r.output).toMatch(/The driver name \(Arg2\) could not be read: driver name \(Arg2\) at fffffa80`059c5c88 .* is unreadable\./);
    expect((r.value as unknown[]).length).toBe(1);
  });
});

describe("!unloadleaks with a driver name on a 0xC4/0x62 dump", () => {
  test("the bugcheck's own driver (any case): read from the structures, no !verifier command", () => {
    const s = DebuggerSession.load(seed002Target({ verifierText: true }).target);
    const r = s.run('dx @$unloadleaks("TEST.SYS")');
    expect((r.value as unknown[]).length).toBe(1);
    expect(r.output).toContain("Walked 1 verifier tracking page(s)");
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
    const b = seed002Target({ build: 9600, verifierText: true });
    b.memory.write(SEED002.arg2, Uint8Array.from({ length: 2000 }, (_, i) => (i % 2 ? 0 : 0x41))); // "AAAA..." in UTF-16, no NUL
    const s = DebuggerSession.load(b.target);
    const out = s.run("!unloadleaks").output;
    expect(out).toContain("The driver name (Arg2) has no end within 512 characters; it is cut there.");
    expect(out).toContain('Refused the driver name read from Arg2 "' + "A".repeat(40) + '..."');
    expect(out).toContain("(from nt!KiBugCheckData): " + "A".repeat(40) + "... was unloaded");
    expect(s.control.executed).toEqual([]);
  });
});
