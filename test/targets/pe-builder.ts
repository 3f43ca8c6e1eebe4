// Assembles PE images as the Windows loader leaves them in memory: headers, sections at their virtual addresses,
// import descriptors with name tables and an IAT bound to the exporters' addresses. Written from the PE/COFF
// specification (layouts.md §6), independently of src/pe. Real images from Debian packages are in test/fixtures.
import { TargetBuilder } from "./builder";

export const SCN = {
  CODE: 0x00000020,
  INITIALIZED_DATA: 0x00000040,
  DISCARDABLE: 0x02000000,
  EXECUTE: 0x20000000,
  READ: 0x40000000,
  WRITE: 0x80000000,
} as const;

export interface SectionSpec {
  name: string;
  characteristics: number;
  /** Bytes placed at the start of the section. */
  content?: Uint8Array;
  /** Virtual size; at least the content's length. */
  size?: number;
}

export interface ImportSpec {
  dll: string;
  /** A name, or `#12` for an import by ordinal. */
  functions: string[];
  /** The address each IAT slot is bound to, by function (unbound slots keep the name-thunk value). */
  bound?: Record<string, bigint>;
  delayLoad?: boolean;
}

export interface PeSpec {
  is64: boolean;
  sections: SectionSpec[];
  imports?: ImportSpec[];
  /** NumberOfRvaAndSizes; 16 unless a test wants fewer. */
  directoryCount?: number;
  timeDateStamp?: number;
}

export interface BuiltImage {
  bytes: Uint8Array;
  sizeOfImage: number;
  /** RVA of each section by name. */
  sectionRva: Record<string, number>;
  /** RVA of each IAT slot, keyed `dll!function`. */
  iatRva: Record<string, number>;
}

const FILE_ALIGN = 0x200;
const SECTION_ALIGN = 0x1000;
const align = (v: number, a: number) => Math.ceil(v / a) * a;

