// The runner's rules for every report command: a report already printed is not printed twice (src/core/repeat.ts,
// keyed by the report's text), and a command marked keepsResult answers follow-ups from the result it kept while
// the target cannot have changed (src/core/result-cache.ts, stamp in src/host/runner.ts).
import * as vm from "vm";
import { DebuggerSession } from "../emulator/session";
import { storeExceptionScene } from "../targets/bugcheck";
import { userTarget, BUILDS } from "../targets/builder";
import { seed000 } from "../targets/pool-scenes";
import { seedTarget } from "../targets/virtblocks-seed";

describe("identical reports within two minutes are one line", () => {
  test("!crashtriage then dx @$crashtriage().Verdict: one line, the value read afresh", () => {
    const s = DebuggerSession.load(storeExceptionScene().target);
    expect(s.run("!crashtriage").output.split("\n")[0]).toMatch(/^In-page I\/O error/);
    const again = s.run("dx @$crashtriage().Verdict");
    expect(again.output.split("\n")[0]).toBe("(!crashtriage: the same report as above, not printed again; the result below was read just now.)");
    expect(again.output).not.toContain("Findings:");
    expect(String(again.value)).toContain("in-page I/O error");
  });

  test("a one-line refusal is printed every time", () => {
    const s = DebuggerSession.load(userTarget({ pointerSize: 8, build: BUILDS.win10_22h2 }).target);
    const first = s.run("!crashtriage").output;
    expect(first.split("\n")[0]).toMatch(/^No bugcheck: this user-mode session reports no exception/);
    expect(s.run("!crashtriage").output).toBe(first);
  });

  test("the line names the command with its arguments as the user types them", () => {
    const s = DebuggerSession.load(storeExceptionScene().target);
    s.run('!findimporter "ExAllocatePool"');
    expect(s.run('dx @$findimporter("ExAllocatePool").Importers.Count()').output).toMatch(/^\(!findimporter "ExAllocatePool": the same report as above/);
  });
});

describe("a report command's result is kept while the target cannot have changed", () => {
  test("on a dump a follow-up reads nothing: one line, the same records", () => {
    const s = DebuggerSession.load(seed000().target);
    const first = s.run('!leaktag "Leak"');
    expect(first.output).toContain("myfault");
    s.control.resetCounters();
    const again = s.run('dx @$leaktag("Leak").Owners.Where(o => o.Confidence == "high").Count()');
    expect(s.control.counters.readCalls).toBe(0);
    expect(again.output.split("\n")[0]).toBe(
      '(!leaktag "Leak": the same report as above, not printed again; the result kept from the earlier run (a dump cannot change); !leaktag ("Leak", "refresh") reads the target again.)',
    );
    expect(String(again.value)).toBe("1");
  });

  test('"refresh" walks the target again', () => {
    const s = DebuggerSession.load(seed000().target);
    s.run('!leaktag "Leak"');
    s.control.resetCounters();
    const again = s.run('!leaktag ("Leak", "refresh")');
    expect(s.control.counters.readCalls).toBeGreaterThan(10);
    expect(again.output).not.toContain("kept from the earlier run");
  });

  test("once the report has scrolled away, the kept report is printed again from memory, then the line", () => {
    const s = DebuggerSession.load(seed000().target);
    const first = s.run('!leaktag "Leak"').output;
    // Three minutes later by the debugger machine's clock: past the two-minute window of the repeat rule.
    vm.runInContext("(function () { var now = Date.now; Date.now = function () { return now() + 180000; }; })()", s.context);
    s.control.resetCounters();
    const again = s.run('!leaktag "Leak"').output;
    expect(s.control.counters.readCalls).toBe(0);
    expect(again.split("\n")[0]).toBe(first.split("\n")[0]);
    expect(again).toMatch(/\(!leaktag "Leak": the result kept from the earlier run \(a dump cannot change\)/);
  });

  test("a live kernel target: kept while broken in (one stamp read), walked again once it ran", () => {
    const scene = seed000({ dump: false });
    const s = DebuggerSession.load(scene.target);
    s.run('!leaktag "Leak"');
    s.control.resetCounters();
    const followUp = s.run('dx @$leaktag("Leak").Tags');
    expect(s.control.counters.readCalls).toBe(1); // KUSER_SHARED_DATA's clocks, nothing else
    expect(followUp.output).toContain("the target has not run since");
    scene.target.seconds += 5; // g, then a break-in: the clocks moved
    s.control.resetCounters();
    const ran = s.run('dx @$leaktag("Leak").Tags');
    expect(s.control.counters.readCalls).toBeGreaterThan(10);
    expect(ran.output).not.toContain("kept from the earlier run");
  });

  test("a command that changes the session (!pooltagfile) drops what was kept", () => {
    const s = DebuggerSession.load(seed000().target);
    s.run('!leaktag "Leak"');
    s.run("!ltlimits");
    s.control.resetCounters();
    s.run('dx @$leaktag("Leak").Tags');
    expect(s.control.counters.readCalls).toBeGreaterThan(10);
  });

  test("a live user-mode process: nothing is kept (its machine runs while it is stopped), the report is still one line", () => {
    const s = DebuggerSession.load(seedTarget().finish().target);
    s.run("!virtblocks 0x29fb0000");
    s.control.resetCounters();
    const again = s.run("dx @$virtblocks(0x29fb0000).Blocks.Count()");
    expect(s.control.counters.readCalls).toBeGreaterThan(100);
    expect(again.output.split("\n")[0]).toBe("(!virtblocks 0x29fb0000: the same report as above, not printed again; the result below was read just now.)");
    expect(again.value).toBe(189);
  });

  test("a user-mode dump keeps it: the follow-up reads nothing", () => {
    const s = DebuggerSession.load(seedTarget({ dump: "C:\\cases\\halcon.dmp" }).finish().target);
    s.run("!virtblocks 0x29fb0000");
    s.control.resetCounters();
    expect(s.run("dx @$virtblocks(0x29fb0000).Blocks.Count()").value).toBe(189);
    expect(s.control.counters.readCalls).toBe(0);
  });
});
