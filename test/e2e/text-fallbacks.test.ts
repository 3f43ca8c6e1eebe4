// Issue 13 item 4: the text fallbacks on real debugger output from other Windows versions (test/fixtures/, each
// file names its source). The bundle runs in the emulated host; the debugger's answer to the fallback command is the
// real text, verbatim.
import * as fs from "fs";
import * as path from "path";
import { DebuggerSession } from "../emulator/session";
import { seed000 } from "../targets/pool-scenes";
import { kernelTarget, BUILDS } from "../targets/builder";
import { writeBugCheck } from "../targets/verifier";
import { bugcheckTarget } from "../targets/bugcheck";

type Rec = Record<string, unknown>;

/** A fixture's output lines: the `# ` header and the blank line after it dropped, the text verbatim. */
function fixtureOutput(name: string): string[] {
  const lines = fs.readFileSync(path.join(__dirname, "../fixtures", name), "utf8").split("\n");
  const start = lines.findIndex((l) => !l.startsWith("# "));
  return lines.slice(start + 1);
}

describe("!leaktag without tracker symbols: the !poolused layout is recognised by its header", () => {
  test("verbose layout (Windows 10/11): Used is taken as the bytes, not Frees, and the layout is named", () => {
    const p = seed000({ noTrackerSymbols: true });
    p.target.onCommand("!poolused 2", fixtureOutput("pool/poolused-win10-verbose.txt"));
    const r = DebuggerSession.load(p.target).run('!leaktag "ALPC"');
    expect(r.escaped).toBeNull();
    expect(r.output).toContain("parsed from !poolused 2 output, layout Tag Allocs Frees Diff Used Allocs Frees Diff Used");
    expect((r.value as Rec).Usage).toMatchObject({ Tag: "ALPC", NonPagedOutstanding: 2417, NonPagedBytes: 1440624, PagedBytes: 0 });
  });

  test("summary layout of a current debugger (tab, TOTAL line): the layout is named, the TOTAL line is no tag", () => {
    const p = seed000({ noTrackerSymbols: true });
    p.target.onCommand("!poolused 2", fixtureOutput("pool/poolused-win10-wfpsampler.txt"));
    const r = DebuggerSession.load(p.target).run("!leaktag");
    expect(r.escaped).toBeNull();
    expect(r.output).toContain("layout Tag Allocs Used Allocs Used (outstanding allocations and bytes per pool, no frees)");
    expect((r.value as { Tags: Rec[] }).Tags.map((x) => x.Tag)).toEqual(["Fecf"]);
    expect(r.output).not.toMatch(/did not fit/);
  });

  test("a header of unknown columns: no figures, and the header is shown instead of a guess", () => {
    const p = seed000({ noTrackerSymbols: true });
    p.target.onCommand("!poolused 2", [" Sorting by NonPaged Pool Consumed", "", " Tag    Allocs     Used", "", " Leak      119 4991221760"]);
    const r = DebuggerSession.load(p.target).run("!leaktag");
    expect(r.escaped).toBeNull();
    expect(r.output).toContain("!poolused 2: layout not recognised: the header is `Tag    Allocs     Used`");
    expect(r.output).not.toContain("4,991,221,760");
  });
});

describe("!unloadleaks \"drv.sys\" on !verifier 3 text of other Windows versions", () => {
  test("Windows 7 x86, driver already unloaded: the caller's symbol !verifier printed is used, the closing line is no failed row", () => {
    const b = kernelTarget({ pointerSize: 4, build: BUILDS.win7sp1 });
    writeBugCheck(b, 0, [0n, 0n, 0n, 0n]);
    b.target.onCommand("!verifier 3 Sample.sys", fixtureOutput("verifier/verifier3-poolhittag-win7-x86.txt"));
    // The image is gone: WinDbg has no symbol and no bytes for the address (`??`).
    b.target.onCommand("u a05c1047 L1", ["a05c1047 ??              ???"]);
    const r = DebuggerSession.load(b.target).run('!unloadleaks "Sample.sys"');
    expect(r.escaped).toBeNull();
    expect(r.output).not.toMatch(/did not parse/);
    expect(r.output).toMatch(/86491d10\s+0x70\s+abcd\s+a05c1047\s+Sample!DriverEntry\+0x27/);
    const records = (r.value as { Allocations: Rec[] }).Allocations;
    expect(records.map((x) => [x.Tag, x.Size, x.CallerSymbol, x.CallerFunction])).toEqual([["abcd", 0x70, "Sample!DriverEntry+0x27", "Sample!DriverEntry"]]);
  });

  test("Windows 8.1 x86 (MODULE: line, ( np / p ) counts): three allocations with their symbols", () => {
    const b = kernelTarget({ pointerSize: 4, build: BUILDS.win81 });
    writeBugCheck(b, 0, [0n, 0n, 0n, 0n]);
    b.target.onCommand("!verifier 3 Mydriver.sys", fixtureOutput("verifier/verifier3-docs-win81-x86.txt"));
    const r = DebuggerSession.load(b.target).run('!unloadleaks "Mydriver.sys"');
    expect(r.escaped).toBeNull();
    const records = (r.value as { Allocations: Rec[] }).Allocations;
    expect(records.map((x) => [x.Tag, x.Size, x.CallerSymbol])).toEqual([
      ["VMdl", 0x20, "MyDriver!DeviceControlDispatch"],
      ["mdrv", 0x1008, "MyDriver!DeviceControlDispatch"],
      ["Vfwi", 0x30, "MyDriver!GetNecessaryObjects"],
    ]);
  });

  test("a loaded driver without symbols: module+offset, as WinDbg names it, not \"(no symbol)\"", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win7sp1 });
    writeBugCheck(b, 0, [0n, 0n, 0n, 0n]);
    b.target.addModule("\\SystemRoot\\system32\\DRIVERS\\videoprt.sys", 0xfffff88002c00000n, 0x80000);
    b.target.onCommand("!verifier 3 videoprt.sys", fixtureOutput("verifier/verifierf-docs-win7-x64.txt"));
    // No symbol: `u` prints the instruction without a header line (seed 002's format without its first line).
    b.target.onCommand(/^u fffff880`02c629(63|f7) L1$/, ["fffff880`02c62963 488bd8          mov     rbx,rax"]);
    b.target.onCommand("u fffff880`02c628f7 L1", ["fffff880`02c628f7 488bd8          mov     rbx,rax"]);
    const r = DebuggerSession.load(b.target).run('!unloadleaks "videoprt.sys"');
    expect(r.escaped).toBeNull();
    const records = (r.value as { Allocations: Rec[] }).Allocations;
    expect(records.map((x) => [x.Tag, x.CallerSymbol, x.CallerFunction])).toEqual([
      ["Vprt", "videoprt+0x62963", "videoprt+0x62963"],
      ["Vprt", "videoprt+0x62963", "videoprt+0x62963"],
      ["Vprt", "videoprt+0x628f7", "videoprt+0x628f7"],
    ]);
    expect(r.output).not.toContain("(no symbol)");
  });
});

