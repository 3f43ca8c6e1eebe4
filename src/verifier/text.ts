// `!verifier 3 <driver>` output, for when the verifier's structures cannot be read. Format from the real output in
// seed 002 (Windows 7 SP1 x64, WinDbg 6.x):
//   Driver Verification List
//   Entry     State           NonPagedPool   PagedPool   Module
//   fffffa8003c2f740 Loaded           0000000c       00000000    test.sys
//   Current Pool Allocations  00000001    00000000
//   Current Pool Bytes        0000000c    00000000
//   PoolAddress  SizeInBytes    Tag       CallersAddress
//   fffff9800933eff0     0x0000000c     test      fffff88004c73043
// Other debugger builds may space or prefix columns differently; the row pattern accepts backticks, 0x prefixes and
// a trailing symbol, and anything else is not an allocation row.
import { Address } from "../core/address";
import { VerifierAllocation } from "./pool";

export interface VerifierTextReport {
  /** The driver appears in the Driver Verification List. */
  driverListed: boolean;
  /** `Current Pool Allocations <nonpaged> <paged>` for the driver, when printed. */
  currentAllocations: { nonPaged: number; paged: number } | null;
  currentBytes: { nonPaged: number; paged: number } | null;
  allocations: VerifierAllocation[];
  /** Lines that looked like allocation rows but did not parse. */
  skippedRows: number;
}

const ADDRESS = "(?:0x)?([0-9a-fA-F]{1,8}`?[0-9a-fA-F]{8}|[0-9a-fA-F]{8,16})";
const ROW = new RegExp("^\\s*" + ADDRESS + "\\s+(?:0x)?([0-9a-fA-F]+)\\s+(\\S.{0,3}?)\\s+" + ADDRESS + "(?:\\s+\\S.*)?\\s*$");
const COUNTS = /^\s*Current Pool (Allocations|Bytes)\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+)\s*$/;

export function parseVerifierOutput(lines: string[], driver: string, maxAllocations: number): VerifierTextReport {
  const report: VerifierTextReport = { driverListed: false, currentAllocations: null, currentBytes: null, allocations: [], skippedRows: 0 };
  const lowerDriver = driver.toLowerCase();
  let inAllocations = false;
  for (const raw of lines) {
    const line = raw.replace(/\r$/, "");
    if (/^\s*PoolAddress\s+SizeInBytes/i.test(line) || /^\s*Address\s+Length\s+Tag\s+Caller/i.test(line)) {
      inAllocations = true;
      continue;
    }
    const words = line.trim().split(/\s+/);
    if (words.length >= 2 && /^[0-9a-fA-F`]+$/.test(words[0]) && words[words.length - 1].toLowerCase() === lowerDriver) {
      report.driverListed = true;
      continue;
    }
    const counts = COUNTS.exec(line);
    if (counts) {
      const value = { nonPaged: parseInt(counts[2], 16), paged: parseInt(counts[3], 16) };
      if (counts[1] === "Allocations") report.currentAllocations = value;
      else report.currentBytes = value;
      continue;
    }
    if (!inAllocations || !line.trim() || /^\s*-+(\s+-+)*\s*$/.test(line)) continue;
    const m = ROW.exec(line);
    const address = m ? Address.parse(m[1]) : null;
    const caller = m ? Address.parse(m[4]) : null;
    if (!m || !address || !caller) {
      report.skippedRows++;
      continue;
    }
    if (report.allocations.length >= maxAllocations) {
      report.skippedRows++;
      continue;
    }
    report.allocations.push({ address, size: parseInt(m[2], 16), tag: (m[3] + "    ").slice(0, 4), caller });
  }
  return report;
}
