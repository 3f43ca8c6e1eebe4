// Scenes whose symbols carry every type the commands look up (src/layouts/*: what resolveLayout is asked for), so
// that the fault suite can remove each type in turn (issue 9, "missing or wrong symbols"). The sample scenes mostly
// have no types (the seeds' dumps lacked them), which left the missing-type class with nothing to remove.
// Types are laid out from test/targets (layouts.md transcriptions), never from src/layouts.
import { EmulatedTarget } from "../emulator/target";
import { TargetBuilder, kernelTarget, BUILDS } from "../targets/builder";
import { seed000 } from "../targets/pool-scenes";
import { poolTrackerLayout, bigPagesLayout } from "../targets/layouts";
import { HeapTarget } from "../targets/heap";
import { wrapperScene, writeBugCheck } from "../targets/verifier";
import { leakScene } from "../targets/segment-heap-scenes";
import { leakingProcess } from "../targets/heap-process";
import { storeExceptionScene, poolBlock, EXR64, CONTEXT64, POOL_HEADER64, DUMP } from "../targets/bugcheck";

/** Every type a command asks for, by module (as `dt module!type` names it). The suite checks each scene's list. */
export const TYPES_USED: { [alias: string]: string[] } = {
  leaktag: ["nt!_POOL_TRACKER_TABLE", "nt!_POOL_TRACKER_BIG_PAGES"],
  pooltags: ["nt!_POOL_TRACKER_TABLE"],
  leaks: ["nt!_POOL_TRACKER_TABLE"],
  leaktools: ["nt!_POOL_TRACKER_TABLE"],
  virtblocks: ["ntdll!_HEAP", "ntdll!_HEAP_VIRTUAL_ALLOC_ENTRY", "ntdll!_SEGMENT_HEAP"],
  virtstacks: ["ntdll!_HEAP", "ntdll!_HEAP_VIRTUAL_ALLOC_ENTRY", "ntdll!_SEGMENT_HEAP"],
  unloadleaks: ["nt!_VF_TARGET_VERIFIED_DRIVER_DATA", "nt!_VI_POOL_ENTRY_INUSE"],
  // User mode: the process heap walk of issue 20 (ntdll types) finds the block a faulting address falls in.
  crashtriage: ["nt!_EXCEPTION_POINTERS", "nt!_EXCEPTION_RECORD", "nt!_CONTEXT", "nt!_POOL_HEADER", "ntdll!_HEAP", "ntdll!_HEAP_VIRTUAL_ALLOC_ENTRY", "ntdll!_HEAP_USERDATA_HEADER", "ntdll!_HEAP_SUBSEGMENT"],
  heapleaks: ["ntdll!_HEAP", "ntdll!_HEAP_VIRTUAL_ALLOC_ENTRY", "ntdll!_HEAP_USERDATA_HEADER", "ntdll!_HEAP_SUBSEGMENT"],
  heapblocks: ["ntdll!_HEAP", "ntdll!_HEAP_VIRTUAL_ALLOC_ENTRY", "ntdll!_HEAP_USERDATA_HEADER", "ntdll!_HEAP_SUBSEGMENT"],
  poolallocs: [
    "nt!_EX_POOL_HEAP_MANAGER_STATE", "nt!_EX_HEAP_POOL_NODE", "nt!_RTLP_HP_HEAP_GLOBALS", "nt!_SEGMENT_HEAP", "nt!_HEAP_SEG_CONTEXT",
    "nt!_HEAP_PAGE_SEGMENT", "nt!_HEAP_PAGE_RANGE_DESCRIPTOR", "nt!_HEAP_VS_SUBSEGMENT", "nt!_HEAP_VS_CHUNK_HEADER", "nt!_HEAP_LFH_SUBSEGMENT", "nt!_POOL_HEADER",
  ],
};

export interface TypedScene {
  id: string;
  build: () => EmulatedTarget;
  commands: string[];
}

/** nt's pool tracking types on seed 000 (Win10 22H2 x64): the PDB's where the data set has the build, else §2.2 and
 *  §2.3 of layouts.md via test/targets/layouts. */
function poolTypes(b: TargetBuilder): void {
  if (b.hasPdbTypes) return b.pdbTypes("nt", ["_POOL_TRACKER_TABLE", "_POOL_TRACKER_BIG_PAGES"]);
  const big = bigPagesLayout(b.build, b.pointerSize);
  b.typeFromLayout("nt", "_POOL_TRACKER_TABLE", poolTrackerLayout(b.build, b.pointerSize) as unknown as Record<string, unknown>);
  b.typeFromLayout("nt", "_POOL_TRACKER_BIG_PAGES", { size: big.size, Va: big.Va, Key: [big.Key, 4], PoolType: [big.PoolType, 4], NumberOfBytes: big.NumberOfBytes });
}

