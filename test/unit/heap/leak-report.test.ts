import { LeakReportView, ShownGroup, rateText, reportLines, typeText } from "../../../src/heap/leak-report";

const group = (over: Partial<ShownGroup>): ShownGroup => ({
  frames: null,
  stackProblem: null,
  caller: null,
  size: null,
  type: null,
  allocations: 1,
  bytes: 0x10,
  example: "00000000`2a001000",
  stackRecord: null,
  deltaAllocations: null,
  deltaBytes: null,
  rate: null,
  ...over,
});

const view = (over: Partial<LeakReportView>): LeakReportView => ({
  mode: "all",
  ust: true,
  imageName: "app.exe",
  groupCount: 2,
  allocations: 1500,
  bytes: 0x5000000,
  shown: [],
  seconds: null,
  since: "the baseline",
  shrunk: 0,
  gone: 0,
  heaps: [{ heap: "00000000`00060000", type: "NT", lfh: true, blocks: 1500, bytes: 0x5000000, layout: "ntdll's symbols" }],
  notWalked: [],
  layoutLines: [],
  notes: [],
  next: [{ command: "!heap -p -a 00000000`2a001000", why: "one block" }],
  ...over,
});

const stackGroup = group({
  frames: ["ntdll!RtlAllocateHeap+0x3e", "halcon!HXmalloc+0x8b", "app!ProcessImage+0x45"],
  caller: "app!ProcessImage+0x45 [c:\\src\\image.cpp @ 120]",
  allocations: 1200,
  bytes: 0x4b00000,
  stackRecord: "00000000`03f01230",
});

