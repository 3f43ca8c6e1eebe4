import { DebuggerSession } from "../emulator/session";
import { leakScene } from "../targets/segment-heap-scenes";
import { SLICE_BUILDS } from "../targets/segment-heap";

type Rec = Record<string, unknown>;

function addressOf(v: unknown): bigint {
  const o = v as { getHighPart(): number; getLowPart(): number };
  return (BigInt(o.getHighPart() >>> 0) << 32n) | BigInt(o.getLowPart() >>> 0);
}

/** Address, size, kind and pool of each record: the pool is checked with the rest (a walk that called every block NonPaged fails). */
function liveSet(records: Rec[]): string[] {
  return records.map((r) => addressOf(r.Address).toString(16) + " " + (r.Size as number).toString(16) + " " + r.Kind + " " + r.Pool).sort();
}

function expectedSet(live: { address: bigint; size: number; kind: string; pool: string }[]): string[] {
  return live.map((l) => l.address.toString(16) + " " + l.size.toString(16) + " " + l.kind + " " + l.pool).sort();
}

describe("!poolallocs on segment-heap kernels laid out from real PDB layouts", () => {
  for (const build of SLICE_BUILDS) {
    for (const withTypes of [false, true]) {
      test(build + (withTypes ? " with types in the symbols" : " without types (built-in layout)") + ": exactly the live 'Leak' allocations", () => {
        const scene = leakScene({ build, withTypes, seed: build + (withTypes ? 7 : 0) });
        const session = DebuggerSession.load(scene.s.target);
        const r = session.run('!poolallocs ("Leak", "all")');
        expect(r.escaped).toBeNull();
        const v = r.value as Rec;
        const records = v.Allocations as Rec[];
        expect(liveSet(records)).toEqual(expectedSet(scene.live));
        // The answer's first line: counts and bytes per pool, from the scene's own figures.
        const per = (pool: string) => scene.live.filter((l) => l.pool === pool);
        const bytes = (pool: string) => per(pool).reduce((n, l) => n + l.size, 0);
        const kinds = (kind: string) => scene.live.filter((l) => l.kind === kind).length;
        expect(r.output.split("\n")[0]).toBe(
          "Found: " + scene.live.length + " of the " + scene.live.length + " outstanding 'Leak' allocations: " + per("NonPaged").length + " NonPaged, 0x" + bytes("NonPaged").toString(16) +
            " (" + (bytes("NonPaged") / 1024).toFixed(1) + " KB); " + per("Paged").length + " Paged, 0x" + bytes("Paged").toString(16) + " (" + (bytes("Paged") / 1024).toFixed(1) + " KB); LFH " +
            kinds("LFH") + ", VS " + kinds("VS") + ", big " + kinds("Big") + ".",
        );
        // Both pools are in the scene, so the Pool field is tested on both values.
        expect(new Set(records.map((x) => x.Pool))).toEqual(new Set(["NonPaged", "Paged"]));
        // Provenance: one short line after the answer when built in; the full wording in !leaktools.
        if (withTypes) expect(r.output).not.toMatch(/segment-heap types/);
        else {
          expect(r.output).toMatch(/^Layout: built-in _EX_POOL_HEAP_MANAGER_STATE and 10 more segment-heap types \(Windows [^)]+ x64\), not from the symbols; !leaktools shows why\.$/m);
          expect(r.output.indexOf("Layout: built-in _EX_POOL")).toBeGreaterThan(r.output.indexOf("Found: "));
          expect(session.run("!leaktools").output).toMatch(new RegExp("_EX_POOL_HEAP_MANAGER_STATE: .*using the built-in layout for .*, checked against build " + build + "'s PDB"));
        }
        expect(r.output).not.toMatch(/stopped: .*bug/);
        // Every small block named leakdrv through its pointer into .data.
        const modules = v.Modules as Rec[];
        expect(modules[0].Module).toBe("leakdrv");
        expect(modules[0].Allocations).toBe(records.filter((x) => (x.Pointers as Rec[]).length > 0).length);
        expect(r.output).toMatch(/leakdrv\s+\d+\s+0x[0-9a-f]+ \([0-9.]+ [KM]?B\)\s+leakdrv\+0x/);
      });
    }
  }

  test("stops once the tracker's outstanding count is found, and says so", () => {
    const scene = leakScene({ build: 19041, seed: 3 });
    const r = DebuggerSession.load(scene.s.target).run('!poolallocs "Leak"');
    expect(r.escaped).toBeNull();
    const v = r.value as Rec;
    const left = v.SubsegmentsLeft as number;
    const total = scene.s.subsegments.length;
    // The scene's last subsegments hold no 'Leak' block: the early stop leaves them, and says how many.
    expect(left).toBeGreaterThan(0);
    expect(v.SubsegmentsWalked).toBe(total - left);
    expect(v.LeftBecause).toBe("stopped once the tracker's outstanding count was found");
    expect(r.output).toMatch(
      new RegExp("^Stopped once the tracker's " + scene.live.length + " outstanding were found: " + (total - left) + " of " + total + " subsegments walked, " + left + ' left unread, 0x[0-9a-f]+ \\([0-9.]+ KB\\); !poolallocs \\("Leak", "all"\\) walks them too\\.$', "m"),
    );
    expect((v.Allocations as Rec[]).length).toBe(scene.live.length);
    expect(r.output).toMatch(new RegExp('^  !poolallocs \\("Leak", "all"\\) +walk the ' + left + " subsegments? left unread too$", "m"));
  });
});

