import { parseAliasArguments } from "../../emulator/dx";

describe("function-alias arguments are parsed as dx does", () => {
  test("decimal unless 0x, backtick addresses, quoted C strings, parenthesized lists", () => {
    expect(parseAliasArguments("42")).toEqual([{ kind: "number", value: 42n }]);
    expect(parseAliasArguments("0x2a")).toEqual([{ kind: "number", value: 42n }]);
    expect(parseAliasArguments("0xfffff807`47f50000")).toEqual([{ kind: "number", value: 0xfffff80747f50000n }]);
    expect(parseAliasArguments('"Leak"')).toEqual([{ kind: "string", value: "Leak" }]);
    expect(parseAliasArguments('"C:\\\\tags\\\\pooltag.txt"')).toEqual([{ kind: "string", value: "C:\\tags\\pooltag.txt" }]);
    expect(parseAliasArguments('(5, "x")')).toEqual([{ kind: "number", value: 5n }, { kind: "string", value: "x" }]);
    expect(parseAliasArguments("")).toEqual([]);
    expect(parseAliasArguments("ExAllocatePool")).toEqual([{ kind: "symbol", name: "ExAllocatePool" }]);
  });

  test("the C++ simple escapes \\a \\b \\f \\v \\? and octal ones are accepted, as the C++ expression evaluator does", () => {
    // "C:\\temp\\before.json" typed with single backslashes: \t is a tab and \b a backspace, not an error.
    expect(parseAliasArguments('"C:\\temp\\before.json"')).toEqual([{ kind: "string", value: "C:\temp\before.json" }]);
    expect(parseAliasArguments('"\\a\\b\\f\\v\\?"')).toEqual([{ kind: "string", value: "\x07\b\f\x0b?" }]);
    expect(parseAliasArguments('"\\101\\0\\1234"')).toEqual([{ kind: "string", value: "A\0S4" }]);
  });

  test("malformed input is a dx syntax error", () => {
    expect(() => parseAliasArguments('"unterminated')).toThrow(/Unterminated/);
    expect(() => parseAliasArguments("(1, 2")).toThrow();
    expect(() => parseAliasArguments('"\\q"')).toThrow(/escape/);
  });
});
