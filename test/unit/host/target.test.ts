import { installHost } from "../../support/host-global";
import { kernelTarget, userTarget, BUILDS } from "../../targets/builder";
import { poolTrackerLayout } from "../../targets/layouts";
import { Target } from "../../../src/host/target";
import { Address } from "../../../src/core/address";
import { Unreadable } from "../../../src/core/missing";
import { resolveLayout, isLayoutMissing } from "../../../src/layouts/resolve";
import { POOL_TRACKER_TABLE } from "../../../src/layouts/pool";
import { ResolvedLayout } from "../../../src/layouts/types";

const addr = (v: bigint) => Address.parse(v.toString(16))!;

describe("target memory", () => {
  test("an unreadable address comes back as an Unreadable value naming it, never as an exception", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    const hole = b.reserveUnmapped(0x2000);
    const control = installHost(b.target);
    const t = new Target();
    const r = t.memory.read(addr(hole + 0x10n), 0x20, "test structure");
    expect(r).toBeInstanceOf(Unreadable);
    expect((r as Unreadable).describe(8)).toBe("test structure at " + addr(hole + 0x10n).format(8) + " (32 bytes) is unreadable");
    expect(control.counters.failedReads).toBe(1);
  });

  test("a second read of cached bytes costs no host call", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    const a = b.alloc(0x3000);
    b.memory.writeU32(a + 0x1800n, 0xdeadbeef);
    const control = installHost(b.target);
    const t = new Target();
    const whole = t.memory.read(addr(a), 0x3000, "block");
    expect(whole).toBeInstanceOf(Uint8Array);
    const calls = control.counters.readCalls;
    const inner = t.memory.read(addr(a + 0x1800n), 4, "field") as Uint8Array;
    expect(Array.from(inner)).toEqual([0xef, 0xbe, 0xad, 0xde]);
    expect(control.counters.readCalls).toBe(calls);
  });

  test("a range with a hole returns every readable page and names the hole", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    const a = b.alloc(0x5000, 0x1000);
    b.memory.writeU32(a + 0x4000n, 0x6b61654c);
    b.memory.unmap(a + 0x1000n, 0x2000);
    installHost(b.target);
    const t = new Target();
    const r = t.memory.readPartial(addr(a), 0x5000);
    expect(r.pieces.map((p) => [p.start.toHex(), p.bytes.length])).toEqual([
      [addr(a).toHex(), 0x1000],
      [addr(a + 0x3000n).toHex(), 0x2000],
    ]);
    expect(r.unreadable.map((u) => [u.start.toHex(), u.size])).toEqual([[addr(a + 0x1000n).toHex(), 0x2000]]);
  });

  test("a hole in a large range costs a few reads by halving, not one read per page; known holes are not asked again", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    const a = b.alloc(0x40000, 0x1000);
    b.memory.unmap(a + 0x29000n, 0x1000);
    const control = installHost(b.target);
    const t = new Target();
    control.resetCounters();
    const r = t.memory.readPartial(addr(a), 0x40000);
    expect(r.pieces.map((p) => [p.start.toHex(), p.bytes.length])).toEqual([
      [addr(a).toHex(), 0x29000],
      [addr(a + 0x2a000n).toHex(), 0x16000],
    ]);
    expect(r.unreadable.map((u) => [u.start.toHex(), u.size])).toEqual([[addr(a + 0x29000n).toHex(), 0x1000]]);
    // The first read fails after copying 0x29000 bytes (43 packets + 1): the link has paid that, and the host
    // returns nothing. Page by page then cost 64 more reads of two packets each (172 in all); halving, 13 reads.
    expect(control.counters.readCalls).toBeLessThanOrEqual(14);
    expect(control.counters.packets).toBeLessThanOrEqual(150);
    const calls = control.counters.readCalls;
    t.memory.readPartial(addr(a + 0x28000n), 0x3000);
    expect(control.counters.readCalls).toBe(calls + 2);
  });

  describe("around holes no byte travels twice, failed reads included (issue 23)", () => {
    /** Every byte the link carried, by address: a failed read carries those before its hole (KDNET). */
    /** How many times the link carried each byte of the region at `base`: a failed read carries those before its hole (KDNET). */
    const timesCarried = (log: { address: bigint; carried: number }[], base: bigint) => {
      const times = new Uint8Array(0x40000);
      for (const r of log) for (let i = Number(r.address - base), end = i + r.carried; i < end; i++) times[i]++;
      return times;
    };
    const carriedTwice = (log: { address: bigint; carried: number }[], base: bigint) => timesCarried(log, base).filter((n) => n > 1).length;
    /** A 0x40000-byte image region with holes at 0x0f000 (one page), 0x29000-0x2b000 and 0x3f000 (the last page). */
    const scene = () => {
      const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
      const a = b.alloc(0x40000, 0x1000);
      for (let i = 0; i < 0x40000; i += 0x100) b.memory.writeU32(a + BigInt(i), i);
      b.memory.unmap(a + 0xf000n, 0x1000);
      b.memory.unmap(a + 0x29000n, 0x2000);
      b.memory.unmap(a + 0x3f000n, 0x1000);
      return { b, a };
    };
    const expected = (a: bigint) => ({
      pieces: [[a, 0xf000], [a + 0x10000n, 0x19000], [a + 0x2b000n, 0x14000]].map(([s, n]) => [addr(s as bigint).toHex(), n]),
      unreadable: [[a + 0xf000n, 0x1000], [a + 0x29000n, 0x2000], [a + 0x3f000n, 0x1000]].map(([s, n]) => [addr(s as bigint).toHex(), n]),
    });
    const shape = (r: { pieces: { start: Address; bytes: Uint8Array }[]; unreadable: { start: Address; size: number }[] }) => ({
      pieces: r.pieces.map((p) => [p.start.toHex(), p.bytes.length]),
      unreadable: r.unreadable.map((u) => [u.start.toHex(), u.size]),
    });

    test.each([
      ["the error names the hole", "hole", false],
      ["the error names the address asked for", "start", false],
      ["a short result hands back the bytes before the hole", "hole", true],
    ] as const)("%s: every readable byte once, the holes named, no byte carried twice", (_name, errorAddress, short) => {
      const { b, a } = scene();
      b.target.readErrorAddress = errorAddress;
      b.target.shortReads = short;
      const control = installHost(b.target);
      const t = new Target();
      control.resetCounters();
      const r = t.memory.readPartial(addr(a), 0x40000);
      expect(shape(r)).toEqual(expected(a));
      // The bytes are the target's, each where it belongs.
      for (const p of r.pieces) for (let i = 0; i < p.bytes.length; i += 0x100) expect(new DataView(p.bytes.buffer, p.bytes.byteOffset).getUint32(i, true)).toBe(Number(BigInt("0x" + p.start.toHex()) - a) + i);
      expect(control.readLog.length).toBeGreaterThan(3);
      const lost = control.readLog.filter((x) => x.failed && !short).reduce((n, x) => n + x.carried, 0);
      // A short result loses nothing, so no byte travels twice. A thrown read drops the bytes before its hole: those,
      // and only those, travel once more (never a third time, as halving made them); no two failed reads and no two
      // successful reads carry the same byte.
      expect(timesCarried(control.readLog, a).reduce((m, n) => Math.max(m, n), 0)).toBe(short ? 1 : 2);
      expect(carriedTwice(control.readLog, a)).toBe(lost);
      expect(carriedTwice(control.readLog.filter((x) => x.failed), a)).toBe(0);
      expect(carriedTwice(control.readLog.filter((x) => !x.failed), a)).toBe(0);
    });

    test("a short result: no byte is carried twice, and the lost-and-read-again count is zero", () => {
      const { b, a } = scene();
      b.target.shortReads = true;
      const control = installHost(b.target);
      const t = new Target();
      control.resetCounters();
      t.memory.readPartial(addr(a), 0x40000);
      expect(carriedTwice(control.readLog, a)).toBe(0);
      const carried = control.readLog.reduce((n, x) => n + x.carried, 0);
      expect(carried).toBe(0x40000 - 0x4000); // exactly the readable bytes
    });

    test("the error names the hole: the bytes before it are read again in one read each, four reads per hole", () => {
      const { b, a } = scene();
      const control = installHost(b.target);
      const t = new Target();
      control.resetCounters();
      t.memory.readPartial(addr(a), 0x40000);
      // Each hole: the read that fails at it, the bytes before it again, the probe of its page; then the next range.
      expect(control.readLog.map((x) => [Number(x.address - a).toString(16), x.size.toString(16), x.failed])).toEqual([
        ["0", "40000", true], ["0", "f000", false], ["f000", "1000", true],
        ["10000", "30000", true], ["10000", "19000", false], ["29000", "1000", true],
        ["2a000", "16000", true], ["2a000", "1000", true],
        ["2b000", "15000", true], ["2b000", "14000", false], ["3f000", "1000", true],
      ]);
    });
  });

  test("stopAtUnreadableStart: a freed section costs one page's probe; a resident one reads whole", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    const a = b.alloc(0x8000, 0x1000);
    b.memory.unmap(a, 0x4000);
    const control = installHost(b.target);
    const t = new Target();
    control.resetCounters();
    const gone = t.memory.readPartial(addr(a), 0x4000, { stopAtUnreadableStart: true });
    expect(gone.pieces).toEqual([]);
    expect(gone.unreadable.map((u) => [u.start.toHex(), u.size])).toEqual([[addr(a).toHex(), 0x4000]]);
    expect(control.counters).toMatchObject({ readCalls: 1, packets: 1, bytesRead: 0 });
    const there = t.memory.readPartial(addr(a + 0x4000n), 0x4000, { stopAtUnreadableStart: true });
    expect(there.pieces.map((p) => p.bytes.length)).toEqual([0x4000]);
    expect(control.counters.readCalls).toBe(3);
  });

  test.each([4, 8] as const)("pointers on a %i-byte target", (pointerSize) => {
    const b = kernelTarget({ pointerSize, build: BUILDS.win10_22h2 });
    const a = b.alloc(16);
    const value = pointerSize === 8 ? 0xfffff80747f50000n : 0x82a41030n;
    b.writePtr(a, value);
    installHost(b.target);
    const t = new Target();
    expect(t.pointerSize).toBe(pointerSize);
    const p = t.memory.readPointer(addr(a), "pointer") as Address;
    expect(p.format(pointerSize)).toBe(pointerSize === 8 ? "fffff807`47f50000" : "82a41030");
  });
});

