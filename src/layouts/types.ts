// Structure layouts as data. A layout names the fields a decoder needs; variants give their offsets per Windows
// build range and pointer size, each citing its source.

export interface FieldInfo {
  offset: number;
  /** Bytes; 0 when the type did not say. */
  size: number;
}

/** What the symbols say of a type (see Target.type). */
export interface TypeInfo {
  name: string;
  size: number;
  fields: { [name: string]: FieldInfo };
  /** A field by (dotted) name, for types whose fields do not enumerate (see Target.type). */
  lookup?: (name: string) => FieldInfo | null;
}

export interface LayoutVariant {
  /** Shown to the user when this variant is used: "Win10 1709+ x64". */
  label: string;
  pointerSize: 4 | 8;
  /** Inclusive build range; omit for open ends. */
  minBuild?: number;
  maxBuild?: number;
  size: number;
  offsets: { [field: string]: number };
  /** Field sizes in bytes where decoders need them (counters that are 4 bytes on one build and 8 on another). */
  sizes?: { [field: string]: number };
  /** Where the offsets come from: a section of research/layouts.md or `dt` output. */
  source: string;
  /**
   * The kernel builds whose public PDB (test/fixtures/pdb-layouts) has exactly this layout; the layout test holds
   * the list to the data, so the output may say so. Empty or absent: not checked against a PDB (x86, ntdll-only).
   */
  checkedAgainst?: number[];
}

export interface LayoutSpec {
  module: string;
  typeName: string;
  /** The fields decoders use; dotted names reach into nested structures (`BusyBlock.Size`). */
  fields: string[];
  variants: LayoutVariant[];
}

export interface ResolvedLayout {
  typeName: string;
  size: number;
  offsets: { [field: string]: number };
  /** Field sizes in bytes; 0 where neither the symbols nor the built-in layout say. */
  sizes: { [field: string]: number };
  /** "symbols" when every field came from the target's type information, "built-in" otherwise. */
  origin: "symbols" | "built-in";
  /**
   * For the user, what was used and why, starting with the type's name: "_POOL_TRACKER_TABLE: from nt's symbols",
   * or "_POOL_TRACKER_TABLE: not in the symbols (.reload /f nt to get them); using the built-in layout for Windows
   * 10 1709-22H2 x64, checked against build 19041's PDB".
   */
  description: string;
  /** True when the Windows build was unknown and the variant was chosen by pointer size alone. */
  guessed: boolean;
  /** The built-in variant's label ("Windows 10 1709-22H2 x64") for the short provenance line; absent from symbols. */
  variantLabel?: string;
}

export interface LayoutMissing {
  kind: "layoutMissing";
  typeName: string;
  reason: string;
}

/** The x64 kernel builds whose PDBs the layout test holds the built-in layouts against (test/fixtures/pdb-layouts). */
export const ALL_X64_PDBS = [7601, 9600, 14393, 17763, 18326, 18362, 19041, 20348, 22000];
