// A 32-bit program on 64-bit Windows seen through its 64-bit view (WOW64): the 64-bit heaps through the 64-bit PEB,
// the 32-bit heaps through TEB64 -> TEB32 -> PEB32, each walked with its own pointer size, end to end through the
// built bundle. The process: test/targets/heap-process.ts wow64Process (the 32-bit heaps laid out by the x86 NT heap
// builder, test/targets/nt-heap.ts, from the research's layouts).
import { DebuggerSession } from "../emulator/session";
import { int64Value } from "../emulator/int64";
import { BUILDS } from "../targets/builder";
import { wow64Process } from "../targets/heap-process";
import { printedLines } from "../faults/suite";

interface BlocksResult {
  Blocks: { Address: unknown; Size: number; Heap: unknown; Kind: string; Stack: string[]; Type: string | null }[];
  Heaps: { Heap: unknown; Type: string; Blocks: number; Bytes: number; Layout: string }[];
  NotWalked: { Heap: unknown; Part: string; Address: unknown; Reason: string }[];
  StacksRecorded: boolean;
}

function run(session: DebuggerSession, line: string) {
  const r = session.run(line);
  expect(r.escaped).toBeNull();
  return r;
}

const big = (v: unknown) => int64Value(v as never);

const dump = "C:\\dumps\\legacy.dmp";

describe("a WOW64 process: the 32-bit heaps walked beside the 64-bit ones", () => {
  test("every block of both sides once, each with its heap, size, stack (4-byte frames on the 32-bit side) and type", () => {
    const w = wow64Process({ build: BUILDS.win10_22h2, ust: true, dump });
    const result = run(DebuggerSession.load(w.target), "dx @$heapblocks()").value as BlocksResult;
    expect(result.NotWalked).toEqual([]);
    expect(result.StacksRecorded).toBe(true);
    const got = result.Blocks.map((b) => ({ address: big(b.Address), size: b.Size, heap: big(b.Heap), kind: b.Kind })).sort((a, b) => (a.address < b.address ? -1 : 1));
    const expected = w.blocks32.concat(w.blocks64).map((b) => ({ address: b.address, size: b.size, heap: b.heap, kind: b.kind })).sort((a, b) => (a.address < b.address ? -1 : 1));
    expect(got).toEqual(expected);
    for (const e of w.blocks32) {
      const b = result.Blocks.find((x) => big(x.Address) === e.address)!;
      expect(e.address < 0x100000000n).toBe(true);
      expect(b.Stack).toEqual(["legacy!CRecordSet::Load+0x2b", "legacy!WinMain+0x61"]);
      expect(b.Type).toBe(e.kind === "Backend" ? "legacy!CRecord::`vftable'" : null);
    }
    const h64 = result.Blocks.find((x) => big(x.Heap) === w.heap64)!;
    expect(h64.Stack).toEqual([]);
  });

  test("the heaps: the 64-bit one as today, the 32-bit one said to be 32-bit (WOW64) with its x86 built-in layout", () => {
    const w = wow64Process({ build: BUILDS.win10_22h2, ust: true, dump });
    const r = run(DebuggerSession.load(w.target), "dx @$heapblocks()");
    const heaps = (r.value as BlocksResult).Heaps;
    expect(heaps.map((h) => big(h.Heap))).toEqual([w.heap64, w.heap32]);
    expect(heaps[0].Layout).not.toMatch(/WOW64/);
    expect(heaps[1].Layout).toMatch(/^32-bit \(WOW64\), x86 layouts built in \(the session's ntdll types are the 64-bit ntdll's\); .*built-in layout for Windows 10 1809 and later x86/);
    expect(heaps[1].Blocks).toBe(w.blocks32.length);
    expect(heaps[1].Bytes).toBe(w.blocks32.reduce((n, b) => n + b.size, 0));
    const lines = printedLines(r.output);
    expect(lines.some((l) => /WOW64/.test(l))).toBe(false);
    expect(lines.some((l) => /^Layout: built-in _HEAP .*x86/.test(l))).toBe(true);
  });

  test("one 32-bit heap by its handle: its blocks only, walked as 32-bit", () => {
    const w = wow64Process({ build: BUILDS.win10_22h2, ust: true, dump });
    const result = run(DebuggerSession.load(w.target), "dx @$heapblocks(0x" + w.heap32.toString(16) + ")").value as BlocksResult;
    expect(result.NotWalked).toEqual([]);
    expect(result.Blocks.map((b) => big(b.Address)).sort()).toEqual(w.blocks32.map((b) => b.address).sort());
    expect(result.Blocks[0].Stack).toEqual(["legacy!CRecordSet::Load+0x2b", "legacy!WinMain+0x61"]);
  });

  test("!heapleaks: the 32-bit stack on top with its caller, and dds (4-byte frames) for its record", () => {
    const w = wow64Process({ build: BUILDS.win10_22h2, ust: true, dump });
    const r = run(DebuggerSession.load(w.target), "!heapleaks");
    const lines = printedLines(r.output);
    const bytes32 = w.blocks32.reduce((n, b) => n + b.size, 0);
    expect(lines[0]).toMatch(/^Largest allocation stack: legacy!CRecordSet::Load\+0x2b \[c:\\legacy\\records\.cpp @ 140\] holds 0x[0-9a-f]+ .* in 6 allocations/);
    const groups = (r.value as { Groups: { Caller: string | null; Allocations: number; Bytes: number }[] }).Groups;
    expect(groups[0]).toMatchObject({ Caller: "legacy!CRecordSet::Load+0x2b [c:\\legacy\\records.cpp @ 140]", Allocations: 6, Bytes: bytes32 });
    const record = "00000000`" + w.trace32!.toString(16).padStart(8, "0");
    expect(lines).toContainEqual(expect.stringMatching(new RegExp("^\\s+dds " + record + " L0x23 ")));
    expect(lines.some((l) => /32-bit \(WOW64\), built-in/.test(l))).toBe(true);
  });

  test("without +ust: no stacks, the 32-bit objects still grouped by size and type", () => {
    const w = wow64Process({ build: BUILDS.win10_22h2, ust: false, dump });
    const result = run(DebuggerSession.load(w.target), "dx @$heapblocks()").value as BlocksResult;
    expect(result.StacksRecorded).toBe(false);
    expect(result.Blocks.length).toBe(w.blocks32.length + w.blocks64.length);
    for (const b of result.Blocks) expect(b.Stack).toEqual([]);
    expect(result.Blocks.filter((b) => b.Type === "legacy!CRecord::`vftable'").length).toBe(5);
  });
});

