import * as fs from "fs";
import * as path from "path";
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
    ["top-level this rewritten to undefined (member)", "var __m = undefined.metadata;"],
    ["top-level this rewritten to undefined (defineMetadata)", "var __x = (function () { host.metadata.defineMetadata(undefined, {}); })();"],
    ["RegExp constructor with lookbehind", 'var __r = new RegExp("(?<=a)b");'],
    ["RegExp constructor with a named group", 'var __r = RegExp("(?<x>a)");'],
    ["RegExp constructor with the s flag", 'var __r = new RegExp("a.b", "s");'],
    // Anything above ES2017:
    ["object rest (ES2018)", "var { a, ...__rest } = {};"],
    ["object spread (ES2018)", "var __o = { ...{} };"],
    ["async generator (ES2018)", "async function* __g() {}"],
    ["for await (ES2018)", "async function __f() { for await (const x of []) {} }"],
    ["optional catch binding (ES2019)", "try {} catch {}"],
    ["numeric separators (ES2021)", "var __n = 1_000;"],
    ["logical assignment (ES2021)", "var __a; __a ||= 1;"],
    ["class fields (ES2022)", "class __C { x = 1; }"],
    ["private methods (ES2022)", "class __C { #p() {} }"],
    ["top-level await", "await 1;"],
    ["dynamic import (ES2020)", 'var __p = import("x");'],
    ["import.meta", "var __u = import.meta.url;"],
    ["regex d flag (ES2022)", "var __r = /a/d;"],
    ["hashbang (ES2023)", "#!/usr/bin/env node\nvar __x = 1;"],
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
    // Every exported function of the source keeps its name in the bundle: nothing is minified or renamed.
    const srcDir = path.resolve(__dirname, "../../src");
    const names: string[] = [];
    const walkDir = (dir: string) => {
      for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
        if (f.isDirectory()) walkDir(path.join(dir, f.name));
        else for (const m of fs.readFileSync(path.join(dir, f.name), "utf8").matchAll(/^export function (\w+)/gm)) names.push(m[1]);
      }
    };
    walkDir(srcDir);
    // Rollup drops unused exports (tree shaking); those it keeps are declared under their own name (or name$N on
    // a clash), never a minified one.
    const kept = names.filter((n) => new RegExp("\\b" + n + "\\b").test(source));
    expect(kept.length).toBeGreaterThan(50);
    expect(kept.filter((n) => !new RegExp("function " + n + "(\\$\\d+)?\\(").test(source))).toEqual([]);
    for (const n of ["invokeCommand", "readBugCheck", "findImporters", "walkHeap", "renderTable"]) expect(source).toMatch(new RegExp("function " + n + "\\("));
  });

  test("top-level this survives bundling: the rollup config keeps it (context: this)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = fs.readFileSync(path.resolve(__dirname, "../../rollup.config.mjs"), "utf8");
    expect(config).toMatch(/context: "this"/);
    expect(config).not.toMatch(/terser|uglify|minify/);
  });
});
