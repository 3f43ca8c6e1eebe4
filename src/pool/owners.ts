// Which loaded driver allocates with a tag: every module whose image holds the tag's four bytes, read section by
// section in large batched reads. A hit is `code` when the bytes are the immediate operand of an instruction in an
// executable section (`41 b8 <tag>`: mov r8d, tag, the third argument of ExAllocatePoolWithTag/ExAllocatePool2);
// a code hit whose tag is an argument of a call into an allocator's IAT slot (`ff 15 disp32`) is the allocation
// itself, and ranks its module first. So is a call to the driver's own allocation wrapper: a `call rel32` whose
// target calls or jumps through an allocator's IAT slot within its first WRAPPER_BYTES bytes. The way from the tag to
// the call is walked instruction by instruction (src/pool/tag-flow.ts): through register moves, and never past a
// `jmp`, `ret` or `int3`. A call into ExFreePoolWithTag is a free site, not an allocation.
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { i32, u32, indexOfBytes, pointer } from "../core/bytes";
import { parseHeaders, isPeError, PeHeaders, Section, directory, DIRECTORY_IAT } from "../pe/image";
import { parseImports } from "../pe/imports";
import { planSectionReads } from "../pe/section-reads";
import { workLimit, raiseHint, limits } from "../core/limits";
import { followTag, TagHolder, REGISTER_NAMES } from "./tag-flow";
import type { Target, ModuleInfo } from "../host/target";
import { sizeText } from "../render/report";

/** Imports that allocate tagged pool. A call into one of these right after the tag is the allocation. */
export const ALLOCATOR_IMPORTS = [
  "ExAllocatePool",
  "ExAllocatePoolWithTag",
  "ExAllocatePoolWithQuotaTag",
  "ExAllocatePool2",
  "ExAllocatePool3",
  "ExAllocatePoolWithTagPriority",
  "ExAllocatePoolZero",
  "ExAllocatePoolQuotaZero",
  "ExAllocatePoolUninitialized",
];

/** Imports that free tagged pool; the tag is their second argument. A call into one is a free site. */
export const FREE_IMPORTS = ["ExFreePoolWithTag", "ExFreePool2"];

/** Bytes of a called function searched for the allocator call that makes it an allocation wrapper. */
export const WRAPPER_BYTES = 0x60;
/** Hits kept per module besides allocator calls, which are all kept (the rest are counted): code first, then data. */
export const MAX_HITS_PER_MODULE = 64;

/** An instruction whose last four bytes are an imm32 operand; `-1` matches any byte (a displacement). */
interface ImmediateForm {
  bytes: number[];
  name: string;
  /** Where the instruction leaves the tag: a register's number (tag-flow.ts REGISTER_NAMES) or the stack. */
  holder: TagHolder;
  /** Bytes of the instruction after the tag's first byte: 4, or 8 for `mov r64, imm64`. */
  rest?: number;
}

const onStack: TagHolder = { register: null, stack: true };
const inRegister = (r: number): TagHolder => ({ register: r, stack: false });

/** `mov r32, imm32` (b8+r) for every register but esp; x64 adds REX.B (`41 b8+r`, r8d-r15d) and `mov r64, imm64`
 *  (REX.W, the tag as the low dword). Compilers load a tag used more than once into a callee-saved register this way. */
function registerForms(is64: boolean): ImmediateForm[] {
  const forms: ImmediateForm[] = [];
  for (let r = 0; r < (is64 ? 16 : 8); r++) {
    if (r === 4) continue;
    const opcode = 0xb8 + (r & 7);
    const name = REGISTER_NAMES[r];
    if (is64) {
      const rexW = r < 8 ? 0x48 : 0x49;
      forms.push({ bytes: [rexW, opcode], name: "mov " + (r < 8 ? "r" + name.slice(1) : name.slice(0, -1)) + ", imm64", holder: inRegister(r), rest: 8 });
    }
    forms.push({ bytes: r < 8 ? [opcode] : [0x41, opcode], name: "mov " + name + ", imm32", holder: inRegister(r) });
  }
  return forms;
}

const byLength = (a: ImmediateForm, b: ImmediateForm) => b.bytes.length - a.bytes.length;