describe("a WOW64 process's 32-bit LFH (Windows 10: offsets encoded with the 32-bit ntdll's RtlpLFHKey)", () => {
  test("with the key under the 32-bit ntdll's name (ntdll_<base>): every busy LFH slot listed", () => {
    const w = wow64Process({ build: BUILDS.win10_22h2, ust: true, dump, lfh: { keySymbol: true } });
    const result = run(DebuggerSession.load(w.target), "dx @$heapblocks()").value as BlocksResult;
    expect(result.NotWalked).toEqual([]);
    const lfh = result.Blocks.filter((b) => b.Kind === "LFH");
    expect(lfh.map((b) => big(b.Address)).sort()).toEqual(w.blocks32.filter((b) => b.kind === "LFH").map((b) => b.address).sort());
    expect(lfh.length).toBe(8);
    for (const b of lfh) expect(b.Stack).toEqual(["legacy!CRecordSet::Load+0x2b", "legacy!WinMain+0x61"]);
  });

  test("without it (the 64-bit ntdll's key is never used): the LFH named as not walked, the rest listed", () => {
    const w = wow64Process({ build: BUILDS.win10_22h2, ust: true, dump, lfh: { keySymbol: false } });
    const result = run(DebuggerSession.load(w.target), "dx @$heapblocks()").value as BlocksResult;
    expect(result.Blocks.filter((b) => b.Kind === "LFH")).toEqual([]);
    expect(result.Blocks.length).toBe(w.blocks32.filter((b) => b.kind !== "LFH").length + w.blocks64.length);
    expect(result.NotWalked.length).toBeGreaterThan(0);
    for (const n of result.NotWalked) {
      expect(big(n.Heap)).toBe(w.heap32);
      expect(n.Reason).toMatch(/RtlpLFHKey.*\(for this 32-bit heap: the 32-bit ntdll, C:\\Windows\\SysWOW64\\ntdll\.dll, which the 64-bit debugger lists as ntdll_<base>\)$/);
    }
    // The same heap by its handle: the same parts, said the same way.
    const one = run(DebuggerSession.load(w.target), "dx @$heapblocks(0x" + w.heap32.toString(16) + ")").value as BlocksResult;
    expect(one.NotWalked.map((n) => n.Reason)).toEqual(result.NotWalked.map((n) => n.Reason));
  });
});

