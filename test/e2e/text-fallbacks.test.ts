// Issue 13 item 4: the text fallbacks on real debugger output from other Windows versions (test/fixtures/, each
// file names its source). The bundle runs in the emulated host; the debugger's answer to the fallback command is the
// real text, verbatim.
import * as fs from "fs";
import * as path from "path";
import { DebuggerSession } from "../emulator/session";
import { seed000 } from "../targets/pool-scenes";

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
    expect((r.value as Rec).Usage).toMatchObject({ Tag: "ALPC", NonPagedAllocs: 2417, NonPagedBytes: 1440624, PagedBytes: 0 });
  });

  test("summary layout of a current debugger (tab, TOTAL line): the layout is named, the TOTAL line is no tag", () => {
    const p = seed000({ noTrackerSymbols: true });
    p.target.onCommand("!poolused 2", fixtureOutput("pool/poolused-win10-wfpsampler.txt"));
    const r = DebuggerSession.load(p.target).run("!leaktag");
    expect(r.escaped).toBeNull();
    expect(r.output).toContain("layout Tag Allocs Used Allocs Used (outstanding allocations and bytes per pool, no frees)");
    expect((r.value as Rec[]).map((x) => x.Tag)).toEqual(["Fecf"]);
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
