// The x64 kernel layouts of Microsoft's PDBs (test/fixtures/pdb-layouts/kernel-x64.json, see its README): lookups
// by build for the target builders and the layout test. Never imports src/layouts: the code is held against this.
import * as fs from "fs";
import * as path from "path";
import { intrinsic, struct, TypeDef } from "../emulator/target";

/** A field's type as the ISF writes it. */
export interface IsfType {
  kind: "base" | "pointer" | "array" | "bitfield" | "struct" | "union" | "enum" | "function";
  name?: string;
  subtype?: IsfType;
  type?: IsfType;
  count?: number;
  bit_position?: number;
  bit_length?: number;
  /** Inline definitions (unnamed nested unions and structs). */
  size?: number;
  fields?: [string, number, IsfType][];
}

export interface PdbType {
  name: string;
  kind: "struct" | "union";
  size: number;
  fields: [string, number, IsfType][];
  /** Only the fields leaktools reads were kept. */
  partial?: boolean;
}

export interface PdbBuild {
  /** ntoskrnl's file version, 10.0.19041.1052. */
  version: string;
  /** The kernel's build number (the third part of the version). */
  build: number;
  os: string;
  /** PDB GUID-age. */
  pdb: string;
  types: { [name: string]: PdbType };
  symbols: { [name: string]: number | null };
}

interface Fixture {
  symbolColumns: string[];
  builds: [string, string, string, string, (number | null)[]][];
  typeSets: { [id: string]: { [name: string]: string } };
  types: { [id: string]: PdbType };
}

let loaded: PdbBuild[] | null = null;

/** Every build of the data set (213 rows), oldest first. */
export function pdbBuilds(): PdbBuild[] {
  if (loaded) return loaded;
  const file = path.resolve(__dirname, "../fixtures/pdb-layouts/kernel-x64.json");
  const data = JSON.parse(fs.readFileSync(file, "utf8")) as Fixture;
  const sets = new Map<string, { [name: string]: PdbType }>();
  loaded = data.builds.map(([version, os, pdb, setId, rvas]) => {
    let types = sets.get(setId);
    if (!types) {
      types = {};
      for (const name of Object.keys(data.typeSets[setId])) types[name] = data.types[data.typeSets[setId][name]];
      sets.set(setId, types);
    }
    const symbols: { [name: string]: number | null } = {};
    data.symbolColumns.forEach((s, i) => (symbols[s] = rvas[i]));
    return { version, build: Number(version.split(".")[2]), os, pdb, types, symbols };
  });
  return loaded;
}

/** The kernel builds of the data set: 7601, 9600, 14393, 17763, 18326, 18362, 19041, 20348, 22000. */
export function pdbKernelBuilds(): number[] {
  const out: number[] = [];
  for (const b of pdbBuilds()) if (out.indexOf(b.build) < 0) out.push(b.build);
  return out;
}

/**
 * The build numbers Windows reports on a kernel: 1909 (18363) runs 1903's kernel (18362), 20H2 to 22H2 (19042-19045)
 * run 2004's (19041), each with an enablement package that changes the reported number only.
 */
export function reportedBuilds(kernelBuild: number): number[] {
  if (kernelBuild === 18362) return [18362, 18363];
  if (kernelBuild === 19041) return [19041, 19042, 19043, 19044, 19045];
  return [kernelBuild];
}

/** The kernel build whose PDB describes a reported build number, or null when the data set has none. */
export function pdbKernelFor(reported: number): number | null {
  for (const k of pdbKernelBuilds()) if (reportedBuilds(k).indexOf(reported) >= 0) return k;
  return null;
}

/** The newest revision's types of the kernel behind `reported` (every revision of a build has the same ones). */
function buildRow(reported: number): PdbBuild | null {
  const kernel = pdbKernelFor(reported);
  if (kernel === null) return null;
  const rows = pdbBuilds().filter((b) => b.build === kernel);
  return rows[rows.length - 1];
}

export function hasPdbData(reported: number, pointerSize: 4 | 8): boolean {
  return pointerSize === 8 && pdbKernelFor(reported) !== null;
}

export function pdbType(reported: number, name: string): PdbType | null {
  const row = buildRow(reported);
  return row && row.types[name] ? row.types[name] : null;
}

/** A global's RVA in ntoskrnl, or null. */
export function pdbSymbolRva(reported: number, name: string): number | null {
  const row = buildRow(reported);
  return row && row.symbols[name] !== undefined ? row.symbols[name] : null;
}

const BASE_SIZES: { [name: string]: number } = {
  char: 1, "unsigned char": 1, short: 2, "unsigned short": 2, wchar: 2, int: 4, "unsigned int": 4, long: 4,
  "unsigned long": 4, "long long": 8, "unsigned long long": 8, float: 4, double: 8, bool: 1, void: 0,
};

