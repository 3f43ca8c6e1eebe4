// kd> !unloadleaks
// kd> !unloadleaks "test.sys"
// A driver unloaded without freeing its pool (bugcheck 0xC4, Arg1 0x62): every outstanding verifier-tracked
// allocation with its caller's symbol and source line. Without an argument it reads the bugcheck (Arg2 the driver's
// name, Arg3 its _VF_TARGET_VERIFIED_DRIVER_DATA, Arg4 the count); with a driver name it lists that driver's
// allocations from `!verifier 3` (a live session, before the unload). Seed article 002.
import { workLimit, raiseHint } from "../core/limits";
import { Progress, countOf } from "../core/progress";
import { layoutNote, nextBlock, sizeText, NextStep } from "../render/report";
import { BufferedPrinter } from "../core/repeat";
import { Command, CommandContext } from "./command";
import { Address } from "../core/address";
import { argKind, describeArg } from "../core/args";
import { limits } from "../core/limits";
import { messages } from "../core/messages";
import { Unreadable } from "../core/missing";
import { formatSource, moduleOffsetName } from "../core/symbol-line";
import { fileNameArg, SafeArg } from "../core/validate";
import { groupDigits, hex, plural } from "../render/format";
import { renderTable } from "../render/table";
import { isBugCheck, readBugCheck, BugCheck } from "../bugcheck/data";
import { isLayoutMissing, resolveLayout } from "../layouts/resolve";
import { VF_TARGET_VERIFIED_DRIVER_DATA, VI_POOL_ENTRY_INUSE } from "../layouts/verifier";
import { readVerifiedDriverData, verifierLimits, VerifierAllocation, WalkProblem } from "../verifier/pool";
import { readWideName } from "../verifier/name";
import { parseVerifierOutput, VerifierTextAllocation } from "../verifier/text";
import { functionOf, groupBy, likelyWrapper, Group } from "../verifier/groups";
import { MAX_WRAPPER_OFFSET, wrapperStartOf, scanWrapperCallers, isScanFailure, attributeTags, CallSite, TagAttribution, WrapperScan } from "../verifier/wrapper-callers";
import type { Target } from "../host/target";

/** From this many allocations, or this many distinct callers to symbolize (one `u` round trip each), the command
 *  prints progress every 10%. */
const LARGE_ALLOCATION_COUNT = 2000;
const LARGE_CALLER_COUNT = 50;

export interface UnloadLeak {
  Address: Address;
  Size: number;
  Tag: string;
  Caller: Address;
  CallerSymbol: string;
  /** `e:\driver\test\test.c:20`, or a note that line information is not available. */
  Source: string;
  /** CallerSymbol without its offset: `drv!MyAlloc`. */
  CallerFunction: string;
  Driver: string;
  /** For an allocation made through a likely wrapper: the call sites of the wrapper that pass its tag (or, for a tag
   *  the wrapper writes itself, those that pass none), by symbol. Inferred from the driver's code, not recorded;
   *  empty when nothing matched. */
  WrapperCallers: string[];
  toString(): string;
}

const BUGCHECK_DRIVER_VERIFIER = 0xc4;
const SUBCODE_UNLOAD_LEAKS = 0x62;

