import { DebuggerSession } from "../emulator/session";
import { int64Value } from "../emulator/int64";
import { kernelTarget } from "../targets/builder";
import { pebLayout } from "../targets/layouts";
import { debuggerAddress } from "../targets/bugcheck";
import { HeapTarget, BUILDS } from "../targets/heap";
import { SEED, seedTarget } from "../targets/virtblocks-seed";
import { expectGolden } from "../support/golden";
import { failEachRead } from "../support/faults";
import { printedLines } from "../faults/suite";

interface BlockRecord { Heap: unknown; Entry: unknown; UserAddress: unknown; UserSize: number; CommitSize: number; ReserveSize: number; Stack: unknown }
interface GroupRecord { Caller: unknown; Frames: unknown; Count: number; Bytes: number; Example: unknown }
/** The Blocks and Stacks collections of the one record the commands return. */
const blocksOf = (v: unknown): BlockRecord[] => (v as { Blocks: BlockRecord[] }).Blocks;
const stacksOf = (v: unknown): GroupRecord[] => (v as { Stacks: GroupRecord[] }).Stacks;

function run(t: HeapTarget | { b: HeapTarget["b"] }, line: string) {
  const r = DebuggerSession.load(t.b.target).run(line);
  expect(r.escaped).toBeNull();
  return r;
}

/** A small process: `heaps` NT heaps with `perHeap` blocks each, two stacks; ntdll holds the frames. */
function smallProcess(options: { pointerSize: 4 | 8; build: number; ust: boolean; heapTypes?: boolean; encoded?: boolean; heaps?: number; perHeap?: number }) {
  const t = new HeapTarget({ pointerSize: options.pointerSize, build: options.build, ust: options.ust, heapTypes: options.heapTypes });
  const ntdll = t.b.target.modules[0];
  const f1 = ntdll.base + 0x1234n;
  const f2 = ntdll.base + 0x5678n;
  t.symbol(f1, "ntdll!RtlpAllocateHeap+0x1234");
  t.symbol(f2, "ntdll!RtlAllocateHeap+0x78");
  const jit = options.pointerSize === 8 ? 0x7ffe12340000n : 0x12340000n;
  const traceA = t.stackTrace([f1, f2, jit]);
  const traceB = t.stackTrace([f1]);
  const heaps: bigint[] = [];
  const entries: bigint[][] = [];
  for (let h = 0; h < (options.heaps || 2); h++) {
    const heap = t.ntHeap({ encoded: options.encoded !== false });
    heaps.push(heap);
    const list: bigint[] = [];
    for (let i = 0; i < (options.perHeap || 3); i++) {
      list.push(t.virtualBlock(heap, { userSize: 0x100000 + 0x10 * i + h, trace: i % 2 === 0 ? traceA : traceB }));
    }
    entries.push(list);
  }
  return { t, heaps, entries, traceA, traceB, jit };
}

