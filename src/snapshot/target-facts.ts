// Who a snapshot was taken of, in the target's own words: its clock, build, boot and machine (KUSER_SHARED_DATA),
// the dump file, and for a user-mode snapshot the process. Saved in every snapshot file's "target" block and
// compared when a file is read back on another target, so a delta between two machines or across a reboot says so.
import { KUSER, KUSER_SHARED_DATA_X64, KUSER_SHARED_DATA_X86 } from "../layouts/kuser";
import { u32 } from "../core/bytes";
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { groupDigits } from "../render/format";
import type { Target } from "../host/target";

/** 1601-01-01 to 1970-01-01 in milliseconds: SystemTime counts from 1601, JavaScript dates from 1970. */
const MS_1601_TO_1970 = 11644473600000;
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(2200, 0, 1);

/** The process a user-mode snapshot was taken in (a heap snapshot); null for a kernel-wide one. */
export interface ProcessFacts {
  /** The image file name (`app.exe`), null when unreadable. */
  image: string | null;
  pid: number | null;
}

/** What the target says about itself: when, which Windows, which boot and machine. Null where unreadable. */
export interface TargetFacts {
  kind: "live" | "dump";
  /** The dump file the debugger opened (Target.Details.DumpFileName), on a dump. */
  dumpFile: string | null;
  windowsBuild: number | null;
  pointerSize: 4 | 8;
  /** KUSER_SHARED_DATA.SystemTime as milliseconds since 1970 (UTC). */
  systemTimeMs: number | null;
  /** SystemTime minus InterruptTime: when the target booted, by its own clock. */
  bootTimeMs: number | null;
  /** KUSER_SHARED_DATA.BootId (build 14393+): the boot's sequence number on that machine. */
  bootId: number | null;
  /** KUSER_SHARED_DATA.NumberOfPhysicalPages: a trait of the machine (and its memory configuration). */
  physicalPages: number | null;
  /** Set for a snapshot of one process (user-mode heaps); absent or null for the whole kernel. */
  process?: ProcessFacts | null;
}

/** The clock and boot fields of KUSER_SHARED_DATA from the bytes of its first KUSER.bytesToRead bytes. */
export function decodeKuser(bytes: Uint8Array, build: number | null): Pick<TargetFacts, "systemTimeMs" | "bootTimeMs" | "bootId" | "physicalPages"> {
  const time100ns = (at: number) => u32(bytes, at + 4) * 0x100000000 + u32(bytes, at);
  const systemTimeMs = Math.round(time100ns(KUSER.SystemTime) / 1e4) - MS_1601_TO_1970;
  const sinceBootMs = Math.round(time100ns(KUSER.InterruptTime) / 1e4);
  const bootId = build !== null && build >= KUSER.BootIdFromBuild ? u32(bytes, KUSER.BootId) : null;
  const pages = u32(bytes, KUSER.NumberOfPhysicalPages);
  // A clock outside 2000-2200, or a boot after it, is a corrupt or unmapped page read as data: unknown, not a date.
  const plausible = systemTimeMs >= EARLIEST_MS && systemTimeMs <= LATEST_MS;
  const bootTimeMs = systemTimeMs - sinceBootMs;
  return {
    systemTimeMs: plausible ? systemTimeMs : null,
    bootTimeMs: plausible && bootTimeMs >= EARLIEST_MS && bootTimeMs <= systemTimeMs ? bootTimeMs : null,
    bootId,
    physicalPages: pages > 0 ? pages : null,
  };
}

/**
 * The target's own facts: one read of KUSER_SHARED_DATA for its clock and boot, the build, the dump's name. The page
 * is mapped at the same address in every process too (user mode reads it at 0x7FFE0000, the kernel at
 * KI_USER_SHARED_DATA; wdm.h), so a user-mode caller passes the process and `userMode`.
 */
export function readTargetFacts(target: Target, process: ProcessFacts | null = null, userMode = false): TargetFacts {
  const base = userMode
    ? new Address(0, 0x7ffe0000)
    : target.pointerSize === 8 ? new Address(KUSER_SHARED_DATA_X64.high, KUSER_SHARED_DATA_X64.low) : new Address(0, KUSER_SHARED_DATA_X86);
  const build = target.windowsBuild();
  const bytes = target.memory.read(base, KUSER.bytesToRead, "KUSER_SHARED_DATA", false);
  const kuser = bytes instanceof Unreadable ? { systemTimeMs: null, bootTimeMs: null, bootId: null, physicalPages: null } : decodeKuser(bytes, build);
  const dumpFile = target.isDump ? target.dumpFileName() : null;
  const facts: TargetFacts = { kind: target.isDump ? "dump" : "live", dumpFile, windowsBuild: build, pointerSize: target.pointerSize, ...kuser };
  if (process) facts.process = process;
  return facts;
}

