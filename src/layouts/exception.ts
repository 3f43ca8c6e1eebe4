// The structures behind a bugcheck's exception information and a pool block's header.
// EXCEPTION_RECORD, EXCEPTION_POINTERS and CONTEXT: public winnt.h (Windows SDK), unchanged since Windows XP x64;
// the x64 EXCEPTION_RECORD offsets are also the ones the issue and `.exr` rely on. _POOL_HEADER: layouts.md §2.4.
import { ALL_X64_PDBS, LayoutSpec } from "./types";

/** EXCEPTION_MAXIMUM_PARAMETERS (winnt.h): ExceptionInformation has 15 slots. */
export const EXCEPTION_MAXIMUM_PARAMETERS = 15;

export const EXCEPTION_RECORD: LayoutSpec = {
  module: "nt",
  typeName: "_EXCEPTION_RECORD",
  fields: ["ExceptionCode", "ExceptionFlags", "ExceptionRecord", "ExceptionAddress", "NumberParameters", "ExceptionInformation"],
  variants: [
    {
      label: "every x64 build",
      pointerSize: 8,
      size: 0x98,
      offsets: { ExceptionCode: 0, ExceptionFlags: 4, ExceptionRecord: 8, ExceptionAddress: 0x10, NumberParameters: 0x18, ExceptionInformation: 0x20 },
      source: "winnt.h EXCEPTION_RECORD",
      checkedAgainst: ALL_X64_PDBS,
    },
    {
      label: "every x86 build",
      pointerSize: 4,
      size: 0x50,
      offsets: { ExceptionCode: 0, ExceptionFlags: 4, ExceptionRecord: 8, ExceptionAddress: 0xc, NumberParameters: 0x10, ExceptionInformation: 0x14 },
      source: "winnt.h EXCEPTION_RECORD",
    },
  ],
};

/** EXCEPTION_POINTERS { PEXCEPTION_RECORD ExceptionRecord; PCONTEXT ContextRecord; } (winnt.h): two pointers. */
export const EXCEPTION_POINTERS: LayoutSpec = {
  module: "nt",
  typeName: "_EXCEPTION_POINTERS",
  fields: ["ExceptionRecord", "ContextRecord"],
  variants: [
    { label: "every x64 build", pointerSize: 8, size: 0x10, offsets: { ExceptionRecord: 0, ContextRecord: 8 }, source: "winnt.h EXCEPTION_POINTERS", checkedAgainst: ALL_X64_PDBS },
    { label: "every x86 build", pointerSize: 4, size: 8, offsets: { ExceptionRecord: 0, ContextRecord: 4 }, source: "winnt.h EXCEPTION_POINTERS" },
  ],
};

/** The instruction and stack pointers of a CONTEXT; the field names differ by architecture, so two specs. */
export const CONTEXT_X64: LayoutSpec = {
  module: "nt",
  typeName: "_CONTEXT",
  fields: ["Rsp", "Rip"],
  variants: [{ label: "every x64 build", pointerSize: 8, size: 0x4d0, offsets: { Rsp: 0x98, Rip: 0xf8 }, source: "winnt.h CONTEXT (AMD64)", checkedAgainst: ALL_X64_PDBS }],
};

export const CONTEXT_X86: LayoutSpec = {
  module: "nt",
  typeName: "_CONTEXT",
  fields: ["Eip", "Esp"],
  variants: [{ label: "every x86 build", pointerSize: 4, size: 0x2cc, offsets: { Eip: 0xb8, Esp: 0xc4 }, source: "winnt.h CONTEXT (i386)" }],
};

/** _POOL_HEADER: the block sits right after it; PoolTag at +4; BlockSize in bits 16-23 (x64, ×16) or 16-24 (x86, ×8). */
export const POOL_HEADER: LayoutSpec = {
  module: "nt",
  typeName: "_POOL_HEADER",
  fields: ["PoolTag"],
  variants: [
    { label: "every x64 build", pointerSize: 8, size: 0x10, offsets: { PoolTag: 4 }, source: "layouts.md §2.4", checkedAgainst: ALL_X64_PDBS },
    { label: "every x86 build", pointerSize: 4, size: 8, offsets: { PoolTag: 4 }, source: "layouts.md §2.4" },
  ],
};

/** BlockSize bit field of the header's first dword and its unit (layouts.md §2.4). */
export function poolBlockSizeField(pointerSize: 4 | 8): { shift: number; bits: number; unit: number } {
  return pointerSize === 8 ? { shift: 16, bits: 8, unit: 16 } : { shift: 16, bits: 9, unit: 8 };
}