export const unloadleaksCommand: Command = {
  name: "unloadleaks",
  usage: '!unloadleaks ["drv.sys"]',
  summary: "Pool a driver left allocated at unload (bugcheck 0xC4/0x62): caller and source line",
  resultNoun: ["allocation", "allocations"],
  quietRepeats: true,
  keepsResult: true,
  help: {
    arguments: [{ name: '"drv.sys"', text: "optional: the driver's file name, quoted; without it, the driver the 0xC4/0x62 bugcheck names" }],
    records: [
      { name: "Allocations", text: "one per allocation not freed: Address, Size, Tag, Caller (a return address), CallerSymbol, CallerFunction, Source, Driver, WrapperCallers" },
      { name: "Driver, Count, Bytes", text: "the driver and the allocations' count and bytes" },
    ],
    examples: [
      { command: "!unloadleaks", text: "on a 0xC4/0x62 dump: what the unloaded driver left" },
      { command: '!unloadleaks "test.sys"', text: "live, with Driver Verifier on the driver: its outstanding allocations" },
      { command: 'dx @$unloadleaks().Allocations.Where(a => a.Tag == "test").Sum(a => a.Size)', text: "bytes of one tag" },
    ],
  },
  run(ctx, args) {
    // The answer leads (output conventions 1): the walk's lines are kept and printed after it.
    const details = new BufferedPrinter(ctx.out);
    const records = findLeaks({ target: ctx.target, out: details }, args);
    if (records.length === 0) {
      ctx.out.lines(details.buffer);
      return undefined;
    }
    const driver = records[0].Driver;
    const bytes = records.reduce((n, r) => n + r.Size, 0);
    const bySite = groupBy(records, (r) => r.CallerSymbol);
    const top = records.filter((r) => r.CallerSymbol === bySite[0].key)[0];
    const tags = groupBy(records, (r) => r.Tag).map((g) => "'" + g.key + "'");
    ctx.out.line(
      shownName(driver) + " left " + plural(records.length, "allocation") + " not freed at unload, " + sizeText(bytes) +
        " (tag" + (tags.length === 1 ? " " : "s ") + tags.slice(0, 4).join(", ") + (tags.length > 4 ? " and " + (tags.length - 4) + " more" : "") + ")" +
        "; the largest call site: " + top.CallerSymbol + (/:\d+$/.test(top.Source) ? " (" + top.Source + ")" : "") + ".",
    );
    ctx.out.lines(details.buffer);
    return {
      Driver: driver,
      Count: records.length,
      Bytes: bytes,
      Allocations: records,
      toString: () => shownName(driver) + ": " + plural(records.length, "allocation") + " not freed, " + sizeText(bytes),
    };
  },
};

function findLeaks(ctx: CommandContext, args: unknown[]): UnloadLeak[] {
    const { target, out } = ctx;
    if (!target.isKernel) {
      out.line(messages.needsKernel("unloadleaks"));
      return [];
    }
    const kind = argKind(args[0]);
    if (args.length > 1 || (kind !== "missing" && kind !== "string")) {
      out.line(messages.unloadleaksUsage(args.length > 1 ? args.length + " arguments" : describeArg(args[0])));
      return [];
    }
    let requested: SafeArg | null = null;
    if (kind === "string") {
      requested = fileNameArg(args[0] as string);
      if (!requested) {
        out.line(messages.unloadleaksBadName("given", shownName(args[0] as string)));
        return [];
      }
    }
    const bug = readBugCheck(target);
    const isUnloadLeak = isBugCheck(bug) && bug.code === BUGCHECK_DRIVER_VERIFIER && bug.parameters[0].equals(new Address(0, SUBCODE_UNLOAD_LEAKS));
    if (isUnloadLeak) return fromBugCheck(ctx, bug as BugCheck, requested);
    if (requested) {
      const reason = (bug as { reason?: string }).reason;
      if (reason && /unreadable/.test(reason)) out.line(messages.unloadleaksBugcheckUnreadable(reason));
      out.line(messages.unloadleaksLiveAvl());
      return fromText(ctx, requested);
    }
    if (isBugCheck(bug)) out.line(messages.unloadleaksOtherBugcheck(hex(bug.code).toUpperCase().replace("0X", "0x"), bug.parameters[0].toString()));
    else if ((bug as { kind: string }).kind === "none") out.line(messages.unloadleaksNoBugcheck());
    else out.line(messages.unloadleaksBugcheckUnavailable((bug as { reason: string }).reason));
    return [];
}

