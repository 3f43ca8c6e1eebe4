// !poolallocs on a kernel with 200 MB of small pool: 40,000 one-page LFH subsegments (0x200-byte blocks) and 640
// VS subsegments of 64 KB, in ~200 page segments of three heaps. Two placements of the tag:
//  - spread: one block in 50 is tagged 'Leak', so the tag is in every subsegment and the walk that stops at the
//    tracker's count still reads them all (the worst case);
//  - concentrated (poolallocs-concentrated.ts): the 'Leak' blocks fill the first subsegments of the first heap walked
//    (a driver that allocated them in a burst), so the early stop reads a small share of the pool.
// Naive: the page-by-page scan !poolfind does, over every page of every page segment.
// Floor: what any walker must read without knowing where the tag is: the tracker and big page tables, the heaps'
// contexts, each page segment's descriptor array, and every page that holds a busy block's pool header (of any tag:
// the tag is in the header), each page once, adjacent pages in one read. It does not know which subsegments hold the
// tag, so the concentrated case's early stop can read less than it.
import { BenchScenario } from "../scenario";
import { EmulatedTarget } from "../../test/emulator/target";
import { HostControl } from "../../test/emulator/host";
import { SegmentHeapBuilder, HEAP_INDEX, BlockSpec } from "../../test/targets/segment-heap";

const LFH_SUBSEGMENTS = 40000;
const LFH_BLOCK = 0x200;
const VS_SUBSEGMENTS = 640;
const EVERY = 50;
/** Concentrated: as many 'Leak' blocks as the spread case has, all at the start of the first heap. */
const CONCENTRATED_LEAKS = Math.round((LFH_SUBSEGMENTS * 7 + VS_SUBSEGMENTS * 31) / EVERY);

export type Placement = "spread" | "concentrated";

function build(placement: Placement): SegmentHeapBuilder {
  const s = new SegmentHeapBuilder({ build: 19041, seed: 77, dump: true });
  const perPage = Math.floor((0x1000 - 0x40) / LFH_BLOCK);
  let n = 0;
  const spec = (bytes: number): BlockSpec => ({ tag: (placement === "spread" ? n % EVERY === 0 : n < CONCENTRATED_LEAKS) ? "Leak" : "Othr", bytes, busy: true });
  // Three heaps: nonpaged and NX get the LFH buckets, paged gets part of it too.
  const heaps = [HEAP_INDEX.NonPaged, HEAP_INDEX.NonPagedNx, HEAP_INDEX.Paged];
  const lfhPerHeap = LFH_SUBSEGMENTS / heaps.length;
  for (const heap of heaps) {
    const specs: BlockSpec[] = [];
    for (let i = 0; i < Math.round(lfhPerHeap) * perPage; i++) {
      specs.push(spec(LFH_BLOCK - 16));
      n++;
    }
    s.lfh(heap, specs);
  }
  const vs: BlockSpec[] = [];
  for (let i = 0; i < VS_SUBSEGMENTS * 31; i++) {
    vs.push(spec(0x7e0));
    n++;
  }
  s.vs(HEAP_INDEX.NonPaged, vs);
  s.trackTag("Leak");
  s.trackTag("Othr");
  s.finish();
  return s;
}

const ptr = (c: HostControl, a: bigint) => c.int64.fromBig(a);
type Mem = { readMemoryValues(l: unknown, n: number, s: number): unknown };

/** The scenario for one placement; the builder is kept for naive() and floor(), which run after build(). */
export function poolallocsScenario(placement: Placement, name: string, target: string, command = '!poolallocs "Leak"'): BenchScenario {
  let built: SegmentHeapBuilder | null = null;
  return {
    name,
    target,
    build(): EmulatedTarget {
      built = build(placement);
      return built.target;
    },
    commands: [command],
    // !poolfind: every page of pool, one read each (the segment list gives the pages; a real scan reads more).
    naive(control) {
      const mem = (control.host as unknown as { memory: Mem }).memory;
      for (const list of built!.segments) {
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
    },
    floor: () => ({ ranges: floorRanges(built!) }),
  };
}

/** The floor's reads: the tables and metadata, then the pages holding a busy block's pool header, adjacent ones joined. */
export function floorRanges(s: SegmentHeapBuilder): number[] {
  // Tracker (256 entries x 0x38 bytes on 2 processors), big page table (256 x 0x18), the keys, ExPoolState's heaps.
  const ranges: number[] = [2 * 256 * 0x38, 256 * 0x18, 16, 32];
  for (let h = 0; h < s.heaps.length; h++) ranges.push(2 * 192);
  for (const list of s.segments) for (let i = 0; i < list.length; i++) ranges.push(0x2000);
  const pages = new Set<bigint>();
  for (const p of s.placed) if (p.busy) pages.add(p.header >> 12n);
  const sorted = Array.from(pages).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let run = 0;
  for (let i = 0; i < sorted.length; i++) {
    run++;
    if (i + 1 === sorted.length || sorted[i + 1] !== sorted[i] + 1n) {
      ranges.push(run * 0x1000);
      run = 0;
    }
  }
  return ranges;
}

export const scenario = poolallocsScenario("spread", '!poolallocs "Leak"', "Win10 2004 x64 dump, 200 MB of small pool: 40,000 LFH + 640 VS subsegments, 1 block in 50 tagged 'Leak' (spread over every subsegment)");
