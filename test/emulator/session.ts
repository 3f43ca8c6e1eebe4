// A debugger session over an emulated target: loads the built bundle the way `.scriptload` does (root code, then
// initializeScript, then the registration records; the host's phase-2 members appear only after that) and runs
// `!alias args` lines the way dx does, printing what WinDbg would print.
import * as fs from "fs";
import * as path from "path";
import * as vm from "vm";
import { EmulatedTarget } from "./target";
import { createHost, HostControl } from "./host";
import { parseAliasArguments, DxArg, DxSyntaxError } from "./dx";
import { DxEvaluator, DxEvalError, displayGrid, displayTree } from "./dx-eval";

export const BUNDLE_PATH = path.resolve(__dirname, "../../dist/leaktools.js");

let cachedBundle: { path: string; mtime: number; script: vm.Script } | null = null;

/** The bundle compiled once per file version: every session runs the same compiled script in its own fresh
 *  context (a vm.Script is not bound to a context), as a new `.scriptload` would, without parsing it again. */
function bundleScript(file: string): vm.Script {
  const mtime = fs.statSync(file).mtimeMs;
  if (!cachedBundle || cachedBundle.path !== file || cachedBundle.mtime !== mtime) {
    cachedBundle = { path: file, mtime, script: new vm.Script(fs.readFileSync(file, "utf8"), { filename: file }) };
  }
  return cachedBundle.script;
}

export interface RunResult {
  /** Everything the debugger's command window shows for the command, as one string. */
  output: string;
  /** The function's return value as the data model sees it. */
  value: unknown;
  /** The text of an exception that escaped into the script host, if one did (it must never). */
  escaped: string | null;
}

export class DebuggerSession {
  readonly control: HostControl;
  readonly context: vm.Context;
  private readonly scriptName: string;

  private constructor(readonly target: EmulatedTarget, script: vm.Script, file: string) {
    this.scriptName = path.basename(file).replace(/\.js$/, "");
    // Chakra has no globalThis, require or process; the context offers none either.
    this.context = vm.createContext({});
    vm.runInContext("delete globalThis.globalThis; Symbol.metadataDescriptor = Symbol('metadataDescriptor');", this.context);
    this.control = createHost(target, this.context);
    this.context.host = this.control.host;
    this.patchNumberPrototype();
    script.runInContext(this.context);
    const init = this.context.initializeScript;
    const records = typeof init === "function" ? (init() as unknown[]) : [];
    for (const r of records || []) {
      const record = r as Record<string, unknown>;
      if (record.__kind === "apiVersionSupport") {
        this.control.apiVersion.major = record.major as number;
        this.control.apiVersion.minor = record.minor as number;
      } else if (record.__kind === "functionAlias") {
        this.control.aliases.set(String(record.name), record.fn as (...a: unknown[]) => unknown);
      }
    }
    this.control.enterPhase2();
  }

  static load(target: EmulatedTarget, file = BUNDLE_PATH): DebuggerSession {
    return new DebuggerSession(target, bundleScript(file), file);
  }

  /** A session over a script given as source text (tests: a tiny fake bundle registering its own aliases). */
  static fromSource(target: EmulatedTarget, source: string, file = "fake.js"): DebuggerSession {
    return new DebuggerSession(target, new vm.Script(source, { filename: file }), file);
  }

  /** Runs `!name args` (or `dx @$name(args)`) and returns what the command window shows plus the value. */
  run(line: string): RunResult {
    if (/^\s*dx(\s|$)/.test(line)) return this.runDx(line);
    const m = /^\s*(?:dx\s+(?:-g\s+)?@\$([A-Za-z_][A-Za-z0-9_]*)\s*\((.*)\)\s*|!([A-Za-z_][A-Za-z0-9_]*)(.*))$/.exec(line);
    if (!m) throw new Error("the emulator runs `!alias args` or `dx @$alias(args)`: " + line);
    const name = m[1] || m[3];
    const argText = m[1] ? (m[2].trim() ? "(" + m[2] + ")" : "") : m[4];
    const fn = this.control.aliases.get(name);
    const logStart = this.control.log.length;
    if (!fn) return { output: "No export " + name + " found\n", value: undefined, escaped: null };
    let args: unknown[];
    try {
      args = parseAliasArguments(argText).map((a) => this.toScriptValue(a));
    } catch (e) {
      const message = e instanceof DxSyntaxError || e instanceof SymbolError ? e.message : String(e);
      return { output: "Error: " + message + "\n", value: undefined, escaped: null };
    }
    let value: unknown;
    let escaped: string | null = null;
    try {
      value = fn(...args);
    } catch (e) {
      escaped = e && typeof e === "object" && "message" in e ? String((e as Error).message) : String(e);
    }
    const printed = this.control.log.slice(logStart).join("");
    // WinDbg turns `!name args` into `dx @$name(args)` and echoes the arguments as typed, not their values
    // (0vercl0k's telescope README: `!telescope @rsp` ends with `@$telescope(@rsp)`).
    const call = "@$" + name + "(" + typedArguments(argText) + ")";
    let shown: string;
    if (escaped !== null) shown = "Error: " + escaped + " [at " + this.scriptName + " (line ? col ?)]\n";
    else shown = displayValue(call, value);
    return { output: printed + shown, value, escaped };
  }