describe("!virtblocks on the seed's process (Win7 SP1 x64, +ust, no _HEAP_VIRTUAL_ALLOC_ENTRY type)", () => {
  test("transcript (golden)", () => {
    const t = seedTarget();
    t.finish();
    const r = run(t, "!virtblocks");
    expectGolden("virtblocks-seed", r.output);
  });

  test("189 blocks in heap 29fb0000, the first of 0x1000040 user bytes at 43500060, two main stacks", () => {
    const t = seedTarget();
    t.finish();
    const blocks = blocksOf(run(t, "dx @$virtblocks()").value);
    const leaking = blocks.filter((b) => int64Value(b.Heap) === SEED.leakingHeap);
    expect(leaking.length).toBe(189);
    expect(blocks.filter((b) => int64Value(b.Heap) === SEED.heaps[0]).length).toBe(1);
    const first = leaking[0];
    expect(int64Value(first.Entry)).toBe(SEED.firstEntry);
    expect(int64Value(first.UserAddress)).toBe(SEED.firstEntry + 0x60n); // !heap -p -a: UserPtr 0000000043500060
    expect(first.UserSize).toBe(SEED.firstUserSize);
    expect(first.CommitSize).toBe(0x100100 * 16); // !heap -p -a: Size 100100 (granules)
    expect(int64Value(leaking[1].Entry)).toBe(SEED.fixedEntries.second);
    expect(int64Value(leaking[188].Entry)).toBe(SEED.fixedEntries.last);
    expect(first.Stack).toEqual([
      "ntdll! ?? ::FNODOBFM::`string'+0x153eb",
      "halcon!HXmalloc+0x8b",
      "halcon!HXAllocRLTmp+0x265d",
      "halcon!HXAllocTmp+0xa80",
      "halcon!HCancelWait+0x7a",
      "halcon!CCallHProc+0x73f",
      "000007fe`83e3bcf6 (JIT? !ip2md 000007fe`83e3bcf6)",
    ]);

    const groups = stacksOf(run(t, "dx @$virtstacks()").value);
    expect(groups[0].Count).toBe(SEED.countA);
    expect(groups[0].Bytes).toBe(SEED.firstUserSize + (SEED.countA - 1) * SEED.bigBlock);
    expect(groups[1].Count).toBe(SEED.countB);
    expect(groups[1].Bytes).toBe(SEED.countB * SEED.bigBlock);
    expect((groups[1].Frames as string[])[4]).toBe("halcon!HXThreadRun+0x40");
    expect(groups.reduce((n, g) => n + g.Count, 0)).toBe(190);
  });

  test("dx: the properties the issue names, and the LINQ query over them", () => {
    const t = seedTarget();
    t.finish();
    const s = DebuggerSession.load(t.b.target);
    const blocks = blocksOf(s.run("dx @$virtblocks()").value);
    expect(Object.keys(blocks[0]).filter((k) => k !== "toString").sort()).toEqual(["Caller", "CommitSize", "Entry", "Heap", "ReserveSize", "Stack", "UserAddress", "UserSize"]);
    const groups = stacksOf(s.run("dx @$virtstacks()").value);
    expect(Object.keys(groups[0]).filter((k) => k !== "toString").sort()).toEqual(["Bytes", "Caller", "Count", "Example", "Frames"]);
    // Over 16 MB: the seed's first block (0x1000040) and the 148 blocks of 88 MB; not the 1-2 MB ones.
    const bigger = blocks.filter((b) => b.UserSize > 0x1000000).length;
    expect(bigger).toBe(1 + (SEED.countA - 1) + SEED.countB);
    const r = s.run("dx @$virtblocks().Blocks.Where(b => b.UserSize > 0x1000000).Count()");
    expect(r.escaped).toBeNull();
    expect(r.value).toBe(bigger);
    expect(r.output).toMatch(/: 0x95$/m);
  });

  test("each top stack names one of its blocks for !heap -p -a, and the output ends with copyable next commands", () => {
    const t = seedTarget();
    t.finish();
    const out = run(t, "!virtblocks").output;
    expect(out).toContain("#1  75 blocks, 0x198000040 (6.38 GB), caller halcon!HCancelWait+0x7a   e.g. !heap -p -a 00000000`43500060\n      ntdll! ?? ::FNODOBFM::`string'+0x153eb\n");
    expect(out).toContain("Next:\n  dx -g @$virtblocks(0x29fb0000).Blocks  that heap's blocks, one row each\n  !heap -p -a 00000000`43500060          one block as the debugger sees it, with its stack\n");
    // The answer is the first line: blocks, bytes, and the largest stack's caller.
    expect(out.split("\n")[0]).toBe("190 virtual blocks in 5 heaps, 0x331abe000 (12.8 GB) committed; heap 0x29fb0000 holds 189. Largest stack: 75 blocks, 0x198000040 (6.38 GB), caller halcon!HCancelWait+0x7a.");
  });

  test("next to the heap's own committed bytes: the 9 segments of 29fb0000 add up to !heap -s's 67408 KB", () => {
    const t = seedTarget();
    t.finish();
    const out = run(t, "!virtblocks").output;
    const committed = SEED.leakingSegments.reduce((n, s) => n + s[2], 0);
    expect(committed).toBe(67408 * 1024);
    expect(out).toMatch(new RegExp("^0x29fb0000\\s+NT \\(encoded\\)\\s+189\\s.*\\s0x" + committed.toString(16) + " \\(65.8 MB\\)$", "m"));
    expect(out).toMatch(/^0x60000 .* 0x10cf000 \(16.8 MB\)$/m);
  });

  test("a broken segment list still shows the virtual blocks, and says where the segment walk stopped", () => {
    const t = seedTarget();
    t.finish();
    t.b.memory.unmap(SEED.leakingSegments[3][0], 0x1000);
    const r = run(t, "!virtblocks 0x29fb0000");
    expect(r.output).toContain("Heap 00000000`29fb0000: the segment walk stopped: the segment link at 00000000`27d10018 (00000000`318a0018) leads to an unreadable segment");
    expect(r.output).toContain("its committed bytes cover 3 segments.");
    expect(blocksOf(r.value).length).toBe(189);
  });

  test("!virtblocks 0x29fb0000 limits the walk to that heap", () => {
    const t = seedTarget();
    t.finish();
    const r = run(t, "!virtblocks 0x29fb0000");
    expect(r.output).toMatch(/^0x29fb0000\s+NT \(encoded\)\s+189/m);
    expect(r.output).not.toMatch(/^0x60000 /m);
    expect(blocksOf(r.value).length).toBe(189);
  });

  test("reads each entry once and each distinct stack trace once", () => {
    const t = seedTarget();
    t.finish();
    const s = DebuggerSession.load(t.b.target);
    s.run("!virtblocks");
    // PEB, heap array, 5 heap headers, 8 more segments of 29fb0000, 190 entries, 5 traces.
    expect(s.control.counters.readCalls).toBe(2 + 5 + 8 + 190 + 5);
  });
});

