import { DebuggerSession } from "../../emulator/session";
import { EmulatedTarget } from "../../emulator/target";
import { parseDx } from "../../emulator/dx-eval";
import { int64Value } from "../../emulator/int64";

// A tiny script standing in for the bundle: fixed records (numbers, strings, Int64, nested arrays), a generator,
// a function taking arguments, and one that throws.
const FAKE = `
"use strict";
function rec(tag, np, p, addr, owners) {
  return { Tag: tag, NonPagedBytes: np, PagedBytes: p, Address: host.Int64(addr[0], addr[1]), Owners: owners,
           toString: function () { return tag + " " + np; } };
}
function tags() {
  return [
    rec("Leak", 0x20000, 0, [0x47f50000, 0xfffff807], ["drv.sys", "nt"]),
    rec("Proc", 0x800, 0x100, [0x1000, 0], ["nt"]),
    rec("File", 0x1800, 0x4000, [0x2000, 0], []),
    rec("Leak", 0x10, 0, [0x3000, 0], ["drv.sys"]),
  ];
}
function* gen() { yield 1; yield 2; yield 3; }
function echo(a, b) { return { A: a, B: b }; }
function tree() { return [{ Name: "root", Children: [{ Name: "a", Children: [] }, { Name: "b", Children: [{ Name: "c", Children: [] }] }] }]; }
function boom() { throw new Error("kaboom"); }
function initializeScript() {
  return [new host.apiVersionSupport(1, 3), new host.functionAlias(tags, "tags"), new host.functionAlias(gen, "gen"),
          new host.functionAlias(echo, "echo"), new host.functionAlias(tree, "tree"), new host.functionAlias(boom, "boom")];
}
`;

function session(): DebuggerSession {
  return DebuggerSession.fromSource(new EmulatedTarget("kernel", 8), FAKE);
}

function value(line: string): unknown {
  const r = session().run(line);
  expect(r.output).not.toMatch(/^Error/);
  return r.value;
}

