// The process walk under injected faults: each host read of a walk over a mixed process (NT heap with segments,
// UCRs, LFH, virtual blocks, +ust; a segment heap handle; a page heap) fails once, or comes back corrupted (every byte
// 0xff, every pointer slot pointing at itself, misaligned, or into a hole). Each run must end (the emulator stops
// a walk past a read budget), throw nothing, and name what it could not walk.
import { Target } from "../../../src/host/target";
import { walkProcessHeaps, isHeapWalkFailure } from "../../../src/heap/process-heaps";
import { installHost } from "../../support/host-global";
import { NtHeapProcess } from "../../targets/nt-heap";
import { BUILDS } from "../../targets/builder";
import { CorruptionMode } from "../../emulator/target";

function build(ps: 4 | 8) {
  const p = new NtHeapProcess({ pointerSize: ps, build: BUILDS.win10_22h2, ust: true });
  const t = p.traceRecord([0x40001000n]);
  const h = p.heap({ reserve: 0x40000 });
  for (let i = 0; i < 30; i++) h.alloc(0x30 + i * 8, { trace: t });
  h.lfh(0x40, 20, { trace: () => t });
  h.uncommitted(2);
  h.alloc(0x200, { trace: t });
  h.addSegment(0x20000);
  h.alloc(0x300, { trace: t });
  h.virtual(0x100000, { trace: t });
  p.heap().alloc(0x10);
  p.pageHeap([{ size: 0x30, trace: p.rtlStackTraceEntry([0x40001000n]) }, { size: 0x50 }]);
  p.finish();
  return { p, total: 30 + 20 + 3 + 1 + 2 };
}

/** Walks, and checks the walk stopped by itself (the emulator's budget turns reads past it into failures, which a
 *  walk that does not end would keep meeting). */
function walk(p: NtHeapProcess, budget: number) {
  p.b.target.maxReadCalls = budget;
  const control = installHost(p.b.target);
  const target = new Target();
  const r = walkProcessHeaps(target, { includeFree: true, readFirstPointer: true });
  expect(control.counters.readCalls).toBeLessThanOrEqual(budget);
  return { r, target };
}

describe.each([[8], [4]] as const)("x%i", (ps) => {
  const probe = build(ps);
  const control = installHost(probe.p.b.target);
  const clean = walkProcessHeaps(new Target(), { includeFree: true, readFirstPointer: true });
  const reads = control.counters.readCalls;

  test("the clean walk finds everything and names nothing", () => {
    if (isHeapWalkFailure(clean)) throw new Error(clean.message);
    expect(clean.blocks.length).toBe(probe.total);
    expect(clean.notWalked).toEqual([]);
  });

  test.each(Array.from({ length: reads }, (_, i) => [i + 1]))("read %i fails: no exception, what was not read is named", (n) => {
    const { p } = build(ps);
    p.b.target.failReadNumber = n;
    const { r, target } = walk(p, 4 * reads + 40);
    if (isHeapWalkFailure(r)) {
      expect(r.message).toMatch(/Could not read|PEB/);
      return;
    }
    if (isHeapWalkFailure(clean)) throw new Error(clean.message);
    // The loss shows: a part named as not walked, or a fact the host layer could not read (the build), or - for a
    // read whose bytes the walk had from another read - nothing lost at all.
    const key = (n: { part: string; reason: string }) => n.part + ": " + n.reason;
    const before = clean.notWalked.map(key);
    const named = r.notWalked.some((n) => before.indexOf(key(n)) < 0) || target.problems.length > 0;
    expect({ named, blocks: r.blocks.length }).toEqual(named ? { named, blocks: r.blocks.length } : { named, blocks: clean.blocks.length });
  });

  const modes: CorruptionMode[] = ["ones", "self", "misaligned", "unmapped"];
  test.each(modes.flatMap((m) => Array.from({ length: reads }, (_, i) => [m, i + 1] as [CorruptionMode, number])))("read %s #%i corrupted: the walk ends without an exception", (mode, n) => {
    const { p } = build(ps);
    p.b.target.corruptRead = { number: n, mode };
    expect(() => walk(p, 4 * reads + 40)).not.toThrow();
  });
});
