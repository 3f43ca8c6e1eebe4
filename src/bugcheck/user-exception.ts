// User mode (a process dump, or a live process stopped on an exception): the exception the debugger reports, from
// `.exr -1`, decoded as the kernel's exception bugchecks are. `.exr` output (real outputs in
// test/fixtures/triage/exr-*.txt, x64 and x86):
//   ExceptionAddress: 00007ff7e8b57919 (test_symbol!main+0x0000000000000049)
//      ExceptionCode: c0000005 (Access violation)
//     ExceptionFlags: 00000000
//   NumberParameters: 2
//      Parameter[0]: 0000000000000001
//      Parameter[1]: 0000000000000000
//   Attempt to write to address 0000000000000000
// The first lines may carry a prefix (`EXCEPTION_RECORD:  (.exr -1)` in !analyze); lines are matched one by one.
import { Address } from "../core/address";
import { EXCEPTION_MAXIMUM_PARAMETERS } from "../layouts/exception";

export interface ReportedException {
  address: Address;
  /** The debugger's symbol in parentheses after the address, as printed (`test_symbol!main+0x0000000000000049`). */
  symbol: string | null;
  code: number;
  /** The debugger's words after the code: "Access violation". */
  codeText: string | null;
  flags: number;
  parameters: Address[];
}

const ADDRESS = /^\s*ExceptionAddress:\s+([0-9a-fA-F`]+)(?:\s+\((.*)\))?\s*$/;
const CODE = /^\s*ExceptionCode:\s+([0-9a-fA-F]{1,8})(?:\s+\((.*)\))?\s*$/;
const FLAGS = /^\s*ExceptionFlags:\s+([0-9a-fA-F]{1,8})\s*$/;
const COUNT = /^\s*NumberParameters:\s+(\d+)\s*$/;
const PARAMETER = /^\s*Parameter\[(\d+)\]:\s+([0-9a-fA-F`]+)\s*$/;

/** The first exception record in `.exr` output, or null when its ExceptionAddress and ExceptionCode lines are missing. */
export function parseExr(lines: string[]): ReportedException | null {
  let address: Address | null = null;
  let symbol: string | null = null;
  let code: number | null = null;
  let codeText: string | null = null;
  let flags = 0;
  let count = 0;
  const parameters: Address[] = [];
  for (const raw of lines) {
    const line = raw.replace(/\r$/, "");
    const a = ADDRESS.exec(line);
    if (a) {
      if (address) break; // a second record (.exr of a chained record): the first one is the answer
      address = Address.parse(a[1]);
      symbol = a[2] ? a[2].slice(0, 256) : null;
      continue;
    }
    const c = CODE.exec(line);
    if (c) {
      code = parseInt(c[1], 16);
      codeText = c[2] ? c[2].slice(0, 128) : null;
      continue;
    }
    const f = FLAGS.exec(line);
    if (f) flags = parseInt(f[1], 16);
    const n = COUNT.exec(line);
    if (n) count = Math.min(parseInt(n[1], 10), EXCEPTION_MAXIMUM_PARAMETERS);
    const p = PARAMETER.exec(line);
    if (p) {
      const index = parseInt(p[1], 10);
      const value = Address.parse(p[2]);
      if (value && index === parameters.length && index < EXCEPTION_MAXIMUM_PARAMETERS) parameters.push(value);
    }
  }
  if (!address || code === null) return null;
  return { address, symbol, code, codeText, flags, parameters: parameters.slice(0, Math.max(count, 0)) };
}

/** The access of an access violation (EXCEPTION_RECORD documentation: [0] 0 read, 1 write, 8 DEP), and the address. */
export function accessOf(e: ReportedException): { access: "read" | "write" | "execute" | null; address: Address } | null {
  if ((e.code !== 0xc0000005 && e.code !== 0xc0000006) || e.parameters.length < 2) return null;
  const k = e.parameters[0];
  const access = k.hi !== 0 ? null : k.lo === 0 ? "read" : k.lo === 1 ? "write" : k.lo === 8 ? "execute" : null;
  return { access, address: e.parameters[1] };
}

/** `test_symbol!main+0x49`: the debugger pads offsets to the pointer's width in `.exr`; shorter as `k` prints them. */
export function shortSymbol(symbol: string): string {
  return symbol.replace(/\+0x0*([0-9a-f]+)$/i, "+0x$1");
}
