// Writes test/fixtures/segment-heap/ntkrnlmp-<build>.json, the segment-heap pool slice one emulated kernel is laid out
// from (test/targets/segment-heap.ts), for a kernel build of the research ISF data set (research/isf: Volatility 3
// symbol tables that JPCERT/CC generated from Microsoft's public ntkrnlmp.pdb files, BSD-3-Clause). The four slices
// the research copy shipped (17763, 19041, 20348, 22000) are rebuilt by this script field for field
// (`--check <slice>` compares); it was written to add 18362, which the research copy lacks.
// Run: npx tsx scripts/extract-segment-heap-slice.ts <path/to/research/isf> <version, e.g. 10.0.18362.836> [--check <slice.json>]
import * as fs from "fs";
import * as path from "path";
import * as assert from "assert";
import type { IsfType } from "./extract-pdb-layouts";

interface IsfUserType {
  kind: string;
  size: number;
  fields: { [name: string]: { offset: number; type: IsfType } };
}
interface IsfFile {
  user_types: { [name: string]: IsfUserType };
  enums: { [name: string]: { size: number; base: string } };
}
type SliceField = [string, number, number, string] | [string, number, number, string, number, number];

/** Types the slices hold whole: the pool's heap manager state down to the blocks, with what they embed. */
const WHOLE = [
  "_EX_HEAP_POOL_NODE", "_EX_POOL_HEAP_MANAGER_STATE", "_HEAP_DESCRIPTOR_KEY", "_HEAP_LFH_AFFINITY_SLOT", "_HEAP_LFH_BUCKET",
  "_HEAP_LFH_CONTEXT", "_HEAP_LFH_FAST_REF", "_HEAP_LFH_SUBSEGMENT", "_HEAP_LFH_SUBSEGMENT_DELAY_FREE",
  "_HEAP_LFH_SUBSEGMENT_ENCODED_OFFSETS", "_HEAP_LFH_SUBSEGMENT_OWNER", "_HEAP_PAGE_RANGE_DESCRIPTOR", "_HEAP_PAGE_SEGMENT",
  "_HEAP_SEG_CONTEXT", "_HEAP_VS_CHUNK_FREE_HEADER", "_HEAP_VS_CHUNK_HEADER", "_HEAP_VS_CHUNK_HEADER_SIZE", "_HEAP_VS_CONTEXT",
  "_HEAP_VS_DELAY_FREE_CONTEXT", "_HEAP_VS_SUBSEGMENT", "_LIST_ENTRY", "_POOL_HEADER", "_POOL_TRACKER_BIG_PAGES",
  "_RTLP_HP_HEAP_GLOBALS", "_RTLP_HP_HEAP_MANAGER", "_RTL_BALANCED_NODE", "_RTL_HP_LFH_CONFIG", "_RTL_HP_VS_CONFIG",
  "_RTL_RB_TREE", "_SEGMENT_HEAP", "_SINGLE_LIST_ENTRY", "_SLIST_HEADER",
];
const SYMBOLS = ["ExPoolState", "RtlpHpHeapGlobals", "PoolBigPageTable", "PoolBigPageTableSize", "PoolTrackTable", "NtBuildNumber", "ExpPoolFlags", "KeNumberProcessors", "PsLoadedModuleList"];
const BASE_SIZES: { [name: string]: number } = {
  char: 1, "unsigned char": 1, short: 2, "unsigned short": 2, int: 4, "unsigned int": 4, long: 4, "unsigned long": 4,
  "long long": 8, "unsigned long long": 8, void: 1, bool: 1, wchar_t: 2,
};
const ANONYMOUS = /^__(unnamed|anonymous)_/;

/** A type's name as the shipped slices spell it (WinDbg's `unsigned __int64`; an enum as its base type). */
function spelling(t: IsfType, isf: IsfFile): string {
  switch (t.kind) {
    case "base":
      return t.name === "unsigned long long" ? "unsigned __int64" : t.name === "long long" ? "__int64" : t.name!;
    case "pointer":
      return spelling(t.subtype!, isf) + " *";
    case "array":
      return spelling(t.subtype!, isf) + " [" + t.count + "]";
    case "bitfield":
      return spelling(t.type!, isf);
    case "function":
      return "<function>";
    case "enum":
      return spelling({ kind: "base", name: isf.enums[t.name!].base }, isf);
    default:
      return t.name!;
  }
}

function sizeOf(t: IsfType, isf: IsfFile): number {
  switch (t.kind) {
    case "base":
      return BASE_SIZES[t.name!];
    case "pointer":
      return 8;
    case "array":
      return t.count! * sizeOf(t.subtype!, isf);
    case "bitfield":
      return sizeOf(t.type!, isf);
    case "enum":
      return isf.enums[t.name!].size;
    default:
      return isf.user_types[t.name!].size;
  }
}

/** Named structs and unions a type refers to, by value or through pointers and arrays. */
function referenced(t: IsfType, out: string[]): void {
  if ((t.kind === "struct" || t.kind === "union") && t.name) out.push(t.name);
  for (const inner of [t.subtype, t.type]) if (inner) referenced(inner, out);
}