// Longest first: `41 b8` (mov r8d) ends with the `b8` of mov eax, and `48 b8` (mov rax, imm64) too.
const X64_FORMS: ImmediateForm[] = [
  { bytes: [0xc7, 0x44, 0x24, -1], name: "mov dword ptr [rsp+disp8], imm32", holder: onStack },
  { bytes: [0xc7, 0x45, -1], name: "mov dword ptr [rbp+disp8], imm32", holder: onStack },
  { bytes: [0x68], name: "push imm32", holder: onStack },
]
  .concat(registerForms(true))
  .sort(byLength);

const X86_FORMS: ImmediateForm[] = [
  { bytes: [0x68], name: "push imm32", holder: onStack },
  { bytes: [0xc7, 0x44, 0x24, -1], name: "mov dword ptr [esp+disp8], imm32", holder: onStack },
  { bytes: [0xc7, 0x04, 0x24], name: "mov dword ptr [esp], imm32", holder: onStack },
  { bytes: [0xc7, 0x45, -1], name: "mov dword ptr [ebp+disp8], imm32", holder: onStack },
]
  .concat(registerForms(false))
  .sort(byLength);

export type HitKind = "code" | "data";
export type TagUse = "allocation" | "free";

export interface TagHit {
  address: Address;
  rva: number;
  section: string;
  kind: HitKind;
  /** The instruction form for a code hit ("mov r8d, imm32"). */
  instruction: string | null;
  /** Where that instruction starts (the tag is its operand); the hit's address for data. */
  instructionAddress: Address;
  /** The import the call that takes the tag reaches: an allocator, or ExFreePoolWithTag for a free site. */
  allocator: string | null;
  /** "allocation" when that import allocates, "free" when it frees, null without such a call. */
  use: TagUse | null;
  /** Calls into an allocator that take the tag from this one instruction (a tag held in a callee-saved register may
   *  feed several); 0 for a free site or no call. */
  allocatorCalls: number;
  /** Where the (first) call that takes the tag is, or null. */
  callAddress: Address | null;
  /** The register moves that brought the tag to that call (`mov r8d, ebp`), oldest first. */
  moves: string[];
  /** RVA of the driver's own function the call goes through to reach `allocator` (a wrapper), or null. */
  wrapperRva: number | null;
}

export type Confidence = "high" | "medium" | "low";

export interface TagOwner {
  module: ModuleInfo;
  confidence: Confidence;
  /** Every allocator call site, then other hits up to MAX_HITS_PER_MODULE (code first), in address order. */
  hits: TagHit[];
  /** Hits found but not kept (allocationsNotKept of them allocator calls: 0 unless the image is corrupt). */
  hitsNotKept: number;
  allocationsNotKept: number;
  /** Why allocator calls could not be checked (import tables unreadable), as plain sentences. */
  problems: string[];
}

export interface NotSearched {
  module: string;
  /** Section name or "image" when the headers were unreadable. */
  section: string;
  start: Address;
  size: number;
  reason: string;
}

export interface OwnerSearch {
  owners: TagOwner[];
  notSearched: NotSearched[];
  modulesSearched: number;
  bytesSearched: number;
}

export interface ImmediateMatch {
  name: string;
  /** Bytes of the instruction before its imm32 operand. */
  prefixLength: number;
  /** Where the instruction leaves the tag. */
  holder: TagHolder;
  /** Bytes from the tag to the next instruction: 4, or 8 after an imm64. */
  rest: number;
}

/** The instruction form whose imm32 operand starts at `at`, or null. */
export function immediateFormAt(bytes: Uint8Array, at: number, is64: boolean): ImmediateMatch | null {
  for (const form of is64 ? X64_FORMS : X86_FORMS) {
    const start = at - form.bytes.length;
    if (start < 0) continue;
    let ok = true;
    for (let i = 0; i < form.bytes.length && ok; i++) if (form.bytes[i] >= 0 && bytes[start + i] !== form.bytes[i]) ok = false;
    if (ok) return { name: form.name, prefixLength: form.bytes.length, holder: form.holder, rest: form.rest || 4 };
  }
  return null;
}

