// dx @$leaks("save", path) and dx @$leaks("compare", path): pool-tag snapshots that outlive the session (issue 16).
// Two dumps of the seed 000 scene taken two hours apart on the target's clock share the debugger machine's files.
import { DebuggerSession, RunResult } from "../emulator/session";
import { EmulatedFileSystem } from "../emulator/filesystem";
import { seed000, Seed000Options, LEAK_SIZE } from "../targets/pool-scenes";
import { PoolTargetBuilder } from "../targets/pool";

type Rec = Record<string, unknown>;

const SAVE = 'dx @$leaks("save", "C:\\\\cases\\\\before.json")';
const COMPARE = 'dx @$leaks("compare", "C:\\\\cases\\\\before.json")';
/** Two hours of target time, in which NotMyFault adds 180 blocks of 40 MB to `Leak`: exactly 1 MB/s. */
const INTERVAL = 7200;
const LEAK_GROWTH = 180;

function machine(): EmulatedFileSystem {
  const files = new EmulatedFileSystem();
  files.mkdir("C:\\cases");
  return files;
}

function dump(files: EmulatedFileSystem, name: string, seconds: number, options: Seed000Options = {}): PoolTargetBuilder {
  const p = seed000({ dumpFile: "C:\\cases\\" + name, ...options });
  p.target.fileSystem = files.mergeFrom(p.target.fileSystem);
  p.target.seconds = seconds;
  return p;
}

function grow(p: PoolTargetBuilder): void {
  // A second tracker entry of a tag adds to the first, as the per-processor tables do.
  p.tag({ tag: "Leak", nonPagedAllocs: LEAK_GROWTH, nonPagedBytes: LEAK_GROWTH * LEAK_SIZE });
  p.tag({ tag: "Thre", nonPagedAllocs: 40, nonPagedBytes: 40 * 0x2000 });
  p.tag({ tag: "NewT", pagedAllocs: 3, pagedBytes: 0x3000 });
}

function expectClean(r: RunResult, files: EmulatedFileSystem): void {
  expect(r.escaped).toBeNull();
  expect([...files.openHandles.keys()]).toEqual([]);
}

