// Driver Verifier pool tracking targets, transcribed from research/layouts.md §4 (and §5 for the bugcheck data),
// independently of src/layouts/verifier.ts.
import * as fs from "fs";
import * as path from "path";
import { kernelTarget, TargetBuilder } from "./builder";
import { BUILDS } from "./layouts";

/** §4 `_VF_TARGET_VERIFIED_DRIVER_DATA` columns; null where §4 has no column (Win8-1803, 24H2). */
export function verifiedDataLayout(build: number, pointerSize: 4 | 8) {
  const x64 = pointerSize === 8;
  if (build === BUILDS.win7sp1) {
    return x64
      ? { size: 0x100, PoolPageHeaders: 0x30, CurrentPaged: 0x50, CurrentNonPaged: 0x54, PagedBytes: 0x60, NonPagedBytes: 0x68 }
      : { size: 0x90, PoolPageHeaders: 0x18, CurrentPaged: 0x28, CurrentNonPaged: 0x2c, PagedBytes: 0x38, NonPagedBytes: 0x3c };
  }
  if (build >= BUILDS.win10_1809 && build <= 18362) {
    return x64
      ? { size: 0x120, PoolPageHeaders: 0x40, CurrentPaged: 0x60, CurrentNonPaged: 0x64, PagedBytes: 0x70, NonPagedBytes: 0x78 }
      : { size: 0xb0, PoolPageHeaders: 0x20, CurrentPaged: 0x30, CurrentNonPaged: 0x34, PagedBytes: 0x40, NonPagedBytes: 0x44 };
  }
  if (build >= BUILDS.win10_2004 && build <= BUILDS.win10_22h2) {
    return x64
      ? { size: 0x130, PoolPageHeaders: 0x40, CurrentPaged: 0x68, CurrentNonPaged: 0x6c, PagedBytes: 0x78, NonPagedBytes: 0x80 }
      : { size: 0xb8, PoolPageHeaders: 0x20, CurrentPaged: 0x34, CurrentNonPaged: 0x38, PagedBytes: 0x44, NonPagedBytes: 0x48 };
  }
  if (x64 && build >= BUILDS.win11_21h2 && build <= BUILDS.win11_23h2) {
    return { size: 0x130, PoolPageHeaders: 0x40, CurrentPaged: 0x70, CurrentNonPaged: 0x74, PagedBytes: 0x80, NonPagedBytes: 0x88 };
  }
  return null;
}

/** §4 `_VI_POOL_ENTRY` (0x20 x64 / 0x10 x86): page header {NextPage, VerifierEntry}, in-use {VirtualAddress,
 *  CallingAddress, NumberOfBytes, Tag}. */
export function poolEntryLayout(pointerSize: 4 | 8) {
  return pointerSize === 8
    ? { size: 0x20, NextPage: 0, VerifierEntry: 8, VirtualAddress: 0, CallingAddress: 8, NumberOfBytes: 0x10, Tag: 0x18 }
    : { size: 0x10, NextPage: 0, VerifierEntry: 4, VirtualAddress: 0, CallingAddress: 4, NumberOfBytes: 8, Tag: 0xc };
}

export interface Allocation {
  address: bigint;
  size: number;
  /** As the driver's source writes it reversed: 'tset' in C is the tag "test" here. */
  tag: string;
  caller: bigint;
  paged?: boolean;
}

export interface VerifiedDataOptions {
  /** Where the structure goes (the bugcheck's Arg3); allocated when omitted. */
  at?: bigint;
  /** Addresses of the tracking pages, in list order; allocated when omitted. */
  pages?: bigint[];
  /** Win7 x64 SLIST format: Header16 (the default on hardware with cmpxchg16b) or the legacy Header8. */
  slist?: "header16" | "header8";
  /** Free records (NumberOfBytes 1, on PoolTrackers) placed between the in-use ones, every Nth slot. */
  freeEvery?: number;
}

export function tagValue(tag: string): number {
  let v = 0;
  for (let i = 0; i < 4; i++) v |= (i < tag.length ? tag.charCodeAt(i) : 0x20) << (i * 8);
  return v >>> 0;
}

