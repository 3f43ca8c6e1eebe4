// !poolallocs on a kernel with 200 MB of small pool: 40,000 one-page LFH subsegments (0x200-byte blocks) and 640
// VS subsegments of 64 KB, in ~200 page segments of three heaps; one block in 50 is tagged 'Leak', so the tag is
// spread over every subsegment and the walk that stops at the tracker's count still reads them all (the worst case).
// Naive: the page-by-page scan !poolfind does, over every page of every page segment.
import { BenchScenario } from "../scenario";
import { EmulatedTarget } from "../../test/emulator/target";
import { HostControl } from "../../test/emulator/host";
import { SegmentHeapBuilder, HEAP_INDEX, BlockSpec } from "../../test/targets/segment-heap";

const LFH_SUBSEGMENTS = 40000;
const LFH_BLOCK = 0x200;
const VS_SUBSEGMENTS = 640;
const EVERY = 50;

let built: SegmentHeapBuilder | null = null;

function build(): EmulatedTarget {
  const s = new SegmentHeapBuilder({ build: 19041, seed: 77, dump: true });
  const perPage = Math.floor((0x1000 - 0x40) / LFH_BLOCK);
  let n = 0;
  const spec = (bytes: number): BlockSpec => ({ tag: n++ % EVERY === 0 ? "Leak" : "Othr", bytes, busy: true });
  // Three heaps: nonpaged and NX get the LFH buckets, paged gets part of it too.
  const heaps = [HEAP_INDEX.NonPaged, HEAP_INDEX.NonPagedNx, HEAP_INDEX.Paged];
  const lfhPerHeap = LFH_SUBSEGMENTS / heaps.length;
  for (const heap of heaps) {
    const specs: BlockSpec[] = [];
    for (let i = 0; i < Math.round(lfhPerHeap) * perPage; i++) specs.push(spec(LFH_BLOCK - 16));
    s.lfh(heap, specs);
  }
  const vs: BlockSpec[] = [];
  for (let i = 0; i < VS_SUBSEGMENTS * 31; i++) vs.push(spec(0x7e0));
  s.vs(HEAP_INDEX.NonPaged, vs);
  s.trackTag("Leak");
  s.trackTag("Othr");
  s.finish();
  built = s;
  return s.target;
}

const ptr = (c: HostControl, a: bigint) => c.int64.fromBig(a);
type Mem = { readMemoryValues(l: unknown, n: number, s: number): unknown };

export const scenario: BenchScenario = {
  name: '!poolallocs "Leak"',
  target: "Win10 2004 x64 dump, 200 MB of small pool: 40,000 LFH + 640 VS subsegments, 1 block in 50 tagged 'Leak'",
  build,
  commands: ['!poolallocs "Leak"'],
  // !poolfind: every page of pool, one read each (the segment list gives the pages; a real scan reads more).
  naive(control, target) {
    const mem = (control.host as unknown as { memory: Mem }).memory;
    const s = built!;
    for (const list of s.segments) {
      for (const segment of list) {
        for (let off = 0; off < 0x100000; off += 0x1000) {
          try {
            mem.readMemoryValues(ptr(control, segment + BigInt(off)), 0x1000, 1);
          } catch (e) {
            // a free or decommitted page
          }
        }
      }
    }
    void target;
  },
  // The tracker tables and the big page table once, the heaps' contexts, each page segment's descriptor array, and
  // every subsegment that holds a live 'Leak' block (here: all of them), each in one read.
  floor: () => {
    const s = built!;
    const ranges: number[] = [2 * 256 * 0x38, 256 * 0x18, 16, 32];
    for (let h = 0; h < 3; h++) ranges.push(2 * 192);
    for (const list of s.segments) for (let i = 0; i < list.length; i++) ranges.push(0x2000);
    const withLeak = new Set<bigint>();
    for (const p of s.placed) {
      if (p.tag !== "Leak" || !p.busy) continue;
      const sub = s.subsegments.find((x) => p.header >= x.address && p.header < x.address + BigInt(x.size));
      if (sub) withLeak.add(sub.address);
    }
    for (const sub of s.subsegments) if (withLeak.has(sub.address)) ranges.push(sub.size);
    return { ranges };
  },
};