describe("two dumps: save on before.dmp, compare on after.dmp", () => {
  const files = machine();
  const before = dump(files, "before.dmp", 0);
  const saved = DebuggerSession.load(before.target).run(SAVE);
  const after = dump(files, "after.dmp", INTERVAL);
  grow(after);
  const compared = DebuggerSession.load(after.target).run(COMPARE);

  test("save says what it wrote: tags, target time, build, boot, the dump's name, and what it could not save", () => {
    expectClean(saved, files);
    expect(saved.output).toContain("Saved 9 tags to C:\\cases\\before.json (snapshot format version 1,");
    expect(saved.output).toContain("  Target: dump C:\\cases\\before.dmp, Windows build 19045, 64-bit.");
    expect(saved.output).toContain("  Target time: 2026-01-01 00:00:00 UTC (KUSER_SHARED_DATA.SystemTime).");
    expect(saved.output).toContain("  Boot: booted 2025-12-31 19:00:00 UTC (SystemTime - InterruptTime), BootId 12, 4,194,304 physical pages.");
    expect(saved.output).toContain("Not saved: the computer name");
    expect(saved.output).toContain('Next:\n  dx @$leaks("compare", "C:\\\\cases\\\\before.json")  on the later dump: the tags that grew since this one\n');
    expect(saved.output).not.toContain("Replaced the file");
  });

  test("the file is the documented JSON: format, version, target facts, one entry per tag", () => {
    const data = JSON.parse(files.readText("C:\\cases\\before.json")!);
    expect(data.format).toBe("leaktools pool snapshot");
    expect(data.version).toBe(1);
    expect(data.target).toEqual({
      kind: "dump",
      dumpFile: "C:\\cases\\before.dmp",
      windowsBuild: 19045,
      pointerSize: 8,
      systemTime: "2026-01-01T00:00:00.000Z",
      bootTime: "2025-12-31T19:00:00.000Z",
      bootId: 12,
      physicalPages: 0x400000,
      computerName: null,
    });
    expect(data.source).toBe("nt!PoolTrackTable");
    expect(data.tags.length).toBe(9);
    expect(data.tags.find((t: Rec) => t.tag === "Leak")).toEqual({
      tag: "Leak", nonPagedAllocs: 119, nonPagedFrees: 0, nonPagedBytes: 4991221760, pagedAllocs: 0, pagedFrees: 0, pagedBytes: 0,
    });
    // One tag per line, so two snapshots diff line by line.
    expect(files.readText("C:\\cases\\before.json")!.split("\r\n").filter((l) => l.includes('"tag"')).length).toBe(9);
  });

  test("compare gives the exact deltas and the rate over the two dumps' own clocks", () => {
    expectClean(compared, files);
    const rows = (compared.value as { Tags: Rec[] }).Tags;
    expect(rows.map((r) => r.Tag)).toEqual(["Leak", "Thre", "NewT"]);
    expect(rows[0]).toMatchObject({
      Tag: "Leak",
      BytesThen: 4991221760,
      BytesNow: 4991221760 + LEAK_GROWTH * LEAK_SIZE,
      BytesDelta: LEAK_GROWTH * LEAK_SIZE,
      NonPagedDelta: LEAK_GROWTH * LEAK_SIZE,
      PagedDelta: 0,
      OutstandingDelta: LEAK_GROWTH,
      Seconds: INTERVAL,
      BytesPerSecond: 1024 * 1024,
    });
    expect(rows[1]).toMatchObject({ Tag: "Thre", BytesDelta: 40 * 0x2000, OutstandingDelta: 40, Description: "Thread objects (nt!ps)" });
    expect(rows[2]).toMatchObject({ Tag: "NewT", BytesThen: 0, BytesDelta: 0x3000, PagedDelta: 0x3000, OutstandingDelta: 3 });
    expect(compared.output).toContain(
      "Snapshot C:\\cases\\before.json (format version 1, leaktools 0.1.0): 9 tags from nt!PoolTrackTable, dump C:\\cases\\before.dmp, Windows build 19045, 64-bit, target time 2026-01-01 00:00:00 UTC.",
    );
    expect(compared.output).toContain("This target: dump C:\\cases\\after.dmp, Windows build 19045, 64-bit, target time 2026-01-01 02:00:00 UTC: 7,200 s (2.0 h) later.");
    expect(compared.output).toMatch(/'Leak'\s+0x129800000 \(4\.65 GB\)\s+0x2eb800000 \(11\.7 GB\)\s+\+0x1c2000000 \(7\.03 GB\)\s+\+180\s+1\.00 MB\/s/);
    expect(compared.output.split("\n")[0]).toBe("'Leak' grew the most: +0x1c2000000 (7.03 GB) in 7,200 s (2.0 h), 1.00 MB/s; 3 tags grew since the snapshot.");
    expect(compared.output).toContain('Next:\n  !leaktag "Leak"  the driver that allocates it\n');
    expect(compared.output).not.toContain("Warning");
  });

  test("save onto an existing file says it replaced it", () => {
    const r = DebuggerSession.load(after.target).run(SAVE);
    expectClean(r, files);
    expect(r.output).toContain("Replaced the leaktools pool snapshot that was at C:\\cases\\before.json.");
    expect(JSON.parse(files.readText("C:\\cases\\before.json")!).target.dumpFile).toBe("C:\\cases\\after.dmp");
  });
});

