// The dx expressions users type after a command (`dx @$alias(args).Where(t => t.Bytes > 0x1000).Count()`), evaluated
// over the JS values the script returns, the way the data model projects them (jsprovider-api.md §2.3, §2.7):
// property access, ordinal indexing, the LINQ methods data-model collections carry, lambdas in dx syntax, C++-style
// operators and literals (decimal unless 0x, backtick-split hex). Int64 compares with numbers by value; arithmetic
// involving an Int64 (or overflowing 2^53) gives an Int64.
//
// Approximations, kept on purpose: LINQ results are materialized as arrays (the data model keeps them lazy); no
// ternary, casts, bitwise operators, `@$` variables other than alias calls, or typed native objects.
import { int64Value } from "./int64";
import { readEscape } from "./dx";

export class DxEvalError extends Error {}

/** What the evaluator needs from the session. */
export interface DxEvalContext {
  /** Calls the alias with its raw argument text (the part between the parentheses, parsed as `!alias (args)`). */
  callAlias(name: string, argText: string): unknown;
  fromBig(v: bigint): object;
}

/** Largest collection the emulator materializes from an iterator (the real data model is lazy). */
export const MAX_MATERIALIZED = 1_000_000;

// ---------------------------------------------------------------------------------------------------------------
// Tokens

type Tok =
  | { t: "num"; v: bigint }
  | { t: "str"; v: string }
  | { t: "id"; v: string }
  | { t: "alias"; name: string; args: string | null }
  | { t: "op"; v: string }
  | { t: "end" };

const OPS = ["=>", "==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "%", "(", ")", "[", "]", ".", ","];

export function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let v = "";
      i++;
      for (;;) {
        if (i >= s.length) throw new DxEvalError("Unterminated string literal");
        const ch = s[i++];
        if (ch === c) break;
        if (ch === "\\") {
          const escape = readEscape(s, i);
          if (typeof escape === "string") throw new DxEvalError(escape);
          v += escape.char;
          i = escape.next;
        } else v += ch;
      }
      out.push({ t: "str", v });
      continue;
    }
    const num = /^(0x[0-9a-fA-F`]+|0n[0-9]+|[0-9]+)/.exec(s.slice(i));
    if (num) {
      const text = num[0].replace(/`/g, "");
      out.push({ t: "num", v: text.startsWith("0n") ? BigInt(text.slice(2)) : BigInt(text) });
      i += num[0].length;
      if (/^[A-Za-z_]/.test(s.slice(i))) throw new DxEvalError("Unexpected token at '" + s.slice(i - num[0].length) + "'");
      continue;
    }
    const alias = /^@\$([A-Za-z_][A-Za-z0-9_]*)/.exec(s.slice(i));
    if (alias) {
      i += alias[0].length;
      let j = i;
      while (j < s.length && /\s/.test(s[j])) j++;
      if (s[j] !== "(") {
        out.push({ t: "alias", name: alias[1], args: null });
        continue;
      }
      // The argument text up to the matching parenthesis (strings may hold parentheses).
      let depth = 0;
      let k = j;
      let quote: string | null = null;
      for (; k < s.length; k++) {
        const ch = s[k];
        if (quote) {
          if (ch === "\\") k++;
          else if (ch === quote) quote = null;
        } else if (ch === '"') quote = ch;
        else if (ch === "(") depth++;
        else if (ch === ")" && --depth === 0) break;
      }
      if (k >= s.length) throw new DxEvalError("Expected ')'");
      out.push({ t: "alias", name: alias[1], args: s.slice(j + 1, k) });
      i = k + 1;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i));
    if (id) {
      out.push({ t: "id", v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => s.startsWith(o, i));
    if (!op) throw new DxEvalError("Unexpected token at '" + s.slice(i) + "'");
    out.push({ t: "op", v: op });
    i += op.length;
  }
  out.push({ t: "end" });
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Syntax tree

export type Node =
  | { k: "lit"; v: unknown }
  | { k: "alias"; name: string; args: string | null }
  | { k: "name"; name: string }
  | { k: "member"; obj: Node; name: string }
  | { k: "index"; obj: Node; index: Node }
  | { k: "call"; obj: Node; name: string; args: Node[] }
  | { k: "lambda"; param: string; body: Node }
  | { k: "unary"; op: string; arg: Node }
  | { k: "binary"; op: string; left: Node; right: Node };

const PRECEDENCE: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 4,
  ">": 4,
  "<=": 4,
  ">=": 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
};

