// The header line the debugger prints before disassembly, `u <address> L1`:
//   test!DriverEntry+0x33 [e:\driver\test\test.c @ 20]:
// (real output, seed article 002). Without line information the bracket is absent; without any symbol the header
// line is absent and the first line is the instruction itself.

import { Address } from "./address";

export interface SymbolizedAddress {
  /** `test!DriverEntry+0x33`, or null when the debugger knows no symbol for the address. */
  symbol: string | null;
  /** `e:\driver\test\test.c`, or null without line information. */
  file: string | null;
  line: number | null;
}

// The symbol part may hold spaces and backticks (`ntdll! ?? ::FNODOBFM::\`string'+0x153eb`, seed 001); an instruction
// line never matches because it starts with an address, whose backtick is not a module-name character.
const HEADER = /^([A-Za-z0-9_.$?@<>~\-]+!.*?)(?: \[(.+) @ (\d+)\])?:\s*$/;

export function parseDisassemblyHeader(lines: string[]): SymbolizedAddress {
  for (const raw of lines) {
    const line = raw.replace(/\r$/, "");
    if (!line.trim()) continue;
    const m = HEADER.exec(line);
    if (!m) break;
    return { symbol: m[1], file: m[2] || null, line: m[3] ? parseInt(m[3], 10) : null };
  }
  return { symbol: null, file: null, line: null };
}

/** `e:\driver\test\test.c:20`, the form editors and build logs use. */
export function formatSource(s: SymbolizedAddress): string | null {
  return s.file && s.line !== null ? s.file + ":" + s.line : null;
}

/** A loaded module as far as naming an address needs it (`lm`'s name, its base and size). */
export interface ModuleSpan {
  name: string;
  base: Address;
  size: number;
}

/**
 * `myfault+0x1559`: how WinDbg names an address inside a module it has no symbol for (`ln`, `k`, `u` headers);
 * null outside every module. Used where the debugger gives no symbol, instead of "(no symbol)".
 */
export function moduleOffsetName(address: Address, modules: ModuleSpan[]): string | null {
  for (const m of modules) {
    if (!address.isWithin(m.base, m.size)) continue;
    const offset = address.distanceFrom(m.base);
    if (offset === null) continue;
    return m.name + "+0x" + offset.toString(16);
  }
  return null;
}
