// The README keeps up with the code: every registered command has a row in the quick start's command table and a
// help (`!leaktools "name"`), and every field a command's help names or its result actually carries is documented
// in the README or in the per-command page its row links to. Derived from the built bundle's registered aliases, so
// a command added without docs or help fails here.
import * as fs from "fs";
import * as path from "path";
import { DebuggerSession } from "../emulator/session";
import { seed000 } from "../targets/pool-scenes";
import { loadScenes } from "../../samples/demo";

const ROOT = path.resolve(__dirname, "../..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

function registered(): string[] {
  const s = DebuggerSession.load(seed000().target);
  return Array.from(s.control.aliases.keys()).sort();
}

/** The quick start's table row for a command: its first cell names `!name` or `@$name(`. */
function rowOf(name: string): string | null {
  const rows = README.split("\n").filter((l) => l.startsWith("| `"));
  return rows.find((r) => {
    const first = r.split("|")[1] || "";
    return first.indexOf("!" + name + " ") >= 0 || first.indexOf("!" + name + "`") >= 0 || first.indexOf("@$" + name + "(") >= 0;
  }) || null;
}

/** The README plus the pages the command's row links to. */
function docsOf(name: string): string {
  const row = rowOf(name) || "";
  let text = README;
  const links = row.match(/\]\((docs\/[^)#]+)\)/g) || [];
  for (const l of links) {
    const file = path.join(ROOT, l.slice(2, -1));
    if (fs.existsSync(file)) text += "\n" + fs.readFileSync(file, "utf8");
  }
  return text;
}

function documented(docs: string, field: string): boolean {
  return docs.indexOf("`" + field + "`") >= 0 || docs.indexOf("`" + field + "[]`") >= 0;
}

/** Field names the help's "Result" part names: its entries' names and the field lists after a colon. */
function helpFields(help: string): string[] {
  const lines = help.split("\n");
  const start = lines.findIndex((l) => l.startsWith("Result"));
  if (start < 0) return [];
  const fields: string[] = [];
  for (let i = start + 1; i < lines.length && lines[i].startsWith("  "); i++) {
    const m = lines[i].match(/^ {2}(.+?) {2,}(.*)$/);
    if (!m) continue;
    for (const n of m[1].split(/,\s*/)) if (/^[A-Z][A-Za-z]+$/.test(n)) fields.push(n);
    const colon = m[2].indexOf(": ");
    if (colon >= 0) for (const n of m[2].slice(colon + 2).split(/,\s*/)) if (/^[A-Z][A-Za-z]+$/.test(n.trim())) fields.push(n.trim());
  }
  return fields;
}

describe("README and the registered commands", () => {
  const names = registered();

  test("the bundle registers the commands", () => {
    expect(names.length).toBeGreaterThanOrEqual(12);
  });

  test.each(names)("%s has a row in the quick start's command table", (name) => {
    expect(rowOf(name)).not.toBeNull();
  });

  test.each(names)("%s has a help with arguments or none, result fields and examples", (name) => {
    const s = DebuggerSession.load(seed000().target);
    const help = s.run('!leaktools "' + name + '"').output;
    expect(help).not.toContain("no further help");
    expect(help).toContain("Examples:");
    expect(help).toMatch(/Result \(dx @\$/);
  });

  test.each(names)("%s: every field its help names is documented", (name) => {
    const s = DebuggerSession.load(seed000().target);
    const help = s.run('!leaktools "' + name + '"').output;
    const docs = docsOf(name);
    const missing = helpFields(help).filter((f) => !documented(docs, f));
    expect(missing).toEqual([]);
  });
});

describe("the fields the commands really return are documented", () => {
  /** Keys of a returned record and of the first element of each of its collections, per command. */
  const seen = new Map<string, Set<string>>();
  const note = (name: string, key: string) => {
    if (!seen.has(name)) seen.set(name, new Set());
    seen.get(name)!.add(key);
  };
  const collect = (name: string, value: unknown, depth: number) => {
    if (!value || typeof value !== "object" || depth > 2) return;
    if (Array.isArray(value)) {
      if (value.length) collect(name, value[0], depth + 1);
      return;
    }
    for (const key of Object.keys(value)) {
      note(name, key);
      collect(name, (value as Record<string, unknown>)[key], depth + 1);
    }
  };
  for (const scene of loadScenes()) {
    const sessions = [{ build: scene.build, commands: scene.commands }].concat(scene.then || []);
    for (const part of sessions) {
      const session = DebuggerSession.load(part.build());
      for (const command of part.commands) {
        const result = session.run(command);
        // Only the whole result: `!name args` or `dx @$name(args)` with nothing after the call.
        const m = command.match(/^!(\w+)/) || command.match(/^dx (?:-g )?@\$(\w+)\([^)]*\)$/);
        if (m) collect(m[1], result.value, 0);
      }
    }
  }

  test("the scenes return records", () => {
    expect(seen.size).toBeGreaterThanOrEqual(6);
  });

  test.each(Array.from(seen.keys()).sort())("%s: every field returned in the samples is documented", (name) => {
    const docs = docsOf(name);
    const missing = Array.from(seen.get(name)!).filter((f) => !documented(docs, f));
    expect(missing).toEqual([]);
  });
});
