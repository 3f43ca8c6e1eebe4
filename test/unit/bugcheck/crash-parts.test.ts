// Pure parts of !crashtriage for issue 21, with hand-worked values: _M codes, address classes, the unloaded-driver
// array, the old pool's header chain, the user-mode heap block lookup, and the build from vertarget's text.
import * as fs from "fs";
import * as path from "path";
import { Address } from "../../../src/core/address";
import { codeName, M_FLAG } from "../../../src/bugcheck/codes";
import { classifyAddress, describePoolPlace, AddressFacts } from "../../../src/bugcheck/address-kind";
import { sizeText } from "../../../src/render/report";
import { decodeUnloadedDrivers, unloadedSlotContaining, driverNameFromUtf16 } from "../../../src/bugcheck/unloaded";
import { walkPoolPage, neighboursOf } from "../../../src/bugcheck/pool-neighbours";
import { blockContaining, renderHeapLookup } from "../../../src/bugcheck/heap-lookup";
import { buildFromVertarget } from "../../../src/host/target";
import type { ProcessHeapWalk, HeapBlock, FreeHeapBlock } from "../../../src/heap/heap-blocks";
import type { ResolvedLayout } from "../../../src/layouts/types";

const A = (text: string) => Address.parse(text)!;

describe("bugcheck codes with the _M flag", () => {
  test("0x1000007E is 0x7E, named with _M as !analyze names it", () => {
    const n = codeName(0x1000007e);
    expect(n).toMatchObject({ base: 0x7e, name: "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M", isM: true });
    expect(codeName(0x1000008e).name).toBe("KERNEL_MODE_EXCEPTION_NOT_HANDLED_M");
    expect(codeName(0x7e)).toMatchObject({ base: 0x7e, isM: false });
    expect(M_FLAG).toBe(0x10000000);
  });
  test("a flagged code whose base is unknown stays unknown, not guessed", () => {
    expect(codeName(0x10001337)).toMatchObject({ base: 0x10001337, name: "unknown bugcheck", info: null });
  });
});

describe("classifyAddress", () => {
  const facts: AddressFacts = {
    pointerSize: 8,
    modules: [{ name: "amdppm", fileName: "amdppm.sys", base: A("fffff8048b580000"), size: 0x16000 }],
    unloaded: [{ name: "oldflt.sys", start: A("fffff80490000000"), end: A("fffff80490008000") }],
    stackPointer: A("ffff850429891f28"),
  };
  test.each([
    ["0000000000000028", "null", "a NULL pointer +0x28"],
    ["ffffffffffffffff", "minus-one", "an invalid address: -1"],
    ["0000800000000000", "non-canonical", "a non-canonical address"],
    ["ffff7fffffffffff", "non-canonical", "a non-canonical address"],
    ["00007fffffff0000", "user", "user space"],
    ["fffff8048b58334c", "module", "inside amdppm.sys (amdppm+0x334c)"],
    ["fffff80490001234", "unloaded-module", "inside the range oldflt.sys occupied"],
    ["ffff850429891ee8", "stack", "this thread's kernel stack"],
    ["ffff8882181330e8", "kernel", "a kernel address outside every module"],
  ])("%s is %s", (address, kind, text) => {
    const k = classifyAddress(A(address), facts);
    expect(k.kind).toBe(kind);
    expect(k.text).toContain(text);
  });
  test("32-bit: the upper 2 GB are the kernel's, -1 is 0xffffffff", () => {
    const f32: AddressFacts = { pointerSize: 4, modules: [], unloaded: [], stackPointer: null };
    expect(classifyAddress(A("7ffe0000"), f32).kind).toBe("user");
    expect(classifyAddress(A("ffffffff"), f32).kind).toBe("minus-one");
    expect(classifyAddress(A("8256de74"), f32).kind).toBe("kernel");
  });
  test("the special-pool page faults say what the bugcheck already knows", () => {
    const f: AddressFacts = { pointerSize: 8, modules: [], unloaded: [], stackPointer: null, freedSpecialPool: true };
    expect(classifyAddress(A("ffffcf8003468644"), f).kind).toBe("freed-special-pool");
  });
});