function fromBugCheck(ctx: CommandContext, bug: BugCheck, requested: SafeArg | null): UnloadLeak[] {
  const { target, out } = ctx;
  const [, nameAt, dataAt, countArg] = bug.parameters;
  const name = readWideName(target, nameAt);
  let driver: string;
  if (name instanceof Unreadable) {
    out.line(messages.unloadleaksNameUnreadable(name.describe(target.pointerSize)));
    driver = "(unreadable name)";
  } else {
    driver = name.text;
    if (name.truncated) out.line(messages.unloadleaksNameTruncated(limits.maxTargetString));
  }
  const arg4 = countArg.isSafeNumber ? countArg.toNumber() : -1;
  out.line(messages.unloadleaksBugcheck(bug.source, shownName(driver), groupDigits(arg4)));
  if (requested && requested.toLowerCase() !== driver.toLowerCase()) {
    out.line(messages.unloadleaksOtherDriver(shownName(driver), requested));
    return fromText(ctx, requested);
  }
  const safeName = name instanceof Unreadable ? null : fileNameArg(driver);
  if (!safeName && !(name instanceof Unreadable)) out.line(messages.unloadleaksBadName("read from Arg2", shownName(driver)));
  if (dataAt.isNull) {
    out.line(messages.unloadleaksNoVerifierData(shownName(driver)));
    return [];
  }
  out.line(messages.unloadleaksVerifierData(target.formatAddress(dataAt)));
  const build = target.windowsBuild();
  const typeSource = (m: string, t: string) => target.type(m, t);
  const data = resolveLayout(VF_TARGET_VERIFIED_DRIVER_DATA, typeSource, target.pointerSize, build);
  const entry = resolveLayout(VI_POOL_ENTRY_INUSE, typeSource, target.pointerSize, build);
  if (isLayoutMissing(data) || isLayoutMissing(entry) || data.guessed) {
    out.line(
      isLayoutMissing(data) ? messages.unloadleaksLayoutMissing(data.typeName, data.reason)
      : isLayoutMissing(entry) ? messages.unloadleaksLayoutMissing(entry.typeName, entry.reason)
      : messages.unloadleaksBuildUnknown(),
    );
    return textFallback(ctx, safeName);
  }
  out.lines(layoutNote(data));
  out.lines(layoutNote(entry));
  const walked = readVerifiedDriverData(target, dataAt, data, entry);
  if (walked instanceof Unreadable) {
    out.line(messages.unloadleaksDataUnreadable(walked.describe(target.pointerSize)));
    return textFallback(ctx, safeName);
  }
  for (const p of walked.problems) out.line(messages.unloadleaksWalkProblem(describeProblem(p, target)));
  const allocations = walked.allocations;
  out.line(messages.unloadleaksWalk(walked.pagesWalked, allocations.length));
  const c = walked.counters;
  const countedBytes = allocations.reduce((n, a) => n + a.size, 0);
  const counterAllocations = c.pagedAllocations + c.nonPagedAllocations;
  const counterBytes = c.pagedBytes + c.nonPagedBytes;
  if (counterAllocations !== allocations.length || counterBytes !== countedBytes) {
    out.line(messages.unloadleaksCountersDiffer(allocations.length, countedBytes, counterAllocations, counterBytes));
  }
  if (arg4 !== allocations.length) out.line(messages.unloadleaksArg4Differs(arg4, allocations.length));
  return render(ctx, driver, allocations);
}

function textFallback(ctx: CommandContext, name: SafeArg | null): UnloadLeak[] {
  if (!name) {
    ctx.out.line(messages.unloadleaksFallbackRefused());
    return [];
  }
  return fromText(ctx, name);
}

