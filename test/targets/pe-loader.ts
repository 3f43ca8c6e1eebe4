// Maps a real PE file into an emulated target as the Windows loader does: the headers, then each section's raw
// data at its virtual address (zero-filled up to VirtualSize), the base relocations applied when the image lies
// elsewhere than its preferred ImageBase, then every IAT slot bound to the address the exporting module's export
// has. Delay-load slots are left as the file has them (relocated): the address of the image's own delay-load thunk,
// which the delay-load helper replaces with the export's address on the first call (`bindDelayLoads` does that). Reads the file with its own few lines of PE/COFF (layouts.md §6), independent of
// src/pe, so a parser bug there cannot be copied into the target.
import { TargetBuilder } from "./builder";
import { buildDriver } from "./importers";

export interface FileImport {
  dll: string;
  /** RVA of the descriptor's first IAT slot. */
  iatRva: number;
  functions: { name: string | null; ordinal: number | null }[];
}

export interface MappedImage {
  base: bigint;
  sizeOfImage: number;
  is64: boolean;
  imports: FileImport[];
  /** The delay-load descriptors (IMAGE_DELAYLOAD_DESCRIPTOR, RVA-based): `iatRva` is the descriptor's IAT. */
  delayImports: FileImport[];
  /** Each delay-load slot's value after mapping (relocated), by the slot's RVA: its thunk in this image. */
  delaySlots: Map<number, bigint>;
}

/** Resolves an import to the address its slot is bound to. */
export type Binder = (dll: string, fn: { name: string | null; ordinal: number | null }) => bigint;

interface Layout {
  is64: boolean;
  imageBase: bigint;
  sizeOfImage: number;
  sizeOfHeaders: number;
  exportRva: number;
  exportSize: number;
  importRva: number;
  relocRva: number;
  relocSize: number;
  delayImportRva: number;
  sections: { va: number; virtualSize: number; rawOffset: number; rawSize: number }[];
}

function layoutOf(file: Uint8Array): Layout {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (v.getUint16(0, true) !== 0x5a4d) throw new Error("not an MZ file");
  const nt = v.getUint32(0x3c, true);
  if (v.getUint32(nt, true) !== 0x4550) throw new Error("no PE signature");
  const sectionCount = v.getUint16(nt + 6, true);
  const optionalSize = v.getUint16(nt + 0x14, true);
  const opt = nt + 0x18;
  const is64 = v.getUint16(opt, true) === 0x20b;
  const dirs = opt + (is64 ? 0x70 : 0x60);
  const dirCount = v.getUint32(dirs - 4, true);
  const dir = (i: number, field: 0 | 4) => (i < dirCount ? v.getUint32(dirs + i * 8 + field, true) : 0);
  const sections = [];
  for (let i = 0; i < sectionCount; i++) {
    const s = opt + optionalSize + i * 0x28;
    sections.push({ virtualSize: v.getUint32(s + 8, true), va: v.getUint32(s + 0xc, true), rawSize: v.getUint32(s + 0x10, true), rawOffset: v.getUint32(s + 0x14, true) });
  }
  return {
    is64,
    imageBase: is64 ? v.getBigUint64(opt + 0x18, true) : BigInt(v.getUint32(opt + 0x1c, true)),
    sizeOfImage: v.getUint32(opt + 0x38, true),
    sizeOfHeaders: v.getUint32(opt + 0x3c, true),
    exportRva: dir(0, 0),
    exportSize: dir(0, 4),
    importRva: dir(1, 0),
    relocRva: dir(5, 0),
    relocSize: dir(5, 4),
    delayImportRva: dir(13, 0),
    sections,
  };
}

/** The image as it lies in memory, before binding. */
function memoryImage(file: Uint8Array, l: Layout): Uint8Array {
  const image = new Uint8Array(l.sizeOfImage);
  image.set(file.subarray(0, Math.min(l.sizeOfHeaders, file.length)));
  for (const s of l.sections) {
    const n = Math.min(s.rawSize, s.virtualSize || s.rawSize, file.length - s.rawOffset);
    if (n > 0) image.set(file.subarray(s.rawOffset, s.rawOffset + n), s.va);
  }
  return image;
}

