import { bytesWithUnit, groupDigits, humanBytes } from "../../../src/render/format";
import { renderTable } from "../../../src/render/table";
import { escapeDml } from "../../../src/render/dml";

test("byte counts carry a human unit beside the exact figure", () => {
  expect(groupDigits(4991221760)).toBe("4,991,221,760");
  expect(humanBytes(4991221760)).toBe("4.65 GB");
  expect(bytesWithUnit(4991221760)).toBe("4,991,221,760 (4.65 GB)");
  expect(bytesWithUnit(12)).toBe("12 bytes");
  expect(humanBytes(0x1000040)).toBe("16.0 MB");
});

test("tables align columns and never carry a newline from the target into a row", () => {
  type Row = { tag: string; n: string };
  const rows: Row[] = [{ tag: "Leak", n: "119" }, { tag: "Bad\nTag", n: "4" }];
  expect(
    renderTable(
      [
        { header: "Tag", value: (r: Row) => r.tag },
        { header: "Allocs", align: "right", value: (r: Row) => r.n },
      ],
      rows,
    ),
  ).toEqual(["Tag      Allocs", "-------  ------", "Leak        119", "Bad?Tag       4"]);
});

test("DML escaping leaves no markup", () => {
  expect(escapeDml('<link cmd="x">&\'')).toBe("&lt;link cmd=&quot;x&quot;&gt;&amp;&apos;");
});
