// src/snapshot/: the envelope every snapshot kind shares, encodings by byte-order mark, what a file that is not ours
// is, paths. Hand-worked values; the e2e side (files on the emulated debugger machine) is test/e2e/leaks-file.test.ts.
import { formatSnapshotFile, parseSnapshotFile, snapshotFormatOf, POOL_SNAPSHOT, HEAP_SNAPSHOT, SnapshotEnvelope, RowCheck } from "../../../src/snapshot/envelope";
import { decodingOf, decodeHead, whatItIs } from "../../../src/snapshot/file";
import { alternativeNames, checkPath, resolvedPath, typedPath } from "../../../src/snapshot/paths";
import { compareFacts, describeTarget, TargetFacts } from "../../../src/snapshot/target-facts";

const facts: TargetFacts = {
  kind: "live",
  dumpFile: null,
  windowsBuild: 22631,
  pointerSize: 8,
  systemTimeMs: Date.UTC(2026, 0, 1),
  bootTimeMs: Date.UTC(2025, 11, 31),
  bootId: 40,
  physicalPages: 0x200000,
  process: { image: "app.exe", pid: 4242 },
};

type Row = { stack: string; bytes: number };
const checkRow = (e: unknown, i: number): RowCheck<Row> => {
  const r = e as Row;
  return r && typeof r.stack === "string" && typeof r.bytes === "number" ? { row: { stack: r.stack, bytes: r.bytes } } : { problem: "row " + (i + 1) + " is not a stack and bytes" };
};
const heap: SnapshotEnvelope = { kind: HEAP_SNAPSHOT, version: 1, writtenBy: "leaktools 0.1.0", target: facts, source: "ntdll heaps" };

describe("the envelope: any kind of rows, the process for user-mode snapshots, the kind checked", () => {
  const text = formatSnapshotFile(heap, ['{"stack": "app!Load+0x12", "bytes": 4096}', '{"stack": "app!Parse+0x40", "bytes": 64}']);

  test("the text: format first, the process in the target block, one row per line, CR LF", () => {
    const lines = text.split("\r\n");
    expect(lines[1]).toBe('  "format": "leaktools heap snapshot",');
    expect(lines).toContain('    "process": {"image": "app.exe", "pid": 4242},');
    expect(lines).toContain('  "rows": [');
    expect(lines).toContain('    {"stack": "app!Load+0x12", "bytes": 4096},');
    expect(lines).toContain('    {"stack": "app!Parse+0x40", "bytes": 64}');
    expect(text.endsWith("]\r\n}\r\n")).toBe(true);
  });

  test("read back: the same envelope and rows", () => {
    const parsed = parseSnapshotFile(text, HEAP_SNAPSHOT, 10, checkRow);
    expect(parsed).toEqual({ envelope: heap, rows: [{ stack: "app!Load+0x12", bytes: 4096 }, { stack: "app!Parse+0x40", bytes: 64 }] });
  });

  test("a heap snapshot handed to the pool reader, and a pool snapshot to the heap reader, name the right command", () => {
    expect(parseSnapshotFile(text, POOL_SNAPSHOT, 10, checkRow)).toEqual({ problem: { kind: "otherKind", format: "leaktools heap snapshot", other: HEAP_SNAPSHOT } });
    const pool = formatSnapshotFile({ ...heap, kind: POOL_SNAPSHOT, target: { ...facts, process: null } }, []);
    expect(parseSnapshotFile(pool, HEAP_SNAPSHOT, 10, checkRow)).toEqual({ problem: { kind: "otherKind", format: "leaktools pool snapshot", other: POOL_SNAPSHOT } });
    // A kind of a later version: still ours, named by its format.
    const later = text.replace("leaktools heap snapshot", "leaktools handle snapshot");
    expect(parseSnapshotFile(later, POOL_SNAPSHOT, 10, checkRow)).toEqual({ problem: { kind: "otherKind", format: "leaktools handle snapshot", other: null } });
  });

  test("a row the kind's reader refuses, too many rows, a newer version, a bad process block", () => {
    expect(parseSnapshotFile(text.replace('"bytes": 64', '"bytes": "x"'), HEAP_SNAPSHOT, 10, checkRow)).toEqual({ problem: { kind: "malformed", detail: "row 2 is not a stack and bytes" } });
    expect(parseSnapshotFile(text, HEAP_SNAPSHOT, 1, checkRow)).toEqual({ problem: { kind: "malformed", detail: '"rows" has 2 entries, more than the 1 a heap snapshot keeps' } });
    expect(parseSnapshotFile(text.replace('"version": 1', '"version": 3'), HEAP_SNAPSHOT, 10, checkRow)).toEqual({ problem: { kind: "newer", version: 3, supported: 1 } });
    expect(parseSnapshotFile(text.replace('"pid": 4242', '"pid": -1'), HEAP_SNAPSHOT, 10, checkRow)).toEqual({
      problem: { kind: "malformed", detail: '"target.process" is not {"image": name or null, "pid": number or null}' },
    });
  });

  test("which files are ours: a format named 'leaktools ... snapshot' at the start, with or without a byte-order mark", () => {
    expect(snapshotFormatOf(text)).toBe("leaktools heap snapshot");
    expect(snapshotFormatOf("\uFEFF" + text)).toBe("leaktools heap snapshot");
    expect(snapshotFormatOf('{"format": "leaktools pool snapshot", "version": 1')).toBe("leaktools pool snapshot");
    expect(snapshotFormatOf('{"name": "x", "format": "leaktools pool snapshot"}')).toBeNull();
    expect(snapshotFormatOf('{"format": "something else"}')).toBeNull();
    expect(snapshotFormatOf("leaktools pool snapshot")).toBeNull();
  });

  test("another process or image is said; the target line names the process", () => {
    expect(compareFacts(facts, { ...facts, process: { image: "APP.EXE", pid: 5000 } })).toEqual([{ kind: "otherProcess", what: "PID 4242 then, 5000 now" }]);
    expect(compareFacts(facts, { ...facts, process: { image: "other.exe", pid: 4242 } })).toEqual([{ kind: "otherProcess", what: "app.exe then, other.exe now" }]);
    expect(describeTarget(facts)).toBe("live target, Windows build 22631, 64-bit, process app.exe (PID 4242)");
  });
});

