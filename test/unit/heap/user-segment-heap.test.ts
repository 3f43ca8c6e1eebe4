// walkSegmentHeap on built processes (test/targets/user-segment-heap.ts, laid out from the PDB slices and the
// research, not from src/layouts): every busy block listed exactly once with its HeapSize and +ust record, nothing
// else, and each damage named by address while the rest is still listed.
import { Address } from "../../../src/core/address";
import { Target } from "../../../src/host/target";
import { walkSegmentHeap } from "../../../src/heap/user-segment-heap";
import { HeapWalkPart } from "../../../src/heap/heap-blocks";
import { installHost } from "../../support/host-global";
import { AllocSpec, PlacedBlock, UserSegmentHeapBuilder, UserSegmentHeapOptions } from "../../targets/user-segment-heap";

const A = (v: bigint) => Address.parse(v.toString(16))!;
const frames = (n: number) => [0x7ff812340000n + BigInt(n) * 0x10n, 0x7ff8abcd1000n + BigInt(n)];

function walk(b: UserSegmentHeapBuilder, options = { includeFree: false, readFirstPointer: false }): HeapWalkPart {
  installHost(b.target);
  return walkSegmentHeap(new Target(), A(b.heap), options);
}

const key = (x: { address: Address | bigint; size: number; kind: string; stackRecord?: Address | bigint | null }) =>
  [typeof x.address === "bigint" ? x.address.toString(16) : x.address.toHex().replace(/^0+/, ""), x.size.toString(16), x.kind, x.stackRecord ? (typeof x.stackRecord === "bigint" ? x.stackRecord.toString(16) : x.stackRecord.toHex().replace(/^0+/, "")) : "-"].join(" ");

function expectExactly(part: HeapWalkPart, expected: PlacedBlock[]): void {
  expect(part.blocks.map(key).sort()).toEqual(expected.map(key).sort());
}

/** A Windows 10/11 x64 process: VS, LFH (with withheld slots and a live last slot), direct ranges and large blocks. */
function process(options: UserSegmentHeapOptions): { b: UserSegmentHeapBuilder; lfh: ReturnType<UserSegmentHeapBuilder["lfh"]> } {
  const b = new UserSegmentHeapBuilder(options);
  const vs: AllocSpec[] = [
    { size: 0x118, stack: frames(1) },
    { size: 0x40, busy: false },
    { size: 0x231, stack: frames(2) },
    { size: 0x200, stack: frames(1) },
    { size: 0x1f, stack: frames(3) },
  ];
  b.vs(vs);
  // 0x60-byte slots in two pages from +0x60: slot 41 (+0xFC0) crosses the first page and is withheld; the last slot (83) is live.
  const lfh = b.lfh(0x60, 2, [
    { slot: 0, spec: { size: 0x28, stack: frames(4) } },
    { slot: 5, spec: { size: 0x30, stack: frames(4) } },
    { slot: 7, spec: { size: 0x20, busy: false } },
    { slot: "last", spec: { size: 0x21, stack: frames(5) } },
  ]);
  b.backend({ size: 0x21000, stack: frames(6) });
  b.largeBlock({ size: 0x80000, stack: frames(7) });
  b.largeBlock({ size: 0x100010, stack: frames(8) });
  b.largeBlock({ size: 0x7f000, stack: frames(7) });
  b.finish();
  return { b, lfh };
}