/** A call after the tag that reaches an IAT slot, directly (`wrapperRva` null) or through a function of the image. */
export interface CallTarget {
  slot: number;
  wrapperRva: number | null;
}

/**
 * The IAT slots that calls within `window` bytes after `from` reach: `ff 15 disp32` (call [slot]; x64 disp32 is
 * RIP-relative, x86 disp32 an absolute address; a `48` REX prefix before it changes nothing), and `e8 rel32` into an
 * import thunk `ff 25 disp32` (jmp [slot]), which is how MinGW-built drivers call imports. `codeRva` is the RVA of
 * bytes[0]; `readRva` reads a thunk. With `tailJumps`, `ff 25 disp32` and `e9 rel32` count too (tail calls).
 * With `followWrappers`, the driver's own wrappers too: an `e8 rel32` whose target is not an import thunk is read
 * (WRAPPER_BYTES) and the IAT slots it calls or tail-jumps to are returned with the wrapper's RVA. One level only:
 * a wrapper of a wrapper is not followed. A `jmp rel32` (with `tailJumps`) is followed into a wrapper only when it
 * lands on the start of a function of `functionStarts` (x64 .pdata): most `jmp rel32` are branches inside their own
 * function, whose target is no wrapper; into an import thunk it is always followed (the thunk itself is the proof).
 */
export function callTargets(
  bytes: Uint8Array,
  from: number,
  window: number,
  codeRva: number,
  is64: boolean,
  imageBase: Address,
  readRva?: (rva: number, size: number) => Uint8Array | null,
  tailJumps = false,
  followWrappers = false,
  functionStarts?: Set<number>,
): CallTarget[] {
  const out: CallTarget[] = [];
  const slotOf = (b: Uint8Array, at: number, rva: number): number | null => {
    if (is64) return rva + 6 + i32(b, at + 2);
    return new Address(0, u32(b, at + 2)).distanceFrom(imageBase);
  };
  const end = Math.min(bytes.length - 5, from + window);
  for (let i = from; i <= end; i++) {
    if (bytes[i] === 0xff && (bytes[i + 1] === 0x15 || (tailJumps && bytes[i + 1] === 0x25)) && i + 6 <= bytes.length) {
      const slot = slotOf(bytes, i, codeRva + i);
      if (slot !== null) out.push({ slot, wrapperRva: null });
    } else if ((bytes[i] === 0xe8 || (tailJumps && bytes[i] === 0xe9)) && readRva) {
      // `e9 rel32` with tailJumps: a tail call, into an import thunk or the driver's own wrapper, as `e8` is.
      const calleeRva = codeRva + i + 5 + i32(bytes, i + 1);
      if (calleeRva <= 0) continue;
      const thunk = readRva(calleeRva, 6);
      if (thunk && thunk[0] === 0xff && thunk[1] === 0x25) {
        const slot = slotOf(thunk, 0, calleeRva);
        if (slot !== null) out.push({ slot, wrapperRva: null });
      } else if (followWrappers && (bytes[i] === 0xe8 || (functionStarts !== undefined && functionStarts.has(calleeRva)))) {
        // The callee may end its section (or the readable bytes) before WRAPPER_BYTES: take what reads.
        let body: Uint8Array | null = null;
        for (let size = WRAPPER_BYTES; size >= 6 && !body; size--) body = readRva(calleeRva, size);
        if (!body) continue;
        for (const inner of callTargets(body, 0, body.length, calleeRva, is64, imageBase, readRva, true, false)) out.push({ slot: inner.slot, wrapperRva: calleeRva });
      }
    }
  }
  return out;
}

/**
 * Searches every module for the tag's bytes, at most workLimit("maxModules") of them (a kernel has a few hundred).
 * `onModule` is told the image bytes covered so far, for progress.
 */