/** Writes a verifier's per-driver data with its tracking pages; returns the structure's address and its pages. */
export function writeVerifiedData(b: TargetBuilder, allocations: Allocation[], options: VerifiedDataOptions = {}): { at: bigint; pages: bigint[] } {
  const ps = b.pointerSize;
  const layout = verifiedDataLayout(b.build, ps);
  if (!layout) throw new Error("layouts.md §4 has no column for build " + b.build);
  const e = poolEntryLayout(ps);
  const at = options.at !== undefined ? options.at : b.alloc(layout.size, 0x10);
  b.memory.map(at, layout.size);
  const perPage = 0x1000 / e.size - 1;
  const slots: (Allocation | "free")[] = [];
  for (const a of allocations) {
    if (options.freeEvery && slots.length % options.freeEvery === options.freeEvery - 1) slots.push("free");
    slots.push(a);
  }
  const pageCount = Math.max(1, Math.ceil(slots.length / perPage));
  const pages = options.pages ? options.pages.slice() : [];
  while (pages.length < pageCount) pages.push(b.alloc(0x1000, 0x1000));
  pages.forEach((page, p) => {
    b.memory.map(page, 0x1000);
    b.writePtr(page + BigInt(e.NextPage), p + 1 < pages.length ? pages[p + 1] : 0n);
    b.writePtr(page + BigInt(e.VerifierEntry), at);
    for (let i = 0; i < perPage; i++) {
      const slot = slots[p * perPage + i];
      if (!slot) break;
      const entry = page + BigInt((i + 1) * e.size);
      if (slot === "free") {
        b.writePtr(entry + BigInt(e.NumberOfBytes), 1);
        continue;
      }
      b.writePtr(entry + BigInt(e.VirtualAddress), slot.address);
      b.writePtr(entry + BigInt(e.CallingAddress), slot.caller);
      b.writePtr(entry + BigInt(e.NumberOfBytes), (slot.size + 3) & ~3); // ULONG-rounded (§4)
      b.memory.writeU32(entry + BigInt(e.Tag), tagValue(slot.tag));
    }
  });
  writeSListHeader(b, at + BigInt(layout.PoolPageHeaders), pages.length ? pages[0] : 0n, pages.length, options.slist || "header16");
  const paged = allocations.filter((a) => a.paged);
  const nonPaged = allocations.filter((a) => !a.paged);
  const sum = (list: Allocation[]) => list.reduce((n, a) => n + ((a.size + 3) & ~3), 0);
  b.memory.writeU32(at + BigInt(layout.CurrentPaged), paged.length);
  b.memory.writeU32(at + BigInt(layout.CurrentNonPaged), nonPaged.length);
  b.writePtr(at + BigInt(layout.PagedBytes), sum(paged));
  b.writePtr(at + BigInt(layout.NonPagedBytes), sum(nonPaged));
  return { at, pages };
}

/** §4 SLIST_HEADER encodings. */
export function writeSListHeader(b: TargetBuilder, at: bigint, first: bigint, depth: number, format: "header16" | "header8"): void {
  if (b.pointerSize === 4) {
    b.memory.writeU32(at, Number(first));
    b.memory.writeU16(at + 4n, depth);
    return;
  }
  if (format === "header16" || b.build >= 9200) {
    b.memory.writeU64(at, BigInt(depth));
    b.memory.writeU64(at + 8n, first === 0n ? 0n : first | 1n); // HeaderType 1, NextEntry in bits 4..63
    return;
  }
  const next39 = (first >> 4n) & ((1n << 39n) - 1n);
  b.memory.writeU64(at, BigInt(depth) | (next39 << 25n));
  b.memory.writeU64(at + 8n, 0n);
}

/** §5: nt!KiBugCheckData = ULONG_PTR[5], code then P1..P4. */
export function writeBugCheck(b: TargetBuilder, code: number, params: bigint[]): void {
  const at = b.global("nt", "KiBugCheckData", 5 * b.pointerSize);
  b.writePtr(at, code);
  params.forEach((p, i) => b.writePtr(at + BigInt((i + 1) * b.pointerSize), p));
}