describe("a Windows 10 22H2 x64 segment heap with +ust and ntdll's types", () => {
  const { b, lfh } = process({ build: 19045, withTypes: true, ust: true });
  const part = walk(b);

  test("lists every busy block once, with HeapSize and its stack record, and nothing else", () => {
    expectExactly(part, b.expected());
    expect(part.notWalked).toEqual([]);
    expect(part.summary.blocks).toBe(b.expected().length);
    expect(part.summary.bytes).toBe(b.expected().reduce((n, p) => n + p.size, 0));
    expect(part.summary.lfh).toBe(true);
  });

  test("the live block in the last LFH slot is listed although BlockCount stops one slot short (the withheld slot)", () => {
    expect(lfh.withheld.length).toBeGreaterThan(0);
    const last = lfh.placed[lfh.placed.length - 1];
    expect(part.blocks.some((x) => x.address.equals(A(last.address)))).toBe(true);
    const firstSlot = last.address - BigInt((lfh.slots - 1) * 0x60);
    const withheldAt = firstSlot + BigInt(lfh.withheld[0] * 0x60);
    // The builder marks withheld slots busy, as RtlpHpLfhSubsegmentInitialize does: only the page check leaves it out.
    expect(part.blocks.some((x) => x.address.equals(A(withheldAt)))).toBe(false);
  });

  test("kinds, headers and the layout line", () => {
    const kinds = part.blocks.map((x) => x.kind).sort();
    expect(kinds.filter((k) => k === "VS").length).toBe(4);
    expect(kinds.filter((k) => k === "LFH").length).toBe(3);
    expect(kinds.filter((k) => k === "Large").length).toBe(3);
    expect(part.blocks.filter((x) => x.kind === "VS").every((x) => x.header !== null && x.address.distanceFrom(x.header) === 16)).toBe(true);
    expect(part.summary.layout).toBe("_SEGMENT_HEAP: from ntdll's symbols");
    // The PDB slices have no _HEAP_LARGE_ALLOC_DATA (a kernel does not use it): its layout is the built-in one.
    expect((part.summary.builtInLayouts || []).map((l) => l.typeName)).toEqual(["_HEAP_LARGE_ALLOC_DATA"]);
    expect(part.summary.builtInLayouts![0].description).toMatch(/_HEAP_LARGE_ALLOC_DATA: not in the symbols/);
  });

  test("free blocks and first pointers on request", () => {
    const full = walk(b, { includeFree: true, readFirstPointer: true });
    expect(full.free.some((f) => f.kind === "VS" && f.size === 0x40)).toBe(true);
    expect(full.free.some((f) => f.kind === "LFH" && f.address.equals(A(lfh.placed[2].address)) && f.size === 0x60)).toBe(true);
    expect(full.blocks.every((x) => x.firstPointer !== null)).toBe(true);
  });
});

describe("Windows 11 x64 without ntdll's types and without +ust", () => {
  test("built-in layouts (+0x40 SegContexts), HeapSize from the tail WORD, no stack records", () => {
    const { b } = process({ build: 22000, ust: false });
    const part = walk(b);
    expectExactly(part, b.expected());
    expect(part.notWalked).toEqual([]);
    expect(part.summary.layout).toMatch(/^_SEGMENT_HEAP: not in the symbols \(\.reload \/f ntdll\.dll to get them\); using the built-in layout for Windows Server 2022 and Windows 11 x64/);
    expect(part.blocks.every((x) => x.stackRecord === null)).toBe(true);
  });

  test("build 26100 encodes page segment signatures without the constant: still read", () => {
    const { b } = process({ build: 26100, ust: true });
    const part = walk(b);
    expectExactly(part, b.expected());
  });
});

describe("a 32-bit Windows 10 process (x86 rows: research, not PDB-checked)", () => {
  test("VS (8-byte headers), LFH with a withheld slot and a live last slot, direct ranges and large blocks, with +ust", () => {
    const b = new UserSegmentHeapBuilder({ build: 19045, pointerSize: 4, ust: true });
    const f = (n: number) => [0x77a01000n + BigInt(n) * 0x10n, 0x00401000n + BigInt(n)];
    b.vs([{ size: 0x64, stack: f(1) }, { size: 0x20, busy: false }, { size: 0x1f1, stack: f(2) }, { size: 0x7, stack: f(1) }]);
    const lfh = b.lfh(0x30, 2, [{ slot: 3, spec: { size: 0x10, stack: f(3) } }, { slot: "last", spec: { size: 0x14, stack: f(4) } }]);
    expect(lfh.withheld.length).toBeGreaterThan(0);
    b.backend({ size: 0x30000, stack: f(5) });
    b.largeBlock({ size: 0x90000, stack: f(6) });
    b.largeBlock({ size: 0x7f800, stack: f(6) });
    b.finish();
    const part = walk(b);
    expectExactly(part, b.expected());
    expect(part.notWalked).toEqual([]);
    expect(part.summary.layout).toMatch(/built-in layout for Windows 10 1903 and later x86 \(not checked against a PDB\)/);
  });
});

