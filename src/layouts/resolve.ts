// Symbols first, a built-in layout otherwise, and say which.
import { LayoutMissing, LayoutSpec, LayoutVariant, ResolvedLayout, TypeInfo } from "./types";

export type TypeSource = (module: string, typeName: string) => TypeInfo | null;

export function resolveLayout(
  spec: LayoutSpec,
  typeSource: TypeSource,
  pointerSize: 4 | 8,
  build: number | null,
): ResolvedLayout | LayoutMissing {
  const fromSymbols = layoutFromType(spec, typeSource(spec.module, spec.typeName));
  if (fromSymbols) return fromSymbols;
  const candidates = spec.variants.filter((v) => v.pointerSize === pointerSize);
  if (candidates.length === 0) {
    return { kind: "layoutMissing", typeName: spec.typeName, reason: "no built-in layout for " + pointerSize * 8 + "-bit targets" };
  }
  let chosen: LayoutVariant | undefined;
  let guessed = false;
  if (build !== null) {
    chosen = candidates.find((v) => (v.minBuild === undefined || build >= v.minBuild) && (v.maxBuild === undefined || build <= v.maxBuild));
    if (!chosen) {
      return { kind: "layoutMissing", typeName: spec.typeName, reason: "no built-in layout for build " + build };
    }
  } else {
    // Unknown build: the newest variant is the likeliest on a machine being debugged today, and we say it is a guess.
    chosen = candidates.reduce((a, b) => ((b.minBuild || 0) > (a.minBuild || 0) ? b : a));
    guessed = true;
  }
  return {
    typeName: spec.typeName,
    size: chosen.size,
    offsets: chosen.offsets,
    sizes: chosen.sizes || {},
    origin: "built-in",
    description:
      "built-in layout " + chosen.label + " (" + chosen.source + ")" + (guessed ? ", guessed: the Windows build is unknown" : ""),
    guessed,
  };
}

function layoutFromType(spec: LayoutSpec, type: TypeInfo | null): ResolvedLayout | null {
  if (!type) return null;
  const offsets: { [field: string]: number } = {};
  const sizes: { [field: string]: number } = {};
  for (const field of spec.fields) {
    const info = type.fields[field] || (type.lookup ? type.lookup(field) : null);
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
    description: "symbols (" + spec.module + "!" + spec.typeName + ")",
    guessed: false,
  };
}

export function isLayoutMissing(value: unknown): value is LayoutMissing {
  return typeof value === "object" && value !== null && (value as LayoutMissing).kind === "layoutMissing";
}
