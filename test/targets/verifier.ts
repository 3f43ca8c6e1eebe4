// Driver Verifier pool tracking targets, independently of src/layouts/verifier.ts: x64 builds of the PDB data set
// from Microsoft's PDBs (test/fixtures/pdb-layouts), others transcribed from research/layouts.md §4 (and §5 for the
// bugcheck data).
import * as fs from "fs";
import * as path from "path";
import { kernelTarget, TargetBuilder } from "./builder";
import { buildPe, loadImage, SCN } from "./pe-builder";
import { BUILDS } from "./layouts";
import { hasPdbData, pdbField, pdbType, pdbTypeDef } from "./pdb-layouts";

interface VerifiedDataLayout {
  size: number;
  PoolPageHeaders: number;
  CurrentPaged: number;
  CurrentNonPaged: number;
  PagedBytes: number;
  NonPagedBytes: number;
}

/** `_VF_TARGET_VERIFIED_DRIVER_DATA` offsets: the PDB's, else §4's columns; null where neither has the build
 *  (Win8, 1507-1803, 24H2). */
export function verifiedDataLayout(build: number, pointerSize: 4 | 8): VerifiedDataLayout | null {
  if (hasPdbData(build, pointerSize)) {
    const at = (f: string) => pdbField(build, "_VF_TARGET_VERIFIED_DRIVER_DATA", f)!.offset;
    return {
      size: pdbType(build, "_VF_TARGET_VERIFIED_DRIVER_DATA")!.size, PoolPageHeaders: at("PoolPageHeaders"),
      CurrentPaged: at("CurrentPagedPoolAllocations"), CurrentNonPaged: at("CurrentNonPagedPoolAllocations"), PagedBytes: at("PagedBytes"), NonPagedBytes: at("NonPagedBytes"),
    };
  }
  // x64 builds the data set has took the PDB's above; §4's x64 column is left only for Windows 11 22H2/23H2.
  if (pointerSize === 8) {
    return build >= BUILDS.win11_21h2 && build <= BUILDS.win11_23h2 ? { size: 0x130, PoolPageHeaders: 0x40, CurrentPaged: 0x70, CurrentNonPaged: 0x74, PagedBytes: 0x80, NonPagedBytes: 0x88 } : null;
  }
  if (build === BUILDS.win7sp1) return { size: 0x90, PoolPageHeaders: 0x18, CurrentPaged: 0x28, CurrentNonPaged: 0x2c, PagedBytes: 0x38, NonPagedBytes: 0x3c };
  if (build >= BUILDS.win10_1809 && build <= 18362) return { size: 0xb0, PoolPageHeaders: 0x20, CurrentPaged: 0x30, CurrentNonPaged: 0x34, PagedBytes: 0x40, NonPagedBytes: 0x44 };
  if (build >= BUILDS.win10_2004 && build <= BUILDS.win10_22h2) return { size: 0xb8, PoolPageHeaders: 0x20, CurrentPaged: 0x34, CurrentNonPaged: 0x38, PagedBytes: 0x44, NonPagedBytes: 0x48 };
  return null;
}

/** `_VI_POOL_ENTRY` (0x20 x64 / 0x10 x86): page header {NextPage, VerifierEntry}, in-use {VirtualAddress,
 *  CallingAddress, NumberOfBytes, Tag}; the PDB's (every x64 build of the data set has the same), else §4. */
export function poolEntryLayout(pointerSize: 4 | 8, build?: number): { size: number; NextPage: number; VerifierEntry: number; VirtualAddress: number; CallingAddress: number; NumberOfBytes: number; Tag: number } {
  if (build !== undefined && hasPdbData(build, pointerSize)) {
    const inUse = (f: string) => pdbField(build, "_VI_POOL_ENTRY_INUSE", f)!.offset;
    const header = (f: string) => pdbField(build, "_VI_POOL_PAGE_HEADER", f)!.offset;
    return {
      size: pdbType(build, "_VI_POOL_ENTRY")!.size, NextPage: header("NextPage"), VerifierEntry: header("VerifierEntry"),
      VirtualAddress: inUse("VirtualAddress"), CallingAddress: inUse("CallingAddress"), NumberOfBytes: inUse("NumberOfBytes"), Tag: inUse("Tag"),
    };
  }
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
  const e = poolEntryLayout(ps, b.build);
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
  /** drv.sys's image: mapped and listed (the default), listed but unreadable (unloaded and gone, or paged out), or
   *  not in the module list at all. */
  image?: "mapped" | "unreadable" | "unlisted";
  /** Without symbols `u` prints the instruction alone, no `drv!Function+0x..` header (the default is with). */
  symbols?: boolean;
}

