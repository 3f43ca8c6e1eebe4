// `!verifier 3 <driver>` output, for when the verifier's structures cannot be read. Shapes from real output
// (test/fixtures/verifier/, each file names its source):
//   Windows 7 x64 (seed 002; Microsoft's !verifier page):
//     Entry     State           NonPagedPool   PagedPool   Module
//     fffffa8003c2f740 Loaded           0000000c       00000000    test.sys
//     Current Pool Allocations  00000001    00000000
//     Current Pool Bytes        0000000c    00000000
//     PoolAddress  SizeInBytes    Tag       CallersAddress
//     fffff9800933eff0     0x0000000c     test      fffff88004c73043
//   Windows 7 x86 with a newer debugger, Windows 8.1, Windows 10 x64 (debugger docs, blog, GitHub issues):
//     nt!_VF_TARGET_DRIVER 0xa013f2c8: Sample.sys (Loaded and Unloaded)      or      MODULE: 0x84226b28 MyDriver.sys (Loaded)
//       Current Pool Allocations: ( 0x00000000 / 0x00000001 )
//       Current Pool Bytes:       ( 0x00000000 / 0x00000070 )
//       Address     Length      Tag   Caller          (x64: `Caller Address`)
//       ----------  ----------  ----  ----------
//       0x86491d10  0x00000070  abcd  0xa05c1047  Sample!DriverEntry+0x27
//     Contiguous allocations are not displayed with public symbols.
// With several drivers (`!verifier 0xf`) each driver line starts its own section: only the requested driver's
// counts and rows are taken. The caller's symbol, when printed, is kept: an unloaded driver's address may not
// symbolize later. A line of text (not an address) ends a table; a line that starts like a row but does not parse is
// counted, never guessed.
import { Address } from "../core/address";
import { VerifierAllocation } from "./pool";

export interface VerifierTextAllocation extends VerifierAllocation {
  /** The symbol the debugger printed after the caller's address (`Sample!DriverEntry+0x27`), or null. */
  callerSymbol: string | null;
}

export interface VerifierTextReport {
  /** The driver appears in the Driver Verification List. */
  driverListed: boolean;
  /** `Loaded`, `Loaded and Unloaded`, ... as the driver line says, when it says. */
  driverState: string | null;
  /** `Current Pool Allocations <nonpaged> <paged>` for the driver, when printed. */
  currentAllocations: { nonPaged: number; paged: number } | null;
  currentBytes: { nonPaged: number; paged: number } | null;
  allocations: VerifierTextAllocation[];
  /** Lines that looked like allocation rows but did not parse, and rows past the cap. */
  skippedRows: number;
}

const ADDRESS = "(?:0x)?([0-9a-fA-F]{1,8}`?[0-9a-fA-F]{8}|[0-9a-fA-F]{8,16})";
const ROW = new RegExp("^\\s*" + ADDRESS + "\\s+(?:0x)?([0-9a-fA-F]+)\\s+(\\S.{0,3}?)\\s+" + ADDRESS + "(?:\\s+(\\S.*?))?\\s*$");
/** A line that starts with an address, as allocation rows do; anything else ends a table. */
const ROW_LIKE = /^\s*(?:0x)?[0-9a-fA-F`]{8,17}\s/;
const FILE_NAME = "([^\\s!:()]+\\.[A-Za-z0-9]{1,4})";
// `fffffa8003c2f740 Loaded           0000000c       00000000    test.sys`
const DRIVER_TABLE_LINE = new RegExp("^\\s*[0-9a-fA-F`]{8,17}\\s+([A-Za-z][A-Za-z ]*?)\\s+[0-9a-fA-F]{1,16}\\s+[0-9a-fA-F]{1,16}\\s+" + FILE_NAME + "\\s*$");
// `nt!_VF_TARGET_DRIVER 0xa013f2c8: Sample.sys (Loaded and Unloaded)` / `MODULE: 0x84226b28 MyDriver.sys (Loaded)`
const DRIVER_NAMED_LINE = new RegExp("^\\s*(?:nt!_VF_TARGET_DRIVER\\s+0x[0-9a-fA-F`]+:|MODULE:\\s+0x[0-9a-fA-F`]+)\\s+" + FILE_NAME + "(?:\\s+\\(([^)]*)\\))?\\s*$");
const COUNTS = /^\s*Current Pool (Allocations|Bytes)(?:\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+)|:\s*\(\s*0x([0-9a-fA-F]+)\s*\/\s*0x([0-9a-fA-F]+)\s*\))\s*$/;
const TABLE_HEADER = /^\s*(?:PoolAddress\s+SizeInBytes|Address\s+Length\s+Tag\s+Caller)/i;

export function parseVerifierOutput(lines: string[], driver: string, maxAllocations: number): VerifierTextReport {
  const report: VerifierTextReport = { driverListed: false, driverState: null, currentAllocations: null, currentBytes: null, allocations: [], skippedRows: 0 };
  const lowerDriver = driver.toLowerCase();
  // Before any driver line the section is the requested driver's: `!verifier 3 <image>` prints only that image.
  let inDriver = true;
  let inTable = false;
  for (const raw of lines) {
    const line = raw.replace(/\r$/, "");
    const named = DRIVER_NAMED_LINE.exec(line);
    const tabled = named ? null : DRIVER_TABLE_LINE.exec(line);
    if (named || tabled) {
      const name = named ? named[1] : tabled![2];
      const state = named ? named[2] || null : tabled![1];
      inDriver = name.toLowerCase() === lowerDriver;
      inTable = false;
      if (inDriver) {
        report.driverListed = true;
        report.driverState = state ? state.trim() : null;
      }
      continue;
    }
    if (TABLE_HEADER.test(line)) {
      inTable = true;
      continue;
    }
    const counts = COUNTS.exec(line);
    if (counts) {
      if (inDriver) {
        const nonPaged = parseInt(counts[2] || counts[4], 16);
        const paged = parseInt(counts[3] || counts[5], 16);
        if (counts[1] === "Allocations") report.currentAllocations = { nonPaged, paged };
        else report.currentBytes = { nonPaged, paged };
      }
      continue;
    }
    if (!inTable || !line.trim() || /^\s*-+(\s+-+)*\s*$/.test(line)) continue;
    if (!ROW_LIKE.test(line)) {
      // Text: the table is over (`Contiguous allocations are not displayed with public symbols.`, the page's `...`,
      // the fault-injection log that follows).
      inTable = false;
      continue;
    }
    if (!inDriver) continue;
    const m = ROW.exec(line);
    const address = m ? Address.parse(m[1]) : null;
    const caller = m ? Address.parse(m[4]) : null;
    if (!m || !address || !caller || report.allocations.length >= maxAllocations) {
      report.skippedRows++;
      continue;
    }
    report.allocations.push({ address, size: parseInt(m[2], 16), tag: (m[3] + "    ").slice(0, 4), caller, callerSymbol: m[5] || null });
  }
  return report;
}
