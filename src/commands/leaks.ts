// kd> dx @$leaks()
// Watches pool tags grow on a live target: the first call records a baseline, each later call lists the tags whose
// bytes grew since then, with their rate over the target's own clock and a trend over all snapshots.
// dx @$leaks("save", path) and dx @$leaks("compare", path) do the same across sessions and dumps (leaks-file.ts).
import { Command } from "./command";
import { messages } from "../core/messages";
import { describeArg } from "../core/args";
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { u32 } from "../core/bytes";
import { renderTable } from "../render/table";
import { groupDigits, humanBytes } from "../render/format";
import { readUsageSaying } from "../pool/usage-read";
import { TagUsage } from "../pool/tracker";
import { sessionState } from "../pool/session-state";
import { pathOrSay, saveSnapshot, compareSnapshot } from "./leaks-file";
import type { Target } from "../host/target";

/** Snapshots kept; older ones are dropped (the trend shows the most recent). */
export const MAX_SNAPSHOTS = 32;
const TOP_ON_DUMP = 20;
const SPARK = "▁▂▃▄▅▆▇█";

/**
 * The clock of @$leaks(): KUSER_SHARED_DATA.SystemTime, read from the target. Assumptions (jsprovider-api.md and
 * layouts.md are silent; from the WDK's ntddk.h/wdm.h): KUSER_SHARED_DATA is mapped at the fixed kernel address
 * KI_USER_SHARED_DATA (0xFFFFF780`00000000 on x64, 0xFFDF0000 on x86) and SystemTime, a KSYSTEM_TIME (LowPart,
 * High1Time, High2Time; 100 ns since 1601, UTC), is at +0x14 on every build. It is the target's wall clock, not the
 * debugger host's: it stands still while the target is broken in, so Seconds is the target time between the two
 * break-ins at which the snapshots were taken (and follows the target if someone sets its clock).
 */
export function systemTimeAddress(pointerSize: 4 | 8): Address {
  return pointerSize === 8 ? new Address(0xfffff780, 0x14) : new Address(0, 0xffdf0014);
}

/** Seconds since 1601 from KSYSTEM_TIME (LowPart, High1Time; 100 ns units), or null when unreadable. */
export function targetSeconds(target: Target): number | null {
  const bytes = target.memory.read(systemTimeAddress(target.pointerSize), 12, "KUSER_SHARED_DATA.SystemTime", false);
  if (bytes instanceof Unreadable) return null;
  return (u32(bytes, 4) * 0x100000000 + u32(bytes, 0)) / 1e7;
}

export function sparkline(values: number[]): string {
  const min = Math.min.apply(null, values);
  const max = Math.max.apply(null, values);
  return values.map((v) => SPARK[max === min ? 0 : Math.round(((v - min) / (max - min)) * (SPARK.length - 1))]).join("");
}

const total = (u: TagUsage) => u.nonPagedBytes + u.pagedBytes;
const allocs = (u: TagUsage) => u.nonPagedAllocs - u.nonPagedFrees + (u.pagedAllocs - u.pagedFrees);

