// The crashing thread's stack bounds (src/bugcheck/thread-stack.ts) and the address classes they give
// (src/bugcheck/address-kind.ts), with hand-worked values: seed 004's `!thread` bounds (Base ffffe607`bc540000,
// Limit ffffe607`bc539000, Init ffffe607`bc53fb90; test/fixtures/triage/seed004.ts).
import { Address } from "../../../src/core/address";
import { classifyAddress, AddressFacts } from "../../../src/bugcheck/address-kind";
import { decodeThreadStack, threadStackSpan } from "../../../src/bugcheck/thread-stack";
import { builtInLayout, resolveLayout, isLayoutMissing } from "../../../src/layouts/resolve";
import { KTHREAD_STACK } from "../../../src/layouts/thread";

const A = (text: string) => Address.parse(text)!;
const LIMIT = A("ffffe607`bc539000");
const BASE = A("ffffe607`bc540000");
const facts = (extra: Partial<AddressFacts> = {}): AddressFacts => ({ pointerSize: 8, modules: [], unloaded: [], stackPointer: null, threadStack: { limit: LIMIT, base: BASE }, ...extra });

describe("classifyAddress with the thread's stack bounds", () => {
  test("inside [StackLimit, StackBase): the crashing thread's kernel stack, and how far below StackBase", () => {
    expect(classifyAddress(A("ffffe607`bc53fb98"), facts())).toEqual({ kind: "stack", text: "the crashing thread's kernel stack (0x468 below its StackBase)" });
    expect(classifyAddress(LIMIT, facts()).text).toBe("the crashing thread's kernel stack (0x7000 below its StackBase)");
  });
  test("StackBase itself is one past the stack: not on it", () => {
    expect(classifyAddress(BASE, facts()).kind).toBe("kernel");
  });
  test("the page below StackLimit: the guard page, a stack overflow; further down, nothing is claimed", () => {
    expect(classifyAddress(A("ffffe607`bc538ff8"), facts())).toEqual({
      kind: "stack-overflow",
      text: "just below the crashing thread's stack (0x8 under its StackLimit, the guard page): most likely a kernel stack overflow",
    });
    expect(classifyAddress(A("ffffe607`bc538000"), facts()).kind).toBe("stack-overflow");
    expect(classifyAddress(A("ffffe607`bc537fff"), facts()).kind).toBe("kernel");
  });
  test("a module or user address keeps its own class; without bounds a stack address is a plain kernel address", () => {
    expect(classifyAddress(A("00000000`7ffe0000"), facts()).kind).toBe("user");
    const modules = [{ name: "odd", fileName: "odd.sys", base: A("ffffe607`bc530000"), size: 0x20000 }];
    expect(classifyAddress(A("ffffe607`bc53fb98"), facts({ modules })).kind).toBe("module");
    expect(classifyAddress(A("ffffe607`bc53fb98"), facts({ threadStack: null })).kind).toBe("kernel");
  });
});

describe("decodeThreadStack: one read from InitialStack to the end of StackBase", () => {
  const win10 = builtInLayout(KTHREAD_STACK, KTHREAD_STACK.variants[0], "test", false);
  const win7 = builtInLayout(KTHREAD_STACK, KTHREAD_STACK.variants[1], "test", false);
  const thread = A("ffffb402`be04a080");
  const bytesFor = (layout: typeof win10, values: { [f: string]: Address }) => {
    const span = threadStackSpan(layout, 8);
    const bytes = new Uint8Array(span.length);
    const view = new DataView(bytes.buffer);
    for (const f of Object.keys(values)) {
      view.setUint32(layout.offsets[f] - span.offset, values[f].lo, true);
      view.setUint32(layout.offsets[f] - span.offset + 4, values[f].hi, true);
    }
    return bytes;
  };
  const INIT = A("ffffe607`bc53fb90");

  test("the read spans 0x28..0x40 on Windows 8+ (0x18 bytes), 0x28..0x280 on Windows 7 (StackBase at 0x278)", () => {
    expect(threadStackSpan(win10, 8)).toEqual({ offset: 0x28, length: 0x18 });
    expect(threadStackSpan(win7, 8)).toEqual({ offset: 0x28, length: 0x258 });
  });
  test("seed 004's bounds decode as !thread printed them", () => {
    for (const l of [win10, win7]) {
      const s = decodeThreadStack(thread, bytesFor(l, { InitialStack: INIT, StackLimit: LIMIT, StackBase: BASE }), l, 8);
      expect(s).toEqual({ thread, limit: LIMIT, base: BASE, initial: INIT });
    }
  });
  test("bounds that do not make a stack are refused, with the values", () => {
    const swapped = decodeThreadStack(thread, bytesFor(win10, { InitialStack: INIT, StackLimit: BASE, StackBase: LIMIT }), win10, 8);
    expect(swapped).toEqual({ problem: "StackLimit ffffe607`bc540000 and StackBase ffffe607`bc539000 do not bound a kernel stack" });
    const huge = decodeThreadStack(thread, bytesFor(win10, { InitialStack: INIT, StackLimit: A("ffffe607`bc000000"), StackBase: BASE }), win10, 8);
    expect("problem" in huge).toBe(true);
    const zero = decodeThreadStack(thread, new Uint8Array(0x18), win10, 8);
    expect("problem" in zero).toBe(true);
    const outside = decodeThreadStack(thread, bytesFor(win10, { InitialStack: A("ffffe607`bc541000"), StackLimit: LIMIT, StackBase: BASE }), win10, 8);
    expect(outside).toEqual({ problem: "InitialStack ffffe607`bc541000 is not inside the stack it bounds" });
  });
});

describe("the built-in _KTHREAD layout", () => {
  const none = () => null;
  test("by build: Windows 7 has StackBase at 0x278, Windows 8 and later at 0x38; never claimed checked against a PDB", () => {
    const l7 = resolveLayout(KTHREAD_STACK, none, 8, 7601);
    const l10 = resolveLayout(KTHREAD_STACK, none, 8, 19041);
    if (isLayoutMissing(l7) || isLayoutMissing(l10)) throw new Error("no layout");
    expect(l7.offsets).toEqual({ InitialStack: 0x28, StackLimit: 0x30, StackBase: 0x278 });
    expect(l10.offsets).toEqual({ InitialStack: 0x28, StackLimit: 0x30, StackBase: 0x38 });
    expect(l10.description).toContain("(not checked against a PDB)");
  });
  test("x86: not known, said as missing rather than guessed", () => {
    const l = resolveLayout(KTHREAD_STACK, none, 4, 19041);
    expect(isLayoutMissing(l) && l.reason).toMatch(/no built-in layout for 32-bit targets/);
  });
  test("the symbols' _KTHREAD wins when it has the fields", () => {
    const fields = { InitialStack: { offset: 0x28, size: 8 }, StackLimit: { offset: 0x30, size: 8 }, StackBase: { offset: 0x38, size: 8 } };
    const l = resolveLayout(KTHREAD_STACK, () => ({ name: "_KTHREAD", size: 0x430, fields }), 8, 19041);
    expect(!isLayoutMissing(l) && l.origin).toBe("symbols");
  });
});
