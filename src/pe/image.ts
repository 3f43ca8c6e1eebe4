// PE images as they lie in memory (sections at their virtual addresses). Offsets: research/layouts.md §6 and the
// PE/COFF specification. Pure functions over byte buffers: the caller reads the header page and hands it in.
import { u16, u32, asciiz } from "../core/bytes";

export const IMAGE_SCN_CNT_CODE = 0x00000020;
export const IMAGE_SCN_MEM_DISCARDABLE = 0x02000000;
export const IMAGE_SCN_MEM_EXECUTE = 0x20000000;
export const IMAGE_SCN_MEM_WRITE = 0x80000000;

export const DIRECTORY_EXPORT = 0;
export const DIRECTORY_IMPORT = 1;
export const DIRECTORY_IAT = 12;
export const DIRECTORY_DELAY_IMPORT = 13;

/** Sections beyond this are a malformed header: the COFF format allows 96 in practice (the loader's limit). */
export const MAX_SECTIONS = 96;

export interface Section {
  name: string;
  virtualAddress: number;
  virtualSize: number;
  characteristics: number;
  /** Executable: MEM_EXECUTE or CNT_CODE. */
  isCode: boolean;
  isDiscardable: boolean;
}

export interface DataDirectory {
  rva: number;
  size: number;
}

export interface PeHeaders {
  /** 0x10B or 0x20B. */
  magic: number;
  is64: boolean;
  machine: number;
  sizeOfImage: number;
  sizeOfHeaders: number;
  timeDateStamp: number;
  /** Present directories only (NumberOfRvaAndSizes may be below 16). */
  directories: DataDirectory[];
  sections: Section[];
  /** Problems found while parsing, each a plain sentence; parsing goes on where it can. */
  problems: string[];
}

export interface PeError {
  kind: "peError";
  reason: string;
}

/**
 * Parses the DOS header, NT headers, data directories and section table from the image's first bytes (the header
 * page; pass at least SizeOfHeaders bytes when they are known, 0x1000 otherwise). `sectionTableRead` false: the
 * bytes end after the data directories on purpose, and a section table past them is not a problem.
 */
export function parseHeaders(bytes: Uint8Array, imageSize: number, sectionTableRead = true): PeHeaders | PeError {
  if (bytes.length < 0x40 || u16(bytes, 0) !== 0x5a4d) return { kind: "peError", reason: "no MZ signature" };
  const nt = u32(bytes, 0x3c);
  if (nt < 0x40 || nt + 0x18 > bytes.length) return { kind: "peError", reason: "e_lfanew 0x" + nt.toString(16) + " points outside the header" };
  if (u32(bytes, nt) !== 0x00004550) return { kind: "peError", reason: "no PE signature at 0x" + nt.toString(16) };
  const machine = u16(bytes, nt + 4);
  const sectionCount = u16(bytes, nt + 6);
  const timeDateStamp = u32(bytes, nt + 8);
  const optionalSize = u16(bytes, nt + 0x14);
  const opt = nt + 0x18;
  if (opt + 2 > bytes.length) return { kind: "peError", reason: "optional header outside the header" };
  const magic = u16(bytes, opt);
  if (magic !== 0x10b && magic !== 0x20b) return { kind: "peError", reason: "optional header magic 0x" + magic.toString(16) };
  const is64 = magic === 0x20b;
  const problems: string[] = [];
  const countOffset = is64 ? 0x6c : 0x5c;
  const dirOffset = is64 ? 0x70 : 0x60;
  const fits = (offset: number, size: number) => offset + size <= optionalSize && opt + offset + size <= bytes.length;
  const sizeOfImage = fits(0x38, 4) ? u32(bytes, opt + 0x38) : imageSize;
  const sizeOfHeaders = fits(0x3c, 4) ? u32(bytes, opt + 0x3c) : 0;
  const directories: DataDirectory[] = [];
  if (fits(countOffset, 4)) {
    let count = u32(bytes, opt + countOffset);
    if (count > 16) {
      problems.push("NumberOfRvaAndSizes is " + count + "; only 16 directories exist");
      count = 16;
    }
    for (let i = 0; i < count && fits(dirOffset + i * 8, 8); i++) {
      directories.push({ rva: u32(bytes, opt + dirOffset + i * 8), size: u32(bytes, opt + dirOffset + i * 8 + 4) });
    }
  }
  const sections: Section[] = [];
  const table = opt + optionalSize;
  const limit = Math.min(sectionCount, MAX_SECTIONS);
  if (sectionCount > MAX_SECTIONS) problems.push("NumberOfSections is " + sectionCount + "; read the first " + MAX_SECTIONS);
  for (let i = 0; i < limit; i++) {
    const s = table + i * 0x28;
    // A caller that read only through the data directories gets the sections that happen to lie in its bytes.
    if (s + 0x28 > bytes.length && !sectionTableRead) break;
    if (s + 0x28 > bytes.length) {
      problems.push("section table runs past the header bytes after " + i + " sections");
      break;
    }
    const characteristics = u32(bytes, s + 0x24);
    const virtualSize = u32(bytes, s + 8);
    const rawSize = u32(bytes, s + 0x10);
    sections.push({
      name: asciiz(bytes, s, 8),
      virtualAddress: u32(bytes, s + 0xc),
      virtualSize: virtualSize || rawSize,
      characteristics,
      isCode: (characteristics & (IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_CNT_CODE)) !== 0,
      isDiscardable: (characteristics & IMAGE_SCN_MEM_DISCARDABLE) !== 0,
    });
  }
  const bound = Math.max(sizeOfImage, imageSize);
  for (const s of sections) {
    if (s.virtualAddress + s.virtualSize > bound) problems.push("section " + s.name + " runs past the image");
  }
  return { magic, is64, machine, sizeOfImage, sizeOfHeaders, timeDateStamp, directories, sections, problems };
}

export function isPeError(value: unknown): value is PeError {
  return typeof value === "object" && value !== null && (value as PeError).kind === "peError";
}

export function directory(headers: PeHeaders, index: number): DataDirectory | null {
  const d = headers.directories[index];
  return d && d.rva !== 0 && d.size !== 0 ? d : null;
}

/**
 * A directory the loader walks to its terminator (imports, delay-load imports): present when its RVA is set, whatever
 * its Size. The Windows loader ignores the import directory's Size and stops at the all-zero descriptor, so images
 * with Size 0 load and call their imports (small hand-made and packed PEs, some linkers); the caller bounds the walk.
 */
export function walkedDirectory(headers: PeHeaders, index: number): DataDirectory | null {
  const d = headers.directories[index];
  return d && d.rva !== 0 ? d : null;
}

/** The section holding an RVA, or null (headers, or outside every section). */
export function sectionOf(headers: PeHeaders, rva: number): Section | null {
  for (const s of headers.sections) if (rva >= s.virtualAddress && rva < s.virtualAddress + s.virtualSize) return s;
  return null;
}
