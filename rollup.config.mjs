import typescript from "@rollup/plugin-typescript";

// One classic script for the JsProvider: an IIFE keeps every internal name private, and the footer declares the
// three global functions the provider looks for. `context: "this"` stops rollup from rewriting top-level `this`.
export default {
  input: "src/main.ts",
  context: "this",
  output: {
    file: "dist/leaktools.js",
    format: "iife",
    name: "__leaktools",
    strict: true,
    banner: "// leaktools: WinDbg JavaScript extension. Load with .scriptload leaktools.js, then run !leaktools.",
    footer: [
      "function initializeScript() { return __leaktools.initializeScript(); }",
      "function uninitializeScript() { return __leaktools.uninitializeScript(); }",
    ].join("\n"),
  },
  plugins: [typescript({ tsconfig: "./tsconfig.json", noEmit: false, outDir: "dist", declaration: false, sourceMap: false, noEmitOnError: true })],
};