function fromText(ctx: CommandContext, name: SafeArg): UnloadLeak[] {
  const { target, out } = ctx;
  out.line(messages.unloadleaksFallback(name));
  const result = target.executeCommand("!verifier 3", name);
  if (result.error) {
    out.line(messages.unloadleaksCommandFailed("!verifier 3 " + name, result.error));
    return [];
  }
  const report = parseVerifierOutput(result.lines, name, verifierLimits.maxAllocations);
  if (report.skippedRows) out.line(messages.unloadleaksSkippedRows(report.skippedRows));
  if (!report.driverListed && report.allocations.length === 0) {
    out.line(messages.unloadleaksNotListed(name));
    return [];
  }
  if (report.driverState && /unloaded/i.test(report.driverState)) out.line(messages.unloadleaksTextDriverState(name, report.driverState));
  return render(ctx, name, report.allocations);
}

function render(ctx: CommandContext, driver: string, allocations: VerifierAllocation[]): UnloadLeak[] {
  const { target, out } = ctx;
  if (allocations.length === 0) {
    out.line(messages.unloadleaksNone(shownName(driver)));
    return [];
  }
  const symbolized = symbolizeAll(target, driver, allocations, out);
  const records = symbolized.records;
  const total = records.reduce((n, r) => n + r.Size, 0);
  out.line("");
  out.line(plural(records.length, "outstanding allocation") + " of " + shownName(driver) + ", " + sizeText(total) + ":");
  out.lines(
    renderTable<UnloadLeak>(
      [
        { header: "Address", value: (r) => target.formatAddress(r.Address) },
        { header: "Size", align: "right", value: (r) => hex(r.Size) },
        { header: "Tag", value: (r) => r.Tag },
        { header: "Caller", value: (r) => target.formatAddress(r.Caller) },
        { header: "CallerSymbol", value: (r) => r.CallerSymbol },
        { header: "Source", value: (r) => r.Source },
      ],
      records,
    ),
  );
  const siteOf = (r: UnloadLeak) => (r.CallerSymbol === messages.unloadleaksNoSymbol() ? target.formatAddress(r.Caller) : r.CallerSymbol);
  const byCaller = groupBy(records, siteOf);
  printGroups(ctx, "By tag", "Tag", groupBy(records, (r) => r.Tag));
  printGroups(ctx, "By call site", "CallerSymbol", byCaller);
  printGroups(ctx, "By caller function", "CallerFunction", groupBy(records, (r) => r.CallerFunction));
  const wrapper = likelyWrapper(byCaller, records.length);
  let callers: WrapperCallers | null = null;
  if (wrapper) {
    // A failure here loses the callers, not the list above: caught at this boundary and said.
    try {
      callers = wrapperCallers(ctx, wrapper.key, records, symbolized.commands);
    } catch (e) {
      for (const r of records) r.WrapperCallers = [];
      callers = { wrapperName: "", wrapperStart: new Address(0, 0), offset: 0, attributions: null, reason: messages.unloadleaksWrapperFailed(String(e)), scan: null, unmatched: [], siteName: () => "", sitesNotSymbolized: 0, sitesSymbolized: 0 };
    }
  }
  out.line("");
  out.line(!wrapper ? messages.unloadleaksGrouping() : callers && callers.attributions ? messages.unloadleaksGroupingWrapperCallers() : messages.unloadleaksGroupingWrapperTags());
  if (wrapper) {
    const through = records.filter((r) => siteOf(r) === wrapper.key);
    out.line(messages.unloadleaksWrapper(wrapper.key, wrapper.allocations, records.length, target.formatAddress(through[0].Address)));
    if (callers && callers.attributions) {
      printWrapperCallers(ctx, callers);
    } else {
      if (callers) out.line(callers.reason);
      printGroups(ctx, "Through " + wrapper.key + ", by the tag its callers passed", "Tag", groupBy(through, (r) => r.Tag));
    }
    out.line("");
  }
  out.line(messages.unloadleaksSymbolsNote(callers ? callers.sitesSymbolized : 0));
  out.lines(nextBlock(nextCommands(target, driver, records, byCaller[0].key, siteOf)));
  return records;
}