describe("live: save now, compare later, and the in-session snapshots still work", () => {
  test("save, 10 s of target time, compare in the same session; dx @$leaks() unchanged beside it", () => {
    const p = seed000({ dump: false });
    p.target.fileSystem = machine();
    const s = DebuggerSession.load(p.target);
    expect(s.run("dx @$leaks()").output).toContain("Baseline recorded: 9 tags");
    const saved = s.run('dx @$leaks("save", "C:\\\\cases\\\\live.json")');
    expectClean(saved, p.target.fileSystem);
    expect(saved.output).toContain("  Target: live target, Windows build 19045, 64-bit.");
    expect(JSON.parse(p.target.fileSystem.readText("C:\\cases\\live.json")!).target).toMatchObject({ kind: "live", dumpFile: null });
    p.target.seconds += 10;
    p.tag({ tag: "Leak", nonPagedAllocs: 10, nonPagedBytes: 10 * LEAK_SIZE });
    const compared = s.run('dx @$leaks("compare", "C:\\\\cases\\\\live.json")');
    expectClean(compared, p.target.fileSystem);
    expect((compared.value as { Tags: Rec[] }).Tags).toEqual([expect.objectContaining({ Tag: "Leak", BytesDelta: 10 * LEAK_SIZE, OutstandingDelta: 10, Seconds: 10, BytesPerSecond: LEAK_SIZE })]);
    expect(compared.output).toContain("live target, Windows build 19045, 64-bit, target time 2026-01-01 00:00:10 UTC: 10.0 s later.");
    const inSession = (s.run("dx @$leaks()").value as { Tags: Rec[] }).Tags;
    expect(inSession[0]).toMatchObject({ Tag: "Leak", BytesDelta: 10 * LEAK_SIZE, Seconds: 10 });
  });
});

describe("compared with a warning that says which", () => {
  const files = machine();
  DebuggerSession.load(dump(files, "before.dmp", 0).target).run(SAVE);
  test("a snapshot later than the current target", () => {
    const earlier = dump(files, "earlier.dmp", -600);
    const r = DebuggerSession.load(earlier.target).run(COMPARE);
    expectClean(r, files);
    expect(r.output).toContain("Warning: the snapshot was taken after this target's time (2026-01-01 00:00:00 UTC then, 2025-12-31 23:50:00 UTC now)");
    expect(r.output).toContain("600 s (10.0 min) earlier.");
  });
  test("another machine", () => {
    const other = dump(files, "other.dmp", 3600, { physicalPages: 0x200000, bootId: 3, bootAtSeconds: 0 });
    grow(other);
    const r = DebuggerSession.load(other.target).run(COMPARE);
    expectClean(r, files);
    expect(r.output).toContain("Warning: the snapshot comes from another machine (4194304 physical pages then, 2097152 now)");
    expect(r.output).not.toContain("rebooted");
    expect((r.value as { Tags: Rec[] }).Tags[0]).toMatchObject({ Tag: "Leak", BytesDelta: LEAK_GROWTH * LEAK_SIZE });
  });
  test("a reboot in between: BootId and boot time", () => {
    const rebooted = dump(files, "rebooted.dmp", 3600, { bootId: 13, bootAtSeconds: 1800 });
    const r = DebuggerSession.load(rebooted.target).run(COMPARE);
    expectClean(r, files);
    expect(r.output).toContain(
      "Warning: the target rebooted between the snapshot and now (BootId 12 then, 13 now; booted 2025-12-31 19:00:00 UTC then, 2026-01-01 00:30:00 UTC now)",
    );
  });
});

