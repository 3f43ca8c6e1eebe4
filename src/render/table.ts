// Aligned text tables for the debugger's command window.

export interface Column<Row> {
  header: string;
  align?: "left" | "right";
  value(row: Row): string;
}

/** Header, a rule, then one line per row; the last column is not padded. */
export function renderTable<Row>(columns: Column<Row>[], rows: Row[], indent = ""): string[] {
  const cells = rows.map((row) => columns.map((c) => oneLine(c.value(row))));
  const widths = columns.map((c, i) => cells.reduce((w, r) => Math.max(w, r[i].length), c.header.length));
  const line = (values: string[]) =>
    indent +
    values
      .map((v, i) => {
        const last = i === values.length - 1;
        if (columns[i].align === "right") return pad(v, widths[i], true);
        return last ? v : pad(v, widths[i], false);
      })
      .join("  ")
      .replace(/\s+$/, "");
  const out = [line(columns.map((c) => c.header)), indent + widths.map((w) => repeat("-", w)).join("  ")];
  for (const r of cells) out.push(line(r));
  return out;
}

function pad(text: string, width: number, left: boolean): string {
  const fill = repeat(" ", Math.max(0, width - text.length));
  return left ? fill + text : text + fill;
}

function repeat(ch: string, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += ch;
  return s;
}

/** Target strings may hold newlines or control bytes; a table cell never does. */
export function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, "?");
}