export function buildPe(spec: PeSpec): BuiltImage {
  const is64 = spec.is64;
  const thunk = is64 ? 8 : 4;
  const imports = spec.imports || [];
  const normal = imports.filter((i) => !i.delayLoad);
  const delayed = imports.filter((i) => i.delayLoad);

  // Lay out sections, then an .idata section holding the import structures.
  const sectionRva: Record<string, number> = {};
  let rva = SECTION_ALIGN;
  const placed = spec.sections.map((s) => {
    const size = Math.max(s.size || 0, s.content ? s.content.length : 0, 1);
    const at = rva;
    sectionRva[s.name] = at;
    rva = align(at + size, SECTION_ALIGN);
    return { ...s, rva: at, size };
  });
  const idataRva = rva;
  const idata: number[] = [];
  const iatRva: Record<string, number> = {};
  const put = (offset: number, value: bigint | number, size: number) => {
    while (idata.length < offset + size) idata.push(0);
    let v = BigInt(value);
    for (let i = 0; i < size; i++) {
      idata[offset + i] = Number(v & 0xffn);
      v >>= 8n;
    }
  };
  const putString = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) put(offset + i, text.charCodeAt(i), 1);
    put(offset + text.length, 0, 1);
  };
  let cursor = 0;
  const descriptorsAt = cursor;
  cursor += (normal.length + 1) * 0x14;
  const delayAt = align(cursor, 8);
  cursor = delayAt + (delayed.length ? (delayed.length + 1) * 0x20 : 0);
  const writeTables = (imp: ImportSpec) => {
    cursor = align(cursor, thunk);
    const intAt = cursor;
    cursor += (imp.functions.length + 1) * thunk;
    const iatAt = cursor;
    cursor += (imp.functions.length + 1) * thunk;
    const dllAt = cursor;
    putString(dllAt, imp.dll);
    cursor += imp.dll.length + 1;
    imp.functions.forEach((fn, i) => {
      let value: bigint;
      if (fn.startsWith("#")) {
        value = (is64 ? 1n << 63n : 1n << 31n) | BigInt(parseInt(fn.slice(1), 10));
      } else {
        cursor = align(cursor, 2);
        const hintAt = cursor;
        put(hintAt, i, 2);
        putString(hintAt + 2, fn);
        cursor += 2 + fn.length + 1;
        value = BigInt(idataRva + hintAt);
      }
      put(intAt + i * thunk, value, thunk);
      const bound = imp.bound && imp.bound[fn];
      put(iatAt + i * thunk, bound !== undefined ? bound : value, thunk);
      iatRva[imp.dll + "!" + fn] = idataRva + iatAt + i * thunk;
    });
    put(intAt + imp.functions.length * thunk, 0, thunk);
    put(iatAt + imp.functions.length * thunk, 0, thunk);
    return { intAt, iatAt, dllAt };
  };
  normal.forEach((imp, i) => {
    const t = writeTables(imp);
    const d = descriptorsAt + i * 0x14;
    put(d, idataRva + t.intAt, 4);
    put(d + 0xc, idataRva + t.dllAt, 4);
    put(d + 0x10, idataRva + t.iatAt, 4);
  });
  put(descriptorsAt + normal.length * 0x14, 0, 0x14);
  delayed.forEach((imp, i) => {
    const t = writeTables(imp);
    const d = delayAt + i * 0x20;
    put(d, 1, 4); // Attributes.RvaBased
    put(d + 4, idataRva + t.dllAt, 4);
    put(d + 0xc, idataRva + t.iatAt, 4);
    put(d + 0x10, idataRva + t.intAt, 4);
  });
  const idataSize = Math.max(cursor, 1);
  const hasIdata = imports.length > 0;
  const sizeOfImage = align(hasIdata ? idataRva + idataSize : idataRva, SECTION_ALIGN);

  const bytes = new Uint8Array(sizeOfImage);
  const view = new DataView(bytes.buffer);
  // DOS header and stub.
  view.setUint16(0, 0x5a4d, true);
  const nt = 0xe8;
  view.setUint32(0x3c, nt, true);
  view.setUint32(nt, 0x00004550, true);
  const sectionCount = placed.length + (hasIdata ? 1 : 0);
  view.setUint16(nt + 4, is64 ? 0x8664 : 0x14c, true);
  view.setUint16(nt + 6, sectionCount, true);
  view.setUint32(nt + 8, spec.timeDateStamp || 0x6335c51b, true);
  const dirCount = spec.directoryCount === undefined ? 16 : spec.directoryCount;
  const optionalSize = (is64 ? 0x70 : 0x60) + dirCount * 8;
  view.setUint16(nt + 0x14, optionalSize, true);
  view.setUint16(nt + 0x16, is64 ? 0x22 : 0x102, true);
  const opt = nt + 0x18;
  view.setUint16(opt, is64 ? 0x20b : 0x10b, true);
  view.setUint32(opt + 0x20, SECTION_ALIGN, true);
  view.setUint32(opt + 0x24, FILE_ALIGN, true);
  view.setUint32(opt + 0x38, sizeOfImage, true);
  const headersSize = align(opt + optionalSize + sectionCount * 0x28, FILE_ALIGN);
  view.setUint32(opt + 0x3c, headersSize, true);
  view.setUint32(opt + (is64 ? 0x6c : 0x5c), dirCount, true);
  const dir = (index: number, at: number, size: number) => {
    if (index < dirCount) {
      view.setUint32(opt + (is64 ? 0x70 : 0x60) + index * 8, at, true);
      view.setUint32(opt + (is64 ? 0x70 : 0x60) + index * 8 + 4, size, true);
    }
  };
  if (normal.length) dir(1, idataRva + descriptorsAt, (normal.length + 1) * 0x14);
  if (delayed.length) dir(13, idataRva + delayAt, (delayed.length + 1) * 0x20);
  const table = opt + optionalSize;
  const all = hasIdata
    ? [...placed, { name: ".idata", characteristics: SCN.INITIALIZED_DATA | SCN.READ | SCN.WRITE, rva: idataRva, size: idataSize, content: Uint8Array.from(idata) }]
    : placed;
  all.forEach((s, i) => {
    const at = table + i * 0x28;
    for (let c = 0; c < Math.min(8, s.name.length); c++) bytes[at + c] = s.name.charCodeAt(c);
    view.setUint32(at + 8, s.size, true);
    view.setUint32(at + 0xc, s.rva, true);
    view.setUint32(at + 0x10, align(s.size, FILE_ALIGN), true);
    view.setUint32(at + 0x24, s.characteristics, true);
    if (s.content) bytes.set(s.content, s.rva);
  });
  if (hasIdata) sectionRva[".idata"] = idataRva;
  return { bytes, sizeOfImage, sectionRva, iatRva };
}

/** Maps an image into the target at `base` and lists it as a loaded module named `name`. */
export function loadImage(b: TargetBuilder, name: string, base: bigint, image: { bytes: Uint8Array; sizeOfImage?: number }): void {
  b.target.memory.write(base, image.bytes);
  b.target.addModule(name, base, image.sizeOfImage || image.bytes.length);
}
