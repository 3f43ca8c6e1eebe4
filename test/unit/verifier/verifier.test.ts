import { Address } from "../../../src/core/address";
import { slistFirst } from "../../../src/verifier/slist";
import { parseVerifierOutput } from "../../../src/verifier/text";
import { decodePage, tagText } from "../../../src/verifier/pool";
import { groupBy, functionOf, likelyWrapper } from "../../../src/verifier/groups";
import { fixtureLines, poolEntryLayout, tagValue } from "../../targets/verifier";
import { ResolvedLayout } from "../../../src/layouts/types";

const head = (bytes: number[]) => Uint8Array.from(bytes);
function qwords(a: bigint, b: bigint): Uint8Array {
  const out = new Uint8Array(16);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, a, true);
  v.setBigUint64(8, b, true);
  return out;
}
const at = Address.parse("fffffa80`04f5a040")!;

describe("SLIST_HEADER first entry (layouts.md §4)", () => {
  test("x64 Header16 / HeaderX64: second qword without its low 4 bits", () => {
    expect(slistFirst(qwords(1n, 0xfffffa8004f6b001n), 0, 8, 7601, at)!.format(8)).toBe("fffffa80`04f6b000");
    expect(slistFirst(qwords(1n, 0xffffc30b1f4c2000n), 0, 8, 19041, at)!.format(8)).toBe("ffffc30b`1f4c2000");
  });
  test("Win7 x64 Header8: bits 25-63 of the first qword, shifted left by 4, in the kernel's top 8 TB", () => {
    const next39 = (0xfffffa8004f6b000n >> 4n) & ((1n << 39n) - 1n);
    expect(slistFirst(qwords(1n | (next39 << 25n), 0n), 0, 8, 7601, at)!.format(8)).toBe("fffffa80`04f6b000");
  });
  test("x86: Next at +0; empty lists", () => {
    expect(slistFirst(head([0x00, 0x30, 0x5c, 0x85, 1, 0, 0, 0]), 0, 4, 7601, at)!.format(4)).toBe("855c3000");
    expect(slistFirst(new Uint8Array(8), 0, 4, 7601, at)).toBeNull();
    expect(slistFirst(new Uint8Array(16), 0, 8, 19041, at)).toBeNull();
  });
});

describe("the text of !verifier 3 (real output, seed 002)", () => {
  test("finds the driver, its counters and its one allocation", () => {
    const r = parseVerifierOutput(fixtureLines("seed002-verifier3.txt"), "test.sys", 100);
    expect(r.driverListed).toBe(true);
    expect(r.currentAllocations).toEqual({ nonPaged: 1, paged: 0 });
    expect(r.currentBytes).toEqual({ nonPaged: 0xc, paged: 0 });
    expect(r.skippedRows).toBe(0);
    expect(r.allocations.map((a) => [a.address.format(8), a.size, a.tag, a.caller.format(8)])).toEqual([
      ["fffff980`0933eff0", 0xc, "test", "fffff880`04c73043"],
    ]);
  });
  test("another driver's name is not listed; the cap holds; rows with other spacing and a trailing symbol parse", () => {
    expect(parseVerifierOutput(fixtureLines("seed002-verifier3.txt"), "other.sys", 100).driverListed).toBe(false);
    const lines = ["PoolAddress  SizeInBytes    Tag       CallersAddress", ...Array.from({ length: 5 }, (_, i) => "fffff980`0933e" + i + "f0 0x10 Ab c fffff880`04c73043 test!DriverEntry+0x33")];
    const r = parseVerifierOutput(lines, "test.sys", 3);
    expect(r.allocations).toHaveLength(3);
    expect(r.allocations[0].tag).toBe("Ab c");
    expect(r.skippedRows).toBe(2);
  });
});

