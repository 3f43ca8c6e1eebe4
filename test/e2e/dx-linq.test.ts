import { DebuggerSession } from "../emulator/session";
import { kernelTarget, BUILDS } from "../targets/builder";

// The dx follow-ups the samples show, replayed on the real bundle through the emulator's dx evaluator.
describe("dx expressions over the real bundle", () => {
  const load = () => DebuggerSession.load(kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 }).target);

  test("dx @$leaktools().Commands.Count() counts the records the command returns", () => {
    const s = load();
    const all = (s.run("dx @$leaktools()").value as { Commands: unknown[] }).Commands;
    const r = s.run("dx @$leaktools().Commands.Count()");
    expect(r.escaped).toBeNull();
    expect(r.output.endsWith("@$leaktools().Commands.Count() : 0x" + all.length.toString(16) + "\n")).toBe(true);
    expect(s.run("dx @$leaktools().Commands.Count(),d").output.endsWith("@$leaktools().Commands.Count() : " + all.length + "\n")).toBe(true);
  });

  test("dx -g @$leaktools() prints a grid: a row per command, a column per property", () => {
    const r = load().run("dx -g @$leaktools().Commands");
    expect(r.escaped).toBeNull();
    const lines = r.output.split("\n");
    const start = lines.indexOf("@$leaktools().Commands");
    expect(start).toBeGreaterThanOrEqual(0);
    expect(lines[start + 2]).toMatch(/^=\s+= Name\s+= Usage\s+= Summary\s+=$/);
    const rows = lines.slice(start).filter((l) => /^= \[0x/.test(l));
    expect(rows.length).toBe((r.value as unknown[]).length);
    expect(rows[0]).toMatch(/^= \[0x0\] - "leaktools"\s+- "!leaktools \[/);
  });

  test("LINQ over the records: Where, Select, First", () => {
    const s = load();
    expect(s.run('dx @$leaktools().Commands.Where(c => c.Name == "leaktools").Select(c => c.Usage)').value).toEqual(['!leaktools ["command"]']);
    expect(s.run('dx @$leaktools().Commands.First(c => c.Name.StartsWith("leak")).Name').output).toMatch(/@\$leaktools\(\)\.Commands\.First\(c => c\.Name\.StartsWith\("leak"\)\)\.Name : "leaktools"\n$/);
    expect(s.run("dx @$leaktools().Commands.Where(c => c.Nope)").output).toMatch(/Error: Unable to bind name 'Nope'\n$/);
  });
});