export function findTagOwners(target: Target, tag: Uint8Array, onModule?: (bytesDone: number, bytesTotal: number) => void): OwnerSearch {
  const result: OwnerSearch = { owners: [], notSearched: [], modulesSearched: 0, bytesSearched: 0 };
  const all = target.modules();
  const modules = all.slice(0, workLimit("maxModules"));
  for (const module of all.slice(modules.length)) {
    result.notSearched.push({ module: module.name, section: "image", start: module.base, size: module.size, reason: "past the first " + modules.length + " modules (maxModules; " + raiseHint("maxModules") + ")" });
  }
  const perImage = workLimit("maxSearchBytesPerImage");
  const total = modules.reduce((n, m) => n + Math.min(m.size, perImage), 0);
  let done = 0;
  // nt's allocator and free addresses, looked up once per command and only when a driver's import names are gone.
  let byValue: Map<string, string> | null = null;
  const allocatorAddresses = (): Map<string, string> => {
    if (!byValue) {
      byValue = new Map<string, string>();
      for (const name of ALLOCATOR_IMPORTS.concat(FREE_IMPORTS)) {
        const address = target.symbolAddress("nt", name);
        if (address && !address.isNull) byValue.set(address.key, name);
      }
    }
    return byValue;
  };
  for (const module of modules) {
    if (onModule) onModule(done, total);
    done += Math.min(module.size, perImage);
    try {
      searchModule(target, module, tag, result, allocatorAddresses);
    } catch (e) {
      result.notSearched.push({ module: module.name, section: "image", start: module.base, size: module.size, reason: "error: " + String(e) });
    }
  }
  const rank = { high: 0, medium: 1, low: 2 };
  const direct = (o: TagOwner) => o.hits.filter((h) => isAllocation(h) && h.wrapperRva === null).length;
  const code = (o: TagOwner) => o.hits.filter((h) => h.kind === "code").length;
  // High first; among equals, direct allocator calls, then code hits, then any hits.
  result.owners.sort((a, b) => rank[a.confidence] - rank[b.confidence] || direct(b) - direct(a) || code(b) - code(a) || b.hits.length - a.hits.length);
  return result;
}

/** A module's sections as read from the target: the parsed headers and the readable pieces of their span. */
export interface ImageSections {
  headers: PeHeaders;
  /** The sections read (those `which` chose, clipped to `size`), by RVA. */
  sections: Section[];
  /** Readable pieces of the chosen sections, by RVA. */
  pieces: ImagePiece[];
  /** Bytes of the image considered: its size, capped by maxSearchBytesPerImage. */
  size: number;
}

export interface ImagePiece {
  rva: number;
  bytes: Uint8Array;
}

export interface ImageNotRead {
  kind: "imageNotRead";
  reason: string;
}

export function isImageNotRead(value: unknown): value is ImageNotRead {
  return typeof value === "object" && value !== null && (value as ImageNotRead).kind === "imageNotRead";
}

/**
 * Reads a module's header page, then the sections `which` chooses as planSectionReads plans them: one read per run
 * of adjacent resident sections, each discardable or PAGE* section on its own (a freed one costs a one-page probe),
 * holes found by halving (TargetMemory.readPartial). Six host calls for a WDK driver: headers, .text, PAGE, .rdata
 * through .pdata, and a one-page probe each of its freed INIT and .reloc.
 */
export function readImageSections(target: Target, module: ModuleInfo, which: (s: Section) => boolean): ImageSections | ImageNotRead {
  // The header page first: a module whose headers do not read is skipped without walking its pages.
  const headerBytes = target.memory.read(module.base, Math.min(0x1000, module.size), module.name + " headers");
  if (headerBytes instanceof Unreadable) return { kind: "imageNotRead", reason: "headers unreadable" };
  const headers = parseHeaders(headerBytes, module.size);
  if (isPeError(headers)) return { kind: "imageNotRead", reason: headers.reason };
  const size = Math.min(module.size, workLimit("maxSearchBytesPerImage"));
  const sections = headers.sections.filter((s) => s.virtualSize > 0 && s.virtualAddress < size && which(s));
  const pieces: ImagePiece[] = [];
  for (const planned of planSectionReads(sections, size)) {
    const read = target.memory.readPartial(module.base.add(planned.rva), planned.size, { stopAtUnreadableStart: planned.discardable });
    for (const p of read.pieces) pieces.push({ rva: p.start.distanceFrom(module.base) || 0, bytes: p.bytes });
  }
  return { headers, sections, pieces, size };
}

