// !heapleaks end to end: the built bundle in the emulated debugger, on processes laid out by test/targets/nt-heap.ts
// (from the research's layouts, independently of src/) with the allocations of test/targets/heap-process.ts.
import { DebuggerSession } from "../emulator/session";
import { int64Value } from "../emulator/int64";
import { BUILDS, kernelTarget } from "../targets/builder";
import { HeapProcess, LeakingProcess, leakingProcess } from "../targets/heap-process";
import { printedLines } from "../faults/suite";

interface GroupRecord {
  Stack: string[] | null;
  StackRecord: unknown;
  Size: number | null;
  Type: string | null;
  Allocations: number;
  Bytes: number;
  Example: unknown;
  Caller: string | null;
  DeltaAllocations?: number;
  DeltaBytes?: number;
  BytesPerSecond?: number | null;
}
interface LeaksResult {
  Groups: GroupRecord[];
  Heaps: { Heap: unknown; Blocks: number; Bytes: number }[];
  NotWalked: { Part: string; Reason: string }[];
  Mode: string;
  Allocations: number;
  Bytes: number;
  StacksRecorded: boolean;
  Seconds: number | null;
}

function run(session: DebuggerSession, line: string) {
  const r = session.run(line);
  expect(r.escaped).toBeNull();
  return r;
}

const hexAddress = (v: bigint, ps: 4 | 8) => (ps === 8 ? v.toString(16).padStart(16, "0").replace(/^(.{8})/, "$1`") : v.toString(16).padStart(8, "0"));

/** The leaking stack's group, checked field by field against what the process was built with. */
function expectLeakGroup(lp: LeakingProcess, g: GroupRecord) {
  expect(g.Caller).toBe("imgsvc!ProcessImage+0x45 [c:\\src\\imgsvc\\image.cpp @ 212]");
  expect(g.Allocations).toBe(lp.leak.allocations);
  expect(g.Bytes).toBe(lp.leak.bytes);
  expect(int64Value(g.Example)).toBe(lp.leak.example);
  expect(int64Value(g.StackRecord)).toBe(lp.leakTrace);
  expect(g.Size).toBeNull();
  expect(g.Stack).toEqual([
    "ntdll!RtlpAllocateHeapInternal+0x9e1",
    "ntdll!RtlAllocateHeap+0x3e",
    "ucrtbase!_malloc_base+0x36",
    "halcon!HXmalloc+0x8b",
    "halcon!HXAllocTmp+0xa80",
    "imgsvc!ProcessImage+0x45",
    "imgsvc!Worker::Run+0x7c",
    "KERNEL32!BaseThreadInitThunk+0x14",
    "ntdll!RtlUserThreadStart+0x21",
  ]);
  // 24 of its 30 blocks start with CImageBuffer's vtable: more than half, so the group has that type.
  expect(g.Type).toBe("imgsvc!CImageBuffer::`vftable'");
}

