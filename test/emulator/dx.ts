// `!name args` as dx evaluates it (reference §1, function aliases): the text after the alias is a dx expression;
// literals are C++ (decimal unless 0x; backtick-split hex as WinDbg writes addresses), strings are C literals
// with escapes, several arguments go in parentheses, a bare word is a symbol, an omitted argument is undefined.
// Values of 32 bits or fewer arrive as numbers, larger ones as Int64.

export type DxArg =
  | { kind: "number"; value: bigint }
  | { kind: "string"; value: string }
  | { kind: "symbol"; name: string };

export class DxSyntaxError extends Error {}

export function parseAliasArguments(text: string): DxArg[] {
  const p = new Parser(text.trim());
  if (p.done()) return [];
  let args: DxArg[];
  if (p.peek() === "(") {
    p.next();
    args = [];
    p.skipSpace();
    if (p.peek() !== ")") {
      for (;;) {
        args.push(p.value());
        p.skipSpace();
        if (p.peek() === ",") {
          p.next();
          continue;
        }
        break;
      }
    }
    p.expect(")");
  } else {
    args = [p.value()];
  }
  p.skipSpace();
  if (!p.done()) throw new DxSyntaxError("Unexpected token at '" + p.rest() + "'");
  return args;
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}
  done() {
    return this.i >= this.s.length;
  }
  peek() {
    return this.s[this.i];
  }
  next() {
    return this.s[this.i++];
  }
  rest() {
    return this.s.slice(this.i);
  }
  skipSpace() {
    while (!this.done() && /\s/.test(this.s[this.i])) this.i++;
  }
  expect(ch: string) {
    this.skipSpace();
    if (this.next() !== ch) throw new DxSyntaxError("Expected '" + ch + "'");
  }
  value(): DxArg {
    this.skipSpace();
    const c = this.peek();
    if (c === '"') return { kind: "string", value: this.string() };
    if (c === "-" || /[0-9]/.test(c)) return { kind: "number", value: this.number() };
    const m = /^[A-Za-z_][A-Za-z0-9_!@$]*/.exec(this.rest());
    if (m) {
      this.i += m[0].length;
      return { kind: "symbol", name: m[0] };
    }
    throw new DxSyntaxError("Unexpected token at '" + this.rest() + "'");
  }
  string(): string {
    this.next();
    let out = "";
    for (;;) {
      if (this.done()) throw new DxSyntaxError("Unterminated string literal");
      const ch = this.next();
      if (ch === '"') return out;
      if (ch !== "\\") {
        out += ch;
        continue;
      }
      const escape = readEscape(this.s, this.i);
      if (typeof escape === "string") throw new DxSyntaxError(escape);
      out += escape.char;
      this.i = escape.next;
    }
  }
  number(): bigint {
    let negative = false;
    if (this.peek() === "-") {
      negative = true;
      this.next();
    }
    const m = /^(0x[0-9a-fA-F`]+|[0-9]+)/.exec(this.rest());
    if (!m) throw new DxSyntaxError("Bad number at '" + this.rest() + "'");
    this.i += m[0].length;
    const text = m[0].replace(/`/g, "");
    const v = BigInt(text);
    return negative ? BigInt.asUintN(64, -v) : v;
  }
}

/** The C++ simple escapes. The debugger's C++ expression evaluator takes "the standard C++ escape characters" in
 *  character and string literals (learn.microsoft.com/windows-hardware/drivers/debuggercmds/c---numbers-and-operators,
 *  "Characters and Strings in C++ Expressions"), and "? (Evaluate Expression)" warns that \n, \", \r and \b in a
 *  quoted path are interpreted by the evaluator (learn.microsoft.com/windows-hardware/drivers/debuggercmds/
 *  ---evaluate-expression-). The set is the C++ standard's [lex.ccon] table: \a \b \f \v are accepted like
 *  \t and \n, so "C:\temp\before.json" typed with single backslashes arrives with a tab and a backspace in it.
 *  Other letters after a backslash are refused (stricter than a lenient evaluator, never looser). */
const SIMPLE_ESCAPES: Record<string, string> = {
  n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\x0b", "\\": "\\", '"': '"', "'": "'", "?": "?",
};

/** The escape after the backslash at s[at - 1]: the character it stands for and where the literal goes on, or the
 *  dx error text. Octal takes up to three digits (\0 is NUL), hex up to two (one byte). */
export function readEscape(s: string, at: number): { char: string; next: number } | string {
  const e = s[at];
  if (e === undefined) return "Unterminated string literal";
  if (e in SIMPLE_ESCAPES) return { char: SIMPLE_ESCAPES[e], next: at + 1 };
  const octal = /^[0-7]{1,3}/.exec(s.slice(at, at + 3));
  if (octal) return { char: String.fromCharCode(parseInt(octal[0], 8)), next: at + octal[0].length };
  if (e === "x") {
    const h = /^[0-9a-fA-F]{1,2}/.exec(s.slice(at + 1, at + 3));
    if (!h) return "Bad escape";
    return { char: String.fromCharCode(parseInt(h[0], 16)), next: at + 1 + h[0].length };
  }
  return "Unrecognized escape sequence '\\" + e + "'";
}