describe("layouts: symbols first, built-in otherwise, and the output says which", () => {
  test.each([
    ["Win7 SP1 x64, built-in (+0x118)", 8, BUILDS.win7sp1, false, "_HEAP: not in the symbols (.reload /f ntdll.dll to get them); using the built-in layout for Windows 7 SP1 x64, checked against build 7601's PDB"],
    ["Win7 SP1 x64, heap types in the symbols", 8, BUILDS.win7sp1, true, "_HEAP: from ntdll's symbols"],
    ["Win10 x64, built-in (+0x110)", 8, BUILDS.win10_22h2, false, "_HEAP: not in the symbols (.reload /f ntdll.dll to get them); using the built-in layout for Windows 10 1703 and later x64, checked against build 19041's PDB"],
    ["Win10 x64, heap types in the symbols", 8, BUILDS.win10_22h2, true, "_HEAP: from ntdll's symbols"],
    ["Win10 x86, built-in (+0x9C)", 4, BUILDS.win10_22h2, false, "_HEAP: not in the symbols (.reload /f ntdll.dll to get them); using the built-in layout for Windows 8 and later x86 (not checked against a PDB)"],
    ["Win7 SP1 x86, built-in (+0xA0)", 4, BUILDS.win7sp1, false, "_HEAP: not in the symbols (.reload /f ntdll.dll to get them); using the built-in layout for Windows 7 SP1 x86 (not checked against a PDB)"],
  ] as const)("%s", (_name, pointerSize, build, heapTypes, layoutLine) => {
    for (const ust of [true, false]) {
      const p = smallProcess({ pointerSize, build, ust, heapTypes });
      p.t.finish();
      const session = DebuggerSession.load(p.t.b.target);
      const r = session.run("dx @$virtblocks()");
      // The command says in one short line that a built-in layout was used; !leaktools gives the full reason.
      if (heapTypes) expect(r.output).not.toContain("Layout: built-in _HEAP");
      else expect(r.output).toContain("Layout: built-in _HEAP (");
      expect(r.output).toContain(heapTypes ? "" : "Layout: built-in _HEAP_VIRTUAL_ALLOC_ENTRY (");
      const why = session.run("!leaktools").output;
      if (heapTypes) expect(why).not.toContain("_HEAP:");
      else {
        expect(why).toContain("  Layout: " + layoutLine + ".\n");
        expect(why).toContain("_HEAP_VIRTUAL_ALLOC_ENTRY: not in the symbols (.reload /f ntdll.dll to get them); using the built-in layout");
      }
      const blocks = blocksOf(r.value);
      expect(blocks.map((b) => int64Value(b.Entry))).toEqual(p.entries.flat());
      const header = pointerSize === 8 ? 0x40n : 0x20n;
      const prefix = ust ? (pointerSize === 8 ? 0x20n : 0x10n) : 0n;
      blocks.forEach((b, i) => {
        const h = Math.floor(i / 3);
        expect(b.UserSize).toBe(0x100000 + 0x10 * (i % 3) + h);
        expect(int64Value(b.UserAddress)).toBe(int64Value(b.Entry) + header + prefix);
        expect(b.CommitSize % 0x1000).toBe(0);
        expect(b.ReserveSize).toBe(b.CommitSize);
      });
      if (ust) {
        expect((blocks[0].Stack as string[])[0]).toBe("ntdll!RtlpAllocateHeap+0x1234");
        expect((blocks[0].Stack as string[])[2]).toContain("!ip2md");
        expect(r.output).toContain("Allocation stacks by user bytes (2):");
      } else {
        expect(String(blocks[0].Stack)).toContain("gflags /i app.exe +ust");
        expect(r.output).toContain("Allocation stacks: not recorded (NtGlobalFlag 0x0 has no +ust). To record them, run gflags /i app.exe +ust");
        expect(r.output).not.toContain("Top ");
      }
    }
  });

  test("unencoded heap entries (EncodeFlagMask clear) are read as they are", () => {
    const p = smallProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false, encoded: false });
    p.t.finish();
    const r = run(p.t, "!virtblocks");
    expect(r.output).toMatch(/NT\s+3\s/);
    expect(blocksOf(r.value)[1].UserSize).toBe(0x100010);
  });

  test("Win10 x86 with +ust: 32-bit addresses and sizes", () => {
    const p = smallProcess({ pointerSize: 4, build: BUILDS.win10_22h2, ust: true });
    p.t.finish();
    const r = run(p.t, "!virtblocks");
    expectGolden("virtblocks-win10-x86", r.output);
    expect(r.output).toMatch(new RegExp("^0x" + p.heaps[0].toString(16) + "\\s+NT \\(encoded\\)\\s+3", "m"));
  });
});

