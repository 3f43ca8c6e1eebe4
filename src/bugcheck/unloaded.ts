// The kernel's unloaded-driver list (nt!MmUnloadedDrivers, a ring of MI_UNLOADED_DRIVERS entries): the driver whose
// old range holds a faulting address is the classic "code called after unload" cause. Decoding is pure; the reads
// are in triage.ts. A kernel triage dump carries this list in its own section (TRIAGE_DUMP_HEADER.UnloadedDriversOffset,
// WRK triage.h), which the debugger shows with `lm`; it is not at MmUnloadedDrivers' address there.
import { Address } from "../core/address";
import { pointer, u16, u32 } from "../core/bytes";
import { ResolvedLayout } from "../layouts/types";

export interface UnloadedSlot {
  /** Where the name's UTF-16 text is (UNICODE_STRING.Buffer) and its length in bytes. */
  nameBuffer: Address;
  nameLength: number;
  start: Address;
  end: Address;
  /** CurrentTime: when it was unloaded (FILETIME, 100 ns since 1601), low and high parts. */
  timeLow: number;
  timeHigh: number;
}

/** The used slots of the array: an entry with a null range or an end below its start is an empty or corrupt slot. */
export function decodeUnloadedDrivers(bytes: Uint8Array, count: number, layout: ResolvedLayout, pointerSize: 4 | 8): UnloadedSlot[] {
  const o = layout.offsets;
  const out: UnloadedSlot[] = [];
  for (let i = 0; i < count; i++) {
    const at = i * layout.size;
    if (at + layout.size > bytes.length) break;
    const start = pointer(bytes, at + o.StartAddress, pointerSize);
    const end = pointer(bytes, at + o.EndAddress, pointerSize);
    if (start.isNull || end.compare(start) <= 0) continue;
    const time = at + o.CurrentTime;
    out.push({
      nameBuffer: pointer(bytes, at + o.Name + pointerSize, pointerSize),
      nameLength: u16(bytes, at + o.Name),
      start,
      end,
      timeLow: u32(bytes, time),
      timeHigh: u32(bytes, time + 4),
    });
  }
  return out;
}

/** The slot whose [start, end) holds the address, or null. */
export function unloadedSlotContaining(slots: UnloadedSlot[], address: Address): UnloadedSlot | null {
  for (const s of slots) if (address.compare(s.start) >= 0 && address.compare(s.end) < 0) return s;
  return null;
}

/** A driver name read from the target: printable ASCII only, so it can be shown (never executed). */
export function driverNameFromUtf16(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const c = bytes[i] | (bytes[i + 1] << 8);
    if (c === 0) break;
    text += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : "?";
  }
  return text.replace(/^.*\\/, "");
}