export function parseDx(text: string): Node {
  const toks = tokenize(text);
  let p = 0;
  const peek = () => toks[p];
  const isOp = (v: string, at = p) => toks[at].t === "op" && (toks[at] as { v: string }).v === v;
  const expect = (v: string) => {
    if (!isOp(v)) throw new DxEvalError("Expected '" + v + "'" + near());
    p++;
  };
  const near = () => {
    const t = toks[p];
    return t.t === "end" ? " at end of expression" : " at '" + describe(t) + "'";
  };

  function expression(minPrec = 0): Node {
    // Lambda: `x => body` or `(x) => body`.
    if (peek().t === "id" && isOp("=>", p + 1)) {
      const param = (peek() as { v: string }).v;
      p += 2;
      return { k: "lambda", param, body: expression() };
    }
    if (isOp("(") && toks[p + 1].t === "id" && isOp(")", p + 2) && isOp("=>", p + 3)) {
      const param = (toks[p + 1] as { v: string }).v;
      p += 4;
      return { k: "lambda", param, body: expression() };
    }
    let left = unary();
    for (;;) {
      const t = peek();
      if (t.t !== "op" || !(t.v in PRECEDENCE) || PRECEDENCE[t.v] <= minPrec) return left;
      p++;
      const right = expression(PRECEDENCE[t.v]);
      left = { k: "binary", op: t.v, left, right };
    }
  }

  function unary(): Node {
    if (isOp("!") || isOp("-")) {
      const op = (peek() as { v: string }).v;
      p++;
      return { k: "unary", op, arg: unary() };
    }
    return postfix(primary());
  }

  function primary(): Node {
    const t = peek();
    p++;
    switch (t.t) {
      case "num":
        return { k: "lit", v: t.v };
      case "str":
        return { k: "lit", v: t.v };
      case "alias":
        return { k: "alias", name: t.name, args: t.args };
      case "id":
        if (t.v === "true" || t.v === "false") return { k: "lit", v: t.v === "true" };
        return { k: "name", name: t.v };
      case "op":
        if (t.v === "(") {
          const e = expression();
          expect(")");
          return e;
        }
    }
    p--;
    throw new DxEvalError("Unexpected token" + near());
  }

  function postfix(node: Node): Node {
    for (;;) {
      if (isOp(".")) {
        p++;
        const t = peek();
        if (t.t !== "id") throw new DxEvalError("Expected a property name" + near());
        p++;
        if (isOp("(")) {
          p++;
          const args: Node[] = [];
          if (!isOp(")")) {
            for (;;) {
              args.push(expression());
              if (isOp(",")) {
                p++;
                continue;
              }
              break;
            }
          }
          expect(")");
          node = { k: "call", obj: node, name: t.v, args };
        } else node = { k: "member", obj: node, name: t.v };
      } else if (isOp("[")) {
        p++;
        const index = expression();
        expect("]");
        node = { k: "index", obj: node, index };
      } else return node;
    }
  }

  const root = expression();
  if (peek().t !== "end") throw new DxEvalError("Unexpected token" + near());
  return root;
}

