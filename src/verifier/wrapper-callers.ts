// Who calls an allocation wrapper, found statically. The verifier keeps one return address per allocation
// (_VI_POOL_ENTRY_INUSE.CallingAddress) and no stack, so when most allocations return into `drv!MyAlloc+0x21` the
// wrapper's callers are not in the dump. What is there is the driver's code: the direct calls to the wrapper's start
// (`e8 rel32`, and `e9 rel32` tail calls), and before each call the tag it loads into an argument (the immediate forms
// of src/pool/owners.ts). An allocation is then matched to the call sites that pass its tag — an inference from the
// code, not a record of what ran, and the output says so.
import { Address } from "../core/address";
import { i32, u32 } from "../core/bytes";
import { immediateFormAt, readImageSections, sectionPieces, isImageNotRead, pieceAt, ImagePiece, functionStartsOf } from "../pool/owners";
import { tagText } from "./pool";
import type { Target, ModuleInfo } from "../host/target";

/** Bytes before a call searched for the tag's immediate. The real call sequences are 15 (x86: two `mov [esp+x]`) and
 *  16 bytes (x64: `mov r8d, imm32; mov rdx, rcx; mov rcx, [rip+x]`) long (test/fixtures/leaktag/wine-code.txt); 0x20
 *  leaves room for a few more argument loads without reaching far into the code before. */
export const TAG_WINDOW = 0x20;
/** A return address further than this into a function is not a small allocation wrapper: the symbol is more likely
 *  the nearest public name before unrelated code, and its "start" would be wrong. */
export const MAX_WRAPPER_OFFSET = 0x1000;
/** Call sites kept; a wrapper called from more places than this is cut there and the rest counted. */
export const MAX_CALL_SITES = 4096;

export interface WrapperStart {
  /** `drv!MyAlloc`. */
  name: string;
  /** The `+0x21` of the caller symbol. */
  offset: number;
}

/** `drv!MyAlloc+0x21` -> { name: "drv!MyAlloc", offset: 0x21 }; null without a function symbol and an offset. */
export function wrapperStartOf(symbol: string): WrapperStart | null {
  const m = /^([^!\s]+!.+)\+0x([0-9a-fA-F]{1,8})$/.exec(symbol);
  if (!m) return null;
  const offset = parseInt(m[2], 16);
  return offset > 0 && offset <= MAX_WRAPPER_OFFSET ? { name: m[1], offset } : null;
}

export type CallKind = "call" | "jmp";

export interface CallSite {
  rva: number;
  kind: CallKind;
  /** The tag loaded before the call, when an immediate form holds four tag characters. */
  tag: string | null;
  /** Where that immediate's instruction starts, and its form ("mov r8d, imm32"). */
  tagRva: number | null;
  instruction: string | null;
}

/** Direct calls and jumps to `targetRva` in `bytes` (which start at `codeRva`): `e8 rel32` and `e9 rel32`. */
export function callSitesTo(bytes: Uint8Array, codeRva: number, targetRva: number): { rva: number; at: number; kind: CallKind }[] {
  const out: { rva: number; at: number; kind: CallKind }[] = [];
  for (let i = 0; i + 5 <= bytes.length; i++) {
    const op = bytes[i];
    if (op !== 0xe8 && op !== 0xe9) continue;
    if (codeRva + i + 5 + i32(bytes, i + 1) === targetRva) out.push({ rva: codeRva + i, at: i, kind: op === 0xe8 ? "call" : "jmp" });
  }
  return out;
}

