// @$heapblocks end to end, and !heapleaks over a process with an NT heap, a segment heap and a full page heap: the
// segment heap laid out by test/targets/user-segment-heap.ts, the NT heap by test/targets/nt-heap.ts, both from the
// research's layouts; images and symbols by test/targets/heap-process.ts.
import { DebuggerSession } from "../emulator/session";
import { int64Value } from "../emulator/int64";
import { BUILDS } from "../targets/builder";
import { HeapProcess, leakingProcess } from "../targets/heap-process";
import { UserSegmentHeapBuilder } from "../targets/user-segment-heap";
import { printedLines } from "../faults/suite";

interface BlockRecord {
  Address: unknown;
  Size: number;
  Heap: unknown;
  Kind: string;
  Stack: string[];
  Type: string | null;
}
interface BlocksResult {
  Blocks: BlockRecord[];
  Heaps: { Heap: unknown; Type: string; Blocks: number; Bytes: number }[];
  NotWalked: { Heap: unknown; Part: string; Reason: string }[];
  StacksRecorded: boolean;
}

function run(session: DebuggerSession, line: string) {
  const r = session.run(line);
  expect(r.escaped).toBeNull();
  return r;
}

const le64 = (v: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
};

/** A Windows 10 22H2 x64 process (+ust) whose default heap is a segment heap (VS, LFH, large blocks), with an NT heap and a full page heap beside it. */
function mixedProcess() {
  const sh = new UserSegmentHeapBuilder({ build: BUILDS.win10_22h2, ust: true, dump: true });
  const hp = new HeapProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, builder: sh.b, image: "viewer.exe", images: [{ file: "viewer.exe", size: 0x60000 }, { file: "ucrtbase.dll", size: 0x100000 }] });
  const alloc = [hp.frame({ name: "ntdll!RtlAllocateHeap" }, 0x39f00, 0x3e), hp.frame({ name: "ucrtbase!_malloc_base" }, 0x1f200, 0x36)];
  const loadFrame = hp.frame({ name: "viewer!Document::Load", source: { file: "d:\\viewer\\document.cpp", line: 77 } }, 0x1200, 0x5d);
  const cacheFrame = hp.frame({ name: "viewer!ThumbCache::Add" }, 0x2200, 0x19);
  const loadStack = [...alloc, hp.frame({ name: "viewer!operator new" }, 0x4000, 0x12), loadFrame];
  const cacheStack = [...alloc, cacheFrame];
  const vtable = hp.vtable("viewer", "CPage", 0x41230);
  const vs = sh.vs([
    { size: 0x180, stack: loadStack, content: le64(vtable) },
    { size: 0x180, stack: loadStack, content: le64(vtable) },
    { size: 0x2a0, stack: cacheStack },
  ]);
  // Slots of 0x70: the +ust trailer (16-aligned data, a 16-byte header, the record pointer, the tail WORD) must fit.
  const lfh = sh.lfh(0x70, 1, [
    { slot: 0, spec: { size: 0x38, stack: loadStack, content: le64(vtable) } },
    { slot: 3, spec: { size: 0x40, stack: cacheStack } },
  ]);
  const large = sh.largeBlock({ size: 0x30000, stack: cacheStack });
  sh.finish();
  const nt = hp.p.heap();
  // One stack, one record, whichever heap the allocation came from (ntdll's RtlpHeapStackTraceLog is per process).
  const ntTrace = sh.record(loadStack);
  const ntBlock = nt.alloc(0x90, { trace: ntTrace, firstPointer: vtable });
  hp.p.listHeap(sh.heap);
  // A full page heap (+hpa): its one busy block's stack is an _RTL_STACK_TRACE_ENTRY (userheap-facts §4.5, §6).
  const ph = hp.p.pageHeap([{ size: 0x64, trace: hp.p.rtlStackTraceEntry(cacheStack) }]);
  const pageHeap = ph.handle;
  const target = hp.finish();
  return { hp, sh, target, vs, lfh: lfh.placed, large, nt, ntBlock, pageHeap, pageBlock: ph.blocks[0], vtable };
}