describe("reportLines", () => {
  test("a dump with +ust: the answer is the top stack's caller with its source line, bytes and count, first", () => {
    const lines = reportLines(view({ shown: [stackGroup, group({ frames: ["app+0x10"], caller: "app+0x10", allocations: 300, bytes: 0x500000 })] }));
    expect(lines[0]).toBe(
      "Largest allocation stack: app!ProcessImage+0x45 [c:\\src\\image.cpp @ 120] holds 0x4b00000 (75.0 MB) in 1,200 allocations (of 0x5000000 (80.0 MB) in 1,500 allocations, 2 stacks).",
    );
    const text = lines.join("\n");
    expect(text).toContain("Allocation stacks, largest bytes first:");
    expect(text).toContain("#1  1,200 allocations, 0x4b00000 (75.0 MB), stack record 00000000`03f01230");
    expect(text).toContain("      halcon!HXmalloc+0x8b");
    expect(text).toContain("Heaps walked:");
    expect(lines[lines.length - 2]).toBe("Next:");
    expect(text).not.toMatch(/gflags/);
    expect(text).toMatch(/^[\x20-\x7e\n]*$/); // ASCII only
  });

  test("without +ust: grouped by size and type, the gflags advice with the program's name", () => {
    const lines = reportLines(
      view({ ust: false, shown: [group({ size: 0x48, type: "app!CImage::`vftable'", allocations: 1000, bytes: 0x11940 })] }),
    );
    expect(lines[0]).toBe("Largest group: size 0x48 (72 bytes), type app!CImage::`vftable' (class CImage) holds 0x11940 (70.3 KB) in 1,000 allocations (of 0x5000000 (80.0 MB) in 1,500 allocations, 2 groups).");
    expect(lines[1]).toMatch(/^No allocation stacks: \+ust is off for this process\. To record them: gflags \/i app\.exe \+ust, then restart the program\./);
    const table = lines.join("\n");
    expect(table).toContain("Groups by (size, type), largest bytes first (first 1 of 2):");
    expect(table).toMatch(/Size +Example +Type/);
  });

  test("live growth: the top grown group, its delta, count delta and rate", () => {
    const grown = { ...stackGroup, deltaAllocations: 400, deltaBytes: 0x1900000, rate: 0x1900000 / 20 };
    const lines = reportLines(view({ mode: "growth", groupCount: 1, shown: [grown], seconds: 20, shrunk: 3, gone: 1 }));
    expect(lines[0]).toBe(
      "Grew most since the baseline over 20.0 s of target time: app!ProcessImage+0x45 [c:\\src\\image.cpp @ 120], +0x1900000 (25.0 MB) in +400 allocations (1.25 MB/s); now 0x4b00000 (75.0 MB) in 1,200 allocations.",
    );
    expect(lines[1]).toBe("1 stack grew; 3 shrank, 1 disappeared.");
    expect(lines.join("\n")).toMatch(/Delta bytes +Delta allocs +Rate +Bytes/);
  });

  test("one vocabulary: sizes as sizeText in every table, intervals worded as @$leaks words them", () => {
    const grown = { ...stackGroup, deltaAllocations: 400, deltaBytes: 0x1900000, rate: 0x1900000 / 7200 };
    const lines = reportLines(view({ mode: "compare", groupCount: 1, shown: [grown], seconds: 7200, since: "C:\\cases\\before.json" }));
    expect(lines[0]).toMatch(/^Grew most since C:\\cases\\before\.json over 7,200 s \(2\.0 h\) of target time: /);
    const row = lines.find((l) => /^ +1 /.test(l))!;
    expect(row).toMatch(/^ +1 +\+0x1900000 \(25\.0 MB\) +\+400 +3\.56 KB\/s +0x4b00000 \(75\.0 MB\) +1,200 /);
    const heapRow = lines.find((l) => l.startsWith("  00000000`00060000"))!;
    expect(heapRow).toMatch(/NT \+ LFH +1,500 +0x5000000 \(80\.0 MB\) +symbols$/);
    expect(lines.join("\n")).not.toMatch(/\d,\d{3},\d{3}/);
  });

  test("a file written after this target: no interval claimed, no rate", () => {
    const grown = { ...stackGroup, deltaAllocations: 400, deltaBytes: 0x1900000, rate: null };
    const lines = reportLines(view({ mode: "compare", groupCount: 1, shown: [grown], seconds: -7200, since: "C:\\cases\\after.json" }));
    expect(lines[0]).toMatch(/^Grew most since C:\\cases\\after\.json \(written 7,200 s \(2\.0 h\) after this target's time\): app!ProcessImage\+0x45 /);
    expect(lines.join("\n")).not.toMatch(/Rate|over /);
  });

  test("nothing grew: one line says so", () => {
    const lines = reportLines(view({ mode: "compare", groupCount: 0, shown: [], since: "C:\\cases\\before.json", seconds: null }));
    expect(lines[0]).toBe("No allocation group grew since C:\\cases\\before.json (0x5000000 (80.0 MB) in 1,500 allocations now).");
  });

  test("parts not walked are named by heap, part, address and reason", () => {
    const lines = reportLines(view({ shown: [stackGroup], notWalked: [{ heap: "00000000`00060000", part: "segment", address: "00000000`00a00000", reason: "the segment list loops" }] }));
    expect(lines).toContain("  heap 00000000`00060000: segment at 00000000`00a00000: the segment list loops");
  });

  test("a stack that could not be read says why, in the table and the stacks", () => {
    const lines = reportLines(view({ shown: [group({ stackProblem: "stack trace record at 00000000`03f01230 (272 bytes) is unreadable", stackRecord: "00000000`03f01230" })] }));
    expect(lines[0]).toContain("stack not read (stack trace record at 00000000`03f01230 (272 bytes) is unreadable)");
  });
});

describe("rateText and typeText", () => {
  test("rates in human units per second", () => {
    expect(rateText(512)).toBe("512 bytes/s");
    expect(rateText(1536)).toBe("1.50 KB/s");
    expect(rateText(null)).toBe("?");
  });
  test("a vtable names its class; other symbols stay as they are", () => {
    expect(typeText("app!ns::CImage::`vftable'")).toBe("app!ns::CImage::`vftable' (class ns::CImage)");
    expect(typeText("app!g_table+0x10")).toBe("app!g_table+0x10");
    expect(typeText(null)).toBe("");
  });
});