interface WrapperCallers {
  /** `drv!MyAlloc`. */
  wrapperName: string;
  wrapperStart: Address;
  offset: number;
  /** Null when the callers could not be found; `reason` says why. */
  attributions: TagAttribution[] | null;
  reason: string;
  scan: WrapperScan | null;
  /** Sites whose tag no outstanding allocation has. */
  unmatched: CallSite[];
  siteName: (site: CallSite) => string;
  sitesNotSymbolized: number;
  /** `u` commands run for call sites. */
  sitesSymbolized: number;
}

/**
 * The wrapper's callers, found by scanning the driver for calls to the wrapper's start (caller - offset from the
 * caller's symbol) and matched to the wrapper's allocations by the tag each call site passes. Sets WrapperCallers on
 * the matched records. `commandsUsed` is the `u` commands already run, counted against maxSymbolizedCallers.
 */
function wrapperCallers(ctx: CommandContext, wrapperKey: string, records: UnloadLeak[], commandsUsed: number): WrapperCallers {
  const { target } = ctx;
  const start = wrapperStartOf(wrapperKey);
  const result: WrapperCallers = { wrapperName: "", wrapperStart: new Address(0, 0), offset: 0, attributions: null, reason: "", scan: null, unmatched: [], siteName: () => "", sitesNotSymbolized: 0, sitesSymbolized: 0 };
  if (!start) {
    result.reason = messages.unloadleaksWrapperNoSymbols(wrapperKey);
    return result;
  }
  const inWrapper = records.filter((r) => r.CallerFunction === start.name);
  const wrapperRecord = records.filter((r) => r.CallerSymbol === wrapperKey)[0];
  result.wrapperName = start.name;
  result.offset = start.offset;
  result.wrapperStart = wrapperRecord.Caller.subtract(start.offset);
  // How far into the wrapper its allocations return: its bytes before that may write a tag of their own.
  const bodyEnd = Math.min(MAX_WRAPPER_OFFSET, inWrapper.reduce((n, r) => Math.max(n, r.Caller.distanceFrom(result.wrapperStart) || 0), start.offset));
  const known = new Set(inWrapper.map((r) => r.Tag));
  const scan = scanWrapperCallers(target, result.wrapperStart, bodyEnd, known);
  if (isScanFailure(scan)) {
    result.reason =
      scan.kind === "notInModule"
        ? messages.unloadleaksWrapperNoModule(start.name, target.formatAddress(result.wrapperStart))
        : messages.unloadleaksWrapperImageUnreadable(start.name, shownName(scan.module.fileName), scan.reason);
    return result;
  }
  result.scan = scan;
  const attributions = attributeTags(groupBy(inWrapper, (r) => r.Tag), scan);
  result.unmatched = scan.sites.filter((s) => s.tag !== null && !known.has(s.tag));
  // One `u` per distinct listed call site, within what maxSymbolizedCallers leaves after the allocations' callers.
  const budget = Math.max(0, workLimit("maxSymbolizedCallers") - commandsUsed);
  const names = new Map<number, string>();
  const moduleName = shownName(scan.module.name);
  const nameOf = (site: CallSite): string => {
    const cached = names.get(site.rva);
    if (cached !== undefined) return cached;
    let name = moduleName + "+0x" + site.rva.toString(16);
    if (names.size < budget) {
      result.sitesSymbolized++;
      const s = target.symbolize(scan.module.base.add(site.rva));
      if (s.symbol) name = s.symbol;
    } else {
      result.sitesNotSymbolized++;
    }
    if (site.kind === "jmp") name += " (jmp)";
    names.set(site.rva, name);
    return name;
  };
  for (const a of attributions) {
    const sites = a.passedBy.concat(a.passingNoTag);
    const symbols = sites.map(nameOf);
    for (const r of inWrapper) if (r.Tag === a.tag) r.WrapperCallers = symbols.slice();
  }
  result.siteName = nameOf;
  result.attributions = attributions;
  return result;
}