test("context 1 (16 MB page segments of 64 KB units) is walked too", () => {
  const b = new UserSegmentHeapBuilder({ build: 22000, ust: true });
  b.vs([{ size: 0x100, stack: frames(1) }]);
  b.vs([{ size: 0x6000, stack: frames(2) }, { size: 0x2000, busy: false }, { size: 0x3ff1, stack: frames(3) }], 16, 1);
  b.finish();
  expect(b.segments1.length).toBe(1);
  const part = walk(b);
  expectExactly(part, b.expected());
  expect(part.notWalked).toEqual([]);
});

describe("the readings the sources leave open", () => {
  test("without withheld slots (WitheldBlockCount 0) a live page-crossing slot is an allocation and is listed", () => {
    const b = new UserSegmentHeapBuilder({ build: 22000, ust: true });
    const crossing = b.lfhGeometry(0x60, 2).withheld[0];
    b.lfh(0x60, 2, [{ slot: crossing, spec: { size: 0x30, stack: frames(1) } }, { slot: "last", spec: { size: 0x28, stack: frames(2) } }], false);
    b.finish();
    const part = walk(b);
    expectExactly(part, b.expected());
    expect(part.blocks).toHaveLength(2);
  });

  test("LFH offsets keyed with (ULONG)subsegment >> 12 decode through the fallback, and the notes say so", () => {
    const { b } = process({ build: 19045, ust: true, truncatedLfhKey: true });
    const part = walk(b);
    expectExactly(part, b.expected());
    expect((part.summary.notes || []).join("\n")).toMatch(/\(ULONG\)subsegment >> 12/);
  });

  test("an encoded large-block tree (root ^ tree, children ^ parent) is walked", () => {
    const { b } = process({ build: 19045, ust: true, encodedTree: true });
    const part = walk(b);
    expectExactly(part, b.expected());
  });

  test("an encoded tree whose children are XORed with the tree's address (the second reading) is walked too", () => {
    const { b } = process({ build: 19045, ust: true, encodedTree: "tree" });
    const part = walk(b);
    expectExactly(part, b.expected());
    expect(part.notWalked).toEqual([]);
  });

  test("front padding (ntdll up to 19041): the user pointer is past the padding value", () => {
    const b = new UserSegmentHeapBuilder({ build: 19045 });
    b.vs([{ size: 0x100, frontPad: 0x10 }, { size: 0x80 }]);
    b.finish();
    const part = walk(b);
    expectExactly(part, b.expected());
  });

  test("without ntdll!RtlpHpHeapGlobals: HeapKey from the page segment's signature, LFH not walked (what to load), large blocks listed", () => {
    const { b } = process({ build: 19045, ust: true, keysSymbol: false });
    const part = walk(b);
    expectExactly(part, b.expected().filter((p) => p.kind !== "LFH"));
    expect(part.notWalked).toHaveLength(1);
    expect(part.notWalked[0].part).toBe("LFH subsegments");
    expect(part.notWalked[0].reason).toMatch(/\.reload \/f ntdll\.dll/);
    expect((part.summary.notes || []).join("\n")).toMatch(/HeapKey was derived/);
  });
});