/** A Win10 22H2 x64 process with +ust: an encoded NT heap with three virtual blocks and a segment heap. */
function typedProcess(): EmulatedTarget {
  const t = new HeapTarget({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, heapTypes: true });
  // The PDB's _SEGMENT_HEAP (19041's kernel copy), as segmentHeap() writes it.
  t.b.pdbTypes("ntdll", ["_SEGMENT_HEAP"]);
  const ntdll = t.b.target.modules[0].base;
  t.symbol(ntdll + 0x1234n, "ntdll!RtlpAllocateHeap+0x1234");
  const trace = t.stackTrace([ntdll + 0x1234n]);
  const heap = t.ntHeap({ encoded: true });
  for (let i = 0; i < 3; i++) t.virtualBlock(heap, { userSize: 0x100000 + i * 0x10, trace });
  t.segmentHeap(0x300, 0x400);
  return t.finish().target;
}

/** Seed 004's 0x154 with winnt.h's EXCEPTION_POINTERS, EXCEPTION_RECORD and CONTEXT in nt's types. */
function typedStoreException(): EmulatedTarget {
  const b = storeExceptionScene();
  exceptionTypes(b);
  return b.target;
}

function exceptionTypes(b: TargetBuilder): void {
  if (b.hasPdbTypes) return b.pdbTypes("nt", ["_EXCEPTION_POINTERS", "_EXCEPTION_RECORD", "_CONTEXT"]);
  b.typeFromLayout("nt", "_EXCEPTION_POINTERS", { size: 0x10, ExceptionRecord: 0, ContextRecord: 8 });
  b.typeFromLayout("nt", "_EXCEPTION_RECORD", { size: EXR64.size, ExceptionCode: [EXR64.ExceptionCode, 4], ExceptionFlags: [EXR64.ExceptionFlags, 4], ExceptionRecord: EXR64.ExceptionRecord, ExceptionAddress: EXR64.ExceptionAddress, NumberParameters: [EXR64.NumberParameters, 4], ExceptionInformation: EXR64.ExceptionInformation });
  b.typeFromLayout("nt", "_CONTEXT", { size: CONTEXT64.size, Rsp: CONTEXT64.Rsp, Rip: CONTEXT64.Rip });
}

/** 0xC2/0x7 (double free) of a block whose _POOL_HEADER (§2.4) is in nt's types. */
function typedDoubleFree(): EmulatedTarget {
  const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_2004, dump: DUMP });
  const pool = poolBlock(b, "Leak", 0x40);
  b.pdbTypes("nt", ["_POOL_HEADER"]);
  writeBugCheck(b, 0xc2, [7n, 0x1097n, 0x04050001n, pool.block]);
  return b.target;
}

export function typedScenes(): TypedScene[] {
  return [
    {
      id: "pool with types",
      build: () => {
        const p = seed000();
        poolTypes(p.b);
        return p.target;
      },
      commands: ['!leaktag "Leak"', "!leaktag", "dx @$pooltags()", "dx @$leaks()", "!leaktools"],
    },
    { id: "heaps with types", build: typedProcess, commands: ["!virtblocks", "!virtstacks"] },
    // Every NT heap part (backend, LFH, virtual blocks) with ntdll's types (the PDB's where the data set has them).
    {
      id: "user heaps with types",
      build: () => leakingProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, symbols: true, leaked: 4, dump: "C:\\cases\\imgsvc.dmp" }).target,
      commands: ["!heapleaks", "dx @$heapblocks()"],
    },
    {
      id: "verifier with types",
      build: () => wrapperScene({ build: BUILDS.win11_22h2, pointerSize: 8, throughWrapper: 6, withTypes: true }).b.target,
      commands: ["!unloadleaks"],
    },
    { id: "0x154 with types", build: typedStoreException, commands: ["!crashtriage"] },
    { id: "0xC2/0x7 with types", build: typedDoubleFree, commands: ["!crashtriage"] },
    // The segment-heap pool types of the real 20348 PDB (test/fixtures/segment-heap) in nt's symbols.
    { id: "segment heap with types", build: () => leakScene({ build: 20348, withTypes: true, seed: 13 }).s.target, commands: ['!poolallocs ("Leak", "all")'] },
  ];
}