/** The readable parts of one section, by RVA, and how many of its bytes did not read. */
export function sectionPieces(section: Section, image: ImageSections): { pieces: ImagePiece[]; missing: number } {
  const end = Math.min(image.size, section.virtualAddress + section.virtualSize);
  const pieces: ImagePiece[] = [];
  let covered = 0;
  for (const piece of image.pieces) {
    const from = Math.max(section.virtualAddress, piece.rva);
    const to = Math.min(end, piece.rva + piece.bytes.length);
    if (to <= from) continue;
    covered += to - from;
    pieces.push({ rva: from, bytes: piece.bytes.subarray(from - piece.rva, to - piece.rva) });
  }
  return { pieces, missing: end - section.virtualAddress - covered };
}

function searchModule(target: Target, module: ModuleInfo, tag: Uint8Array, result: OwnerSearch, allocatorAddresses: () => Map<string, string>): void {
  const image = readImageSections(target, module, () => true);
  if (isImageNotRead(image)) {
    result.notSearched.push({ module: module.name, section: "image", start: module.base, size: module.size, reason: image.reason });
    return;
  }
  const { headers, sections, pieces, size } = image;
  result.modulesSearched++;
  const perImage = workLimit("maxSearchBytesPerImage");
  if (size < module.size) {
    result.notSearched.push({ module: module.name, section: "image", start: module.base.add(size), size: module.size - size, reason: "beyond the " + sizeText(perImage) + " searched per image (maxSearchBytesPerImage; " + raiseHint("maxSearchBytesPerImage") + ")" });
  }
  if (sections.length === 0) return;
  const owner: TagOwner = { module, confidence: "low", hits: [], hitsNotKept: 0, allocationsNotKept: 0, problems: [] };
  let allocatorSlots: Map<number, string> | null = null;
  let functionStarts: Set<number> | null = null;
  // Every hit is classified and counted first; which are kept is decided at the end (keepHits).
  const found: TagHit[] = [];
  for (const section of sections) {
    const { pieces: parts, missing } = sectionPieces(section, image);
    for (const part of parts) {
      const from = part.rva;
      const bytes = part.bytes;
      result.bytesSearched += bytes.length;
      let at = indexOfBytes(bytes, tag, 0);
      while (at >= 0) {
        const rva = from + at;
        const form = section.isCode ? immediateFormAt(bytes, at, headers.is64) : null;
        let use: CodeUse | null = null;
        if (form) {
          if (!allocatorSlots) {
            const found = allocatorIatSlots(target, module, image, allocatorAddresses);
            allocatorSlots = found.slots;
            for (const problem of found.problems) owner.problems.push(problem + "; calls to allocators could not be checked");
            if (found.note) owner.problems.push(found.note);
          }
          const readRva = (rva: number, size: number) => pieceAt(pieces, rva, size);
          if (!functionStarts) functionStarts = functionStartsOf(headers, pieces);
          use = classifyTagUse(bytes, at, form, from, headers.is64, module.base, allocatorSlots, readRva, functionStarts);
        }
        found.push({
          address: module.base.add(rva),
          rva,
          section: section.name,
          kind: form ? "code" : "data",
          instruction: form ? form.name : null,
          instructionAddress: module.base.add(form ? rva - form.prefixLength : rva),
          allocator: use ? use.allocator : null,
          use: use ? use.use : null,
          allocatorCalls: use ? use.allocatorCalls : 0,
          callAddress: use && use.callRva !== null ? module.base.add(use.callRva) : null,
          moves: use ? use.moves : [],
          wrapperRva: use ? use.wrapperRva : null,
        });
        at = indexOfBytes(bytes, tag, at + 1);
      }
    }
    if (missing > 0) {
      result.notSearched.push({
        module: module.name,
        section: section.name,
        start: module.base.add(section.virtualAddress),
        size: missing,
        reason: section.isDiscardable ? "unreadable: discarded or paged out (discardable section)" : "unreadable: paged out or not resident",
      });
    }
  }
  const kept = keepHits(found, MAX_HITS_PER_MODULE, limits.maxAllocationSitesPerModule);
  owner.hits = kept.hits;
  owner.hitsNotKept = kept.notKept;
  owner.allocationsNotKept = kept.allocationsNotKept;
  if (owner.hits.length === 0) return;
  owner.confidence = owner.hits.some(isAllocation) ? "high" : owner.hits.some((h) => h.kind === "code") ? "medium" : "low";
  result.owners.push(owner);
}

