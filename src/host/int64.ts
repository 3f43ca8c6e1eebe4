// Conversions between host values and Address. 64-bit values arrive as host.Int64, values of 32 bits or fewer as
// numbers (jsprovider-api.md §2.1); both forms are accepted everywhere.
import { Address } from "../core/address";

export function isInt64(value: unknown): value is JsProvider.Int64 {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as JsProvider.Int64).getLowPart === "function" &&
    typeof (value as JsProvider.Int64).getHighPart === "function"
  );
}

export function addressFromHost(value: unknown): Address | null {
  if (typeof value === "number") {
    if (value >= 0 && value <= Number.MAX_SAFE_INTEGER && Math.floor(value) === value) return Address.fromNumber(value);
    if (value < 0 && value >= -0x80000000) return new Address(0, value >>> 0);
    return null;
  }
  if (isInt64(value)) return new Address(value.getHighPart() >>> 0, value.getLowPart() >>> 0);
  return null;
}

/** A size or offset from a type object: a number, or an Int64 (the reference types `size` as 64-bit). */
export function numberFromHost(value: unknown): number | null {
  if (typeof value === "number") return value;
  if (isInt64(value)) {
    const a = addressFromHost(value);
    return a && a.isSafeNumber ? a.toNumber() : null;
  }
  return null;
}

export function addressToHost(address: Address): JsProvider.Int64 {
  // Int64(low, high) packs two 32-bit halves (§2.1); a JS number literal above 2^53 would be rounded first.
  return new host.Int64(address.lo, address.hi);
}