describe("the top 10 stacks", () => {
  test("12 stacks: the 10 largest are shown, largest first; dx @$virtstacks() returns all 12", () => {
    const t = new HeapTarget({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true });
    const base = t.b.target.modules[0].base;
    const heap = t.ntHeap({ encoded: true });
    for (let s = 0; s < 12; s++) {
      t.symbol(base + BigInt(0x1000 + s * 0x10), "ntdll!Caller" + s + "+0x10");
      const trace = t.stackTrace([base + BigInt(0x1000 + s * 0x10)]);
      // Stack s holds s + 1 blocks of 0x100000 bytes: stack 11 is the largest.
      for (let i = 0; i <= s; i++) t.virtualBlock(heap, { userSize: 0x100000, trace });
    }
    t.finish();
    const r = run(t, "!virtblocks");
    expect(r.output).toContain("Top 10 allocation stacks by user bytes (of 12):");
    const shown = r.output.split("\n").filter((l) => /^#\d+ /.test(l)).map((l) => l.split(/\s+/)[1]);
    expect(shown).toEqual(["12", "11", "10", "9", "8", "7", "6", "5", "4", "3"]);
    expect(r.output).not.toContain("ntdll!Caller1+0x10");
    expect(r.output).not.toContain("#11");
    const groups = stacksOf(run(t, "dx @$virtstacks()").value);
    expect(groups.map((g) => g.Count)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(groups[0].Bytes).toBe(12 * 0x100000);
    expect(groups[0].Frames).toEqual(["ntdll!Caller11+0x10"]);
  });
});

describe("segment heaps", () => {
  test("reported with their large-allocation totals (1903+), never walked as NT heaps", () => {
    const p = smallProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, heaps: 1 });
    const seg = p.t.segmentHeap(0x2400, 0x2800);
    p.t.finish();
    const r = run(p.t, "!virtblocks");
    expect(r.output).toContain("Layout: built-in _SEGMENT_HEAP (Windows 10 1809-22H2 x64), not from the symbols; !leaktools shows why.");
    const shown = "0x" + seg.toString(16) + " ";
    const line = r.output.split("\n").find((l) => l.startsWith(shown));
    expect(line).toContain("segment heap - large allocations: committed 0x2400000 (36.0 MB), reserved 0x2800000 (40.0 MB)");
    expect(blocksOf(r.value).length).toBe(3);
  });

  test("on a build whose segment heap layout is unknown: 'segment heap - not walked'", () => {
    const p = smallProcess({ pointerSize: 8, build: BUILDS.win10_1709, ust: false, heaps: 1 });
    p.t.segmentHeap(1, 1);
    p.t.finish();
    const r = run(p.t, "!virtblocks");
    expect(r.output).toContain("segment heap - not walked");
    expect(r.output).toContain("Layout: _SEGMENT_HEAP: not in the symbols (.reload /f ntdll.dll to get them); no built-in layout for build 16299.");
  });

  test("x86 segment heap", () => {
    const p = smallProcess({ pointerSize: 4, build: BUILDS.win10_22h2, ust: false, heaps: 1 });
    p.t.segmentHeap(0x10, 0x20);
    p.t.finish();
    const r = run(p.t, "!virtblocks");
    expect(r.output).toContain("segment heap - large allocations: committed 0x10000 (64.0 KB), reserved 0x20000 (128 KB)");
  });
});

