// Writes test/fixtures/pdb-layouts/kernel-x64.json: the structures and global symbols leaktools reads, for every
// x64 kernel build of the shared ISF data set (research/isf: Volatility 3 symbol tables that JPCERT/CC generated
// from Microsoft's public ntkrnlmp.pdb files, BSD-3-Clause). The data set is read only here, at generation time, from
// the folder given; tests read the fixture. Run: npx tsx scripts/extract-pdb-layouts.ts <path/to/research/isf>
//
// Kept per structure: its whole ISF definition (every field, as the PDB has it) and, recursively, every structure or
// union embedded in it by value (_LIST_ENTRY, _SLIST_HEADER, the unnamed unions), so that emulated targets "with
// symbols" show the PDB's real types. Pointed-to structures are kept by name only. Identical definitions are stored
// once (keyed by a short hash of their text), identical build type maps once.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/** Structures the code reads (src/layouts/*.ts) or the target builders write (test/targets/*.ts). */
export const ROOT_TYPES = [
  "_POOL_TRACKER_TABLE",
  "_POOL_TRACKER_BIG_PAGES",
  "_POOL_HEADER",
  "_VF_TARGET_VERIFIED_DRIVER_DATA",
  "_VI_POOL_ENTRY",
  "_VI_POOL_ENTRY_INUSE",
  "_VI_POOL_PAGE_HEADER",
  "_HEAP",
  "_HEAP_SEGMENT",
  "_HEAP_VIRTUAL_ALLOC_ENTRY",
  "_SEGMENT_HEAP",
  "_EXCEPTION_RECORD",
  "_EXCEPTION_POINTERS",
  "_CONTEXT",
  "_PEB",
  "_LDR_DATA_TABLE_ENTRY",
  "_KSYSTEM_TIME",
  "_KUSER_SHARED_DATA",
  // The segment-heap pool (src/layouts/segment-heap.ts); _SEGMENT_HEAP above brings _HEAP_SEG_CONTEXT.
  "_EX_POOL_HEAP_MANAGER_STATE",
  "_RTLP_HP_HEAP_GLOBALS",
  "_HEAP_PAGE_SEGMENT",
  "_HEAP_VS_SUBSEGMENT",
  "_HEAP_VS_CHUNK_HEADER",
  "_HEAP_LFH_SUBSEGMENT",
];

/**
 * Large structures of which the code reads a few fields: only those are kept (the type is marked `partial`, and
 * emulated targets do not present it as a symbol file's type).
 */
export const PARTIAL_TYPES: { [name: string]: string[] } = {
  _PEB: ["ImageBaseAddress", "Ldr", "ProcessHeap", "NtGlobalFlag", "NumberOfHeaps", "MaximumNumberOfHeaps", "ProcessHeaps", "OSBuildNumber"],
  _LDR_DATA_TABLE_ENTRY: ["InLoadOrderLinks", "DllBase", "EntryPoint", "SizeOfImage", "FullDllName", "BaseDllName", "Flags"],
  _KUSER_SHARED_DATA: ["SystemTime"],
  _EX_POOL_HEAP_MANAGER_STATE: ["NumberOfPools", "PoolNode", "SpecialHeaps"],
  _EX_HEAP_POOL_NODE: ["Heaps"],
  _RTLP_HP_HEAP_GLOBALS: ["HeapKey", "LfhKey"],
};

/** Global symbols the code looks up by name (src/pool, src/bugcheck, src/host, src/commands). */
export const SYMBOLS = [
  "NtBuildNumber",
  "PoolTrackTable",
  "PoolTrackTableSize",
  "PoolTrackTableExpansion",
  "PoolTrackTableExpansionSize",
  "ExPoolTagTables",
  "KeNumberProcessors",
  "PoolBigPageTable",
  "PoolBigPageTableSize",
  "KiBugCheckData",
  "ViTargetDriversAvl",
  "ExPoolState",
  "RtlpHpHeapGlobals",
];

export interface IsfType {
  kind: string;
  name?: string;
  subtype?: IsfType;
  type?: IsfType;
  count?: number;
  bit_position?: number;
  bit_length?: number;
  /** Inline definitions of unnamed nested types (see inlineUnnamed). */
  fields?: [string, number, IsfType][];
}

interface IsfUserType {
  kind: string;
  size: number;
  fields: { [name: string]: { offset: number; type: IsfType; anonymous?: boolean } };
}

interface BuildLine {
  version: string;
  os: string;
  guid: string;
  age: number;
  source: string;
  layouts: string;
  symbols: { [name: string]: number };
}

function hash(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex").slice(0, 10);
}

/** A type's text with its fields in offset order (the ISF sorts them by name), so the fixture reads like `dt`. */
function canonical(name: string, t: IsfUserType, user: { [n: string]: IsfUserType }): { name: string; kind: string; size: number; fields: [string, number, unknown][] } {
  const fields = Object.keys(t.fields)
    .map((f) => [f, t.fields[f].offset, inlineUnnamed(t.fields[f].type, user)] as [string, number, IsfType])
    .sort((a, b) => a[1] - b[1] || bitPosition(a[2]) - bitPosition(b[2]) || (a[0] < b[0] ? -1 : 1));
  return { name, kind: t.kind, size: t.size, fields };
}

/**
 * The PDB gives nested unions and structs without a tag a name per build (`__unnamed_2b5d`, `__anonymous_2958` in
 * the ISF; WinDbg shows `<unnamed-tag>`): such a type is written into the field that holds it, so that one
 * structure's definition does not differ between builds by that name alone.
 */
