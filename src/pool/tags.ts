// Pool tags: four bytes stored little-endian in a ULONG (`Leak` is 0x6b61654c), shown as four characters.
// Tags shorter than four characters are padded with spaces, as ExAllocatePoolWithTag callers write them.

/** The tag of a tracker Key: its four bytes in memory order, unprintable bytes as `.` (as !poolused shows them). */
export function tagFromKey(key: number): string {
  let text = "";
  for (let i = 0; i < 4; i++) {
    const c = (key >>> (i * 8)) & 0xff;
    text += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".";
  }
  return text;
}

/** The four bytes of a tag as they lie in an image (`mov r8d, 'kaeL'` holds 4c 65 61 6b). */
export function tagBytes(tag: string): Uint8Array {
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) out[i] = i < tag.length ? tag.charCodeAt(i) & 0xff : 0x20;
  return out;
}

export interface TagPattern {
  /** As typed, padded to four characters when it has no wildcard: `Abc `. */
  text: string;
  hasWildcards: boolean;
  matches(tag: string): boolean;
}

/** The longest tag the user may type: four characters (wildcards included). */
export const MAX_TAG_CHARS = 4;

/** A tag or a `?`/`*` pattern of 1-4 printable characters; null for anything else (empty, longer, not a string). */
export function parseTagPattern(value: unknown): TagPattern | null {
  if (typeof value !== "string") return null;
  if (value.length < 1 || value.length > MAX_TAG_CHARS || /[\x00-\x1f\x7f-\uffff]/.test(value)) return null;
  const hasWildcards = /[?*]/.test(value);
  if (!hasWildcards) {
    const text = (value + "    ").slice(0, 4);
    return { text, hasWildcards, matches: (tag) => tag === text };
  }
  const source = value.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\?/g, ".").replace(/\*/g, ".*");
  const re = new RegExp("^" + source + " *$");
  return { text: value, hasWildcards, matches: (tag) => re.test(tag) };
}

/** `None` (and four spaces) is what ExAllocatePool without a tag records (seed 003: "call to ExAllocatePool"). */
export function isUntaggedTag(tag: string): boolean {
  return tag === "None" || tag === "    ";
}