export function pieceAt(pieces: ImagePiece[], rva: number, size: number): Uint8Array | null {
  for (const p of pieces) {
    if (rva >= p.rva && rva + size <= p.rva + p.bytes.length) return p.bytes.subarray(rva - p.rva, rva - p.rva + size);
  }
  return null;
}

/**
 * RVA of each IAT slot that imports an allocator or a free (FREE_IMPORTS), from the module's import directory. A WDK
 * driver keeps its import descriptors and names in INIT, which the kernel frees after DriverEntry, and its IAT at the
 * start of .rdata: when the names are gone, the slots of the IAT directory are named by value instead (a slot holding
 * nt!ExAllocatePoolWithTag's address imports it), and `note` says so. Bytes inside the image's sections that did not
 * read when the sections were read are not asked again.
 */
function allocatorIatSlots(target: Target, module: ModuleInfo, image: ImageSections, allocatorAddresses: () => Map<string, string>): { slots: Map<number, string>; problems: string[]; note: string | null } {
  const { headers, pieces } = image;
  const slots = new Map<number, string>();
  const inSections = (rva: number) => rva < image.size && image.sections.some((s) => rva >= s.virtualAddress && rva < s.virtualAddress + s.virtualSize);
  const read = (rva: number, size: number): Uint8Array | null => {
    if (rva < 0 || size <= 0 || rva + size > module.size) return null;
    const cached = pieceAt(pieces, rva, size);
    if (cached) return cached;
    // Across pieces (two planned reads, e.g. PAGE then .rdata) the bytes are in hand; a gap inside the sections read
    // is a page that did not read (freed INIT, paged out) and is not asked again.
    const joined = new Uint8Array(size);
    let at = rva;
    while (at < rva + size) {
      const piece = pieces.find((p) => at >= p.rva && at < p.rva + p.bytes.length);
      if (!piece) break;
      const n = Math.min(rva + size, piece.rva + piece.bytes.length) - at;
      joined.set(piece.bytes.subarray(at - piece.rva, at - piece.rva + n), at - rva);
      at += n;
    }
    if (at >= rva + size) return joined;
    if (inSections(at)) return null;
    const bytes = target.memory.read(module.base.add(rva), size, module.name + " imports");
    return bytes instanceof Unreadable ? null : bytes;
  };
  const imports = parseImports(headers, read, module.size);
  for (const entry of imports.entries) {
    if (entry.name && (ALLOCATOR_IMPORTS.indexOf(entry.name) >= 0 || FREE_IMPORTS.indexOf(entry.name) >= 0)) slots.set(entry.iatRva, entry.name);
  }
  const problems = imports.problems.slice();
  if (imports.entries.some((e) => e.nameUnreadable)) problems.push("some import names of " + module.fileName + " are unreadable");
  const namesGone = imports.entries.length === 0 || problems.length > 0;
  const iat = namesGone ? directory(headers, DIRECTORY_IAT) : null;
  const iatBytes = iat && iat.rva < module.size ? read(iat.rva, Math.min(iat.size, module.size - iat.rva)) : null;
  if (!iat || !iatBytes) return { slots, problems, note: null };
  const ps = headers.is64 ? 8 : 4;
  const known = allocatorAddresses();
  // Without nt's symbols there is nothing to match the values to: the names' problems stand.
  if (known.size === 0) return { slots, problems, note: null };
  for (let at = 0; at + ps <= iatBytes.length; at += ps) {
    const name = known.get(pointer(iatBytes, at, ps).key);
    if (name && !slots.has(iat.rva + at)) slots.set(iat.rva + at, name);
  }
  if (problems.length === 0) return { slots, problems, note: null };
  return { slots, problems: [], note: "import names unreadable (INIT discarded or paged out); IAT slots matched by value to nt's allocators and frees" };
}