describe("session facts", () => {
  test("kernel build from nt!NtBuildNumber, user build from the PEB", () => {
    installHost(kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 }).target);
    expect(new Target().windowsBuild()).toBe(19045);
    installHost(userTarget({ pointerSize: 4, build: BUILDS.win7sp1 }).target);
    const t = new Target();
    expect(t.isKernel).toBe(false);
    expect(t.windowsBuild()).toBe(7601);
  });

  test("modules come with lm's names and exact 64-bit bases", () => {
    const b = userTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    installHost(b.target);
    const ntdll = new Target().modules()[0];
    expect(ntdll.fileName).toBe("ntdll.dll");
    expect(ntdll.name).toBe("ntdll");
    expect(ntdll.base.format(8)).toBe("00007ff8`00000000");
  });

  test("a missing symbol is null whether the host returns null (API 1.1+) or throws (1.0)", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    installHost(b.target, 3);
    expect(new Target().symbolAddress("nt", "PoolTrackTable")).toBeNull();
    installHost(b.target, 0);
    expect(new Target().symbolAddress("nt", "PoolTrackTable")).toBeNull();
    expect(new Target().symbolAddress("nt", "NtBuildNumber")).not.toBeNull();
  });

  test("commands and files answer from the debugger; failures are values", () => {
    const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
    b.target.onCommand("!poolused 2", ["line one", "line two"]);
    b.target.addFile("C:\\Debuggers\\triage\\pooltag.txt", "a\r\nb");
    installHost(b.target);
    const t = new Target();
    expect(t.executeCommand("!poolused 2").lines).toEqual(["line one", "line two"]);
    expect(t.readTextFile("C:\\Debuggers\\triage\\pooltag.txt")).toEqual(["a", "b"]);
    expect(t.readTextFile("C:\\nowhere.txt")).toBeNull();
  });
});

