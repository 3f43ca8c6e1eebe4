// Records become data-model objects: addresses become host Int64 values (so dx shows them as addresses and LINQ
// compares them), missing values become their description, and each record keeps its display string.
import { Address } from "../core/address";
import { NotApplicable, Unreadable } from "../core/missing";
import { addressToHost } from "./int64";
import { groupDigits } from "../render/format";

const MAX_DEPTH = 8;

/** What a record's named collection holds, by field name: dx shows `Blocks : 189 blocks`, not "189 entries". */
const COLLECTION_NOUNS: { [field: string]: [string, string] } = {
  Allocations: ["allocation", "allocations"],
  Blocks: ["virtual block", "virtual blocks"],
  Stacks: ["stack", "stacks"],
  Importers: ["import slot", "import slots"],
  NotExamined: ["module", "modules"],
  Tags: ["tag", "tags"],
  Groups: ["group", "groups"],
  Owners: ["owner", "owners"],
  Hits: ["hit", "hits"],
  Frames: ["frame", "frames"],
  Stack: ["frame", "frames"],
  Heaps: ["heap", "heaps"],
  Commands: ["command", "commands"],
  BigAllocations: ["big allocation", "big allocations"],
  NotSearched: ["section range", "section ranges"],
  Moves: ["move", "moves"],
  Modules: ["module", "modules"],
  TopSizes: ["size", "sizes"],
  NotWalked: ["part not walked", "parts not walked"],
};

/**
 * A collection that names its own elements wins over its field name: `Blocks` holds virtual blocks in !virtblocks but
 * heap allocations in @$heapblocks. A command marks such an array with a non-enumerable `collectionNoun` property
 * ([singular, plural]); being non-enumerable, it is invisible to dx and LINQ.
 */
const COLLECTION_NOUN_PROPERTY = "collectionNoun";

/** Names `items`' elements for dx ("46 allocations") and returns the same array. */
export function namedCollection<T>(items: T[], singular: string, pluralNoun: string): T[] {
  Object.defineProperty(items, COLLECTION_NOUN_PROPERTY, { value: [singular, pluralNoun], enumerable: false });
  return items;
}

function ownNoun(items: unknown[]): [string, string] | undefined {
  const own = (items as unknown as { [key: string]: unknown })[COLLECTION_NOUN_PROPERTY];
  return Array.isArray(own) && own.length === 2 && typeof own[0] === "string" && typeof own[1] === "string" ? [own[0], own[1]] : undefined;
}

/**
 * `noun` names a returned collection's elements (["virtual block", "virtual blocks"]). dx displays an array through its
 * toString, which for an array joins every element with commas (jsprovider-api.md §2.7): thousands of records on one
 * line. Each array gets a one-line toString instead ("189 virtual blocks") and stays an array, so LINQ still works.
 */
export function toModel(value: unknown, depth = 0, noun?: [string, string]): unknown {
  if (value === null || value === undefined) return value;
  if (value instanceof Address) return addressToHost(value);
  if (value instanceof Unreadable || value instanceof NotApplicable) return value.toString();
  if (typeof value !== "object") return value;
  if (depth > MAX_DEPTH) return String(value);
  if (Array.isArray(value)) {
    const out = value.map((v) => toModel(v, depth + 1));
    const names = ownNoun(value) || noun || ["entry", "entries"];
    const text = groupDigits(out.length) + " " + (out.length === 1 ? names[0] : names[1]);
    Object.defineProperty(out, "toString", { value: () => text, enumerable: false });
    return out;
  }
  const source = value as { [key: string]: unknown };
  const out: { [key: string]: unknown } = {};
  for (const key of Object.keys(source)) out[key] = toModel(source[key], depth + 1, COLLECTION_NOUNS[key]);
  const display = source.toString;
  if (typeof display === "function" && display !== Object.prototype.toString) {
    const text = String(display.call(source));
    Object.defineProperty(out, "toString", { value: () => text, enumerable: false });
  }
  return out;
}