import { SegmentHeapBuilder, HEAP_INDEX, pointerBytes, loadSlice } from "../targets/segment-heap";
import { PoolTargetBuilder, BUILDS } from "../targets/pool";
import { seed000, seed003 } from "../targets/pool-scenes";

/** Two page segments in the nonpaged heap (VS subsegments of 64 pages), LFH blocks in the paged heap. */
function twoSegments(seed = 5) {
  const s = new SegmentHeapBuilder({ build: 19041, seed });
  const leak = (bytes: number) => ({ tag: "Leak", bytes, busy: true });
  const vs = s.vs(HEAP_INDEX.NonPaged, Array.from({ length: 450 }, () => leak(0x7f0)), 100);
  const lfh = s.lfh(HEAP_INDEX.Paged, Array.from({ length: 20 }, () => leak(0x70)));
  s.trackTag("Leak");
  s.finish();
  expect(s.segments[0].length).toBe(2);
  return { s, vs, lfh };
}

function run(s: SegmentHeapBuilder, line = '!poolallocs ("Leak", "all")') {
  const r = DebuggerSession.load(s.target).run(line);
  expect(r.escaped).toBeNull();
  expect(r.output).not.toMatch(/stopped: .*bug/);
  const records = ((r.value as Rec).Allocations as Rec[]) || [];
  return { r, found: new Set(records.map((x) => addressOf(x.Address).toString(16))) };
}

