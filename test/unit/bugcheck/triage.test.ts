import { parseThreadProcesses, isMemCompression } from "../../../src/bugcheck/thread";
import { inpageLayout, triageBugCheck } from "../../../src/bugcheck/triage";
import { readBugCheck, isBugCheck } from "../../../src/bugcheck/data";
import { Target } from "../../../src/host/target";
import { installHost } from "../../support/host-global";
import { decodeExceptionRecord, memoryFault } from "../../../src/bugcheck/exception";
import { statusText, NTSTATUS, BUGCHECK_CODES } from "../../../src/bugcheck/codes";
import { Address } from "../../../src/core/address";
import { EXR64, exceptionCrashScene } from "../../targets/bugcheck";
import * as seed004 from "../../fixtures/triage/seed004";

describe("!thread output (seed 004)", () => {
  test("finds the owning and the attached process", () => {
    const t = parseThreadProcesses(seed004.thread);
    expect(t.thread!.toHex()).toBe("ffffb402be04a080");
    expect(t.owning!.image).toBe("<Invalid process>");
    expect(t.attached!.image).toBe("MemCompression");
    expect(t.attached!.address!.toHex()).toBe("ffffb402b984a040");
    expect(isMemCompression(t.attached)).toBe(true);
  });

  test("N/A means not attached; garbage gives nothing", () => {
    const lines = seed004.thread.map((l) => l.replace(/^Attached Process.*$/, "Attached Process          N/A            Image:         N/A"));
    expect(parseThreadProcesses(lines).attached).toBeNull();
    expect(parseThreadProcesses(["No export thread found"])).toEqual({ thread: null, owning: null, attached: null });
  });
});

describe("0x7A parameter layouts (MSD 0x7A, layouts.md §5)", () => {
  const n = (x: number) => new Address(0, x);
  test.each([
    [1, 0, "lock"],
    [2, 0x1234, "lock"],
    [3, 0, "lock"],
    [3, 0x1000, "inPageSupport"],
    [4, 0, "inPageSupport"],
  ])("P1=%i P3=%i -> %s", (p1, p3, kind) => expect(inpageLayout(n(p1), n(p3))).toBe(kind));
  test("a PTE address in P1", () => expect(inpageLayout(Address.parse("fffff6fb40001230")!, n(5))).toBe("pte"));
});

describe("EXCEPTION_RECORD decoding", () => {
  const layout = { typeName: "_EXCEPTION_RECORD", size: EXR64.size, offsets: EXR64, sizes: {}, origin: "built-in" as const, description: "", guessed: false };
  const record = (count: number) => {
    const b = new Uint8Array(EXR64.size);
    const dv = new DataView(b.buffer);
    dv.setUint32(EXR64.ExceptionCode, 0xc0000006, true);
    dv.setUint32(EXR64.NumberParameters, count, true);
    dv.setBigUint64(EXR64.ExceptionInformation + 8, 0x23f30ee99f0n, true);
    dv.setBigUint64(EXR64.ExceptionInformation + 16, 0xc0000185n, true);
    return b;
  };
  test("an in-page error's address and I/O status", () => {
    const f = memoryFault(decodeExceptionRecord(record(3), layout, 8))!;
    expect(f.access).toBe("read");
    expect(f.address.toHex()).toBe("23f30ee99f0");
    expect(f.ioStatus).toBe(0xc0000185);
  });
  test("a corrupt count is capped at 15", () => {
    const r = decodeExceptionRecord(record(0x7fffffff), layout, 8);
    expect(r.Parameters).toHaveLength(15);
    expect(r.countCapped).toBe(true);
  });
  test("too few parameters: no fault decoded", () => {
    expect(memoryFault(decodeExceptionRecord(record(1), layout, 8))).toBeNull();
  });
});

describe("tables", () => {
  test("names the NTSTATUS values the issue lists", () => {
    for (const s of [0xc0000006, 0xc000000e, 0xc000009c, 0xc000009d, 0xc0000185, 0xc0000005, 0xc000009a]) expect(NTSTATUS[s]).toBeDefined();
    expect(statusText(0xc0000185)).toBe("c0000185 STATUS_IO_DEVICE_ERROR (device I/O error)");
    expect(statusText(0x12345678)).toContain("does not name");
  });
  test("every code cites a source", () => {
    for (const code of Object.keys(BUGCHECK_CODES)) expect(BUGCHECK_CODES[Number(code)].source).toMatch(/MSD/);
  });
});

describe("the record's collections name their elements for dx (output conventions 4)", () => {
  test("Parameters, Findings, NextCommands and Layouts carry their nouns, invisible to LINQ", () => {
    installHost(exceptionCrashScene().target);
    const target = new Target();
    const bugcheck = readBugCheck(target);
    if (!isBugCheck(bugcheck)) throw new Error("the scene has a bugcheck");
    const r = triageBugCheck(target, bugcheck).record;
    // The property host/model.ts reads for a command-named array (collectionNoun: [singular, plural]).
    const noun = (a: unknown[]) => (a as unknown as { collectionNoun: [string, string] }).collectionNoun;
    expect(noun(r.Parameters)).toEqual(["parameter", "parameters"]);
    expect(noun(r.Findings)).toEqual(["finding", "findings"]);
    expect(noun(r.NextCommands)).toEqual(["command", "commands"]);
    expect(noun(r.Layouts)).toEqual(["layout", "layouts"]);
    expect(Object.keys(r.Parameters)).toEqual(["0", "1", "2", "3"]);
  });
});