  /**
   * `dx [-g] [-rN] expr[,d]`: expr is an alias call followed by any chain of properties, indexes and LINQ methods
   * (test/emulator/dx-eval.ts). Errors in the expression print `Error: ...`; nothing escapes run().
   */
  private runDx(line: string): RunResult {
    const logStart = this.control.log.length;
    // Switches: -g (grid) and -rN (recursion depth); others are refused as dx refuses unknown switches.
    const m = /^\s*dx((?:\s+-\S+)*)(?:\s+([\s\S]*?))?\s*$/.exec(line)!;
    let grid = false;
    let depth: number | undefined;
    for (const flag of m[1].trim().split(/\s+/).filter((f) => f)) {
      if (flag === "-g") grid = true;
      else if (/^-r\d+$/.test(flag)) depth = Number(flag.slice(2));
      else return { output: "Error: Unknown switch '" + flag + "'\n", value: undefined, escaped: null };
    }
    let expr = m[2] || "";
    const radix = /,\s*([dx])$/.exec(expr);
    if (radix) expr = expr.slice(0, radix.index).trimEnd();
    const opts = { decimal: !!radix && radix[1] === "d", depth };
    let escaped: string | null = null;
    let missing: string | null = null;
    // dx echoes the expression as typed (`dx @$createchain(0x0000005be1ffcf08)` shows that text).
    const header = expr;
    const evaluator = new DxEvaluator({
      fromBig: (v) => this.control.int64.fromBig(v),
      callAlias: (name, argText) => {
        const fn = this.control.aliases.get(name);
        if (!fn) {
          missing = name;
          throw new DxEvalError("No export " + name + " found");
        }
        let args: unknown[];
        try {
          args = parseAliasArguments(argText.trim() ? "(" + argText + ")" : "").map((a) => this.toScriptValue(a));
        } catch (e) {
          throw new DxEvalError(e instanceof Error ? e.message : String(e));
        }
        try {
          return fn(...args);
        } catch (e) {
          escaped = e && typeof e === "object" && "message" in e ? String((e as Error).message) : String(e);
          throw new DxEvalError(escaped + " [at " + this.scriptName + " (line ? col ?)]");
        }
      },
    });
    let value: unknown;
    let shown: string;
    try {
      value = evaluator.evaluate(expr);
      shown = grid ? displayGrid(header, value, opts) : displayTree(header, value, opts);
    } catch (e) {
      value = undefined;
      if (missing !== null && escaped === null) shown = "No export " + missing + " found\n";
      else shown = "Error: " + (e instanceof Error ? e.message : String(e)) + "\n";
    }
    const printed = this.control.log.slice(logStart).join("");
    return { output: printed + shown, value, escaped };
  }

  private toScriptValue(arg: DxArg): unknown {
    switch (arg.kind) {
      case "string":
        return arg.value;
      case "number":
        return arg.value <= 0xffffffffn ? Number(arg.value) : this.control.int64.fromBig(arg.value);
      case "symbol": {
        for (const [key, address] of this.target.symbols) {
          const [module, symbol] = key.split("!");
          if (symbol === arg.name || key === arg.name.toLowerCase()) return this.symbolObject(module, symbol, address);
        }
        throw new SymbolError("Couldn't resolve error at '" + arg.name + "'");
      }
    }
  }

  /** A bare symbol as dx hands it over: a native object with an address (API >= 1.1) and a display string. */
  private symbolObject(module: string, symbol: string, address: bigint): unknown {
    const int64 = this.control.int64.fromBig(address);
    return {
      address: int64,
      targetLocation: int64,
      targetType: { name: symbol, typeKind: "function", toString: () => symbol },
      toString: () => module + "!" + symbol + " (0x" + address.toString(16) + ")",
    };
  }

  private patchNumberPrototype(): void {
    // §2.1: numbers gain the Int64 math methods. Whether they return numbers or Int64 is unknown; Int64 here.
    const methods = ["add", "subtract", "multiply", "divide", "modulo", "bitwiseAnd", "bitwiseOr", "bitwiseXor", "bitwiseShiftLeft", "bitwiseShiftRight", "compareTo"];
    const Int64 = this.control.int64.Int64;
    const proto = vm.runInContext("Number.prototype", this.context) as Record<string, unknown>;
    for (const m of methods) {
      Object.defineProperty(proto, m, {
        value: function (this: number, v: unknown) {
          const self = Int64(Number(this)) as unknown as Record<string, (x: unknown) => unknown>;
          return self[m](v);
        },
        enumerable: false,
        configurable: true,
      });
    }
  }
}

class SymbolError extends Error {}

/** How dx shows a function's result: `call : display`, then one level of children for objects and arrays. */
export function displayValue(call: string, value: unknown): string {
  return displayTree(call, value);
}

/** `!name "a"` -> `"a"`, `!name ("a", 2)` -> `"a", 2`: the text between the alias call's parentheses. */
function typedArguments(argText: string): string {
  const t = argText.trim();
  return /^\([\s\S]*\)$/.test(t) ? t.slice(1, -1).trim() : t;
}
