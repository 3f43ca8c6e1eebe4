// The driver name bugcheck 0xC4/0x62 passes as Arg2: a NUL-terminated UTF-16 string (seed 002: `db` shows
// `t.e.s.t...s.y.s.` then zeros). Read page by page so that a name near the end of a page still reads.
import { Address } from "../core/address";
import { PAGE_SIZE, limits } from "../core/limits";
import { Unreadable } from "../core/missing";
import { u16 } from "../core/bytes";
import type { Target } from "../host/target";

export interface WideName {
  text: string;
  /** No NUL within limits.maxTargetString characters. */
  truncated: boolean;
}

export function readWideName(target: Target, at: Address): WideName | Unreadable {
  let text = "";
  let cursor = at;
  const maxBytes = limits.maxTargetString * 2;
  let read = 0;
  while (read < maxBytes) {
    const n = Math.min(maxBytes - read, PAGE_SIZE - (cursor.lo % PAGE_SIZE));
    const bytes = target.memory.read(cursor, n, "driver name (Arg2)");
    if (bytes instanceof Unreadable) {
      if (read === 0) return bytes;
      return { text, truncated: true };
    }
    for (let i = 0; i + 1 < bytes.length; i += 2) {
      const c = u16(bytes, i);
      if (c === 0) return { text, truncated: false };
      text += String.fromCharCode(c);
    }
    read += n;
    cursor = cursor.add(n);
  }
  return { text, truncated: true };
}