function printWrapperCallers(ctx: CommandContext, w: WrapperCallers): void {
  const { target, out } = ctx;
  const scan = w.scan!;
  out.line("");
  out.line(messages.unloadleaksWrapperCallersHeader(w.wrapperName, shownName(scan.module.fileName)));
  for (const a of w.attributions!) {
    const head = "  tag '" + a.tag + "' - " + plural(a.allocations, "allocation") + ", " + sizeText(a.bytes) + " - ";
    const parts: string[] = [];
    if (a.passedBy.length) {
      parts.push("passed to " + w.wrapperName + " by " + a.passedBy.map(w.siteName).join(", ") + (a.passedBy.length > 1 ? " (" + a.passedBy.length + " call sites; how the allocations split between them is unknown)" : ""));
    }
    if (a.hardCodedAt.length) {
      const where = a.hardCodedAt.map((rva) => w.wrapperName + "+0x" + (rva - scan.startRva).toString(16)).join(", ");
      parts.push(
        "written by " + w.wrapperName + " itself (at " + where + "); " +
          (a.passingNoTag.length ? "call sites that pass no tag: " + a.passingNoTag.map(w.siteName).join(", ") : "no call site passes it none"),
      );
    }
    if (parts.length === 0) parts.push(messages.unloadleaksWrapperTagNotFound(w.wrapperName));
    out.line(head + parts.join("; "));
  }
  const calls = scan.sites.filter((s) => s.kind === "call").length;
  const jumps = scan.sites.length - calls;
  const noTag = scan.sites.filter((s) => s.tag === null).length;
  const hardCoded = scan.hardCoded.length > 0;
  out.line(
    messages.unloadleaksWrapperScan(
      w.wrapperName, target.formatAddress(w.wrapperStart), hex(w.offset), scan.sections.join(", "), scan.bytesScanned, scan.sites.length, calls, jumps,
    ),
  );
  if (scan.sitesNotKept) out.line(messages.unloadleaksWrapperSitesCap(scan.sites.length, scan.sitesNotKept));
  if (scan.bytesUnreadable) out.line(messages.unloadleaksWrapperPartlyUnreadable(scan.bytesUnreadable));
  if (noTag && !hardCoded) out.line(messages.unloadleaksWrapperNoTagSites(noTag, w.wrapperName));
  if (w.unmatched.length) {
    const tags = w.unmatched.map((s) => "'" + s.tag + "'").filter((t, i, all) => all.indexOf(t) === i);
    out.line(messages.unloadleaksWrapperUnmatched(w.unmatched.length, tags.join(", ")));
  }
  if (w.sitesNotSymbolized) out.line(messages.unloadleaksWrapperSitesNotSymbolized(w.sitesNotSymbolized, workLimit("maxSymbolizedCallers")));
}

/** Commands to copy: the code of the largest call site, the bytes of the largest allocation, the verifier's report. */
function nextCommands(target: Target, driver: string, records: UnloadLeak[], topSite: string, siteOf: (r: UnloadLeak) => string): NextStep[] {
  const atTopSite = records.filter((r) => siteOf(r) === topSite)[0];
  const largest = records.reduce((a, b) => (b.Size > a.Size ? b : a));
  // Caller is a return address: ub shows the instructions before it, the call that allocated.
  const steps: NextStep[] = [
    { command: "ub " + target.formatAddress(atTopSite.Caller) + " L8", why: "the call at the largest call site (Caller is the return address after it)" },
    { command: "db " + target.formatAddress(largest.Address) + " L" + hex(Math.min(largest.Size, 0x100)), why: "the largest allocation's bytes" },
  ];
  // Only a name that passed the file-name check is offered as a command, even as text to copy.
  const safe = fileNameArg(driver);
  if (safe) steps.push({ command: "!verifier 3 " + safe, why: "the verifier's own report" });
  return steps;
}