/** A function of drv.sys's .text: its RVA and its bytes, and the call sites in it to name. */
interface CodeFunction {
  name: string;
  rva: number;
  bytes: number[];
}

/** What the scene's drv.sys passes to drv!MyAlloc, call site by call site (the test's expectations). */
export interface WrapperCallSite {
  /** `drv!Foo+0x12`, the symbol `u` gives for the call instruction. */
  symbol: string;
  address: bigint;
  kind: "call" | "jmp";
  /** The tag loaded before the call; null when the call site loads none. */
  tag: string | null;
}

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const tagBytes = (tag: string) => le32(tagValue(tag));
const nops = (n: number) => new Array<number>(n).fill(0x90);

/** drv.sys's code layout (RVAs), shared by the x64 and x86 images. MyAlloc's two allocator calls return to +0x21 and
 *  +0x4a, Init's to +0x10: the callers the verifier records. */
const TEXT_RVA = 0x1000;
const MY_ALLOC = 0x1000;
const INIT = 0x2000;

/**
 * drv.sys's .text, instruction by instruction (encodings from the Intel SDM; the x64 `mov r8d, imm32; mov rdx, rcx;
 * mov rcx, [rip+x]; call rel32` and the x86 `mov [esp+4], imm32; mov [esp], imm32; call rel32` sequences are the
 * real ones of test/fixtures/leaktag/wine-code.txt, `ntoskrnl-wrapper-call` and `i386-hidclass-call`, with their
 * immediates and targets changed). MyAlloc(size, tag) allocates with `tag ? tag : 'DrvH'`: the wrapper hard-codes
 * one tag itself, for the callers that pass 0. Callers: Foo and Bar pass 'DrvA', Baz 'DrvB', Qux 'DrvC', AllocC
 * tail-jumps with 'DrvC', Paged passes 'DrvP' (the paged path, MyAlloc+0x4a), NoTag passes a register (no tag at the
 * call site), Unused passes 'DrvU', which no outstanding allocation has.
 */
