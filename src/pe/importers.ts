// Which loaded modules import a function: by name (the import's module and function name) and by value (an IAT slot
// holding the function's address, which still finds the importer when its name tables are paged out or discarded).
// Seed 003: tag `None` is ExAllocatePool; the author searched every driver for nt!ExAllocatePool's address.
import { Address } from "../core/address";
import { argKind, addressArg, describeArg } from "../core/args";
import { pointer, u16, u32 } from "../core/bytes";
import { symbolPatternArg } from "../core/validate";
import { workLimit } from "../core/limits";
import type { Target, ModuleInfo } from "../host/target";
import { parseHeaders, isPeError, directory, walkedDirectory, PeHeaders, DIRECTORY_IAT, DIRECTORY_IMPORT, DIRECTORY_DELAY_IMPORT } from "./image";
import { parseAllImports, ImportEntry, DELAY_DESCRIPTOR_SIZE } from "./imports";
import { imageReader, ImageReader } from "./rva-reader";

/** Distinct function names a wildcard may resolve to addresses (one symbol lookup each). */
export const MAX_RESOLVED_NAMES = 256;
/** Problems kept per module; the rest are counted. */
export const MAX_PROBLEMS_PER_MODULE = 8;

export interface ImporterQuery {
  /** What the user gave, as said back in messages: `"nt!ExAllocatePool*"`, `0xe0894d1f`. */
  text: string;
  /** The exporting module the user named (`nt`, `ntdll`), or null. */
  module: string | null;
  /** The function name or pattern; null for a bare address. */
  name: string | null;
  /** Matches a function name (case-sensitive, as exports are); null for a bare address. */
  pattern: RegExp | null;
  isWildcard: boolean;
  /** An address the user handed over (a number, an Int64 or a resolved symbol). */
  address: Address | null;
}

export interface BadQuery {
  kind: "badQuery";
  /** What was tried, for the one-line usage message. */
  tried: string;
}

export interface ResolvedFunction {
  /** `nt!ExAllocatePool`, or the address when no name is known. */
  display: string;
  name: string | null;
  address: Address;
  /** How the address was found: `symbol nt!ExAllocatePool`, `argument`. */
  source: string;
}

export interface ImportMatch {
  Module: string;
  ModuleBase: Address;
  ModuleEnd: Address;
  Function: string;
  ImportedFrom: string;
  ByOrdinal: boolean;
  Ordinal: number | null;
  DelayLoad: boolean;
  IatAddress: Address;
  /** The slot's value. */
  Target: Address | null;
  /** The module the slot's value lies in, as `lm` names it; empty when in none. */
  TargetModule: string;
  /** A slot matched by name whose value lies outside the exporting module and is not the function's address. */
  Redirected: boolean;
  /**
   * A delay-load slot not bound yet: it still holds the address of the importer's own delay-load thunk, which the
   * delay-load helper replaces with the function's address on the first call. Not a hook; a search by address
   * cannot find it (its value is not the function's).
   */
  NotYetResolved: boolean;
  MatchedBy: "name" | "value" | "both";
  /** False when the slot came from the IAT directory because the import names were unreadable. */
  NamesReadable: boolean;
  toString(): string;
}

export interface ModuleNotExamined {
  Module: string;
  Base: Address;
  Reason: string;
}

export interface ModuleProblem {
  Module: string;
  Problem: string;
}

export interface ImporterResult {
  query: ImporterQuery;
  /** Addresses matched by value. */
  functions: ResolvedFunction[];
  matches: ImportMatch[];
  examined: number;
  notExamined: ModuleNotExamined[];
  problems: ModuleProblem[];
  /** Modules whose import names were unreadable: only value matching could find them. */
  namesUnreadable: string[];
  /** Modules beyond the maxModules work limit. */
  skippedModules: number;
}

/**
 * The query from a command argument: a string (`"ExAllocatePool"`, `"nt!ExAllocatePool*"`), a number or Int64
 * address, or the object dx hands over for a bare symbol. Assumption (test/emulator/session.ts symbolObject, the
 * provider's behaviour for a resolved function symbol): that object has `.address` (an Int64 or number) and a
 * toString of the form `module!name (0x...)`; the address is used, and the name when the string has that form.
 */
