// Missing data is a typed value, never an exception, a zero or an error string posing as data.
import { Address } from "./address";

export class Unreadable {
  readonly kind = "unreadable" as const;
  constructor(
    readonly address: Address,
    readonly size: number,
    readonly what: string,
  ) {}

  describe(pointerSize: 4 | 8): string {
    return this.what + " at " + this.address.format(pointerSize) + " (" + this.size + " bytes) is unreadable";
  }

  toString(): string {
    return "<unreadable " + this.what + " at " + this.address.toString() + ">";
  }
}

export class NotApplicable {
  readonly kind = "notApplicable" as const;
  constructor(readonly reason: string) {}
  toString(): string {
    return "<n/a: " + this.reason + ">";
  }
}

export function isUnreadable(value: unknown): value is Unreadable {
  return value instanceof Unreadable;
}