describe("describePoolPlace: what the pool's records say a referenced address is", () => {
  const f = (a: Address) => a.format(8);
  test("a big allocation: offset, pool, size, tag and owner", () => {
    // ffffb402`00095120 is 0x120 into the allocation at ffffb402`00095000 (3 pages).
    const k = describePoolPlace({ kind: "big", address: A("ffffb40200095000"), size: 0x3000, offset: 0x120, tag: "BigP", pool: "Paged", owner: "bigdrv.sys" }, f, sizeText);
    expect(k).toEqual({ kind: "big-pool", text: "+0x120 into a Paged big pool allocation at ffffb402`00095000 of 0x3000 (12.0 KB), tag 'BigP', allocated by bigdrv.sys" });
  });
  test("a busy block without a known owner, and an address in the VS chunk header before the pool header", () => {
    const block = { kind: "block" as const, header: A("ffffd10000002260"), size: 0x200, offset: 0x50, tag: "NfOv", owner: null, method: "segment heap" as const };
    expect(describePoolPlace(block, f, sizeText).text).toBe("+0x50 from the pool header at ffffd100`00002260, a busy block of 0x200 (512 bytes), tag 'NfOv'");
    expect(describePoolPlace({ ...block, offset: -8 }, f, sizeText).text).toMatch(/^in the chunk header 0x8 bytes before the pool header at ffffd100`00002260/);
    expect(describePoolPlace(block, f, sizeText).block).toEqual({ header: A("ffffd10000002260"), size: 0x200 });
  });
  test("a freed old-pool block names its last tag; an unused stretch of a subsegment says both readings", () => {
    expect(describePoolPlace({ kind: "free-block", header: A("ffffb402000010b0"), size: 0x90, offset: 0x28, tag: "Free" }, f, sizeText).text).toBe(
      "+0x28 from the pool header at ffffb402`000010b0, a FREE block of 0x90 (144 bytes) (last tag 'Free'): a use after free",
    );
    expect(describePoolPlace({ kind: "unused", subsegment: A("ffffd10000002000") }, f, sizeText)).toEqual({
      kind: "pool-free",
      text: "pool in no busy block of the subsegment at ffffd100`00002000: freed or never-allocated pool (a use after free, or a stale pointer)",
    });
  });
});

describe("decodeUnloadedDrivers (WRK mm.h _UNLOADED_DRIVERS, x64: Name 0, StartAddress 0x10, EndAddress 0x18, CurrentTime 0x20)", () => {
  const layout: ResolvedLayout = {
    typeName: "_UNLOADED_DRIVERS",
    size: 0x28,
    offsets: { Name: 0, StartAddress: 0x10, EndAddress: 0x18, CurrentTime: 0x20 },
    sizes: {},
    origin: "built-in",
    description: "",
  } as unknown as ResolvedLayout;
  const bytes = new Uint8Array(3 * 0x28);
  const dv = new DataView(bytes.buffer);
  // Slot 0: "oldflt.sys" (20 bytes) at ffffb402`00001000, range fffff804`90000000-fffff804`90008000.
  dv.setUint16(0, 20, true);
  dv.setBigUint64(8, 0xffffb40200001000n, true);
  dv.setBigUint64(0x10, 0xfffff80490000000n, true);
  dv.setBigUint64(0x18, 0xfffff80490008000n, true);
  dv.setUint32(0x20, 0x89abcdef, true);
  dv.setUint32(0x24, 0x01d9aaaa, true);
  // Slot 1: empty (zeros). Slot 2: end below start (corrupt): left out.
  dv.setBigUint64(0x50 + 0x10, 0xfffff80500000000n, true);
  dv.setBigUint64(0x50 + 0x18, 0xfffff804ffff0000n, true);
  test("keeps used slots, drops empty and inverted ones", () => {
    const slots = decodeUnloadedDrivers(bytes, 3, layout, 8);
    expect(slots).toHaveLength(1);
    expect(slots[0].nameLength).toBe(20);
    expect(slots[0].nameBuffer.format(8)).toBe("ffffb402`00001000");
    expect(slots[0].timeLow).toBe(0x89abcdef);
    expect(slots[0].timeHigh).toBe(0x01d9aaaa);
    expect(unloadedSlotContaining(slots, A("fffff80490007fff"))).toBe(slots[0]);
    expect(unloadedSlotContaining(slots, A("fffff80490008000"))).toBeNull();
  });
  test("names: UTF-16, path dropped, hostile characters shown as ?", () => {
    const name = (s: string) => new Uint8Array(Array.from(s).flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8]));
    expect(driverNameFromUtf16(name("\\SystemRoot\\drivers\\oldflt.sys"))).toBe("oldflt.sys");
    expect(driverNameFromUtf16(name("a\u0007b\u2028.sys"))).toBe("a?b?.sys");
  });
});