describe("damage: named by address and reason, the rest still listed", () => {
  test("a VS subsegment with a bad signature", () => {
    const { b } = process({ build: 19045, ust: true });
    const vs = b.subsegments.find((s) => s.kind === "VS")!;
    b.b.memory.writeU16(vs.address + 0x22n, 0x1234);
    const part = walk(b);
    expectExactly(part, b.expected().filter((p) => p.kind !== "VS"));
    expect(part.notWalked).toEqual([{ heap: A(b.heap), part: "VS subsegment", address: A(vs.address), reason: expect.stringMatching(/signature 0x1234 does not match its size/) }]);
  });

  test("an LFH subsegment whose offsets do not decode", () => {
    const { b } = process({ build: 19045, ust: true });
    const lfh = b.subsegments.find((s) => s.kind === "LFH")!;
    b.b.memory.writeU32(lfh.address + 0x28n, 0xdeadbeef);
    const part = walk(b);
    expectExactly(part, b.expected().filter((p) => p.kind !== "LFH"));
    expect(part.notWalked.map((n) => [n.part, n.address && n.address.toHex()])).toEqual([["LFH subsegment", A(lfh.address).toHex()]]);
  });

  test("a segment list that loops", () => {
    const b = new UserSegmentHeapBuilder({ build: 19045, ust: true });
    b.vs([{ size: 0x100, stack: frames(1) }]);
    b.finish();
    b.b.writePtr(b.segments[0], b.segments[0]); // Flink back to itself
    const part = walk(b);
    expectExactly(part, b.expected());
    expect(part.notWalked).toHaveLength(1);
    expect(part.notWalked[0]).toMatchObject({ part: "segment list", reason: expect.stringMatching(/loops back/) });
  });

  test("an unreadable page in a VS subsegment: the chunks before it listed, the page named", () => {
    const b = new UserSegmentHeapBuilder({ build: 19045, ust: true });
    const specs: AllocSpec[] = [];
    for (let i = 0; i < 12; i++) specs.push({ size: 0x3e0, stack: frames(i % 3) });
    const placed = b.vs(specs, 4);
    b.finish();
    const vs = b.subsegments[0].address;
    b.b.memory.unmap(vs + 0x2000n, 0x1000);
    const part = walk(b);
    const before = placed.filter((p) => p.address + BigInt(p.size) + 0x40n < vs + 0x2000n);
    expect(before.length).toBeGreaterThan(3);
    for (const p of before) expect(part.blocks.map(key)).toContain(key(p));
    expect(part.blocks.every((x) => x.address.lo < Number((vs + 0x2000n) & 0xffffffffn) || x.address.lo >= Number((vs + 0x3000n) & 0xffffffffn))).toBe(true);
    expect(part.notWalked.map((n) => n.part)).toContain("VS subsegment");
    expect(part.notWalked.some((n) => /unreadable page/.test(n.reason))).toBe(true);
  });

  test("a large-block node that is unreadable: the other large blocks and everything else listed", () => {
    const { b } = process({ build: 19045, ust: true });
    const sorted = b.placed.filter((p) => p.kind === "Large").sort((x, y) => (x.address < y.address ? -1 : 1));
    // The first node by address is a leaf of the balanced tree.
    const leafNode = b.largeNodes[b.placed.filter((p) => p.kind === "Large").indexOf(sorted[0])];
    b.b.memory.unmap(leafNode & ~0xfffn, 0x1000);
    const part = walk(b);
    expectExactly(part, b.expected().filter((p) => p.address !== sorted[0].address));
    expect(part.notWalked).toHaveLength(1);
    expect(part.notWalked[0]).toMatchObject({ part: "large block tree", address: A(leafNode), reason: expect.stringMatching(/unreadable/) });
  });

  test("a page segment whose descriptors head no range (a layout the build does not have) is named, not skipped in silence", () => {
    const b = new UserSegmentHeapBuilder({ build: 19045 });
    b.vs([{ size: 0x100 }]);
    b.finish();
    for (let i = 2; i < 256; i++) b.b.memory.writeU8(b.segments[0] + BigInt(i * 0x20 + 0x18), 0);
    const part = walk(b);
    expect(part.blocks).toEqual([]);
    expect(part.notWalked).toEqual([{ heap: A(b.heap), part: "page segment", address: A(b.segments[0]), reason: expect.stringMatching(/no range descriptor from index 2 heads a range/) }]);
  });

  test("few reads: the heap header, the keys, one per page segment, one per subsegment, one per large node and its ends", () => {
    const { b } = process({ build: 22000, ust: true });
    installHost(b.target);
    const target = new Target();
    const part = walkSegmentHeap(target, A(b.heap), { includeFree: false, readFirstPointer: false });
    expectExactly(part, b.expected());
    const large = b.expected().filter((p) => p.kind === "Large" || p.kind === "Backend").length;
    // PEB build + header + keys + segments + subsegments + (node + trailer) per large block and (trailer) per backend range.
    expect(target.memory.stats.readCalls).toBeGreaterThan(b.subsegments.length);
    expect(target.memory.stats.readCalls).toBeLessThanOrEqual(3 + b.segments.length + b.subsegments.length + 2 * large);
  });

  test("a build without a layout (Windows 10 1803: one segment list, no SegContexts) is named with what to load", () => {
    const b = new UserSegmentHeapBuilder({ build: 17134 });
    b.finish();
    const part = walk(b);
    expect(part.blocks).toEqual([]);
    expect(part.notWalked).toHaveLength(1);
    expect(part.notWalked[0].reason).toMatch(/^no layout for _SEGMENT_HEAP, .*: not in the symbols \(\.reload \/f ntdll\.dll to get them\); no built-in layout for build 17134$/);
  });

  test("a HeapKey that is not this heap's: every page segment named, then the key; the large blocks still listed", () => {
    const { b } = process({ build: 19045, ust: true });
    b.b.memory.writeU64(BigInt(b.target.symbols.get("ntdll!RtlpHpHeapGlobals")!), 0x1234n);
    const part = walk(b);
    expectExactly(part, b.expected().filter((p) => p.kind === "Large"));
    expect(part.notWalked.map((n) => n.part)).toEqual([...b.segments.map(() => "page segment"), "segment heap keys"]);
  });

  test("a heap whose signature is not 0xDDEEDDEE is named, not walked", () => {
    const b = new UserSegmentHeapBuilder({ build: 19045 });
    b.finish();
    b.b.memory.writeU32(b.heap + 0x10n, 0x12345678);
    const part = walk(b);
    expect(part.blocks).toEqual([]);
    expect(part.notWalked[0].reason).toMatch(/0x12345678, not 0xddeeddee/);
  });
});

