// `!poolused` output as rows, for targets whose tracker symbols are missing. The layout is recognised by the column
// names of its header, never guessed from the numbers: a header we do not know gives no rows and says so, with the
// header as printed.
//
// Layouts seen in real output (test/fixtures/pool/, each with its source):
//   summary (flags without bit 0): `Tag Allocs Used Allocs Used` — per pool, outstanding allocations and bytes.
//     Older debuggers glue the description to the last number (`0UNKNOWN pooltag ...`, Microsoft's !poolused page);
//     current ones put a tab before it and end with a `TOTAL` line (Windows 10/11 output).
//   verbose (flag bit 0): `Tag Allocs Frees Diff Used Allocs Frees Diff Used` — per pool, allocations and frees since
//     boot, their difference (the outstanding allocations) and the bytes.
// Sorting (bits 1 and 2) and the session pool (bit 3) change the order and the `Sorting by ...` line, not the columns.
// Text whose line breaks were lost (seed 000: `...UsedLeak 119 4991221760 0 0 UNKNOWN pooltag 'Leak', please update
// pooltag.txtConT 238 ...`) is read as one stream: a tag is the four non-blank characters before its numbers; a tag
// shorter than four characters glued to the previous description cannot be told apart from it and comes out with the
// description's last characters.
import { TagUsage } from "./tracker";

export interface PoolusedLayout {
  id: "summary" | "verbose";
  /** The header's column names, as the user sees them in the debugger. */
  columns: string;
  /** What the numbers mean, for the line that says the figures came from !poolused. */
  meaning: string;
}

export interface PoolusedRow {
  /** Outstanding allocations and bytes, per pool (frees 0: the summary layout has none). */
  usage: TagUsage;
  description: string;
  /** Allocations and frees since boot, when the layout prints them (verbose). */
  cumulative: { nonPagedAllocs: number; nonPagedFrees: number; pagedAllocs: number; pagedFrees: number } | null;
}

export interface PoolusedParse {
  rows: PoolusedRow[];
  /** Null when no header was found or its columns are not a layout we know. */
  layout: PoolusedLayout | null;
  /** The header line as printed (trailing blanks removed), when one was found. */
  header: string | null;
  /** `Tag`, `NonPaged Pool Consumed`, ... from the `Sorting by` line. */
  sortedBy: string | null;
  /** The text had no line breaks (rows were cut out of one stream). */
  glued: boolean;
  /** Lines after the header that are neither rows, blank, elided (`...`) nor the TOTAL line. */
  unparsed: string[];
  /** Why there are no rows, in a sentence; null when there are rows or the table was simply empty. */
  problem: string | null;
}

const COLUMN_WORDS = "Allocs|Frees|Diff|Used";
// `Tag` then column names. No word boundary before `Tag`: in text whose line breaks were lost it follows `Paged`.
const HEADER = new RegExp("Tag((?:[ \\t]+(?:" + COLUMN_WORDS + "))+)");

const LAYOUTS: { columns: string[]; layout: PoolusedLayout }[] = [
  {
    columns: ["Allocs", "Used", "Allocs", "Used"],
    layout: { id: "summary", columns: "Tag Allocs Used Allocs Used", meaning: "outstanding allocations and bytes per pool, no frees" },
  },
  {
    columns: ["Allocs", "Frees", "Diff", "Used", "Allocs", "Frees", "Diff", "Used"],
    layout: { id: "verbose", columns: "Tag Allocs Frees Diff Used Allocs Frees Diff Used", meaning: "allocations, frees, outstanding allocations (Diff) and bytes per pool" },
  },
];

/** Unparsed lines kept as examples; the count is what matters past that. */
const MAX_UNPARSED_KEPT = 20;
const MAX_GLUED_ROWS = 1000000;

