// A target address of up to 64 bits, held as two unsigned 32-bit halves. Kernel addresses such as
// fffff807`47f50000 lie above 2^53, where a JavaScript number loses bits, and BigInt is not available on the
// debugger's legacy engine.

const TWO_32 = 0x100000000;

export class Address {
  readonly hi: number;
  readonly lo: number;

  constructor(hi: number, lo: number) {
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
  }

  static readonly ZERO = new Address(0, 0);

  /** A non-negative integer below 2^53. */
  static fromNumber(value: number): Address {
    if (!(value >= 0) || value > Number.MAX_SAFE_INTEGER || Math.floor(value) !== value) {
      throw new RangeError("address out of range: " + value);
    }
    return new Address(Math.floor(value / TWO_32), value % TWO_32);
  }

  /**
   * Parses the forms a WinDbg user writes: `fffff807\`47f50000`, `0xfffff80747f50000`, `fffff80747f50000`,
   * `e0894d1f`. Returns null for anything else.
   */
  static parse(text: string): Address | null {
    let digits = text.trim().replace(/`/g, "");
    if (/^0x/i.test(digits)) digits = digits.slice(2);
    if (!/^[0-9a-fA-F]{1,16}$/.test(digits)) return null;
    const padded = ("0000000000000000" + digits).slice(-16);
    return new Address(parseInt(padded.slice(0, 8), 16), parseInt(padded.slice(8), 16));
  }

  get isNull(): boolean {
    return this.hi === 0 && this.lo === 0;
  }

  /** True when the value fits a JavaScript number exactly. */
  get isSafeNumber(): boolean {
    return this.hi < 0x200000;
  }

  toNumber(): number {
    if (!this.isSafeNumber) throw new RangeError("address above 2^53: " + this.toHex());
    return this.hi * TWO_32 + this.lo;
  }

  add(delta: number): Address {
    if (delta < 0) return this.subtract(-delta);
    const lo = this.lo + (delta % TWO_32);
    const hi = this.hi + Math.floor(delta / TWO_32) + (lo >= TWO_32 ? 1 : 0);
    return new Address(hi % TWO_32, lo % TWO_32);
  }

  subtract(delta: number): Address {
    if (delta < 0) return this.add(-delta);
    let lo = this.lo - (delta % TWO_32);
    let hi = this.hi - Math.floor(delta / TWO_32);
    if (lo < 0) {
      lo += TWO_32;
      hi -= 1;
    }
    if (hi < 0) hi += TWO_32;
    return new Address(hi, lo);
  }

  /** this - other as a number; null when negative or not exactly representable. */
  distanceFrom(other: Address): number | null {
    let hi = this.hi - other.hi;
    let lo = this.lo - other.lo;
    if (lo < 0) {
      lo += TWO_32;
      hi -= 1;
    }
    if (hi < 0 || hi >= 0x200000) return null;
    return hi * TWO_32 + lo;
  }

  compare(other: Address): number {
    if (this.hi !== other.hi) return this.hi < other.hi ? -1 : 1;
    if (this.lo !== other.lo) return this.lo < other.lo ? -1 : 1;
    return 0;
  }

  equals(other: Address): boolean {
    return this.hi === other.hi && this.lo === other.lo;
  }

  /** Low bits masked off: alignDown(0x1000) gives the page. */
  alignDown(alignment: number): Address {
    return new Address(this.hi, this.lo - (this.lo % alignment));
  }

  and(maskHi: number, maskLo: number): Address {
    return new Address(this.hi & maskHi, this.lo & maskLo);
  }

  /** True when base <= this < base + size. */
  isWithin(base: Address, size: number): boolean {
    const offset = this.distanceFrom(base);
    return offset !== null && offset < size;
  }

  /** Bare lowercase hex without leading zeros, the form `host.Int64.toString(16)` gives. */
  toHex(): string {
    if (this.hi === 0) return this.lo.toString(16);
    return this.hi.toString(16) + ("00000000" + this.lo.toString(16)).slice(-8);
  }

  /** A stable key for maps and visited sets. */
  get key(): string {
    return this.hi + ":" + this.lo;
  }

  /** As the debugger prints it: `fffff807\`47f50000` on 64-bit targets, `e0894d1f` on 32-bit ones. */
  format(pointerSize: 4 | 8): string {
    const lo = ("00000000" + this.lo.toString(16)).slice(-8);
    if (pointerSize === 4 && this.hi === 0) return lo;
    return ("00000000" + this.hi.toString(16)).slice(-8) + "`" + lo;
  }

  toString(): string {
    return "0x" + this.toHex();
  }
}