export function parseImporterQuery(arg: unknown): ImporterQuery | BadQuery {
  const kind = argKind(arg);
  if (kind === "string") return parseText((arg as string).trim(), describeArg(arg));
  if (kind === "number" || kind === "int64") {
    const address = addressArg(arg);
    if (!address || address.isNull) return { kind: "badQuery", tried: describeArg(arg) + " (not an address)" };
    return { text: address.toString(), module: null, name: null, pattern: null, isWildcard: false, address };
  }
  if (kind === "object") {
    const object = arg as { address?: unknown; toString?: () => string };
    const address = object.address !== undefined ? addressArg(object.address) : null;
    let text = "";
    try {
      text = String(object.toString ? object.toString() : "");
    } catch (e) {
      text = "";
    }
    const m = /^\s*([^!\s(]+)!([^\s(]+)/.exec(text);
    if (!address || address.isNull) return { kind: "badQuery", tried: "a symbol object without an address" + (m ? " (" + m[1] + "!" + m[2] + ")" : "") };
    if (!m) return { text: address.toString(), module: null, name: null, pattern: null, isWildcard: false, address };
    return { text: m[1] + "!" + m[2], module: m[1], name: m[2], pattern: exactPattern(m[2]), isWildcard: false, address };
  }
  return { kind: "badQuery", tried: describeArg(arg) };
}

function parseText(text: string, described: string): ImporterQuery | BadQuery {
  if (!text) return { kind: "badQuery", tried: described };
  const bang = text.indexOf("!");
  const module = bang >= 0 ? text.slice(0, bang) : null;
  const name = bang >= 0 ? text.slice(bang + 1) : text;
  if (!name || (module !== null && !/^[\w.\-{}]+$/.test(module)) || !/^[\w@?*$.:<>~\-]+$/.test(name)) {
    const asAddress = module === null ? Address.parse(text) : null;
    if (asAddress && !asAddress.isNull) return { text, module: null, name: null, pattern: null, isWildcard: false, address: asAddress };
    return { kind: "badQuery", tried: described + " (not a function name)" };
  }
  // A quoted hex number (`"0xe0894d1f"`, `"fffff807\`22a41030"`) is an address, not a name.
  if (module === null && /^(0x[0-9a-f]+|[0-9a-f]+`[0-9a-f]+)$/i.test(name)) {
    const asAddress = Address.parse(name);
    if (asAddress && !asAddress.isNull) return { text, module: null, name: null, pattern: null, isWildcard: false, address: asAddress };
  }
  const isWildcard = /[*?]/.test(name);
  return { text, module, name, pattern: isWildcard ? wildcardPattern(name) : exactPattern(name), isWildcard, address: null };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, "\\$&");
}

function exactPattern(name: string): RegExp {
  return new RegExp("^" + escapeRegExp(name).replace(/[*?]/g, "\\$&") + "$");
}

function wildcardPattern(name: string): RegExp {
  return new RegExp("^" + escapeRegExp(name).replace(/\*/g, ".*").replace(/\?/g, ".") + "$");
}

/** The DLL name an import names, without its extension, in lower case: `ntoskrnl.exe` -> `ntoskrnl`. */
function dllStem(dll: string): string {
  return dll.toLowerCase().replace(/\.(dll|exe|sys|drv)$/, "");
}

/** The kernel's file names (ntoskrnl, ntkrnlpa, ntkrnlmp, ntkrpamp, ntkrla57); the debugger calls the kernel module `nt`. */
function isKernelImage(stem: string): boolean {
  return /^nt(oskrnl|krnl\w*|krpamp|krla57)$/.test(stem);
}

/** The loaded module an import's DLL name refers to (case-insensitive), or null when it is not loaded. */
export function exportingModule(target: Target, dll: string): ModuleInfo | null {
  const stem = dllStem(dll);
  const modules = target.modules();
  for (const m of modules) if (dllStem(m.fileName) === stem || m.name.toLowerCase() === stem) return m;
  // The kernel by its image name, never by its place in the list (which can start with user-mode DLLs).
  if (target.isKernel && isKernelImage(stem)) return target.kernelModule();
  return null;
}

/** The module name for a symbol lookup: `nt` for the kernel, else the loaded module's name, else the DLL stem. */
function symbolModuleName(target: Target, dll: string): string {
  const m = exportingModule(target, dll);
  if (target.isKernel && isKernelImage(dllStem(dll))) return "nt";
  return m ? m.name : dllStem(dll);
}

interface ParsedModule {
  module: ModuleInfo;
  headers: PeHeaders;
  entries: ImportEntry[];
  /** IAT slots read from the IAT directory when the import directory could not give them (names unreadable). */
  orphanSlots: { rva: number; value: Address }[];
}

/**
 * Finds the importers of a function in every loaded module. `query` is a parsed query or the text a user would
 * quote (`"ExAllocatePool*"`); a text that names no function comes back as a BadQuery.
 */
/** Modules examined at most: workLimit "maxModules". `onModule` is told how many were examined, for progress. */
export function findImporters(target: Target, query: ImporterQuery | string, onModule?: (done: number, total: number) => void): ImporterResult | BadQuery {
  const q = typeof query === "string" ? parseImporterQuery(query) : query;
  if ("kind" in q) return q;
  const all = target.modules();
  const modules = all.slice(0, workLimit("maxModules"));
  const result: ImporterResult = {
    query: q,
    functions: [],
    matches: [],
    examined: 0,
    notExamined: [],
    problems: [],
    namesUnreadable: [],
    skippedModules: all.length - modules.length,
  };
  const parsed: ParsedModule[] = [];
  for (let i = 0; i < modules.length; i++) {
    const module = modules[i];
    if (onModule) onModule(i, modules.length);
    try {
      const p = examine(target, module, result);
      if (p) parsed.push(p);
    } catch (e) {
      result.notExamined.push({ Module: module.name, Base: module.base, Reason: "stopped: " + String(e && (e as Error).message ? (e as Error).message : e) });
    }
  }
  result.examined = parsed.length;
  result.functions = resolveFunctions(target, q, parsed);
  match(target, q, parsed, result);
  return result;
}

/** Planning passes before the parse that may read: each pass reads what the previous one found missing. */
const PLAN_PASSES = 3;
/** Bytes per hint/name entry assumed when planning the first read (2-byte hint, a ~20-character name, NUL). */
const NAME_ENTRY_GUESS = 24;
/** Bytes per missing name or thunk batch asked for in a planning pass; what is still missing is asked next pass. */
const PLAN_MISS_BYTES = 0x100;

function examine(target: Target, module: ModuleInfo, result: ImporterResult): ParsedModule | null {
  const image = imageReader(target, module.base, module.size, module.name + " image");
  const headerBytes = readHeaderBytes(image.read, module.size);
  if (!headerBytes) {
    result.notExamined.push({ Module: module.name, Base: module.base, Reason: "PE header page at " + target.formatAddress(module.base) + " is unreadable" });
    return null;
  }
  const headers = parseHeaders(headerBytes, module.size, false);
  if (isPeError(headers)) {
    result.notExamined.push({ Module: module.name, Base: module.base, Reason: "malformed PE header: " + headers.reason });
    return null;
  }
  planReads(image, headers, module.size);
  const table = parseAllImports(headers, image.read, module.size);
  const problems = headers.problems.concat(table.problems);
  const named = table.entries.filter((e) => !e.nameUnreadable);
  const covered = new Set<number>();
  for (const e of table.entries) covered.add(e.iatRva);
  const orphanSlots: { rva: number; value: Address }[] = [];
  // Names gone (INIT discarded, pages out): the IAT directory still lists the bound slots, in .rdata.
  if (table.entries.length === 0 || named.length < table.entries.length || table.problems.length) {
    const iat = directory(headers, DIRECTORY_IAT);
    if (iat) {
      const size = Math.min(iat.size, module.size - iat.rva);
      const bytes = size > 0 ? image.read(iat.rva, size) : null;
      if (!bytes) problems.push("import address table at RVA 0x" + iat.rva.toString(16) + " is unreadable");
      else {
        for (let at = 0; at + target.pointerSize <= bytes.length; at += target.pointerSize) {
          const value = pointer(bytes, at, target.pointerSize);
          if (!value.isNull && !covered.has(iat.rva + at)) orphanSlots.push({ rva: iat.rva + at, value });
        }
      }
    }
    if (table.entries.length !== named.length || (table.entries.length === 0 && orphanSlots.length)) result.namesUnreadable.push(module.name);
  }
  // Unreadable tables of a module listed under namesUnreadable are said once there; the rest once each.
  const namesGone = result.namesUnreadable[result.namesUnreadable.length - 1] === module.name;
  const distinct: string[] = [];
  for (const p of problems) if (distinct.indexOf(p) < 0 && !(namesGone && / (is|are) unreadable/.test(p))) distinct.push(p);
  for (let i = 0; i < distinct.length && i < MAX_PROBLEMS_PER_MODULE; i++) result.problems.push({ Module: module.name, Problem: distinct[i] });
  if (distinct.length > MAX_PROBLEMS_PER_MODULE) {
    result.problems.push({ Module: module.name, Problem: (distinct.length - MAX_PROBLEMS_PER_MODULE) + " more problems not shown" });
  }
  return { module, headers, entries: table.entries, orphanSlots };
}

/**
 * The headers through the data directories: the first 0x200 bytes hold them in almost every image (one packet);
 * the rest up to the directories' end when e_lfanew lies further. The section table is not read: the import tables
 * are found through the directories alone.
 */
function readHeaderBytes(read: (rva: number, size: number) => Uint8Array | null, imageSize: number): Uint8Array | null {
  const small = read(0, Math.min(0x200, imageSize));
  if (!small || small.length < 0x40) return small;
  const nt = u32(small, 0x3c);
  if (nt + 0x18 > small.length) return nt + 0x18 <= 0x1000 ? read(0, Math.min(0x1000, imageSize)) || small : small;
  const end = Math.min(nt + 0x18 + u16(small, nt + 0x14), 0x1000, imageSize);
  return end > small.length ? read(0, end) || small : small;
}

/**
 * Reads what parsing the import tables will need in a few joined reads: the IAT directory, the import descriptors
 * with a guess at the name tables and hint/name entries that follow them (as linkers lay them out), the delay-load
 * descriptors; then dry parses, each reading together what the previous one found missing. The parse that follows
 * reads anything still missing itself.
 */
function planReads(image: ImageReader, headers: PeHeaders, imageSize: number): void {
  const ranges: [number, number][] = [];
  const iat = directory(headers, DIRECTORY_IAT);
  // Import and delay-load directories are walked to their null descriptor whatever their Size (the loader does so);
  // the IAT directory is a plain range and needs its Size.
  const imports = walkedDirectory(headers, DIRECTORY_IMPORT);
  const delayed = walkedDirectory(headers, DIRECTORY_DELAY_IMPORT);
  const pointer = headers.is64 ? 8 : 4;
  if (iat) ranges.push([iat.rva, iat.rva + iat.size]);
  if (imports) {
    const end = imports.rva + Math.max(imports.size, 0x14);
    // The INT mirrors the IAT; then a hint/name entry per slot. The guess stops at the page's end: a discarded or
    // paged-out neighbour must not fail the read of what is resident (what lies past it is read in a later pass).
    const slots = iat ? iat.size / pointer : 0;
    const guess = (iat ? iat.size : 0) + slots * NAME_ENTRY_GUESS;
    ranges.push([imports.rva, Math.max(end, Math.min(end + guess, Math.ceil(end / 0x1000) * 0x1000))]);
  }
  if (delayed) ranges.push([delayed.rva, delayed.rva + Math.max(delayed.size, 2 * DELAY_DESCRIPTOR_SIZE)]);
  image.prefetch(ranges);
  for (let pass = 0; pass < PLAN_PASSES; pass++) {
    const misses: [number, number][] = [];
    parseAllImports(headers, image.dry(misses), imageSize);
    if (misses.length === 0) return;
    image.prefetch(misses.map(([s, e]) => [s, Math.min(e, s + PLAN_MISS_BYTES)] as [number, number]));
  }
}

/** The addresses to match by value: the argument's, or each matching name resolved in its exporter's symbols. */
function resolveFunctions(target: Target, q: ImporterQuery, parsed: ParsedModule[]): ResolvedFunction[] {
  const out: ResolvedFunction[] = [];
  const seen = new Set<string>();
  const add = (name: string | null, module: string | null, address: Address | null, source: string) => {
    if (!address || address.isNull || seen.has(address.key)) return;
    seen.add(address.key);
    out.push({ display: name ? (module ? module + "!" : "") + name : address.toString(), name, address, source });
  };
  if (q.address) {
    add(q.name, q.module, q.address, q.name ? "symbol " + q.module + "!" + q.name : "argument");
    if (q.name) return out;
    // A bare address: a slot matched by name elsewhere that holds it names the function.
    for (const p of parsed) {
      for (const e of p.entries) {
        if (e.name && e.target && e.target.equals(q.address)) {
          out[0].name = e.name;
          out[0].display = symbolModuleName(target, e.dll) + "!" + e.name;
          return out;
        }
      }
    }
    return out;
  }
  if (!q.name || !q.pattern) return out;
  // Candidate (module, name) pairs: the user's, and the exporter of every import whose name matches.
  const candidates: { module: string; name: string }[] = [];
  const keys = new Set<string>();
  const candidate = (module: string, name: string) => {
    const key = module.toLowerCase() + "!" + name;
    if (keys.has(key) || candidates.length >= MAX_RESOLVED_NAMES) return;
    keys.add(key);
    candidates.push({ module, name });
  };
  if (!q.isWildcard) {
    if (q.module) candidate(q.module, q.name);
    else if (target.isKernel) candidate("nt", q.name);
  }
  for (const p of parsed) {
    for (const e of p.entries) {
      if (!e.name || !q.pattern.test(e.name)) continue;
      if (q.module && !sameModule(target, q.module, e.dll)) continue;
      candidate(symbolModuleName(target, e.dll), e.name);
    }
  }
  for (const c of candidates) {
    const address = target.symbolAddress(c.module, c.name);
    add(c.name, c.module, address, "symbol " + c.module + "!" + c.name);
  }
  // A wildcard also asks the symbols (`x nt!ExAllocatePool*`): importers whose names are all gone are still found.
  const module = q.module || (target.isKernel ? "nt" : null);
  if (q.isWildcard && module) {
    for (const s of symbolsMatching(target, module, q.name)) {
      if (out.length >= MAX_RESOLVED_NAMES) break;
      add(s.name, module, s.address, "x " + module + "!" + q.name);
    }
  }
  return out;
}

/**
 * Symbols matching a wildcard, from `x module!pattern`. Its lines are `<address> module!name ...` (seed 003:
 * `e0894d1f nt!ExAllocatePool`); lines of any other shape are skipped, so format changes lose names, never crash.
 */
function symbolsMatching(target: Target, module: string, pattern: string): { name: string; address: Address }[] {
  const arg = symbolPatternArg(module, pattern);
  if (!arg) return [];
  const result = target.executeCommand("x", arg);
  const out: { name: string; address: Address }[] = [];
  for (const line of result.lines) {
    const m = /^\s*([0-9a-fA-F]{8}(?:`?[0-9a-fA-F]{8})?)\s+[^!\s]+!([^\s(]+)/.exec(line);
    const address = m ? Address.parse(m[1]) : null;
    if (m && address && !address.isNull) out.push({ name: m[2], address });
    if (out.length >= MAX_RESOLVED_NAMES) break;
  }
  return out;
}

/** True when the user's module name (`nt`, `ntdll`, `HAL.dll`) names the DLL an import names. */
function sameModule(target: Target, userModule: string, dll: string): boolean {
  const a = dllStem(userModule);
  const b = dllStem(dll);
  if (a === b) return true;
  if (target.isKernel && (a === "nt" || isKernelImage(a)) && isKernelImage(b)) return true;
  const exporter = exportingModule(target, dll);
  return !!exporter && (exporter.name.toLowerCase() === a || dllStem(exporter.fileName) === a);
}

function match(target: Target, q: ImporterQuery, parsed: ParsedModule[], result: ImporterResult): void {
  const byAddress = new Map<string, ResolvedFunction>();
  for (const f of result.functions) byAddress.set(f.address.key, f);
  for (const p of parsed) {
    const end = p.module.base.add(p.module.size);
    for (const e of p.entries) {
      const nameHit = !!(e.name && q.pattern && q.pattern.test(e.name) && (!q.module || sameModule(target, q.module, e.dll)));
      const valueFn = e.target ? byAddress.get(e.target.key) : undefined;
      if (!nameHit && !valueFn) continue;
      const fnName = e.name || (valueFn && valueFn.name) || (e.ordinal !== null ? "#" + e.ordinal : "?");
      // A descriptor whose DLL name is unreadable: the module the slot's value lies in, as for an orphan slot.
      const holder = e.dll === "?" && e.target ? target.moduleContaining(e.target) : null;
      result.matches.push(
        record(target, p.module, end, {
          fn: fnName,
          dll: holder ? holder.fileName : e.dll,
          ordinal: e.ordinal,
          delayLoad: e.delayLoad,
          iatRva: e.iatRva,
          value: e.target,
          redirected: nameHit && isRedirected(target, p.module, e, byAddress),
          notYetResolved: isUnresolvedDelayLoad(p.module, e),
          by: nameHit && valueFn ? "both" : nameHit ? "name" : "value",
          namesReadable: !e.nameUnreadable,
        }),
      );
    }
    for (const s of p.orphanSlots) {
      const fn = byAddress.get(s.value.key);
      if (!fn) continue;
      const exporter = target.moduleContaining(s.value);
      result.matches.push(
        record(target, p.module, end, {
          fn: fn.name || fn.display,
          dll: exporter ? exporter.fileName : "?",
          ordinal: null,
          delayLoad: false,
          iatRva: s.rva,
          value: s.value,
          redirected: false,
          notYetResolved: false,
          by: "value",
          namesReadable: false,
        }),
      );
    }
  }
  result.matches.sort((a, b) => (a.Function < b.Function ? -1 : a.Function > b.Function ? 1 : a.ModuleBase.compare(b.ModuleBase)));
}

/**
 * A name-matched slot is redirected when its value is neither the function's resolved address nor inside the
 * exporting module. Forwarded exports (HAL to nt) bind to the forwardee's address: a slot whose module resolves the
 * same name to it is not redirected. An unbound delay-load slot points into the importer's own stub: not either.
 */
function isRedirected(target: Target, importer: ModuleInfo, e: ImportEntry, byAddress: Map<string, ResolvedFunction>): boolean {
  if (!e.target || e.target.isNull) return false;
  if (byAddress.has(e.target.key)) return false;
  if (isUnresolvedDelayLoad(importer, e)) return false;
  const exporter = exportingModule(target, e.dll);
  if (!exporter) return false;
  if (e.target.isWithin(exporter.base, exporter.size)) return false;
  // A forwarded export (HAL.dll!X forwarded to nt!X) is bound to the forwardee: the name resolves there.
  const holder = target.moduleContaining(e.target);
  if (holder && e.name) {
    const forwardee = target.symbolAddress(target.isKernel && holder === target.kernelModule() ? "nt" : holder.name, e.name);
    if (forwardee && forwardee.equals(e.target)) return false;
  }
  return true;
}

/**
 * A delay-load slot whose value lies inside the importer: the image's own delay-load thunk (the linker's
 * `__imp_load_<name>` stub calling `__delayLoadHelper2`), there until the first call binds the slot. A hook placed
 * inside the importer itself would look the same; the section table is not read to tell them apart.
 */
function isUnresolvedDelayLoad(importer: ModuleInfo, e: ImportEntry): boolean {
  return e.delayLoad && !!e.target && !e.target.isNull && e.target.isWithin(importer.base, importer.size);
}

interface MatchFields {
  fn: string;
  dll: string;
  ordinal: number | null;
  delayLoad: boolean;
  iatRva: number;
  value: Address | null;
  redirected: boolean;
  notYetResolved: boolean;
  by: "name" | "value" | "both";
  namesReadable: boolean;
}

function record(target: Target, module: ModuleInfo, end: Address, f: MatchFields): ImportMatch {
  const iat = module.base.add(f.iatRva);
  const targetModule = f.value ? target.moduleContaining(f.value) : null;
  const m: ImportMatch = {
    Module: module.name,
    ModuleBase: module.base,
    ModuleEnd: end,
    Function: f.fn,
    ImportedFrom: f.dll,
    ByOrdinal: f.ordinal !== null,
    Ordinal: f.ordinal,
    DelayLoad: f.delayLoad,
    IatAddress: iat,
    Target: f.value,
    TargetModule: targetModule ? targetModule.name : "",
    Redirected: f.redirected,
    NotYetResolved: f.notYetResolved,
    MatchedBy: f.by,
    NamesReadable: f.namesReadable,
    toString: () =>
      module.name + " imports " + f.dll + "!" + f.fn + " at " + target.formatAddress(iat) +
      (f.value ? " -> " + target.formatAddress(f.value) : "") + (f.redirected ? " (redirected)" : f.notYetResolved ? " (delay-load, not yet resolved)" : ""),
  };
  return m;
}
