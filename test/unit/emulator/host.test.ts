// The emulated host against the reference (shared research jsprovider-api.md §2, §6 checklist).
import * as vm from "vm";
import { createHost, readErrorMessage } from "../../emulator/host";
import { EmulatedTarget, struct, intrinsic } from "../../emulator/target";
import { DebuggerSession } from "../../emulator/session";
import { makeInt64Class, PRECISION_MESSAGE } from "../../emulator/int64";

type Any64 = Record<string, (...a: unknown[]) => unknown> & { toString(r?: number): string };

function hostOver(target: EmulatedTarget, minor = 3) {
  const control = createHost(target, vm.createContext({}));
  control.apiVersion.minor = minor;
  control.enterPhase2();
  return control;
}

describe("host.Int64: every method of §2.1", () => {
  const { Int64, parseInt64 } = makeInt64Class();
  const v = (x: unknown) => x as unknown as Any64;
  const hex = (x: unknown) => v(x).toString(16);
  test("arithmetic and bitwise methods return interned Int64 values", () => {
    const a = v(parseInt64("fffff80747f50000", 16));
    expect(hex(a.subtract(0x10000))).toBe("fffff80747f40000");
    expect(hex(v(Int64(0x10)).multiply(0x10))).toBe("100");
    expect(hex(v(Int64(100)).divide(7))).toBe("e");
    expect(hex(v(Int64(100)).modulo(7))).toBe("2");
    expect(hex(a.bitwiseAnd(0xffff0000))).toBe("47f50000");
    expect(hex(v(Int64(0xf0)).bitwiseOr(0x0f))).toBe("ff");
    expect(hex(v(Int64(0xff)).bitwiseXor(0x0f))).toBe("f0");
    expect(hex(v(Int64(0)).bitwiseNot())).toBe("ffffffffffffffff");
    expect(hex(v(Int64(1)).bitwiseShiftLeft(40))).toBe("10000000000");
    expect(hex(a.bitwiseShiftRight(32))).toBe("fffff807");
    expect(a.bitwiseShiftRight(32)).toBe(Int64(0xfffff807));
    expect(v(Int64(7)).compareTo(Int64(7))).toBe(0);
    expect(v(Int64(8)).compareTo(7)).toBe(1);
  });
  test("convertToNumber never throws; asNumber and valueOf throw the exact message from 2^53-1", () => {
    const big = v(parseInt64("fffff80747f50000", 16));
    expect(big.convertToNumber()).toBe(0xfffff80747f50000);
    expect(() => big.asNumber()).toThrow(new Error(PRECISION_MESSAGE));
    expect(v(parseInt64(String(2 ** 53 - 2), 10)).asNumber()).toBe(2 ** 53 - 2);
    expect(() => v(parseInt64(String(2 ** 53 - 1), 10)).valueOf()).toThrow(PRECISION_MESSAGE);
  });
  test("Min and Max exist; parseInt64 takes radix 2, 8, 10, 16", () => {
    expect(hex((Int64 as unknown as { Max: unknown }).Max)).toBe("7fffffffffffffff");
    expect(hex((Int64 as unknown as { Min: unknown }).Min)).toBe("8000000000000000");
    expect(parseInt64("101", 2)).toBe(Int64(5));
    expect(parseInt64("17", 8)).toBe(Int64(15));
    expect(parseInt64("0x1f")).toBe(Int64(31));
  });
});