/** IMAGE_DIRECTORY_ENTRY_EXCEPTION: x64 RUNTIME_FUNCTION entries (BeginAddress, EndAddress, UnwindData; 12 bytes). */
const DIRECTORY_EXCEPTION = 3;

/** The BeginAddress of each x64 .pdata entry that was read: where the image's (non-leaf) functions start. */
export function functionStartsOf(headers: PeHeaders, pieces: ImagePiece[]): Set<number> {
  const starts = new Set<number>();
  const pdata = headers.is64 ? directory(headers, DIRECTORY_EXCEPTION) : null;
  const bytes = pdata ? pieceAt(pieces, pdata.rva, pdata.size - (pdata.size % 12)) : null;
  if (!bytes) return starts;
  for (let at = 0; at + 12 <= bytes.length; at += 12) starts.add(u32(bytes, at));
  return starts;
}

export function isAllocation(hit: TagHit): boolean {
  return hit.use === "allocation";
}

/**
 * The hits kept: every allocation site (up to `maxAllocations`, a bound only a corrupt image reaches), then the other
 * code hits (free sites first) and the data hits up to `maxOthers`, back in address order; the rest is counted.
 */
export function keepHits(hits: TagHit[], maxOthers: number, maxAllocations: number): { hits: TagHit[]; notKept: number; allocationsNotKept: number } {
  const every = hits.filter(isAllocation);
  const allocations = every.slice(0, maxAllocations);
  const rank = (h: TagHit) => (h.use === "free" ? 0 : h.kind === "code" ? 1 : 2);
  const others = hits
    .filter((h) => !isAllocation(h))
    .map((h, order) => ({ h, order }))
    .sort((a, b) => rank(a.h) - rank(b.h) || a.order - b.order)
    .slice(0, maxOthers)
    .map((o) => o.h);
  const kept = allocations.concat(others).sort((a, b) => a.rva - b.rva);
  return { hits: kept, notKept: hits.length - kept.length, allocationsNotKept: every.length - allocations.length };
}

/** What the calls that take a tag reach. */
export interface CodeUse {
  /** The first allocator reached, or else the first free. */
  allocator: string | null;
  use: TagUse | null;
  wrapperRva: number | null;
  callRva: number | null;
  moves: string[];
  allocatorCalls: number;
}

/**
 * Follows the tag of the instruction `form` matched at `at` (bytes[0] is at `codeRva`) to the calls that take it
 * (tag-flow.ts), and names the imports they reach through `slots` (IAT slot RVA -> import name): directly, through a
 * MinGW thunk, or through the driver's own wrapper (callTargets).
 */
export function classifyTagUse(
  bytes: Uint8Array,
  at: number,
  form: ImmediateMatch,
  codeRva: number,
  is64: boolean,
  imageBase: Address,
  slots: Map<number, string>,
  readRva?: (rva: number, size: number) => Uint8Array | null,
  functionStarts?: Set<number>,
): CodeUse {
  const result: CodeUse = { allocator: null, use: null, wrapperRva: null, callRva: null, moves: [], allocatorCalls: 0 };
  const flow = followTag(bytes, at + form.rest, form.holder, is64);
  let free: CodeUse | null = null;
  for (const call of flow.calls) {
    // A direct call wins over a wrapper: the first target of this call that reaches an allocator is kept.
    for (const target of callTargets(bytes, call.opcodeAt, 0, codeRva, is64, imageBase, readRva, call.jump, true, functionStarts)) {
      const name = slots.get(target.slot);
      if (!name) continue;
      const found = { allocator: name, wrapperRva: target.wrapperRva, callRva: codeRva + call.at, moves: call.moves };
      if (ALLOCATOR_IMPORTS.indexOf(name) >= 0) {
        if (result.allocatorCalls === 0) Object.assign(result, found, { use: "allocation" });
        result.allocatorCalls++;
        break;
      }
      if (!free) free = Object.assign({}, found, { use: "free" as TagUse, allocatorCalls: 0 });
      break;
    }
  }
  return result.allocatorCalls > 0 ? result : free || result;
}