function driverCode(is64: boolean, base: bigint, allocatorSlotRva: number): { functions: CodeFunction[]; sites: { fn: string; offset: number; kind: "call" | "jmp"; tag: string | null }[]; hardCodedTagAt: number } {
  const functions: CodeFunction[] = [];
  const sites: { fn: string; offset: number; kind: "call" | "jmp"; tag: string | null }[] = [];
  // call [__imp_ExAllocatePoolWithTag]: x64 RIP-relative disp32, x86 an absolute address.
  const callIat = (rva: number) => [0xff, 0x15, ...le32(is64 ? allocatorSlotRva - (rva + 6) : Number(base) + allocatorSlotRva)];
  const fn = (name: string, rva: number, parts: (number[] | { call: "call" | "jmp"; tag: string | null })[]) => {
    const bytes: number[] = [];
    for (const part of parts) {
      if (Array.isArray(part)) {
        bytes.push(...part);
        continue;
      }
      const at = rva + bytes.length;
      sites.push({ fn: name, offset: bytes.length, kind: part.call, tag: part.tag });
      bytes.push(part.call === "call" ? 0xe8 : 0xe9, ...le32(MY_ALLOC - (at + 5)));
    }
    functions.push({ name, rva, bytes });
  };
  // The verifier's callers are the return addresses after MyAlloc's two `call [ExAllocatePoolWithTag]`.
  const pushWrapper = (bytes: number[]) => {
    for (const ret of [0x21, 0x4a]) if (bytes[ret - 6] !== 0xff || bytes[ret - 5] !== 0x15) throw new Error("drv.sys: MyAlloc's call does not return to +0x" + ret.toString(16));
    functions.push({ name: "MyAlloc", rva: MY_ALLOC, bytes });
  };
  if (is64) {
    const myAlloc: number[] = [
      0x48, 0x83, 0xec, 0x28, //           sub rsp, 28h
      0x85, 0xd2, //                       test edx, edx
      0x41, 0xb8, ...tagBytes("DrvH"), //  mov r8d, 'DrvH'
      0x44, 0x0f, 0x45, 0xc2, //           cmovne r8d, edx
      0x48, 0x8b, 0xd1, //                 mov rdx, rcx
      0xb9, 0x00, 0x02, 0x00, 0x00, //     mov ecx, 200h (NonPagedPoolNx)
      0x0f, 0x1f, 0x00, //                 nop dword ptr [rax]
    ];
    myAlloc.push(...callIat(MY_ALLOC + myAlloc.length)); // +0x1b: call [ExAllocatePoolWithTag], returns to +0x21
    myAlloc.push(0x48, 0x83, 0xc4, 0x28, 0xc3); //         add rsp, 28h; ret
    while (myAlloc.length < 0x30) myAlloc.push(0xcc);
    // The paged path (reached when the caller asks for paged pool).
    myAlloc.push(0x48, 0x83, 0xec, 0x28, 0x44, 0x8b, 0xc2, 0x48, 0x8b, 0xd1, 0xb9, 0x01, 0x00, 0x00, 0x00, 0x0f, 0x1f, 0x44, 0x00, 0x00);
    myAlloc.push(...callIat(MY_ALLOC + myAlloc.length)); // +0x44, returns to +0x4a
    myAlloc.push(0x48, 0x83, 0xc4, 0x28, 0xc3);
    functions.push({ name: "MyAlloc", rva: MY_ALLOC, bytes: myAlloc });
    // push rbx (40 53); then ntoskrnl-wrapper-call's sequence: the call lands at Foo+0x12.
    fn("Foo", 0x1100, [[0x40, 0x53, 0x41, 0xb8, ...tagBytes("DrvA"), 0x48, 0x89, 0xca, 0x48, 0x8b, 0x0d, 0x61, 0x62, 0x01, 0x00], { call: "call", tag: "DrvA" }]);
    fn("Bar", 0x1200, [[0x48, 0x83, 0xec, 0x28], nops(0x40 - 4 - 8), [0x48, 0x8b, 0xcb, 0xba, ...tagBytes("DrvA")], { call: "call", tag: "DrvA" }]);
    fn("Baz", 0x1300, [[0x48, 0x83, 0xec, 0x38, 0xc7, 0x44, 0x24, 0x20, ...tagBytes("DrvB"), 0x45, 0x33, 0xc9, 0xba, 0x40, 0x00, 0x00, 0x00], { call: "call", tag: "DrvB" }]);
    fn("Qux", 0x1400, [[0x48, 0x83, 0xec, 0x28, 0x41, 0xb8, ...tagBytes("DrvC"), 0xba, 0x30, 0x00, 0x00, 0x00], { call: "call", tag: "DrvC" }]);
    fn("AllocC", 0x1500, [[0xba, ...tagBytes("DrvC")], { call: "jmp", tag: "DrvC" }]);
    fn("Paged", 0x1600, [[0x48, 0x83, 0xec, 0x28, 0x41, 0xb8, ...tagBytes("DrvP"), 0xb9, 0x01, 0x00, 0x00, 0x00], { call: "call", tag: "DrvP" }]);
    fn("NoTag", 0x1700, [[0x48, 0x83, 0xec, 0x28, 0x33, 0xd2, 0x48, 0x8b, 0xcf], { call: "call", tag: null }]);
    fn("Unused", 0x1800, [[0x48, 0x83, 0xec, 0x28, 0x41, 0xb8, ...tagBytes("DrvU"), 0xba, 0x10, 0x00, 0x00, 0x00], { call: "call", tag: "DrvU" }]);
  } else {
    const myAlloc: number[] = [
      0x8b, 0xff, 0x55, 0x8b, 0xec, //     mov edi, edi; push ebp; mov ebp, esp
      0x8b, 0x45, 0x0c, //                 mov eax, [ebp+0Ch] (tag)
      0x85, 0xc0, 0x75, 0x05, //           test eax, eax; jne +5
      0xb8, ...tagBytes("DrvH"), //        mov eax, 'DrvH'
      0x50, 0xff, 0x75, 0x08, 0x6a, 0x00, // push eax; push [ebp+8]; push 0 (NonPagedPool)
      0x90, 0x90, 0x90, 0x90,
    ];
    myAlloc.push(...callIat(MY_ALLOC + myAlloc.length)); // +0x1b, returns to +0x21
    myAlloc.push(0x5d, 0xc2, 0x08, 0x00); //                pop ebp; ret 8
    while (myAlloc.length < 0x32) myAlloc.push(0xcc);
    myAlloc.push(0x8b, 0xff, 0x55, 0x8b, 0xec, 0xff, 0x75, 0x0c, 0xff, 0x75, 0x08, 0x6a, 0x01, 0x90, 0x90, 0x90, 0x90, 0x90);
    myAlloc.push(...callIat(MY_ALLOC + myAlloc.length)); // +0x44, returns to +0x4a
    myAlloc.push(0x5d, 0xc2, 0x08, 0x00);
    pushWrapper(myAlloc);
    fn("Foo", 0x1100, [[0x8b, 0xff, 0x55, 0x8b, 0xec], nops(7), [0x68, ...tagBytes("DrvA"), 0x56], { call: "call", tag: "DrvA" }]);
    // i386-hidclass-call's sequence: mov dword ptr [esp+4], tag; mov dword ptr [esp], 40h; call.
    fn("Bar", 0x1200, [[0x8b, 0xff, 0x55, 0x8b, 0xec], nops(0x40 - 5 - 15), [0xc7, 0x44, 0x24, 0x04, ...tagBytes("DrvA"), 0xc7, 0x04, 0x24, 0x40, 0x00, 0x00, 0x00], { call: "call", tag: "DrvA" }]);
    fn("Baz", 0x1300, [[0x8b, 0xff, 0x55, 0x8b, 0xec, 0x83, 0xec, 0x08, 0xc7, 0x44, 0x24, 0x04, ...tagBytes("DrvB"), 0xc7, 0x04, 0x24, 0x80, 0x00, 0x00, 0x00], { call: "call", tag: "DrvB" }]);
    fn("Qux", 0x1400, [[0x8b, 0xff, 0x55, 0x8b, 0xec, 0x68, ...tagBytes("DrvC"), 0x6a, 0x30], { call: "call", tag: "DrvC" }]);
    fn("AllocC", 0x1500, [[0xc7, 0x44, 0x24, 0x08, ...tagBytes("DrvC")], { call: "jmp", tag: "DrvC" }]);
    fn("Paged", 0x1600, [[0x8b, 0xff, 0x55, 0x8b, 0xec, 0x68, ...tagBytes("DrvP"), 0x68, 0x00, 0x01, 0x00, 0x00], { call: "call", tag: "DrvP" }]);
    fn("NoTag", 0x1700, [[0x8b, 0xff, 0x55, 0x8b, 0xec, 0xff, 0x75, 0x0c, 0xff, 0x75, 0x08], { call: "call", tag: null }]);
    fn("Unused", 0x1800, [[0x8b, 0xff, 0x55, 0x8b, 0xec, 0x68, ...tagBytes("DrvU"), 0x6a, 0x10], { call: "call", tag: "DrvU" }]);
  }
  // Init allocates directly: call [ExAllocatePoolWithTag] at +0xa returns to +0x10.
  const init = is64 ? [0x48, 0x83, 0xec, 0x28, ...nops(6)] : [0x8b, 0xff, 0x55, 0x8b, 0xec, ...nops(5)];
  functions.push({ name: "Init", rva: INIT, bytes: [...init, ...callIat(INIT + init.length), 0xc3] });
  // Where MyAlloc's own `mov r8d, 'DrvH'` (x64, 41 b8) or `mov eax, 'DrvH'` (x86, b8) starts.
  const wrapperBytes = functions.find((f) => f.name === "MyAlloc")!.bytes;
  const tagAt = wrapperBytes.findIndex((_, i) => tagBytes("DrvH").every((v, k) => wrapperBytes[i + k] === v));
  return { functions, sites, hardCodedTagAt: tagAt - (is64 ? 2 : 1) };
}