function embedsByValue(t: IsfType): string | null {
  if ((t.kind === "struct" || t.kind === "union") && t.name) return t.name;
  if (t.kind === "array" && t.subtype) return embedsByValue(t.subtype);
  return null;
}

export function slice(isfDir: string, version: string): unknown {
  const builds = JSON.parse(fs.readFileSync(path.join(isfDir, "builds.json"), "utf8")) as { version: string; guid: string; age: number; source: string; layouts: string; symbols: { [n: string]: number } }[];
  const line = builds.find((b) => b.version === version);
  if (!line) throw new Error(version + " is not in " + path.join(isfDir, "builds.json"));
  const isf = JSON.parse(fs.readFileSync(path.join(isfDir, line.layouts), "utf8")) as IsfFile;
  const whole = new Set(WHOLE.filter((n) => isf.user_types[n]));
  // Unnamed nested types take a per-build name: held whole wherever a whole type embeds them.
  for (const queue = Array.from(whole); queue.length; ) {
    const t = isf.user_types[queue.shift()!];
    for (const f of Object.values(t.fields)) {
      const inner = embedsByValue(f.type);
      if (inner && ANONYMOUS.test(inner) && !whole.has(inner)) {
        whole.add(inner);
        queue.push(inner);
      }
    }
  }
  const types: { [name: string]: { size: number; kind: string; fields: SliceField[] } } = {};
  for (const name of whole) {
    const t = isf.user_types[name];
    const fields: SliceField[] = Object.keys(t.fields)
      .sort((a, b) => t.fields[a].offset - t.fields[b].offset || (a < b ? -1 : 1))
      .map((f) => {
        const ft = t.fields[f].type;
        const row: SliceField = [f, t.fields[f].offset, sizeOf(ft, isf), spelling(ft, isf)];
        return ft.kind === "bitfield" ? ([...row, ft.bit_position!, ft.bit_length!] as SliceField) : row;
      });
    types[name] = { size: t.size, kind: t.kind, fields };
    const refs: string[] = [];
    for (const f of Object.values(t.fields)) referenced(f.type, refs);
    for (const r of refs) if (!whole.has(r) && !types[r] && isf.user_types[r]) types[r] = { size: isf.user_types[r].size, kind: isf.user_types[r].kind, fields: [] };
  }
  const sortedTypes: typeof types = {};
  for (const n of Object.keys(types).sort()) sortedTypes[n] = types[n];
  const symbols: { [n: string]: number } = {};
  for (const s of SYMBOLS) if (line.symbols[s] !== undefined) symbols[s] = line.symbols[s];
  return {
    build: Number(version.split(".")[2]),
    version,
    pdb: { name: "ntkrnlmp.pdb", guid: line.guid, age: line.age },
    source: line.source + " (research/isf " + line.layouts + ", sliced by scripts/extract-segment-heap-slice.ts)",
    symbols,
    types: sortedTypes,
  };
}

/** The shipped slices' layout: one type a line. */
function write(data: { types: { [n: string]: unknown } } & { [k: string]: unknown }): string {
  const head = ["build", "version", "pdb", "source", "symbols"].map((k) => "  " + JSON.stringify(k) + ": " + JSON.stringify(data[k]) + ",");
  const names = Object.keys(data.types);
  const rows = names.map((n, i) => "    " + JSON.stringify(n) + ": " + JSON.stringify(data.types[n]) + (i < names.length - 1 ? "," : ""));
  return ["{", ...head, '  "types": {', ...rows, "  }", "}"].join("\n") + "\n";
}

if (require.main === module) {
  const [isfDir, version, flag, checkFile] = process.argv.slice(2);
  if (!isfDir || !version) {
    process.stderr.write("usage: npx tsx scripts/extract-segment-heap-slice.ts <path/to/research/isf> <version> [--check <slice.json>]\n");
    process.exit(2);
  }
  const data = slice(isfDir, version) as { types: { [n: string]: unknown } } & { [k: string]: unknown };
  if (flag === "--check") {
    const shipped = JSON.parse(fs.readFileSync(checkFile, "utf8"));
    assert.deepStrictEqual(data.symbols, shipped.symbols);
    // research/isf/layouts keeps only the structures leaktools reads: a type reached only through a pointer (its
    // size-only stub in a shipped slice) may be missing there. Every other type must be the same, field for field.
    const stubsNotInLayouts = Object.keys(shipped.types).filter((n) => !data.types[n]);
    for (const n of stubsNotInLayouts) assert.deepStrictEqual(shipped.types[n].fields, [], n + " is missing and not a stub");
    for (const n of stubsNotInLayouts) delete shipped.types[n];
    assert.deepStrictEqual(data.types, shipped.types);
    process.stdout.write(checkFile + ": the same symbols and " + Object.keys(data.types).length + " types field for field; pointee stubs the layouts file lacks: " + (stubsNotInLayouts.join(", ") || "none") + "\n");
  } else {
    const out = path.resolve(__dirname, "../test/fixtures/segment-heap/ntkrnlmp-" + version.split(".")[2] + ".json");
    fs.writeFileSync(out, write(data));
    process.stdout.write("wrote " + out + "\n");
  }
}
