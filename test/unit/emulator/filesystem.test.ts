// The emulated Debugger.Utility.FileSystem behaves as Microsoft documents it (test/emulator/filesystem.ts cites the
// pages) and takes the strict reading where the pages are silent.
import { EmulatedFileSystem, fileSystemNamespace, ERROR_FILE_EXISTS, ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND, ERROR_INVALID_NAME } from "../../emulator/filesystem";

type Api = Record<string, (...args: unknown[]) => any>;

function setup() {
  const fs = new EmulatedFileSystem();
  fs.mkdir("C:\\cases");
  let calls = 0;
  const api = fileSystemNamespace(() => fs, {
    call: () => calls++,
    newError: (m) => new Error(m),
    collection: (items) => items,
  }) as unknown as Api;
  return { fs, api, calls: () => calls };
}

describe("emulated Debugger.Utility.FileSystem", () => {
  test("WinDbg-Samples FileSystemSample.js round trip: FileExists, CreateFile + WriteLine + Close, OpenFile + ReadLine", () => {
    const { fs, api } = setup();
    const path = "C:\\cases\\HelloWorld.txt";
    expect(api.FileExists(path)).toBe(false);
    const f = api.CreateFile(path);
    api.CreateTextWriter(f).WriteLine("Hello World");
    f.Close();
    expect(api.FileExists(path)).toBe(true);
    expect(fs.readText(path)).toBe("Hello World\r\n");
    const r = api.OpenFile(path);
    expect(api.CreateTextReader(r).ReadLine()).toBe("Hello World");
    expect(() => api.CreateTextReader(r).ReadLine()).toThrow("end of the file");
    r.Close();
    expect(fs.openHandles.size).toBe(0);
  });

  test("dispositions: CreateNew fails on an existing file, CreateAlways truncates, OpenExisting needs one", () => {
    const { fs, api } = setup();
    fs.writeText("C:\\cases\\a.json", "old text");
    expect(() => api.CreateFile("C:\\cases\\a.json", "CreateNew")).toThrow(ERROR_FILE_EXISTS);
    expect(() => api.CreateFile("C:\\cases\\a.json")).toThrow(ERROR_FILE_EXISTS); // no disposition: "creates a new file"
    expect(() => api.CreateFile("C:\\cases\\b.json", "OpenExisting")).toThrow(ERROR_FILE_NOT_FOUND);
    expect(() => api.CreateFile("C:\\cases\\b.json", "Overwrite")).toThrow("Invalid disposition");
    const f = api.CreateFile("C:\\cases\\A.JSON", "CreateAlways"); // paths are case-insensitive
    expect(fs.readText("C:\\cases\\a.json")).toBe("");
    api.CreateTextWriter(f, "Ascii").Write("new");
    f.Close();
    expect(fs.readText("c:/cases/a.json")).toBe("new");
  });

  test("errors: a missing file, a missing folder, an invalid name; a directory is not a file", () => {
    const { api } = setup();
    expect(() => api.OpenFile("C:\\cases\\none.json")).toThrow(ERROR_FILE_NOT_FOUND);
    expect(() => api.CreateTextReader("C:\\cases\\none.json")).toThrow(ERROR_FILE_NOT_FOUND);
    expect(() => api.CreateFile("C:\\nowhere\\a.json", "CreateAlways")).toThrow(ERROR_PATH_NOT_FOUND);
    expect(() => api.CreateFile("C:\\cases\\a\tb.json", "CreateAlways")).toThrow(ERROR_INVALID_NAME);
    expect(() => api.OpenFile("C:\\cases\\a?.json")).toThrow(ERROR_INVALID_NAME);
    expect(api.FileExists("C:\\cases")).toBe(false);
    expect(() => api.DeleteFile("C:\\cases\\none.json")).toThrow(ERROR_FILE_NOT_FOUND);
  });

  test("read-only and write-only handles, and no use after Close", () => {
    const { fs, api } = setup();
    fs.writeText("C:\\cases\\a.txt", "x");
    const r = api.OpenFile("C:\\cases\\a.txt");
    expect(() => api.CreateTextWriter(r).Write("y")).toThrow("Access is denied");
    const w = api.CreateFile("C:\\cases\\b.txt", "CreateNew");
    expect(() => api.CreateTextReader(w).ReadLine()).toThrow("Access is denied");
    const writer = api.CreateTextWriter(w);
    w.Close();
    expect(() => writer.WriteLine("late")).toThrow("The handle is invalid.");
    expect(() => api.CreateTextWriter("C:\\cases\\c.txt")).toThrow("no disposition");
    r.Close();
  });

  test("text reader: CR LF and LF lines, the last line without a newline; Ascii writes '?' above 0x7F", () => {
    const { fs, api } = setup();
    fs.writeText("C:\\cases\\lines.txt", "one\r\ntwo\nthree");
    const f = api.OpenFile("C:\\cases\\lines.txt");
    const reader = api.CreateTextReader(f);
    expect(reader.ReadLine()).toBe("one");
    expect(reader.ReadLineContents()).toEqual(["two", "three"]);
    f.Close();
    const w = api.CreateFile("C:\\cases\\u.txt", "CreateNew");
    api.CreateTextWriter(w).WriteLineContents(["caf\u00e9", 42]);
    w.Close();
    expect(fs.readText("C:\\cases\\u.txt")).toBe("caf?\r\n42\r\n");
  });

  test("two sessions share one machine's files; relative paths resolve against CurrentDirectory", () => {
    const { fs, api } = setup();
    const other = fileSystemNamespace(() => fs, { call: () => undefined, newError: (m) => new Error(m), collection: (x) => x }) as unknown as Api;
    const f = api.CreateFile("C:\\cases\\shared.json", "CreateNew");
    api.CreateTextWriter(f).Write("{}");
    f.Close();
    expect(other.FileExists("C:\\CASES\\shared.json")).toBe(true);
    const g = other.CreateFile("notes.txt", "CreateNew");
    g.Close();
    expect(fs.exists(api.CurrentDirectory + "\\notes.txt")).toBe(true);
    expect(g.Path).toBe("C:\\Debuggers\\notes.txt");
    expect(g.Name).toBe("notes.txt");
    expect(g.Extension).toBe(".txt");
  });
});
