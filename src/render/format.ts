// Numbers as a WinDbg user reads them.

/** 4991221760 -> "4,991,221,760". */
export function groupDigits(value: number): string {
  const sign = value < 0 ? "-" : "";
  const digits = String(Math.floor(Math.abs(value)));
  let out = "";
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ",";
    out += digits[i];
  }
  return sign + out;
}

const UNITS = ["bytes", "KB", "MB", "GB", "TB", "PB"];

/** 4991221760 -> "4.65 GB"; below 1 KB the exact count. Binary units, as Task Manager and !vm use. */
export function humanBytes(value: number): string {
  const sign = value < 0 ? "-" : "";
  let n = Math.abs(value);
  if (n < 1024) return sign + n + " bytes";
  let unit = 0;
  while (n >= 1024 && unit < UNITS.length - 1) {
    n /= 1024;
    unit++;
  }
  return sign + (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)) + " " + UNITS[unit];
}

/** "4,991,221,760 (4.65 GB)". */
export function bytesWithUnit(value: number): string {
  return Math.abs(value) < 1024 ? groupDigits(value) + " bytes" : groupDigits(value) + " (" + humanBytes(value) + ")";
}

/** 0x1559 -> "0x1559". */
export function hex(value: number): string {
  return (value < 0 ? "-0x" : "0x") + Math.abs(value).toString(16);
}

/** "1 allocation", "3 allocations": English plurals in the messages, not "allocation(s)". */
export function plural(count: number, noun: string, nounPlural: string = noun + "s"): string {
  return groupDigits(count) + " " + (count === 1 ? noun : nounPlural);
}

/**
 * A target-time interval, one wording for every command (@$leaks, !heapleaks): `7,200 s (2.0 h)`, seconds for the
 * rate's arithmetic and a larger unit to read; under two minutes `42.5 s`.
 */
export function duration(seconds: number): string {
  const s = Math.abs(seconds);
  const text = groupDigits(Math.round(s)) + " s";
  if (s < 120) return s.toFixed(1) + " s";
  const unit = s < 7200 ? (s / 60).toFixed(1) + " min" : s < 172800 ? (s / 3600).toFixed(1) + " h" : (s / 86400).toFixed(1) + " days";
  return text + " (" + unit + ")";
}
