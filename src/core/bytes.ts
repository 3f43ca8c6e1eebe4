// Little-endian readers over byte buffers. Every decoder in the toolkit works on bytes read in bulk.
import { Address } from "./address";

export function u8(bytes: Uint8Array, offset: number): number {
  return bytes[offset];
}

export function u16(bytes: Uint8Array, offset: number): number {
  return bytes[offset] | (bytes[offset + 1] << 8);
}

export function u32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
}

export function i32(bytes: Uint8Array, offset: number): number {
  return bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24);
}

export function u64Address(bytes: Uint8Array, offset: number): Address {
  return new Address(u32(bytes, offset + 4), u32(bytes, offset));
}

/** A 64-bit counter as a number; exact below 2^53, which byte and allocation counts never reach in practice. */
export function u64Number(bytes: Uint8Array, offset: number): number {
  return u32(bytes, offset + 4) * 0x100000000 + u32(bytes, offset);
}

export function pointer(bytes: Uint8Array, offset: number, pointerSize: 4 | 8): Address {
  return pointerSize === 8 ? u64Address(bytes, offset) : new Address(0, u32(bytes, offset));
}

/** An unsigned field of 1, 2, 4 or 8 bytes as a number. */
export function unsigned(bytes: Uint8Array, offset: number, size: number): number {
  switch (size) {
    case 1:
      return u8(bytes, offset);
    case 2:
      return u16(bytes, offset);
    case 4:
      return u32(bytes, offset);
    default:
      return u64Number(bytes, offset);
  }
}

/** Index of `needle` in `haystack` at or after `from`, or -1. */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  for (let i = from; i <= last; i++) {
    if (haystack[i] !== first) continue;
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

/** ASCII text up to the first NUL, at most `max` bytes; other bytes become `?` so hostile names stay printable. */
export function asciiz(bytes: Uint8Array, offset: number, max: number): string {
  let text = "";
  for (let i = offset; i < bytes.length && i < offset + max; i++) {
    const c = bytes[i];
    if (c === 0) break;
    text += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : "?";
  }
  return text;
}

/** UTF-16LE text of `byteLength` bytes (a UNICODE_STRING's Length), stopping at a NUL. */
export function utf16(bytes: Uint8Array, offset: number, byteLength: number): string {
  let text = "";
  for (let i = offset; i + 1 < bytes.length && i + 1 < offset + byteLength; i += 2) {
    const c = u16(bytes, i);
    if (c === 0) break;
    text += String.fromCharCode(c);
  }
  return text;
}