describe("dx expressions after an alias call", () => {
  test("property access, indexing (decimal or hex) and nested collections", () => {
    const s = session();
    expect(s.run("dx @$tags()[0].Tag").output).toBe('@$tags()[0].Tag : "Leak"\n');
    expect(s.run("dx @$tags()[0x2].NonPagedBytes").output).toBe("@$tags()[0x2].NonPagedBytes : 0x1800\n");
    // A script's array is displayed through its toString: Array.prototype.toString joins the elements.
    expect(s.run("dx @$tags()[1].Owners").output).toBe('@$tags()[1].Owners : nt\n    [0x0] : "nt"\n');
    expect(int64Value(value("dx @$tags()[0].Address"))).toBe(0xfffff80747f50000n);
    expect(value('dx @$tags()[0]["Tag"]')).toBe("Leak");
  });

  test("Where with a lambda using comparisons, && and ||, strings and hex literals", () => {
    const tags = (v: unknown) => (v as { Tag: string }[]).map((t) => t.Tag);
    expect(tags(value('dx @$tags().Where(t => t.NonPagedBytes > 0x1000 && t.Tag == "Leak")'))).toEqual(["Leak"]);
    expect(tags(value('dx @$tags().Where(t => t.Tag == "Proc" || t.PagedBytes >= 0x4000)'))).toEqual(["Proc", "File"]);
    expect(tags(value('dx @$tags().Where(t => !(t.Tag != "File"))'))).toEqual(["File"]);
    expect(tags(value("dx @$tags().Where((t) => t.NonPagedBytes + t.PagedBytes > 6000)"))).toEqual(["Leak", "File"]);
  });

  test("Select, OrderBy/ThenBy, Take, Skip, First, Last, Any, All, Count, Sum, Max, Min", () => {
    expect(value("dx @$tags().Select(t => t.NonPagedBytes * 2)")).toEqual([0x40000, 0x1000, 0x3000, 0x20]);
    expect(value("dx @$tags().OrderBy(t => t.NonPagedBytes).Select(t => t.NonPagedBytes)")).toEqual([0x10, 0x800, 0x1800, 0x20000]);
    expect(value("dx @$tags().OrderByDescending(t => t.NonPagedBytes).Take(2).Select(t => t.Tag)")).toEqual(["Leak", "File"]);
    expect(value("dx @$tags().OrderBy(t => t.Tag).ThenByDescending(t => t.NonPagedBytes).Select(t => t.NonPagedBytes)")).toEqual([0x1800, 0x20000, 0x10, 0x800]);
    expect(value("dx @$tags().Skip(3).Select(t => t.Tag)")).toEqual(["Leak"]);
    expect((value('dx @$tags().First(t => t.Tag == "File")') as { PagedBytes: number }).PagedBytes).toBe(0x4000);
    expect((value("dx @$tags().Last()") as { NonPagedBytes: number }).NonPagedBytes).toBe(0x10);
    expect(value('dx @$tags().Any(t => t.Tag == "Proc")')).toBe(true);
    expect(value("dx @$tags().Any(t => t.NonPagedBytes > 0x100000)")).toBe(false);
    expect(value("dx @$tags().All(t => t.NonPagedBytes > 0)")).toBe(true);
    expect(value('dx @$tags().Count(t => t.Tag == "Leak")')).toBe(2);
    expect(value("dx @$tags().Sum(t => t.NonPagedBytes)")).toBe(0x20000 + 0x800 + 0x1800 + 0x10);
    expect(value("dx @$tags().Max(t => t.PagedBytes)")).toBe(0x4000);
    expect(value("dx @$tags().Min(t => t.NonPagedBytes)")).toBe(0x10);
    expect(value("dx @$tags().Where(t => t.Owners.Count() > 1).Count()")).toBe(1);
    expect(value('dx @$tags().Where(t => t.Owners.Any(o => o.StartsWith("drv"))).Count()')).toBe(2);
  });

  test("Int64 compares with numbers by value and arithmetic on it stays Int64", () => {
    expect(value("dx @$tags().Where(t => t.Address > 0xffffffff).Count()")).toBe(1);
    expect(value("dx @$tags().Where(t => t.Address == 0x1000).Select(t => t.Tag)")).toEqual(["Proc"]);
    expect(value("dx @$tags()[0].Address == 0xfffff807`47f50000")).toBe(true);
    const sum = value("dx @$tags()[0].Address + 0x10");
    expect(int64Value(sum)).toBe(0xfffff80747f50010n);
    expect(session().run("dx @$tags()[1].Address - 0x800").output).toBe("@$tags()[1].Address - 0x800 : 0x800\n");
    expect(int64Value(value("dx @$tags().Max(t => t.Address)"))).toBe(0xfffff80747f50000n);
  });

  test("Flatten, GroupBy, generators and alias arguments", () => {
    expect(value("dx @$tree().Flatten(n => n.Children).Select(n => n.Name)")).toEqual(["root", "a", "b", "c"]);
    expect(value("dx @$gen().Sum(x => x)")).toBe(6);
    expect(session().run("dx @$gen()[1]").output).toBe("@$gen()[1] : 0x2\n");
    expect(session().run('dx @$tags().GroupBy(t => t.Tag)').output).toBe(
      '@$tags().GroupBy(t => t.Tag)\n    ["Leak"]\n    ["Proc"]\n    ["File"]\n',
    );
    expect(value('dx @$echo(5, "x(y)").B')).toBe("x(y)");
    expect(value("dx @$echo(0x10, 2).A")).toBe(16);
  });

  test("string literals take the C++ escapes, \\a \\b \\f \\v \\? and octal among them, in alias arguments and in lambdas", () => {
    expect(value('dx @$echo("C:\\temp\\before.json", 0).A')).toBe("C:\temp\before.json");
    expect(value('dx @$echo("\\a\\f\\v\\?\\101", 0).A')).toBe("\x07\f\x0b?A");
    expect(value('dx @$tags().Where(t => t.Tag == "\\114eak").Count()')).toBe(2);
  });

  test("display: children with toString, hex by default, decimal with ,d", () => {
    const s = session();
    expect(s.run("dx @$tags().Take(2)").output).toBe(
      "@$tags().Take(2)\n    [0x0] : Leak 131072\n    [0x1] : Proc 2048\n",
    );
    expect(s.run("dx @$tags().Count()").output).toBe("@$tags().Count() : 0x4\n");
    expect(s.run("dx @$tags().Count(),d").output).toBe("@$tags().Count() : 4\n");
    expect(s.run("dx @$tags()[2],d").output).toBe(
      '@$tags()[2] : File 6144\n    Tag           : "File"\n    NonPagedBytes : 6144\n    PagedBytes    : 16384\n    Address       : 8192\n    Owners        : \n',
    );
  });

  test("dx -rN expands N levels of children; -r0 none; unknown switches are refused", () => {
    const s = session();
    expect(s.run("dx -r2 @$tags().Skip(1).Take(1)").output).toBe(
      [
        "@$tags().Skip(1).Take(1)",
        "    [0x0] : Proc 2048",
        '        Tag           : "Proc"',
        "        NonPagedBytes : 0x800",
        "        PagedBytes    : 0x100",
        "        Address       : 0x1000",
        "        Owners        : nt",
        "",
      ].join("\n"),
    );
    expect(s.run("dx -r3 @$tags()[1].Owners,d").output).toBe('@$tags()[1].Owners : nt\n    [0x0] : "nt"\n');
    expect(s.run("dx -r0 @$tags()").output).toBe("@$tags() : Leak 131072,Proc 2048,File 6144,Leak 16\n");
    expect(s.run("dx -q @$tags()").output).toBe("Error: Unknown switch '-q'\n");
    expect(s.run("dx").output).toBe("Error: Unexpected token at end of expression\n");
  });

  test("dx -g prints one row per element and one column per property", () => {
    const out = session().run("dx -g @$tags().Where(t => t.Tag == \"Leak\").Select(t => t.Owners.Count())").output;
    expect(out.split("\n")[0]).toBe('@$tags().Where(t => t.Tag == "Leak").Select(t => t.Owners.Count())');
    const grid = session().run('dx -g @$echo(1, "a")').output.split("\n");
    expect(grid).toEqual(['@$echo(1, "a")', "================", "=  = A   = B   =", "================", '=  - 0x1 - "a" =', "================", ""]);
    const rows = session().run("dx -g @$tags()").output.split("\n");
    expect(rows[2]).toMatch(/^=\s+= Tag\s+= NonPagedBytes\s+= PagedBytes\s+= Address\s+= Owners\s+=$/);
    expect(rows[4]).toMatch(/^= \[0x0\] - "Leak"\s+- 0x20000\s+- 0x0\s+- 0xfffff80747f50000 - drv\.sys,nt/);
    expect(rows.filter((l) => l.startsWith("= [0x"))).toHaveLength(4);
    // every row is as wide as the rules
    const body = rows.filter((l) => l.length > 0).slice(1);
    expect(new Set(body.map((l) => l.length)).size).toBe(1);
  });

  test("errors print `Error: ...` and never escape run()", () => {
    const s = session();
    const cases: [string, RegExp][] = [
      ["dx @$tags()[0].Nope", /^Error: Unable to bind name 'Nope'/],
      ["dx @$tags()[9]", /^Error: Index out of bounds/],
      ["dx @$tags().Where(t => t.Tag ==", /^Error: Unexpected token at end of expression/],
      ["dx @$tags().Where(t => u.Tag)", /^Error: Unable to bind name 'u'/],
      ["dx @$tags().Where()", /^Error: Where\(\) requires a lambda/],
      ["dx @$tags().Where(t => t.Tag > 1)", /^Error: Cannot compare string with int/],
      ["dx @$tags().First(t => t.Tag == \"None\")", /^Error: Sequence contains no elements/],
      ['dx @$tags().Where(t => t.Tag == "x)', /^Error: Unterminated string literal/],
      ["dx @$tags()[0].Tag.Nope()", /^Error: Unable to bind name 'Nope'/],
      ["dx @$tags() $", /^Error: Unexpected token at '\$'/],
      ["dx @$tags", /^Error: Unable to bind name '@\$tags'/],
      ["dx @$tags().ThenBy(t => t.Tag)", /^Error: ThenBy\(\) must follow OrderBy\(\)/],
      ['dx @$echo("unterminated)', /^Error: Unterminated|^Error: Expected/],
      ["dx @$tags().Count() / 0", /^Error: Division by zero/],
    ];
    for (const [line, re] of cases) {
      const r = s.run(line);
      expect({ line, out: r.output }).toEqual({ line, out: expect.stringMatching(re) });
      expect(r.escaped).toBeNull();
    }
    expect(s.run("dx @$nosuch().Count()").output).toBe("No export nosuch found\n");
    const b = s.run("dx @$boom().Count()");
    expect(b.escaped).toBe("kaboom");
    expect(b.output).toBe("Error: kaboom [at fake (line ? col ?)]\n");
  });

  test("the parser keeps precedence: * over +, comparisons over &&, && over ||", () => {
    expect(value("dx @$echo(2, 3).A + @$echo(2, 3).B * 4")).toBe(14);
    expect(value("dx (@$echo(2, 3).A + @$echo(2, 3).B) * 4")).toBe(20);
    expect(value("dx @$echo(1, 0).A == 1 || @$echo(1, 0).B == 1 && false")).toBe(true);
    expect(value("dx (-@$echo(5, 0).A) + 7")).toBe(2);
    expect(value("dx 7 - @$echo(5, 0).A - 1")).toBe(1);
    expect(parseDx("@$a().Where(x => x.B > 1 && x.C)").k).toBe("call");
  });
});
