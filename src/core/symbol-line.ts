// The header line the debugger prints before disassembly, `u <address> L1`:
//   test!DriverEntry+0x33 [e:\driver\test\test.c @ 20]:
// (real output, seed article 002). Without line information the bracket is absent; without any symbol the header
// line is absent and the first line is the instruction itself.

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