const bytes = (s: string) => Array.from(Buffer.from(s, "latin1"));
const utf16 = (s: string, bigEndian: boolean) => {
  const out: number[] = [];
  for (const c of s) out.push(...(bigEndian ? [c.charCodeAt(0) >> 8, c.charCodeAt(0) & 0xff] : [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8]));
  return out;
};

describe("encodings by byte-order mark (Unicode Standard 23.8)", () => {
  test("UTF-8 without and with a mark, UTF-16 LE and BE with one", () => {
    expect(decodingOf(bytes('{"format"'))).toEqual({ name: "UTF-8", reader: "Utf8", swapBytes: false });
    expect(decodingOf([0xef, 0xbb, 0xbf, 0x7b])).toEqual({ name: "UTF-8 with a byte-order mark", reader: "Utf8", swapBytes: false });
    expect(decodingOf([0xff, 0xfe, 0x7b, 0])).toEqual({ name: "UTF-16 LE", reader: "Utf16", swapBytes: false });
    expect(decodingOf([0xfe, 0xff, 0, 0x7b])).toEqual({ name: "UTF-16 BE", reader: "Utf16", swapBytes: true });
  });
  test("what cannot be read is named: UTF-32 either way, UTF-16 without a mark", () => {
    expect(decodingOf([0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0])).toEqual({ cannot: "UTF-32" });
    expect(decodingOf([0, 0, 0xfe, 0xff])).toEqual({ cannot: "UTF-32" });
    expect(decodingOf(utf16('{"format": 1}', false))).toEqual({ cannot: "UTF-16 without a byte-order mark" });
  });
  test("a file's head decoded in each: the format field found in all", () => {
    const start = '{\r\n  "format": "leaktools pool snapshot",';
    for (const b of [bytes(start), [0xef, 0xbb, 0xbf, ...bytes(start)], [0xff, 0xfe, ...utf16(start, false)], [0xfe, 0xff, ...utf16(start, true)]]) {
      const d = decodingOf(b);
      if ("cannot" in d) throw new Error("not decoded");
      expect(snapshotFormatOf(decodeHead(b, d))).toBe("leaktools pool snapshot");
    }
  });
});

describe("why a file is not ours, from its first bytes", () => {
  test("dumps by their signature (MDMP; PAGEDUMP, PAGEDU64), empty files, other JSON, text", () => {
    expect(whatItIs(bytes("PAGEDU64\x0f\x00\x00\x00"))).toBe("it is a crash dump (a kernel dump: it starts with PAGEDU64)");
    expect(whatItIs(bytes("PAGEDUMP\x0f\x00\x00\x00"))).toBe("it is a crash dump (a kernel dump: it starts with PAGEDUMP)");
    expect(whatItIs(bytes("MDMP\x93\xa7\x00\x00"))).toBe("it is a crash dump (a minidump: it starts with MDMP)");
    expect(whatItIs([])).toBe("it is an empty file, not a leaktools snapshot");
    expect(whatItIs(bytes('{"name": "leaktools"}'))).toMatch(/^it is JSON or similar, but not a leaktools snapshot/);
    expect(whatItIs(bytes("Case 4711: customer says\r\nthe leak starts"))).toBe('it is not a leaktools snapshot (it starts with "Case 4711: customer says")');
  });
});

describe("paths", () => {
  test("mangled, invalid, drive-relative, missing; a good path as given", () => {
    expect(checkPath("C:\temp\new.json")).toEqual({ problem: "mangled", what: "a tab and a line break", typed: "C:\\\\temp\\\\new.json" });
    expect(checkPath("C:\\a|b.json")).toEqual({ problem: "invalid" });
    expect(checkPath("C:cases.json")).toEqual({ problem: "driveRelative" });
    expect(checkPath(42)).toEqual({ problem: "missing" });
    expect(checkPath("before.json")).toEqual({ path: "before.json" });
    expect(typedPath("C:\\cases\\x.json")).toBe("C:\\\\cases\\\\x.json");
  });
  test("a relative path resolved against the debugger's folder; absolute and UNC kept", () => {
    expect(resolvedPath("before.json", "C:\\Debuggers")).toBe("C:\\Debuggers\\before.json");
    expect(resolvedPath("\\cases\\b.json", "D:\\Debuggers")).toBe("D:\\cases\\b.json");
    expect(resolvedPath("C:\\cases\\b.json", "D:\\x")).toBe("C:\\cases\\b.json");
    expect(resolvedPath("\\\\server\\share\\b.json", "D:\\x")).toBe("\\\\server\\share\\b.json");
    expect(resolvedPath("b.json", null)).toBe("b.json");
  });
  test("names offered instead of a file that is not ours", () => {
    expect(alternativeNames("C:\\cases\\after.dmp").slice(0, 3)).toEqual(["C:\\cases\\after.json", "C:\\cases\\after-2.json", "C:\\cases\\after-3.json"]);
    expect(alternativeNames("C:\\cases\\after.json")[0]).toBe("C:\\cases\\after-2.json");
    expect(alternativeNames("C:\\cases.d\\notes")[0]).toBe("C:\\cases.d\\notes.json");
  });
});
