// Arguments as dx hands them to a function alias: a JS string for a quoted literal, a number for values of 32 bits
// or fewer, a host Int64 for 64-bit values, undefined when omitted, or a native object (a bare symbol name).
import { Address } from "./address";

export type ArgKind = "missing" | "string" | "number" | "int64" | "object";

export interface Int64Like {
  getLowPart(): number;
  getHighPart(): number;
}

export function argKind(value: unknown): ArgKind {
  if (value === undefined || value === null) return "missing";
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  if (typeof value === "object" && typeof (value as Int64Like).getLowPart === "function") return "int64";
  return "object";
}

/** An address from a number, an Int64 or a string the user quoted (`"fffff807\`47f50000"`); null otherwise. */
export function addressArg(value: unknown): Address | null {
  switch (argKind(value)) {
    case "number": {
      const n = value as number;
      return n >= 0 && Number.isInteger(n) && n <= Number.MAX_SAFE_INTEGER ? Address.fromNumber(n) : null;
    }
    case "int64": {
      const v = value as Int64Like;
      return new Address(v.getHighPart() >>> 0, v.getLowPart() >>> 0);
    }
    case "string":
      return Address.parse(value as string);
    default:
      return null;
  }
}

/** How an argument is described in a usage message, without echoing hostile or huge values verbatim. */
export function describeArg(value: unknown): string {
  switch (argKind(value)) {
    case "missing":
      return "nothing";
    case "string": {
      const s = value as string;
      const shown = s.length > 40 ? s.slice(0, 40) + "..." : s;
      return 'the string "' + shown.replace(/[\x00-\x1f\x7f]/g, "?") + '"';
    }
    case "number":
      return "the number " + String(value);
    case "int64":
      return "the 64-bit value " + addressArg(value)!.toString();
    default:
      return "an object";
  }
}
