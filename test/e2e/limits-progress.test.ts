// Issue 9, "long work is bounded and visible": on the bench's large targets (built from real layouts), every long
// command prints progress through the debugger log, and every work limit can be raised with !ltlimits, end to end.
import { DebuggerSession } from "../emulator/session";
import { scenario as leaktagImages } from "../../bench/scenarios/leaktag";
import { scenario as findimporterModules } from "../../bench/scenarios/findimporter";
import { scenario as virtblocksHeaps } from "../../bench/scenarios/virtblocks";
import { scenario as unloadleaksAllocations } from "../../bench/scenarios/unloadleaks";
import { kernelTarget, BUILDS } from "../targets/builder";

const progressLines = (output: string, label: string) => output.split("\n").filter((l) => l.startsWith(label + ": "));
const percents = (lines: string[]) => lines.map((l) => Number(/: (\d+)%/.exec(l)![1]));

describe("long commands print progress every 10% on large targets", () => {
  test('!leaktag "Leak" over 150 MB of images', () => {
    const r = DebuggerSession.load(leaktagImages.build()).run('!leaktag "Leak"');
    const lines = progressLines(r.output, "Searching images for 'Leak'");
    expect(percents(lines)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(lines[0]).toBe("Searching images for 'Leak': 10% (16 of 159 MB)");
    // Progress comes before the result it announces.
    expect(r.output.indexOf(lines[0])).toBeLessThan(r.output.indexOf("Owners"));
  });

  test('!findimporter "ExAllocatePool" over 251 modules (250 drivers and nt)', () => {
    const r = DebuggerSession.load(findimporterModules.build()).run('!findimporter "ExAllocatePool"');
    const lines = progressLines(r.output, "Examining modules");
    expect(lines[0]).toBe("Examining modules: 10% (26 of 251 modules)");
    expect(percents(lines)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });

  test("!virtblocks over 5,000 blocks in 8 heaps", () => {
    const r = DebuggerSession.load(virtblocksHeaps.build()).run("!virtblocks");
    const lines = progressLines(r.output, "Walking heaps");
    expect(lines.length).toBe(7);
    for (const l of lines) expect(l).toMatch(/^Walking heaps: \d+% \(\d of 8 heaps, \d+ blocks\)$/);
    expect(percents(lines)).toEqual([...percents(lines)].sort((a, b) => a - b));
  });

  test("!unloadleaks over 10,000 allocations", () => {
    const r = DebuggerSession.load(unloadleaksAllocations.build()).run("!unloadleaks");
    const lines = progressLines(r.output, "Symbolizing callers");
    expect(lines[0]).toBe("Symbolizing callers: 10% (1000 of 10000 allocations)");
    expect(percents(lines)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
  });

  test("a small target prints no progress", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    const r = DebuggerSession.load(b.target).run('!findimporter "ExAllocatePool"');
    expect(r.output).not.toMatch(/Examining modules:/);
  });
});

describe("!ltlimits shows the work limits and raises one for the session", () => {
  test("lists every limit with its value, default and reason", () => {
    const r = DebuggerSession.load(kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 }).target).run("!ltlimits");
    expect(r.output.split("\n")[0]).toBe("8 work limits, all at their defaults.");
    for (const name of ["maxModules", "maxBlocksPerHeap", "maxSymbolizedCallers", "maxAllocations"]) {
      expect(r.output).toMatch(new RegExp("^" + name + " +[0-9,]+ +[0-9,]+ ", "m"));
    }
    // Byte limits are sizes, shown as sizes are everywhere.
    expect(r.output).toMatch(/^maxSearchBytesPerImage +0x4000000 \(64\.0 MB\) +0x4000000 \(64\.0 MB\) /m);
    expect(r.output).toMatch(/^maxPoolBytesWalked +0x10000000 \(256 MB\) +0x10000000 \(256 MB\) /m);
    expect(r.output).toMatch(/^Next:\n  !ltlimits \("maxPoolBytesWalked", 0x20000000\) +!poolallocs "Tag" may read up to 0x20000000 \(512 MB\) of pool\n  !ltlimits "reset" +every limit back to its default$/m);
    expect((r.value as { Limits: { Name: string; Value: number }[] }).Limits.find((l) => l.Name === "maxModules")!.Value).toBe(4096);
  });

  test("!findimporter: a lowered maxModules cuts the search and says how to raise it; raising it again restores it", () => {
    const s = DebuggerSession.load(findimporterModules.build());
    expect(s.run('!ltlimits ("maxModules", 10)').output).toContain("maxModules: 4,096 -> 10 for this session");
    const cut = s.run('!findimporter "ExAllocatePool"');
    expect(cut.output).toContain('241 modules past the first 10 were not examined (maxModules; raise it with !ltlimits ("maxModules", 40)).');
    s.run('!ltlimits ("maxModules", 8192)');
    const full = s.run('!findimporter "ExAllocatePool"');
    expect(full.output).not.toContain("were not examined");
    expect((full.value as { Importers: unknown[] }).Importers.length).toBeGreaterThan((cut.value as { Importers: unknown[] }).Importers.length);
    s.run('!ltlimits "reset"');
    expect((s.run("!ltlimits").value as { Limits: { Name: string; Value: number }[] }).Limits.find((l) => l.Name === "maxModules")!.Value).toBe(4096);
  });

  test("!virtblocks: maxBlocksPerHeap stops a long list and names the limit; raised, the walk completes", () => {
    const s = DebuggerSession.load(virtblocksHeaps.build());
    const full = s.run("dx @$virtblocks().Blocks.Count()");
    s.run('!ltlimits ("maxBlocksPerHeap", 100)');
    const cut = s.run("!virtblocks");
    expect(cut.output).toMatch(/more than 100 entries \(maxBlocksPerHeap\); stopped at the link at .* \(raise it with !ltlimits \("maxBlocksPerHeap", 400\)\)/);
    expect(s.run("dx @$virtblocks().Blocks.Count()").value).toBe(800);
    s.run('!ltlimits ("maxBlocksPerHeap", 1000)');
    expect(s.run("dx @$virtblocks().Blocks.Count()").value).toBe(full.value);
  });

  test("!unloadleaks: maxSymbolizedCallers bounds the `u` commands", () => {
    const s = DebuggerSession.load(unloadleaksAllocations.build());
    s.run('!ltlimits ("maxSymbolizedCallers", 1)');
    const r = s.run("!unloadleaks");
    expect(r.output).toMatch(/caller address(es)? beyond the first 1 distinct ones were not symbolized .*maxSymbolizedCallers, raise it with !ltlimits \("maxSymbolizedCallers", 4\)/);
    expect(s.control.executed.filter((c) => c.startsWith("u ")).length).toBe(1);
  });

  test('!leaktag "Leak": maxSearchBytesPerImage leaves the rest of each image unsearched, and says so', () => {
    const s = DebuggerSession.load(leaktagImages.build());
    s.run('!ltlimits ("maxSearchBytesPerImage", 0x10000)');
    const r = s.run('!leaktag "Leak"');
    expect(r.output).toMatch(/beyond the 0x10000 \(64\.0 KB\) searched per image \(maxSearchBytesPerImage; raise it with !ltlimits \("maxSearchBytesPerImage", 0x40000\)\)/);
  });

  test.each([
    ['!ltlimits ("noSuchLimit", 5)', /^Usage: !ltlimits, .*no limit is called the string "noSuchLimit"/],
    ['!ltlimits ("maxModules", 0)', /^Usage: !ltlimits \("maxModules", value\) with a whole number from 1 to 65536; got the number 0\.$/],
    ['!ltlimits ("maxModules", 0x7fffffff)', /^Usage: .*from 1 to 65536; got the number 2147483647\.$/],
    ['!ltlimits ("maxModules", "many")', /^Usage: .*got the string "many"\.$/],
    ['!ltlimits ("maxModules", 0xffffffffffffffff)', /^Usage: .*got the 64-bit value/],
    ["!ltlimits 42", /^Usage: !ltlimits, .*no limit is called the number 42/],
    ['!ltlimits ("maxModules", 5, 6)', /^Usage: !ltlimits, .*too many arguments/],
  ])("%s gets one usage line and changes nothing", (line, expected) => {
    const s = DebuggerSession.load(kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 }).target);
    const r = s.run(line);
    expect(r.escaped).toBeNull();
    const printed = r.output.split("\n").filter((l) => l && !l.startsWith("@$"));
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(expected);
    expect((s.run("!ltlimits").value as { Limits: { Name: string; Value: number }[] }).Limits.find((l) => l.Name === "maxModules")!.Value).toBe(4096);
  });
});
