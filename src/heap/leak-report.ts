// The text of !heapleaks (issue 20, DESIGN "Output conventions"): the answer first (the top group's caller with its
// source line, bytes and count), the layout lines, the groups, the stacks of the top groups, the heaps walked and
// the parts not walked, then one Next: block. Pure: a view in, lines out; the command fills the view.
import { duration, groupDigits, plural } from "../render/format";
import { NextStep, nextBlock, sizeText } from "../render/report";
import { Column, renderTable } from "../render/table";
import { vftableClass } from "../pool/pointers";

export type ReportMode = "all" | "baseline" | "growth" | "compare";

export interface ShownGroup {
  /** Symbolized frames, innermost first; null for a size group; a reason when the stack could not be read. */
  frames: string[] | null;
  stackProblem: string | null;
  /** The caller frame with its source line where the symbols have one; null for a size group. */
  caller: string | null;
  size: number | null;
  /** `app!CImage::\`vftable'` or `app!g_table+0x10`; null when the first pointer leads into no image. */
  type: string | null;
  allocations: number;
  bytes: number;
  /** Formatted as the debugger prints addresses (backtick on x64). */
  example: string;
  stackRecord: string | null;
  deltaAllocations: number | null;
  deltaBytes: number | null;
  /** Bytes per second over the target's clock. */
  rate: number | null;
}

export interface HeapLine {
  heap: string;
  type: string;
  lfh: boolean;
  blocks: number;
  bytes: number;
  layout: string;
}

export interface NotWalkedLine {
  heap: string;
  part: string;
  address: string | null;
  reason: string;
}

export interface LeakReportView {
  mode: ReportMode;
  ust: boolean;
  /** The program's image file name, for the gflags advice (`app.exe`). */
  imageName: string;
  /** All groups of the target (growth modes: all groups that grew), before the table's cut. */
  groupCount: number;
  allocations: number;
  bytes: number;
  shown: ShownGroup[];
  /** Seconds between the baseline (or the file) and now by the target's clock; null when unknown. */
  seconds: number | null;
  /** Where the baseline came from: "the baseline" or "C:\cases\before.json (saved 2026-...)". */
  since: string;
  /** Groups that shrank or disappeared since the baseline (growth modes). */
  shrunk: number;
  gone: number;
  heaps: HeapLine[];
  notWalked: NotWalkedLine[];
  /** Layout provenance lines, already worded ("Layout: ..."). */
  layoutLines: string[];
  /** Extra lines after the answer: capped stacks, page heaps named, and so on. */
  notes: string[];
  next: NextStep[];
}

/** Frames of each of the top groups printed under the table; the table itself holds more. */
export const STACKS_PRINTED = 5;

export function rateText(rate: number | null): string {
  if (rate === null) return "?";
  return sizeText(Math.round(rate)).replace(/^(0x[0-9a-f]+) \((.*)\)$/, "$2") + "/s";
}

/** `app!CImage::\`vftable'` -> `app!CImage::\`vftable' (class CImage)`. */
export function typeText(type: string | null): string {
  if (!type) return "";
  const cls = vftableClass(type);
  return cls ? type + " (class " + cls + ")" : type;
}

function groupName(g: ShownGroup): string {
  if (g.caller) return g.caller;
  if (g.stackProblem) return "stack not read (" + g.stackProblem + ")";
  if (g.frames) return "(empty stack)";
  return "size " + sizeText(g.size === null ? 0 : g.size) + (g.type ? ", type " + typeText(g.type) : ", no type");
}

export function answerLines(v: LeakReportView): string[] {
  const lines: string[] = [];
  const top = v.shown[0];
  const total = sizeText(v.bytes) + " in " + plural(v.allocations, "allocation");
  const unit = v.ust ? ["stack", "stacks"] : ["group", "groups"];
  if (v.mode === "growth" || v.mode === "compare") {
    // A file written after this target (the dumps compared the wrong way round) has no interval to grow over.
    const over = v.seconds === null ? "" : v.seconds >= 0 ? " over " + duration(v.seconds) + " of target time" : " (written " + duration(v.seconds) + " after this target's time)";
    if (!top) {
      lines.push("No allocation group grew since " + v.since + over + " (" + total + " now).");
      return lines;
    }
    lines.push(
      "Grew most since " + v.since + over + ": " + groupName(top) + ", +" + sizeText(top.deltaBytes || 0) + " in " +
        signed(top.deltaAllocations || 0) + " allocations" + (top.rate !== null ? " (" + rateText(top.rate) + ")" : "") +
        "; now " + sizeText(top.bytes) + " in " + plural(top.allocations, "allocation") + ".",
    );
    if (top.type && top.caller) lines.push("  Its blocks begin with a pointer to " + typeText(top.type) + ".");
    lines.push(plural(v.groupCount, unit[0] + " grew", unit[1] + " grew") + "; " + groupDigits(v.shrunk) + " shrank, " + groupDigits(v.gone) + " disappeared.");
  } else if (!top) {
    lines.push("No busy allocations in the heaps walked.");
  } else {
    lines.push(
      (v.ust ? "Largest allocation stack: " : "Largest group: ") + groupName(top) + " holds " + sizeText(top.bytes) + " in " +
        plural(top.allocations, "allocation") + " (of " + total + ", " + plural(v.groupCount, unit[0], unit[1]) + ").",
    );
    if (top.type && top.caller) lines.push("  Its blocks begin with a pointer to " + typeText(top.type) + ".");
    if (v.mode === "baseline") lines.push("Baseline recorded (" + plural(v.groupCount, "group") + "): run !heapleaks again after the program has run to see what grew.");
  }
  if (!v.ust) {
    lines.push(
      "No allocation stacks: +ust is off for this process. To record them: gflags /i " + v.imageName +
        " +ust, then restart the program. Meanwhile the groups are by size and type (a C++ class shows through its vtable).",
    );
  }
  return lines;
}

