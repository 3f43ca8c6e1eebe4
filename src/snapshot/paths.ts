// A file path typed inside dx quotes, checked before any file is touched: dx reads `\t`, `\n`, `\b`... in a string
// literal as escapes, so `"C:\temp\before.json"` arrives with a tab and a backspace. Pure; used by every command that
// takes a path (@$leaks save/compare, !pooltagfile, @$heapleaks).

export type PathCheck =
  | { path: string }
  /** Not a non-empty string; `given` is what came instead. */
  | { problem: "missing" }
  /** Control characters, named (`a tab and a backspace`); `typed` is the path as it should have been typed. */
  | { problem: "mangled"; what: string; typed: string }
  /** `< > " | ? *` or longer than Windows allows. */
  | { problem: "invalid" }
  /** `C:cases\x.json`: relative to the drive's current folder, most likely a path whose backslashes dx dropped. */
  | { problem: "driveRelative" };

export function checkPath(value: unknown): PathCheck {
  if (typeof value !== "string" || value.trim() === "") return { problem: "missing" };
  const controls = value.match(/[\x00-\x1f\x7f]/g);
  if (controls) return { problem: "mangled", what: describeControls(controls), typed: typedPath(value) };
  if (/[<>"|?*]/.test(value) || value.length > 32767) return { problem: "invalid" };
  if (/^[A-Za-z]:[^\\/]/.test(value)) return { problem: "driveRelative" };
  return { path: value };
}

/** The escape a control character most likely came from (`\t` typed in `C:\temp`), for the message. */
const ESCAPES: { [c: string]: string } = { "\t": "t", "\n": "n", "\r": "r", "\0": "0", "\x07": "a", "\b": "b", "\f": "f", "\x0b": "v" };

/** The control characters of a mangled path, named once each (`a tab and a backspace`). */
export function describeControls(found: string[]): string {
  // dx's C++ string literals also take \a \b \f \v (C:\temp\before.json arrives with a tab and a backspace).
  const names: { [c: string]: string } = {
    "\t": "a tab", "\n": "a line break", "\r": "a carriage return", "\0": "a NUL character",
    "\x07": "an alert (bell) character", "\b": "a backspace", "\f": "a form feed", "\x0b": "a vertical tab",
  };
  const seen: string[] = [];
  for (const c of found) {
    const name = names[c] || "control character 0x" + c.charCodeAt(0).toString(16);
    if (seen.indexOf(name) < 0) seen.push(name);
  }
  return seen.join(" and ");
}

/** The path as it must be typed inside dx quotes: backslashes doubled, control characters back to their escape. */
export function typedPath(path: string): string {
  let out = "";
  for (const c of path) {
    if (c === "\\") out += "\\\\";
    else if (ESCAPES[c] !== undefined) out += "\\\\" + ESCAPES[c];
    else if (c < " ") out += "\\\\" + c.charCodeAt(0).toString(8); // an octal escape (`\1` in `C:\cases\1.json`)
    else out += c;
  }
  return out;
}

/**
 * Names to offer instead of a file that must not be replaced, best first: the same name with `.json`, then
 * `-2.json` ... `-9.json` (`C:\cases\after.dmp` -> `C:\cases\after.json`, `C:\cases\after-2.json`).
 */
export function alternativeNames(path: string): string[] {
  const slash = Math.max(path.lastIndexOf("\\"), path.lastIndexOf("/"));
  const dot = path.lastIndexOf(".");
  const stem = dot > slash + 1 ? path.slice(0, dot) : path;
  const out: string[] = [];
  if (stem + ".json" !== path) out.push(stem + ".json");
  for (let n = 2; n <= 9; n++) out.push(stem + "-" + n + ".json");
  return out;
}

/**
 * The full path a path names, for messages about a file that is not there (a file that is there reports its own
 * File.Path): `before.json` in `C:\Debuggers` is `C:\Debuggers\before.json`. Absolute and UNC paths are kept; `.`
 * and `..` are left for Windows to resolve.
 */
export function resolvedPath(path: string, currentDirectory: string | null): string {
  if (currentDirectory === null || /^[A-Za-z]:[\\/]/.test(path) || /^[\\/]{2}/.test(path)) return path;
  if (/^[\\/]/.test(path)) return currentDirectory.slice(0, 2) + path;
  return currentDirectory.replace(/[\\/]+$/, "") + "\\" + path;
}
