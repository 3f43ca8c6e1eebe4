// The debugger machine's file system as `host.namespace.Debugger.Utility.FileSystem` shows it to a script, over an
// in-memory Windows file system that several emulated sessions (two dumps opened one after the other) can share.
//
// Sources (Microsoft Learn, windows-hardware/drivers/debugger; shared research jsprovider-api.md §2.8, key D-FS):
// - "The FileSystem Namespace" (dbgmodel-namespace-file-system): CreateFile(path, [disposition]) "Creates a new file
//   at the specified path and opens it for writing. Disposition may be one of "OpenExisting", "CreateNew", or
//   "CreateAlways""; OpenFile(path) "Opens the file at the specified path for reading"; FileExists(path) "true or
//   false"; DeleteFile(path); CreateTextReader/CreateTextWriter(file | path, [encoding]) with "Ascii" (the default),
//   "Utf8" or "Utf16"; properties CurrentDirectory and TempDirectory.
// - "File Object" (dbgmodel-object-file): Close(), Delete(), Open(disposition), ReadBytes(n), WriteBytes(bytes, [n]);
//   Extension, Name, Path ("the fully qualified path"), Position, Size; "they should be closed when no longer in use
//   rather than waiting for a garbage collection".
// - "Text Writer Objects" (dbgmodel-object-text-writer): Write(object) without a newline, WriteLine(object) followed
//   by a newline, WriteContents / WriteLineContents iterate an object.
// - "Text Reader Objects" (dbgmodel-object-text-reader): ReadLine() "Reads from the file until the next end-of-line
//   (or the end-of-file marker)"; ReadLineContents() "an iterable collection of strings", one per line.
// - Usage: microsoft/WinDbg-Samples FileSystem/FileSystemSample.js (FileExists, then CreateFile + CreateTextWriter +
//   WriteLine + Close, or OpenFile + CreateTextReader + ReadLine + Close).
//
// Where the pages are silent the emulator takes the stricter reading, so code that passes here is right either way:
// - The dispositions mean what CreateFile's do (CREATE_NEW fails on an existing file, CREATE_ALWAYS truncates it,
//   OPEN_EXISTING fails on a missing one); CreateFile without a disposition is treated as "CreateNew" (the page
//   says it "creates a new file"), so a script must pass "CreateAlways" to replace a file.
// - Errors are thrown with the Win32 message texts (ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND, ERROR_FILE_EXISTS,
//   ERROR_INVALID_NAME); the real exception texts are not documented, so callers must not parse them.
// - A file from OpenFile is read-only and one from CreateFile write-only (the page says "for reading" / "for
//   writing"); a writer on a read-only file, a reader on a write-only one, or any use after Close() throws.
// - CreateTextWriter(path) is not given a disposition by the page, so a path there is refused: pass a file object.
// - "Ascii" writes each character as one byte; characters above 0x7F become '?' (as WideCharToMultiByte does for
//   the ANSI code page's unmapped characters). WriteLine ends a line with CR LF; ReadLine takes CR LF or LF and
//   throws at the end of the file (nothing more to read); ReadLineContents yields the lines left.
// - Parent directories must exist (CreateFile does not make them); paths are case-insensitive, `/` is a
//   separator, relative paths resolve against CurrentDirectory, and `< > " | ? *` or control characters are invalid.

export const ERROR_FILE_NOT_FOUND = "The system cannot find the file specified.";
export const ERROR_PATH_NOT_FOUND = "The system cannot find the path specified.";
export const ERROR_FILE_EXISTS = "The file exists.";
export const ERROR_INVALID_NAME = "The filename, directory name, or volume label syntax is incorrect.";
export const ERROR_ACCESS_DENIED = "Access is denied.";

type Disposition = "OpenExisting" | "CreateNew" | "CreateAlways";
const DISPOSITIONS: Disposition[] = ["OpenExisting", "CreateNew", "CreateAlways"];

/** An in-memory Windows file system: files hold bytes (one per character of what was written in "Ascii"). */
export class EmulatedFileSystem {
  private readonly files = new Map<string, { path: string; bytes: number[] }>();
  private readonly directories = new Set<string>();
  /** Files opened and not closed yet, by path: a test can check a command closed what it opened. */
  readonly openHandles = new Map<string, number>();
  /** Paths that exist but cannot be opened (a file locked by another process, an ACL): OpenFile throws. */
  readonly lockedFiles = new Set<string>();
  /**
   * File.ReadBytes throws as a host-side failure does (jsprovider-api.md §4: `Unspecified error (0x80004005)`). The
   * page documents the method, but few scripts use it: a reader must not depend on it alone.
   */
  readBytesFails = false;
  currentDirectory = "C:\\Debuggers";
  tempDirectory = "C:\\Users\\analyst\\AppData\\Local\\Temp";