describe("host.memory", () => {
  const target = new EmulatedTarget("kernel", 8);
  const base = 0xfffff80747f50000n;
  target.memory.write(base, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]));
  const control = hostOver(target);
  const memory = control.host.memory as { readMemoryValues(l: unknown, n: number, s?: number, signed?: boolean): unknown };
  const at = control.int64.fromBig(base);

  test("1/2/4-byte elements come back as typed arrays, 8-byte ones as an Array of Int64", () => {
    const b = memory.readMemoryValues(at, 4) as Uint8Array;
    expect(b.constructor.name).toBe("Uint8Array");
    expect(Array.from(b)).toEqual([1, 2, 3, 4]);
    const w = memory.readMemoryValues(at, 2, 2) as Uint16Array;
    expect(w.constructor.name).toBe("Uint16Array");
    expect(Array.from(w)).toEqual([0x0201, 0x0403]);
    const d = memory.readMemoryValues(at, 1, 4) as Uint32Array;
    expect(d.constructor.name).toBe("Uint32Array");
    expect(d[0]).toBe(0x04030201);
    const signed = memory.readMemoryValues(control.int64.fromBig(base), 1, 4, true) as Int32Array;
    expect(signed.constructor.name).toBe("Int32Array");
    const q = memory.readMemoryValues(at, 2, 8) as unknown[];
    expect(Array.isArray(q)).toBe(true);
    expect((q[0] as Any64).toString(16)).toBe("807060504030201");
    expect(q[1]).toBe(control.int64.fromBig(0x100f0e0d0c0b0a09n));
  });

  test("an unreadable address throws exactly the provider's message", () => {
    const hole = control.int64.fromBig(base + 0x10000n);
    expect(() => memory.readMemoryValues(hole, 4)).toThrow("Unable to read target memory at '0xfffff80747f60000' in method 'readMemoryValues'");
    expect(readErrorMessage(0x280f6fa1850n)).toBe("Unable to read target memory at '0x280f6fa1850' in method 'readMemoryValues'");
  });

  test("instrumentation counts host calls, read calls, bytes and failed reads", () => {
    control.resetCounters();
    memory.readMemoryValues(at, 16);
    memory.readMemoryValues(at, 2, 8);
    try {
      memory.readMemoryValues(control.int64.fromBig(base + 0x10000n), 1);
    } catch (e) {
      // counted below
    }
    expect(control.counters).toMatchObject({ hostCalls: 3, readCalls: 3, bytesRead: 32, failedReads: 1 });
  });

  test("a failed read costs what the link spends on it: the bytes and packets before the hole, plus one packet", () => {
    const t = new EmulatedTarget("kernel", 8);
    const start = 0xfffff80747f50000n;
    t.memory.map(start, 0x3000); // 12,288 readable bytes, then a hole
    const c = hostOver(t);
    const mem = c.host.memory as { readMemoryValues(l: unknown, n: number): unknown };
    c.resetCounters();
    expect(() => mem.readMemoryValues(c.int64.fromBig(start), 0x5000)).toThrow("Unable to read target memory");
    // ceil(12288 / 4000) = 4 packets carry the readable pages, the fifth reports the failure.
    expect(c.counters).toMatchObject({ readCalls: 1, failedReads: 1, bytesRead: 0x3000, packets: 5 });
    c.resetCounters();
    expect(() => mem.readMemoryValues(c.int64.fromBig(start + 0x3000n), 0x1000)).toThrow("Unable to read target memory");
    expect(c.counters).toMatchObject({ bytesRead: 0, packets: 1 });
  });
});

describe("symbols and types", () => {
  const target = new EmulatedTarget("kernel", 8);
  target.addSymbol("nt", "PoolTrackTable", 0xfffff80747f50000n);
  target.addType("nt", struct("_POOL_TRACKER_TABLE", 0x28, [["Key", 0, intrinsic("unsigned long", 4)]]));
  test("at API >= 1.1 a missing type or symbol is null; at 1.0 it throws", () => {
    const c = hostOver(target, 1);
    const h = c.host as { getModuleType(m: string, t: string): unknown; getModuleSymbolAddress(m: string, s: string): unknown };
    expect(h.getModuleType("nt", "_NO_SUCH")).toBeNull();
    expect(h.getModuleSymbolAddress("nt", "NoSuch")).toBeNull();
    expect(h.getModuleType("nt", "_POOL_TRACKER_TABLE")).not.toBeNull();
    const old = hostOver(target, 0).host as typeof h;
    expect(() => old.getModuleType("nt", "_NO_SUCH")).toThrow();
  });
});