describe("@$heapblocks over an NT heap, a segment heap and a full page heap", () => {
  const m = mixedProcess();
  const session = DebuggerSession.load(m.target);
  const r = run(session, "dx @$heapblocks()");
  const result = r.value as BlocksResult;
  const byAddress = new Map(result.Blocks.map((b) => [int64Value(b.Address), b]));

  test("every busy allocation once, with the fields the issue names", () => {
    expect(Object.keys(result.Blocks[0]).sort()).toEqual(["Address", "Heap", "Kind", "Size", "Stack", "Type"]);
    expect(result.Blocks.length).toBe(1 + 3 + 2 + 1 + 1);
    expect(byAddress.get(m.pageBlock.address)).toMatchObject({ Size: 0x64, Kind: "PageHeap" });
    expect(int64Value(byAddress.get(m.pageBlock.address)!.Heap)).toBe(m.pageHeap);
    expect(byAddress.get(m.ntBlock.address)).toMatchObject({ Size: 0x90, Kind: "Backend", Type: "viewer!CPage::`vftable'" });
    expect(int64Value(byAddress.get(m.ntBlock.address)!.Heap)).toBe(m.nt.address);
    for (const v of m.vs) {
      const b = byAddress.get(v.address)!;
      expect(b).toMatchObject({ Size: v.size, Kind: "VS" });
      expect(int64Value(b.Heap)).toBe(m.sh.heap);
    }
    expect(byAddress.get(m.lfh[0].address)).toMatchObject({ Size: 0x38, Kind: "LFH", Type: "viewer!CPage::`vftable'" });
    expect(byAddress.get(m.large.address)).toMatchObject({ Size: 0x30000, Kind: "Large", Type: null });
  });

  test("Stack: the frames innermost first, module!symbol+0x.. from u <address> L1", () => {
    expect(byAddress.get(m.vs[0].address)!.Stack).toEqual(["ntdll!RtlAllocateHeap+0x3e", "ucrtbase!_malloc_base+0x36", "viewer!operator new+0x12", "viewer!Document::Load+0x5d"]);
    expect(byAddress.get(m.vs[2].address)!.Stack).toEqual(["ntdll!RtlAllocateHeap+0x3e", "ucrtbase!_malloc_base+0x36", "viewer!ThumbCache::Add+0x19"]);
    expect(byAddress.get(m.lfh[1].address)!.Stack).toEqual(byAddress.get(m.vs[2].address)!.Stack);
    expect(byAddress.get(m.large.address)!.Stack).toEqual(byAddress.get(m.vs[2].address)!.Stack);
    expect(byAddress.get(m.ntBlock.address)!.Stack).toEqual(byAddress.get(m.vs[0].address)!.Stack);
    // The page heap's _RTL_STACK_TRACE_ENTRY gives the same frames.
    expect(byAddress.get(m.pageBlock.address)!.Stack).toEqual(byAddress.get(m.vs[2].address)!.Stack);
  });

  test("the heaps: NT, Segment and PageHeap, each with its blocks and bytes", () => {
    expect(result.Heaps.map((h) => h.Type)).toEqual(["NT", "Segment", "PageHeap"]);
    expect(result.Heaps[1]).toMatchObject({ Blocks: 6, Bytes: 0x180 * 2 + 0x2a0 + 0x38 + 0x40 + 0x30000 });
    expect(result.Heaps[2]).toMatchObject({ Blocks: 1, Bytes: 0x64 });
    expect(result.NotWalked).toEqual([]);
    expect(printedLines(r.output)[0]).toBe("8 busy allocations, 0x3070c (194 KB), in 3 heaps; allocation stacks recorded (+ust).");
  });

  test("dx names each collection: allocations, heaps, parts not walked", () => {
    expect(String(result.Blocks)).toBe("8 allocations");
    expect(String(result.Heaps)).toBe("3 heaps");
    expect(String(result.NotWalked)).toBe("0 parts");
    expect(String(result.Blocks[0].Stack)).toMatch(/^\d+ frames?$/);
    const leaks = run(session, "!heapleaks").value as { Groups: unknown[]; NotWalked: unknown[] };
    expect(String(leaks.Groups)).toBe("3 groups");
    expect(String(leaks.NotWalked)).toBe("0 parts");
  });

  test("one heap: only its blocks", () => {
    const one = run(session, "dx @$heapblocks(0x" + m.sh.heap.toString(16) + ")").value as BlocksResult;
    expect(one.Blocks.length).toBe(6);
    expect(one.Heaps.map((h) => h.Type)).toEqual(["Segment"]);
  });

  test("one heap: the suggested query asks for that heap's blocks again", () => {
    const handle = "0x" + m.sh.heap.toString(16);
    // A fresh session: a repeated call in the same one prints nothing again (its result is kept).
    const lines = printedLines(run(DebuggerSession.load(m.target), "dx @$heapblocks(" + handle + ")").output);
    const query = lines.find((l) => /^  dx @\$heapblocks\(/.test(l))!;
    expect(query).toMatch(new RegExp("^  dx @\\$heapblocks\\(" + handle + "\\)\\.Blocks\\.Where\\(b => b\\.Size == 0x[0-9a-f]+\\) "));
    const all = printedLines(run(DebuggerSession.load(m.target), "dx @$heapblocks()").output);
    expect(all.some((l) => /^  dx @\$heapblocks\(\)\.Blocks\.Where/.test(l))).toBe(true);
  });

  test("!heapleaks groups the segment heap's blocks with the NT heap's by stack", () => {
    const leaks = run(session, "!heapleaks");
    const groups = (leaks.value as { Groups: { Caller: string | null; Allocations: number; Bytes: number; Type: string | null }[] }).Groups;
    // The page heap's block has its own record (an _RTL_STACK_TRACE_ENTRY), so its own group with the same caller.
    expect(groups.length).toBe(3);
    expect(groups[0]).toMatchObject({ Caller: "viewer!ThumbCache::Add+0x19", Allocations: 3, Bytes: 0x2a0 + 0x40 + 0x30000 });
    expect(groups[2]).toMatchObject({ Caller: "viewer!ThumbCache::Add+0x19", Allocations: 1, Bytes: 0x64 });
    expect(groups[1]).toMatchObject({ Caller: "viewer!Document::Load+0x5d [d:\\viewer\\document.cpp @ 77]", Allocations: 4, Bytes: 0x180 * 2 + 0x38 + 0x90, Type: "viewer!CPage::`vftable'" });
  });
});

describe("a 32-bit program (WOW64) whose 32-bit heaps cannot be found", () => {
  // wow64.dll, wow64cpu.dll and wow64win.dll are mapped only into 32-bit processes on 64-bit Windows; the 64-bit
  // PEB's ProcessHeaps then lists only ntdll's 64-bit heaps. This process has no TEB to find the 32-bit PEB through
  // (the walk of a WOW64 process that has one: heapwow64.test.ts).
  const build = (wow64: boolean) => {
    const files = [{ file: "legacy.exe", size: 0x40000 }].concat(wow64 ? [{ file: "wow64.dll", size: 0x60000 }, { file: "wow64cpu.dll", size: 0x10000 }] : []);
    const hp = new HeapProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false, image: "legacy.exe", images: files, dump: "C:\\dumps\\legacy.dmp" });
    const nt = hp.p.heap();
    nt.alloc(0x90, {});
    return hp.finish();
  };

  test("the 64-bit heaps are walked, and the 32-bit heaps are named as not walked with why and what to do", () => {
    const session = DebuggerSession.load(build(true));
    const r = run(session, "dx @$heapblocks()");
    const result = r.value as BlocksResult;
    expect(result.Blocks.length).toBe(1);
    expect(result.NotWalked.length).toBe(1);
    expect(result.NotWalked[0].Part).toBe("32-bit heaps (WOW64)");
    expect(result.NotWalked[0].Reason).toMatch(/^legacy\.exe is a 32-bit program \(WOW64\) seen through its 64-bit view, and its 32-bit heaps were not walked: the current thread's TEB is not known .* Only its 64-bit heaps .* were walked/);
    expect(result.NotWalked[0].Reason).toContain("32-bit WinDbg (x86)");
    expect(result.NotWalked[0].Reason).toContain(".effmach x86");
    // Right after the answer, as itself (it is no one heap's part).
    expect(printedLines(r.output)[1]).toBe(result.NotWalked[0].Reason);
    expect(printedLines(r.output).join("\n")).not.toContain("Not walked: heap ");
  });

  test("!heapleaks says it right after the answer, not only at the end", () => {
    const session = DebuggerSession.load(build(true));
    const lines = printedLines(run(session, "!heapleaks").output);
    expect(lines[0]).toMatch(/^Largest group: /);
    const at = lines.findIndex((l) => /WOW64/.test(l));
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(lines.findIndex((l) => l.startsWith("Groups by")));
    expect(lines.filter((l) => /WOW64/.test(l)).length).toBe(1);
  });

  test("a native 64-bit process: nothing about WOW64", () => {
    const r = run(DebuggerSession.load(build(false)), "dx @$heapblocks()");
    expect((r.value as BlocksResult).NotWalked).toEqual([]);
  });
});