/**
 * A Win10/11 driver `drv.sys` that allocates through a wrapper: most allocations come from drv!MyAlloc+0x21 with
 * one of the tags its callers pass (DrvA, DrvB, DrvC) or the one it writes itself (DrvH, every tenth), a few from
 * drv!MyAlloc+0x4a (its paged path) and one from drv!Init+0x10. drv.sys is a PE image built by pe-builder whose
 * .text holds those functions and the wrapper's call sites (driverCode). Symbol headers use the `u` format of seed 002.
 */
export function wrapperScene(options: WrapperSceneOptions): {
  b: TargetBuilder;
  allocations: Allocation[];
  verified: { at: bigint; pages: bigint[] };
  callers: Map<bigint, string>;
  sites: WrapperCallSite[];
  drvBase: bigint;
  /** Offset in MyAlloc of the instruction that writes its own tag 'DrvH'. */
  hardCodedTagAt: number;
} {
  const b = kernelTarget({ pointerSize: options.pointerSize, build: options.build, dump: options.bugcheck === false ? undefined : "C:\\Windows\\MEMORY.DMP" });
  const is64 = options.pointerSize === 8;
  const imports = [{ dll: "ntoskrnl.exe", functions: ["ExAllocatePoolWithTag", "ExFreePoolWithTag"] }];
  const textSpec = { name: ".text", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ, size: INIT + 0x100 - TEXT_RVA };
  const dataSpec = { name: ".data", characteristics: SCN.INITIALIZED_DATA | SCN.READ | SCN.WRITE, size: 0x200 };
  const probe = buildPe({ is64, sections: [textSpec, dataSpec], imports });
  if (probe.sectionRva[".text"] !== TEXT_RVA) throw new Error("drv.sys: .text is not at RVA 0x" + TEXT_RVA.toString(16));
  const drvBase = b.moduleRange(probe.sizeOfImage);
  const code = driverCode(is64, drvBase, probe.iatRva["ntoskrnl.exe!ExAllocatePoolWithTag"]);
  const text = new Uint8Array(textSpec.size);
  for (const f of code.functions) text.set(f.bytes, f.rva - TEXT_RVA);
  const image = buildPe({ is64, sections: [{ ...textSpec, content: text }, dataSpec], imports });
  const where = options.image || "mapped";
  if (where === "mapped") loadImage(b, "drv.sys", drvBase, image);
  else if (where === "unreadable") b.target.addModule("drv.sys", drvBase, image.sizeOfImage);
  const callers = new Map<bigint, string>([
    [drvBase + 0x1021n, "drv!MyAlloc+0x21 [c:\\src\\drv\\alloc.c @ 14]:"],
    [drvBase + 0x104an, "drv!MyAlloc+0x4a [c:\\src\\drv\\alloc.c @ 19]:"],
    [drvBase + 0x2010n, "drv!Init+0x10:"],
  ]);
  const [wrapper, pagedPath, init] = Array.from(callers.keys());
  const sites: WrapperCallSite[] = code.sites.map((site) => {
    const rva = code.functions.find((f) => f.name === site.fn)!.rva;
    return { symbol: "drv!" + site.fn + "+0x" + site.offset.toString(16), address: drvBase + BigInt(rva + site.offset), kind: site.kind, tag: site.tag };
  });
  const allocations: Allocation[] = [];
  const pool = b.alloc(0x10 * (options.throughWrapper + 8), 0x1000);
  let cursor = pool;
  const add = (size: number, tag: string, caller: bigint, paged = false) => {
    allocations.push({ address: cursor, size, tag, caller, paged });
    cursor += 0x10n;
  };
  const tags = ["DrvA", "DrvB", "DrvC"];
  for (let i = 0; i < options.throughWrapper; i++) add(0x20 + (i % 3) * 0x10, i % 10 === 9 ? "DrvH" : tags[i % 3], wrapper);
  for (let i = 0; i < 4; i++) add(0x100, "DrvP", pagedPath, true);
  add(0x1000, "Init", init);
  const verified = writeVerifiedData(b, allocations, { freeEvery: 7 });
  if (options.withTypes && hasPdbData(options.build, options.pointerSize)) {
    // What a real symbol file gives: the PDB's types whole (_SLIST_HEADER nested, the unnamed union u1, ...).
    b.type("nt", pdbTypeDef(options.build, "_VF_TARGET_VERIFIED_DRIVER_DATA"));
    b.type("nt", pdbTypeDef(options.build, "_VI_POOL_ENTRY_INUSE"));
  } else if (options.withTypes) {
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
  // Without symbols `u` prints no header line: the instruction alone (seed 002's format, less its first line).
  const symbols = options.symbols !== false;
  for (const [caller, header] of callers) answerDisassembly(b, caller, symbols ? [header, "(instruction)"] : ["(instruction)"]);
  for (const site of sites) answerDisassembly(b, site.address, symbols ? [site.symbol + ":", "(instruction)"] : ["(instruction)"]);
  return { b, allocations, verified, callers, sites, drvBase, hardCodedTagAt: code.hardCodedTagAt };
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
