// Reading and writing snapshot files on the debugger's machine, with the rules every command that writes a file
// follows: a save replaces only a file that is one of our snapshots (any kind, src/snapshot/envelope.ts), never a
// dump or a notes file; a file is read in the encoding its byte-order mark says (an editor may have saved it as
// UTF-16); paths are reported as the full path they resolved to. Other text files the user hands us (a pooltag.txt)
// are read by the same rules (readTextLines). The I/O is src/host/files.ts.
import { currentDirectory, fileExists, readFileHead, readTextFileWhole, writeTextFile, TextEncoding } from "../host/files";
import { snapshotFormatOf } from "./envelope";
import { alternativeNames, resolvedPath } from "./paths";

/** Bytes read from an existing file to recognise its encoding and whether it is ours (the format field is in the
 *  first hundred bytes of every snapshot we write, whatever the encoding). */
const HEAD_BYTES = 512;

/** How a file's bytes are turned into text: the provider's reader, and what to undo after it. */
export interface Decoding {
  /** As the user knows it: "UTF-8", "UTF-8 with a byte-order mark", "UTF-16 LE", "UTF-16 BE". */
  name: string;
  reader: TextEncoding;
  /** UTF-16 BE is read as UTF-16 LE and each code unit swapped back (the provider has no big-endian reader). */
  swapBytes: boolean;
}

/**
 * The decoding a file's first bytes call for, or the name of an encoding we cannot read. The byte-order marks are
 * Unicode's (The Unicode Standard, 23.8 "Byte Order Mark"): EF BB BF, FF FE, FE FF; FF FE 00 00 and 00 00 FE FF are
 * UTF-32. Without a mark the text is read as UTF-8 (ASCII is UTF-8), unless zero bytes say it is UTF-16 without one.
 */
export function decodingOf(head: number[]): Decoding | { cannot: string } {
  const starts = (...b: number[]) => b.every((x, i) => head[i] === x);
  if (starts(0xff, 0xfe, 0, 0) || starts(0, 0, 0xfe, 0xff)) return { cannot: "UTF-32" };
  if (starts(0xef, 0xbb, 0xbf)) return { name: "UTF-8 with a byte-order mark", reader: "Utf8", swapBytes: false };
  if (starts(0xff, 0xfe)) return { name: "UTF-16 LE", reader: "Utf16", swapBytes: false };
  if (starts(0xfe, 0xff)) return { name: "UTF-16 BE", reader: "Utf16", swapBytes: true };
  const zeros = head.filter((b) => b === 0).length;
  if (head.length >= 2 && zeros * 4 >= head.length) return { cannot: "UTF-16 without a byte-order mark" };
  return UTF8;
}

const UTF8: Decoding = { name: "UTF-8", reader: "Utf8", swapBytes: false };

/** The text of `bytes` (a file's first bytes) in `d`, for recognising the file; the rest of the file is not needed. */
export function decodeHead(bytes: number[], d: Decoding): string {
  // Bytes as Latin-1 characters: enough to recognise ASCII text; a UTF-8 mark's three bytes are dropped.
  if (d.reader !== "Utf16") return String.fromCharCode.apply(null, bytes.slice(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0, HEAD_BYTES));
  let s = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) s += String.fromCharCode(d.swapBytes ? (bytes[i] << 8) | bytes[i + 1] : bytes[i] | (bytes[i + 1] << 8));
  return s;
}

/** Text as the provider's UTF-16 reader returned a big-endian file: each code unit swapped, lines joined again. */
function swapUnits(text: string): string {
  let s = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    s += String.fromCharCode(((c & 0xff) << 8) | (c >> 8));
  }
  return s;
}

export type SnapshotText =
  | { kind: "text"; text: string; fullPath: string; encoding: string }
  /** `fullPath`: the path resolved against the debugger's current folder. */
  | { kind: "missing"; fullPath: string }
  | { kind: "unreadable"; detail: string }
  | { kind: "tooLarge"; fullPath: string }
  /** Bytes in an encoding we cannot read (`UTF-32`). */
  | { kind: "undecodable"; encoding: string; fullPath: string };

