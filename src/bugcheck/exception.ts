// Decoders for the exception information a bugcheck points at. Pure functions over bytes and resolved layouts.
import { Address } from "../core/address";
import { pointer, u32 } from "../core/bytes";
import { ResolvedLayout } from "../layouts/types";
import { EXCEPTION_MAXIMUM_PARAMETERS } from "../layouts/exception";

export interface ExceptionPointers {
  ExceptionRecord: Address;
  ContextRecord: Address;
}

export interface ExceptionRecord {
  ExceptionCode: number;
  ExceptionFlags: number;
  ExceptionAddress: Address;
  NumberParameters: number;
  /** The first min(NumberParameters, 15) slots of ExceptionInformation. */
  Parameters: Address[];
  /** True when NumberParameters was above EXCEPTION_MAXIMUM_PARAMETERS: the record is corrupt. */
  countCapped: boolean;
}

export interface ContextPointers {
  InstructionPointer: Address;
  StackPointer: Address;
}

export function decodeExceptionPointers(bytes: Uint8Array, layout: ResolvedLayout, pointerSize: 4 | 8): ExceptionPointers {
  return {
    ExceptionRecord: pointer(bytes, layout.offsets.ExceptionRecord, pointerSize),
    ContextRecord: pointer(bytes, layout.offsets.ContextRecord, pointerSize),
  };
}

export function decodeExceptionRecord(bytes: Uint8Array, layout: ResolvedLayout, pointerSize: 4 | 8): ExceptionRecord {
  const o = layout.offsets;
  const count = u32(bytes, o.NumberParameters);
  const usable = Math.min(count, EXCEPTION_MAXIMUM_PARAMETERS);
  const parameters: Address[] = [];
  for (let i = 0; i < usable; i++) {
    const at = o.ExceptionInformation + i * pointerSize;
    if (at + pointerSize > bytes.length) break;
    parameters.push(pointer(bytes, at, pointerSize));
  }
  return {
    ExceptionCode: u32(bytes, o.ExceptionCode),
    ExceptionFlags: u32(bytes, o.ExceptionFlags),
    ExceptionAddress: pointer(bytes, o.ExceptionAddress, pointerSize),
    NumberParameters: count,
    Parameters: parameters,
    countCapped: count > EXCEPTION_MAXIMUM_PARAMETERS,
  };
}

/** Bytes of a CONTEXT worth reading: up to the end of the last field used, not the whole 0x4d0. */
export function contextBytesNeeded(layout: ResolvedLayout, pointerSize: 4 | 8): number {
  let end = 0;
  for (const field of Object.keys(layout.offsets)) end = Math.max(end, layout.offsets[field] + pointerSize);
  return end;
}

export function decodeContext(bytes: Uint8Array, layout: ResolvedLayout, pointerSize: 4 | 8): ContextPointers {
  const ip = layout.offsets.Rip !== undefined ? layout.offsets.Rip : layout.offsets.Eip;
  const sp = layout.offsets.Rsp !== undefined ? layout.offsets.Rsp : layout.offsets.Esp;
  return { InstructionPointer: pointer(bytes, ip, pointerSize), StackPointer: pointer(bytes, sp, pointerSize) };
}

/**
 * ExceptionInformation of an access violation or in-page error (EXCEPTION_RECORD documentation): [0] is the access
 * (0 read, 1 write, 8 DEP execute), [1] the address; for STATUS_IN_PAGE_ERROR [2] is the NTSTATUS of the I/O.
 */
export interface MemoryFault {
  access: string;
  address: Address;
  ioStatus: number | null;
}

export function memoryFault(record: ExceptionRecord): MemoryFault | null {
  if (record.ExceptionCode !== 0xc0000005 && record.ExceptionCode !== 0xc0000006) return null;
  if (record.Parameters.length < 2) return null;
  const kind = record.Parameters[0];
  const access = kind.hi !== 0 ? "unknown access" : kind.lo === 0 ? "read" : kind.lo === 1 ? "write" : kind.lo === 8 ? "execute (DEP)" : "unknown access";
  const ioStatus = record.ExceptionCode === 0xc0000006 && record.Parameters.length >= 3 ? record.Parameters[2].lo : null;
  return { access, address: record.Parameters[1], ioStatus };
}