describe("every read failing in turn (as an unreadable page fails in the provider)", () => {
  test("no exception; the walk either lists every block with its stack or names what it could not read", () => {
    const build = () => process({ build: 19045, ust: true }).b;
    const probe = build();
    installHost(probe.target);
    const probeTarget = new Target();
    walkSegmentHeap(probeTarget, A(probe.heap), { includeFree: false, readFirstPointer: true });
    const reads = probeTarget.memory.stats.readCalls;
    expect(reads).toBeGreaterThan(10);
    const expected = probe.expected().map(key).sort();
    let named = 0;
    for (let n = 1; n <= reads; n++) {
      const b = build();
      b.target.failReadNumber = n;
      installHost(b.target);
      const part = walkSegmentHeap(new Target(), A(b.heap), { includeFree: false, readFirstPointer: true });
      const same = JSON.stringify(part.blocks.map(key).sort()) === JSON.stringify(expected);
      const said = part.notWalked.length > 0 || (part.summary.notes || []).length > 0 || /guesses/.test(part.summary.layout);
      expect([n, same || said]).toEqual([n, true]);
      if (part.notWalked.length > 0) named++;
      expect(part.notWalked.every((x) => !/internal error/.test(x.reason))).toBe(true);
    }
    // The injection bites: most reads are of metadata whose loss must be named.
    expect(named).toBeGreaterThan(reads / 2);
  });
});

test("progress: onProgress is called with the blocks found so far on a long walk", () => {
  const b = new UserSegmentHeapBuilder({ build: 22000 });
  for (let s = 0; s < 3; s++) {
    const blocks: { slot: number; spec: AllocSpec }[] = [];
    const g = b.lfhGeometry(0x20, 16);
    for (let i = 0; i < g.count; i++) if (g.withheld.indexOf(i) < 0) blocks.push({ slot: i, spec: { size: 0x18 } });
    b.lfh(0x20, 16, blocks);
  }
  b.finish();
  const seen: number[] = [];
  installHost(b.target);
  const part = walkSegmentHeap(new Target(), A(b.heap), { includeFree: false, readFirstPointer: false, onProgress: (n) => seen.push(n) });
  expectExactly(part, b.expected());
  expect(part.blocks.length).toBeGreaterThan(4096);
  expect(seen).toEqual([4096]);
});
