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

/**
 * _KTRAP_FRAME (x64): the registers the kernel saved on a trap; 0x8E and 0x139 point at one. Not in the PDB extract
 * of test/fixtures/pdb-layouts (the data set keeps no _KTRAP_FRAME); offsets from the Windows 10 x64 definition in
 * thalium/icebox src/Winbagility/STUB/Windows_structs.h (0x190 bytes: Rip at 0x168, Rsp at 0x180), unchanged since
 * Vista x64. A trap frame may not hold every register (the debugger's .trap says so), but Rip and Rsp always are.
 */
export const KTRAP_FRAME_X64: LayoutSpec = {
  module: "nt",
  typeName: "_KTRAP_FRAME",
  fields: ["Rip", "Rsp"],
  variants: [{ label: "every x64 build", pointerSize: 8, size: 0x190, offsets: { Rip: 0x168, Rsp: 0x180 }, source: "thalium/icebox Windows_structs.h _KTRAP_FRAME (x64)" }],
};

/**
 * _UNLOADED_DRIVERS: one entry of nt!MmUnloadedDrivers (a pointer to an array of MI_UNLOADED_DRIVERS = 50), ring
 * index nt!MmLastUnloadedDriver. No public PDB has the type (research layouts.md §3, open question 7): offsets from
 * the WRK's mm.h definition { UNICODE_STRING Name; PVOID StartAddress; PVOID EndAddress; LARGE_INTEGER CurrentTime; },
 * as WinObjEx64 still reads it on Windows 10/11.
 */
export const UNLOADED_DRIVERS: LayoutSpec = {
  module: "nt",
  typeName: "_UNLOADED_DRIVERS",
  fields: ["Name", "StartAddress", "EndAddress", "CurrentTime"],
  variants: [
    { label: "every x64 build", pointerSize: 8, size: 0x28, offsets: { Name: 0, StartAddress: 0x10, EndAddress: 0x18, CurrentTime: 0x20 }, source: "WRK mm.h _UNLOADED_DRIVERS (layouts.md §3)" },
    { label: "every x86 build", pointerSize: 4, size: 0x18, offsets: { Name: 0, StartAddress: 8, EndAddress: 0xc, CurrentTime: 0x10 }, source: "WRK mm.h _UNLOADED_DRIVERS (layouts.md §3)" },
  ],
};

/** MI_UNLOADED_DRIVERS (WRK mm.h): the array's length. */
export const MI_UNLOADED_DRIVERS = 50;