describe("!poolallocs on hostile segment heaps: the damaged part is skipped with a line, the rest reported", () => {
  test("a segment list that loops back", () => {
    const { s, vs, lfh } = twoSegments();
    const [first, second] = s.segments[0];
    s.pool.b.writePtr(second, first);
    const { r, found } = run(s);
    expect(r.output).toMatch(/segment list loops back to ffffd100`00000000 after 2 segments/);
    for (const p of vs.concat(lfh)) expect(found.has(p.address.toString(16))).toBe(true);
  });

  test("a segment list link outside kernel space", () => {
    const { s, vs, lfh } = twoSegments();
    s.pool.b.writePtr(s.segments[0][0], 0x00007ff612340000n);
    const { r, found } = run(s);
    expect(r.output).toMatch(/segment list link 00007ff6`12340000 is outside kernel space/);
    const inFirst = vs.filter((p) => p.address < s.segments[0][1]);
    expect(inFirst.length).toBeGreaterThan(0);
    for (const p of inFirst.concat(lfh)) expect(found.has(p.address.toString(16))).toBe(true);
    expect(found.size).toBe(inFirst.length + lfh.length);
  });

  test("a VS chunk whose decoded size runs past its subsegment", () => {
    const { s, vs, lfh } = twoSegments();
    // A block whose pool header was not moved to the next page: its chunk header is the 16 bytes in front.
    const index = vs.findIndex((p, i) => i >= 2 && (p.header & 0xfffn) !== 0n);
    const victim = vs[index];
    const chunkHeader = victim.header - 16n;
    const bits = (BigInt(0xfff0) << 16n) | (1n << 48n);
    s.target.memory.writeU64(chunkHeader, (bits ^ chunkHeader ^ s.heapKey) & ((1n << 64n) - 1n));
    const { r, found } = run(s);
    expect(r.output).toMatch(/decodes to 0xfff00 bytes, past the subsegment's end/);
    for (const p of vs.slice(0, index).concat(lfh)) expect(found.has(p.address.toString(16))).toBe(true);
    expect(found.has(victim.address.toString(16))).toBe(false);
  });

  test("a wrong heap key: every signature fails, big allocations still listed", () => {
    const { s } = twoSegments();
    s.pool.bigPage("Leak", 0x2000);
    s.target.memory.writeU64(s.globalsAt, s.heapKey ^ 0x1111n);
    const { r, found } = run(s);
    expect(r.output).toContain("No page segment's signature decoded with nt!RtlpHpHeapGlobals.HeapKey (3 tried)");
    expect(found.size).toBe(1);
  });

  test("an LFH bitmap claiming more blocks than the subsegment holds", () => {
    const { s, vs, lfh } = twoSegments();
    const sub = s.subsegments.find((x) => x.kind === "LFH")!;
    const slice = loadSlice(19041);
    const blockCountAt = slice.types._HEAP_LFH_SUBSEGMENT.fields.find((f) => f[0] === "BlockCount")![1];
    s.target.memory.writeU16(sub.address + BigInt(blockCountAt), 0xffff);
    const { r, found } = run(s);
    expect(r.output).toMatch(/its bitmap claims 65535 blocks of 0x80 bytes; the subsegment holds \d+; skipped/);
    for (const p of vs) expect(found.has(p.address.toString(16))).toBe(true);
    for (const p of lfh) expect(found.has(p.address.toString(16))).toBe(false);
  });

  test("unreadable pages: a subsegment page and a page segment's descriptors", () => {
    const { s, vs, lfh } = twoSegments();
    const sub = s.subsegments.find((x) => x.kind === "VS")!;
    s.target.memory.unmap(sub.address + 0x3000n, 0x1000);
    s.target.memory.unmap(s.segments[0][1], 0x2000);
    const { r, found } = run(s);
    expect(r.output).toMatch(/VS subsegment ffffd100`00002000: 1 unreadable page; blocks there were not seen/);
    expect(r.output).toMatch(/chunk header at \+0x[0-9a-f]+ is unreadable; the rest of the subsegment was not walked/);
    expect(r.output).toMatch(/page segment ffffd100`00100000 is unreadable; the rest of the list was not followed/);
    for (const p of lfh) expect(found.has(p.address.toString(16))).toBe(true);
    expect(found.has(vs[0].address.toString(16))).toBe(true);
  });
});

describe("!poolallocs where the segment heap is not walked", () => {
  test("before 1809: the big allocations, and one line on what was not walked", () => {
    const p = new PoolTargetBuilder({ pointerSize: 8, build: BUILDS.win10_1709, bigPageTableSize: 64 });
    p.tag({ tag: "Leak", nonPagedAllocs: 500, nonPagedBytes: 500 * 0x40 + 0x3000 });
    const va = p.bigPage("Leak", 0x3000);
    const r = DebuggerSession.load(p.target).run('!poolallocs "Leak"');
    expect(r.escaped).toBeNull();
    expect(r.output).toContain("Small blocks (under a page) are not walked: build 16299 predates the segment-heap pool of Windows 10 1809 (build 17763)");
    expect(r.output).toContain('!poolfind "Leak" finds them by scanning every pool page');
    expect(r.output).toContain("Found 1 of the 500 allocations the tracker counts as outstanding. The rest are small blocks, which were not walked (the line above says why)");
    expect(((r.value as Rec).Allocations as Rec[]).map((x) => addressOf(x.Address))).toEqual([va]);
  });

  // The data set has no PDB of Windows 11 22H2 and later (22621+), whose _EX_POOL_HEAP_MANAGER_STATE moved fields
  // (a public extract of a Windows 11 kernel has NumberOfPools at 0x3910, PoolNode at 0x3940): no built-in layout may
  // be guessed for it. This kernel reports 22621 and is laid out with 22000's PDB layout; what is tested is the path.
  test("Windows 11 22H2 without nt's types: no guess, what to load, the big allocations; with them, every allocation", () => {
    const bare = leakScene({ build: 22000, reportedBuild: 22621, seed: 5 });
    const r = DebuggerSession.load(bare.s.target).run('!poolallocs ("Leak", "all")');
    expect(r.escaped).toBeNull();
    expect(r.output).toContain(
      "Small blocks (under a page) are not walked: no layout for nt!_EX_POOL_HEAP_MANAGER_STATE: not in the symbols (.reload /f nt to get them); no built-in layout for build 22621",
    );
    expect(r.output).toContain('!poolfind "Leak" finds them by scanning every pool page');
    expect(r.output).toMatch(/Found 2 of the \d+ allocations the tracker counts as outstanding\. The rest are small blocks, which were not walked/);
    const big = expectedSet(bare.live.filter((l) => l.kind === "Big"));
    expect(big.length).toBeGreaterThan(0);
    expect(liveSet((r.value as Rec).Allocations as Rec[])).toEqual(big);

    const typed = leakScene({ build: 22000, reportedBuild: 22621, withTypes: true, seed: 6 });
    const t = DebuggerSession.load(typed.s.target).run('!poolallocs ("Leak", "all")');
    expect(t.escaped).toBeNull();
    expect(t.output).not.toMatch(/segment-heap types/);
    expect(liveSet((t.value as Rec).Allocations as Rec[])).toEqual(expectedSet(typed.live));
  });

  test("32-bit: says so; seed 003's None", () => {
    const r = DebuggerSession.load(seed003().target).run('!poolallocs "None"');
    expect(r.escaped).toBeNull();
    expect(r.output).toContain("covers 64-bit kernels, and this one is 32-bit");
  });

  test("seed 000: the 119 big Leak allocations are the tracker's 119, so no heap is walked", () => {
    const r = DebuggerSession.load(seed000().target).run('!poolallocs "Leak"');
    expect(r.escaped).toBeNull();
    expect(((r.value as Rec).Allocations as Rec[]).length).toBe(119);
    expect(r.output).toContain("Small blocks not walked: the big allocations account for every outstanding allocation the tracker counts");
    expect((r.value as Rec).LeftBecause).toBe("the big allocations account for every outstanding allocation the tracker counts");
  });

  test("bad arguments and user mode", () => {
    const s = DebuggerSession.load(seed000().target);
    for (const bad of ["!poolallocs", '!poolallocs ""', '!poolallocs ("Leak", "some")', "!poolallocs 5", '!poolallocs ("Leak", "all", 1)']) {
      expect(s.run(bad).output).toMatch(/^Usage: !poolallocs/m);
    }
  });
});

describe("pointers name the owner", () => {
  test("a vtable pointer shows its class through the `vftable' symbol", () => {
    const s = new SegmentHeapBuilder({ build: 22000, seed: 9 });
    const drv = s.pool.driver("widget.sys", { sections: [{ name: ".rdata", characteristics: 0x40000040, size: 0x1000 }] });
    const vtable = drv.base + 0x1000n;
    s.target.onCommand(/^u [0-9a-f`]+ L1$/, (command) =>
      command === "u " + fmt(vtable) + " L1" ? ["widget!CWidget::`vftable':", fmt(vtable) + " 0000 add byte ptr [rax],al"] : [],
    );
    const placed = s.lfh(HEAP_INDEX.NonPaged, [{ tag: "Wdgt", bytes: 0x30, busy: true, content: pointerBytes(vtable) }]);
    s.trackTag("Wdgt");
    s.finish();
    const { r } = run(s, '!poolallocs "Wdgt"');
    const rec = ((r.value as Rec).Allocations as Rec[])[0];
    expect(addressOf(rec.Address)).toBe(placed[0].address);
    expect((rec.Pointers as Rec[])[0]).toMatchObject({ Offset: 0, Target: "widget!CWidget::`vftable'", Class: "CWidget" });
    expect(r.output).toContain("widget!CWidget::`vftable' (class CWidget) at +0x0");
  });
});

function fmt(a: bigint): string {
  const h = a.toString(16).padStart(16, "0");
  return h.slice(0, 8) + "`" + h.slice(8);
}

describe("the cap on bytes walked", () => {
  test("!ltlimits lowers maxPoolBytesWalked; the walk stops at it, says how many subsegments it left, and how to raise it", () => {
    const scene = leakScene({ build: 22000, seed: 21 });
    const session = DebuggerSession.load(scene.s.target);
    expect(session.run("!ltlimits").output).toContain("maxPoolBytesWalked");
    session.run('!ltlimits ("maxPoolBytesWalked", 8192)');
    const r = session.run('!poolallocs ("Leak", "all")');
    expect(r.escaped).toBeNull();
    expect(r.output).toMatch(/Stopped at the cap on bytes walked, 0x2000 \(8\.00 KB\): \d+ subsegments not read; raise it with !ltlimits \("maxPoolBytesWalked", 0x8000\)\./);
    const v = r.value as Rec;
    expect(v.SubsegmentsLeft).toBeGreaterThan(0);
    expect(v.SubsegmentsWalked).toBe(2);
    expect(v.LeftBecause).toBe("the cap on bytes walked (maxPoolBytesWalked)");
    expect(r.output).toMatch(/^Walked 2 of \d+ subsegments; \d+ left unread at the cap on bytes walked \(below\)\.$/m);
    session.run('!ltlimits "reset"');
  });
});

// What MemProcFS (ufrisk/MemProcFS, vmm/vmmwinpool.c) does on real kernels that the walk must do too: the 26100
// encodings, ExPoolState.SpecialHeaps, big allocations served from VS chunks, withheld page-crossing LFH slots.
describe("!poolallocs where real kernels differ from the first reading", () => {
  const exact = (scene: { s: SegmentHeapBuilder; live: { address: bigint; size: number; kind: string; pool: string }[] }, line = '!poolallocs ("Leak", "all")') => {
    const r = DebuggerSession.load(scene.s.target).run(line);
    expect(r.escaped).toBeNull();
    expect(liveSet((r.value as Rec).Allocations as Rec[])).toEqual(expectedSet(scene.live));
    return r;
  };

  test("before 26100 the LFH offsets are keyed with (ULONG)subsegment >> 12: every LFH block of a 2004 kernel", () => {
    // The scene's subsegments are at ffffd100`xxxxxxxx: the two shifts differ there, so the 26100 decode finds none.
    const scene = leakScene({ build: 19041, seed: 41 });
    const r = exact(scene);
    expect(r.output).not.toContain("do not decode with nt!RtlpHpHeapGlobals.LfhKey");
    expect(r.output).not.toContain("Page segment signatures decode as on builds");
  });

  test("a kernel reporting 26100 (Windows 11 24H2) is decoded the 26100 way: no constant in the signatures, the whole address shifted", () => {
    const scene = leakScene({ build: 22000, reportedBuild: 26100, withTypes: true, seed: 42 });
    const r = exact(scene);
    expect(r.output).not.toContain("Page segment signatures decode as on builds");
    expect(r.output).not.toContain("signature does not decode to its context");
  });

  test("the signatures decide when they disagree with the build: a 22000 kernel encoded the 26100 way is read, and said", () => {
    const scene = leakScene({ build: 22000, encodeAs26100: true, seed: 43 });
    const r = exact(scene);
    expect(r.output).toContain("Page segment signatures decode as on builds 26100 and later, not as build 22000's: the LFH offsets are decoded that way too.");
  });

  test.each([17763, 19041] as const)("build %i: ExPoolState.SpecialHeaps ([3] up to 1909, [4] after) are walked with the nodes' heaps", (build) => {
    const s = new SegmentHeapBuilder({ build, seed: 44, specialHeap: true });
    const placed = s.lfh(HEAP_INDEX.SpecialNonPaged, Array.from({ length: 12 }, () => ({ tag: "Leak", bytes: 0x50, busy: true })));
    s.lfh(HEAP_INDEX.NonPaged, Array.from({ length: 5 }, () => ({ tag: "Leak", bytes: 0x50, busy: true })));
    s.trackTag("Leak");
    s.finish();
    const live = s.placed.filter((p) => p.busy).map((p) => ({ address: p.address, size: p.size, kind: p.kind, pool: p.pool }));
    const r = exact({ s, live });
    expect(r.output).toContain("Segment heap: 4 heaps (NonPaged, NonPagedNx, Paged, special NonPaged)");
    const records = (r.value as Rec).Allocations as Rec[];
    const special = new Set(placed.map((p) => p.address.toString(16)));
    expect(records.filter((x) => special.has(addressOf(x.Address).toString(16))).map((x) => x.Pool)).toEqual(Array(12).fill("NonPaged"));
  });

  test.each([true, false])("an allocation the big page table lists and a VS chunk serves (pool header before the data: %s) is listed once, as Big, and the early stop is not fooled", (withPoolHeader) => {
    const s = new SegmentHeapBuilder({ build: 19041, seed: 45 });
    const va = s.vsBig(HEAP_INDEX.NonPaged, "Leak", 0x2000, withPoolHeader);
    const small = s.vs(HEAP_INDEX.NonPagedNx, Array.from({ length: 6 }, () => ({ tag: "Leak", bytes: 0x300, busy: true })));
    s.trackTag("Leak", [{ size: 0x2000 }]);
    s.finish();
    const live = [{ address: va, size: 0x2000, kind: "Big", pool: "NonPaged" }].concat(small.map((p) => ({ address: p.address, size: p.size, kind: p.kind as string, pool: p.pool as string })));
    for (const line of ['!poolallocs ("Leak", "all")', '!poolallocs "Leak"']) {
      const r = exact({ s, live }, line);
      if (line.indexOf("all") > 0) expect(r.output).toContain("1 block of the tag in VS subsegments is an allocation the big page table lists above; each is listed once, as Big.");
    }
  });

  test("a busy slot whose pool header does not give the slot's size is stale bytes: left out, and counted", () => {
    const s = new SegmentHeapBuilder({ build: 19041, seed: 47 });
    const lfh = s.lfh(HEAP_INDEX.NonPaged, Array.from({ length: 10 }, () => ({ tag: "Leak", bytes: 0x50, busy: true })));
    const vs = s.vs(HEAP_INDEX.NonPagedNx, Array.from({ length: 4 }, () => ({ tag: "Leak", bytes: 0x200, busy: true })));
    s.trackTag("Leak");
    s.finish();
    s.target.memory.writeU8(lfh[3].header + 2n, 0x20); // BlockSize 0x200 in a 0x60-byte slot
    s.target.memory.writeU8(vs[1].header + 2n, 0x05);
    const stale = new Set([lfh[3].address, vs[1].address]);
    const live = s.placed.filter((p) => p.busy && !stale.has(p.address)).map((p) => ({ address: p.address, size: p.size, kind: p.kind, pool: p.pool }));
    const r = exact({ s, live });
    expect(r.output).toContain("2 busy slots with 'Leak' in a pool header whose size is not the slot's were left out (stale bytes, not a live block).");
  });

  test("a withheld page-crossing LFH slot is never listed, whatever its bitmap bit and stale header say", () => {
    const s = new SegmentHeapBuilder({ build: 19041, seed: 46 });
    s.lfh(HEAP_INDEX.Paged, Array.from({ length: 40 }, () => ({ tag: "Leak", bytes: 0x170, busy: true })), 2, "Leak");
    s.trackTag("Leak");
    s.finish();
    const live = s.placed.filter((p) => p.busy).map((p) => ({ address: p.address, size: p.size, kind: p.kind, pool: p.pool }));
    exact({ s, live });
  });
});

// _HEAP_VS_SUBSEGMENT.Size counts the 16-byte units after the 0x30-byte subsegment header (research notes,
// userheap-facts.md 10.3; DbgHelpUtils heap_vs_subsegment.cpp rounds Size * 16 up to a page for the end), while older
// DbgHelpUtils reads Size * 16 from the subsegment's start: a walk bounded by Size * 16 from the start would stop 0x30
// bytes early under the first reading. MemProcFS (vmmwinpool.c, VS_DoWork) bounds the walk by the range the page range
// descriptor gives and uses Size only against the signature; so does the walker, and both readings must list the block.
describe("!poolallocs walks a VS subsegment to its range's end, whichever way Size is read", () => {
  test.each(["after header", "whole range"] as const)("Size written %s: a live block whose chunk is in the last 0x30 bytes is listed", (reading) => {
    const s = new SegmentHeapBuilder({ build: 19041, seed: 60 });
    s.vs(HEAP_INDEX.NonPaged, Array.from({ length: 3 }, () => ({ tag: "Leak", bytes: 0x200, busy: true })));
    const last = s.vsAtEnd(HEAP_INDEX.NonPagedNx, { tag: "Leak", bytes: 0x10, busy: true }, 1, reading);
    s.trackTag("Leak");
    s.finish();
    const sub = s.subsegments[s.subsegments.length - 1];
    expect(last.header - 0x10n - sub.address).toBe(BigInt(sub.size - 0x30));
    const live = s.placed.filter((p) => p.busy).map((p) => ({ address: p.address, size: p.size, kind: p.kind, pool: p.pool }));
    const r = DebuggerSession.load(s.target).run('!poolallocs ("Leak", "all")');
    expect(r.escaped).toBeNull();
    expect(liveSet((r.value as Rec).Allocations as Rec[])).toEqual(expectedSet(live));
    expect(liveSet((r.value as Rec).Allocations as Rec[])).toContain(last.address.toString(16) + " 20 VS NonPaged");
    expect(r.output).not.toContain("past the subsegment's end");
  });
});

// The kernel counts withheld page-crossing slots out of BlockCount while the slots keep their positions (research
// notes, userheap-facts.md 10.1; MemProcFS walks (size - FirstBlockOffset) / BlockSize positions): a live block in the
// last slot of a multi-page subsegment with a block size that does not divide a page lies past BlockCount slots.
describe("!poolallocs walks every LFH slot position, not BlockCount slots", () => {
  test.each([
    [0x170, 2],
    [0x2f0, 4],
    [0xa0, 3],
  ])("blocks of %i bytes in %i-page subsegments: the live block in the last slot is listed", (bytes, pages) => {
    const s = new SegmentHeapBuilder({ build: 19041, seed: 48 + pages });
    const placed = s.lfh(HEAP_INDEX.NonPaged, Array.from({ length: 6 }, (_, i) => ({ tag: "Leak", bytes, busy: i % 3 !== 2 })), pages, undefined, true);
    s.trackTag("Leak");
    s.finish();
    const slice = loadSlice(19041);
    const field = (name: string) => slice.types._HEAP_LFH_SUBSEGMENT.fields.find((f) => f[0] === name)![1];
    const sub = s.subsegments[0].address;
    const blockCount = (s.target.memory.read(sub + BigInt(field("BlockCount")), 2) as Uint8Array).reduce((n, b, i) => n + (b << (8 * i)), 0);
    const blockSize = placed[0].size;
    const firstOffset = Number(placed.reduce((a, p) => (p.header < a ? p.header : a), placed[0].header) - sub) % blockSize;
    // The block in the last slot sits past the first BlockCount slots: a walk that stops at BlockCount misses it.
    const lastSlot = Number(placed[0].header - sub - BigInt(firstOffset)) / blockSize;
    expect(lastSlot).toBeGreaterThanOrEqual(blockCount);
    const { r, found } = run(s);
    expect(found.has(placed[0].address.toString(16))).toBe(true);
    const live = placed.filter((p) => p.busy).map((p) => p.address.toString(16)).sort();
    expect([...found].sort()).toEqual(live);
    expect(r.output).not.toContain("its bitmap claims");
  });
});

// Behaviour a wrong walk or a wrong record would otherwise pass (issue 22, point 6).
describe("!poolallocs: what each record field and each walk rule must hold", () => {
  const bytesFrom = (start: number, n: number) => Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);
  const hexOf = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
  const asciiOf = (b: Uint8Array) => Array.from(b, (x) => (x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : ".")).join("");

  test("Preview is 32 bytes from PreviewOffset, where the blocks start to differ; UserSize is Size less the pool header", () => {
    const s = new SegmentHeapBuilder({ build: 19041, seed: 61 });
    const shared = pointerBytes(0xfffff80712345678n, 0xfffff80712345678n);
    const content = (k: number) => {
      const b = new Uint8Array(0x60);
      b.set(shared, 0);
      b.set(bytesFrom(0x41 + k, 0x40), 0x10);
      return b;
    };
    const placed = s.lfh(HEAP_INDEX.NonPaged, [0, 1, 2].map((k) => ({ tag: "Prvw", bytes: 0x60, busy: true, content: content(k) })));
    s.trackTag("Prvw");
    s.finish();
    const { r } = run(s, '!poolallocs "Prvw"');
    const records = (r.value as Rec).Allocations as Rec[];
    expect(records.length).toBe(3);
    for (const rec of records) {
      const k = placed.findIndex((p) => p.address === addressOf(rec.Address));
      const expected = content(k).subarray(0x10, 0x30);
      expect(rec.PreviewOffset).toBe(0x10);
      expect(rec.Preview).toBe(hexOf(expected) + "  " + asciiOf(expected));
      expect(rec.Size).toBe(0x70);
      expect(rec.UserSize).toBe(0x60);
    }
    expect(r.output).toContain("Every block listed starts with the same 0x10 bytes (78 56 34 12 07 f8 ff ff 78 56 34 12 07 f8 ff ff)");
    expect(r.output).toMatch(/Bytes at \+0x10/);
    expect(r.output).toMatch(/^  db ffffd100`[0-9a-f]{8} L0x60 +the first block's bytes/m);
  });

  test("blocks that differ at once: Preview is their first 32 bytes", () => {
    const s = new SegmentHeapBuilder({ build: 19041, seed: 62 });
    const placed = s.lfh(HEAP_INDEX.NonPaged, [0, 1].map((k) => ({ tag: "Prvw", bytes: 0x50, busy: true, content: bytesFrom(0x30 + k, 0x50) })));
    s.trackTag("Prvw");
    s.finish();
    const { r } = run(s, '!poolallocs "Prvw"');
    for (const rec of (r.value as Rec).Allocations as Rec[]) {
      const k = placed.findIndex((p) => p.address === addressOf(rec.Address));
      expect(rec.PreviewOffset).toBe(0);
      expect(rec.Preview).toBe(hexOf(bytesFrom(0x30 + k, 32)) + "  " + asciiOf(bytesFrom(0x30 + k, 32)));
    }
  });

  test("a pointer's Value is the pointer read from the block, its Offset where it was read", () => {
    const s = new SegmentHeapBuilder({ build: 22000, seed: 63 });
    const drv = s.pool.driver("ptrdrv.sys", { sections: [{ name: ".data", characteristics: 0xc0000040, size: 0x1000 }] });
    const target = drv.base + 0x1238n;
    const content = new Uint8Array(0x40);
    content.set(pointerBytes(target), 0x18);
    s.lfh(HEAP_INDEX.NonPaged, [{ tag: "Ptrs", bytes: 0x40, busy: true, content }]);
    s.trackTag("Ptrs");
    s.finish();
    const { r } = run(s, '!poolallocs "Ptrs"');
    const pointers = (((r.value as Rec).Allocations as Rec[])[0].Pointers as Rec[]);
    expect(pointers.length).toBe(1);
    expect(addressOf(pointers[0].Value)).toBe(target);
    expect(pointers[0].Offset).toBe(0x18);
  });

  test('"all" walks past the tracker\'s count: on a live target whose tracker lags, the early stop finds fewer', () => {
    const s = new SegmentHeapBuilder({ build: 19041, seed: 64 });
    s.lfh(HEAP_INDEX.NonPaged, Array.from({ length: 30 }, () => ({ tag: "Leak", bytes: 0x30, busy: true })));
    s.lfh(HEAP_INDEX.Paged, Array.from({ length: 20 }, () => ({ tag: "Leak", bytes: 0x90, busy: true })), 2);
    // The tracker was read before the last 20 allocations: it counts 30.
    s.pool.tag({ tag: "Leak", nonPagedAllocs: 30, nonPagedBytes: 30 * 0x40 });
    s.finish();
    const stop = run(s, '!poolallocs "Leak"');
    const sv = stop.r.value as Rec;
    expect((sv.Allocations as Rec[]).length).toBe(30);
    expect(sv.SubsegmentsLeft).toBeGreaterThan(0);
    const walkAll = run(s, '!poolallocs ("Leak", "all")');
    const av = walkAll.r.value as Rec;
    expect((av.Allocations as Rec[]).length).toBe(50);
    expect(av.SubsegmentsLeft).toBe(0);
    expect(av.LeftBecause).toBe("");
    expect(av.SubsegmentsWalked).toBe(s.subsegments.length);
    expect(walkAll.r.output).toMatch(/^Walked all \d+ subsegments/m);
    expect(walkAll.r.output).toContain("Found 50 of the 30 allocations the tracker counts as outstanding.");
  });

  test("a tag the tracker has no entry for: every subsegment is walked, and the report says why", () => {
    const s = new SegmentHeapBuilder({ build: 19041, seed: 65 });
    s.lfh(HEAP_INDEX.NonPaged, Array.from({ length: 12 }, () => ({ tag: "Untr", bytes: 0x30, busy: true })));
    s.vs(HEAP_INDEX.Paged, Array.from({ length: 5 }, () => ({ tag: "Untr", bytes: 0x300, busy: true })));
    s.trackTag("Othr");
    s.finish();
    const { r, found } = run(s, '!poolallocs "Untr"');
    expect(found.size).toBe(17);
    expect(r.output).toContain("No outstanding count to stop at (the tracker has no entry for 'Untr'): the walk did not stop early.");
    expect(r.output).toMatch(/^Found: 17 'Untr' allocations: 12 NonPaged, 0x300 \(768 bytes\); 5 Paged, 0x[0-9a-f]+ \([0-9.]+ KB\); LFH 12, VS 5, big 0\.$/m);
    expect((r.value as Rec).Outstanding).toBeNull();
    expect((r.value as Rec).SubsegmentsLeft).toBe(0);
  });

  test("a walk over more than 16 MB prints progress every 10%", () => {
    const s = new SegmentHeapBuilder({ build: 19041, seed: 66 });
    // VS subsegments of 127 pages (Size is 15 bits of 16-byte units in the signature), two per 1 MB segment, full
    // of 0x800-byte chunks: 9,200 of them fill ~18 MB.
    s.vs(HEAP_INDEX.NonPaged, Array.from({ length: 9200 }, (_, i) => ({ tag: i % 100 === 0 ? "Leak" : "Othr", bytes: 0x7e0, busy: true })), 127);
    s.trackTag("Leak");
    s.finish();
    expect(s.subsegments.length * 127 * 0x1000).toBeGreaterThan(16 * 1024 * 1024);
    const { r, found } = run(s);
    expect(found.size).toBe(92);
    const lines = r.output.split("\n").filter((l) => l.startsWith("Walking pool subsegments: "));
    const percents = lines.map((l) => Number(/: (\d+)% \(\d+ of \d+ MB\)$/.exec(l)![1]));
    expect(percents.length).toBeGreaterThanOrEqual(8);
    for (let i = 1; i < percents.length; i++) expect(percents[i]).toBeGreaterThan(percents[i - 1]);
    expect(percents[0]).toBeLessThan(20);
  });

  test("two pool nodes: the heaps of both are walked", () => {
    const s = new SegmentHeapBuilder({ build: 20348, seed: 67, nodes: 2 });
    const a = s.lfh(HEAP_INDEX.NonPaged, Array.from({ length: 7 }, () => ({ tag: "Leak", bytes: 0x40, busy: true })));
    const b = s.lfh(s.nodeHeap(1, 2), Array.from({ length: 9 }, () => ({ tag: "Leak", bytes: 0x40, busy: true })));
    const c = s.vs(s.nodeHeap(1, 1), Array.from({ length: 3 }, () => ({ tag: "Leak", bytes: 0x200, busy: true })));
    s.trackTag("Leak");
    s.finish();
    const live = a.concat(b, c).map((p) => ({ address: p.address, size: p.size, kind: p.kind as string, pool: p.pool as string }));
    const r = DebuggerSession.load(s.target).run('!poolallocs ("Leak", "all")');
    expect(liveSet((r.value as Rec).Allocations as Rec[])).toEqual(expectedSet(live));
    expect(r.output).toContain("Segment heap: 6 heaps (NonPaged, NonPagedNx, Paged on 2 nodes)");
    expect(b.every((p) => p.pool === "Paged")).toBe(true);
  });

  test("16 MB page segments of 64 KB units (segment context 1) are walked like 1 MB ones", () => {
    const s = new SegmentHeapBuilder({ build: 19041, seed: 68 });
    const small = s.lfh(HEAP_INDEX.NonPaged, Array.from({ length: 4 }, () => ({ tag: "Leak", bytes: 0x40, busy: true })));
    s.context = 1;
    const lfh = s.lfh(HEAP_INDEX.NonPaged, Array.from({ length: 40 }, () => ({ tag: "Leak", bytes: 0x170, busy: true })), 16, undefined, true);
    const vs = s.vs(HEAP_INDEX.Paged, Array.from({ length: 12 }, () => ({ tag: "Leak", bytes: 0x500, busy: true })), 32);
    s.trackTag("Leak");
    s.finish();
    expect(s.largeSegments[HEAP_INDEX.NonPaged].length).toBe(1);
    expect(s.largeSegments[HEAP_INDEX.NonPaged][0] % 0x1000000n).toBe(0n);
    const live = small.concat(lfh, vs).map((p) => ({ address: p.address, size: p.size, kind: p.kind as string, pool: p.pool as string }));
    const r = DebuggerSession.load(s.target).run('!poolallocs ("Leak", "all")');
    expect(r.escaped).toBeNull();
    expect(liveSet((r.value as Rec).Allocations as Rec[])).toEqual(expectedSet(live));
    expect(r.output).toMatch(/Segment heap: 3 heaps \(NonPaged, NonPagedNx, Paged\), 3 page segments/);
  });

  test("a tag shared by two drivers: the module ranking counts each driver's blocks", () => {
    const s = new SegmentHeapBuilder({ build: 19041, seed: 69 });
    const data = (name: string) => {
      const d = s.pool.driver(name, { sections: [{ name: ".data", characteristics: 0xc0000040, size: 0x1000 }] });
      return d.base + BigInt(d.image.sectionRva[".data"]);
    };
    // Names in the other order than the counts, and two pointers in each of zeta's blocks: the ranking counts
    // allocations per module, most first (not pointers, not names).
    const zeta = data("zeta.sys");
    const beta = data("beta.sys");
    const specs = Array.from({ length: 10 }, (_, i) => ({ tag: "None", bytes: 0x40, busy: true, content: i < 7 ? pointerBytes(zeta + 0x10n, zeta + 0x18n) : pointerBytes(0n, beta + 0x20n) }));
    s.lfh(HEAP_INDEX.NonPaged, specs);
    s.trackTag("None");
    s.finish();
    const { r } = run(s, '!poolallocs "None"');
    const modules = (r.value as Rec).Modules as Rec[];
    expect(modules.map((m) => [m.Module, m.Allocations])).toEqual([
      ["zeta", 7],
      ["beta", 3],
    ]);
    expect(r.output).toMatch(/^They point into zeta \(7 of 10; zeta\+0x[0-9a-f]+ at \+0x0\), beta \(3\)\.$/m);
  });
});

describe("!poolallocs keeps its walk where the target cannot have changed (the runner's kept results)", () => {
  test("on a dump: the report says follow-ups answer from this walk, they read nothing, and \"refresh\" walks again", () => {
    const s = new SegmentHeapBuilder({ build: 19041, seed: 71, dump: true });
    s.lfh(HEAP_INDEX.NonPaged, Array.from({ length: 25 }, () => ({ tag: "Leak", bytes: 0x30, busy: true })));
    s.trackTag("Leak");
    s.finish();
    const session = DebuggerSession.load(s.target);
    const first = session.run('!poolallocs "Leak"');
    expect(first.output).toContain('Follow-up queries (dx @$poolallocs("Leak").Allocations...) answer from this walk for the session: a dump cannot change; add "refresh" to walk again.');
    session.control.resetCounters();
    const follow = session.run('dx @$poolallocs("Leak").Allocations.Count()');
    expect(follow.output).toMatch(/: 0x19$/m);
    expect(session.control.counters.bytesRead).toBe(0);
    session.control.resetCounters();
    const again = session.run('!poolallocs ("Leak", "refresh")');
    expect(((again.value as Rec).Allocations as Rec[]).length).toBe(25);
    expect(session.control.counters.bytesRead).toBeGreaterThan(0x1000);
  });

  test("on a live target whose clock cannot be read nothing is kept, and the report says so", () => {
    const scene = leakScene({ build: 19041, seed: 73 });
    scene.s.target.memory.unmap(0xfffff78000000000n, 0x1000);
    const r = DebuggerSession.load(scene.s.target).run('!poolallocs "Leak"');
    expect(r.output).toContain("This walk is not kept (the target's clock (KUSER_SHARED_DATA) could not be read): a follow-up query walks the pool again.");
    expect(r.output).not.toContain("Follow-up queries");
  });

  test("on a live target the line says until it runs again", () => {
    const scene = leakScene({ build: 19041, seed: 72 });
    const r = DebuggerSession.load(scene.s.target).run('!poolallocs "Leak"');
    expect(r.output).toContain('Follow-up queries (dx @$poolallocs("Leak").Allocations...) answer from this walk until the target runs again; add "refresh" to walk again.');
  });
});
