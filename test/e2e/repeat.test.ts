// The runner's rule for every report command (src/core/repeat.ts): `dx @$name(...)` after `!name` does not print
// the same report twice; anything that differs, refusals and commands that change state are printed every time.
import { DebuggerSession } from "../emulator/session";
import { storeExceptionScene } from "../targets/bugcheck";
import { userTarget, BUILDS } from "../targets/builder";

describe("identical reports within two minutes are one line", () => {
  test("!crashtriage then dx @$crashtriage().Verdict: one line, the value read afresh", () => {
    const s = DebuggerSession.load(storeExceptionScene().target);
    expect(s.run("!crashtriage").output.split("\n")[0]).toMatch(/^In-page I\/O error/);
    const again = s.run("dx @$crashtriage().Verdict");
    expect(again.output.split("\n")[0]).toBe("(!crashtriage: the same report as the previous one, not printed again; the result below was read just now.)");
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
    expect(s.run('dx @$findimporter("ExAllocatePool").Count()').output).toMatch(/^\(!findimporter "ExAllocatePool": the same report/);
  });
});