/** Bytes a field of this type takes (a bit field: its storage unit). */
export function isfSize(type: IsfType, types: { [name: string]: PdbType }): number {
  switch (type.kind) {
    case "base":
      if (BASE_SIZES[type.name!] === undefined) throw new Error("unknown ISF base type " + type.name);
      return BASE_SIZES[type.name!];
    case "pointer":
    case "function":
      return 8;
    case "enum":
      return 4; // MSVC enums are int-sized.
    case "bitfield":
      return isfSize(type.type!, types);
    case "array":
      return type.count! * isfSize(type.subtype!, types);
    default:
      if (type.size !== undefined) return type.size;
      if (!types[type.name!]) throw new Error("no definition of " + type.name + " in the fixture");
      return types[type.name!].size;
  }
}

export interface PdbField {
  offset: number;
  size: number;
  type: IsfType;
  bitPosition?: number;
  bitLength?: number;
}

/** A field by dotted path (`BusyBlock.Size`), looking through unnamed unions as `dt` does; null when absent. */
export function pdbField(reported: number, typeName: string, fieldPath: string): PdbField | null {
  const row = buildRow(reported);
  if (!row || !row.types[typeName]) return null;
  return fieldIn(row.types[typeName].fields, fieldPath.split("."), 0, row.types);
}

function fieldIn(fields: [string, number, IsfType][], parts: string[], base: number, types: { [name: string]: PdbType }): PdbField | null {
  for (const [name, offset, type] of fields) {
    if (name === parts[0]) {
      if (parts.length === 1) {
        const out: PdbField = { offset: base + offset, size: isfSize(type, types), type };
        if (type.kind === "bitfield") {
          out.bitPosition = type.bit_position;
          out.bitLength = type.bit_length;
        }
        return out;
      }
      const inner = type.fields || (type.name && types[type.name] ? types[type.name].fields : null);
      return inner ? fieldIn(inner, parts.slice(1), base + offset, types) : null;
    }
  }
  // Members of anonymous unions and structs are reached by their own names.
  for (const [, offset, type] of fields) {
    if (type.fields && type.name === "<unnamed-tag>") {
      const found = fieldIn(type.fields, parts, base + offset, types);
      if (found) return found;
    }
  }
  return null;
}

/** `{ size, Field: [offset, size] }` for the named fields of a PDB type, as the builders' layout tables are shaped. */
export function pdbLayout<F extends string>(reported: number, typeName: string, fields: readonly F[]): ({ size: number } & { [K in F]: readonly [number, number] }) | null {
  const type = pdbType(reported, typeName);
  if (!type) return null;
  const out: { [name: string]: unknown } = { size: type.size };
  for (const f of fields) {
    const field = pdbField(reported, typeName, f);
    if (!field) throw new Error(typeName + "." + f + " is not in build " + reported + "'s PDB");
    out[f] = [field.offset, field.size] as const;
  }
  return out as { size: number } & { [K in F]: readonly [number, number] };
}

/** The data model's names of the ISF's base types (`dt` shows `Uint8B` but `dx` and type objects `unsigned __int64`). */
const WINDBG_NAMES: { [isf: string]: string } = {
  "long long": "__int64",
  "unsigned long long": "unsigned __int64",
  wchar: "wchar_t",
};

/**
 * A PDB type as the emulated debugger's symbols present it (getModuleType, typed objects): every field with its real
 * name and offset, structures and unions held by value nested whole (_LIST_ENTRY, _SLIST_HEADER, <unnamed-tag>),
 * arrays with their element type, bit fields as their storage type carrying lsb and length. A pointer's pointee is
 * the named type without its fields, which keeps self-referencing types (_LIST_ENTRY.Flink) finite.
 */
export function pdbTypeDef(reported: number, name: string): TypeDef {
  const row = buildRow(reported);
  if (!row || !row.types[name]) throw new Error(name + " is not in build " + reported + "'s PDB data");
  const types = row.types;
  const convert = (t: IsfType, asPointee: boolean): TypeDef => {
    switch (t.kind) {
      case "base":
        return intrinsic(WINDBG_NAMES[t.name!] || t.name!, isfSize(t, types));
      case "enum":
        return intrinsic(t.name || "enum", 4);
      case "function":
        return intrinsic("<function>", 8);
      case "bitfield":
        return { ...convert(t.type!, false), bitField: { lsb: t.bit_position!, length: t.bit_length! } };
      case "pointer": {
        const pointee = convert(t.subtype!, true);
        return { name: pointee.name + " *", size: 8, typeKind: "pointer", pointee };
      }
      case "array": {
        const element = convert(t.subtype!, asPointee);
        return { name: element.name + " [" + t.count + "]", size: isfSize(t, types), typeKind: "array", pointee: element };
      }
      default: {
        const def = t.fields ? { name: "<unnamed-tag>", size: t.size!, fields: t.fields, partial: false } : types[t.name!];
        if (asPointee || !def) return { name: t.name!, size: def ? def.size : 0, typeKind: "udt", fields: {} };
        if (def.partial) throw new Error(t.name + " is kept partially in the fixture: not a symbol file's type");
        return struct(def.name, def.size, def.fields.map(([n, offset, ft]) => [n, offset, convert(ft, false)] as [string, number, TypeDef]));
      }
    }
  };
  return convert({ kind: types[name].kind, name }, false);
}
