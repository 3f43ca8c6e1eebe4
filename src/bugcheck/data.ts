// The bugcheck code and its four parameters. nt!KiBugCheckData is ULONG_PTR[5] (layouts.md §5); when it cannot be
// read, `.bugcheck` answers from the dump header: "Bugcheck code 000000C4" then "Arguments <p1> <p2> <p3> <p4>"
// (format from the debugger's documentation of .bugcheck).
import { Address } from "../core/address";
import { pointer } from "../core/bytes";
import { Unreadable } from "../core/missing";
import type { Target } from "../host/target";

export interface BugCheck {
  code: number;
  parameters: [Address, Address, Address, Address];
  /** Where the values came from, for the user. */
  source: "nt!KiBugCheckData" | ".bugcheck";
}

export type BugCheckResult = BugCheck | { kind: "none" } | { kind: "unavailable"; reason: string };

export function readBugCheck(target: Target): BugCheckResult {
  const at = target.symbolAddress("nt", "KiBugCheckData");
  let reason = "nt!KiBugCheckData was not found";
  if (at) {
    const bytes = target.memory.read(at, 5 * target.pointerSize, "nt!KiBugCheckData");
    if (!(bytes instanceof Unreadable)) return decodeKiBugCheckData(bytes, target.pointerSize);
    reason = bytes.describe(target.pointerSize);
  }
  const out = target.executeCommand(".bugcheck");
  const parsed = out.error ? null : parseBugCheckCommand(out.lines);
  if (parsed) return parsed;
  return { kind: "unavailable", reason };
}

export function decodeKiBugCheckData(bytes: Uint8Array, pointerSize: 4 | 8): BugCheck | { kind: "none" } {
  const code = pointer(bytes, 0, pointerSize).lo;
  if (code === 0) return { kind: "none" };
  const p = (i: number) => pointer(bytes, (i + 1) * pointerSize, pointerSize);
  return { code, parameters: [p(0), p(1), p(2), p(3)], source: "nt!KiBugCheckData" };
}

export function parseBugCheckCommand(lines: string[]): BugCheck | { kind: "none" } | null {
  let code: number | null = null;
  for (const line of lines) {
    const c = /^\s*Bugcheck code\s+([0-9a-fA-F]{1,8})\s*$/.exec(line);
    if (c) code = parseInt(c[1], 16);
    const a = /^\s*Arguments\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$/.exec(line);
    if (a && code !== null) {
      const params = [a[1], a[2], a[3], a[4]].map((t) => Address.parse(t));
      if (params.some((p) => p === null)) return null;
      if (code === 0) return { kind: "none" };
      return { code, parameters: params as [Address, Address, Address, Address], source: ".bugcheck" };
    }
  }
  return null;
}

export function isBugCheck(value: BugCheckResult): value is BugCheck {
  return (value as BugCheck).code !== undefined;
}