describe("read-only: every writing API fails the test", () => {
  test("writeMemoryValues, field assignment, setObjectValue, register writes and setModuleSymbol are recorded", () => {
    const target = new EmulatedTarget("kernel", 8);
    target.memory.map(0x1000n, 0x100);
    target.addType("nt", struct("_X", 8, [["A", 0, intrinsic("unsigned long", 4)]]));
    const c = hostOver(target);
    const h = c.host as Record<string, unknown> & { memory: { writeMemoryValues(...a: unknown[]): void }; createTypedObject(a: unknown, m: string, t: string): Record<string, unknown> };
    expect(() => h.memory.writeMemoryValues(0x1000, 1, [1], 1)).toThrow(/forbidden/);
    const obj = h.createTypedObject(0x1000, "nt", "_X");
    expect(() => {
      obj.A = 5;
    }).toThrow(/forbidden/);
    expect(() => (obj.setObjectValue as () => void)()).toThrow(/forbidden/);
    const regs = (h.currentThread as { Registers: { User: Record<string, unknown> } }).Registers.User;
    expect(() => {
      regs.rax = 1;
    }).toThrow(/forbidden/);
    expect(() => (h.setModuleSymbol as () => void)()).toThrow(/forbidden/);
    expect(c.violations).toHaveLength(5);
  });
});

describe("loading a script as .scriptload does, and calling it as !name args", () => {
  const script = `
    var seen = [];
    function initializeScript() {
      seen.push("init:" + typeof host.memory + "," + typeof host.currentSession + "," + typeof host.getModuleType);
      return [new host.apiVersionSupport(1, 3), new host.functionAlias(__echo, "echo")];
    }
    function __echo() {
      var out = [typeof host.memory];
      for (var i = 0; i < arguments.length; i++) {
        var a = arguments[i];
        out.push(a === undefined ? "undefined" : typeof a === "object" ? "int64:" + a.toString(16) : typeof a + ":" + a);
      }
      out.push("n=" + arguments.length);
      return seen.concat(out).join("|");
    }`;
  const run = (line: string) => DebuggerSession.fromSource(new EmulatedTarget("kernel", 8), script).run(line).value;

  test("target members are absent until initializeScript has returned", () => {
    expect(run("!echo")).toMatch(/^init:undefined,undefined,undefined\|object\|/);
  });
  test("decimal unless 0x; 64-bit values as Int64; quoted strings with \\\\; (a, b); missing argument is undefined", () => {
    expect(run("!echo 10")).toMatch(/\|number:10\|n=1$/);
    expect(run("!echo 0x10")).toMatch(/\|number:16\|n=1$/);
    expect(run("!echo 0xfffff807`47f50000")).toMatch(/\|int64:fffff80747f50000\|n=1$/);
    expect(run('!echo "C:\\\\tags\\\\x.txt"')).toMatch(/\|string:C:\\tags\\x.txt\|n=1$/);
    expect(run('!echo (5, "a")')).toMatch(/\|number:5\|string:a\|n=2$/);
    expect(run("!echo")).toMatch(/\|n=0$/);
  });
  test("the result line echoes the arguments as typed, as WinDbg does (`!telescope @rsp` -> `@$telescope(@rsp)`)", () => {
    const session = () => DebuggerSession.fromSource(new EmulatedTarget("kernel", 8), script);
    expect(session().run("!echo 0x29fb0000").output).toMatch(/^@\$echo\(0x29fb0000\) : /m);
    expect(session().run('!echo (5, "a")').output).toMatch(/^@\$echo\(5, "a"\) : /m);
    expect(session().run("!echo").output).toMatch(/^@\$echo\(\) : /m);
    expect(session().run("dx @$echo(0x10).Length").output).toMatch(/^@\$echo\(0x10\)\.Length : /m);
  });
});