describe.each([
  ["Windows 10 22H2 x64, ntdll's types", 8, BUILDS.win10_22h2, true],
  ["Windows 10 22H2 x64, no ntdll types (public symbols: RtlpLFHKey only)", 8, BUILDS.win10_22h2, false],
  ["Windows 7 SP1 x64", 8, BUILDS.win7sp1, true],
  ["Windows 10 22H2, 32-bit process", 4, BUILDS.win10_22h2, true],
] as const)("!heapleaks on a dump, +ust: %s", (_name, ps, build, symbols) => {
  const lp = leakingProcess({ pointerSize: ps, build, ust: true, symbols, lfhKeySymbol: true, dump: "C:\\dumps\\imgsvc.dmp" });
  const session = DebuggerSession.load(lp.target);
  const r = run(session, "!heapleaks");
  const executed = session.control.executed.slice();
  const lines = printedLines(r.output);
  const result = r.value as LeaksResult;

  test("the first line names the leaking stack's caller with its source line, bytes and count", () => {
    const total = result.Bytes;
    expect(lines[0]).toBe(
      "Largest allocation stack: imgsvc!ProcessImage+0x45 [c:\\src\\imgsvc\\image.cpp @ 212] holds 0x" + lp.leak.bytes.toString(16) +
        " (" + (lp.leak.bytes / 1048576).toFixed(2) + " MB) in " + lp.leak.allocations + " allocations (of 0x" + total.toString(16) + " (" +
        (total / 1048576).toFixed(2) + " MB) in " + result.Allocations + " allocations, 3 stacks).",
    );
  });

  test("the groups: every busy allocation counted once, the leak first with exact fields", () => {
    expect(result.Mode).toBe("all");
    expect(result.StacksRecorded).toBe(true);
    // 24 readers (LFH), 12 strings, 24 + 6 leaking blocks.
    expect(result.Allocations).toBe(24 + 12 + lp.leak.allocations);
    expect(result.Groups.length).toBe(3);
    expectLeakGroup(lp, result.Groups[0]);
    expect(result.Groups[1]).toMatchObject({ Caller: "imgsvc!OpenReader+0x33 [c:\\src\\imgsvc\\reader.cpp @ 41]", Allocations: 24, Bytes: 24 * 0x48, Type: "imgsvc!CImageReader::`vftable'" });
    expect(result.Groups[2]).toMatchObject({ Caller: "imgsvc!Config::Load+0x120", Allocations: 12, Type: null });
    expect(result.Groups.reduce((n, g) => n + g.Bytes, 0)).toBe(result.Bytes);
  });

  test("the heaps walked, and one Next: block with real values", () => {
    expect(result.Heaps.length).toBe(1);
    expect(int64Value(result.Heaps[0].Heap)).toBe(lp.heap);
    expect(result.Heaps[0].Blocks).toBe(result.Allocations);
    expect(result.NotWalked).toEqual([]);
    const next = lines.indexOf("Next:");
    expect(next).toBeGreaterThan(0);
    expect(lines.filter((l) => l === "Next:").length).toBe(1);
    expect(lines[next + 1]).toMatch(new RegExp("^  !heap -p -a " + hexAddress(lp.leak.example, ps) + " "));
    expect(lines[next + 2]).toMatch(new RegExp("^  dps " + hexAddress(lp.leakTrace!, ps) + " L0x" + (ps === 8 ? "22" : "23") + " "));
    expect(lines[next + 3]).toMatch(/^  dx @\$heapblocks\(\)\.Blocks\.Where\(b => b\.Stack\.Any\(f => f == "imgsvc!ProcessImage\+0x45"\)\) /);
  });

  test("the suggested query works and finds the leaking blocks", () => {
    const next = lines.indexOf("Next:");
    const query = lines[next + 3].trim().replace(/\)\s+every block.*$/, ")");
    const count = run(session, query + ".Count()");
    expect(Number(count.value)).toBe(lp.leak.allocations);
    expect(Number(run(session, "dx @$heapblocks().Blocks.Where(b => b.Size == 0x2000).Count()").value)).toBe(24);
  });

  if (!symbols) {
    test("without ntdll's types the built-in layout is named after the answer", () => {
      expect(lines.slice(1, 4).some((l) => /^Layout: .*built-in/.test(l))).toBe(true);
    });
  }

  test("ASCII only, and only u <address> L1 sent to the debugger, once per distinct address", () => {
    expect(r.output).toMatch(/^[\x20-\x7e\n]*$/);
    expect(executed.every((c) => /^u [0-9a-f`]+ L1$/.test(c))).toBe(true);
    expect(new Set(executed).size).toBe(executed.length);
  });
});

describe("!heapleaks without any ntdll symbols (no types, no RtlpLFHKey)", () => {
  const lp = leakingProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, symbols: false, lfhKeySymbol: false, dump: "C:\\dumps\\imgsvc.dmp" });
  const r = run(DebuggerSession.load(lp.target), "!heapleaks");
  const result = r.value as LeaksResult;
  test("the LFH subsegment whose offsets need the key is named as not walked with what to load; the leak is still found whole", () => {
    expectLeakGroup(lp, result.Groups[0]);
    expect(result.Groups.some((g) => g.Caller !== null && /OpenReader/.test(g.Caller))).toBe(false);
    expect(result.NotWalked.length).toBeGreaterThan(0);
    expect(result.NotWalked.every((n) => /LFH/.test(n.Part) && /RtlpLFHKey/.test(n.Reason))).toBe(true);
    expect(r.output).toContain("Not walked (the rest of each heap is listed):");
    // Said next to the answer too, whose figures leave the part out.
    const lines = printedLines(r.output);
    expect(lines.slice(1, 4)).toContain("These figures leave out " + (result.NotWalked.length === 1 ? "1 heap part" : result.NotWalked.length + " heap parts") + ' that could not be walked (under "Not walked" below, each with its reason).');
  });
});

describe("!heapleaks without +ust: by size and type", () => {
  const lp = leakingProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false, dump: "C:\\dumps\\imgsvc.dmp" });
  const session = DebuggerSession.load(lp.target);
  const r = run(session, "!heapleaks");
  const result = r.value as LeaksResult;
  const lines = printedLines(r.output);

  test("the leaking class shows through its vtable; the gflags advice names the program", () => {
    const buffers = result.Groups.find((g) => g.Size === 0x2000)!;
    expect(buffers).toMatchObject({ Allocations: 24, Bytes: 24 * 0x2000, Type: "imgsvc!CImageBuffer::`vftable'", Stack: null, Caller: null, StackRecord: null });
    const images = result.Groups.find((g) => g.Size === 0xa0000)!;
    expect(images).toMatchObject({ Allocations: 6, Type: null });
    expect(result.Groups.find((g) => g.Size === 0x48)).toMatchObject({ Allocations: 24, Type: "imgsvc!CImageReader::`vftable'" });
    expect(lines[0]).toBe("Largest group: size 0xa0000 (640 KB), no type holds 0x3c0000 (3.75 MB) in 6 allocations (of 0x" + result.Bytes.toString(16) + " (" + (result.Bytes / 1048576).toFixed(2) + " MB) in " + result.Allocations + " allocations, 15 groups).");
    expect(lines[1]).toMatch(/^No allocation stacks: \+ust is off for this process\. To record them: gflags \/i imgsvc\.exe \+ust, then restart the program\./);
    expect(result.StacksRecorded).toBe(false);
  });

  test("@$heapblocks gives every block its Type and an empty Stack", () => {
    const blocks = run(session, 'dx @$heapblocks().Blocks.Where(b => b.Type == "imgsvc!CImageBuffer::`vftable\'")').value as { Stack: unknown[]; Size: number; Kind: string }[];
    expect(blocks.length).toBe(24);
    for (const b of blocks) {
      expect(b.Stack).toEqual([]);
      expect(b.Size).toBe(0x2000);
      expect(b.Kind).toBe("Backend");
    }
  });
});

describe("live growth with a baseline", () => {
  const build = (leaked: number) => leakingProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, leaked });
  const first = build(8);
  const session = DebuggerSession.load(first.target);
  const baseline = run(session, "!heapleaks");
  // The program runs on for 30 s of its own clock and leaks 12 more images; the debugger breaks in again.
  const later = build(20);
  first.target.memory.copyFrom(later.target.memory);
  first.target.seconds += 30;
  const grown = run(session, "!heapleaks");
  const result = grown.value as LeaksResult;

  test("the first call shows every group and records the baseline", () => {
    expect((baseline.value as LeaksResult).Mode).toBe("baseline");
    expect(printedLines(baseline.output).slice(0, 3)).toContain("Baseline recorded (3 groups): run !heapleaks again after the program has run to see what grew.");
    expect(baseline.output).toContain("  !heapleaks ");
  });

  test("the next call lists only the group that grew, with exact deltas and its rate over the target's clock", () => {
    expect(result.Mode).toBe("growth");
    expect(result.Seconds).toBe(30);
    expect(result.Groups.length).toBe(1);
    const g = result.Groups[0];
    const delta = later.leak.bytes - first.leak.bytes;
    expect(g.DeltaBytes).toBe(delta);
    expect(g.DeltaAllocations).toBe(later.leak.allocations - first.leak.allocations);
    expect(g.BytesPerSecond).toBe(delta / 30);
    expectLeakGroup(later, g);
    const lines = printedLines(grown.output);
    expect(lines[0]).toMatch(/^Grew most since the baseline over 30\.0 s of target time: imgsvc!ProcessImage\+0x45 \[c:\\src\\imgsvc\\image\.cpp @ 212\], \+0x[0-9a-f]+ \(.*\) in \+15 allocations \(.*\/s\); now /);
    expect(lines[1]).toBe("  Its blocks begin with a pointer to imgsvc!CImageBuffer::`vftable' (class CImageBuffer).");
    expect(lines[2]).toBe("1 stack grew; 0 shrank, 0 disappeared.");
    expect(lines.slice(lines.indexOf("Next:"))).toContainEqual(expect.stringMatching(/^  !heapleaks +after the program has run longer \(g, then break in\): growth since the same baseline$/));
  });

  test("a call in another process (here: the program restarted, another PID) starts a new baseline and says so", () => {
    first.target.processId = 5120;
    const r = run(session, "!heapleaks");
    expect((r.value as LeaksResult).Mode).toBe("baseline");
    expect(r.output).toContain("The baseline was taken in imgsvc.exe PID 4312 (PEB 0x");
    expect(r.output).toContain("; this is imgsvc.exe PID 5120 (PEB 0x");
    first.target.processId = 4312;
    expect((run(session, "!heapleaks").value as LeaksResult).Mode).toBe("baseline");
  });

  test('"reset" forgets the baseline: the next call records a new one', () => {
    expect(printedLines(run(session, 'dx @$heapleaks("reset")').output)[0]).toBe("Baseline forgotten. The next !heapleaks records a new one.");
    expect((run(session, "dx @$heapleaks()").value as LeaksResult).Mode).toBe("baseline");
  });
});

