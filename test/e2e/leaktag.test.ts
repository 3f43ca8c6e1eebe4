import * as fs from "fs";
import * as path from "path";
import * as vm from "vm";
import { DebuggerSession } from "../emulator/session";
import { seed000, seed003, LEAK_SIZE } from "../targets/pool-scenes";
import { PoolTargetBuilder, BUILDS, SCN } from "../targets/pool";
import { buildPe, loadImage } from "../targets/pe-builder";
import { userTarget } from "../targets/builder";
import { expectGolden } from "../support/golden";
import { failEachRead } from "../support/faults";

type Rec = Record<string, unknown>;


/** The command's output followed by !leaktools' from the same session: commands print a short layout line once, and
 *  !leaktools carries the full reason for each built-in layout the session used. */
function runWhy(target: Parameters<typeof DebuggerSession.load>[0], line: string) {
  const s = DebuggerSession.load(target);
  const r = s.run(line);
  return { ...r, output: r.output + s.run("!leaktools").output };
}

describe("!leaktag on the seed 000 scene (Win10 x64, 1709+ layout, 4 processor tables)", () => {
  test("Leak: usage, 119 big pages of 40 MB, myfault the single high-confidence owner (golden)", () => {
    const r = DebuggerSession.load(seed000().target).run('!leaktag "Leak"');
    expect(r.escaped).toBeNull();
    expectGolden("leaktag-seed000-leak", r.output);
    const v = r.value as Rec;
    const usage = v.Usage as Rec;
    expect((usage.NonPagedAllocs as number) - (usage.NonPagedFrees as number)).toBe(119);
    expect(usage.NonPagedBytes).toBe(4991221760);
    const big = v.BigAllocations as Rec[];
    expect(big.length).toBe(119);
    expect(big.every((b) => b.Size === LEAK_SIZE && b.Pool === "NonPaged")).toBe(true);
    const owners = v.Owners as Rec[];
    expect(owners.filter((o) => o.Confidence === "high").map((o) => o.Module)).toEqual(["myfault"]);
    const hits = owners[0].Hits as Rec[];
    expect(hits.map((h) => [String(h.toString()).split(" ")[0], h.Kind, h.Allocator])).toEqual([
      ["fffff807`47f51557", "code", "ExAllocatePool2"],
      ["fffff807`47f515c5", "code", "ExAllocatePool2"],
    ]);
    expect(owners.slice(1).every((o) => o.Confidence === "low")).toBe(true);
    expect(r.output).toContain("Next:\n  u fffff807`47f51557 L5    the allocation site: the tag loaded, then the call\n  lm v a fffff807`47f51557  myfault.sys's path, version and timestamp\n");
    // The answer first; big pages hold every outstanding block here, so no !poolallocs.
    expect(r.output.split("\n")[0]).toBe("'Leak': 119 outstanding, 0x129800000 (4.65 GB) NonPaged; myfault.sys allocates it (myfault+0x1557, 2 allocator calls).");
    expect(r.output).not.toContain("!poolallocs");
    expect(r.output).toMatch(/myfault INIT fffff807`47f55000, 0x800 \(2\.00 KB\): .*discard/);
  });

  test("!leaktag ranks tags by nonpaged then paged bytes", () => {
    const r = DebuggerSession.load(seed000().target).run("!leaktag");
    expect(r.escaped).toBeNull();
    expectGolden("leaktag-seed000-rank", r.output);
    const rows = (r.value as { Tags: Rec[] }).Tags;
    expect(rows[0].Tag).toBe("Leak");
    expect(rows.find((x) => x.Tag === "EtwB")!.PagedBytes).toBe(131072);
  });

  test("dx @$pooltags() returns every tag summed over the processor tables", () => {
    const rows = (DebuggerSession.load(seed000().target).run("dx @$pooltags()").value as { Tags: Rec[] }).Tags;
    expect(rows.length).toBe(9);
    const ketr = rows.find((x) => x.Tag === "KETR")!;
    expect([ketr.NonPagedAllocs, ketr.NonPagedFrees, ketr.NonPagedBytes]).toEqual([16410, 0, 8117664]);
  });

  test("wildcards, bad arguments, user mode", () => {
    const s = DebuggerSession.load(seed000().target);
    expect(s.run('!leaktag "Le*"').output).toContain("myfault.sys allocates it");
    // Several matches: the largest in the first line, each tag's outstanding count and bytes per pool (NonPaged then
    // Paged, as sizes), and the largest one's own !leaktag to type.
    const etw = s.run('!leaktag "Etw*"').output;
    expect(etw.split("\n")[0]).toBe("2 tags match; the largest: 'EtwB': 196 outstanding, 0x737100 (7.22 MB) NonPaged; 2 outstanding, 0x20000 (128 KB) Paged. !leaktag on one of them (in quotes, no wildcard) finds its owner.");
    expect(etw).toMatch(/^  Tag +NonPaged outstanding +NonPaged bytes +Paged outstanding +Paged bytes$/m);
    expect(etw).toMatch(/^  'EtwR' +12,141 +0x28c800 \(2\.55 MB\) +0 +0x0 \(0 bytes\)$/m);
    expect(etw).toContain('Next:\n  !leaktag "EtwB"  the largest of them: its big allocations and the driver that allocates it\n');
    for (const bad of ['!leaktag ""', '!leaktag "Leaky"', "!leaktag 5"]) expect(s.run(bad).output).toMatch(/^Usage: !leaktag/);
    expect(s.run("!leaktag 2872").output).toMatch(/^Usage: !leaktag.*\(a tag made of digits needs quotes too\)\.$/m);
    const u = DebuggerSession.load(userTarget({ pointerSize: 8, build: BUILDS.win10_22h2 }).target).run('!leaktag "Leak"');
    expect(u.output).toContain("needs a kernel target");
  });

  test("without tracker symbols it parses !poolused 2 and says so", () => {
    const p = seed000({ noTrackerSymbols: true });
    const seedText = fs.readFileSync(path.join(__dirname, "../fixtures/pool/poolused-seed000.txt"), "utf8").split("\n").filter((l) => l && !l.startsWith("# "));
    p.target.onCommand("!poolused 2", seedText);
    const r = DebuggerSession.load(p.target).run('!leaktag "Leak"');
    expect(r.output).toContain("parsed from !poolused 2");
    expect((r.value as Rec).Usage).toMatchObject({ Tag: "Leak", NonPagedOutstanding: 119, NonPagedBytes: 4991221760 });
    expect(r.output).toContain("myfault.sys allocates it");
  });

  test("every failed read is handled: no exception, no write, and the output names what was unreadable", () => {
    const summary = failEachRead(() => seed000().target, '!leaktag "Leak"', 60);
    expect(summary.escaped).toBe(0);
    expect(summary.writes).toBe(0);
    // Each run either names what it could not read, or recovered (a failed 1 MB read is retried page by page) and
    // still gives the full answer.
    for (const run of summary.runs) {
      const out = run.result.output;
      const recovered = out.includes("myfault.sys allocates it") && out.includes("119 live, 0x129800000 (4.65 GB)");
      if (!recovered) expect(out).toMatch(/unreadable/);
    }
  });
});

describe("old layout on x86: Win7 (one table; nt!ExPoolTagTables is Win8+) and Win8.1 (per-processor tables)", () => {
  test("None is the untagged ExAllocatePool and points to !findimporter", () => {
    const r = runWhy(seed003().target, '!leaktag "None"');
    expect(r.escaped).toBeNull();
    expect(r.output).toContain("Layout: _POOL_TRACKER_TABLE: not in the symbols (.reload /f nt to get them); using the built-in layout for Windows 7 SP1 to 10 1703 x86 (not checked against a PDB).");
    expect(r.output.split("\n")[0]).toContain("'None': 246,479 outstanding, 0x30790a0 (48.5 MB) NonPaged");
    expect(r.output).toContain('!findimporter "ExAllocatePool"');
  });
  test("Win8.1 x86: expansion table entries are summed; corrupt counts are capped", () => {
    const p = new PoolTargetBuilder({ pointerSize: 4, build: BUILDS.win81, processors: 2, expansionTags: [{ tag: "Xpan", nonPagedAllocs: 5, nonPagedBytes: 500 }] });
    p.tag({ tag: "Abc", pagedAllocs: 36405, pagedBytes: 33930272 });
    const rows = (DebuggerSession.load(p.target).run("dx @$pooltags()").value as { Tags: Rec[] }).Tags;
    expect(rows.map((x) => x.Tag)).toEqual(["Abc ", "Xpan"]);
    expect(rows[0].PagedBytes).toBe(33930272);
    p.b.writePtr(p.target.symbols.get("nt!PoolTrackTableSize")!, 0x7fffffff);
    expect(DebuggerSession.load(p.target).run("!leaktag").output).toMatch(/PoolTrackTableSize is 2147483647/);
  });
});

describe("dx @$leaks() on a live session", () => {
  test("baseline, then the growing tag with its rate over the target's clock", () => {
    const p = seed000({ dump: false });
    const s = DebuggerSession.load(p.target);
    expect(s.run("dx @$leaks()").output).toContain("Baseline recorded: 9 tags");
    p.target.seconds += 10;
    p.tag({ tag: "Leak", nonPagedAllocs: 10, nonPagedBytes: 10 * LEAK_SIZE }); // a second entry of the same tag adds up
    const r = s.run("dx @$leaks()");
    const rows = (r.value as { Tags: Rec[] }).Tags;
    expect(rows.length).toBe(1);
    expect(rows[0]).toMatchObject({ Tag: "Leak", BytesDelta: 10 * LEAK_SIZE, OutstandingDelta: 10, Seconds: 10, BytesPerSecond: LEAK_SIZE, Trend: "09" });
    expect(s.run('dx @$leaks("reset")').output).toContain("Snapshots cleared");
  });
  test("on a dump it says a second snapshot needs a live target", () => {
    const r = DebuggerSession.load(seed000().target).run("dx @$leaks()");
    expect(r.output.split("\n")[0]).toContain("This is a dump: growth needs a second snapshot");
    expect((r.value as { Tags: Rec[] }).Tags[0].Tag).toBe("Leak");
  });
});

describe("provenance lines are said once per session", () => {
  test("which tables were summed and which pooltag.txt: the first command says so, the next do not, a new file is said again", () => {
    const p = seed000();
    p.target.addFile("C:\\tags\\mine.txt", fs.readFileSync(path.join(__dirname, "../fixtures/pool/pooltag.txt"), "utf8"));
    const s = DebuggerSession.load(p.target);
    const first = s.run("!leaktag").output;
    expect(first).toContain("Summed nt!PoolTrackTable (2,048 entries) over 4 processor tables.");
    expect(first).toMatch(/^Descriptions: .*pooltag\.txt\.$/m);
    const second = s.run("dx @$pooltags()").output;
    expect(second).not.toContain("Summed nt!PoolTrackTable");
    expect(second).not.toMatch(/^Descriptions: /m);
    s.run('!pooltagfile "C:\\\\tags\\\\mine.txt"');
    const third = s.run('!leaktag "EtwB"').output;
    expect(third).not.toContain("Summed nt!PoolTrackTable");
    expect(third).toMatch(/^Descriptions: .*pooltag\.txt, C:\\tags\\mine\.txt\.$/m);
  });
});

describe("!pooltagfile", () => {
  test("user descriptions are remembered for later commands", () => {
    const p = seed000();
    p.target.addFile("C:\\tags\\mine.txt", fs.readFileSync(path.join(__dirname, "../fixtures/pool/pooltag.txt"), "utf8"));
    const s = DebuggerSession.load(p.target);
    const loaded = s.run('!pooltagfile "C:\\\\tags\\\\mine.txt"');
    expect(loaded.output).toContain("Loaded 5 tag descriptions");
    expect(loaded.output).toContain("Next:\n  !leaktag  the tags ranked by bytes, with these descriptions\n");
    // One record, the entries a collection: the ! form does not list a line per tag of the file.
    const file = loaded.value as { Path: string; Count: number; Encoding: string; Tags: Rec[] };
    expect([file.Path, file.Count, file.Encoding, file.Tags.length]).toEqual(["C:\\tags\\mine.txt", 5, "UTF-8", 5]);
    expect(file.Tags.find((x) => x.Tag === "EtwB")!.Description).toBe("Etw Buffer");
    const rows = (s.run("dx @$pooltags()").value as { Tags: Rec[] }).Tags;
    expect(rows.find((x) => x.Tag === "EtwB")!.Description).toBe("Etw Buffer (nt!etw)");
    expect(s.run('!pooltagfile "C:\\\\nope.txt"').output).toContain("There is no file C:\\nope.txt;");
  });
  // An editor may save the file again as UTF-16 or with a UTF-8 byte-order mark: read as snapshot files are
  // (src/snapshot/file.ts), so the first tag is not lost to a mark and UTF-16 is not read as zero-laced ASCII.
  // The fixture's comment lines dropped, so that the file starts with a tag line, right after any mark.
  const tagText = fs.readFileSync(path.join(__dirname, "../fixtures/pool/pooltag.txt"), "utf8").split(/\r?\n/).filter((l) => l.trim() && !/^(#|\/\/)/.test(l)).join("\r\n");
  const ascii = (t: string) => Array.from(Buffer.from(t, "latin1"));
  const utf16 = (t: string, bigEndian: boolean) => ascii(t).flatMap((c) => (bigEndian ? [0, c] : [c, 0]));
  test.each([
    ["UTF-8 with a byte-order mark", [0xef, 0xbb, 0xbf, ...ascii(tagText)]],
    ["UTF-16 LE", [0xff, 0xfe, ...utf16(tagText, false)]],
    ["UTF-16 BE", [0xfe, 0xff, ...utf16(tagText, true)]],
  ] as [string, number[]][])("a file saved as %s gives the same descriptions, and says its encoding", (name, bytes) => {
    const p = seed000();
    p.target.fileSystem.writeBytes("C:\\tags\\mine.txt", bytes);
    const s = DebuggerSession.load(p.target);
    expect(s.run('!pooltagfile "C:\\\\tags\\\\mine.txt"').output).toContain("Loaded 5 tag descriptions from C:\\tags\\mine.txt (" + name + ")");
    const rows = (s.run("dx @$pooltags()").value as { Tags: Rec[] }).Tags;
    expect(rows.find((x) => x.Tag === "EtwB")!.Description).toBe("Etw Buffer (nt!etw)");
    // The file's first line is a tag: with the mark left in front of it, 'ConT' would not be found.
    expect(tagText.startsWith("ConT ")).toBe(true);
    expect(rows.find((x) => x.Tag === "ConT")!.Description).toBe("Test connection table");
  });
  test("UTF-32, UTF-16 without a mark, and a missing file: the message says which, with the full path", () => {
    const p = seed000();
    p.target.fileSystem.writeBytes("C:\\tags\\wide.txt", [0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]);
    p.target.fileSystem.writeBytes("C:\\tags\\nomark.txt", utf16(tagText, false));
    const s = DebuggerSession.load(p.target);
    expect(s.run('!pooltagfile "C:\\\\tags\\\\wide.txt"').output).toContain("Could not read C:\\tags\\wide.txt: its text is UTF-32, which leaktools does not read");
    expect(s.run('!pooltagfile "C:\\\\tags\\\\nomark.txt"').output).toContain("its text is UTF-16 without a byte-order mark");
    expect(s.run('!pooltagfile "C:\\\\tags\\\\none.txt"').output).toContain("There is no file C:\\tags\\none.txt;");
  });
  test("bad paths: the usage line shows backslashes doubled, and single backslashes that dx turned into a tab and a backspace are named", () => {
    const s = DebuggerSession.load(seed000().target);
    expect(s.run("!pooltagfile 5").output).toContain('Usage: !pooltagfile "C:\\\\path\\\\tags.txt" - a text file of "Tag - binary - description" lines; got the number 5.');
    const r = s.run('!pooltagfile "C:\\temp\\before.txt"');
    expect(r.escaped).toBeNull();
    expect(r.output.split("\n")[0]).toBe(
      'The path contains a tab and a backspace: inside quotes dx reads a backslash as the start of an escape (\\t is a tab, \\n a new line), so single backslashes were lost. Double every backslash: !pooltagfile "C:\\\\temp\\\\before.txt".',
    );
  });
  test("lines of the real pooltag.txt: a tag without a line of its own takes its group's description (Afd?)", () => {
    const p = seed000();
    p.tag({ tag: "AfdZ", nonPagedAllocs: 3, nonPagedBytes: 0x3000 });
    const real = fs.readFileSync(path.join(__dirname, "../fixtures/pool/pooltag-real-excerpt.txt"), "utf8").split("\n").filter((l) => !l.startsWith("# "));
    p.target.addFile("C:\\tags\\real.txt", real.join("\r\n"));
    const s = DebuggerSession.load(p.target);
    expect(s.run('!pooltagfile "C:\\\\tags\\\\real.txt"').output).toContain("Loaded 35 tag descriptions");
    const rows = (s.run("dx @$pooltags()").value as { Tags: Rec[] }).Tags;
    expect(rows.find((x) => x.Tag === "AfdZ")!.Description).toBe("AFD objects (afd.sys)");
    expect(s.run("!leaktag").output).toMatch(/'AfdZ'\s+3\s+0x3000 \(12.0 KB\)\s+AFD objects \(afd.sys\)/);
  });
});

describe("owners on a 32-bit driver and corrupted tables", () => {
  test("x86: push 'Abc ' then call [IAT ExAllocatePoolWithTag] is a high-confidence owner", () => {
    const p = new PoolTargetBuilder({ pointerSize: 4, build: BUILDS.win7sp1 });
    p.tag({ tag: "Abc", pagedAllocs: 36405, pagedBytes: 33930272 });
    p.bigPage("Abc", 0x5000, { paged: true });
    const imports = [{ dll: "ntoskrnl.exe", functions: ["ExAllocatePoolWithTag", "ExFreePoolWithTag"] }];
    const base = BigInt(p.b.moduleRange(0x10000));
    const probe = buildPe({ is64: false, sections: [{ name: ".text", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ, size: 0x1000 }], imports });
    const slot = Number(base) + probe.iatRva["ntoskrnl.exe!ExAllocatePoolWithTag"];
    // push 'Abc '; push 0x100; push 1; call dword ptr [slot]
    const code = Uint8Array.from([0x68, 0x41, 0x62, 0x63, 0x20, 0x68, 0x00, 0x01, 0x00, 0x00, 0x6a, 0x01, 0xff, 0x15, slot & 0xff, (slot >> 8) & 0xff, (slot >> 16) & 0xff, slot >>> 24]);
    const image = buildPe({ is64: false, sections: [{ name: ".text", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ, content: code, size: 0x1000 }], imports });
    loadImage(p.b, "abc.sys", base, image);
    const v = DebuggerSession.load(p.target).run('!leaktag "Abc"').value as Rec;
    const owners = v.Owners as Rec[];
    expect(owners.map((o) => [o.Module, o.Confidence])).toEqual([["abc", "high"]]);
    expect(((owners[0].Hits as Rec[])[0]).Allocator).toBe("ExAllocatePoolWithTag");
    expect((v.BigAllocations as Rec[]).map((b) => [b.Size, b.Pool])).toEqual([[0x5000, "Paged"]]);
  });

  test("absurd big-page count and processor count are capped and reported", () => {
    const p = seed000();
    p.b.writePtr(p.target.symbols.get("nt!PoolBigPageTableSize")!, 0x7fffffffn);
    p.b.memory.writeU32(p.target.symbols.get("nt!KeNumberProcessors")!, 100000);
    const r = DebuggerSession.load(p.target).run('!leaktag "Leak"');
    expect(r.escaped).toBeNull();
    expect(r.output).toContain("nt!PoolBigPageTableSize is 2147483647; only the first 8,388,608 entries were read");
    expect(r.output).toContain("nt!KeNumberProcessors is 100000");
    expect((r.value as Rec).Usage).toMatchObject({ NonPagedBytes: 4991221760 }); // the null-terminated array still works
  });
});

describe("more targets and faults", () => {
  test("32-bit live session: @$leaks() reads the clock at 0xFFDF0014", () => {
    const p = seed003();
    const live = new PoolTargetBuilder({ pointerSize: 4, build: BUILDS.win7sp1, processors: 1 });
    live.tag({ tag: "None", nonPagedAllocs: 10, nonPagedBytes: 1000 });
    const s = DebuggerSession.load(live.target);
    s.run("dx @$leaks()");
    live.target.seconds += 4;
    live.tag({ tag: "None", nonPagedAllocs: 4, nonPagedBytes: 400 });
    expect((s.run("dx @$leaks()").value as { Tags: Rec[] }).Tags).toEqual([expect.objectContaining({ Tag: "None", BytesDelta: 400, Seconds: 4, BytesPerSecond: 100 })]);
    const ranking = DebuggerSession.load(p.target).run("!leaktag").output;
    expect(ranking).toContain("Read nt!PoolTrackTable (512 entries; no per-processor tables).");
    expect(ranking).toContain("Top 10 tags by Paged bytes:\n  No tag holds Paged pool.");
  });

  test("!leaktag and @$pooltags under failing reads", () => {
    for (const command of ["!leaktag", "dx @$pooltags()", "dx @$leaks()"]) {
      const summary = failEachRead(() => seed000().target, command, 40);
      expect(summary.escaped).toBe(0);
      expect(summary.writes).toBe(0);
      // A tag table whose whole read failed is read again in steps (src/pool/prefix.ts): the run then matches the
      // healthy one; otherwise it says what was unreadable.
      const healthy = DebuggerSession.load(seed000().target).run(command).output;
      for (const run of summary.runs) {
        if (run.result.output !== healthy) expect(run.result.output).toMatch(/unreadable/i);
      }
      expect(summary.runs.filter((r) => /unreadable/i.test(r.result.output)).length).toBeGreaterThan(summary.runs.length / 2);
    }
  });
});

describe("every tracker layout (x64 targets from the PDBs of their build where the data set has it, layouts.md §2.2 otherwise), with three processor tables wherever the kernel has nt!ExPoolTagTables", () => {
  const cases: [string, number, 4 | 8, number][] = [
    ["Win7 SP1 x64, one table", BUILDS.win7sp1, 8, 1],
    ["Win7 SP1 x64, three tables (its PDB has nt!ExPoolTagTables)", BUILDS.win7sp1, 8, 3],
    ["Win8.1 x64", BUILDS.win81, 8, 3],
    ["Win10 1607 / Server 2016 x64", 14393, 8, 3],
    ["Win10 1703 x64", BUILDS.win10_1703, 8, 3],
    ["Win10 1709 x64", BUILDS.win10_1709, 8, 3],
    ["Win10 1809 / Server 2019 x64", BUILDS.win10_1809, 8, 3],
    ["Win10 1909 x64 (reports 18363 on 18362's kernel)", 18363, 8, 3],
    ["Win10 22H2 x64 (reports 19045 on 19041's kernel)", BUILDS.win10_22h2, 8, 3],
    ["Server 2022 x64 (0x50, big pages 0x20)", 20348, 8, 3],
    ["Win11 21H2 x64 (0x50)", BUILDS.win11_21h2, 8, 3],
    ["Win11 22H2 x64 (0x50)", BUILDS.win11_22h2, 8, 3],
    ["Win7 SP1 x86, one table", BUILDS.win7sp1, 4, 1],
    ["Win8.1 x86", BUILDS.win81, 4, 3],
    ["Win10 1709 x86", BUILDS.win10_1709, 4, 3],
  ];
  test.each(cases)("%s", (_label, build, pointerSize, processors) => {
    const p = new PoolTargetBuilder({ pointerSize, build, processors, expansionTags: [{ tag: "Xp", pagedAllocs: 2, pagedFrees: 1, pagedBytes: 64 }] });
    p.tag({ tag: "Leak", nonPagedAllocs: 1000, nonPagedFrees: 881, nonPagedBytes: 119 * 4096 });
    p.tag({ tag: "Ab", pagedAllocs: 7, pagedBytes: 7 * 128 });
    p.bigPage("Leak", 0x3000);
    p.bigPage("Leak", 0x5000, { paged: true });
    p.bigPage("Leak", 0x2000, { free: true });
    const s = DebuggerSession.load(p.target);
    const rows = (s.run("dx @$pooltags()").value as { Tags: Rec[] }).Tags;
    expect(rows.map((x) => [x.Tag, x.NonPagedAllocs, x.NonPagedFrees, x.NonPagedBytes, x.PagedAllocs, x.PagedFrees, x.PagedBytes])).toEqual([
      ["Ab  ", 0, 0, 0, 7, 0, 896],
      ["Leak", 1000, 881, 487424, 0, 0, 0],
      ["Xp  ", 0, 0, 0, 2, 1, 64],
    ]);
    const big = (s.run('!leaktag "Leak"').value as Rec).BigAllocations as Rec[];
    expect(big.map((b) => [b.Size, b.Pool])).toEqual([[0x3000, "NonPaged"], [0x5000, "Paged"]]);
  });
});

describe("owners through the driver's own allocation wrapper", () => {
  // Real bytes from Wine's ntoskrnl.exe (test/fixtures/leaktag/wine-code.txt): create_file_object's
  // `mov r8d, imm32 ... call alloc_kernel_object`, and alloc_kernel_object's first 0x36 bytes, which call HeapAlloc
  // through the IAT. Placed in a driver with the tag as the immediate, the call's rel32 re-aimed at the wrapper and the
  // wrapper's disp32 re-aimed at the driver's ExAllocatePoolWithTag slot; every other byte is as compiled.
  const fixture = new Map<string, number[]>();
  for (const line of fs.readFileSync(path.join(__dirname, "../fixtures/leaktag/wine-code.txt"), "utf8").split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const f = line.split("|");
    fixture.set(f[0], f[5].split(" ").map((h) => parseInt(h, 16)));
  }
  const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];

  test("mov r8d, 'Wrap'; call MyAlloc, where MyAlloc calls [ExAllocatePoolWithTag]: high, via the wrapper", () => {
    const p = new PoolTargetBuilder({ pointerSize: 8, build: BUILDS.win10_22h2, processors: 2 });
    p.tag({ tag: "Wrap", nonPagedAllocs: 50, nonPagedBytes: 50 * 0x2000 });
    const imports = [{ dll: "ntoskrnl.exe", functions: ["ExAllocatePoolWithTag", "ExFreePoolWithTag"] }];
    const textSpec = { name: ".text", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ, size: 0x1000 };
    const probe = buildPe({ is64: true, sections: [textSpec], imports });
    const slotRva = probe.iatRva["ntoskrnl.exe!ExAllocatePoolWithTag"];
    const textRva = probe.sectionRva[".text"];
    const CALLER = 0x100;
    const WRAPPER = 0x400;
    const call = fixture.get("ntoskrnl-wrapper-call")!.slice();
    call.splice(2, 4, ...[0x57, 0x72, 0x61, 0x70]); // 'Wrap'
    call.splice(17, 4, ...le32(WRAPPER - (CALLER + 21)));
    const body = fixture.get("ntoskrnl-wrapper-body")!;
    const code = new Uint8Array(0x1000);
    code.set(call, CALLER);
    code.set(body, WRAPPER);
    // disp32 of `ff 15` at WRAPPER+48 is relative to the next instruction at WRAPPER+54 (RVAs).
    const disp = slotRva - (textRva + WRAPPER + 54);
    code.set(le32(disp), WRAPPER + 50);
    const drv = p.driver("wrapdrv.sys", { sections: [{ ...textSpec, content: code }], imports });
    expect(drv.image.iatRva["ntoskrnl.exe!ExAllocatePoolWithTag"]).toBe(slotRva);
    const r = DebuggerSession.load(p.target).run('!leaktag "Wrap"');
    expect(r.escaped).toBeNull();
    const owners = (r.value as Rec).Owners as Rec[];
    expect(owners.map((o) => [o.Module, o.Confidence])).toEqual([["wrapdrv", "high"]]);
    const hit = (owners[0].Hits as Rec[])[0];
    expect(hit.Allocator).toBe("ExAllocatePoolWithTag");
    expect(hit.Wrapper).not.toBeNull();
    expect(r.output).toContain("wrapdrv+0x" + (textRva + WRAPPER).toString(16) + " (wrapper) -> ExAllocatePoolWithTag");
    expect(r.output).toContain("wrapdrv.sys allocates it (wrapdrv+0x1100)");
  });
});

describe("dx over @$leaktag() does not repeat an identical report", () => {
  test("the dx query prints one line instead of the report; a changed pool prints it in full", () => {
    const p = seed000({ dump: false });
    const s = DebuggerSession.load(p.target);
    const first = s.run('!leaktag "Leak"');
    expect(first.output).toContain("Big pool allocations");
    const again = s.run('dx @$leaktag("Leak").Owners.Where(o => o.Confidence == "high").Select(o => o.Module)');
    expect(again.output).not.toContain("Big pool allocations");
    expect(again.output).toMatch(/^\(!leaktag "Leak": the same report as above, not printed again; the result kept from the earlier run \(the target has not run since\); !leaktag \("Leak", "refresh"\) reads the target again\.\)$/m);
    expect(again.value).toEqual(["myfault"]);
    // The live target runs (its clock moves) and allocates more: the report differs and is printed whole.
    p.tag({ tag: "Leak", nonPagedAllocs: 1, nonPagedBytes: LEAK_SIZE });
    p.target.seconds += 5;
    const changed = s.run('dx @$leaktag("Leak").Usage');
    expect(changed.output.split("\n")[0]).toBe("'Leak': 120 outstanding, 0x12c000000 (4.69 GB) NonPaged; myfault.sys allocates it (myfault+0x1557, 2 allocator calls).");
    // Another tag, then the first again: its report is still on the screen (the rule keys on the report's text).
    s.run('!leaktag "ConT"');
    expect(s.run('!leaktag "Leak"').output).toMatch(/^\(!leaktag "Leak": the same report as above/);
    // The window is the host's clock: two minutes later the same report is printed again (from the kept result).
    const now = Date.now();
    vm.runInContext("Date.now = function () { return " + (now + 121000) + "; };", s.context);
    expect(s.run('!leaktag "Leak"').output).toContain("Big pool allocations");
    // The ranking too.
    s.run("!leaktag");
    expect(s.run("dx @$leaktag().Tags.Count()").output).toMatch(/^\(!leaktag: the same report/m);
  });
});

describe("Windows Server 2022 without symbols (issue 14: it has Windows 11's sizes, from its PDB)", () => {
  /** A Server 2022 kernel dump: tracker entries 0x50 and big-page entries 0x20 (build 20348's PDB, via the builder). */
  function server2022(options: { knownBuild: boolean }) {
    const p = new PoolTargetBuilder({ pointerSize: 8, build: 20348, processors: 4, dump: "C:\\Windows\\MEMORY.DMP", tableSize: 1024, bigPageTableSize: 1024 });
    p.tag({ tag: "Leak", nonPagedAllocs: 5000, nonPagedFrees: 4881, nonPagedBytes: 119 * 0x200000 });
    p.tag({ tag: "Srv2", nonPagedAllocs: 300, nonPagedFrees: 100, nonPagedBytes: 200 * 0x40, pagedAllocs: 77, pagedFrees: 7, pagedBytes: 70 * 0x100 });
    p.tag({ tag: "File", nonPagedAllocs: 9734, nonPagedBytes: 3877408 });
    for (let i = 0; i < 119; i++) p.bigPage("Leak", 0x200000);
    p.bigPage("Leak", 0x200000, { free: true });
    p.bigPage("Srv2", 0x3000, { paged: true });
    if (!options.knownBuild) p.target.removeSymbol("nt", "NtBuildNumber");
    return p;
  }

  test("!leaktag: exact tag figures and every big page, and the layout lines say which PDB they were checked against", () => {
    const r = runWhy(server2022({ knownBuild: true }).target, '!leaktag "Leak"');
    expect(r.escaped).toBeNull();
    const v = r.value as Rec;
    const usage = v.Usage as Rec;
    expect([usage.NonPagedAllocs, usage.NonPagedFrees, usage.NonPagedBytes, usage.PagedAllocs, usage.PagedBytes]).toEqual([5000, 4881, 119 * 0x200000, 0, 0]);
    const big = v.BigAllocations as Rec[];
    expect(big.length).toBe(119);
    expect(big.every((b) => b.Size === 0x200000 && b.Pool === "NonPaged")).toBe(true);
    expect(r.output).toContain(
      "Layout: _POOL_TRACKER_TABLE: not in the symbols (.reload /f nt to get them); using the built-in layout for Windows Server 2022 and Windows 11 21H2-24H2 x64, checked against build 20348's PDB.",
    );
    expect(r.output).toContain(
      "Layout: _POOL_TRACKER_BIG_PAGES: not in the symbols (.reload /f nt to get them); using the built-in layout for Windows Server 2022 and Windows 11 21H2-24H2 x64, checked against build 20348's PDB.",
    );
    const rows = (DebuggerSession.load(server2022({ knownBuild: true }).target).run("dx @$pooltags()").value as { Tags: Rec[] }).Tags;
    expect(rows.map((x) => [x.Tag, x.NonPagedAllocs, x.NonPagedFrees, x.NonPagedBytes, x.PagedAllocs, x.PagedFrees, x.PagedBytes])).toEqual([
      ["File", 9734, 0, 3877408, 0, 0, 0],
      ["Leak", 5000, 4881, 119 * 0x200000, 0, 0, 0],
      ["Srv2", 300, 100, 200 * 0x40, 77, 7, 70 * 0x100],
    ]);
  });

  test("with the build unreadable, both strides are inferred from the tables' contents and the output says so", () => {
    const r = runWhy(server2022({ knownBuild: false }).target, '!leaktag "Leak"');
    expect(r.escaped).toBeNull();
    const v = r.value as Rec;
    expect((v.Usage as Rec).NonPagedBytes).toBe(119 * 0x200000);
    expect((v.BigAllocations as Rec[]).length).toBe(119);
    expect(r.output).toMatch(/_POOL_TRACKER_TABLE: .*the Windows build is unknown .*; using the built-in layout for Windows Server 2022 and Windows 11 21H2-24H2 x64, inferred from the table: with its 0x50-byte entries/);
    expect(r.output).toContain(
      "Layout: _POOL_TRACKER_BIG_PAGES: not in the symbols (.reload /f nt to get them) and the Windows build is unknown (nt!NtBuildNumber missing or unreadable); " +
        "using the built-in layout for Windows Server 2022 and Windows 11 21H2-24H2 x64, inferred from the table: with its 0x20-byte entries 121 of the first 121 used entries hold a page-aligned kernel address, a printable tag and a plausible size.",
    );
  });

  test("an empty big page table with the build unreadable: the guess stands and says the contents did not confirm it", () => {
    const p = new PoolTargetBuilder({ pointerSize: 8, build: 20348, processors: 2, bigPageTableSize: 64 });
    p.tag({ tag: "Leak", nonPagedAllocs: 3, nonPagedBytes: 0x300 });
    p.target.removeSymbol("nt", "NtBuildNumber");
    const r = runWhy(p.target, '!leaktag "Leak"');
    expect(r.output).toContain(
      "Layout: _POOL_TRACKER_BIG_PAGES: not in the symbols (.reload /f nt to get them); the Windows build is unknown, so this guesses the built-in layout for " +
        "Windows Server 2022 and Windows 11 21H2-24H2 x64 (the newest); the table's contents did not confirm it.",
    );
  });

  test("a Win7 SP1 table (0x18 entries) with the build unreadable: the output says Paged is a guess", () => {
    // Windows 7 and 8.1 keep PoolType in the whole ULONG after Key, Windows 10 in its bits 8-19 (the PDBs'
    // _POOL_TRACKER_BIG_PAGES); 0x18-byte entries are both, so without the build a paged big page may read as nonpaged.
    const p = new PoolTargetBuilder({ pointerSize: 8, build: BUILDS.win7sp1, processors: 1, bigPageTableSize: 256 });
    p.tag({ tag: "Leak", pagedAllocs: 10, pagedBytes: 10 * 0x100000 });
    for (let i = 0; i < 10; i++) p.bigPage("Leak", 0x100000, { paged: true });
    p.target.removeSymbol("nt", "NtBuildNumber");
    const r = runWhy(p.target, '!leaktag "Leak"');
    expect(r.escaped).toBeNull();
    expect(r.output).toMatch(/Layout: _POOL_TRACKER_BIG_PAGES: .*with its 0x18-byte entries .*; Paged is a guess: with entries of this size the pool type sits in other bits on Windows 7 and 8\.1 than on Windows 10, and it was read as Windows 10 keeps it\./);
  });

  test("a Server 2022 table (0x20 entries) with the build unreadable: Paged is not a guess, only Windows 10 and later have that size", () => {
    const r = runWhy(server2022({ knownBuild: false }).target, '!leaktag "Srv2"');
    expect(((r.value as Rec).BigAllocations as Rec[]).map((b) => b.Pool)).toEqual(["Paged"]);
    expect(r.output).not.toContain("Paged is a guess");
  });

  test("a 22H2 table (0x18 entries) with the build unreadable is not taken for the newest layout", () => {
    const p = new PoolTargetBuilder({ pointerSize: 8, build: BUILDS.win10_22h2, processors: 2, bigPageTableSize: 256 });
    p.tag({ tag: "Leak", nonPagedAllocs: 10, nonPagedBytes: 10 * 0x100000 });
    for (let i = 0; i < 10; i++) p.bigPage("Leak", 0x100000);
    p.target.removeSymbol("nt", "NtBuildNumber");
    const r = runWhy(p.target, '!leaktag "Leak"');
    expect(((r.value as Rec).BigAllocations as Rec[]).map((b) => b.Size)).toEqual(new Array(10).fill(0x100000));
    expect(r.output).toContain("using the built-in layout for Windows 10 1507-22H2 x64, inferred from the table: with its 0x18-byte entries 10 of the first 10 used entries");
  });
});

describe("a driver that holds its tag 142 times, laid out as a real driver, from real MSVC instruction sequences", () => {
  // Every code sequence is compiled code, byte for byte, with only the immediate set to the tag and each IAT
  // displacement re-aimed at the driver's own slot:
  //  - direct:   bufferutil-x64.node rva 0xafb1 (test/fixtures/pe, MSVC): mov r8d, imm32; lea rdx, [rbp-0x80]; call [IAT]
  //  - hoisted:  bufferutil-x64.node rva 0x5187: mov ebp, imm32; lea rdx, [rsp+0x40]; mov r8d, ebp; call [IAT]
  //  - free:     wininst-10.0-amd64.exe rva 0x4ff0 (test/fixtures/leaktag/msvc-code.txt, MSVC 14): mov edx, imm32;
  //              call [IAT]; jmp; mov [rip+x], rcx; mov dword ptr [rip+x], 1; call [IAT] (the first call re-aimed at
  //              ExFreePoolWithTag, the second, after the jmp, at ExAllocatePoolWithTag)
  // Each sequence is followed by `ret` and `int3` padding to 16 bytes, as MSVC lays out functions.
  const TAG = "Drv7";
  const tagBytes = [...TAG].map((c) => c.charCodeAt(0));
  const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
  const bufferutil = new Uint8Array(fs.readFileSync(path.join(__dirname, "../fixtures/pe/bufferutil-x64.node")));
  const fromBufferutil = (rva: number, size: number) => Array.from(bufferutil.subarray(rva - 0xc00, rva - 0xc00 + size)); // .text: file offset = rva - 0xc00
  const msvc = new Map<string, number[]>();
  for (const line of fs.readFileSync(path.join(__dirname, "../fixtures/leaktag/msvc-code.txt"), "utf8").split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const f = line.split("|");
    msvc.set(f[0], f[5].split(" ").map((h) => parseInt(h, 16)));
  }
  /** A sequence: its bytes, where the tag goes, and the IAT displacements (offset of disp32, offset of the next instruction, import). */
  interface Sequence { bytes: number[]; tagAt: number; calls: [number, number, string][] }
  const direct: Sequence = { bytes: fromBufferutil(0xafb1, 16), tagAt: 2, calls: [[12, 16, "ExAllocatePoolWithTag"]] };
  const hoisted: Sequence = { bytes: fromBufferutil(0x5187, 19), tagAt: 1, calls: [[15, 19, "ExAllocatePoolWithTag"]] };
  const free: Sequence = { bytes: msvc.get("x64-call-jmp-call")!, tagAt: 1, calls: [[7, 11, "ExFreePoolWithTag"], [35, 39, "ExAllocatePoolWithTag"]] };

  function build(pointerSize: 4 | 8) {
    const p = new PoolTargetBuilder({ pointerSize, build: BUILDS.win10_22h2, processors: 2 });
    p.tag({ tag: TAG, nonPagedAllocs: 900, nonPagedBytes: 900 * 0x100 });
    return p;
  }
  const imports = [{ dll: "ntoskrnl.exe", functions: ["ExAllocatePoolWithTag", "ExFreePoolWithTag", "KeBugCheckEx"] }];
  const CODE = SCN.CODE | SCN.EXECUTE | SCN.READ;
  const DATA = SCN.INITIALIZED_DATA | SCN.READ;
  const sectionsOf = (text: Uint8Array, page: Uint8Array, rdata: Uint8Array) => [
    { name: ".text", characteristics: CODE, content: text, size: 0x4000 },
    { name: "PAGE", characteristics: CODE, content: page, size: 0x3000 },
    { name: ".rdata", characteristics: DATA, content: rdata, size: 0x1000 },
    { name: ".data", characteristics: DATA | SCN.WRITE, size: 0x800 },
    { name: ".pdata", characteristics: DATA, size: 0x400 },
    { name: "INIT", characteristics: CODE | SCN.DISCARDABLE, size: 0x800 },
    { name: ".reloc", characteristics: DATA | SCN.DISCARDABLE, size: 0x100 },
  ];

  test("every allocator call is kept and counted; free sites are frees; a tag hoisted into ebp is followed", () => {
    const p = build(8);
    const probe = buildPe({ is64: true, sections: sectionsOf(new Uint8Array(0x4000), new Uint8Array(0x3000), new Uint8Array(0x1000)), imports });
    const rvaOf = (name: string) => probe.sectionRva[name];
    const lay = (section: string, size: number, plan: Sequence[]) => {
      const out = new Uint8Array(size).fill(0xcc);
      const starts: number[] = [];
      let at = 0x10;
      for (const s of plan) {
        const bytes = s.bytes.slice();
        bytes.splice(s.tagAt, 4, ...tagBytes);
        for (const [disp, next, fn] of s.calls) bytes.splice(disp, 4, ...le32(probe.iatRva["ntoskrnl.exe!" + fn] - (rvaOf(section) + at + next)));
        out.set(bytes, at);
        out[at + bytes.length] = 0xc3;
        starts.push(rvaOf(section) + at + s.tagAt);
        at += Math.ceil((bytes.length + 1) / 16) * 16;
      }
      return { out, starts };
    };
    const repeat = (s: Sequence, n: number) => new Array(n).fill(s) as Sequence[];
    const text = lay(".text", 0x4000, [...repeat(free, 12), ...repeat(direct, 30)]);
    const page = lay("PAGE", 0x3000, [...repeat(hoisted, 20), ...repeat(direct, 20)]);
    // .rdata: a table of 60 tags (a driver's debug-name table, say): data hits.
    const rdata = new Uint8Array(0x1000);
    for (let i = 0; i < 60; i++) rdata.set(tagBytes, 0x100 + i * 8);
    const drv = p.driver("tagdrv.sys", { sections: sectionsOf(text.out, page.out, rdata), imports });
    expect(drv.image.iatRva).toEqual(probe.iatRva);
    // INIT is discarded after DriverEntry: not resident.
    p.b.memory.unmap(drv.base + BigInt(drv.image.sectionRva.INIT), 0x1000);

    const r = DebuggerSession.load(p.target).run('!leaktag "' + TAG + '"');
    expect(r.escaped).toBeNull();
    const owners = (r.value as Rec).Owners as Rec[];
    expect(owners.map((o) => [o.Module, o.Confidence])).toEqual([["tagdrv", "high"]]);
    const hits = owners[0].Hits as Rec[];
    // The tag's own bytes (Address), as an RVA: the text shows the instruction that holds them.
    const rvaOfHit = (h: Rec) => {
      const a = h.Address as { getHighPart(): number; getLowPart(): number };
      return Number(((BigInt(a.getHighPart() >>> 0) << 32n) | BigInt(a.getLowPart() >>> 0)) - drv.base);
    };
    const byRva = new Map(hits.map((h) => [rvaOfHit(h), h]));
    // The 70 allocation sites, all of them, including the 18 past the 64th hit in address order.
    const allocations = hits.filter((h) => h.Use === "allocation");
    expect(allocations.length).toBe(70);
    expect(allocations.every((h) => h.Allocator === "ExAllocatePoolWithTag")).toBe(true);
    expect(text.starts.slice(12).concat(page.starts).every((rva) => byRva.get(rva)!.Use === "allocation")).toBe(true);
    // mov ebp, 'Drv7' ... mov r8d, ebp; call [ExAllocatePoolWithTag]
    for (const rva of page.starts.slice(0, 20)) expect(byRva.get(rva)).toMatchObject({ Kind: "code", Instruction: "mov ebp, imm32", Allocator: "ExAllocatePoolWithTag", Use: "allocation" });
    // mov edx, 'Drv7'; call [ExFreePoolWithTag]; jmp ...: a free site, not the allocation after the jmp.
    for (const rva of text.starts.slice(0, 12)) expect(byRva.get(rva)).toMatchObject({ Kind: "code", Instruction: "mov edx, imm32", Allocator: "ExFreePoolWithTag", Use: "free" });
    // 12 free sites and 60 data hits are not allocations: 64 of them are kept (code first), 8 counted.
    expect(hits.filter((h) => h.Kind === "data").length).toBe(52);
    expect(owners[0].HitsNotKept).toBe(8);
    expect(r.output).toContain("tagdrv.sys allocates it (tagdrv+0x1250, 70 allocator calls).");
    expect(r.output).toMatch(/tagdrv: 8 more hits \(not allocator calls\) were not kept; every allocator call is listed \(dx @\$leaktag\("Drv7"\).Owners\)/);
    expect(String(byRva.get(text.starts[0])!.toString())).toMatch(/\(mov edx, imm32\) -> call ExFreePoolWithTag \(free\)$/);
    expect(String(byRva.get(page.starts[0])!.toString())).toMatch(/\(mov ebp, imm32\) -> mov r8d, ebp -> call ExAllocatePoolWithTag$/);
    // The table shows allocation sites first.
    expect(r.output).toMatch(/tagdrv  high {8}\S+ tagdrv\+0x\w+ \(\.text\) code \(mov r8d, imm32\) -> call ExAllocatePoolWithTag\n/);
  });

  test("x86: mov esi, imm32 ... push esi ... call [IAT] (wininst-10.0.exe, MSVC 14)", () => {
    const p = build(4);
    const textSpec = { name: ".text", characteristics: CODE, size: 0x1000 };
    const x86Imports = [{ dll: "ntoskrnl.exe", functions: ["ExAllocatePoolWithTag", "ExFreePoolWithTag"] }];
    const probe = buildPe({ is64: false, sections: [textSpec], imports: x86Imports });
    const base = BigInt(p.b.moduleRange(probe.sizeOfImage));
    const seq = msvc.get("x86-esi-push")!.slice();
    seq.splice(1, 4, ...tagBytes);
    // Both `ff 15 abs32` re-aimed at the driver's slots (absolute addresses on x86): the first allocates, the second frees.
    seq.splice(14, 4, ...le32(Number(base) + probe.iatRva["ntoskrnl.exe!ExAllocatePoolWithTag"]));
    seq.splice(42, 4, ...le32(Number(base) + probe.iatRva["ntoskrnl.exe!ExFreePoolWithTag"]));
    const code = new Uint8Array(0x1000).fill(0xcc);
    code.set(seq, 0x200);
    code[0x200 + seq.length] = 0xc3;
    p.driver("x86drv.sys", { sections: [{ ...textSpec, content: code }], imports: x86Imports }, base);
    const r = DebuggerSession.load(p.target).run('!leaktag "' + TAG + '"');
    expect(r.escaped).toBeNull();
    const owners = (r.value as Rec).Owners as Rec[];
    expect(owners.map((o) => [o.Module, o.Confidence])).toEqual([["x86drv", "high"]]);
    expect((owners[0].Hits as Rec[])[0]).toMatchObject({ Kind: "code", Instruction: "mov esi, imm32", Allocator: "ExAllocatePoolWithTag", Use: "allocation" });
  });
});