function cString(b: Uint8Array, at: number): string {
  let s = "";
  while (at < b.length && b[at] !== 0) s += String.fromCharCode(b[at++]);
  return s;
}

/** The names of a thunk array (the INT; or the IAT when there is no INT) up to its zero terminator. */
function thunkNames(image: Uint8Array, l: Layout, at: number): FileImport["functions"] {
  const v = new DataView(image.buffer);
  const functions: FileImport["functions"] = [];
  for (let t = at; ; t += l.is64 ? 8 : 4) {
    const lo = v.getUint32(t, true);
    const hi = l.is64 ? v.getUint32(t + 4, true) : 0;
    if (lo === 0 && hi === 0) break;
    const byOrdinal = l.is64 ? (hi & 0x80000000) !== 0 : (lo & 0x80000000) !== 0;
    functions.push(byOrdinal ? { name: null, ordinal: lo & 0xffff } : { name: cString(image, lo + 2), ordinal: null });
  }
  return functions;
}

/** The import descriptors of a mapped image, read from the INT (or the IAT when there is no INT). */
function importsOf(image: Uint8Array, l: Layout): FileImport[] {
  const v = new DataView(image.buffer);
  const out: FileImport[] = [];
  for (let d = l.importRva; l.importRva && d + 0x14 <= image.length; d += 0x14) {
    const oft = v.getUint32(d, true);
    const name = v.getUint32(d + 0xc, true);
    const ft = v.getUint32(d + 0x10, true);
    if (oft === 0 && name === 0 && ft === 0) break;
    out.push({ dll: cString(image, name), iatRva: ft, functions: thunkNames(image, l, oft || ft) });
  }
  return out;
}

/**
 * The delay-load descriptors (IMAGE_DELAYLOAD_DESCRIPTOR, 0x20 bytes: Attributes, DllNameRVA, ModuleHandleRVA,
 * ImportAddressTableRVA, ImportNameTableRVA, ...), up to an all-zero one. Only RVA-based ones (Attributes bit 0,
 * every linker since VC7): the fixtures have no other kind.
 */
function delayImportsOf(image: Uint8Array, l: Layout): FileImport[] {
  const v = new DataView(image.buffer);
  const out: FileImport[] = [];
  for (let d = l.delayImportRva; l.delayImportRva && d + 0x20 <= image.length; d += 0x20) {
    let zero = true;
    for (let i = 0; i < 0x20; i += 4) if (v.getUint32(d + i, true)) zero = false;
    if (zero) break;
    if ((v.getUint32(d, true) & 1) === 0) throw new Error("delay-load descriptor holding VAs: not handled");
    out.push({ dll: cString(image, v.getUint32(d + 4, true)), iatRva: v.getUint32(d + 0xc, true), functions: thunkNames(image, l, v.getUint32(d + 0x10, true)) });
  }
  return out;
}

/**
 * Applies the base relocations (PE/COFF spec 6.6: blocks of a page RVA, the block's size and 16-bit entries, type in
 * the top 4 bits) for an image placed `delta` bytes from its preferred ImageBase, as the loader does.
 */
function relocate(image: Uint8Array, l: Layout, delta: bigint): void {
  if (delta === 0n || !l.relocRva) return;
  const v = new DataView(image.buffer);
  for (let block = l.relocRva; block + 8 <= l.relocRva + l.relocSize; ) {
    const page = v.getUint32(block, true);
    const size = v.getUint32(block + 4, true);
    if (size < 8) break;
    for (let e = block + 8; e + 2 <= block + size; e += 2) {
      const entry = v.getUint16(e, true);
      const type = entry >> 12;
      const at = page + (entry & 0xfff);
      if (type === 0) continue; // IMAGE_REL_BASED_ABSOLUTE: padding
      else if (type === 3) v.setUint32(at, Number((BigInt(v.getUint32(at, true)) + delta) & 0xffffffffn), true); // HIGHLOW
      else if (type === 10) v.setBigUint64(at, BigInt.asUintN(64, v.getBigUint64(at, true) + delta), true); // DIR64
      else throw new Error("base relocation type " + type + " not handled");
    }
    block += size;
  }
}