describe("bugcheck triage: an address without a symbol is named module+offset", () => {
  // The command's current name; issue 14 renames it (update this line with it).
  const TRIAGE = "!crashtriage";
  test("0x50 in a driver without symbols: the faulting instruction and the verdict say myfault+0x1530", () => {
    const b = bugcheckTarget(0x50, [0xffffb4021234a000n, 0n, 0xfffff80727a91530n, 2n]);
    b.target.addModule("\\SystemRoot\\system32\\drivers\\myfault.sys", 0xfffff80727a90000n, 0x9000);
    // No symbol: `u` prints the instruction alone, without a header line.
    b.target.onCommand("u fffff807`27a91530 L1", ["fffff807`27a91530 8b03            mov     eax,dword ptr [rbx]"]);
    const out = DebuggerSession.load(b.target).run(TRIAGE).output;
    expect(out).toContain("Faulting instruction fffff807`27a91530: myfault+0x1530");
    expect(out.split("\n")[0]).toBe("A page fault in myfault.sys at myfault+0x1530, reading ffffb402`1234a000 (a kernel address outside every module: pool or another mapping).");
    expect(out).not.toContain("no symbol");
  });
});

describe("real !analyze -v of 0xC4/0x62 on three Windows versions: triage reads the same bugcheck the same way", () => {
  const TRIAGE = "!crashtriage";
  /** The bugcheck name and the Arguments block of `!analyze -v`, as the debugger prints them. */
  function analyzeArguments(lines: string[]): { name: string; code: number; args: { value: string; label: string }[] } {
    const title = lines.map((l) => /^([A-Z0-9_]+) \(([0-9a-f]+)\)\s*$/.exec(l)).filter((m) => m)[0]!;
    const args = lines.map((l) => /^Arg[1-4]: ([0-9a-f`]+), (.*)$/.exec(l)).filter((m): m is RegExpExecArray => m !== null).map((m) => ({ value: m[1], label: m[2] }));
    return { name: title[1], code: parseInt(title[2], 16), args };
  }
  const cases = [
    ["Windows 8.1 x86 (Microsoft's page)", "analyze/analyze-docs-win81-x86-c4-62.txt"],
    ["Windows 7 x86 (blog, the Sample.sys session)", "analyze/analyze-poolhittag-win7-x86-c4-62.txt"],
    ["Windows x64 (ebpf-for-windows #2197)", "analyze/analyze-ebpf2197-x64-c4-62.txt"],
  ];
  for (const [what, file] of cases) {
    test(what, () => {
      const a = analyzeArguments(fixtureOutput(file));
      expect(a.args).toHaveLength(4);
      const pointerSize = a.args[0].value.length > 8 ? 8 : 4;
      const b = bugcheckTarget(a.code, a.args.map((x) => BigInt("0x" + x.value)), { pointerSize });
      const out = DebuggerSession.load(b.target).run(TRIAGE).output;
      expect(out).toContain("Bugcheck 0x" + a.code.toString(16).toUpperCase() + " " + a.name);
      expect(out).toContain("Subcode 0x62");
      // Each argument's value, in the debugger's address form, with a label that says what !analyze says.
      const shown = (v: string) => (pointerSize === 8 ? v.slice(0, 8) + "`" + v.slice(8) : v);
      for (const x of a.args.slice(1)) expect(out).toContain(shown(x.value));
      expect(a.args[1].label).toMatch(/name of the driver/i);
      expect(out).toMatch(/Name of the driver/);
      expect(a.args[2].label).toMatch(/verifier internal structure/i);
      expect(out).toMatch(/Verifier internal structure/);
      expect(a.args[3].label).toMatch(/paged\+nonpaged/);
      expect(out).toMatch(/paged and nonpaged allocations not freed/);
      const count = parseInt(a.args[3].value, 16);
      expect(out.split("\n")[0]).toContain("A driver unloaded with " + count + " pool allocation" + (count === 1 ? "" : "s"));
      expect(out).toMatch(/\n  !unloadleaks +/);
    });
  }
});
