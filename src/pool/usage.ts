// Tag usage for the pool commands: the tracker tables when nt's symbols have them, `!poolused 2` output otherwise;
// descriptions from the debugger's pooltag.txt and the user's `!pooltagfile`.
import type { Target } from "../host/target";
import { messages } from "../core/messages";
import { numberArg, SafeArg } from "../core/validate";
import { readPoolTracker, TagUsage } from "./tracker";
import { parsePoolused } from "./poolused";
import { parsePoolTagFile, poolTagPathsFromChain, TagDescriptions, TRIAGE_POOLTAG_PATHS } from "./pooltag-file";
import { sessionState } from "./session-state";
import { ResolvedLayout } from "../layouts/types";
import { groupDigits } from "../render/format";
import { limits } from "../core/limits";
import { readTextLines } from "../snapshot/file";

export interface UsageRead {
  rows: TagUsage[];
  /** The tracker's layout, for the short provenance line (render/report.ts layoutNote); null from !poolused. */
  layout: ResolvedLayout | null;
  /** Lines for the user: which layout and tables, or that !poolused was parsed instead. */
  notes: string[];
  problems: string[];
  fromPoolused: boolean;
  /** Descriptions !poolused printed, by tag (fallback only). */
  poolusedDescriptions: Map<string, string>;
  /** Set when neither source worked. */
  failure: string | null;
}

export function readTagUsage(target: Target): UsageRead {
  const tracker = readPoolTracker(target);
  if (tracker.kind === "tracker") {
    return {
      rows: tracker.rows,
      layout: tracker.layout,
      notes: [
        (tracker.processorTables === 1
          ? "Read nt!PoolTrackTable (" + groupDigits(tracker.entriesPerTable) + " entries; no per-processor tables)"
          : "Summed nt!PoolTrackTable (" + groupDigits(tracker.entriesPerTable) + " entries) over " + groupDigits(tracker.processorTables) + " processor tables") +
          (tracker.expansionEntries ? " + " + groupDigits(tracker.expansionEntries) + " expansion entries" : "") + ".",
      ],
      problems: tracker.problems,
      fromPoolused: false,
      poolusedDescriptions: new Map(),
      failure: null,
    };
  }
  const out = target.executeCommand("!poolused", numberArg(2) as SafeArg);
  const parsed = out.error ? null : parsePoolused(out.lines);
  const rows = parsed ? parsed.rows : [];
  const descriptions = new Map<string, string>();
  for (const r of rows) descriptions.set(r.usage.tag, r.description);
  const problems: string[] = [];
  if (parsed && parsed.unparsed.length) problems.push(messages.poolusedUnparsed(parsed.unparsed.length, parsed.unparsed[0]));
  return {
    rows: rows.map((r) => r.usage),
    layout: null,
    notes: [messages.poolusedSource(tracker.reason, parsed && parsed.layout ? parsed.layout.columns + " (" + parsed.layout.meaning + ")" : null, parsed ? parsed.glued : false)],
    problems,
    fromPoolused: true,
    poolusedDescriptions: descriptions,
    failure: rows.length
      ? null
      : tracker.reason + (out.error ? "; !poolused 2 failed: " + out.error : parsed && parsed.problem ? "; !poolused 2: " + parsed.problem : "; !poolused 2 printed no rows"),
  };
}

/** The debugger's pooltag.txt (first path that exists) merged with the user's file, which wins. */
export function loadDescriptions(target: Target): { descriptions: TagDescriptions; files: string[] } {
  const descriptions = new TagDescriptions();
  const files: string[] = [];
  for (const path of debuggerPoolTagPaths(target)) {
    const read = readTextLines(path, limits.maxTagFileChars);
    if (read.kind === "lines") {
      parsePoolTagFile(read.lines, descriptions);
      files.push(path);
      break;
    }
  }
  if (sessionState.userPoolTagFile) {
    const read = readTextLines(sessionState.userPoolTagFile, limits.maxTagFileChars);
    if (read.kind === "lines") {
      parsePoolTagFile(read.lines, descriptions);
      files.push(sessionState.userPoolTagFile);
    }
  }
  return { descriptions, files };
}

/**
 * Where the running debugger's triage\pooltag.txt can be: next to the extensions `.chain` lists (the WinDbg app's
 * folder carries its version, so no fixed path finds it), then the fixed Windows Kits places.
 */
export function debuggerPoolTagPaths(target: Target): string[] {
  const chain = target.executeCommand(".chain");
  const fromChain = chain.error ? [] : poolTagPathsFromChain(chain.lines);
  const paths = fromChain.slice();
  for (const p of TRIAGE_POOLTAG_PATHS) if (!paths.some((q) => q.toLowerCase() === p.toLowerCase())) paths.push(p);
  return paths;
}