describe("a WOW64 process whose 32-bit PEB cannot be reached: named, the 64-bit heaps still walked", () => {
  const check = (damage: (w: ReturnType<typeof wow64Process>) => void, reason: RegExp) => {
    const w = wow64Process({ build: BUILDS.win10_22h2, ust: true, dump });
    damage(w);
    const session = DebuggerSession.load(w.target);
    const result = run(session, "dx @$heapblocks()").value as BlocksResult;
    expect(result.Blocks.map((b) => big(b.Address))).toEqual(w.blocks64.map((b) => b.address));
    expect(result.NotWalked.length).toBe(1);
    expect(result.NotWalked[0].Part).toBe("32-bit heaps (WOW64)");
    expect(result.NotWalked[0].Reason).toMatch(reason);
    expect(result.NotWalked[0].Reason).toContain("Only its 64-bit heaps");
    const leaks = printedLines(run(session, "!heapleaks").output);
    expect(leaks.filter((l) => /32-bit heaps were not walked/.test(l)).length).toBe(1);
  };

  test("a PEB32 pointer into unmapped memory", () => {
    check((w) => w.target.memory.writeU32(w.teb32 + 0x30n, 0x7ff00000), /its 32-bit heaps were not walked: the 32-bit PEB at 00000000`7ff00000 \(from the 32-bit TEB at 00000000`[0-9a-f]{8}\) is unreadable/);
  });

  test("a PEB32 pointer that is no 32-bit user address", () => {
    check((w) => w.target.memory.writeU32(w.teb32 + 0x30n, 0), /gives 0x0 as its PEB, not a 32-bit user address/);
  });

  test("a TEB32 that does not point to itself (both routes: TEB64 + 0x2000 and TEB64.NtTib.ExceptionList)", () => {
    check((w) => w.target.memory.writeU32(w.teb32 + 0x18n, 0x1234), /the 32-bit TEB expected at 00000000`[0-9a-f]{8} does not point to itself \(NT_TIB\.Self is 0x1234\)/);
  });

  test("TEB64.NtTib.ExceptionList is the second route when TEB64 + 0x2000 does not check", () => {
    const w = wow64Process({ build: BUILDS.win10_22h2, ust: true, dump });
    // A copy of the TEB32 elsewhere below 4 GB, named by ExceptionList, while the one at +0x2000 is damaged.
    const copy = w.p32.b.alloc(0x1000, 0x1000);
    w.target.memory.writeU32(copy + 0x18n, Number(copy));
    w.target.memory.writeU32(copy + 0x30n, Number(w.peb32));
    w.target.memory.writePtr(w.teb64, copy, 8);
    w.target.memory.writeU32(w.teb32 + 0x18n, 0);
    const result = run(DebuggerSession.load(w.target), "dx @$heapblocks()").value as BlocksResult;
    expect(result.NotWalked).toEqual([]);
    expect(result.Blocks.length).toBe(w.blocks32.length + w.blocks64.length);
  });

  test("a damaged 32-bit heap list (NumberOfHeaps past the cap) is named under the PEB32, its listed heaps walked", () => {
    const w = wow64Process({ build: BUILDS.win10_22h2, ust: true, dump });
    w.target.memory.writeU32(w.peb32 + 0x88n, 0x7fffffff);
    const result = run(DebuggerSession.load(w.target), "dx @$heapblocks()").value as BlocksResult;
    const part = result.NotWalked.find((n) => n.Part === "PEB32 heap list");
    expect(part).toBeDefined();
    expect(big(part!.Address)).toBe(w.peb32);
  });
});

describe("a WOW64 process with one page of its 32-bit side missing from the dump, page by page", () => {
  test("never an exception; the 64-bit block still listed; blocks lost only where a part is named as not walked", () => {
    const pages: bigint[] = [];
    const probe = wow64Process({ build: BUILDS.win10_22h2, ust: true, dump, lfh: { keySymbol: true } });
    // The 32-bit builder's ranges (test/targets/builder.ts user4: pool from 0x00300000): TEBs, PEB32, heap, records.
    for (let p = 0x300000n; p < 0x1000000n; p += 0x1000n) if (probe.target.memory.isMapped(p)) pages.push(p);
    for (const must of [probe.heap32, probe.peb32, probe.teb32, probe.trace32!]) expect(pages).toContain(must & ~0xfffn);
    const total = probe.blocks32.length + probe.blocks64.length;
    for (const page of pages) {
      const w = wow64Process({ build: BUILDS.win10_22h2, ust: true, dump, lfh: { keySymbol: true } });
      w.target.memory.unmap(page, 0x1000);
      const session = DebuggerSession.load(w.target);
      const result = run(session, "dx @$heapblocks()").value as BlocksResult;
      const where = "page " + page.toString(16);
      expect([where, result.Blocks.some((b) => big(b.Address) === w.blocks64[0].address)]).toEqual([where, true]);
      if (result.Blocks.length < total) expect([where, result.NotWalked.length]).not.toEqual([where, 0]);
      run(session, "!heapleaks");
    }
  });
});