describe("walkPoolPage (x64 _POOL_HEADER: PreviousSize bits 0-7, BlockSize 16-23, PoolType 24-31, x16)", () => {
  const page = A("ffffb40200010000");
  const header = (previous: number, units: number, poolType: number, tag: string) => {
    const b = new Uint8Array(16);
    new DataView(b.buffer).setUint32(0, (previous | (units << 16) | (poolType << 24)) >>> 0, true);
    for (let i = 0; i < 4; i++) b[4 + i] = tag.charCodeAt(i);
    return b;
  };
  const bytes = new Uint8Array(0x1000);
  bytes.set(header(0, 4, 2, "Ntfx"), 0); // 0x40 bytes
  bytes.set(header(4, 7, 2, "Ovr1"), 0x40); // 0x70 bytes
  bytes.set(header(7, 5, 0, "Free"), 0xb0); // 0x50, free
  bytes.set(header(5, 0xf0, 2, "Last"), 0x100); // to the page's end (0xf00 bytes)
  test("follows BlockSize to the page's end", () => {
    const walk = walkPoolPage(bytes, page, 8);
    expect(walk.brokenAt).toBeNull();
    expect(walk.entries.map((e) => [e.header.format(8).slice(-4), e.tag, e.size, e.busy])).toEqual([
      ["0000", "Ntfx", 0x40, true],
      ["0040", "Ovr1", 0x70, true],
      ["00b0", "Free", 0x50, false],
      ["0100", "Last", 0xf00, true],
    ]);
    const n = neighboursOf(walk.entries, A("ffffb402000100c8"));
    expect(n.containing!.tag).toBe("Free");
    expect(n.before!.tag).toBe("Ovr1");
  });
  test("a header whose PreviousSize disagrees breaks the chain there", () => {
    const broken = bytes.slice();
    broken.set(new TextEncoder().encode("AAAAAAAA"), 0xb0);
    const walk = walkPoolPage(broken, page, 8);
    expect(walk.brokenAt!.format(8)).toBe("ffffb402`000100b0");
    expect(walk.entries.map((e) => e.tag)).toEqual(["Ntfx", "Ovr1"]);
    expect(neighboursOf(walk.entries, walk.brokenAt!).before!.tag).toBe("Ovr1");
  });
  test("a VS chunk header before the pool header belongs to that block (headerSlack)", () => {
    // VS chunks: chunk header (0x10), pool header, data; BlockSize x 16 runs from the pool header to the next chunk.
    const entries = [{ header: A("ffffd10000002270"), size: 0x200, tag: "NfOv", busy: true }, { header: A("ffffd10000002480"), size: 0x310, tag: "Vict", busy: true }];
    expect(neighboursOf(entries, A("ffffd10000002470"), 0x10)).toMatchObject({ containing: { tag: "Vict" }, before: { tag: "NfOv" } });
    expect(neighboursOf(entries, A("ffffd10000002470"), 0)).toMatchObject({ containing: null, before: { tag: "NfOv" } });
    expect(neighboursOf(entries, A("ffffd10000002460"), 0x10)).toMatchObject({ containing: { tag: "NfOv" }, before: null });
  });
});

