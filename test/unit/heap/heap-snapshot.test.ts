import { Address } from "../../../src/core/address";
import { HEAP_SNAPSHOT, formatSnapshotFile, parseSnapshotFile } from "../../../src/snapshot/envelope";
import { groupBlocks } from "../../../src/heap/groups";
import { checkHeapRow, heapSnapshotRows, portableKey, snapshotGroup, snapshotGroups } from "../../../src/heap/heap-snapshot";
import type { HeapBlock } from "../../../src/heap/heap-blocks";

const record = new Address(0x200, 0x3f01230);
const vtable = new Address(0x7ff6, 0x1005a0f8);
const block = (at: number, size: number, stackRecord: Address | null, firstPointer: Address | null = null): HeapBlock => ({
  address: new Address(0x200, at),
  size,
  heap: new Address(0x200, 0x10000),
  kind: "Backend",
  header: new Address(0x200, at - 0x30),
  stackRecord,
  firstPointer,
});

const groups = groupBlocks([block(0x11000, 0x2000, record, vtable), block(0x13000, 0x2000, record, vtable), block(0x15000, 0x48, null)], true, () => true);
const rows = groups.map((g) => snapshotGroup(g, g.stackRecord ? ["ntdll+0x39f3e", "imgsvc+0x1a45"] : null, g.typePointer ? "imgsvc+0x5a0f8" : null));
const target = { kind: "dump" as const, dumpFile: "C:\\cases\\a.dmp", windowsBuild: 19045, pointerSize: 8 as const, systemTimeMs: Date.UTC(2026, 0, 1), bootTimeMs: null, bootId: 7, physicalPages: 0x3ff000, process: { image: "imgsvc.exe", pid: 4312 } };
const text = formatSnapshotFile({ kind: HEAP_SNAPSHOT, version: 1, writtenBy: "leaktools test", target, source: "+ust stack records" }, heapSnapshotRows(rows, true));
const parse = (t: string) => parseSnapshotFile(t, HEAP_SNAPSHOT, 100, checkHeapRow);

describe("heap snapshot rows", () => {
  test("written and read back: the same groups, the totals row checked", () => {
    const parsed = parse(text);
    if ("problem" in parsed) throw new Error(JSON.stringify(parsed.problem));
    const back = snapshotGroups(parsed.rows);
    if ("problem" in back) throw new Error(back.problem);
    expect(back.ust).toBe(true);
    expect(back.groups).toEqual(rows);
    expect(back.groups[0]).toMatchObject({ stackRecord: "20003f01230", type: "7ff61005a0f8", typeName: "imgsvc+0x5a0f8", allocations: 2, bytes: 0x4000, frames: ["ntdll+0x39f3e", "imgsvc+0x1a45"] });
    // One group per line, then the totals: two files diff line by line.
    expect(text.split("\r\n").filter((l) => /^    \{"(key|totals)"/.test(l)).length).toBe(3);
  });

  test("an edited figure no longer adds up to the totals", () => {
    const edited = text.replace('"bytes":16384', '"bytes":16385');
    const parsed = parse(edited);
    if ("problem" in parsed) throw new Error("parsed");
    const back = snapshotGroups(parsed.rows);
    expect("problem" in back && back.problem).toMatch(/^the totals row says 2 groups, 3 allocations, 16456 bytes, but the rows add up to 2, 3, 16457 \(the file was edited or cut\)$/);
  });

  test.each([
    ['"allocations":2', '"allocations":0', /row 1: "allocations" is not a whole number above 0/],
    ['"stackRecord":"20003f01230"', '"stackRecord":"zz"', /row 1: "stackRecord" is not hex or null/],
    ['"stackRecord":"20003f01230"', '"stackRecord":null', /row 1: "key" and "stackRecord" disagree/],
    ['"frames":["ntdll+0x39f3e","imgsvc+0x1a45"]', '"frames":"ntdll"', /row 1: "frames" is not a list of frames or null/],
    ['{"totals":', '{"total":', /row 3: "key" is not a group key/],
  ])("a field of the wrong kind: %s -> %s", (from, to, expected) => {
    const parsed = parse(text.replace(from, to));
    expect("problem" in parsed && parsed.problem.kind === "malformed" && parsed.problem.detail).toMatch(expected);
  });

  test("a group listed twice, and a missing totals row", () => {
    const lines = text.split("\r\n");
    const first = lines.findIndex((l) => /^    \{"key"/.test(l));
    const twice = lines.slice(0, first + 1).concat(lines.slice(first)).join("\r\n");
    const p1 = parse(twice);
    if ("problem" in p1) throw new Error("parsed");
    expect(snapshotGroups(p1.rows)).toEqual({ problem: expect.stringMatching(/is listed twice$/) });
    const noTotals = text.replace(/,\r\n    \{"totals":[^\r]*/, "");
    const p2 = parse(noTotals);
    if ("problem" in p2) throw new Error(JSON.stringify(p2.problem));
    expect(snapshotGroups(p2.rows)).toEqual({ problem: "the totals row is missing at the end of the rows" });
  });

  test("portable keys: frames for stack groups, size and module-relative type for size groups", () => {
    expect(portableKey({ stackRecord: "1", size: null, frames: ["a+0x1", "b+0x2"], typeName: null })).toBe("f:a+0x1,b+0x2");
    expect(portableKey({ stackRecord: "1", size: null, frames: null, typeName: null })).toBeNull();
    expect(portableKey({ stackRecord: null, size: 0x48, frames: null, typeName: "imgsvc+0x5a0f8" })).toBe("z:48:imgsvc+0x5a0f8");
    expect(portableKey({ stackRecord: null, size: 0x48, frames: null, typeName: null })).toBe("z:48:-");
  });
});