/** A snapshot file's whole text (at most `maxChars` characters), decoded as its byte-order mark says. */
export function readSnapshotText(path: string, maxChars: number): SnapshotText {
  const head = readFileHead(path, HEAD_BYTES);
  if (head.kind === "missing") return { kind: "missing", fullPath: resolvedPath(path, currentDirectory()) };
  // File.ReadBytes is documented but little used by scripts: when it fails where the text reader may not, the file
  // is read as UTF-8 text (what leaktools writes), and a file that is not is reported by the parser.
  const decoding = head.kind === "bytes" ? decodingOf(head.bytes) : UTF8;
  if ("cannot" in decoding) return { kind: "undecodable", encoding: decoding.cannot, fullPath: head.kind === "bytes" ? head.fullPath : path };
  const read = readTextFileWhole(path, maxChars, decoding.reader);
  if (read.kind === "missing") return { kind: "missing", fullPath: resolvedPath(path, currentDirectory()) };
  if (read.kind !== "text") return read;
  if (read.truncated) return { kind: "tooLarge", fullPath: read.fullPath };
  // A reader may keep the mark or drop it: drop it either way.
  const text = (decoding.swapBytes ? swapUnits(read.text).replace(/\r?\n/g, "\n") : read.text).replace(/^\uFEFF/, "");
  return { kind: "text", text, fullPath: read.fullPath, encoding: decoding.name };
}

/** A text file's lines, when it could be read. */
export type TextLines = { kind: "lines"; lines: string[]; fullPath: string; encoding: string } | Exclude<SnapshotText, { kind: "text" }>;

/**
 * The lines of a text file the user hands us that is not a snapshot (a pooltag.txt), read by the same rules: in the
 * encoding its byte-order mark says (UTF-8 with or without one, UTF-16 with one), at most `maxChars` characters.
 */
export function readTextLines(path: string, maxChars: number): TextLines {
  const read = readSnapshotText(path, maxChars);
  if (read.kind !== "text") return read;
  return { kind: "lines", lines: read.text.split("\n"), fullPath: read.fullPath, encoding: read.encoding };
}

export type SnapshotWrite =
  /** `replaced`: the format name of the snapshot that was there, or null for a new file. */
  | { kind: "written"; fullPath: string; replaced: string | null }
  /** A file is there and it is not one of ours: why, and a free name to use instead (null if none was found). */
  | { kind: "refused"; fullPath: string; reason: string; suggestion: string | null }
  | { kind: "failed"; detail: string };

/**
 * Writes a snapshot's text to `path`. A file already there is replaced only when it is one of our snapshots (of any
 * kind); anything else is left alone and the reason returned, with a free name to suggest.
 */
export function writeSnapshotFile(path: string, text: string): SnapshotWrite {
  const head = readFileHead(path, HEAD_BYTES);
  if (head.kind === "missing") {
    const written = writeTextFile(path, text, false);
    return written.kind === "written" ? { kind: "written", fullPath: written.fullPath, replaced: null } : written;
  }
  const refuse = (fullPath: string, reason: string): SnapshotWrite => ({ kind: "refused", fullPath, reason, suggestion: freeName(path) });
  if (head.kind === "unreadable") return refuse(path, "it could not be read to check that it is a leaktools snapshot (" + head.detail.replace(/[\x00-\x1f]/g, " ").trim() + ")");
  const format = ourFormat(head.bytes);
  if (format === null) return refuse(head.fullPath, whatItIs(head.bytes));
  const written = writeTextFile(path, text, true);
  return written.kind === "written" ? { kind: "written", fullPath: written.fullPath, replaced: format } : written;
}

function ourFormat(bytes: number[]): string | null {
  const d = decodingOf(bytes);
  return "cannot" in d ? null : snapshotFormatOf(decodeHead(bytes, d));
}

/** Why a file is not one of ours, from its first bytes: `it is a crash dump (it starts with PAGEDU64)`. */
export function whatItIs(bytes: number[]): string {
  const ascii = String.fromCharCode.apply(null, bytes.slice(0, 8));
  // Dump signatures: MINIDUMP_HEADER.Signature "MDMP" (minidumpapiset.h); kernel dumps' DUMP_HEADER "PAGEDUMP" / "PAGEDU64".
  if (/^MDMP/.test(ascii)) return "it is a crash dump (a minidump: it starts with MDMP)";
  if (/^PAGEDU(MP|64)/.test(ascii)) return "it is a crash dump (a kernel dump: it starts with " + ascii + ")";
  if (bytes.length === 0) return "it is an empty file, not a leaktools snapshot";
  const d = decodingOf(bytes);
  if ("cannot" in d) return "it is not a leaktools snapshot (its text is " + d.cannot + ")";
  const text = decodeHead(bytes, d).replace(/^\uFEFF/, "");
  if (/^\s*[{[]/.test(text)) return "it is JSON or similar, but not a leaktools snapshot (no \"format\": \"leaktools ... snapshot\" at its start)";
  const start = text.replace(/[^\x20-\x7e]+/g, " ").trim().slice(0, 24);
  return "it is not a leaktools snapshot" + (start ? " (it starts with \"" + start + "\")" : "");
}

/** The first of alternativeNames(path) that no file holds. */
function freeName(path: string): string | null {
  for (const name of alternativeNames(path)) if (fileExists(name) === false) return name;
  return null;
}
