// !heapleaks over 147,680 busy allocations in 59.4 MB of committed NT heap (Win10 22H2 x64, +ust): four heaps, each with LFH
// subsegments of small objects and backend blocks of a few KB in 16 MB segments, 200 distinct allocation stacks.
// Laid out by test/targets/nt-heap.ts (research layouts); images and symbols by test/targets/heap-process.ts.
import { BenchScenario } from "../scenario";
import { BUILDS } from "../../test/targets/builder";
import { HeapProcess } from "../../test/targets/heap-process";
import { EmulatedTarget } from "../../test/emulator/target";

const HEAPS = 4;
const SEGMENT = 0x1000000;
/** Per heap: LFH subsegments of LFH_BLOCKS slots, and backend blocks. */
const SUBSEGMENTS = 120;
const LFH_BLOCKS = 256;
const BACKEND = 8000;
const STACKS = 200;
const DEPTH = 12;

/** What the floor counts: the committed ranges holding the blocks' headers, and the small reads that must happen. */
interface Layout {
  target: EmulatedTarget;
  committed: number[];
}

let last: Layout | null = null;

function layout(): Layout {
  const hp = new HeapProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, symbols: true, image: "server.exe", images: [{ file: "server.exe", size: 0x200000 }, { file: "ucrtbase.dll", size: 0x100000 }] });
  const p = hp.p;
  const stacks: bigint[] = [];
  const alloc = [hp.frame({ name: "ntdll!RtlAllocateHeap" }, 0x39f00, 0x3e), hp.frame({ name: "ucrtbase!_malloc_base" }, 0x1f200, 0x36)];
  for (let s = 0; s < STACKS; s++) {
    const frames = alloc.slice();
    for (let d = 0; d < DEPTH - 2; d++) frames.push(hp.frame({ name: "server!Function" + ((s * 7 + d * 13) % 400) }, 0x1000 + ((s * 7 + d * 13) % 400) * 0x200, 0x10 + d * 4));
    stacks.push(p.traceRecord(frames));
  }
  const vtables = [hp.vtable("server", "CRequest", 0x150000), hp.vtable("server", "CSession", 0x150100), hp.vtable("server", "CBuffer", 0x150200)];
  for (let h = 0; h < HEAPS; h++) {
    const heap = p.heap({ reserve: SEGMENT });
    for (let s = 0; s < SUBSEGMENTS; s++) {
      if (s === SUBSEGMENTS / 2) heap.addSegment(SEGMENT);
      const request = 0x18 + ((s * 5) % 12) * 0x10;
      heap.lfh(request, LFH_BLOCKS, { busy: (i) => i % 17 !== 3, trace: (i) => stacks[(s * 31 + i) % STACKS], firstPointer: (i) => vtables[(s + i) % 3] });
    }
    for (let i = 0; i < BACKEND; i++) {
      if (i === BACKEND / 2) heap.addSegment(SEGMENT);
      heap.alloc(0x300 + ((i * 37) % 16) * 0x40, { trace: stacks[(i * 13 + h) % STACKS], firstPointer: i % 4 === 0 ? vtables[i % 3] : undefined });
    }
  }
  const target = hp.finish();
  last = { target, committed: committedRanges(hp) };
  return last;
}

/** Each segment's committed bytes: from its base to its first uncommitted range (the builder commits up to there). */
function committedRanges(hp: HeapProcess): number[] {
  const out: number[] = [];
  for (const heap of hp.p.ntHeaps) {
    for (const seg of heap.segments) {
      const firstUcr = seg.ucrs.length ? Math.min(...seg.ucrs.map((u) => u[0])) : seg.reserve;
      out.push(firstUcr);
    }
  }
  return out;
}

export const scenario: BenchScenario = {
  name: "!heapleaks",
  target: "Win10 22H2 x64 process, +ust, " + HEAPS + " NT heaps (LFH + backend), 147,680 busy blocks (50.4 MB requested) in 59.4 MB of committed segments, " + STACKS + " stacks",
  build: () => layout().target,
  commands: ["!heapleaks"],
  // The committed segment ranges that hold every listed block's header (the LFH UserBlocks are inside them), read
  // once each; plus what must be read besides: the PEB's heap fields, the heap array, and the stack records of the
  // 20 groups the report shows (0x10 + 12 frames each).
  floor: () => {
    const l = last || layout();
    const ranges = l.committed.slice();
    ranges.push(0xf8 - 0xbc, HEAPS * 8);
    for (let i = 0; i < 20; i++) ranges.push(0x10 + DEPTH * 8);
    return { ranges };
  },
};