/** An export: its RVA, or the `dll.Name` it forwards to (an RVA inside the export directory names a forwarder). */
export type FileExport = { rva: number } | { forwardedTo: string };

export interface FileExports {
  byName: Map<string, FileExport>;
  byOrdinal: Map<number, FileExport>;
}

/** The export directory (IMAGE_EXPORT_DIRECTORY, PE/COFF spec 6.3) of a file. */
export function exportsOf(file: Uint8Array): FileExports {
  const l = layoutOf(file);
  const image = memoryImage(file, l);
  const v = new DataView(image.buffer);
  const out: FileExports = { byName: new Map(), byOrdinal: new Map() };
  if (!l.exportRva) return out;
  const ordinalBase = v.getUint32(l.exportRva + 0x10, true);
  const functionCount = v.getUint32(l.exportRva + 0x14, true);
  const nameCount = v.getUint32(l.exportRva + 0x18, true);
  const functions = v.getUint32(l.exportRva + 0x1c, true);
  const names = v.getUint32(l.exportRva + 0x20, true);
  const nameOrdinals = v.getUint32(l.exportRva + 0x24, true);
  const exportAt = (index: number): FileExport => {
    const rva = v.getUint32(functions + index * 4, true);
    const forwarded = rva >= l.exportRva && rva < l.exportRva + l.exportSize;
    return forwarded ? { forwardedTo: cString(image, rva) } : { rva };
  };
  for (let i = 0; i < functionCount; i++) if (v.getUint32(functions + i * 4, true)) out.byOrdinal.set(ordinalBase + i, exportAt(i));
  for (let i = 0; i < nameCount; i++) out.byName.set(cString(image, v.getUint32(names + i * 4, true)), exportAt(v.getUint16(nameOrdinals + i * 2, true)));
  return out;
}

/** SizeOfImage of a file, to reserve its range before mapping. */
export function sizeOfImage(file: Uint8Array): number {
  return layoutOf(file).sizeOfImage;
}

/**
 * Maps `file` at `base` as module `moduleName` and binds its IAT through `bind`. `existingModule`: the module is in
 * the list already (the kernel, `nt`); its size becomes the image's. `bindDelayLoads`: also bind every delay-load
 * slot through `bind`, as the delay-load helper does on each function's first call (the descriptor's module handle
 * is not written: nothing reads it); otherwise they hold the image's own thunks, as before any call.
 */
export function mapPeFile(b: TargetBuilder, moduleName: string, base: bigint, file: Uint8Array, bind: Binder, existingModule = false, bindDelayLoads = false): MappedImage {
  const l = layoutOf(file);
  const image = memoryImage(file, l);
  relocate(image, l, base - l.imageBase);
  const imports = importsOf(image, l);
  const delayImports = delayImportsOf(image, l);
  const v = new DataView(image.buffer);
  const thunk = l.is64 ? 8 : 4;
  const delaySlots = new Map<number, bigint>();
  for (const d of delayImports) {
    d.functions.forEach((_, i) => {
      const at = d.iatRva + i * thunk;
      delaySlots.set(at, l.is64 ? v.getBigUint64(at, true) : BigInt(v.getUint32(at, true)));
    });
  }
  for (const d of bindDelayLoads ? imports.concat(delayImports) : imports) {
    d.functions.forEach((fn, i) => {
      const at = d.iatRva + i * thunk;
      const address = bind(d.dll, fn);
      if (l.is64) v.setBigUint64(at, address, true);
      else v.setUint32(at, Number(address & 0xffffffffn), true);
    });
  }
  b.memory.write(base, image);
  if (!existingModule) b.target.addModule(moduleName, base, l.sizeOfImage);
  else {
    const m = b.target.modules.find((x) => x.name === moduleName && x.base === base);
    if (!m) throw new Error("no module " + moduleName + " at " + base.toString(16));
    m.size = l.sizeOfImage;
  }
  return { base, sizeOfImage: l.sizeOfImage, is64: l.is64, imports, delayImports, delaySlots };
}

