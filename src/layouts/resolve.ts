// Symbols first, a built-in layout otherwise, and say which, why, and how far the built-in one was checked.
import { LayoutMissing, LayoutSpec, LayoutVariant, ResolvedLayout, TypeInfo } from "./types";

export type TypeSource = (module: string, typeName: string) => TypeInfo | null;

/**
 * The kernel build behind a reported build number: Windows 10 1909 (18363) runs 1903's kernel (18362), 20H2 to
 * 22H2 (19042-19045) run 2004's (19041); their enablement packages change the number NtBuildNumber reports only.
 */
export function kernelBuildOf(reported: number): number {
  if (reported === 18363) return 18362;
  if (reported >= 19042 && reported <= 19045) return 19041;
  return reported;
}

export function resolveLayout(
  spec: LayoutSpec,
  typeSource: TypeSource,
  pointerSize: 4 | 8,
  build: number | null,
): ResolvedLayout | LayoutMissing {
  const type = typeSource(spec.module, spec.typeName);
  const fromSymbols = layoutFromType(spec, type);
  if (fromSymbols) return fromSymbols;
  const why = type ? symbolsLackField(spec, type) : notInSymbols(spec);
  const candidates = spec.variants.filter((v) => v.pointerSize === pointerSize);
  if (candidates.length === 0) {
    return { kind: "layoutMissing", typeName: spec.typeName, reason: why + "; no built-in layout for " + pointerSize * 8 + "-bit targets" };
  }
  if (build !== null) {
    const chosen = candidates.find((v) => (v.minBuild === undefined || build >= v.minBuild) && (v.maxBuild === undefined || build <= v.maxBuild));
    if (!chosen) return { kind: "layoutMissing", typeName: spec.typeName, reason: why + "; no built-in layout for build " + build };
    return builtInLayout(spec, chosen, why + "; using the built-in layout for " + chosen.label + checkedNote(chosen, build), false);
  }
  // Unknown build: the newest variant is the likeliest on a machine being debugged today, and we say it is a guess.
  const newest = candidates.reduce((a, b) => ((b.minBuild || 0) > (a.minBuild || 0) ? b : a));
  return builtInLayout(spec, newest, why + "; the Windows build is unknown, so this guesses the built-in layout for " + newest.label + " (the newest)", true);
}

/** A resolved layout from a built-in variant, described by `description` (see ResolvedLayout.description). */
export function builtInLayout(spec: LayoutSpec, variant: LayoutVariant, description: string, guessed: boolean): ResolvedLayout {
  return {
    typeName: spec.typeName,
    size: variant.size,
    offsets: variant.offsets,
    sizes: variant.sizes || {},
    origin: "built-in",
    description: spec.typeName + ": " + description,
    guessed,
    variantLabel: variant.label,
  };
}

/** Why the symbols were not used, when the type is absent: with the command that loads them. */
export function notInSymbols(spec: LayoutSpec): string {
  return "not in the symbols (.reload /f " + (spec.module === "nt" ? "nt" : spec.module + ".dll") + " to get them)";
}

/** A field enumerated or, when fields do not enumerate (issue 14), found by name. */
function fieldOf(type: TypeInfo, name: string) {
  return type.fields[name] || (type.lookup ? type.lookup(name) : null);
}

function symbolsLackField(spec: LayoutSpec, type: TypeInfo): string {
  const missing = spec.fields.filter((f) => !fieldOf(type, f));
  return "the symbols' " + spec.module + "!" + spec.typeName + " has no " + missing.join(", ") + " (a layout leaktools does not know)";
}

/** ", checked against build 19041's PDB" when the variant was held against this build's kernel, or how far it was. */
export function checkedNote(variant: LayoutVariant, build: number | null): string {
  const checked = variant.checkedAgainst || [];
  if (checked.length === 0) return " (not checked against a PDB)";
  const kernel = build === null ? null : kernelBuildOf(build);
  if (kernel !== null && checked.indexOf(kernel) >= 0) return ", checked against build " + kernel + "'s PDB";
  const list =
    checked.length === 1 ? "build " + checked[0] + "'s PDB"
    : checked.length <= 3 ? "the PDBs of builds " + checked.slice(0, -1).join(", ") + " and " + checked[checked.length - 1]
    : "the PDBs of " + checked.length + " builds from " + checked[0] + " to " + checked[checked.length - 1];
  return ", checked against " + list + (build === null ? "" : " (not this build's)");
}

function layoutFromType(spec: LayoutSpec, type: TypeInfo | null): ResolvedLayout | null {
  if (!type) return null;
  const offsets: { [field: string]: number } = {};
  const sizes: { [field: string]: number } = {};
  for (const field of spec.fields) {
    const info = fieldOf(type, field);
    if (!info) return null; // A type without a field we need is a different layout: use the built-in one.
    offsets[field] = info.offset;
    sizes[field] = info.size;
  }
  return {
    typeName: spec.typeName,
    size: type.size,
    offsets,
    sizes,
    origin: "symbols",
    description: spec.typeName + ": from " + spec.module + "'s symbols",
    guessed: false,
  };
}

export function isLayoutMissing(value: unknown): value is LayoutMissing {
  return typeof value === "object" && value !== null && (value as LayoutMissing).kind === "layoutMissing";
}