describe("the text of !verifier 3 as other Windows versions print it (real output, test/fixtures/verifier/)", () => {
  const rows = (r: ReturnType<typeof parseVerifierOutput>) => r.allocations.map((a) => [a.address.format(8), a.size, a.tag, a.caller.format(8), a.callerSymbol]);
  test("Windows 8.1 x86: MODULE: line, counts in ( nonpaged / paged ), the caller's symbol after its address", () => {
    const r = parseVerifierOutput(fixtureLines("verifier3-docs-win81-x86.txt"), "Mydriver.sys", 100);
    expect(r.driverListed).toBe(true);
    expect(r.driverState).toBe("Loaded");
    expect(r.currentAllocations).toEqual({ nonPaged: 3, paged: 0 });
    expect(r.currentBytes).toEqual({ nonPaged: 0x1058, paged: 0 });
    expect(r.skippedRows).toBe(0);
    expect(rows(r)).toEqual([
      ["00000000`982a8fe0", 0x20, "VMdl", "00000000`9a3bf6ac", "MyDriver!DeviceControlDispatch"],
      ["00000000`8645a000", 0x1008, "mdrv", "00000000`9a3bf687", "MyDriver!DeviceControlDispatch"],
      ["00000000`9a836fd0", 0x30, "Vfwi", "00000000`9a3bf6ed", "MyDriver!GetNecessaryObjects"],
    ]);
  });
  test("Windows 7 x86 after the unload: nt!_VF_TARGET_DRIVER line, and the closing line is not a row that failed", () => {
    const r = parseVerifierOutput(fixtureLines("verifier3-poolhittag-win7-x86.txt"), "Sample.sys", 100);
    expect(r.driverListed).toBe(true);
    expect(r.driverState).toBe("Loaded and Unloaded");
    expect(r.currentAllocations).toEqual({ nonPaged: 0, paged: 1 });
    expect(r.currentBytes).toEqual({ nonPaged: 0, paged: 0x70 });
    expect(rows(r)).toEqual([["00000000`86491d10", 0x70, "abcd", "00000000`a05c1047", "Sample!DriverEntry+0x27"]]);
    // "Contiguous allocations are not displayed with public symbols." ends the table.
    expect(r.skippedRows).toBe(0);
  });
  test("x64 (2023 CI run): 64-bit 0x addresses, the header's \"Caller Address\"", () => {
    const r = parseVerifierOutput(fixtureLines("verifier3-ebpf1908-x64.txt"), "ebpfcore.sys", 100);
    expect(r.driverListed).toBe(true);
    expect(r.currentAllocations).toEqual({ nonPaged: 1, paged: 0 });
    expect(rows(r)).toEqual([["ffffcb84`3b87aff0", 4, "ebpf", "fffff803`569c53e1", "ebpfcore!ebpf_allocate+0x21"]]);
    expect(r.skippedRows).toBe(0);
  });
  test("Windows 7 x64, two verified drivers: each table belongs to its driver; the logs after the tables are no rows", () => {
    const lines = fixtureLines("verifierf-docs-win7-x64.txt");
    const usb = parseVerifierOutput(lines, "usbport.sys", 100);
    expect(usb.driverListed).toBe(true);
    expect(usb.currentAllocations).toEqual({ nonPaged: 0xe1, paged: 7 });
    expect(usb.allocations.map((a) => a.tag)).toEqual(["usbp", "usbp", "usbp"]);
    expect(usb.skippedRows).toBe(0);
    const video = parseVerifierOutput(lines, "videoprt.sys", 100);
    expect(video.currentBytes).toEqual({ nonPaged: 0xa0, paged: 0x854 });
    expect(video.allocations.map((a) => [a.tag, a.caller.format(8)])).toEqual([
      ["Vprt", "fffff880`02c62963"], ["Vprt", "fffff880`02c62963"], ["Vprt", "fffff880`02c628f7"],
    ]);
    expect(video.allocations[0].callerSymbol).toBeNull();
    expect(video.skippedRows).toBe(0);
  });
  test("a row-like line that does not parse is still counted", () => {
    const lines = ["      Address     Length      Tag   Caller", "      0x86491d10  0x0000zz70  abcd  0xa05c1047  Sample!DriverEntry+0x27"];
    expect(parseVerifierOutput(lines, "Sample.sys", 100).skippedRows).toBe(1);
  });
});

describe("tracking pages", () => {
  const e = poolEntryLayout(8);
  const layout: ResolvedLayout = {
    typeName: "_VI_POOL_ENTRY_INUSE", size: e.size, origin: "built-in", description: "test", guessed: false,
    offsets: { VirtualAddress: e.VirtualAddress, CallingAddress: e.CallingAddress, NumberOfBytes: e.NumberOfBytes, Tag: e.Tag },
    sizes: { NumberOfBytes: 8, Tag: 4 },
  };
  test("in use iff NumberOfBytes is even and VirtualAddress is not 0; bit 0 of the address is dropped", () => {
    const page = new Uint8Array(0x1000);
    const v = new DataView(page.buffer);
    const put = (slot: number, va: bigint, caller: bigint, size: number, tag: string) => {
      v.setBigUint64(slot * e.size + e.VirtualAddress, va, true);
      v.setBigUint64(slot * e.size + e.CallingAddress, caller, true);
      v.setBigUint64(slot * e.size + e.NumberOfBytes, BigInt(size), true);
      v.setUint32(slot * e.size + e.Tag, tagValue(tag), true);
    };
    put(0, 0xfffffa8004f6c000n, 0xfffffa8004f5a010n, 0x40, "HEAD"); // the page header is never an allocation
    put(1, 0xfffff9800933eff1n, 0xfffff88004c73043n, 0xc, "test");
    put(2, 0xfffffa8004f6b060n, 0n, 1, "free"); // a free record: on PoolTrackers, NumberOfBytes 1
    put(3, 0n, 0n, 0, "");
    const into = { allocations: [], problems: [] };
    expect(decodePage(page, layout, 8, into)).toBe(true);
    expect(into.allocations.map((a: { address: Address; size: number; tag: string }) => [a.address.format(8), a.size, a.tag])).toEqual([["fffff980`0933eff0", 0xc, "test"]]);
  });
  test("tags print as !poolused does", () => {
    expect(tagText(tagValue("test"))).toBe("test");
    expect(tagText((tagValue("Leak") | 0x80000000) >>> 0)).toBe("Leak");
    expect(tagText(0x0001ff41)).toBe("A???"); // 41 ff 01 00: unprintable bytes become ?
  });
});

describe("groups", () => {
  const r = (size: number, tag: string, sym: string) => ({ Size: size, Tag: tag, CallerSymbol: sym, CallerFunction: functionOf(sym) });
  test("largest first; function without offset; a wrapper is one site behind most allocations", () => {
    const items = [...Array.from({ length: 12 }, () => r(0x20, "Ab01", "drv!MyAlloc+0x21")), r(0x1000, "Init", "drv!Init+0x10"), r(0x10, "Ab02", "drv!MyAlloc+0x4a")];
    const byFunction = groupBy(items, (i) => i.CallerFunction);
    expect(byFunction.map((g) => [g.key, g.allocations, g.bytes])).toEqual([["drv!Init", 1, 0x1000], ["drv!MyAlloc", 13, 12 * 0x20 + 0x10]]);
    const bySite = groupBy(items, (i) => i.CallerSymbol);
    expect(likelyWrapper(bySite, items.length)!.key).toBe("drv!MyAlloc+0x21");
    expect(likelyWrapper(bySite.slice(1), 30)).toBeNull();
    expect(functionOf("fffff880`04c73043")).toBe("fffff880`04c73043");
  });
});
