// kd> !findimporter "ExAllocatePool"
// Which loaded modules import a function - by name, by IAT value - and whether the slot was redirected.
// Also: !findimporter "nt!ExAllocatePool*", !findimporter 0xe0894d1f, !findimporter ExAllocatePool (a bare symbol).
import { Command } from "./command";
import { plural } from "../render/format";
import { nextBlock, NextStep } from "../render/report";
import { messages } from "../core/messages";
import { renderTable } from "../render/table";
import { findImporters, parseImporterQuery, ImportMatch, ImporterResult } from "../pe/importers";
import { workLimit } from "../core/limits";
import { Progress, countOf } from "../core/progress";
import type { Target } from "../host/target";

/** Modules from which the search prints progress every 10%. */
const LARGE_MODULE_COUNT = 100;

/** Importers named in the answer line; the table lists them all. */
const IMPORTERS_NAMED = 5;

export const findimporterCommand: Command = {
  name: "findimporter",
  usage: '!findimporter "Function"',
  summary: "Modules that import a function (by name or IAT value), redirected slots",
  resultNoun: ["import", "imports"],
  quietRepeats: true,
  keepsResult: true,
  help: {
    arguments: [
      { name: '"Function"', text: 'a function name, quoted: "ExAllocatePool", "nt!ExAllocatePool" (module-qualified), "ExAllocatePool*" (a pattern)' },
      { name: "address", text: "or a function's address, typed 0xfffff80712345678 (dx needs the 0x): slots holding that value" },
    ],
    records: [
      { name: "Importers", text: "one per import slot: Module, ModuleBase, ModuleEnd, Function, ImportedFrom, ByOrdinal, Ordinal, DelayLoad, IatAddress, Target, TargetModule, Redirected, NotYetResolved, MatchedBy, NamesReadable" },
      { name: "Count, Redirected", text: "slots found, and how many of them point outside the exporting module" },
      { name: "NotExamined", text: "modules whose import tables could not be read: Module, Base, Reason" },
    ],
    examples: [
      { command: '!findimporter "ExAllocatePool"', text: "every driver that imports it" },
      { command: '!findimporter "nt!ExAllocatePool*"', text: "every ExAllocatePool variant" },
      { command: 'dx @$findimporter("ExAllocatePool").Importers.Where(i => i.Redirected)', text: "hooked slots only" },
    ],
  },
  run(ctx, args) {
    const query = parseImporterQuery(args[0]);
    if ("kind" in query) {
      ctx.out.line(messages.findimporterUsage(query.tried));
      return undefined;
    }
    // Each module costs a few round trips over KDNET; from 100 modules on the search prints 10% steps.
    let progress: Progress | null = null;
    const result = findImporters(ctx.target, query, (done, total) => {
      if (!progress) progress = new Progress(ctx.out, "Examining modules", total, total >= LARGE_MODULE_COUNT, countOf("modules"));
      progress.update(done);
    });
    if ("kind" in result) {
      ctx.out.line(messages.findimporterUsage(result.tried));
      return undefined;
    }
    const total = ctx.target.modules().length;
    if (total === 0) {
      ctx.out.line(messages.noModules());
      return undefined;
    }
    if (result.matches.length === 0 && result.functions.length === 0 && !query.isWildcard && query.name) {
      const tried = query.module ? query.module + "!" + query.name : ctx.target.isKernel ? "nt!" + query.name : query.name;
      ctx.out.line(messages.findimporterUnresolved('"' + query.text + '"', tried));
      printTrailer(ctx.target, result, (l) => ctx.out.line(l));
      return undefined;
    }
    const what = describeQuery(ctx.target, result);
    const shownQuery = query.address && !query.name ? "0x" + query.address.toHex() : query.text;
    // The answer: who imports it, and whether a slot was redirected.
    if (result.matches.length === 0) ctx.out.line(messages.findimporterNoMatch(shownQuery, result.examined));
    else {
      const modules: string[] = [];
      for (const m of result.matches) if (modules.indexOf(m.Module) < 0) modules.push(m.Module);
      const redirected = result.matches.filter((m) => m.Redirected).length;
      ctx.out.line(
        shownQuery + ": imported by " + plural(modules.length, "module") + " (" + modules.slice(0, IMPORTERS_NAMED).join(", ") +
          (modules.length > IMPORTERS_NAMED ? " and " + (modules.length - IMPORTERS_NAMED) + " more" : "") + ")" +
          (redirected ? "; " + plural(redirected, "slot") + " REDIRECTED (Redirected = YES below)" : "; no slot redirected") + ".",
      );
    }
    ctx.out.line(messages.findimporterLooking(what, result.examined, total));
    for (const group of groupByFunction(result.matches)) {
      ctx.out.line("");
      ctx.out.line(group.name + ": " + plural(group.rows.length, "importer"));
      ctx.out.lines(table(ctx.target, group.rows));
    }
    printTrailer(ctx.target, result, (l) => ctx.out.line(l));
    ctx.out.lines(nextBlock(nextSteps(ctx.target, result.matches)));
    const matches = result.matches;
    const redirectedCount = matches.filter((m) => m.Redirected).length;
    return {
      Query: shownQuery,
      Count: matches.length,
      Redirected: redirectedCount,
      Importers: matches,
      NotExamined: result.notExamined.map((n) => ({ Module: n.Module, Base: n.Base, Reason: n.Reason, toString: () => n.Module + ": " + n.Reason })),
      toString: () => plural(matches.length, "import slot") + " of " + shownQuery + (redirectedCount ? ", " + redirectedCount + " redirected" : ""),
    };
  },
};

/** Built from addresses only: a module name read from the target never reaches a command line. */
function nextSteps(target: Target, matches: ImportMatch[]): NextStep[] {
  if (matches.length === 0) return [];
  const redirected = matches.filter((m) => m.Redirected)[0];
  const first = redirected || matches[0];
  const steps: NextStep[] = [];
  if (redirected && redirected.Target) steps.push({ command: "u " + target.formatAddress(redirected.Target) + " L8", why: "the code the redirected slot of " + redirected.Module + " points to" });
  steps.push({ command: "dps " + target.formatAddress(first.IatAddress) + " L1", why: "the slot of " + first.Module + " and where it points" });
  steps.push({ command: "lm v a " + target.formatAddress(first.ModuleBase), why: first.Module + "'s path, version and timestamp" });
  return steps;
}

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
