// host.Int64 as the reference describes it (jsprovider-api.md §2.1): callable with or without `new`, interned by
// value (so == compares values), valueOf throwing from 2^53-1 up, toString(16) bare lowercase hex.
const MASK = (1n << 64n) - 1n;
const PRECISION_LIMIT = (1n << 53n) - 1n; // 2^53-2 converts; 2^53-1 "returns the error" (D-SCR)
export const PRECISION_MESSAGE = "64 bit value loses precision on conversion to number";

function toBig(v: unknown): bigint {
  if (typeof v === "bigint") return v & MASK;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new TypeError("Int64: not a finite number");
    return BigInt.asUintN(64, BigInt(Math.trunc(v)));
  }
  if (v && typeof v === "object" && "__big" in (v as object)) return (v as { __big: bigint }).__big;
  throw new TypeError("Int64: unsupported operand " + String(v));
}

export interface EmulatedInt64 {
  readonly __big: bigint;
}

export function makeInt64Class() {
  const interned = new Map<bigint, object>();

  function fromBig(value: bigint): object {
    const v = value & MASK;
    const existing = interned.get(v);
    if (existing) return existing;
    const created: object = Object.freeze(Object.create(proto, { __big: { value: v, enumerable: false } }));
    interned.set(v, created);
    return created;
  }

  const proto: Record<string, unknown> = {
    asNumber(this: EmulatedInt64) {
      if (this.__big >= PRECISION_LIMIT) throw new Error(PRECISION_MESSAGE);
      return Number(this.__big);
    },
    convertToNumber(this: EmulatedInt64) {
      return Number(this.__big);
    },
    getLowPart(this: EmulatedInt64) {
      return Number(this.__big & 0xffffffffn);
    },
    getHighPart(this: EmulatedInt64) {
      return Number(this.__big >> 32n);
    },
    add(this: EmulatedInt64, v: unknown) { return fromBig(this.__big + toBig(v)); },
    subtract(this: EmulatedInt64, v: unknown) { return fromBig(this.__big - toBig(v)); },
    multiply(this: EmulatedInt64, v: unknown) { return fromBig(this.__big * toBig(v)); },
    divide(this: EmulatedInt64, v: unknown) { return fromBig(this.__big / toBig(v)); },
    modulo(this: EmulatedInt64, v: unknown) { return fromBig(this.__big % toBig(v)); },
    bitwiseAnd(this: EmulatedInt64, v: unknown) { return fromBig(this.__big & toBig(v)); },
    bitwiseOr(this: EmulatedInt64, v: unknown) { return fromBig(this.__big | toBig(v)); },
    bitwiseXor(this: EmulatedInt64, v: unknown) { return fromBig(this.__big ^ toBig(v)); },
    bitwiseNot(this: EmulatedInt64) { return fromBig(~this.__big); },
    bitwiseShiftLeft(this: EmulatedInt64, n: number) { return fromBig(this.__big << BigInt(n)); },
    bitwiseShiftRight(this: EmulatedInt64, n: number) { return fromBig(this.__big >> BigInt(n)); },
    compareTo(this: EmulatedInt64, v: unknown) {
      const o = toBig(v);
      return this.__big < o ? -1 : this.__big > o ? 1 : 0;
    },
    toString(this: EmulatedInt64, radix?: number) {
      return this.__big.toString(radix === undefined ? 10 : radix);
    },
    valueOf(this: EmulatedInt64) {
      if (this.__big >= PRECISION_LIMIT) throw new Error(PRECISION_MESSAGE);
      return Number(this.__big);
    },
  };

  const Int64 = function (this: unknown, value: unknown, high?: unknown) {
    if (high !== undefined) {
      const lo = BigInt(Number(value) >>> 0);
      const hi = BigInt(Number(high) >>> 0);
      return fromBig((hi << 32n) | lo);
    }
    return fromBig(toBig(value));
  } as unknown as { (v: unknown, h?: unknown): EmulatedInt64; new (v: unknown, h?: unknown): EmulatedInt64; Min: unknown; Max: unknown };
  Int64.Min = fromBig(1n << 63n);
  Int64.Max = fromBig((1n << 63n) - 1n);

  function parseInt64(text: string, radix?: number): EmulatedInt64 {
    let s = String(text).trim();
    const r = radix || (/^0x/i.test(s) ? 16 : 10);
    if (r === 16) s = s.replace(/^0x/i, "");
    const prefix = r === 16 ? "0x" : r === 8 ? "0o" : r === 2 ? "0b" : "";
    return fromBig(BigInt(prefix + s)) as EmulatedInt64;
  }

  return { Int64, parseInt64, fromBig: (v: bigint) => fromBig(v) as EmulatedInt64, isInt64: (v: unknown) => !!v && typeof v === "object" && Object.getPrototypeOf(v) === proto };
}

export function int64Value(v: unknown): bigint {
  return toBig(v);
}