function describe(t: Tok): string {
  switch (t.t) {
    case "num":
      return "0x" + t.v.toString(16);
    case "str":
      return JSON.stringify(t.v);
    case "alias":
      return "@$" + t.name;
    case "end":
      return "";
    default:
      return t.v;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Values

export function isInt64Like(v: unknown): boolean {
  return !!v && typeof v === "object" && "getLowPart" in (v as object);
}

function isIntegral(v: unknown): boolean {
  return typeof v === "bigint" || isInt64Like(v) || (typeof v === "number" && Number.isInteger(v));
}

export function isIterable(v: unknown): boolean {
  if (typeof v === "string" || v === null || v === undefined) return false;
  if (Array.isArray(v)) return true;
  return typeof v === "object" && typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function";
}

function toArray(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  const out: unknown[] = [];
  for (const x of v as Iterable<unknown>) {
    // host.indexedValue wrappers carry the element in .value
    out.push(isIndexedValue(x) ? (x as { value: unknown }).value : x);
    if (out.length > MAX_MATERIALIZED) throw new DxEvalError("Collection larger than " + MAX_MATERIALIZED + " elements");
  }
  return out;
}

function isIndexedValue(x: unknown): boolean {
  return !!x && typeof x === "object" && Object.keys(x as object).join() === "value,indices";
}

const ORDER = Symbol("dxOrderKeys");
const GROUP_KEYS = Symbol("dxGroupKeys");
/** Marks a collection made by a LINQ method: a data-model query has no display string, so dx prints the expression alone. */
const LINQ_RESULT = Symbol("dxLinqResult");
type OrderKey = { sel: (x: unknown) => unknown; desc: boolean };

export class DxEvaluator {
  constructor(private readonly ctx: DxEvalContext) {}

  evaluate(text: string): unknown {
    return this.value(this.eval(parseDx(text), new Map()));
  }

  /** Numbers and literals as the script sees them: bigint literals become numbers (<= 2^53) or Int64. */
  value(v: unknown): unknown {
    if (typeof v === "bigint") return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : this.ctx.fromBig(v);
    return v;
  }

  private big(v: unknown): bigint {
    if (typeof v === "bigint") return v;
    if (typeof v === "number") return BigInt(v);
    return int64Value(v);
  }

  private eval(n: Node, scope: Map<string, unknown>): unknown {
    switch (n.k) {
      case "lit":
        return n.v;
      case "alias":
        if (n.args === null) throw new DxEvalError("Unable to bind name '@$" + n.name + "'");
        return this.ctx.callAlias(n.name, n.args);
      case "name":
        if (scope.has(n.name)) return scope.get(n.name);
        throw new DxEvalError("Unable to bind name '" + n.name + "'");
      case "member":
        return this.member(this.value(this.eval(n.obj, scope)), n.name);
      case "index": {
        const obj = this.value(this.eval(n.obj, scope));
        const idx = this.eval(n.index, scope);
        if (typeof idx === "string") return this.member(obj, idx);
        if (!isIntegral(idx)) throw new DxEvalError("Index must be an integer");
        const i = Number(this.big(idx));
        if (typeof obj === "string") {
          if (i < 0 || i >= obj.length) throw new DxEvalError("Index out of bounds");
          return obj[i];
        }
        if (!isIterable(obj)) throw new DxEvalError("Object is not indexable");
        const arr = toArray(obj);
        if (i < 0 || i >= arr.length) throw new DxEvalError("Index out of bounds");
        return arr[i];
      }
      case "call": {
        const obj = this.value(this.eval(n.obj, scope));
        return this.call(obj, n.name, n.args, scope);
      }
      case "lambda":
        return (x: unknown) => {
          const inner = new Map(scope);
          inner.set(n.param, x);
          return this.value(this.eval(n.body, inner));
        };
      case "unary": {
        const a = this.eval(n.arg, scope);
        if (n.op === "!") return !this.truthy(a);
        if (!isIntegral(a) && typeof a !== "number") throw new DxEvalError("Operator '-' requires a number");
        return typeof a === "number" && !Number.isInteger(a) ? -a : -this.big(a);
      }
      case "binary":
        return this.binary(n, scope);
    }
  }

  private truthy(v: unknown): boolean {
    if (isIntegral(v)) return this.big(v) !== 0n;
    return !!v;
  }

  private binary(n: Extract<Node, { k: "binary" }>, scope: Map<string, unknown>): unknown {
    if (n.op === "&&") return this.truthy(this.eval(n.left, scope)) && this.truthy(this.eval(n.right, scope));
    if (n.op === "||") return this.truthy(this.eval(n.left, scope)) || this.truthy(this.eval(n.right, scope));
    const a = this.eval(n.left, scope);
    const b = this.eval(n.right, scope);
    switch (n.op) {
      case "==":
        return this.compare(a, b, true) === 0;
      case "!=":
        return this.compare(a, b, true) !== 0;
      case "<":
        return this.compare(a, b) < 0;
      case ">":
        return this.compare(a, b) > 0;
      case "<=":
        return this.compare(a, b) <= 0;
      case ">=":
        return this.compare(a, b) >= 0;
    }
    if (n.op === "+" && (typeof a === "string" || typeof b === "string")) return this.text(a) + this.text(b);
    if (isIntegral(a) && isIntegral(b)) {
      const x = this.big(a);
      const y = this.big(b);
      let r: bigint;
      switch (n.op) {
        case "+":
          r = x + y;
          break;
        case "-":
          r = x - y;
          break;
        case "*":
          r = x * y;
          break;
        default:
          if (y === 0n) throw new DxEvalError("Division by zero");
          r = n.op === "/" ? x / y : x % y;
      }
      // An Int64 operand keeps the result an Int64 (the data model's 64-bit arithmetic).
      return isInt64Like(a) || isInt64Like(b) ? this.ctx.fromBig(BigInt.asUintN(64, r)) : r;
    }
    if (typeof a === "number" && typeof b === "number") {
      switch (n.op) {
        case "+":
          return a + b;
        case "-":
          return a - b;
        case "*":
          return a * b;
        case "/":
          return a / b;
        default:
          return a % b;
      }
    }
    throw new DxEvalError("Operator '" + n.op + "' cannot be applied to " + this.kind(a) + " and " + this.kind(b));
  }

  private kind(v: unknown): string {
    if (isInt64Like(v) || typeof v === "bigint") return "int";
    if (v === null || v === undefined) return "no value";
    return typeof v;
  }

  private text(v: unknown): string {
    if (typeof v === "bigint") return "0x" + v.toString(16);
    if (isInt64Like(v)) return "0x" + int64Value(v).toString(16);
    return String(v);
  }

  /** Three-way comparison: integers (number, bigint, Int64) by value, strings lexically. */
  compare(a: unknown, b: unknown, equality = false): number {
    if (isIntegral(a) && isIntegral(b)) {
      const x = this.big(a);
      const y = this.big(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    if ((typeof a === "number" || isIntegral(a)) && (typeof b === "number" || isIntegral(b))) {
      const x = typeof a === "number" ? a : Number(this.big(a));
      const y = typeof b === "number" ? b : Number(this.big(b));
      return x < y ? -1 : x > y ? 1 : 0;
    }
    if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
    if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
    if (equality) return a === b ? 0 : 1;
    throw new DxEvalError("Cannot compare " + this.kind(a) + " with " + this.kind(b));
  }

  private member(obj: unknown, name: string): unknown {
    if (typeof obj === "string") {
      if (name === "Length") return obj.length;
      throw new DxEvalError("No property '" + name + "' on a string");
    }
    if (obj === null || obj === undefined || typeof obj !== "object") {
      throw new DxEvalError("Unable to bind name '" + name + "'");
    }
    if (name.startsWith("__") || !(name in (obj as object))) throw new DxEvalError("Unable to bind name '" + name + "'");
    const v = (obj as Record<string, unknown>)[name];
    if (typeof v === "function") throw new DxEvalError("'" + name + "' is a method: call it with ()");
    return v;
  }

  private call(obj: unknown, name: string, argNodes: Node[], scope: Map<string, unknown>): unknown {
    const args = argNodes.map((a) => this.value(this.eval(a, scope)));
    const fnArg = (i: number, required: boolean): ((x: unknown) => unknown) | null => {
      const f = args[i];
      if (f === undefined) {
        if (required) throw new DxEvalError(name + "() requires a lambda argument");
        return null;
      }
      if (typeof f !== "function") throw new DxEvalError(name + "(): argument " + (i + 1) + " must be a lambda");
      return f as (x: unknown) => unknown;
    };
    if (typeof obj === "string") return this.stringMethod(obj, name, args);
    if (isIterable(obj) && name in LINQ) {
      const result = this.linq(toArray(obj), obj, name, args, fnArg);
      if (Array.isArray(result)) Object.defineProperty(result, LINQ_RESULT, { value: true, enumerable: false });
      return result;
    }
    if (obj && typeof obj === "object" && name in (obj as object) && typeof (obj as Record<string, unknown>)[name] === "function") {
      return ((obj as Record<string, unknown>)[name] as (...a: unknown[]) => unknown)(...args);
    }
    throw new DxEvalError("Unable to bind name '" + name + "'");
  }

  private stringMethod(s: string, name: string, args: unknown[]): unknown {
    const arg = () => {
      if (typeof args[0] !== "string") throw new DxEvalError(name + "() requires a string argument");
      return args[0] as string;
    };
    switch (name) {
      case "Contains":
        return s.includes(arg());
      case "StartsWith":
        return s.startsWith(arg());
      case "EndsWith":
        return s.endsWith(arg());
      case "IndexOf":
        return s.indexOf(arg());
      case "ToLower":
        return s.toLowerCase();
      case "ToUpper":
        return s.toUpperCase();
      case "Substring":
        return s.substr(Number(args[0]), args[1] === undefined ? undefined : Number(args[1]));
    }
    throw new DxEvalError("Unable to bind name '" + name + "'");
  }

  private linq(arr: unknown[], original: unknown, name: string, args: unknown[], fnArg: (i: number, r: boolean) => ((x: unknown) => unknown) | null): unknown {
    const sum = (xs: unknown[]) => {
      let acc: unknown = 0n;
      for (const x of xs) acc = this.binary({ k: "binary", op: "+", left: { k: "lit", v: acc }, right: { k: "lit", v: x } }, new Map());
      return acc;
    };
    const extreme = (sign: number) => {
      const f = fnArg(0, false);
      const xs = f ? arr.map(f) : arr;
      if (xs.length === 0) throw new DxEvalError("Sequence contains no elements");
      return xs.reduce((m, x) => (this.compare(x, m) * sign > 0 ? x : m));
    };
    const count = (n: unknown) => {
      if (!isIntegral(n)) throw new DxEvalError(name + "() requires an integer");
      return Number(this.big(n));
    };
    switch (name) {
      case "Where": {
        const f = fnArg(0, true)!;
        return arr.filter((x) => this.truthy(f(x)));
      }
      case "Select":
        return arr.map(fnArg(0, true)!);
      case "OrderBy":
      case "OrderByDescending":
        return this.sorted(arr, [{ sel: fnArg(0, false) || ((x) => x), desc: name === "OrderByDescending" }]);
      case "ThenBy":
      case "ThenByDescending": {
        const keys = (original as { [ORDER]?: OrderKey[] })[ORDER];
        if (!keys) throw new DxEvalError(name + "() must follow OrderBy()");
        return this.sorted(arr, keys.concat([{ sel: fnArg(0, true)!, desc: name === "ThenByDescending" }]));
      }
      case "Take":
        return arr.slice(0, Math.max(0, count(args[0])));
      case "Skip":
        return arr.slice(Math.max(0, count(args[0])));
      case "Reverse":
        return arr.slice().reverse();
      case "Distinct":
        return arr.filter((x, i) => arr.findIndex((y) => this.compare(x, y, true) === 0) === i);
      case "First":
      case "Last":
      case "FirstOrDefault":
      case "LastOrDefault": {
        const f = fnArg(0, false);
        const xs = f ? arr.filter((x) => this.truthy(f(x))) : arr;
        if (xs.length === 0) {
          if (name.endsWith("OrDefault")) return null;
          throw new DxEvalError("Sequence contains no elements");
        }
        return name.startsWith("First") ? xs[0] : xs[xs.length - 1];
      }
      case "Any": {
        const f = fnArg(0, false);
        return f ? arr.some((x) => this.truthy(f(x))) : arr.length > 0;
      }
      case "All":
        return arr.every((x) => this.truthy(fnArg(0, true)!(x)));
      case "Count": {
        const f = fnArg(0, false);
        return f ? arr.filter((x) => this.truthy(f(x))).length : arr.length;
      }
      case "Sum": {
        const f = fnArg(0, false);
        return sum(f ? arr.map(f) : arr);
      }
      case "Average": {
        const f = fnArg(0, false);
        if (arr.length === 0) throw new DxEvalError("Sequence contains no elements");
        const s = sum(f ? arr.map(f) : arr);
        return Number(typeof s === "number" ? s : this.big(s)) / arr.length;
      }
      case "Max":
        return extreme(1);
      case "Min":
        return extreme(-1);
      case "GroupBy": {
        // dx shows each group as a child named by its key (`["test"]`); the groups here are arrays tagged with it.
        const f = fnArg(0, true)!;
        const groups: unknown[][] = [];
        const keys: unknown[] = [];
        for (const x of arr) {
          const k = f(x);
          let g = keys.findIndex((y) => this.compare(k, y, true) === 0);
          if (g < 0) {
            g = keys.push(k) - 1;
            groups.push([]);
          }
          groups[g].push(x);
        }
        Object.defineProperty(groups, GROUP_KEYS, { value: keys, enumerable: false });
        for (const g of groups) Object.defineProperty(g, LINQ_RESULT, { value: true, enumerable: false });
        return groups;
      }
      case "Flatten": {
        // Data-model Flatten: the tree in pre-order, children from the selector (roots included).
        const f = fnArg(0, true)!;
        const out: unknown[] = [];
        const visit = (x: unknown, depth: number) => {
          if (depth > 64 || out.length > MAX_MATERIALIZED) throw new DxEvalError("Flatten: tree too deep or too large");
          out.push(x);
          const children = f(x);
          if (isIterable(children)) for (const c of toArray(children)) visit(c, depth + 1);
        };
        for (const x of arr) visit(x, 0);
        return out;
      }
    }
    throw new DxEvalError("Unable to bind name '" + name + "'");
  }

  private sorted(arr: unknown[], keys: OrderKey[]): unknown[] {
    const out = arr
      .map((x, i) => ({ x, i, k: keys.map((key) => key.sel(x)) }))
      .sort((a, b) => {
        for (let j = 0; j < keys.length; j++) {
          const c = this.compare(a.k[j], b.k[j]);
          if (c !== 0) return keys[j].desc ? -c : c;
        }
        return a.i - b.i;
      })
      .map((e) => e.x);
    Object.defineProperty(out, ORDER, { value: keys, enumerable: false });
    return out;
  }
}

const LINQ: Record<string, true> = {
  Where: true,
  Select: true,
  OrderBy: true,
  OrderByDescending: true,
  ThenBy: true,
  ThenByDescending: true,
  Take: true,
  Skip: true,
  Reverse: true,
  Distinct: true,
  First: true,
  FirstOrDefault: true,
  Last: true,
  LastOrDefault: true,
  Any: true,
  All: true,
  Count: true,
  Sum: true,
  Average: true,
  Max: true,
  Min: true,
  Flatten: true,
  GroupBy: true,
};

// ---------------------------------------------------------------------------------------------------------------
// Display

export interface DisplayOptions {
  decimal?: boolean;
  /** Levels of children `dx` expands (`-rN`; default 1). */
  depth?: number;
}

export function scalarText(v: unknown, opts: DisplayOptions = {}): string {
  if (v === null) return "null";
  // Non-negative integers in hex unless `,d`; negative and fractional numbers in decimal (as before this file).
  if (typeof v === "bigint") return opts.decimal || v < 0n ? v.toString(10) : "0x" + v.toString(16);
  if (typeof v === "number") return Number.isInteger(v) && v >= 0 && !opts.decimal ? "0x" + v.toString(16) : String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (isInt64Like(v)) return opts.decimal ? int64Value(v).toString(10) : "0x" + int64Value(v).toString(16);
  // An array is displayed through its toString (jsprovider-api.md §2.7, D-SCR: the display string is `toString()`):
  // a script's array shows its own toString when it defines one, else Array.prototype.toString, every element
  // joined by commas. A LINQ result has none (displayTree prints the expression alone).
  if (Array.isArray(v)) return (v as unknown as Record<symbol, unknown>)[LINQ_RESULT] ? "" : String((v as { toString(): string }).toString());
  if (typeof v === "function") return "[function]";
  if (v && typeof v === "object") {
    const t = (v as { toString?: () => string }).toString;
    if (typeof t === "function" && t !== Object.prototype.toString) return String(t.call(v));
    return "[object Object]";
  }
  return String(v);
}

function isLinqResult(v: unknown): boolean {
  return Array.isArray(v) && !!(v as unknown as Record<symbol, unknown>)[LINQ_RESULT];
}

function children(value: unknown): [string, unknown][] {
  const groupKeys = (value as { [GROUP_KEYS]?: unknown[] })[GROUP_KEYS];
  if (groupKeys) return toArray(value).map((v, i) => ["[" + scalarText(groupKeys[i]) + "]", v] as [string, unknown]);
  if (isIterable(value)) return toArray(value).map((v, i) => ["[0x" + i.toString(16) + "]", v] as [string, unknown]);
  // Methods (function-valued properties such as a record's toString) are not children, as in dx without -v.
  return Object.keys(value as object)
    .filter((k) => !k.startsWith("__") && typeof (value as Record<string, unknown>)[k] !== "function")
    .map((k) => [k, (value as Record<string, unknown>)[k]] as [string, unknown]);
}

/**
 * `dx expr`: `expr : display`, then children to `opts.depth` levels (1 by default, `-rN` sets it), each level
 * indented four more spaces, at most 100 children per object (then `[...]`).
 */
export function displayTree(expr: string, value: unknown, opts: DisplayOptions = {}): string {
  if (value === undefined) return expr + "\n";
  const lines = [isLinqResult(value) ? expr : expr + " : " + scalarText(value, opts)];
  const expand = (v: unknown, level: number) => {
    if (level > (opts.depth === undefined ? 1 : opts.depth) || !v || typeof v !== "object" || isInt64Like(v)) return;
    const entries = children(v);
    const indent = "    ".repeat(level);
    const width = entries.reduce((w, [k]) => Math.max(w, k.length), 0);
    for (const [k, c] of entries.slice(0, 100)) {
      lines.push(isLinqResult(c) ? indent + k : indent + k.padEnd(width) + " : " + scalarText(c, opts));
      expand(c, level + 1);
    }
    if (entries.length > 100) lines.push(indent + "[...]");
  };
  expand(value, 1);
  return lines.join("\n") + "\n";
}

/**
 * `dx -g expr`: WinDbg draws a grid (a table window, or in text form boxes of `=` and `-`). This is a simple
 * aligned text approximation: a `=` rule, a header row naming the index column and each property, another rule,
 * one row per element (`[0xN]` then each property's display string, or the value itself for scalars), and a
 * closing rule. Columns are the union of the elements' own enumerable properties in first-seen order (getters on
 * prototypes are not listed). A non-collection object is shown as a single row.
 */
export function displayGrid(expr: string, value: unknown, opts: DisplayOptions = {}): string {
  if (value === undefined) return expr + "\n";
  if (value === null || typeof value !== "object" || isInt64Like(value)) return displayTree(expr, value, opts);
  const rows: [string, unknown][] = isIterable(value) ? children(value) : [["", value]];
  const columns: string[] = [];
  let scalarColumn = false;
  for (const [, v] of rows) {
    if (v && typeof v === "object" && !isInt64Like(v) && !isIterable(v)) {
      for (const [k] of children(v)) if (!columns.includes(k)) columns.push(k);
    } else scalarColumn = true;
  }
  const header = [""].concat(scalarColumn ? ["Value"] : [], columns);
  const table = rows.slice(0, 1000).map(([k, v]) => {
    const isRecord = v && typeof v === "object" && !isInt64Like(v) && !isIterable(v);
    const cells = [k];
    if (scalarColumn) cells.push(isRecord ? "" : scalarText(v, opts));
    for (const c of columns) {
      const has = isRecord && c in (v as object);
      cells.push(has ? scalarText((v as Record<string, unknown>)[c], opts) : "");
    }
    return cells;
  });
  const widths = header.map((h, i) => table.reduce((w, r) => Math.max(w, r[i].length), h.length));
  const line = (cells: string[], sep: string) => "= " + cells.map((c, i) => c.padEnd(widths[i])).join(" " + sep + " ") + " =";
  const rule = "=".repeat(line(header, "=").length);
  const out = [expr, rule, line(header, "="), rule];
  for (const r of table) out.push(line(r, "-"));
  if (rows.length > 1000) out.push("[...]");
  out.push(rule);
  return out.join("\n") + "\n";
}