function inlineUnnamed(t: IsfType, user: { [n: string]: IsfUserType }): unknown {
  if ((t.kind === "struct" || t.kind === "union") && t.name && /^__(unnamed|anonymous)_/.test(t.name) && user[t.name]) {
    const def = canonical("<unnamed-tag>", user[t.name], user);
    return { kind: t.kind, name: "<unnamed-tag>", size: def.size, fields: def.fields };
  }
  if (t.kind === "array" && t.subtype) return { ...t, subtype: inlineUnnamed(t.subtype, user) };
  return t;
}

function bitPosition(t: IsfType): number {
  return t.kind === "bitfield" ? t.bit_position || 0 : -1;
}

/** Structures and unions a field holds by value (not through a pointer). */
function embedded(t: IsfType, out: string[]): void {
  if ((t.kind === "struct" || t.kind === "union") && t.name && !/^__(unnamed|anonymous)_/.test(t.name)) out.push(t.name);
  else if ((t.kind === "struct" || t.kind === "union") && t.fields) {
    for (const f of t.fields) embedded(f[2], out);
  }
  else if (t.kind === "array" && t.subtype) embedded(t.subtype, out);
  else if (t.kind === "bitfield" && t.type) embedded(t.type, out);
}

export function extract(isfDir: string): string {
  const builds = JSON.parse(fs.readFileSync(path.join(isfDir, "builds.json"), "utf8")) as BuildLine[];
  const types: { [id: string]: unknown } = {};
  const typeSets: { [id: string]: { [name: string]: string } } = {};
  const rows: unknown[] = [];
  const cache = new Map<string, string>();
  for (const b of builds) {
    let setId = cache.get(b.layouts);
    if (!setId) {
      const user = (JSON.parse(fs.readFileSync(path.join(isfDir, b.layouts), "utf8")) as { user_types: { [n: string]: IsfUserType } }).user_types;
      const set: { [name: string]: string } = {};
      const queue = ROOT_TYPES.filter((n) => user[n]);
      while (queue.length) {
        const name = queue.shift()!;
        if (set[name] || !user[name]) continue;
        const whole = canonical(name, user[name], user);
        const keep = PARTIAL_TYPES[name];
        const text = JSON.stringify(keep ? { ...whole, partial: true, fields: whole.fields.filter((f) => keep.indexOf(f[0]) >= 0) } : whole);
        const id = hash(text);
        types[id] = JSON.parse(text);
        set[name] = id;
        const inner: string[] = [];
        for (const f of (types[id] as { fields: [string, number, IsfType][] }).fields) embedded(f[2], inner);
        queue.push(...inner);
      }
      const sorted: { [name: string]: string } = {};
      for (const n of Object.keys(set).sort()) sorted[n] = set[n];
      setId = hash(JSON.stringify(sorted));
      typeSets[setId] = sorted;
      cache.set(b.layouts, setId);
    }
    const rvas = SYMBOLS.map((s) => (b.symbols[s] !== undefined ? b.symbols[s] : null));
    rows.push([b.version, b.os, b.guid + "-" + b.age, setId, rvas]);
  }
  rows.sort((a, b) => compareVersions((a as string[])[0], (b as string[])[0]));
  // One line per build, per type map and per type: small diffs when the data set grows.
  const lines: string[] = [];
  lines.push("{");
  lines.push(
    '"about": ' +
      JSON.stringify(
        "x64 kernel structures and global symbol RVAs that leaktools reads, for every build of research/isf (sliced from " +
          "JPCERTCC/Windows-Symbol-Tables commit 11ad856, Volatility 3 ISF tables generated from Microsoft's public " +
          "ntkrnlmp.pdb files; BSD-3-Clause, see LICENSE-JPCERTCC here). Generated by scripts/extract-pdb-layouts.ts; " +
          "fields are [name, offset, ISF type]; structures held by value are kept whole (partial ones: only the fields read), pointed-to ones by name.",
      ) +
      ",",
  );
  lines.push('"buildColumns": ' + JSON.stringify(["version", "os", "pdb (GUID-age)", "typeSet", "symbol RVAs (symbolColumns; null: not in the PDB)"]) + ",");
  lines.push('"symbolColumns": ' + JSON.stringify(SYMBOLS) + ",");
  lines.push('"builds": [');
  rows.forEach((r, i) => lines.push(JSON.stringify(r) + (i < rows.length - 1 ? "," : "")));
  lines.push("],");
  lines.push('"typeSets": {');
  const setIds = Object.keys(typeSets).sort();
  setIds.forEach((id, i) => lines.push(JSON.stringify(id) + ": " + JSON.stringify(typeSets[id]) + (i < setIds.length - 1 ? "," : "")));
  lines.push("},");
  lines.push('"types": {');
  const typeIds = Object.keys(types).sort();
  typeIds.forEach((id, i) => lines.push(JSON.stringify(id) + ": " + JSON.stringify(types[id]) + (i < typeIds.length - 1 ? "," : "")));
  lines.push("}");
  lines.push("}");
  return lines.join("\n") + "\n";
}

function compareVersions(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] || 0) !== (y[i] || 0)) return (x[i] || 0) - (y[i] || 0);
  return 0;
}

if (require.main === module) {
  const isfDir = process.argv[2];
  if (!isfDir) {
    process.stderr.write("usage: npx tsx scripts/extract-pdb-layouts.ts <path/to/research/isf>\n");
    process.exit(2);
  }
  const outDir = path.resolve(__dirname, "../test/fixtures/pdb-layouts");
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, "kernel-x64.json"), extract(isfDir));
  fs.copyFileSync(path.join(isfDir, "LICENSE-JPCERTCC"), path.join(outDir, "LICENSE-JPCERTCC"));
  process.stdout.write("wrote " + path.join(outDir, "kernel-x64.json") + "\n");
}
