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

  test("malformed input is a dx syntax error", () => {
    expect(() => parseAliasArguments('"unterminated')).toThrow(/Unterminated/);
    expect(() => parseAliasArguments("(1, 2")).toThrow();
    expect(() => parseAliasArguments('"\\q"')).toThrow(/escape/);
  });
});
