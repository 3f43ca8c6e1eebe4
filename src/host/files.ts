// Files on the debugger's machine, through `Debugger.Utility.FileSystem` (jsprovider-api.md §2.8; Microsoft Learn
// "The FileSystem Namespace", "File Object", "Text Reader Objects", "Text Writer Objects"). Only text files, written
// and read as "Ascii" (the default encoding); every file opened here is closed before the call returns, as the
// File Object page asks of garbage-collected scripts. Nothing here throws: failures come back as values whose
// `detail` is the provider's own text, for the message to quote (its wording is not documented, so it is never parsed).
import { errorText } from "./target";

export type FileRead = { kind: "text"; text: string; truncated: boolean } | { kind: "missing" } | { kind: "unreadable"; detail: string };
export type FileWrite = { kind: "written"; replaced: boolean } | { kind: "failed"; detail: string };

function fileSystem(): JsProvider.FileSystem {
  return host.namespace.Debugger.Utility.FileSystem;
}

/**
 * The whole text of a file, lines joined with "\n", at most `maxChars` characters (the rest is dropped and
 * `truncated` set: a file that large is not one of ours).
 */
export function readTextFileWhole(path: string, maxChars: number): FileRead {
  let exists: boolean;
  try {
    exists = !!fileSystem().FileExists(path);
  } catch (e) {
    return { kind: "unreadable", detail: errorText(e) };
  }
  if (!exists) return { kind: "missing" };
  let file: JsProvider.File | null = null;
  try {
    file = fileSystem().OpenFile(path);
    const lines: string[] = [];
    let size = 0;
    let truncated = false;
    for (const line of fileSystem().CreateTextReader(file, "Ascii").ReadLineContents()) {
      const text = String(line);
      size += text.length + 1;
      if (size > maxChars) {
        truncated = true;
        break;
      }
      lines.push(text);
    }
    return { kind: "text", text: lines.join("\n"), truncated };
  } catch (e) {
    return { kind: "unreadable", detail: errorText(e) };
  } finally {
    closeQuietly(file);
  }
}

/**
 * Writes `text` to `path`, replacing a file that is there ("CreateAlways", after FileExists says whether one was,
 * so the caller can say it replaced it). One Write call for the whole text: one host call, not one per line.
 */
export function writeTextFile(path: string, text: string): FileWrite {
  let replaced: boolean;
  let file: JsProvider.File | null = null;
  try {
    replaced = !!fileSystem().FileExists(path);
    file = fileSystem().CreateFile(path, "CreateAlways");
    fileSystem().CreateTextWriter(file, "Ascii").Write(text);
  } catch (e) {
    return { kind: "failed", detail: errorText(e) };
  } finally {
    closeQuietly(file);
  }
  return { kind: "written", replaced };
}

function closeQuietly(file: JsProvider.File | null): void {
  if (!file) return;
  try {
    file.Close();
  } catch (e) {
    // Closing a handle the provider already dropped: nothing left to release.
  }
}