/** A NUL-terminated UTF-16 string, as bugcheck 0xC4/0x62 passes the driver's name in Arg2. */
export function writeWideName(b: TargetBuilder, at: bigint, name: string): void {
  const bytes = new Uint8Array(name.length * 2 + 2);
  for (let i = 0; i < name.length; i++) {
    bytes[i * 2] = name.charCodeAt(i) & 0xff;
    bytes[i * 2 + 1] = name.charCodeAt(i) >> 8;
  }
  b.memory.write(at, bytes);
}

const FIXTURES = path.resolve(__dirname, "../fixtures/verifier");

/** A fixture's lines without its `# ` provenance header. */
export function fixtureLines(name: string): string[] {
  const lines = fs.readFileSync(path.join(FIXTURES, name), "utf8").replace(/\n$/, "").split("\n");
  return lines.filter((l) => !l.startsWith("# "));
}

/** Writes the bytes a `db` listing shows (real output) back into memory. */
export function writeDbListing(b: TargetBuilder, lines: string[]): void {
  for (const line of lines) {
    const m = /^([0-9a-f]{8}`[0-9a-f]{8})\s+((?:[0-9a-f]{2}[ -]){15}[0-9a-f]{2})/.exec(line);
    if (!m) continue;
    const address = BigInt("0x" + m[1].replace("`", ""));
    b.memory.write(address, Uint8Array.from(m[2].split(/[ -]/).map((h) => parseInt(h, 16))));
  }
}

/** Answers `u <caller> L1` with a disassembly listing: its symbol header and first instruction, as L1 prints. */
export function answerDisassembly(b: TargetBuilder, caller: bigint, listing: string[]): void {
  const hex = caller.toString(16).padStart(16, "0");
  const formatted = b.pointerSize === 8 ? hex.slice(0, 8) + "`" + hex.slice(8) : hex.slice(8);
  b.target.onCommand("u " + formatted + " L1", listing.slice(0, 2));
}

/**
 * Seed 002 (Windows 7 SP1 x64): bugcheck C4 {62, fffffa80059c5c88, fffffa8004f5a010, 1}; one allocation at
 * fffff980`0933eff0 of 0xc bytes, tag "test", caller fffff880`04c73043. The tracking page's address is not in the
 * article (made up: fffffa80`04f6b000); the name's bytes are the article's `db` output.
 */
export const SEED002 = {
  arg2: 0xfffffa80059c5c88n,
  arg3: 0xfffffa8004f5a010n,
  page: 0xfffffa8004f6b000n,
  allocation: { address: 0xfffff9800933eff0n, size: 0xc, tag: "test", caller: 0xfffff88004c73043n },
};

export interface WrapperSceneOptions {
  build: number;
  pointerSize: 4 | 8;
  /** Allocations made through drv!MyAlloc+0x21 (the wrapper's one call to ExAllocatePoolWithTag). */
  throughWrapper: number;
  /** Give nt's types for the verifier structures (the "with symbols" variant). */
  withTypes?: boolean;
  /** Place the bugcheck (C4/62 for drv.sys); without it the target is a live session. */
  bugcheck?: boolean;
}

/**
 * A Win10/11 driver `drv.sys` that allocates through a wrapper: most allocations come from drv!MyAlloc+0x21 with
 * one of three tags its callers pass, a few from drv!MyAlloc+0x4a (its paged path) and one from drv!Init+0x10.
 * Symbol headers use the `u` format of seed 002.
 */
export function wrapperScene(options: WrapperSceneOptions): { b: TargetBuilder; allocations: Allocation[]; verified: { at: bigint; pages: bigint[] }; callers: Map<bigint, string> } {
  const b = kernelTarget({ pointerSize: options.pointerSize, build: options.build, dump: options.bugcheck === false ? undefined : "C:\\Windows\\MEMORY.DMP" });
  const drvBase = b.moduleRange(0x8000);
  const callers = new Map<bigint, string>([
    [drvBase + 0x1021n, "drv!MyAlloc+0x21 [c:\\src\\drv\\alloc.c @ 14]:"],
    [drvBase + 0x104an, "drv!MyAlloc+0x4a [c:\\src\\drv\\alloc.c @ 19]:"],
    [drvBase + 0x2010n, "drv!Init+0x10:"],
  ]);
  const [wrapper, pagedPath, init] = Array.from(callers.keys());
  const allocations: Allocation[] = [];
  const pool = b.alloc(0x10 * (options.throughWrapper + 8), 0x1000);
  let cursor = pool;
  const add = (size: number, tag: string, caller: bigint, paged = false) => {
    allocations.push({ address: cursor, size, tag, caller, paged });
    cursor += 0x10n;
  };
  const tags = ["DrvA", "DrvB", "DrvC"];
  for (let i = 0; i < options.throughWrapper; i++) add(0x20 + (i % 3) * 0x10, tags[i % 3], wrapper);
  for (let i = 0; i < 4; i++) add(0x100, "DrvP", pagedPath, true);
  add(0x1000, "Init", init);
  const verified = writeVerifiedData(b, allocations, { freeEvery: 7 });
  if (options.withTypes) {
    const l = verifiedDataLayout(options.build, options.pointerSize)!;
    const ps = options.pointerSize;
    b.typeFromLayout("nt", "_VF_TARGET_VERIFIED_DRIVER_DATA", {
      size: l.size, SuspectDriverEntry: 0, PoolPageHeaders: [l.PoolPageHeaders, ps * 2], PoolTrackers: [l.PoolPageHeaders + ps * 2, ps * 2],
      CurrentPagedPoolAllocations: [l.CurrentPaged, 4], CurrentNonPagedPoolAllocations: [l.CurrentNonPaged, 4],
      PagedBytes: [l.PagedBytes, ps], NonPagedBytes: [l.NonPagedBytes, ps],
    });
    const e = poolEntryLayout(ps);
    b.typeFromLayout("nt", "_VI_POOL_ENTRY_INUSE", { size: e.size, VirtualAddress: e.VirtualAddress, CallingAddress: e.CallingAddress, NumberOfBytes: [e.NumberOfBytes, ps], Tag: [e.Tag, 4] });
  }
  if (options.bugcheck !== false) {
    const name = b.alloc(0x40, 8);
    writeWideName(b, name, "drv.sys");
    writeBugCheck(b, 0xc4, [0x62n, name, verified.at, BigInt(allocations.length)]);
  } else {
    writeBugCheck(b, 0, [0n, 0n, 0n, 0n]);
  }
  for (const [caller, header] of callers) answerDisassembly(b, caller, [header, "(instruction)"]);
  return { b, allocations, verified, callers };
}

/** `!verifier 3 <driver>` text in the seed 002 format for a scene's allocations (for the live path). */
export function verifierText(driver: string, allocations: Allocation[], pointerSize: 4 | 8): string[] {
  const h = (v: bigint | number, w: number) => v.toString(16).padStart(w, "0");
  const nonPaged = allocations.filter((a) => !a.paged);
  const paged = allocations.filter((a) => a.paged);
  const bytes = (l: Allocation[]) => l.reduce((n, a) => n + ((a.size + 3) & ~3), 0);
  const w = pointerSize * 2;
  return [
    "Driver Verification List",
    "",
    "Entry     State           NonPagedPool   PagedPool   Module",
    "",
    h(0xfffffa8003c2f740n, w) + " Loaded           " + h(bytes(nonPaged), 8) + "       " + h(bytes(paged), 8) + "    " + driver,
    "",
    "Current Pool Allocations  " + h(nonPaged.length, 8) + "    " + h(paged.length, 8),
    "Current Pool Bytes        " + h(bytes(nonPaged), 8) + "    " + h(bytes(paged), 8),
    "",
    "PoolAddress  SizeInBytes    Tag       CallersAddress",
    ...allocations.map((a) => h(a.address, w) + "     0x" + h((a.size + 3) & ~3, 8) + "     " + a.tag + "      " + h(a.caller, w)),
  ];
}