/** Four bytes a driver writes as a pool tag: printable ASCII, the first a letter or digit (a size or a flag is not). */
export function looksLikeTag(value: number): boolean {
  const first = value & 0xff;
  if (!((first >= 0x30 && first <= 0x39) || (first >= 0x41 && first <= 0x5a) || (first >= 0x61 && first <= 0x7a))) return false;
  for (let i = 1; i < 4; i++) {
    let c = (value >>> (i * 8)) & 0xff;
    if (i === 3) c &= 0x7f; // the protected-pool bit
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/**
 * The tag immediates in bytes [from, to): every offset whose preceding bytes are one of the immediate forms and whose
 * four bytes look like a tag, nearest to `to` first. `known` tags come before tag-shaped values that no allocation has.
 */
export function tagImmediates(bytes: Uint8Array, from: number, to: number, is64: boolean, known: Set<string>): { tag: string; at: number; instruction: string; prefixLength: number }[] {
  const found: { tag: string; at: number; instruction: string; prefixLength: number; known: boolean }[] = [];
  for (let at = to - 4; at >= Math.max(0, from); at--) {
    const form = immediateFormAt(bytes, at, is64);
    if (!form || at - form.prefixLength < from) continue;
    const value = u32(bytes, at);
    if (!looksLikeTag(value)) continue;
    const tag = tagText(value);
    found.push({ tag, at, instruction: form.name, prefixLength: form.prefixLength, known: known.has(tag) });
  }
  // Stable: nearest first within each kind.
  const sorted = found.filter((f) => f.known).concat(found.filter((f) => !f.known));
  return sorted.map((f) => ({ tag: f.tag, at: f.at, instruction: f.instruction, prefixLength: f.prefixLength }));
}

/**
 * Where the search for a call site's tag starts in `bytes` (which start at `codeRva`): TAG_WINDOW bytes before the
 * call, but not before the previous call to the wrapper (`previousEnd`; its tag belongs to that call) nor before the
 * start of the function holding the call (x64 .pdata, `functionStarts`): a call near its function's start would
 * otherwise take a tag from the end of the function before it (`mov edx, tag; call [ExFreePoolWithTag]; ret`).
 */
export function tagWindowStart(siteAt: number, codeRva: number, previousEnd: number, functionStarts: Set<number>): number {
  let from = Math.max(previousEnd, siteAt - TAG_WINDOW, 0);
  for (let at = siteAt; at > from; at--) {
    if (functionStarts.has(codeRva + at)) {
      from = at;
      break;
    }
  }
  return from;
}

export interface WrapperScan {
  module: ModuleInfo;
  /** RVA of the wrapper's start. */
  startRva: number;
  sites: CallSite[];
  sitesNotKept: number;
  /** Tags written by the wrapper itself, before its allocation call (it hard-codes them). */
  hardCoded: { tag: string; rva: number; instruction: string }[];
  /** Executable sections scanned, and their bytes that did read. */
  sections: string[];
  bytesScanned: number;
  /** Executable bytes that did not read (paged out), when some did. */
  bytesUnreadable: number;
}

export type WrapperScanFailure =
  | { kind: "notInModule" }
  | { kind: "imageUnreadable"; module: ModuleInfo; reason: string };

export function isScanFailure(value: WrapperScan | WrapperScanFailure): value is WrapperScanFailure {
  return (value as WrapperScanFailure).kind !== undefined;
}

/**
 * Scans the executable sections of the module holding `start` for calls to it. `bodyEnd` is how far into the
 * wrapper its allocations return (the largest caller offset); the wrapper's own bytes before it are searched for
 * hard-coded tags. `known` holds the tags of the wrapper's outstanding allocations.
 */
export function scanWrapperCallers(target: Target, start: Address, bodyEnd: number, known: Set<string>): WrapperScan | WrapperScanFailure {
  // At 0xC4/0x62 the driver is still mapped and listed (the bugcheck is raised from MiUnloadSystemImage before the
  // image goes: seed 002's `u` on the caller disassembles test.sys); a driver already gone is reported, not searched.
  const module = target.moduleContaining(start);
  if (!module) return { kind: "notInModule" };
  // The code, and on x64 the .pdata that says where its functions start (tagWindowStart; the exception directory
  // is found in the bytes read, so a .pdata under another name only leaves the windows unbounded by functions).
  const image = readImageSections(target, module, (s) => s.isCode || (s.name === ".pdata" && !s.isDiscardable));
  if (isImageNotRead(image)) return { kind: "imageUnreadable", module, reason: image.reason };
  const is64 = image.headers.is64;
  const startRva = start.distanceFrom(module.base) || 0;
  const scan: WrapperScan = { module, startRva, sites: [], sitesNotKept: 0, hardCoded: [], sections: [], bytesScanned: 0, bytesUnreadable: 0 };
  const readable: ImagePiece[] = [];
  const functionStarts = functionStartsOf(image.headers, image.pieces);
  for (const section of image.sections) {
    if (!section.isCode) continue;
    const { pieces, missing } = sectionPieces(section, image);
    scan.sections.push(section.name);
    scan.bytesUnreadable += missing;
    for (const piece of pieces) {
      readable.push(piece);
      scan.bytesScanned += piece.bytes.length;
      let previousEnd = 0;
      for (const site of callSitesTo(piece.bytes, piece.rva, startRva)) {
        // The window stops at the previous call to the wrapper: its tag belongs to that call.
        const tags = tagImmediates(piece.bytes, tagWindowStart(site.at, piece.rva, previousEnd, functionStarts), site.at, is64, known);
        previousEnd = site.at + 5;
        if (scan.sites.length >= MAX_CALL_SITES) {
          scan.sitesNotKept++;
          continue;
        }
        const t = tags[0];
        scan.sites.push({ rva: site.rva, kind: site.kind, tag: t ? t.tag : null, tagRva: t ? piece.rva + t.at - t.prefixLength : null, instruction: t ? t.instruction : null });
      }
    }
  }
  if (scan.bytesScanned === 0) return { kind: "imageUnreadable", module, reason: "its executable sections are unreadable (paged out, or the image is gone)" };
  const body = pieceAt(readable, startRva, bodyEnd);
  if (body) {
    for (const t of tagImmediates(body, 0, body.length, is64, known)) {
      if (known.has(t.tag)) scan.hardCoded.push({ tag: t.tag, rva: startRva + t.at - t.prefixLength, instruction: t.instruction });
    }
  }
  return scan;
}

export interface TagAttribution {
  tag: string;
  allocations: number;
  bytes: number;
  /** Call sites that load this tag before calling the wrapper. */
  passedBy: CallSite[];
  /** The wrapper writes this tag itself (at these RVAs); the call sites that pass no tag are its likely callers. */
  hardCodedAt: number[];
  /** With a hard-coded tag: the call sites that pass none. */
  passingNoTag: CallSite[];
}

/** Each tag of the wrapper's allocations with the call sites that pass it; `groups` are largest first. */
export function attributeTags(groups: { key: string; allocations: number; bytes: number }[], scan: WrapperScan): TagAttribution[] {
  const noTag = scan.sites.filter((s) => s.tag === null);
  return groups.map((g) => {
    const hardCodedAt = scan.hardCoded.filter((h) => h.tag === g.key).map((h) => h.rva);
    return {
      tag: g.key,
      allocations: g.allocations,
      bytes: g.bytes,
      passedBy: scan.sites.filter((s) => s.tag === g.key),
      hardCodedAt,
      passingNoTag: hardCodedAt.length ? noTag : [],
    };
  });
}