describe("layout resolution: symbols first, built-in otherwise, and say which", () => {
  function resolveOn(build: number, pointerSize: 4 | 8, withType: boolean, knownBuild = true) {
    const b = kernelTarget({ pointerSize, build });
    if (withType && b.hasPdbTypes) b.pdbTypes("nt", ["_POOL_TRACKER_TABLE"]);
    else if (withType) b.typeFromLayout("nt", "_POOL_TRACKER_TABLE", poolTrackerLayout(build, pointerSize) as unknown as Record<string, unknown>);
    if (!knownBuild) b.target.removeSymbol("nt", "NtBuildNumber");
    installHost(b.target);
    const t = new Target();
    return resolveLayout(POOL_TRACKER_TABLE, (m, n) => t.type(m, n), t.pointerSize, t.windowsBuild());
  }

  test("with the type in the symbols, offsets come from the symbols", () => {
    const r = resolveOn(BUILDS.win10_22h2, 8, true) as ResolvedLayout;
    expect(r.origin).toBe("symbols");
    expect(r.description).toBe("_POOL_TRACKER_TABLE: from nt's symbols");
    expect(r.offsets.NonPagedBytes).toBe(8);
    expect(r.sizes.NonPagedAllocs).toBe(8);
  });

  test("without it, the built-in layout for the build is used and named", () => {
    const r = resolveOn(BUILDS.win10_22h2, 8, false) as ResolvedLayout;
    expect(r.origin).toBe("built-in");
    expect(r.description).toBe(
      "_POOL_TRACKER_TABLE: not in the symbols (.reload /f nt to get them); using the built-in layout for Windows 10 1709-22H2 x64, checked against build 19041's PDB",
    );
    expect(r.offsets).toMatchObject({ NonPagedBytes: 8, NonPagedAllocs: 0x10, PagedBytes: 0x20 });
    const old = resolveOn(BUILDS.win7sp1, 4, false) as ResolvedLayout;
    expect(old.description).toContain("Windows 7 SP1 to 10 1703 x86 (not checked against a PDB)");
    expect(old.offsets).toMatchObject({ NonPagedAllocs: 4, NonPagedBytes: 0xc });
    expect(old.size).toBe(0x1c);
  });

  test("an unknown build picks the newest layout and says it guessed", () => {
    const r = resolveOn(BUILDS.win10_22h2, 8, false, false) as ResolvedLayout;
    expect(r.guessed).toBe(true);
    expect(r.description).toBe(
      "_POOL_TRACKER_TABLE: not in the symbols (.reload /f nt to get them); the Windows build is unknown, so this guesses the built-in layout for Windows Server 2022 and Windows 11 21H2-24H2 x64 (the newest)",
    );
  });

  test("a build outside every variant is reported, not guessed", () => {
    const r = resolveLayout({ ...POOL_TRACKER_TABLE, variants: POOL_TRACKER_TABLE.variants.filter((v) => v.minBuild) }, () => null, 8, 7601);
    expect(isLayoutMissing(r)).toBe(true);
  });
});
