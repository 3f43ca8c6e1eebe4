import { DebuggerSession } from "../emulator/session";
import { leakScene } from "../targets/segment-heap-scenes";
import { SLICE_BUILDS } from "../targets/segment-heap";

type Rec = Record<string, unknown>;

function addressOf(v: unknown): bigint {
  const o = v as { getHighPart(): number; getLowPart(): number };
  return (BigInt(o.getHighPart() >>> 0) << 32n) | BigInt(o.getLowPart() >>> 0);
}

function liveSet(records: Rec[]): string[] {
  return records.map((r) => addressOf(r.Address).toString(16) + " " + (r.Size as number).toString(16) + " " + r.Kind).sort();
}

describe("!poolallocs on segment-heap kernels laid out from real PDB layouts", () => {
  for (const build of SLICE_BUILDS) {
    for (const withTypes of [false, true]) {
      test(build + (withTypes ? " with types in the symbols" : " without types (built-in layout)") + ": exactly the live 'Leak' allocations", () => {
        const scene = leakScene({ build, withTypes, seed: build + (withTypes ? 7 : 0) });
        const r = DebuggerSession.load(scene.s.target).run('!poolallocs ("Leak", "all")');
        expect(r.escaped).toBeNull();
        const v = r.value as Rec;
        const records = v.Allocations as Rec[];
        const expected = scene.live.map((l) => l.address.toString(16) + " " + l.size.toString(16) + " " + l.kind).sort();
        expect(liveSet(records)).toEqual(expected);
        expect(r.output).toContain(withTypes ? "Segment heap layout: symbols" : "Segment heap layout: built-in layout");
        expect(r.output).not.toMatch(/stopped: .*bug/);
        // Every small block named leakdrv through its pointer into .data.
        const modules = v.Modules as Rec[];
        expect(modules[0].Module).toBe("leakdrv");
        expect(modules[0].Allocations).toBe(records.filter((x) => (x.Pointers as Rec[]).length > 0).length);
        expect(r.output).toMatch(/leakdrv\s+\d+\s+leakdrv\+0x/);
      });
    }
  }

  test("stops once the tracker's outstanding count is found, and says so", () => {
    const scene = leakScene({ build: 19041, seed: 3 });
    const r = DebuggerSession.load(scene.s.target).run('!poolallocs "Leak"');
    expect(r.escaped).toBeNull();
    expect(r.output).toContain("Stopped once the " + scene.live.length + " allocations the tracker counts as outstanding were found");
    expect(r.output).toContain('!poolallocs ("Leak", "all") walks every heap');
    expect(((r.value as Rec).Allocations as Rec[]).length).toBe(scene.live.length);
  });
});