describe("bad input: one plain line saying what is wrong and what to type, nothing thrown", () => {
  const files = machine();
  const p = dump(files, "after.dmp", 0);
  const s = DebuggerSession.load(p.target);
  /** The lines the command printed (dx's own echo of the call left out). */
  const said = (line: string) => {
    const r = s.run(line);
    expectClean(r, files);
    return r.output.split("\n").filter((l) => l && !l.startsWith("@$leaks("));
  };
  const compareFile = (text: string) => {
    files.writeText("C:\\cases\\bad.json", text);
    return said('dx @$leaks("compare", "C:\\\\cases\\\\bad.json")');
  };
  const good = () => {
    DebuggerSession.load(dump(files, "before.dmp", 0).target).run('dx @$leaks("save", "C:\\\\cases\\\\good.json")');
    return files.readText("C:\\cases\\good.json")!;
  };

  test("a missing file", () => {
    expect(said(COMPARE)).toEqual([
      'There is no file C:\\cases\\before.json. Check the path (backslashes doubled inside quotes), or write the snapshot first on the earlier target: dx @$leaks("save", "C:\\\\cases\\\\before.json").',
    ]);
  });
  test("an unreadable file", () => {
    files.writeText("C:\\cases\\locked.json", good());
    files.lockedFiles.add("c:\\cases\\locked.json");
    expect(said('dx @$leaks("compare", "C:\\\\cases\\\\locked.json")')).toEqual([
      "Could not read C:\\cases\\locked.json: The process cannot access the file because it is being used by another process. Close the program that holds it, or copy it and compare with the copy.",
    ]);
  });
  test("not a leaktools snapshot: a text file, other JSON", () => {
    expect(compareFile("EtwB - nt!etw - Etw Buffer\r\n")).toEqual([
      'C:\\cases\\bad.json is not a leaktools snapshot (it is not JSON). Compare with a file written by dx @$leaks("save", "C:\\\\cases\\\\before.json").',
    ]);
    expect(compareFile('{"name": "leaktools", "version": "0.1.0"}')[0]).toContain('is not a leaktools snapshot (no "format": "leaktools pool snapshot" field)');
  });
  test("an empty file", () => {
    expect(compareFile("")[0]).toMatch(/^C:\\cases\\bad\.json is empty, not a leaktools snapshot\./);
  });
  test("a truncated file", () => {
    const text = good();
    const lines = compareFile(text.slice(0, Math.floor(text.length / 2)));
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(/^C:\\cases\\bad\.json ends before the snapshot does \(truncated; .+\)\. Copy the whole file again, or save a new snapshot\.$/);
  });
  test("a malformed file: broken JSON, a field of the wrong type, a tag listed twice", () => {
    const text = good();
    expect(compareFile(text.replace('"tags": [', '"tags": [,'))[0]).toMatch(/^C:\\cases\\bad\.json is a damaged leaktools snapshot: /);
    expect(compareFile(text.replace('"nonPagedBytes": 4991221760', '"nonPagedBytes": "lots"'))).toEqual([
      "C:\\cases\\bad.json is a damaged leaktools snapshot: tag 'Leak': \"nonPagedBytes\" is not a whole number of 0 or more. Save a new one with dx @$leaks(\"save\", ...), or fix that line.",
    ]);
    expect(compareFile(text.replace('"systemTime": "2026-01-01T00:00:00.000Z"', '"systemTime": "yesterday"'))[0]).toContain('"target.systemTime" is not a UTC time');
    expect(compareFile(text.replace('{"tag": "Thre"', '{"tag": "Leak"'))[0]).toContain("tag 'Leak' is listed twice");
  });
  test("written by a newer version", () => {
    expect(compareFile(good().replace('"version": 1,', '"version": 2,'))).toEqual([
      "C:\\cases\\bad.json was written by a newer leaktools (snapshot format version 2; this one reads version 1). Load the newer leaktools.js with .scriptload, or save the earlier target again with this one.",
    ]);
  });
  test("a path with spaces is fine", () => {
    files.mkdir("C:\\My Cases");
    expect(s.run('dx @$leaks("save", "C:\\\\My Cases\\\\before dump.json")').output).toContain("Saved 9 tags to C:\\My Cases\\before dump.json");
    expect(s.run('dx @$leaks("compare", "C:\\\\My Cases\\\\before dump.json")').output).toContain("No tag grew since the snapshot (9 tags compared).");
  });
  test("single backslashes: dx turned \\t and \\n into a tab and a line break", () => {
    expect(said('dx @$leaks("save", "C:\\temp\\new.json")')).toEqual([
      'The path contains a tab and a line break: inside quotes dx reads a backslash as the start of an escape (\\t is a tab, \\n a new line), so single backslashes were lost. Double every backslash: dx @$leaks("save", "C:\\\\temp\\\\new.json").',
    ]);
    expect(files.exists("C:\\temp\\new.json")).toBe(false);
  });
  test("single backslashes: \\b, \\f, \\v and \\a, which dx also takes as escapes, are named and the path given back typed right", () => {
    expect(said('dx @$leaks("save", "C:\\temp\\before.json")')).toEqual([
      'The path contains a tab and a backspace: inside quotes dx reads a backslash as the start of an escape (\\t is a tab, \\n a new line), so single backslashes were lost. Double every backslash: dx @$leaks("save", "C:\\\\temp\\\\before.json").',
    ]);
    expect(said('dx @$leaks("compare", "C:\\files\\volume.json")')).toEqual([
      'The path contains a form feed and a vertical tab: inside quotes dx reads a backslash as the start of an escape (\\t is a tab, \\n a new line), so single backslashes were lost. Double every backslash: dx @$leaks("compare", "C:\\\\files\\\\volume.json").',
    ]);
    expect(said('dx @$leaks("save", "C:\\\\cases\\a.json")')).toEqual([
      'The path contains an alert (bell) character: inside quotes dx reads a backslash as the start of an escape (\\t is a tab, \\n a new line), so single backslashes were lost. Double every backslash: dx @$leaks("save", "C:\\\\cases\\\\a.json").',
    ]);
    expect(files.exists("C:\\temp\\before.json")).toBe(false);
    expect(files.exists("C:\\cases\\a.json")).toBe(false);
  });
  test("single backslashes before digits: dx read an octal escape; the path is given back with its digits", () => {
    expect(said('dx @$leaks("save", "C:\\\\cases\\1.json")')).toEqual([
      'The path contains control character 0x1: inside quotes dx reads a backslash as the start of an escape (\\t is a tab, \\n a new line), so single backslashes were lost. Double every backslash: dx @$leaks("save", "C:\\\\cases\\\\1.json").',
    ]);
  });
  test("a drive letter without a backslash, invalid characters, no path, a number, too many arguments", () => {
    expect(said('dx @$leaks("compare", "C:casesbefore.json")')[0]).toMatch(/^The path "C:casesbefore\.json" has no backslash after the drive letter/);
    expect(said('dx @$leaks("save", "C:\\\\cases\\\\a|b.json")')[0]).toMatch(/is not a valid Windows file name/);
    expect(said('dx @$leaks("save")')).toEqual(['Usage: dx @$leaks("save", "C:\\\\cases\\\\before.json") - a file path in quotes, backslashes doubled; got nothing.']);
    expect(said('dx @$leaks("compare", 42)')[0]).toMatch(/^Usage: dx @\$leaks\("compare", "C:\\\\cases\\\\before\.json"\)/);
    expect(said('dx @$leaks("save", "C:\\\\a.json", 1)')[0]).toMatch(/got 3 arguments\.$/);
  });
  test("save into a folder that does not exist", () => {
    const lines = said('dx @$leaks("save", "C:\\\\nowhere\\\\before.json")');
    expect(lines[lines.length - 1]).toBe(
      'Could not write C:\\nowhere\\before.json: The system cannot find the path specified. Check that the folder exists and that you may write there (backslashes doubled inside quotes), e.g. dx @$leaks("save", "C:\\\\cases\\\\before.json").',
    );
  });
});