function printGroups(ctx: CommandContext, title: string, keyHeader: string, groups: Group[]): void {
  ctx.out.line("");
  ctx.out.line(title + " (largest first):");
  ctx.out.lines(
    renderTable<Group>(
      [
        { header: "Bytes", align: "right", value: (g) => sizeText(g.bytes) },
        { header: "Allocations", align: "right", value: (g) => groupDigits(g.allocations) },
        { header: keyHeader, value: (g) => g.key },
      ],
      groups,
      "  ",
    ),
  );
}

/** The records, and how many `u` commands were run for them. */
function symbolizeAll(target: Target, driver: string, allocations: VerifierAllocation[], out: CommandContext["out"]): { records: UnloadLeak[]; commands: number } {
  // Distinct caller addresses symbolized per run: the maxSymbolizedCallers work limit.
  const maxCallers = workLimit("maxSymbolizedCallers");
  const seen = new Map<string, { symbol: string; source: string }>();
  const callers = new Set<string>();
  for (const a of allocations) callers.add(a.caller.key);
  const large = allocations.length >= LARGE_ALLOCATION_COUNT || Math.min(callers.size, maxCallers) >= LARGE_CALLER_COUNT;
  const progress = new Progress(out, "Symbolizing callers", allocations.length, large, countOf("allocations"));
  let skipped = 0;
  const records: UnloadLeak[] = [];
  // Without a symbol from `u`: the one !verifier printed after the caller's address (an unloaded driver's code no
  // longer symbolizes), else module+offset as WinDbg names it, else "(no symbol)".
  let namedByText = 0;
  const fallbackName = (a: VerifierAllocation): string => {
    const printed = (a as Partial<VerifierTextAllocation>).callerSymbol;
    if (printed) namedByText++;
    return printed || moduleOffsetName(a.caller, target.modules()) || messages.unloadleaksNoSymbol();
  };
  for (const a of allocations) {
    progress.update(records.length);
    let known = seen.get(a.caller.key);
    if (!known) {
      if (seen.size < maxCallers) {
        const s = target.symbolize(a.caller);
        known = { symbol: s.symbol || fallbackName(a), source: formatSource(s) || messages.unloadleaksNoLines() };
        seen.set(a.caller.key, known);
      } else {
        skipped++;
        known = { symbol: fallbackName(a), source: messages.unloadleaksNoLines() };
      }
    }
    const text = target.formatAddress(a.address) + " " + hex(a.size) + " " + a.tag + " " + known.symbol;
    records.push({
      Address: a.address,
      Size: a.size,
      Tag: a.tag,
      Caller: a.caller,
      CallerSymbol: known.symbol,
      Source: known.source,
      // module+offset names a place, not a function: it stays whole.
      CallerFunction: known.symbol === messages.unloadleaksNoSymbol() ? target.formatAddress(a.caller) : known.symbol.indexOf("!") < 0 ? known.symbol : functionOf(known.symbol),
      Driver: driver,
      WrapperCallers: [],
      toString: () => text,
    });
  }
  if (skipped) out.line(messages.unloadleaksSymbolCap(maxCallers, skipped));
  if (namedByText) out.line(messages.unloadleaksSymbolsFromText(namedByText));
  return { records, commands: seen.size };
}

function describeProblem(p: WalkProblem, target: Target): string {
  switch (p.kind) {
    case "unreadablePage":
      return "the tracking page at " + target.formatAddress(p.address) + " is unreadable";
    case "cycle":
      return "the page list loops back to " + target.formatAddress(p.address);
    case "misalignedPage":
      return "the page list points at " + target.formatAddress(p.address) + ", which is not a page";
    case "pageLimit":
      return "more than " + p.limit + " tracking pages";
    case "allocationLimit":
      return "more than " + p.limit + " allocations (maxAllocations; " + raiseHint("maxAllocations") + ")";
  }
}

function shownName(name: string): string {
  const s = name.length > 40 ? name.slice(0, 40) + "..." : name;
  // Driver names are ASCII file names; anything else (controls, bidi overrides) is shown as `?`.
  return s.replace(/[^\x20-\x7e]/g, "?");
}
