import * as fs from "fs";
import * as vm from "vm";
import { DebuggerSession, BUNDLE_PATH } from "../emulator/session";
import { kernelTarget, userTarget, BUILDS } from "../targets/builder";
import { poolTrackerLayout } from "../targets/layouts";
import { expectGolden } from "../support/golden";
import { EmulatedTarget } from "../emulator/target";
import { createHost } from "../emulator/host";

describe("!leaktools", () => {
  test("lists every command with its version and the target's facts (golden)", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2, dump: "C:\\dumps\\MEMORY.DMP" });
    const r = DebuggerSession.load(b.target).run("!leaktools");
    expect(r.escaped).toBeNull();
    expectGolden("leaktools-kernel-dump", r.output);
  });

  test("says when a layout comes from the symbols and when from the built-in table", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    let out = DebuggerSession.load(b.target).run("!leaktools").output;
    expect(out).toContain("Target: kernel live session, 64-bit, Windows build 19045, 1 module loaded");
    expect(out).toContain("Pool tag tracker layout: _POOL_TRACKER_TABLE: not in the symbols (.reload /f nt to get them); using the built-in layout for Windows 10 1709-22H2 x64, checked against build 19041's PDB");
    b.pdbTypes("nt", ["_POOL_TRACKER_TABLE"]);
    out = DebuggerSession.load(b.target).run("!leaktools").output;
    expect(out).toContain("Pool tag tracker layout: _POOL_TRACKER_TABLE: from nt's symbols");
  });

  test("on a 32-bit user-mode process", () => {
    const b = userTarget({ pointerSize: 4, build: BUILDS.win7sp1 });
    const out = DebuggerSession.load(b.target).run("dx @$leaktools()").output;
    expect(out).toContain("Target: user-mode live session, 32-bit, Windows build 7601, 1 module loaded");
    expect(out).toContain("@$leaktools() : 14 commands");
  });
});

describe("loading the bundle as .scriptload does", () => {
  test("initialization reads nothing from the target: host.memory does not exist yet", () => {
    // A script that touches the target during initializeScript fails in the provider (phase 1, §1); ours loads.
    const target = new EmulatedTarget("kernel", 8);
    const context = vm.createContext({});
    const control = createHost(target, context);
    context.host = control.host;
    vm.runInContext(fs.readFileSync(BUNDLE_PATH, "utf8"), context);
    expect(control.host.memory).toBeUndefined();
    const records = (context.initializeScript as () => { __kind: string; name?: string }[])();
    expect(records[0].__kind).toBe("apiVersionSupport");
    expect(records.filter((r) => r.__kind === "functionAlias").map((r) => r.name)).toContain("leaktools");
    expect(control.counters.hostCalls).toBe(0);
  });

  test("an unknown alias and a dx syntax error are answered as the debugger does", () => {
    const s = DebuggerSession.load(new EmulatedTarget("kernel", 8));
    expect(s.run("!nosuch").output).toBe("No export nosuch found\n");
    expect(s.run('!leaktools "unterminated').output).toMatch(/^Error: Unterminated/);
  });
});