describe("save never overwrites evidence: only an earlier leaktools snapshot is replaced (issue 23)", () => {
  const files = machine();
  const s = DebuggerSession.load(dump(files, "after.dmp", 0).target);
  const dumpBytes = Array.from(Buffer.from("PAGEDU64\x0f\x00\x00\x00\x61\x4a\x00\x00", "latin1"));
  const said = (line: string) => {
    const r = s.run(line);
    expectClean(r, files);
    return r.output.split("\n").filter((l) => l && !l.startsWith("@$leaks("));
  };

  test("a crash dump is refused, left byte for byte, and a free name offered", () => {
    files.writeBytes("C:\\cases\\after.dmp", dumpBytes);
    expect(said('dx @$leaks("save", "C:\\\\cases\\\\after.dmp")').slice(-1)).toEqual([
      "Not saved: C:\\cases\\after.dmp is already there and it is a crash dump (a kernel dump: it starts with PAGEDU64). A save replaces only an earlier leaktools snapshot, so a dump or a notes file is never overwritten. Save under another name: dx @$leaks(\"save\", \"C:\\\\cases\\\\after.json\"), or move that file first.",
    ]);
    expect(Array.from(Buffer.from(files.readText("C:\\cases\\after.dmp")!, "latin1"))).toEqual(dumpBytes);
  });
  test("the offered name skips files that exist", () => {
    files.writeText("C:\\cases\\after.json", "notes");
    expect(said('dx @$leaks("save", "C:\\\\cases\\\\after.dmp")').slice(-1)[0]).toContain('Save under another name: dx @$leaks("save", "C:\\\\cases\\\\after-2.json")');
  });
  test("a notes file, other JSON and an empty file are refused with the reason", () => {
    files.writeText("C:\\cases\\notes.txt", "Case 4711: leak after the weekend\r\n");
    expect(said('dx @$leaks("save", "C:\\\\cases\\\\notes.txt")').slice(-1)[0]).toMatch(/^Not saved: C:\\cases\\notes\.txt is already there and it is not a leaktools snapshot \(it starts with "Case 4711: leak after th"\)\./);
    expect(files.readText("C:\\cases\\notes.txt")).toBe("Case 4711: leak after the weekend\r\n");
    files.writeText("C:\\cases\\package.json", '{"name": "leaktools"}');
    expect(said('dx @$leaks("save", "C:\\\\cases\\\\package.json")').slice(-1)[0]).toContain("is already there and it is JSON or similar, but not a leaktools snapshot");
    files.writeText("C:\\cases\\empty.json", "");
    expect(said('dx @$leaks("save", "C:\\\\cases\\\\empty.json")').slice(-1)[0]).toContain("is already there and it is an empty file, not a leaktools snapshot.");
    expect(files.readText("C:\\cases\\empty.json")).toBe("");
  });
  test("a snapshot of another kind (a heap snapshot) is ours, so it is replaced, and the output says what it replaced", () => {
    files.writeText("C:\\cases\\heap.json", '{\r\n  "format": "leaktools heap snapshot",\r\n  "version": 1\r\n}\r\n');
    expect(said('dx @$leaks("save", "C:\\\\cases\\\\heap.json")')).toContain("Replaced the leaktools heap snapshot that was at C:\\cases\\heap.json.");
    expect(JSON.parse(files.readText("C:\\cases\\heap.json")!).format).toBe("leaktools pool snapshot");
  });
  test("a file that cannot be opened to check is not replaced", () => {
    files.writeText("C:\\cases\\locked.json", "x");
    files.lockedFiles.add("c:\\cases\\locked.json");
    expect(said('dx @$leaks("save", "C:\\\\cases\\\\locked.json")').slice(-1)[0]).toMatch(/^Not saved: C:\\cases\\locked\.json is already there and it could not be read to check that it is a leaktools snapshot \(The process cannot access the file/);
    expect(files.readText("C:\\cases\\locked.json")).toBe("x");
  });
  test("a relative path is reported as the full path it resolved to, and the next command uses it", () => {
    const out = said('dx @$leaks("save", "before.json")');
    expect(out.filter((l) => l.startsWith("Saved "))[0]).toMatch(/^Saved 9 tags to C:\\Debuggers\\before\.json \(snapshot format version 1,/);
    expect(out).toContain('  dx @$leaks("compare", "C:\\\\Debuggers\\\\before.json")  on the later dump: the tags that grew since this one');
    expect(files.exists("C:\\Debuggers\\before.json")).toBe(true);
    expect(said('dx @$leaks("compare", "nothere.json")')[0]).toMatch(/^There is no file C:\\Debuggers\\nothere\.json\./);
  });
});

describe("compare reads the file in the encoding its byte-order mark says (an editor may have saved it again)", () => {
  const files = machine();
  DebuggerSession.load(dump(files, "before.dmp", 0).target).run(SAVE);
  const text = files.readText("C:\\cases\\before.json")!;
  const after = dump(files, "after.dmp", INTERVAL);
  grow(after);
  const s = DebuggerSession.load(after.target);
  const utf16 = (t: string, bigEndian: boolean) => {
    const out: number[] = [];
    for (let i = 0; i < t.length; i++) out.push(...(bigEndian ? [t.charCodeAt(i) >> 8, t.charCodeAt(i) & 0xff] : [t.charCodeAt(i) & 0xff, t.charCodeAt(i) >> 8]));
    return out;
  };
  const ascii = (t: string) => Array.from(Buffer.from(t, "latin1"));
  const encodings: [string, number[]][] = [
    ["UTF-8 with a byte-order mark", [0xef, 0xbb, 0xbf, ...ascii(text)]],
    ["UTF-16 LE with a byte-order mark", [0xff, 0xfe, ...utf16(text, false)]],
    ["UTF-16 BE with a byte-order mark", [0xfe, 0xff, ...utf16(text, true)]],
    ["UTF-8 with LF line ends", ascii(text.replace(/\r\n/g, "\n"))],
  ];
  for (const [name, bytes] of encodings) {
    test(name + ": the same deltas as the file as written", () => {
      files.writeBytes("C:\\cases\\edited.json", bytes);
      const r = s.run('dx @$leaks("compare", "C:\\\\cases\\\\edited.json")');
      expectClean(r, files);
      expect((r.value as { Tags: Rec[] }).Tags.map((x) => [x.Tag, x.BytesDelta])).toEqual([["Leak", LEAK_GROWTH * LEAK_SIZE], ["Thre", 40 * 0x2000], ["NewT", 0x3000]]);
    });
  }
  test("UTF-32 and UTF-16 without a mark: the message names the encoding it could not read", () => {
    files.writeBytes("C:\\cases\\edited.json", [0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0]);
    const r = s.run('dx @$leaks("compare", "C:\\\\cases\\\\edited.json")');
    expectClean(r, files);
    expect(r.output).toContain("Could not read C:\\cases\\edited.json: its text is UTF-32, which leaktools does not read (it reads UTF-8, and UTF-16 with a byte-order mark).");
    files.writeBytes("C:\\cases\\edited.json", utf16(text, false));
    expect(s.run('dx @$leaks("compare", "C:\\\\cases\\\\edited.json")').output).toContain("its text is UTF-16 without a byte-order mark");
  });
  test("a heap snapshot handed to @$leaks names the command that reads it", () => {
    files.writeText("C:\\cases\\heap.json", text.replace("leaktools pool snapshot", "leaktools heap snapshot"));
    const r = s.run('dx @$leaks("compare", "C:\\\\cases\\\\heap.json")');
    expectClean(r, files);
    expect(r.output).toContain('C:\\cases\\heap.json is a heap snapshot, not a pool-tag snapshot: compare it with dx @$heapleaks("compare", "C:\\\\cases\\\\before.json").');
  });
});

describe("a provider whose File.ReadBytes fails", () => {
  test("compare still reads the file (as UTF-8 text); save does not replace what it could not check", () => {
    const files = machine();
    DebuggerSession.load(dump(files, "before.dmp", 0).target).run(SAVE);
    files.readBytesFails = true;
    const after = dump(files, "after.dmp", INTERVAL);
    grow(after);
    const s = DebuggerSession.load(after.target);
    const compared = s.run(COMPARE);
    expectClean(compared, files);
    expect((compared.value as { Tags: Rec[] }).Tags[0]).toMatchObject({ Tag: "Leak", BytesDelta: LEAK_GROWTH * LEAK_SIZE });
    const saved = s.run(SAVE);
    expectClean(saved, files);
    expect(saved.output).toContain("Not saved: C:\\cases\\before.json is already there and it could not be read to check that it is a leaktools snapshot (Unspecified error (0x80004005))");
    expect(s.run('dx @$leaks("save", "C:\\\\cases\\\\new.json")').output).toContain("Saved 10 tags to C:\\cases\\new.json");
  });
});