describe("corrupted lists end that heap's walk, naming the bad link; other heaps still report", () => {
  test("a cycle", () => {
    const p = smallProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, perHeap: 4 });
    p.t.finish();
    const [e0, , , e3] = p.entries[0];
    p.t.b.writePtr(e3, e0); // the last entry's Flink points back at the first
    const r = run(p.t, "!virtblocks");
    const f = (a: bigint) => p.t.b.target.pointerSize === 8 ? (a >> 32n).toString(16).padStart(8, "0") + "`" + (a & 0xffffffffn).toString(16).padStart(8, "0") : "";
    expect(r.output).toContain("Heap " + f(p.heaps[0]) + ": the walk stopped: the link at " + f(e3) + " (" + f(e0) + ") points back to an entry already walked (a cycle)");
    expect(blocksOf(r.value).length).toBe(8);
  });

  test("an unreadable entry", () => {
    const p = smallProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true });
    p.t.finish();
    const bad = p.entries[0][1];
    p.t.b.memory.unmap(bad, 0x1000);
    const r = run(p.t, "!virtblocks");
    expect(r.output).toMatch(/the walk stopped: the link at \S+ \(\S+\) leads to an unreadable entry: _HEAP_VIRTUAL_ALLOC_ENTRY at \S+ \(72 bytes\) is unreadable/);
    const blocks = blocksOf(r.value);
    expect(blocks.length).toBe(1 + 3);
    expect(int64Value(blocks[1].Heap)).toBe(p.heaps[1]);
  });

  test("a link outside the process", () => {
    const p = smallProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false });
    p.t.finish();
    p.t.b.writePtr(p.entries[1][0], 0xffff800012340000n);
    const r = run(p.t, "!virtblocks");
    expect(r.output).toContain("(ffff8000`12340000) points outside the process");
    expect(blocksOf(r.value).length).toBe(3 + 1);
  });

  test("an unreadable heap header and an unreadable stack trace", () => {
    const p = smallProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true });
    p.t.finish();
    p.t.b.writePtr(p.entries[0][1] + 0x40n, p.t.b.reserveUnmapped(0x1000)); // the ust pointer of one block
    p.t.b.memory.unmap(p.heaps[1], 0x1000);
    const r = run(p.t, "!virtblocks");
    expect(r.output).toMatch(/unreadable\s+the heap header _HEAP at \S+ \(\d+ bytes\) is unreadable/);
    expect(r.output).toContain("(_RTL_STACK_TRACE_ENTRY at");
    expect(blocksOf(r.value).length).toBe(3);
  });

  test("!virtstacks prints no heap table, so it names a heap whose header is unreadable itself", () => {
    const p = smallProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true });
    p.t.finish();
    p.t.b.memory.unmap(p.heaps[1], 0x1000);
    const r = run(p.t, "!virtstacks");
    expect(r.output).toMatch(/Heap \S+: the heap header _HEAP at \S+ \(\d+ bytes\) is unreadable; its blocks are not counted\./);
  });

  test("every read failing in turn: no exception escapes, nothing is written, the output names what was unreadable", () => {
    const summary = failEachRead(() => {
      const p = smallProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true });
      return p.t.finish().target;
    }, "!virtblocks");
    expect(summary.injected).toBeGreaterThan(8);
    expect(summary.escaped).toBe(0);
    expect(summary.writes).toBe(0);
    for (const run of summary.runs) expect(run.result.output).toMatch(/unreadable|Could not read/);
  });
});