export function isoTime(ms: number | null): string | null {
  if (ms === null || !isFinite(ms)) return null;
  const d = new Date(ms);
  return isNaN(d.getTime()) ? null : d.toISOString();
}

/** `2026-01-01 00:00:00 UTC`, as a person reads it. */
export function readableTime(ms: number | null): string {
  const iso = isoTime(ms);
  return iso === null ? "unknown" : iso.replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

/** `dump C:\cases\a.dmp, Windows build 19045, 64-bit` (and `, process app.exe (PID 1234)` for one process). */
export function describeTarget(t: TargetFacts): string {
  const what = t.kind === "dump" ? "dump" + (t.dumpFile ? " " + t.dumpFile : " (file name not available)") : "live target";
  const p = t.process;
  const process = p ? ", process " + (p.image === null ? "(name unreadable)" : p.image) + (p.pid === null ? "" : " (PID " + p.pid + ")") : "";
  return what + ", Windows build " + (t.windowsBuild === null ? "unknown" : t.windowsBuild) + ", " + t.pointerSize * 8 + "-bit" + process;
}

/** `booted 2025-12-31 19:00:00 UTC (SystemTime - InterruptTime), BootId 12, 4,194,304 physical pages`. */
export function describeBoot(t: TargetFacts): string {
  const parts: string[] = [];
  parts.push("booted " + readableTime(t.bootTimeMs) + " (SystemTime - InterruptTime)");
  parts.push(t.bootId === null ? "BootId not available" + (t.windowsBuild !== null && t.windowsBuild < KUSER.BootIdFromBuild ? " before build " + KUSER.BootIdFromBuild : "") : "BootId " + t.bootId);
  if (t.physicalPages !== null) parts.push(groupDigits(t.physicalPages) + " physical pages");
  return parts.join(", ");
}

/** Boot times further apart than this are different boots (clock adjustments move SystemTime - InterruptTime by
 *  seconds, not by a quarter of an hour). */
export const BOOT_TIME_TOLERANCE_MS = 15 * 60 * 1000;

export type FactsWarning =
  | { kind: "snapshotLater"; thenMs: number; nowMs: number }
  | { kind: "otherMachine"; what: string }
  | { kind: "reboot"; what: string }
  | { kind: "otherProcess"; what: string };

/** What makes the comparison of two targets' counters questionable: order in time, machine, boot, process. */
export function compareFacts(then: TargetFacts, now: TargetFacts): FactsWarning[] {
  const out: FactsWarning[] = [];
  if (then.systemTimeMs !== null && now.systemTimeMs !== null && then.systemTimeMs > now.systemTimeMs) {
    out.push({ kind: "snapshotLater", thenMs: then.systemTimeMs, nowMs: now.systemTimeMs });
  }
  const machine: string[] = [];
  if (then.pointerSize !== now.pointerSize) machine.push((then.pointerSize * 8) + "-bit then, " + (now.pointerSize * 8) + "-bit now");
  if (then.windowsBuild !== null && now.windowsBuild !== null && then.windowsBuild !== now.windowsBuild) {
    machine.push("Windows build " + then.windowsBuild + " then, " + now.windowsBuild + " now (or Windows was updated in between)");
  }
  if (then.physicalPages !== null && now.physicalPages !== null && then.physicalPages !== now.physicalPages) {
    machine.push(then.physicalPages + " physical pages then, " + now.physicalPages + " now");
  }
  if (machine.length) out.push({ kind: "otherMachine", what: machine.join("; ") });
  else {
    const reboot: string[] = [];
    if (then.bootId !== null && now.bootId !== null && then.bootId !== now.bootId) reboot.push("BootId " + then.bootId + " then, " + now.bootId + " now");
    if (then.bootTimeMs !== null && now.bootTimeMs !== null && Math.abs(then.bootTimeMs - now.bootTimeMs) > BOOT_TIME_TOLERANCE_MS) {
      reboot.push("booted " + readableTime(then.bootTimeMs) + " then, " + readableTime(now.bootTimeMs) + " now");
    }
    if (reboot.length) out.push({ kind: "reboot", what: reboot.join("; ") });
  }
  // A process ends with its heaps: another image or PID is another process, whatever its heaps look like.
  const a = then.process;
  const b = now.process;
  if (a && b) {
    const process: string[] = [];
    if (a.image !== null && b.image !== null && a.image.toLowerCase() !== b.image.toLowerCase()) process.push(a.image + " then, " + b.image + " now");
    if (a.pid !== null && b.pid !== null && a.pid !== b.pid) process.push("PID " + a.pid + " then, " + b.pid + " now");
    if (process.length) out.push({ kind: "otherProcess", what: process.join("; ") });
  }
  return out;
}