describe("what the walk assumed is said after the answer, and a built-in layout once, short", () => {
  /** A segment heap without ntdll!RtlpHpHeapGlobals (HeapKey derived from a page segment's signature). */
  const derivedKeyProcess = () => {
    const sh = new UserSegmentHeapBuilder({ build: BUILDS.win10_22h2, ust: false, dump: true, keysSymbol: false });
    const hp = new HeapProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false, builder: sh.b, image: "viewer.exe", images: [{ file: "viewer.exe", size: 0x60000 }] });
    sh.vs([{ size: 0x180 }, { size: 0x2a0 }]);
    sh.largeBlock({ size: 0x30000 });
    sh.finish();
    hp.p.listHeap(sh.heap);
    return { target: hp.finish(), heap: sh.heap };
  };

  test("a HeapKey derived from a signature is said, with the heap, in both commands", () => {
    const m = derivedKeyProcess();
    const heap = "00000" + m.heap.toString(16).replace(/(.{8})$/, "`$1");
    for (const command of ["!heapleaks", "dx @$heapblocks()"]) {
      const lines = printedLines(run(DebuggerSession.load(m.target), command).output);
      const said = lines.find((l) => /HeapKey was derived/.test(l));
      expect([command, said]).toEqual([command, expect.stringMatching(new RegExp("^Heap " + heap.slice(-17) + ": HeapKey was derived from a page segment's signature"))]);
    }
  });

  test("without ntdll's types: one short Layout line, once per session; !leaktools has the full wording", () => {
    const lp = leakingProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, symbols: false, lfhKeySymbol: true, dump: "C:\\dumps\\imgsvc.dmp" });
    const session = DebuggerSession.load(lp.target);
    const first = printedLines(run(session, "!heapleaks").output);
    expect(first.filter((l) => l.startsWith("Layout:"))).toEqual(["Layout: built-in _HEAP and 3 more heap types (Windows 10 1809 and later x64), not from the symbols; !leaktools shows why."]);
    expect(printedLines(run(session, "dx @$heapblocks()").output).some((l) => l.startsWith("Layout:"))).toBe(false);
    const help = run(session, "!leaktools").output;
    expect(help).toMatch(/_HEAP: not in the symbols \(\.reload \/f ntdll\.dll to get them\); using the built-in layout for Windows 10 1809 and later x64/);
    expect(help).toMatch(/_HEAP_SUBSEGMENT: not in the symbols/);
  });
});