describe("hostile numbers and odd heaps", () => {
  test("an absurd NumberOfHeaps is capped (maxHeaps) and the short array is reported unreadable", () => {
    const p = smallProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false });
    p.t.finish();
    p.t.b.memory.writeU32(p.t.b.target.pebAddress! + 0xe8n, 0xffffffff);
    const r = run(p.t, "!virtblocks");
    expect(r.output).toContain("PEB heap list: NumberOfHeaps is 4294967295; only the first 4096 (maxHeaps) are walked");
    expect(r.output).toMatch(/_PEB.ProcessHeaps array at \S+ \(32768 bytes\) is unreadable/);
  });

  test("a BusyBlock that does not decode: user size falls back to the commit size, and the output says so", () => {
    const p = smallProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false, heaps: 1 });
    p.t.finish();
    p.t.b.memory.writeU64(p.entries[0][1] + 0x38n, 0x1122334455667788n);
    const r = run(p.t, "!virtblocks");
    expect(r.output).toContain("some BusyBlocks did not decode: user size = commit size");
    const b = blocksOf(r.value)[1];
    expect(b.UserSize).toBe(b.CommitSize);
  });

  test("a heap with neither signature is named, not walked", () => {
    const p = smallProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false });
    p.t.finish();
    p.t.b.memory.writeU32(p.heaps[0] + 0x10n, 0x12345678);
    const r = run(p.t, "!virtblocks");
    expect(r.output).toContain("the signature at +0x10 is 0x12345678, neither an NT heap (0xffeeffee) nor a segment heap (0xddeeddee)");
    expect(blocksOf(r.value).length).toBe(3);
  });

  test("a list longer than maxBlocksPerHeap (200,000) is treated as corruption, not walked forever", () => {
    const p = smallProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false, heaps: 2, perHeap: 1 });
    p.t.finish();
    // 200,001 entries packed 0x50 apart, each Flink to the next, the last back to the list head.
    const n = 200001;
    const stride = 0x50;
    const base = 0x300000000n;
    const bytes = new Uint8Array(n * stride);
    const view = new DataView(bytes.buffer);
    const head = p.heaps[0] + 0x110n;
    for (let i = 0; i < n; i++) {
      view.setBigUint64(i * stride, i + 1 < n ? base + BigInt((i + 1) * stride) : head, true);
      view.setBigUint64(i * stride + 0x20, 0x81000n, true);
    }
    p.t.b.memory.write(base, bytes);
    p.t.b.writePtr(head, base);
    const r = run(p.t, "!virtblocks");
    expect(r.output).toContain("the walk stopped: more than 200000 entries (maxBlocksPerHeap); stopped at the link at");
    expect(blocksOf(r.value).length).toBe(200000 + 1);
  }, 30000);

  test("without a module list, frames are symbolized but not called JIT", () => {
    const p = smallProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, heaps: 1 });
    p.t.finish();
    p.t.b.target.modules.length = 0;
    const blocks = blocksOf(run(p.t, "dx @$virtblocks()").value);
    expect(blocks[0].Stack).toEqual(["ntdll!RtlpAllocateHeap+0x1234", "ntdll!RtlAllocateHeap+0x78", "00007ffe`12340000"]);
  });

  test("no PEB", () => {
    const p = smallProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false });
    p.t.finish();
    p.t.b.target.pebAddress = null;
    expect(run(p.t, "!virtblocks").output).toContain("The process's PEB could not be found");
  });
});

describe("stacks from the trace index in ExtraStuff (AllocatorBackTraceIndex)", () => {
  test.each([
    ["Win7 SP1 x64", 8, BUILDS.win7sp1],
    ["Win7 SP1 x86", 4, BUILDS.win7sp1],
  ] as const)("%s: resolved through ntdll!RtlpStackTraceDataBase's EntryIndexArray", (_name, pointerSize, build) => {
    const t = new HeapTarget({ pointerSize, build, ust: true });
    const base = t.b.target.modules[0].base;
    t.symbol(base + 0x100n, "ntdll!RtlAllocateHeap+0x100");
    t.stackTrace([base + 0x200n]);
    t.stackTrace([base + 0x100n, base + 0x300n]);
    t.stackTraceDatabase();
    const heap = t.ntHeap({ encoded: true });
    t.virtualBlock(heap, { userSize: 0x80000, traceIndex: 2 });
    t.virtualBlock(heap, { userSize: 0x80000, traceIndex: 7 });
    t.finish();
    const blocks = blocksOf(run(t, "dx @$virtblocks()").value);
    expect(blocks[0].Stack).toEqual(["ntdll!RtlAllocateHeap+0x100", "ntdll+0x300"]);
    expect(String(blocks[1].Stack)).toContain("trace index 7 is beyond NumberOfEntriesAdded (2)");
  });
});