export const leaksCommand: Command = {
  name: "leaks",
  usage: 'dx @$leaks([op, "x.json"])',
  summary: 'Tags that grew since a snapshot; "reset", or "save"/"compare" a file across dumps',
  resultNoun: ["tag", "tags"],
  run(ctx, args) {
    const target = ctx.target;
    if (!target.isKernel) {
      ctx.out.line(messages.needsKernel("leaks"));
      return undefined;
    }
    if (args[0] === "save" || args[0] === "compare") {
      if (args.length > 2) {
        ctx.out.line(messages.leaksFileUsage(args[0], args.length + " arguments"));
        return undefined;
      }
      const path = pathOrSay(ctx, args[0], args[1]);
      if (path === null) return undefined;
      return args[0] === "save" ? saveSnapshot(ctx, path) : compareSnapshot(ctx, path);
    }
    if (args.length > 1 || (args.length === 1 && args[0] !== "reset")) {
      ctx.out.line(messages.leaksUsage(describeArg(args[0])));
      return undefined;
    }
    if (args[0] === "reset") {
      sessionState.snapshots = [];
      ctx.out.line(messages.leaksReset());
      return undefined;
    }
    const usage = readUsageSaying(target, ctx.out);
    if (!usage) return undefined;
    if (target.isDump) {
      ctx.out.line(messages.leaksNeedLive());
      const top = usage.rows.slice().sort((a, b) => total(b) - total(a)).slice(0, TOP_ON_DUMP);
      return top.map((u) => ({ Tag: u.tag, Bytes: total(u), toString: () => u.tag + " " + humanBytes(total(u)) }));
    }
    const seconds = targetSeconds(target);
    if (seconds === null) ctx.out.line(messages.leaksNoClock());
    const snapshot = { seconds: seconds === null ? NaN : seconds, usage: new Map<string, TagUsage>() };
    for (const u of usage.rows) snapshot.usage.set(u.tag, u);
    const history = sessionState.snapshots;
    history.push(snapshot);
    if (history.length > MAX_SNAPSHOTS) history.splice(1, history.length - MAX_SNAPSHOTS); // Keep the baseline.
    if (history.length === 1) {
      ctx.out.line(messages.leaksBaseline(usage.rows.length));
      return undefined;
    }
    const base = history[0];
    const elapsed = snapshot.seconds - base.seconds;
    const grown: { u: TagUsage; delta: number; allocDelta: number; trend: string }[] = [];
    snapshot.usage.forEach((u, tag) => {
      const before = base.usage.get(tag);
      const delta = total(u) - (before ? total(before) : 0);
      if (delta <= 0) return;
      const series = history.map((s) => {
        const v = s.usage.get(tag);
        return v ? total(v) : 0;
      });
      grown.push({ u, delta, allocDelta: allocs(u) - (before ? allocs(before) : 0), trend: sparkline(series) });
    });
    grown.sort((a, b) => b.delta - a.delta);
    const secondsText = isNaN(elapsed) ? "?" : elapsed.toFixed(1);
    const rate = (delta: number) => (elapsed > 0 ? delta / elapsed : NaN);
    if (grown.length === 0) {
      ctx.out.line(messages.leaksNoGrowth(secondsText));
      return [];
    }
    ctx.out.line("Tags that grew over " + secondsText + " s (" + history.length + " snapshots):");
    ctx.out.lines(
      renderTable(
        [
          { header: "Tag", value: (g: (typeof grown)[0]) => "'" + g.u.tag + "'" },
          { header: "Bytes", align: "right", value: (g: (typeof grown)[0]) => groupDigits(total(g.u)) },
          { header: "Delta", align: "right", value: (g: (typeof grown)[0]) => "+" + groupDigits(g.delta) },
          { header: "Allocs", align: "right", value: (g: (typeof grown)[0]) => (g.allocDelta >= 0 ? "+" : "") + groupDigits(g.allocDelta) },
          { header: "Rate", align: "right", value: (g: (typeof grown)[0]) => (isNaN(rate(g.delta)) ? "?" : humanBytes(Math.round(rate(g.delta))) + "/s") },
          { header: "Trend", value: (g: (typeof grown)[0]) => g.trend },
        ],
        grown,
        "  ",
      ),
    );
    return grown.map((g) => ({
      Tag: g.u.tag,
      Bytes: total(g.u),
      BytesDelta: g.delta,
      AllocsDelta: g.allocDelta,
      Seconds: isNaN(elapsed) ? null : elapsed,
      BytesPerSecond: isNaN(rate(g.delta)) ? null : rate(g.delta),
      Trend: g.trend,
      toString: () => g.u.tag + " +" + humanBytes(g.delta) + " " + g.trend,
    }));
  },
};
