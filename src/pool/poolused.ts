// `!poolused` output as rows, for targets whose tracker symbols are missing. Two shapes are real: the documented
// layout (a header `Tag    Allocs     Used    Allocs     Used`, one tag per line, the description glued to the last
// number's column), and text whose line breaks were lost (seed 000: `...UsedLeak 119 4991221760 0 0 UNKNOWN
// pooltag 'Leak', please update pooltag.txtConT 238 ...`). In the second shape a tag is the four non-blank
// characters before its four numbers; a tag shorter than four characters glued to the previous description cannot
// be told apart from it and comes out with the description's last characters.
import { TagUsage } from "./tracker";

export interface PoolusedRow {
  usage: TagUsage;
  description: string;
}

export function parsePoolused(lines: string[]): PoolusedRow[] {
  const header = lines.findIndex((l) => /\bTag\s+Allocs\s+Used\s+Allocs\s+Used/.test(l));
  if (header >= 0 && lines.length > header + 1) {
    const h = lines[header];
    const numbersEnd = h.lastIndexOf("Used") + 4;
    const rows: PoolusedRow[] = [];
    for (let i = header + 1; i < lines.length; i++) {
      const line = lines[i];
      const m = /^\s?(.{1,4}?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$/.exec(line.slice(0, numbersEnd).replace(/\s+$/, ""));
      if (!m) continue;
      rows.push(row(m[1], m[2], m[3], m[4], m[5], line.slice(numbersEnd).trim()));
    }
    if (rows.length) return rows;
  }
  return parseGlued(lines.join(" "));
}

function parseGlued(text: string): PoolusedRow[] {
  const re = /(\S{4}|\S{1,3}(?= ))\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/g;
  const found: { index: number; end: number; m: RegExpExecArray }[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    found.push({ index: m.index, end: re.lastIndex, m });
    if (found.length > 1000000) break;
  }
  return found.map((f, i) => {
    const next = i + 1 < found.length ? found[i + 1].index : text.length;
    return row(f.m[1], f.m[2], f.m[3], f.m[4], f.m[5], text.slice(f.end, next).trim());
  });
}

function row(tag: string, npAllocs: string, npUsed: string, pAllocs: string, pUsed: string, description: string): PoolusedRow {
  const padded = (tag + "    ").slice(0, 4);
  return {
    usage: {
      tag: padded,
      key: 0,
      nonPagedAllocs: parseInt(npAllocs, 10),
      nonPagedFrees: 0,
      nonPagedBytes: parseInt(npUsed, 10),
      pagedAllocs: parseInt(pAllocs, 10),
      pagedFrees: 0,
      pagedBytes: parseInt(pUsed, 10),
    },
    description,
  };
}
