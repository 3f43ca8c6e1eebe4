import * as fs from "fs";
import { BUNDLE_PATH } from "../emulator/session";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { checkBundle } = require("../../scripts/check-bundle.js") as { checkBundle(source: string): string[] };

const ok = "function initializeScript() { return []; }\nfunction uninitializeScript() {}\n";

describe("the bundle check rejects what either debugger engine cannot run", () => {
  test("the built bundle passes", () => {
    expect(checkBundle(fs.readFileSync(BUNDLE_PATH, "utf8"))).toEqual([]);
  });

  test.each([
    ["async function", "async function f() {}"],
    ["await in an async arrow", "var f = async () => { await 1; };"],
    ["export", "export function f() {}"],
    ["import", 'import x from "y";'],
    ["require", 'var fs = require("fs");'],
    ["globalThis", "var g = globalThis;"],
    ["BigInt", "var b = BigInt(1);"],
    ["BigInt literal", "var b = 1n;"],
    ["optional chaining", "var a = {}; var b = a?.c;"],
    ["nullish coalescing", "var a = null; var b = a ?? 1;"],
    ["regex lookbehind", "var r = /(?<=a)b/;"],
    ["named group", "var r = /(?<x>a)/;"],
    ["s flag", "var r = /a.b/s;"],
    ["public top-level name", "var helper = 1;"],
  ])("rejects %s", (_label, code) => {
    expect(checkBundle(ok + code).length).toBeGreaterThan(0);
  });

  test("accepts ES2017 features both engines run, and private __ names", () => {
    expect(checkBundle(ok + "var __x = (function () { class A { *g() { yield 1; } } const [a] = [1]; return `t${a}`; })();")).toEqual([]);
  });

  test("requires both entry points", () => {
    expect(checkBundle("function initializeScript() {}")).toContain("no top-level function uninitializeScript");
  });

  test("function names stay readable in the bundle (errors report line and column against it)", () => {
    const source = fs.readFileSync(BUNDLE_PATH, "utf8");
    expect(source).toMatch(/function invokeCommand\(/);
    expect(source).not.toMatch(/\bundefined\.initializeScript/);
  });
});
