// kd> !findimporter "ExAllocatePool"
// Which loaded modules import a function - by name, by IAT value - and whether the slot was redirected.
// Also: !findimporter "nt!ExAllocatePool*", !findimporter 0xe0894d1f, !findimporter ExAllocatePool (a bare symbol).
import { Command } from "./command";
import { messages } from "../core/messages";
import { renderTable } from "../render/table";
import { findImporters, parseImporterQuery, ImportMatch, ImporterResult } from "../pe/importers";
import { workLimit } from "../core/limits";
import { Progress, countOf } from "../core/progress";
import type { Target } from "../host/target";

/** Modules from which the search prints progress every 10%. */
const LARGE_MODULE_COUNT = 100;

export const findimporterCommand: Command = {
  name: "findimporter",
  usage: '!findimporter "Function"',
  summary: "Modules that import a function (by name or IAT value), redirected slots",
  resultNoun: ["import", "imports"],
  quietRepeats: true,
  keepsResult: true,
  run(ctx, args) {
    const query = parseImporterQuery(args[0]);
    if ("kind" in query) {
      ctx.out.line(messages.findimporterUsage(query.tried));
      return [];
    }
    // Each module costs a few round trips over KDNET; from 100 modules on the search prints 10% steps.
    let progress: Progress | null = null;
    const result = findImporters(ctx.target, query, (done, total) => {
      if (!progress) progress = new Progress(ctx.out, "Examining modules", total, total >= LARGE_MODULE_COUNT, countOf("modules"));
      progress.update(done);
    });
    if ("kind" in result) {
      ctx.out.line(messages.findimporterUsage(result.tried));
      return [];
    }
    const total = ctx.target.modules().length;
    if (total === 0) {
      ctx.out.line(messages.noModules());
      return [];
    }
    if (result.matches.length === 0 && result.functions.length === 0 && !query.isWildcard && query.name) {
      const tried = query.module ? query.module + "!" + query.name : ctx.target.isKernel ? "nt!" + query.name : query.name;
      ctx.out.line(messages.findimporterUnresolved('"' + query.text + '"', tried));
      printTrailer(ctx.target, result, (l) => ctx.out.line(l));
      return [];
    }
    const what = describeQuery(ctx.target, result);
    ctx.out.line(messages.findimporterLooking(what, result.examined, total));
    if (result.matches.length === 0) ctx.out.line(messages.findimporterNoMatch(query.address && !query.name ? ctx.target.formatAddress(query.address) : query.text, result.examined));
    for (const group of groupByFunction(result.matches)) {
      ctx.out.line("");
      ctx.out.line(group.name + ": " + group.rows.length + (group.rows.length === 1 ? " importer" : " importers"));
      ctx.out.lines(table(ctx.target, group.rows));
    }
    printTrailer(ctx.target, result, (l) => ctx.out.line(l));
    return result.matches;
  },
};

function describeQuery(target: Target, result: ImporterResult): string {
  const q = result.query;
  const resolved = result.functions.map((f) => (f.name ? f.display + " at " : "") + target.formatAddress(f.address));
  if (q.isWildcard) return '"' + q.text + '"' + (resolved.length ? " (" + resolved.length + " resolved to addresses)" : "");
  if (resolved.length) return resolved.join(", ");
  return '"' + q.text + '" (by name only: no address resolved)';
}

function groupByFunction(matches: ImportMatch[]): { name: string; rows: ImportMatch[] }[] {
  const groups: { name: string; rows: ImportMatch[] }[] = [];
  for (const m of matches) {
    const last = groups[groups.length - 1];
    if (last && last.name === m.Function) last.rows.push(m);
    else groups.push({ name: m.Function, rows: [m] });
  }
  return groups;
}

function table(target: Target, rows: ImportMatch[]): string[] {
  const f = (a: ImportMatch["ModuleBase"] | null) => (a ? target.formatAddress(a) : "?");
  return renderTable(
    [
      { header: "start", value: (m: ImportMatch) => f(m.ModuleBase) },
      { header: "end", value: (m: ImportMatch) => f(m.ModuleEnd) },
      { header: "module name", value: (m: ImportMatch) => m.Module },
      { header: "ImportedFrom", value: (m: ImportMatch) => m.ImportedFrom },
      { header: "Import", value: (m: ImportMatch) => (!m.NamesReadable ? "unknown" : m.ByOrdinal ? "ordinal " + m.Ordinal : "name") + (m.DelayLoad ? ", delay-load" : "") },
      { header: "IatAddress", value: (m: ImportMatch) => f(m.IatAddress) },
      { header: "Target", value: (m: ImportMatch) => f(m.Target) + (m.TargetModule ? " (" + m.TargetModule + ")" : "") },
      { header: "Redirected", value: (m: ImportMatch) => (m.Redirected ? "YES" : m.NotYetResolved ? "not yet resolved" : "no") },
      { header: "MatchedBy", value: (m: ImportMatch) => m.MatchedBy },
    ],
    rows,
  );
}

function printTrailer(target: Target, result: ImporterResult, line: (text: string) => void): void {
  const unresolved = result.matches.filter((m) => m.NotYetResolved).length;
  if (unresolved) {
    line("");
    line(messages.findimporterNotYetResolved(unresolved));
  }
  if (result.namesUnreadable.length) {
    line("");
    line(messages.findimporterNamesUnreadable(result.namesUnreadable.join(", ")));
  }
  if (result.notExamined.length) {
    line("");
    line(messages.findimporterNotExamined());
    for (const n of result.notExamined) line("  " + target.formatAddress(n.Base) + "  " + n.Module + ": " + n.Reason);
  }
  if (result.problems.length) {
    line("");
    line(messages.findimporterProblems());
    for (const p of result.problems) line("  " + p.Module + ": " + p.Problem);
  }
  if (result.skippedModules > 0) line(messages.findimporterTooManyModules(result.skippedModules, workLimit("maxModules")));
}
