// Files on the debugger's machine, through `Debugger.Utility.FileSystem` (jsprovider-api.md §2.8; Microsoft Learn
// "The FileSystem Namespace", "File Object", "Text Reader Objects", "Text Writer Objects"). Only what the snapshot
// files need: the first bytes of a file (to recognise its encoding and whether it is ours), its text in one of the
// provider's encodings, and writing text without replacing a file unless told to. Every file opened here is closed
// before the call returns, as the File Object page asks of garbage-collected scripts. Nothing here throws: failures
// come back as values whose `detail` is the provider's own text, for the message to quote (its wording is not
// documented, so it is never parsed). The policy (which file may be replaced, which encoding) is src/snapshot/'s.
import { errorText } from "./target";

export type TextEncoding = "Ascii" | "Utf8" | "Utf16";
export type FileRead = { kind: "text"; text: string; truncated: boolean; fullPath: string } | { kind: "missing" } | { kind: "unreadable"; detail: string };
export type FileHead = { kind: "bytes"; bytes: number[]; fullPath: string } | { kind: "missing" } | { kind: "unreadable"; detail: string };
export type FileWrite = { kind: "written"; fullPath: string } | { kind: "failed"; detail: string };

function fileSystem(): JsProvider.FileSystem {
  return host.namespace.Debugger.Utility.FileSystem;
}

/** The file's fully qualified path (File.Path), or the path as given when the provider does not say. */
function fullPathOf(file: JsProvider.File, given: string): string {
  try {
    const p = file.Path;
    return typeof p === "string" && p !== "" ? p : given;
  } catch (e) {
    return given;
  }
}

/** The debugger's current folder (FileSystem.CurrentDirectory), against which a relative path resolves; null if unknown. */
export function currentDirectory(): string | null {
  try {
    const d = (fileSystem() as unknown as { CurrentDirectory?: unknown }).CurrentDirectory;
    return typeof d === "string" && d !== "" ? d : null;
  } catch (e) {
    return null;
  }
}

/** Whether a file is at `path`: true, false, or the provider's error text. */
export function fileExists(path: string): boolean | { detail: string } {
  try {
    return !!fileSystem().FileExists(path);
  } catch (e) {
    return { detail: errorText(e) };
  }
}

/**
 * Opens an existing file for reading, hands it to `read`, and closes it before returning: "missing" when there is no
 * file, "unreadable" with the provider's text when the check, the open or the read fails.
 */
function withFileForReading<T>(path: string, read: (file: JsProvider.File) => T): T | { kind: "missing" } | { kind: "unreadable"; detail: string } {
  const exists = fileExists(path);
  if (typeof exists !== "boolean") return { kind: "unreadable", detail: exists.detail };
  if (!exists) return { kind: "missing" };
  let file: JsProvider.File | null = null;
  try {
    file = fileSystem().OpenFile(path);
    return read(file);
  } catch (e) {
    return { kind: "unreadable", detail: errorText(e) };
  } finally {
    closeQuietly(file);
  }
}

/** At most `count` bytes from the start of the file (one ReadBytes call). */
export function readFileHead(path: string, count: number): FileHead {
  return withFileForReading(path, (file): FileHead => {
    const bytes: number[] = [];
    for (const b of file.ReadBytes(count)) {
      bytes.push(Number(b) & 0xff);
      if (bytes.length >= count) break;
    }
    return { kind: "bytes", bytes, fullPath: fullPathOf(file, path) };
  });
}

/**
 * The whole text of a file read in `encoding`, lines joined with "\n", at most `maxChars` characters (the rest is
 * dropped and `truncated` set: a file that large is not one of ours).
 */
export function readTextFileWhole(path: string, maxChars: number, encoding: TextEncoding = "Ascii"): FileRead {
  return withFileForReading(path, (file): FileRead => {
    const lines: string[] = [];
    let size = 0;
    let truncated = false;
    for (const line of fileSystem().CreateTextReader(file, encoding).ReadLineContents()) {
      const text = String(line);
      size += text.length + 1;
      if (size > maxChars) {
        truncated = true;
        break;
      }
      lines.push(text);
    }
    return { kind: "text", text: lines.join("\n"), truncated, fullPath: fullPathOf(file, path) };
  });
}

/**
 * Writes `text` ("Ascii") to `path`. Without `replace` the file is created with "CreateNew", which fails when a file
 * appeared there since the caller looked: nothing is ever replaced by accident. With `replace`, "CreateAlways".
 * One Write call for the whole text: one host call, not one per line.
 */
export function writeTextFile(path: string, text: string, replace: boolean): FileWrite {
  let file: JsProvider.File | null = null;
  try {
    file = fileSystem().CreateFile(path, replace ? "CreateAlways" : "CreateNew");
    fileSystem().CreateTextWriter(file, "Ascii").Write(text);
    return { kind: "written", fullPath: fullPathOf(file, path) };
  } catch (e) {
    return { kind: "failed", detail: errorText(e) };
  } finally {
    closeQuietly(file);
  }
}

function closeQuietly(file: JsProvider.File | null): void {
  if (!file) return;
  try {
    file.Close();
  } catch (e) {
    // Closing a handle the provider already dropped: nothing left to release.
  }
}