function signed(n: number): string {
  return (n >= 0 ? "+" : "") + groupDigits(n);
}

export function groupTable(v: LeakReportView): string[] {
  const growth = v.mode === "growth" || v.mode === "compare";
  const rows = v.shown.map((g, i) => ({ g, i }));
  type Row = (typeof rows)[0];
  const columns: Column<Row>[] = [{ header: "#", align: "right", value: (r: Row) => String(r.i + 1) }];
  if (growth) {
    columns.push(
      { header: "Delta bytes", align: "right" as const, value: (r: Row) => "+" + sizeText(r.g.deltaBytes || 0) },
      { header: "Delta allocs", align: "right" as const, value: (r: Row) => signed(r.g.deltaAllocations || 0) },
    );
    if (v.seconds !== null && v.seconds > 0) columns.push({ header: "Rate", align: "right" as const, value: (r: Row) => rateText(r.g.rate) });
  }
  columns.push(
    { header: "Bytes", align: "right" as const, value: (r: Row) => sizeText(r.g.bytes) },
    { header: "Allocs", align: "right" as const, value: (r: Row) => groupDigits(r.g.allocations) },
  );
  if (!v.ust) columns.push({ header: "Size", align: "right" as const, value: (r: Row) => (r.g.size === null ? "" : "0x" + r.g.size.toString(16)) });
  columns.push({ header: "Example", value: (r: Row) => r.g.example });
  columns.push({ header: v.ust ? "Caller" : "Type", value: (r: Row) => (v.ust ? groupName(r.g) : r.g.type ? typeText(r.g.type) : "-") });
  const title = growth ? "Groups that grew, largest growth first" : v.ust ? "Allocation stacks, largest bytes first" : "Groups by (size, type), largest bytes first";
  const more = v.groupCount > v.shown.length ? " (first " + v.shown.length + " of " + groupDigits(v.groupCount) + ")" : "";
  return [title + more + ":"].concat(renderTable(columns, rows, "  "));
}

export function stackLines(v: LeakReportView): string[] {
  const lines: string[] = [];
  const withStacks = v.shown.slice(0, STACKS_PRINTED).filter((g) => g.frames !== null || g.stackProblem !== null);
  if (withStacks.length === 0) return lines;
  lines.push("Stacks of the top " + plural(withStacks.length, "group") + " (innermost first):");
  v.shown.slice(0, STACKS_PRINTED).forEach((g, i) => {
    if (g.frames === null && g.stackProblem === null) return;
    lines.push("#" + (i + 1) + "  " + plural(g.allocations, "allocation") + ", " + sizeText(g.bytes) + (g.stackRecord ? ", stack record " + g.stackRecord : ""));
    if (g.stackProblem) lines.push("      (" + g.stackProblem + ")");
    else for (const f of g.frames || []) lines.push("      " + f);
  });
  return lines;
}

export function heapLines(heaps: HeapLine[], notWalked: NotWalkedLine[]): string[] {
  const lines = ["Heaps walked:"].concat(
    renderTable(
      [
        { header: "Heap", value: (h: HeapLine) => h.heap },
        { header: "Type", value: (h: HeapLine) => h.type + (h.lfh ? " + LFH" : "") },
        { header: "Blocks", align: "right", value: (h: HeapLine) => groupDigits(h.blocks) },
        { header: "Bytes", align: "right", value: (h: HeapLine) => sizeText(h.bytes) },
        // The full wording is the Layout: line after the answer (and the Heaps records); here one word.
        { header: "Layout", value: (h: HeapLine) => (/^32-bit \(WOW64\)/.test(h.layout) ? "32-bit (WOW64), " : "") + (/built-in/i.test(h.layout) ? "built-in" : /symbols/i.test(h.layout) ? "symbols" : h.layout ? "see Heaps[].Layout" : "-") },
      ],
      heaps,
      "  ",
    ),
  );
  if (notWalked.length) {
    lines.push("Not walked (the rest of each heap is listed):");
    for (const n of notWalked) lines.push("  heap " + n.heap + ": " + n.part + (n.address ? " at " + n.address : "") + ": " + n.reason);
  }
  return lines;
}

export function reportLines(v: LeakReportView): string[] {
  let lines = answerLines(v);
  lines = lines.concat(v.layoutLines, v.notes);
  if (v.shown.length) lines = lines.concat([""], groupTable(v));
  const stacks = stackLines(v);
  if (stacks.length) lines = lines.concat([""], stacks);
  lines = lines.concat([""], heapLines(v.heaps, v.notWalked));
  const next = nextBlock(v.next);
  if (next.length) lines = lines.concat([""], next);
  return lines;
}