describe("blockContaining (user mode, over a ProcessHeapWalk with free blocks)", () => {
  const heap = A("0000020000000000");
  const busy = (address: string, size: number, stack: string | null = null): HeapBlock => ({
    address: A(address), size, heap, kind: "LFH", header: A(address).subtract(0x10), stackRecord: stack ? A(stack) : null, firstPointer: null,
  });
  const free = (address: string, size: number): FreeHeapBlock => ({ address: A(address), size, heap, kind: "Backend" });
  const walk: ProcessHeapWalk = {
    heaps: [],
    notWalked: [],
    ust: true,
    blocks: [busy("0000020000001010", 0x50, "00007ff800010000"), busy("0000020000001070", 0x30)],
    free: [free("00000200000010b0", 0x100)],
  };
  test("an address inside a freed block: free, its size, the busy block before it", () => {
    const r = blockContaining(walk, A("00000200000010c8"));
    expect(r.containing).toMatchObject({ busy: false, size: 0x100, offset: 0x18 });
    expect(r.before).toMatchObject({ busy: true, size: 0x30 });
    expect(r.before!.address.format(8)).toBe("00000200`00001070");
  });
  test("just past a busy block's data: that block (an overrun), with the stack record of the block before", () => {
    const r = blockContaining(walk, A("0000020000001064"));
    expect(r.containing).toMatchObject({ busy: true, size: 0x50, offset: 0x54 });
    expect(r.containing!.stackRecord!.format(8)).toBe("00007ff8`00010000");
    const lines = renderHeapLookup(r, "00000200`00001064", (a) => a.format(8));
    expect(lines[0]).toBe("00000200`00001064 is 0x4 bytes past the end of a busy LFH block at 00000200`00001010 of 0x50 (80 bytes) (heap 00000200`00000000): an overrun of that block.");
  });
  test("an address in no block says so", () => {
    const r = blockContaining(walk, A("0000030000000000"));
    expect(r.containing).toBeNull();
    expect(renderHeapLookup(r, "x", (a) => a.toHex())[0]).toContain("is in no heap block the walk saw");
  });
  test("inside a busy block's data, a use of it: +offset into, no overrun", () => {
    const lines = renderHeapLookup(blockContaining(walk, A("0000020000001020")), "a", (a) => a.format(8));
    expect(lines[0]).toContain("+0x10 into a busy LFH block");
    expect(lines[1]).toContain("Allocated by the stack at 00007ff8`00010000 (+ust;");
  });
});

describe("buildFromVertarget on real banners (test/fixtures/triage/vertarget-*.txt)", () => {
  const dir = path.resolve(__dirname, "../../fixtures/triage");
  test.each([
    ["vertarget-hyperbone25-17134.txt", 17134],
    ["vertarget-sklib10-19041.txt", 19041],
    ["vertarget-meshcentral2761-14393.txt", 14393],
  ])("%s -> %d", (file, build) => {
    const lines = fs.readFileSync(path.join(dir, file), "utf8").split(/\r?\n/).filter((l) => !l.startsWith("#"));
    expect(buildFromVertarget(lines)).toBe(build);
    // Without the "Kernel Version" line, the build lab line alone answers.
    expect(buildFromVertarget(lines.filter((l) => !/Kernel Version/.test(l)))).toBe(build);
  });
  test("no version line: null, never a guess", () => {
    expect(buildFromVertarget(["Machine Name:", "Kernel base = 0xfffff803`ef698000"])).toBeNull();
  });
});
