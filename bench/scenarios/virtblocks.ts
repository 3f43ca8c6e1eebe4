// !virtblocks over 5,000 virtual blocks in 8 heaps with +ust (40 distinct stacks of 12 frames).
import { BenchScenario } from "../scenario";
import { HeapTarget, BUILDS, heapLayout, virtualAllocEntryLayout, stackTraceLayouts } from "../../test/targets/heap";
import { pebLayout } from "../../test/targets/layouts";
import { HostControl } from "../../test/emulator/host";
import { EmulatedTarget } from "../../test/emulator/target";

const HEAPS = 8;
const BLOCKS = 5000;
const TRACES = 40;
const DEPTH = 12;
const BUILD = BUILDS.win10_22h2;

function build(): EmulatedTarget {
  const t = new HeapTarget({ pointerSize: 8, build: BUILD, ust: true });
  const ntdll = t.b.target.modules[0].base;
  const traces: bigint[] = [];
  for (let i = 0; i < TRACES; i++) {
    const frames: bigint[] = [];
    for (let d = 0; d < DEPTH; d++) frames.push(ntdll + BigInt(0x1000 + ((i * 31 + d * 7) % 200) * 0x40));
    traces.push(t.stackTrace(frames));
  }
  const heaps: bigint[] = [];
  for (let h = 0; h < HEAPS; h++) heaps.push(t.ntHeap({ encoded: true }));
  for (let i = 0; i < BLOCKS; i++) {
    t.virtualBlock(heaps[i % HEAPS], { userSize: 0x80000 + (i % 97) * 0x1000, trace: traces[(i * 7) % TRACES] });
  }
  return t.finish().target;
}

/** The way public scripts walk the list: one readMemoryValues per field, per frame, nothing cached. */
function naive(control: HostControl, target: EmulatedTarget): void {
  const mem = (control.host as unknown as { memory: { readMemoryValues(a: unknown, n: number, s: number): ArrayLike<unknown> } }).memory;
  const I = (a: bigint) => control.int64.fromBig(a);
  const big = (v: unknown) => BigInt("0x" + (v as { toString(r: number): string }).toString(16));
  const peb = pebLayout(8);
  const h = heapLayout(BUILD, 8);
  const e = virtualAllocEntryLayout(8);
  const st = stackTraceLayouts(8).entry;
  const pebAt = target.pebAddress!;
  const count = Number(mem.readMemoryValues(I(pebAt + BigInt(peb.NumberOfHeaps)), 1, 4)[0]);
  mem.readMemoryValues(I(pebAt + BigInt(peb.NtGlobalFlag)), 1, 4);
  const array = big(mem.readMemoryValues(I(pebAt + BigInt(peb.ProcessHeaps)), 1, 8)[0]);
  for (let i = 0; i < count; i++) {
    const heap = big(mem.readMemoryValues(I(array + BigInt(i * 8)), 1, 8)[0]);
    mem.readMemoryValues(I(heap + BigInt(h.SegmentSignature[0])), 1, 4);
    mem.readMemoryValues(I(heap + BigInt(h.EncodeFlagMask[0])), 1, 4);
    mem.readMemoryValues(I(heap + BigInt(h.Encoding[0]) + 8n), 1, 8);
    const head = heap + BigInt(h.VirtualAllocdBlocks[0]);
    let link = big(mem.readMemoryValues(I(head), 1, 8)[0]);
    while (link !== head) {
      mem.readMemoryValues(I(link + BigInt(e.CommitSize[0])), 1, 8);
      mem.readMemoryValues(I(link + BigInt(e.ReserveSize[0])), 1, 8);
      mem.readMemoryValues(I(link + BigInt(e.BusyBlock[0]) + 8n), 1, 8);
      const ust = big(mem.readMemoryValues(I(link + BigInt(e.size)), 1, 8)[0]);
      const depth = Number(mem.readMemoryValues(I(ust + BigInt(st.Depth)), 1, 2)[0]);
      for (let d = 0; d < depth; d++) mem.readMemoryValues(I(ust + BigInt(st.BackTrace + d * 8)), 1, 8);
      link = big(mem.readMemoryValues(I(link), 1, 8)[0]);
    }
  }
}

export const scenario: BenchScenario = {
  name: "!virtblocks",
  target: "Win10 22H2 x64 process, +ust, " + HEAPS + " heaps, " + BLOCKS + " virtual blocks, " + TRACES + " stacks",
  build,
  commands: ["!virtblocks"],
  naive,
  // PEB NtGlobalFlag..ProcessHeaps; the heap array; each heap's signature..SegmentList; each entry's header
  // and ust pointer; each distinct trace's header and frames.
  floor: () => {
    const ranges = [0xf8 - 0xbc, HEAPS * 8];
    for (let h = 0; h < HEAPS; h++) ranges.push(0x130 - 0x10);
    for (let i = 0; i < BLOCKS; i++) ranges.push(0x48);
    for (let i = 0; i < TRACES; i++) ranges.push(0x10 + DEPTH * 8);
    return { ranges };
  },
};