/**
 * Exporters for DLLs whose files are not in the fixtures (kernel32.dll, ucrtbase.dll, ...): a module with a PE
 * header page, each function bound to its own 16-byte stub inside it and listed as a symbol, as an export is.
 */
export class StubExporters {
  private readonly modules = new Map<string, { base: bigint; next: bigint; byName: Map<string, bigint> }>();

  constructor(private readonly b: TargetBuilder, private readonly size = 0x100000) {}

  /** Registers a module that exists already (nt), with known export addresses. */
  known(dll: string, base: bigint, exports: Record<string, bigint>): void {
    this.modules.set(dll.toLowerCase(), { base, next: base + 0x1000n, byName: new Map(Object.entries(exports)) });
  }

  bind: Binder = (dll, fn) => {
    const key = dll.toLowerCase();
    let m = this.modules.get(key);
    if (!m) {
      const base = this.b.moduleRange(this.size);
      this.b.memory.write(base, buildDriver({ is64: this.b.pointerSize === 8, imports: [] }).bytes.subarray(0, 0x1000));
      this.b.target.addModule(dll, base, this.size);
      m = { base, next: base + 0x1000n, byName: new Map() };
      this.modules.set(key, m);
    }
    const name = fn.name || "#" + fn.ordinal;
    let address = m.byName.get(name);
    if (address === undefined) {
      address = m.next;
      m.next += 0x10n;
      m.byName.set(name, address);
      if (fn.name) this.b.target.addSymbol(dll.replace(/\.[^.]*$/, ""), fn.name, address);
    }
    return address;
  };
}

/**
 * The loader's binding against images of the scene: an import of a registered file is bound to that image's base +
 * its export's RVA (by name or ordinal; a forwarder `dll.Name` is followed), every other DLL to `fallback`. An
 * import the registered image does not export is an error, as it is for the loader.
 */
export class ImageExporters {
  private readonly images = new Map<string, { base: bigint; exports: FileExports }>();

  constructor(private readonly fallback: Binder) {}

  /** Registers `file` as the exporter named `dll` (its file name: `ntoskrnl.exe`), to be mapped at `base`. */
  register(dll: string, base: bigint, file: Uint8Array): FileExports {
    const exports = exportsOf(file);
    this.images.set(dll.toLowerCase(), { base, exports });
    return exports;
  }

  bind: Binder = (dll, fn) => this.resolve(dll, fn, 0);

  private resolve(dll: string, fn: { name: string | null; ordinal: number | null }, depth: number): bigint {
    const image = this.images.get(dll.toLowerCase());
    if (!image) return this.fallback(dll, fn);
    const e = fn.name !== null ? image.exports.byName.get(fn.name) : image.exports.byOrdinal.get(fn.ordinal as number);
    if (!e) throw new Error(dll + " exports no " + (fn.name || "#" + fn.ordinal));
    if ("rva" in e) return image.base + BigInt(e.rva);
    if (depth > 8) throw new Error("forwarder loop at " + dll + "!" + fn.name);
    const dot = e.forwardedTo.lastIndexOf(".");
    const target = e.forwardedTo.slice(0, dot);
    const name = e.forwardedTo.slice(dot + 1);
    const next = name.startsWith("#") ? { name: null, ordinal: parseInt(name.slice(1), 10) } : { name, ordinal: null };
    return this.resolve(/\./.test(target) ? target : target + ".dll", next, depth + 1);
  }
}