export function parsePoolused(lines: string[]): PoolusedParse {
  const clean = lines.map((l) => l.replace(/\r$/, ""));
  const result: PoolusedParse = { rows: [], layout: null, header: null, sortedBy: sortedByOf(clean.join("\n")), glued: false, unparsed: [], problem: null };
  const headerAt = clean.findIndex((l) => HEADER.test(l));
  if (headerAt < 0) {
    result.problem = "no column header (`Tag Allocs ...`) in the output";
    return result;
  }
  const headerLine = clean[headerAt];
  const m = HEADER.exec(headerLine)!;
  const columns = m[1].trim().split(/\s+/);
  const known = LAYOUTS.filter((l) => l.columns.join(" ") === columns.join(" "))[0];
  // The header alone on its line is the normal case; text glued after it (rows on the same line) means the line
  // breaks were lost, and the header line shown is only the header.
  const rest = headerLine.slice(m.index + m[0].length);
  result.glued = rest.trim().length > 0 && /\d/.test(rest);
  result.header = result.glued ? ("Tag" + m[1]).trim() : headerLine.replace(/\s+$/, "");
  if (!known) {
    result.problem = "layout not recognised: the header is `" + result.header.trim() + "`";
    return result;
  }
  result.layout = known.layout;
  const numbers = known.columns.length;
  if (result.glued) {
    result.rows = parseGlued([rest].concat(clean.slice(headerAt + 1)).join(" "), known.layout, numbers);
  } else {
    // Where the last column's name ends: right-aligned numbers end there, and an old debugger's description starts.
    const numbersEnd = m.index + m[0].length;
    for (const line of clean.slice(headerAt + 1)) {
      if (!line.trim() || /^\s*\.\.\.\s*$/.test(line) || /^\s*TOTAL\b/.test(line)) continue;
      const row = parseRow(line, numbersEnd, known.layout, numbers);
      if (row) result.rows.push(row);
      else if (result.unparsed.length < MAX_UNPARSED_KEPT) result.unparsed.push(line);
    }
  }
  return result;
}

function sortedByOf(text: string): string | null {
  const m = /Sorting by\s+(?:Session\s+)?(Tag|NonPaged Pool Consumed|Paged Pool Consumed)/.exec(text);
  return m ? m[1] : null;
}

/**
 * One row: the tag, the layout's numbers, the description. The description follows a tab (current debuggers) or
 * starts right after the last number's column, glued to it (`0UNKNOWN pooltag`, `01394 OHCI ...`).
 */
function parseRow(line: string, numbersEnd: number, layout: PoolusedLayout, count: number): PoolusedRow | null {
  const pattern = new RegExp("^\\s?(\\S.{0,3}?)" + "\\s+(\\d+)".repeat(count) + "\\s*$");
  const tab = line.indexOf("\t");
  // Where the numbers end: at the tab; else at the header's last column, or one or two columns before it when the
  // row is printed shorter (Microsoft's page has ` rx..       3     1248         0        0UNKNOWN`, one column
  // short) and the character there is not a digit, so that no number is cut.
  const ends = tab >= 0 ? [tab] : [numbersEnd, numbersEnd - 1, numbersEnd - 2].filter((end, i) => i === 0 || !/\d/.test(line.charAt(end)));
  for (const end of ends) {
    const m = pattern.exec(line.slice(0, end));
    if (!m) continue;
    const description = line.slice(tab >= 0 ? tab + 1 : end).trim();
    return row(m[1], m.slice(2, 2 + count).map((n) => parseInt(n, 10)), layout, description);
  }
  return null;
}

function parseGlued(text: string, layout: PoolusedLayout, count: number): PoolusedRow[] {
  const re = new RegExp("(\\S{4}|\\S{1,3}(?= ))" + "\\s+(\\d+)".repeat(count), "g");
  const found: { index: number; end: number; m: RegExpExecArray }[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    found.push({ index: m.index, end: re.lastIndex, m });
    if (found.length > MAX_GLUED_ROWS) break;
  }
  return found
    .filter((f) => f.m[1] !== "TOTAL" && f.m[1] !== "OTAL")
    .map((f, i, all) => {
      const next = i + 1 < all.length ? all[i + 1].index : text.length;
      return row(f.m[1], f.m.slice(2, 2 + count).map((n) => parseInt(n, 10)), layout, text.slice(f.end, next).replace(/\s*TOTAL\b.*$/, "").trim());
    });
}

function row(tag: string, n: number[], layout: PoolusedLayout, description: string): PoolusedRow {
  const padded = (tag + "    ").slice(0, 4);
  if (layout.id === "verbose") {
    // Allocs Frees Diff Used, nonpaged then paged.
    return {
      usage: { tag: padded, key: 0, nonPagedAllocs: n[2], nonPagedFrees: 0, nonPagedBytes: n[3], pagedAllocs: n[6], pagedFrees: 0, pagedBytes: n[7] },
      description,
      cumulative: { nonPagedAllocs: n[0], nonPagedFrees: n[1], pagedAllocs: n[4], pagedFrees: n[5] },
    };
  }
  return {
    usage: { tag: padded, key: 0, nonPagedAllocs: n[0], nonPagedFrees: 0, nonPagedBytes: n[1], pagedAllocs: n[2], pagedFrees: 0, pagedBytes: n[3] },
    description,
    cumulative: null,
  };
}