describe("arguments and sessions", () => {
  test("a kernel session needs a user-mode target", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    const s = DebuggerSession.load(b.target);
    expect(s.run("!virtblocks").output).toContain("!virtblocks needs a user-mode session");
    expect(s.run("!virtstacks").output).toContain("!virtstacks needs a user-mode session");
    expect(s.control.counters.readCalls).toBe(0);
  });

  test("bad arguments", () => {
    const p = smallProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false });
    p.t.finish();
    expect(run(p.t, '!virtblocks "heap"').output).toContain('!virtblocks takes an optional heap address (!virtblocks 0x29fb0000), not the string "heap"');
    expect(run(p.t, "dx @$virtblocks(1, 2)").output).toContain("!virtblocks takes an optional heap address");
  });

  // Issue 9: an argument that cannot be a heap of this process is one line naming the heaps that exist, as
  // `!heap -s` would show them, not a heap header read at that address.
  test("a heap argument that is not a heap of this process: one line naming the process's heaps, nothing walked", () => {
    const p = smallProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false, heaps: 3 });
    p.t.finish();
    const heaps = p.heaps.map((h) => "0x" + h.toString(16)).join(", ");
    const cases: [string, string][] = [
      ["!virtblocks 0xffffffffffffffff", "0xffffffffffffffff is not a heap of this process (a kernel address, outside the process's user range)"],
      ["!virtblocks 0xfffff80720000000", "0xfffff80720000000 is not a heap of this process (a kernel address, outside the process's user range)"],
      ["!virtblocks 0", "0x0 is not a heap of this process (a null address)"],
      ["dx @$virtstacks(0)", "0x0 is not a heap of this process (a null address)"],
      ["!virtblocks 0x12340000", "0x12340000 is not a heap of this process (not in the PEB's ProcessHeaps list)"],
      ["!virtstacks 0x12340001", "0x12340001 is not a heap of this process (not a user-mode address of this process)"],
    ];
    for (const [command, said] of cases) {
      const s = DebuggerSession.load(p.t.b.target);
      const r = s.run(command);
      expect(r.escaped).toBeNull();
      const alias = /virtstacks/.test(command) ? "virtstacks" : "virtblocks";
      expect(printedLines(r.output)).toEqual([said + ". Its heaps: " + heaps + "; !" + alias + " with no argument walks them all."]);
      // Only the PEB and its heap array were read: no heap header at the given address.
      expect(s.control.counters.readCalls).toBeLessThanOrEqual(2);
    }
    // A heap of the list is walked as before.
    expect(run(p.t, "!virtblocks 0x" + p.heaps[1].toString(16)).output).toMatch(/Total: 3 virtual blocks/);
  });

  test("many heaps: the line names the first 8 and counts the rest", () => {
    const p = smallProcess({ pointerSize: 4, build: BUILDS.win10_22h2, ust: false, heaps: 11, perHeap: 1 });
    p.t.finish();
    const lines = printedLines(run(p.t, "!virtblocks 0x7fff0000").output);
    expect(lines.length).toBe(1);
    expect(lines[0]).toContain("0x7fff0000 is not a heap of this process (not in the PEB's ProcessHeaps list). Its heaps: " + p.heaps.slice(0, 8).map((h) => "0x" + h.toString(16)).join(", ") + " and 3 more; !virtblocks with no argument walks them all.");
  });

  test("a heap list that could not be read in full: an address missing from it is read as asked, and said", () => {
    const p = smallProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false });
    p.t.finish();
    const peb = p.t.b.target.pebAddress!;
    p.t.b.memory.writeU32(peb + BigInt(pebLayout(8).NumberOfHeaps), 0x10000); // past maxHeaps (4096): the list is cut
    const r = run(p.t, "!virtblocks 0x12340000");
    expect(r.output).toContain("NumberOfHeaps is 65536; only the first 4096 (maxHeaps) are walked");
    expect(r.output).toContain("Heap 00000000`12340000 is not in the PEB's ProcessHeaps list");
  });
});