  constructor() {
    for (const d of ["C:\\", this.currentDirectory, "C:\\Users", "C:\\Users\\analyst", "C:\\Users\\analyst\\AppData", "C:\\Users\\analyst\\AppData\\Local", this.tempDirectory]) {
      this.mkdir(d);
    }
  }

  /** Resolves a path as Windows does (drive-absolute, `\`-rooted or relative); throws ERROR_INVALID_NAME. */
  resolve(path: string): string {
    const text = String(path);
    if (text === "" || /[\x00-\x1f<>"|?*]/.test(text)) throw new FileSystemError(ERROR_INVALID_NAME);
    let p = text.replace(/\//g, "\\");
    if (/^[A-Za-z]:\\/.test(p)) {
      // absolute
    } else if (/^[A-Za-z]:/.test(p)) {
      // "C:cases\x": relative to the drive's current directory; the debugger's is on C:.
      p = this.currentDirectory + "\\" + p.slice(2);
    } else if (p.startsWith("\\")) {
      p = this.currentDirectory.slice(0, 2) + p;
    } else {
      p = this.currentDirectory + "\\" + p;
    }
    if (/:/.test(p.slice(2))) throw new FileSystemError(ERROR_INVALID_NAME);
    const parts: string[] = [];
    for (const part of p.slice(3).split("\\")) {
      if (part === "" || part === ".") continue;
      if (part === "..") parts.pop();
      else parts.push(part.replace(/[. ]+$/, "")); // Win32 drops trailing dots and spaces of a component.
    }
    return p.slice(0, 2).toUpperCase() + "\\" + parts.join("\\");
  }

  mkdir(path: string): void {
    const full = this.resolve(path);
    let at = full.slice(0, 3);
    this.directories.add(at.toLowerCase());
    for (const part of full.slice(3).split("\\").filter((x) => x)) {
      at = at.endsWith("\\") ? at + part : at + "\\" + part;
      this.directories.add(at.toLowerCase());
    }
  }

  /** Writes a file as a test fixture (making its directories), text stored one byte per character. */
  writeText(path: string, text: string): void {
    const full = this.resolve(path);
    this.mkdir(parentOf(full));
    this.files.set(full.toLowerCase(), { path: full, bytes: toBytes(text, "Ascii") });
  }

  /** Writes a file's exact bytes as a test fixture (a dump, a text saved as UTF-16 by an editor). */
  writeBytes(path: string, bytes: number[]): void {
    const full = this.resolve(path);
    this.mkdir(parentOf(full));
    this.files.set(full.toLowerCase(), { path: full, bytes: bytes.slice() });
  }

  /** The file's text (each byte one character), or undefined. */
  readText(path: string): string | undefined {
    const f = this.files.get(this.resolve(path).toLowerCase());
    return f ? fromBytes(f.bytes) : undefined;
  }

  /** Copies the files of `other` that are not here (a target builder's pooltag.txt into a shared machine). */
  mergeFrom(other: EmulatedFileSystem): this {
    other.files.forEach((f, key) => {
      if (this.files.has(key)) return;
      this.mkdir(parentOf(f.path));
      this.files.set(key, { path: f.path, bytes: f.bytes.slice() });
    });
    return this;
  }

  exists(path: string): boolean {
    try {
      return this.files.has(this.resolve(path).toLowerCase());
    } catch (e) {
      return false;
    }
  }

  delete(path: string): void {
    this.files.delete(this.resolve(path).toLowerCase());
  }

  /** Opens a file: the checks and effects of CreateFile's dispositions. */
  open(path: string, disposition: Disposition): { path: string; bytes: number[] } {
    const full = this.resolve(path);
    const key = full.toLowerCase();
    if (this.directories.has(key)) throw new FileSystemError(ERROR_ACCESS_DENIED);
    if (!this.directories.has(parentOf(full).toLowerCase())) throw new FileSystemError(ERROR_PATH_NOT_FOUND);
    const existing = this.files.get(key);
    if (existing && this.lockedFiles.has(key)) throw new FileSystemError("The process cannot access the file because it is being used by another process.");
    if (disposition === "OpenExisting" && !existing) throw new FileSystemError(ERROR_FILE_NOT_FOUND);
    if (disposition === "CreateNew" && existing) throw new FileSystemError(ERROR_FILE_EXISTS);
    let file = existing;
    if (!file || disposition === "CreateAlways") {
      file = { path: full, bytes: [] };
      this.files.set(key, file);
    }
    return file;
  }
}

export class FileSystemError extends Error {}

function parentOf(full: string): string {
  const i = full.lastIndexOf("\\");
  return i <= 2 ? full.slice(0, 3) : full.slice(0, i);
}

function toBytes(text: string, encoding: string): number[] {
  const out: number[] = [];
  if (encoding === "Utf16") {
    for (let i = 0; i < text.length; i++) out.push(text.charCodeAt(i) & 0xff, text.charCodeAt(i) >> 8);
  } else if (encoding === "Utf8") {
    for (const b of Buffer.from(text, "utf8")) out.push(b);
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      out.push(c > 0x7f ? 0x3f : c);
    }
  }
  return out;
}

function fromBytes(bytes: number[], encoding = "Ascii"): string {
  if (encoding === "Utf16") {
    let s = "";
    for (let i = 0; i + 1 < bytes.length; i += 2) s += String.fromCharCode(bytes[i] | (bytes[i + 1] << 8));
    return s;
  }
  if (encoding === "Utf8") return Buffer.from(bytes).toString("utf8");
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.slice(i, i + 0x8000));
  return s;
}

export interface FileSystemRealm {
  /** Counts one host call. */
  call(): void;
  /** An Error of the script's realm (what the provider throws into the script). */
  newError(message: string): Error;
  /** An array of the script's realm with the LINQ methods the data model adds. */
  collection<T>(items: T[]): T[];
}

/** The `Debugger.Utility.FileSystem` namespace object over the file system `fileSystem()` returns at each call. */
export function fileSystemNamespace(fileSystem: () => EmulatedFileSystem, realm: FileSystemRealm): Record<string, unknown> {
  const fail = (e: unknown): never => {
    throw realm.newError(e instanceof Error ? e.message : String(e));
  };
  const guard = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      return fail(e);
    }
  };
  const checkDisposition = (d: unknown): Disposition => {
    if (d === undefined) return "CreateNew";
    if (typeof d !== "string" || DISPOSITIONS.indexOf(d as Disposition) < 0) {
      return fail(new Error("Invalid disposition '" + String(d) + "': expected OpenExisting, CreateNew or CreateAlways"));
    }
    return d as Disposition;
  };
  const checkEncoding = (e: unknown): string => {
    if (e === undefined) return "Ascii";
    if (e !== "Ascii" && e !== "Utf8" && e !== "Utf16") return fail(new Error("Invalid encoding '" + String(e) + "': expected Ascii, Utf8 or Utf16"));
    return e;
  };

  /** A file object: the handle stays usable until Close(). */
  function fileObject(path: string, disposition: Disposition, mode: "read" | "write") {
    const fs = fileSystem();
    const data = guard(() => fs.open(path, disposition));
    const key = data.path.toLowerCase();
    fs.openHandles.set(key, (fs.openHandles.get(key) || 0) + 1);
    let open = true;
    let position = 0;
    const live = () => {
      if (!open) fail(new Error("The handle is invalid."));
    };
    const name = data.path.slice(data.path.lastIndexOf("\\") + 1);
    const file = {
      __emulatedFile: true,
      get Path() {
        return data.path;
      },
      get Name() {
        return name;
      },
      get Extension() {
        const dot = name.lastIndexOf(".");
        return dot < 0 ? "" : name.slice(dot);
      },
      get Size() {
        return data.bytes.length;
      },
      get Position() {
        return position;
      },
      Close() {
        realm.call();
        if (!open) return;
        open = false;
        const n = (fs.openHandles.get(key) || 1) - 1;
        if (n) fs.openHandles.set(key, n);
        else fs.openHandles.delete(key);
      },
      Delete() {
        realm.call();
        live();
        fs.delete(data.path);
      },
      Open() {
        realm.call();
        return fail(new Error("File.Open is not emulated: open the path with OpenFile or CreateFile"));
      },
      ReadBytes(count: number) {
        realm.call();
        live();
        if (mode !== "read") fail(new Error(ERROR_ACCESS_DENIED));
        if (fs.readBytesFails) fail(new Error("Unspecified error (0x80004005)"));
        const out = data.bytes.slice(position, position + Math.max(0, count | 0));
        position += out.length;
        return realm.collection(out);
      },
      WriteBytes(bytes: Iterable<number>, count?: number) {
        realm.call();
        live();
        if (mode !== "write") fail(new Error(ERROR_ACCESS_DENIED));
        const all = Array.from(bytes);
        write(count === undefined ? all : all.slice(0, count));
      },
      // Internal to the emulator's readers and writers.
      __read(): { bytes: number[]; position: number; advance(n: number): void } {
        live();
        if (mode !== "read") fail(new Error(ERROR_ACCESS_DENIED));
        return { bytes: data.bytes, position, advance: (n: number) => (position += n) };
      },
      __write(bytes: number[]) {
        live();
        if (mode !== "write") fail(new Error(ERROR_ACCESS_DENIED));
        write(bytes);
      },
    };
    function write(bytes: number[]) {
      data.bytes.splice(position, bytes.length, ...bytes);
      position += bytes.length;
    }
    return file;
  }

  type EmulatedFile = ReturnType<typeof fileObject>;
  const isFile = (x: unknown): x is EmulatedFile => !!x && typeof x === "object" && (x as { __emulatedFile?: boolean }).__emulatedFile === true;

  function textReader(file: EmulatedFile, encoding: string) {
    const unit = encoding === "Utf16" ? 2 : 1;
    const nextLine = (): string | null => {
      const r = file.__read();
      if (r.position >= r.bytes.length) return null;
      let end = r.position;
      const isNewline = (i: number) => r.bytes[i] === 0x0a && (unit === 1 || r.bytes[i + 1] === 0);
      while (end < r.bytes.length && !isNewline(end)) end += unit;
      let stop = end;
      const cr = (i: number) => r.bytes[i] === 0x0d && (unit === 1 || r.bytes[i + 1] === 0);
      if (stop - unit >= r.position && cr(stop - unit) && end < r.bytes.length) stop -= unit;
      const line = fromBytes(r.bytes.slice(r.position, stop), encoding);
      r.advance(Math.min(r.bytes.length, end + unit) - r.position);
      return line;
    };
    return {
      ReadLine() {
        realm.call();
        const line = guard(nextLine);
        if (line === null) return fail(new Error("Reached the end of the file."));
        return line;
      },
      ReadLineContents() {
        realm.call();
        const lines: string[] = [];
        for (let line = guard(nextLine); line !== null; line = guard(nextLine)) lines.push(line);
        return realm.collection(lines);
      },
    };
  }

  function textWriter(file: EmulatedFile, encoding: string) {
    const put = (text: string) => guard(() => file.__write(toBytes(text, encoding)));
    const str = (v: unknown) => String(v);
    return {
      Write(value: unknown) {
        realm.call();
        put(str(value));
      },
      WriteLine(value: unknown) {
        realm.call();
        put(str(value) + "\r\n");
      },
      WriteContents(values: Iterable<unknown>) {
        realm.call();
        for (const v of values) put(str(v));
      },
      WriteLineContents(values: Iterable<unknown>) {
        realm.call();
        for (const v of values) put(str(v) + "\r\n");
      },
    };
  }

  return {
    get CurrentDirectory() {
      return fileSystem().currentDirectory;
    },
    get TempDirectory() {
      return fileSystem().tempDirectory;
    },
    FileExists(path: unknown) {
      realm.call();
      if (typeof path !== "string") return fail(new Error("FileExists expects a path string"));
      return fileSystem().exists(path);
    },
    OpenFile(path: unknown) {
      realm.call();
      if (typeof path !== "string") return fail(new Error("OpenFile expects a path string"));
      return fileObject(path, "OpenExisting", "read");
    },
    CreateFile(path: unknown, disposition?: unknown) {
      realm.call();
      if (typeof path !== "string") return fail(new Error("CreateFile expects a path string"));
      return fileObject(path, checkDisposition(disposition), "write");
    },
    CreateTempFile() {
      realm.call();
      let n = 1;
      while (fileSystem().exists(fileSystem().tempDirectory + "\\dbg" + n + ".tmp")) n++;
      return fileObject(fileSystem().tempDirectory + "\\dbg" + n + ".tmp", "CreateNew", "write");
    },
    DeleteFile(path: unknown) {
      realm.call();
      if (typeof path !== "string") return fail(new Error("DeleteFile expects a path string"));
      guard(() => {
        if (!fileSystem().exists(path)) throw new FileSystemError(ERROR_FILE_NOT_FOUND);
        fileSystem().delete(path);
      });
      return undefined;
    },
    CreateTextReader(fileOrPath: unknown, encoding?: unknown) {
      realm.call();
      const enc = checkEncoding(encoding);
      // A path opens the file for reading, as OpenFile does.
      const file = typeof fileOrPath === "string" ? fileObject(fileOrPath, "OpenExisting", "read") : fileOrPath;
      if (!isFile(file)) return fail(new Error("CreateTextReader expects a file object or a path"));
      return textReader(file, enc);
    },
    CreateTextWriter(fileOrPath: unknown, encoding?: unknown) {
      realm.call();
      const enc = checkEncoding(encoding);
      if (typeof fileOrPath === "string") {
        return fail(new Error("CreateTextWriter(path): the documentation gives no disposition for a path; the emulator refuses it (pass a file from CreateFile)"));
      }
      if (!isFile(fileOrPath)) return fail(new Error("CreateTextWriter expects a file object"));
      return textWriter(fileOrPath, enc);
    },
  };
}
