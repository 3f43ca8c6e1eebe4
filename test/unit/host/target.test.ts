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