describe("two dumps: save, then compare", () => {
  const before = leakingProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, leaked: 8, dump: "C:\\dumps\\imgsvc-1.dmp" });
  const saved = run(DebuggerSession.load(before.target), 'dx @$heapleaks("save", "C:\\\\cases\\\\before.json")');
  const afterDump = (o: { pid?: number; ps?: 4 | 8; leaked?: number } = {}) => {
    const after = leakingProcess({ pointerSize: o.ps || 8, build: BUILDS.win10_22h2, ust: true, leaked: o.leaked === undefined ? 20 : o.leaked, dump: "C:\\dumps\\imgsvc-2.dmp", pid: o.pid });
    after.target.seconds = 3600;
    after.target.fileSystem = before.target.fileSystem.mergeFrom(after.target.fileSystem);
    return after;
  };

  test("save writes every group, one per line, and says where", () => {
    expect(printedLines(saved.output)[0]).toBe("Saved 3 allocation groups (" + (36 + before.leak.allocations) + " allocations, 0x" + ((saved.value as { Bytes: number }).Bytes).toString(16) + " (" + ((saved.value as { Bytes: number }).Bytes / 1048576).toFixed(2) + " MB), grouped by +ust stack records) to C:\\cases\\before.json.");
    const text = before.target.fileSystem.readText("C:\\cases\\before.json")!;
    expect(text).toMatch(/^\{\r\n  "format": "leaktools heap snapshot",/);
    expect(text).toContain('"process": {"image": "imgsvc.exe", "pid": 4312}');
    expect(text.split("\r\n").filter((l) => /^    \{"key":/.test(l)).length).toBe(3);
    expect(text).toContain('"frames":["ntdll!RtlpAllocateHeapInternal+0x9e1"'.replace("ntdll!RtlpAllocateHeapInternal+0x9e1", "ntdll+0x3a9e1"));
  });

  test("compare on the later dump: the group that grew, exact deltas, over the two dumps' clocks", () => {
    const after = afterDump();
    const r = run(DebuggerSession.load(after.target), 'dx @$heapleaks("compare", "C:\\\\cases\\\\before.json")');
    const result = r.value as LeaksResult;
    expect(result.Mode).toBe("compare");
    expect(result.Seconds).toBe(3600);
    expect(result.Groups.length).toBe(1);
    expect(result.Groups[0].DeltaBytes).toBe(after.leak.bytes - before.leak.bytes);
    expect(result.Groups[0].DeltaAllocations).toBe(12 + 3);
    expectLeakGroup(after, result.Groups[0]);
    expect(printedLines(r.output)[0]).toMatch(/^Grew most since C:\\cases\\before\.json \(2026-01-01 00:00:00 UTC\) over 3,600 s \(60\.0 min\) of target time: imgsvc!ProcessImage\+0x45/);
    // The rate over the two dumps' clocks, as @$leaks gives it for pool tags; sizes in the tables as every command words them.
    expect(result.Groups[0].BytesPerSecond).toBeCloseTo((after.leak.bytes - before.leak.bytes) / 3600, 6);
    const table = printedLines(r.output).join("\n");
    expect(table).toMatch(/Delta bytes +Delta allocs +Rate +Bytes +Allocs/);
    expect(table).toContain("+" + "0x" + (after.leak.bytes - before.leak.bytes).toString(16) + " (");
    expect(table).not.toMatch(/\d,\d{3},\d{3}/);
  });

  test("another process of the same program (a restart): matched by module-relative frames, and said", () => {
    const after = afterDump({ pid: 5120 });
    const r = run(DebuggerSession.load(after.target), 'dx @$heapleaks("compare", "C:\\\\cases\\\\before.json")');
    const result = r.value as LeaksResult;
    expect(result.Groups.length).toBe(1);
    expect(result.Groups[0].DeltaAllocations).toBe(15);
    expect(r.output).toContain("Note: another process of the same program (PID 4312 then, 5120 now).");
    expect(r.output).toContain("groups are matched by their module-relative frames and types");
  });

  const refused = (edit: (text: string) => string | null, expected: RegExp, path = "C:\\cases\\bad.json") => {
    const after = afterDump();
    const text = edit(before.target.fileSystem.readText("C:\\cases\\before.json")!);
    if (text !== null) after.target.fileSystem.writeText(path, text);
    const r = run(DebuggerSession.load(after.target), 'dx @$heapleaks("compare", "' + path.replace(/\\/g, "\\\\") + '")');
    expect(r.value === undefined || r.value === null).toBe(true);
    const lines = printedLines(r.output);
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(expected);
  };

  test("a missing file", () => refused(() => null, /^No file at C:\\cases\\nothere\.json\. Save one first/, "C:\\cases\\nothere.json"));
  test("a truncated file", () => refused((t) => t.slice(0, Math.floor(t.length * 0.6)), /^Not compared: C:\\cases\\bad\.json: it ends in the middle/));
  test("an edited figure (the totals no longer add up)", () =>
    refused((t) => t.replace(/"bytes":(\d+),"example"/, (_m, n) => '"bytes":' + (Number(n) + 4096) + ',"example"'), /^Not compared: .*the totals row says 3 groups.*but the rows add up to .*edited or cut/));
  test("an edited field of the wrong kind", () => refused((t) => t.replace(/"allocations":\d+/, '"allocations":"many"'), /^Not compared: .*row 1: "allocations" is not a whole number above 0.*edited or damaged/));
  test("a file that is not a snapshot", () => refused(() => "Notes on the imgsvc leak\r\nrun !heapleaks twice\r\n", /^Not compared: C:\\cases\\bad\.json: it is not a leaktools snapshot/));
  test("a pool-tag snapshot", () => refused((t) => t.replace('"leaktools heap snapshot"', '"leaktools pool snapshot"').replace('"rows"', '"tags"'), /^Not compared: .*it is a pool-tag snapshot; read it with dx @\$leaks\("compare"/));
  test("another program's file", () => refused((t) => t.replace('"image": "imgsvc.exe"', '"image": "viewer.exe"'), /^Not compared: C:\\cases\\bad\.json is a snapshot of viewer\.exe; this process is imgsvc\.exe\./));
  test("another architecture's file", () => refused((t) => t.replace('"pointerSize": 8', '"pointerSize": 4'), /^Not compared: C:\\cases\\bad\.json is a snapshot of a 32-bit process; this one is 64-bit\./));

  test("save never replaces a file that is not a snapshot", () => {
    const after = afterDump();
    after.target.fileSystem.writeText("C:\\cases\\notes.txt", "my notes");
    const r = run(DebuggerSession.load(after.target), 'dx @$heapleaks("save", "C:\\\\cases\\\\notes.txt")');
    expect(printedLines(r.output)[0]).toMatch(/^Not saved: C:\\cases\\notes\.txt is there and it is not a leaktools snapshot.*dx @\$heapleaks\("save", "C:\\\\cases\\\\notes\.json"\)/);
    expect(after.target.fileSystem.readText("C:\\cases\\notes.txt")).toBe("my notes");
  });
});

describe("bad input: one plain line each, nothing thrown", () => {
  const lp = leakingProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, leaked: 2, dump: "C:\\dumps\\imgsvc.dmp" });
  test.each([
    ["!heapleaks 42", /^!heapleaks takes no argument, or one of: "reset", \("save", "C:\\\\cases\\\\before\.json"\), \("compare", "C:\\\\cases\\\\before\.json"\); not the number 42\.$/],
    ['!heapleaks "grow"', /^!heapleaks takes no argument.*; not the string "grow"\.$/],
    ['!heapleaks "SAVE"', /^!heapleaks takes no argument.*the operations are lower case/],
    ['dx @$heapleaks("save")', /^The "save" operation needs a file path as its second argument, not nothing: dx @\$heapleaks\("save", "C:\\\\cases\\\\before\.json"\)\.$/],
    ['dx @$heapleaks("compare", 7)', /^The "compare" operation needs a file path as its second argument, not the number 7/],
    ['dx @$heapleaks("save", "C:\\temp\\a.json")', /^The path holds a tab and an alert \(bell\) character: inside dx quotes a backslash starts an escape\. Double each backslash: dx @\$heapleaks\("save", "C:\\\\temp\\\\a\.json"\)\.$/],
    ['dx @$heapleaks("reset", 1)', /^!heapleaks takes no argument/],
    ["dx @$heapblocks(0x1234)", /is not a heap/],
    ["dx @$heapblocks(0xffff800000000000)", /is not a heap \(not a user-mode address/],
    ['dx @$heapblocks("0x10000")', /^dx @\$heapblocks takes an optional heap handle as a number \(dx @\$heapblocks\(0x29fb0000\)\), not the string "0x10000"\./],
  ])("%s", (command, expected) => {
    const r = run(DebuggerSession.load(lp.target), command);
    const lines = printedLines(r.output);
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(expected);
  });

  test("a handle that is not a heap: as typed, with the process's heaps to paste back", () => {
    const heaps = lp.hp.p.ntHeaps.map((h) => "0x" + h.address.toString(16));
    const lines = printedLines(run(DebuggerSession.load(lp.target), "dx @$heapblocks(0x1234)").output);
    expect(lines).toEqual(["0x1234 is not a heap (not a user-mode address of this process). The process's heaps: " + heaps.join(", ") + "; dx @$heapblocks() walks them all."]);
    const listed = run(DebuggerSession.load(lp.target), "dx @$heapblocks(" + heaps[0] + ")").value as { Blocks: unknown[] };
    expect(listed.Blocks.length).toBeGreaterThan(0);
  });

  test("a kernel session with no user process", () => {
    const k = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 }).target;
    for (const command of ["!heapleaks", "dx @$heapblocks()"]) {
      const lines = printedLines(run(DebuggerSession.load(k), command).output);
      expect(lines).toEqual([expect.stringMatching(/^!heap(leaks|blocks) walks the heaps of a user-mode process; this is a kernel session, where it walks none \(not even in the process \.process selects\)\. Open the process's dump/)]);
    }
  });
});

describe("damage: the rest is listed, each part not walked is named by address and reason", () => {
  test("a page of the heap's segment missing from the dump", () => {
    const lp = leakingProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, dump: "C:\\dumps\\imgsvc.dmp" });
    const whole = (run(DebuggerSession.load(leakingProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, dump: "C:\\dumps\\imgsvc.dmp" }).target), "dx @$heapleaks()").value as LeaksResult).Allocations;
    // The page holding the second leaking buffer's header (0x2000 bytes + the 0x30-byte +ust header after the first).
    const hole = (lp.leak.example + 0x2000n) & ~0xfffn;
    lp.target.memory.unmap(hole, 0x1000);
    const r = run(DebuggerSession.load(lp.target), "!heapleaks");
    const result = r.value as LeaksResult;
    expect(result.NotWalked.length).toBeGreaterThan(0);
    expect(result.Allocations).toBeGreaterThan(0);
    expect(result.Allocations).toBeLessThan(whole);
    expect(r.output).toContain("Not walked (the rest of each heap is listed):");
    expect(r.output).toContain("  heap " + hexAddress(lp.heap, 8) + ": segment range at " + hexAddress(hole, 8) + ": 4096 bytes are unreadable");
    // The one buffer whose header was on that page is the one allocation missing.
    expect(result.Groups[0].Allocations).toBe(lp.leak.allocations - 1);
  });

  test("an LFH UserBlocks with a wrong signature", () => {
    const lp = leakingProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, dump: "C:\\dumps\\imgsvc.dmp" });
    const head = lp.target.memory.read(lp.readersUserBlocks, 0x40) as Uint8Array;
    const view = new DataView(head.buffer, head.byteOffset);
    let at = -1;
    for (let i = 0; i + 4 <= 0x40; i += 4) if (view.getUint32(i, true) === 0xf0e0d0c0) at = i;
    expect(at).toBeGreaterThanOrEqual(0);
    lp.target.memory.writeU32(lp.readersUserBlocks + BigInt(at), 0x41414141);
    const r = run(DebuggerSession.load(lp.target), "!heapleaks");
    const result = r.value as LeaksResult;
    // The readers' subsegment is named, the leak is still found whole.
    expect(result.NotWalked.some((n) => /LFH/.test(n.Part))).toBe(true);
    expectLeakGroup(lp, result.Groups[0]);
    expect(result.Groups.some((g) => g.Caller !== null && /OpenReader/.test(g.Caller))).toBe(false);
  });

  test("an unreadable stack record: the group stays, and says why its stack is missing", () => {
    const lp = leakingProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, dump: "C:\\dumps\\imgsvc.dmp" });
    lp.target.memory.writeU32(lp.leakTrace! + 0xcn, 0x7777); // Depth: far above the 32 frames ntdll records
    const r = run(DebuggerSession.load(lp.target), "!heapleaks");
    const result = r.value as LeaksResult;
    expect(result.Groups[0]).toMatchObject({ Allocations: lp.leak.allocations, Bytes: lp.leak.bytes, Stack: null, Caller: null });
    expect(printedLines(r.output)[0]).toMatch(/^Largest allocation stack: stack not read \(the stack record at [0-9a-f`]+ has an implausible depth \(30583\)\) holds /);
  });
});

describe("a long walk prints a progress line, as the other long commands do", () => {
  // Five heaps of 5,000 LFH blocks each: the walk meets 20,000 blocks after the fourth heap, and from then on the
  // progress line comes every 10% of the heaps (heap-run.ts LARGE_WALK_BLOCKS).
  const hp = new HeapProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false, image: "server.exe", images: [{ file: "server.exe", size: 0x80000 }], dump: "C:\\dumps\\server.dmp" });
  for (let h = 0; h < 5; h++) {
    const heap = hp.p.heap({ reserve: 0x400000 });
    for (let s = 0; s < 20; s++) heap.lfh(0x20, 250, {});
  }
  const target = hp.finish();

  test("!heapleaks: the progress line before the answer, with the heaps and blocks so far", () => {
    const r = run(DebuggerSession.load(target), "!heapleaks");
    const progress = r.output.split("\n").filter((l) => l.startsWith("Walking heaps: "));
    expect(progress).toEqual(["Walking heaps: 80% (4 of 5 heaps, 20,000 blocks)"]);
    expect(r.output.indexOf(progress[0])).toBeLessThan(r.output.indexOf("Largest group:"));
    expect((r.value as LeaksResult).Allocations).toBe(25000);
  });

  test("a small process prints none", () => {
    const small = leakingProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, leaked: 2, dump: "C:\\dumps\\imgsvc.dmp" });
    expect(run(DebuggerSession.load(small.target), "!heapleaks").output).not.toMatch(/Walking heaps:/);
  });
});
