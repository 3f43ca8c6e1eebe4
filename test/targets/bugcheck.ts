// Kernel dumps with a bugcheck, for !crashtriage. Never imported from src/layouts:
//   EXCEPTION_RECORD, CONTEXT and _POOL_HEADER (x64): from build 19041's PDB (test/fixtures/pdb-layouts; the same in
//   every PDB of the data set, 7601-22000), i.e. winnt.h's ExceptionCode +0 ... ExceptionInformation +0x20, CONTEXT
//   Rsp +0x98, Rip +0xF8, size 0x4D0; _POOL_HEADER BlockSize bits 16-23 (×16, layouts.md §2.4), PoolTag +4.
//   x86: winnt.h (i386), transcribed. nt!KiBugCheckData: ULONG_PTR[5], layouts.md §5.
import { kernelTarget, BUILDS, TargetBuilder } from "./builder";
import { SegmentHeapBuilder, HEAP_INDEX } from "./segment-heap";
import { SCN } from "./pool";
import { NtHeapProcess } from "./nt-heap";
import { pdbField, pdbType } from "./pdb-layouts";
import * as seed004 from "../fixtures/triage/seed004";

const at = (type: string, field: string) => pdbField(BUILDS.win10_2004, type, field)!.offset;
const sizeOf = (type: string) => pdbType(BUILDS.win10_2004, type)!.size;
const exr = (f: string) => at("_EXCEPTION_RECORD", f);
const ctx = (f: string) => at("_CONTEXT", f);
const blockSize = pdbField(BUILDS.win10_2004, "_POOL_HEADER", "BlockSize")!;

export const EXR64 = {
  ExceptionCode: exr("ExceptionCode"), ExceptionFlags: exr("ExceptionFlags"), ExceptionRecord: exr("ExceptionRecord"), ExceptionAddress: exr("ExceptionAddress"),
  NumberParameters: exr("NumberParameters"), ExceptionInformation: exr("ExceptionInformation"), size: sizeOf("_EXCEPTION_RECORD"),
};
export const CONTEXT64 = {
  Rax: ctx("Rax"), Rcx: ctx("Rcx"), Rdx: ctx("Rdx"), Rbx: ctx("Rbx"), Rsp: ctx("Rsp"), Rbp: ctx("Rbp"), Rsi: ctx("Rsi"), Rdi: ctx("Rdi"), R8: ctx("R8"), Rip: ctx("Rip"),
  size: sizeOf("_CONTEXT"),
};
export const EXR32 = { ExceptionCode: 0, ExceptionFlags: 4, ExceptionRecord: 8, ExceptionAddress: 0xc, NumberParameters: 0x10, ExceptionInformation: 0x14, size: 0x50 };
export const CONTEXT32 = { Eip: 0xb8, Esp: 0xc4, size: 0x2cc };
/** BlockUnit (16 bytes per BlockSize unit on x64) is not in a PDB: layouts.md §2.4. */
export const POOL_HEADER64 = { BlockSizeShift: blockSize.offset * 8 + (blockSize.bitPosition || 0), BlockUnit: 16, PoolTag: at("_POOL_HEADER", "PoolTag"), size: sizeOf("_POOL_HEADER") };

export const DUMP = "C:\\Windows\\MEMORY.DMP";

export function bugcheckTarget(code: number, args: bigint[], options: { dump?: string | null; pointerSize?: 4 | 8 } = {}): TargetBuilder {
  const pointerSize = options.pointerSize || 8;
  const b = kernelTarget({ pointerSize, build: BUILDS.win10_2004, dump: options.dump === null ? undefined : options.dump || DUMP });
  const at = b.global("nt", "KiBugCheckData", 5 * pointerSize);
  b.writePtr(at, BigInt(code));
  args.forEach((a, i) => b.writePtr(at + BigInt(pointerSize * (i + 1)), a));
  return b;
}

/** A 32-bit 0x154: EXCEPTION_POINTERS, an x86 EXCEPTION_RECORD and CONTEXT laid out from winnt.h (i386). */
export function storeExceptionScene32(exception: { code: number; address: bigint; parameters: bigint[] }, context: { eip: bigint; esp: bigint }) {
  const b = kernelTarget({ pointerSize: 4, build: BUILDS.win10_2004, dump: DUMP });
  const pointers = b.alloc(8, 8);
  const record = b.alloc(EXR32.size, 8);
  const ctx = b.alloc(CONTEXT32.size, 8);
  b.writePtr(pointers, record);
  b.writePtr(pointers + 4n, ctx);
  b.memory.writeU32(record + BigInt(EXR32.ExceptionCode), exception.code);
  b.memory.writeU32(record + BigInt(EXR32.ExceptionAddress), Number(exception.address));
  b.memory.writeU32(record + BigInt(EXR32.NumberParameters), exception.parameters.length);
  exception.parameters.forEach((p, i) => b.memory.writeU32(record + BigInt(EXR32.ExceptionInformation + 4 * i), Number(p)));
  b.memory.writeU32(ctx + BigInt(CONTEXT32.Eip), Number(context.eip));
  b.memory.writeU32(ctx + BigInt(CONTEXT32.Esp), Number(context.esp));
  const at = b.global("nt", "KiBugCheckData", 5 * 4);
  b.writePtr(at, 0x154);
  b.writePtr(at + 4n, 0x85001000n);
  b.writePtr(at + 8n, pointers);
  b.writePtr(at + 12n, 2);
  return { b, pointers, record, ctx };
}

/** `u <address> L1` answered with a symbol header line, as the debugger prints it. */
export function symbolAt(b: TargetBuilder, address: bigint, symbol: string): void {
  const formatted = debuggerAddress(address);
  b.target.onCommand("u " + formatted + " L1", [symbol + ":", formatted + " 90              nop"]);
}

export interface StoreSceneOptions {
  /** Leave the exception record's page (which also holds the context) unmapped. */
  exrUnreadable?: boolean;
  numberParameters?: number;
  /** `!thread` output; defaults to the seed's. */
  thread?: string[];
}

/** Seed 004: bugcheck 0x154 with its exception record, context, faulting symbol and thread, at the seed's addresses. */
export function storeExceptionScene(options: StoreSceneOptions = {}): TargetBuilder {
  const v = seed004.seedValues();
  const b = bugcheckTarget(v.code, v.args);
  const m = b.memory;
  const pointers = v.args[1];
  m.map(pointers, 0x10);
  m.writeU64(pointers, v.exrAt);
  m.writeU64(pointers + 8n, v.cxrAt);
  {
    m.map(v.exrAt, EXR64.size);
    m.writeU32(v.exrAt + BigInt(EXR64.ExceptionCode), v.exceptionCode);
    m.writeU32(v.exrAt + BigInt(EXR64.ExceptionFlags), 0);
    m.writeU64(v.exrAt + BigInt(EXR64.ExceptionAddress), v.exceptionAddress);
    m.writeU32(v.exrAt + BigInt(EXR64.NumberParameters), options.numberParameters === undefined ? v.exceptionParameters.length : options.numberParameters);
    v.exceptionParameters.forEach((p, i) => m.writeU64(v.exrAt + BigInt(EXR64.ExceptionInformation + 8 * i), p));
  }
  m.map(v.cxrAt, CONTEXT64.size);
  const regs = /(\w+)=([0-9a-f]{16})/g;
  const text = seed004.cxr.slice(1).join(" ");
  let r: RegExpExecArray | null;
  while ((r = regs.exec(text))) {
    const field = (r[1][0].toUpperCase() + r[1].slice(1)) as keyof typeof CONTEXT64;
    if (field in CONTEXT64 && field !== "size") m.writeU64(v.cxrAt + BigInt(CONTEXT64[field]), BigInt("0x" + r[2]));
  }
  // The record shares its page with the context (seed addresses): a paged-out page loses both.
  if (options.exrUnreadable) m.unmap(v.exrAt, 1);
  b.target.onCommand("u " + debuggerAddress(v.exceptionAddress) + " L1", seed004.disassembly);
  b.target.onCommand("!thread", options.thread || seed004.thread);
  return b;
}

/** A pool block with its _POOL_HEADER (x64, §2.4) in front; returns the block's address. */
export function poolBlock(b: TargetBuilder, tag: string, size: number): { header: bigint; block: bigint } {
  const total = POOL_HEADER64.size + size;
  const header = b.alloc(total, 16);
  const blockUnits = Math.ceil(total / POOL_HEADER64.BlockUnit);
  b.memory.writeU32(header, (blockUnits << POOL_HEADER64.BlockSizeShift) >>> 0);
  for (let i = 0; i < 4; i++) b.memory.write(header + BigInt(POOL_HEADER64.PoolTag + i), new Uint8Array([tag.charCodeAt(i)]));
  return { header, block: header + BigInt(POOL_HEADER64.size) };
}

/** `fffff800\`25b04bd0`, as the debugger prints a 64-bit address. */
export function debuggerAddress(address: bigint): string {
  const text = address.toString(16).padStart(16, "0");
  return text.slice(0, 8) + "`" + text.slice(8);
}

/**
 * _UNLOADED_DRIVERS (x64) has no PDB type (research layouts.md §3): WRK mm.h { UNICODE_STRING Name; PVOID
 * StartAddress; PVOID EndAddress; LARGE_INTEGER CurrentTime; }, 0x28 bytes; nt!MmUnloadedDrivers points at 50 of them.
 * _KTRAP_FRAME (x64) is not in the PDB extract either: Rip +0x168, Rsp +0x180, size 0x190 (Windows 10 x64 definition,
 * thalium/icebox Windows_structs.h).
 */
export const UNLOADED64 = { Name: 0, StartAddress: 0x10, EndAddress: 0x18, CurrentTime: 0x20, size: 0x28, count: 50 };
export const TRAP64 = { Rip: 0x168, Rsp: 0x180, size: 0x190 };

/** The real crash of issue 21: Windows 10 19041, bugcheck 0x1000007E, an access violation in amdppm.sys reading -1. */
export const ISSUE21 = {
  code: 0x1000007e,
  args: [0xffffffffc0000005n, 0xfffff8048b58334cn, 0xffff850429891ee8n, 0xffff850429891720n],
  amdppmBase: 0xfffff8048b580000n,
  amdppmSize: 0x16000,
  referenced: 0xffffffffffffffffn,
  rsp: 0xffff850429891f28n,
};

export interface ExceptionSceneOptions {
  /** Take the faulting driver out of the loaded list and record it in MmUnloadedDrivers instead. */
  unloaded?: boolean;
  /**
   * A kernel triage dump: only what one captures is readable. Microsoft: the small memory dump holds the bugcheck
   * and its parameters, the loaded driver list, the processor context, the current process and thread and the
   * kernel stack of the thread that crashed (learn.microsoft.com "Small memory dump"; WRK triage.h TRIAGE_DUMP_HEADER:
   * ContextOffset, ExceptionOffset, UnloadedDriversOffset, DriverListOffset, CallStackOffset, DataBlocksOffset).
   * Here: the exception record and context sit on the crashed thread's stack (the issue's Arg3/Arg4 are stack
   * addresses) and are readable; nt!NtBuildNumber's page and MmUnloadedDrivers' array are not captured; NtBuildLab is.
   */
  triageDump?: boolean;
  /** The exception record's and context's page is not in the dump either. */
  recordMissing?: boolean;
  /** A live kernel session stopped at the bugcheck, not a dump. */
  live?: boolean;
}

/** A 0x1000007E crash laid out as the issue's dump: EXCEPTION_RECORD at Arg3, CONTEXT at Arg4 (PDB offsets). */
export function exceptionCrashScene(options: ExceptionSceneOptions = {}): TargetBuilder {
  const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_2004, dump: options.live ? undefined : DUMP });
  const m = b.memory;
  const [, address, record, context] = ISSUE21.args;
  if (options.triageDump) {
    // The pool page holding NtBuildNumber is not captured; NtBuildLab is (and vertarget would say 19041 too).
    const ntBuildNumber = b.target.symbols.get("nt!NtBuildNumber") ?? null;
    b.reserveUnmapped(0);
    if (ntBuildNumber !== null) m.unmap(ntBuildNumber & ~0xfffn, 0x1000);
    const lab = b.global("nt", "NtBuildLab", 64);
    m.write(lab, new TextEncoder().encode("19041.1.amd64fre.vb_release.191206-1406\0"));
  }
  const at = b.global("nt", "KiBugCheckData", 5 * 8);
  b.writePtr(at, BigInt(ISSUE21.code));
  ISSUE21.args.forEach((a, i) => b.writePtr(at + BigInt(8 * (i + 1)), a));
  if (!options.recordMissing) {
    m.map(context & ~0xfffn, 0x2000);
    m.writeU32(record + BigInt(EXR64.ExceptionCode), 0xc0000005);
    m.writeU64(record + BigInt(EXR64.ExceptionAddress), address);
    m.writeU32(record + BigInt(EXR64.NumberParameters), 2);
    m.writeU64(record + BigInt(EXR64.ExceptionInformation), 0n);
    m.writeU64(record + BigInt(EXR64.ExceptionInformation + 8), ISSUE21.referenced);
    m.writeU64(context + BigInt(CONTEXT64.Rip), address);
    m.writeU64(context + BigInt(CONTEXT64.Rsp), ISSUE21.rsp);
  }
  if (!options.unloaded) {
    b.target.addModule("amdppm.sys", ISSUE21.amdppmBase, ISSUE21.amdppmSize);
  } else {
    if (options.triageDump) b.reserveUnmapped(0); // the array's page alone is left out of the dump
    const array = b.alloc(0x1000, 0x1000);
    b.target.addSymbol("nt", "MmUnloadedDrivers", array + 0x800n);
    b.writePtr(array + 0x800n, array);
    b.target.addSymbol("nt", "MmLastUnloadedDriver", array + 0x808n);
    const last = array + 0x808n;
    m.writeU32(last, 1);
    b.unicodeString(array + BigInt(UNLOADED64.Name), "amdppm.sys");
    b.writePtr(array + BigInt(UNLOADED64.StartAddress), ISSUE21.amdppmBase);
    b.writePtr(array + BigInt(UNLOADED64.EndAddress), ISSUE21.amdppmBase + BigInt(ISSUE21.amdppmSize));
    if (options.triageDump) m.unmap(array & ~0xfffn, 0x1000);
  }
  return b;
}

/** A driver whose code allocates `tag`: mov r8d, 'Tag' (41 b8 <tag>); call qword ptr [rip+disp32] to ExAllocatePool2's IAT slot. */
export function allocatingDriver(s: SegmentHeapBuilder, name: string, tag: string) {
  const ntBase = BigInt(s.target.modules[0].base);
  const drv = s.pool.driver(name, {
    sections: [
      { name: ".text", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ, size: 0x1000 },
      { name: ".data", characteristics: SCN.INITIALIZED_DATA | SCN.READ | SCN.WRITE, size: 0x1000 },
    ],
    imports: [{ dll: "ntoskrnl.exe", functions: ["ExAllocatePool2", "ExFreePoolWithTag"], bound: { ExAllocatePool2: ntBase + 0x9b2010n, ExFreePoolWithTag: ntBase + 0x9b3450n } }],
  });
  const site = drv.image.sectionRva[".text"] + 0x120;
  const slot = drv.image.iatRva["ntoskrnl.exe!ExAllocatePool2"];
  const code = new Uint8Array([0x41, 0xb8, tag.charCodeAt(0), tag.charCodeAt(1), tag.charCodeAt(2), tag.charCodeAt(3), 0xff, 0x15, 0, 0, 0, 0]);
  new DataView(code.buffer).setInt32(8, slot - (site + 12), true);
  s.target.memory.write(drv.base + BigInt(site), code);
  return { drv, site };
}

/**
 * A page fault or IRQL bugcheck on a segment-heap kernel (19041) whose referenced address may be in the pool: a VS
 * subsegment with a busy 'NfOv' block (netfiltx.sys allocates the tag), a freed chunk after it, and a 'BigP' big
 * allocation of bigdrv.sys listed in nt!PoolBigPageTable. `bugcheck` writes nt!KiBugCheckData.
 */
export function poolReferenceScene() {
  const s = new SegmentHeapBuilder({ build: 19041, seed: 2150, dump: true });
  const netfiltx = allocatingDriver(s, "netfiltx.sys", "NfOv");
  allocatingDriver(s, "bigdrv.sys", "BigP");
  const placed = s.vs(HEAP_INDEX.NonPaged, [
    { tag: "Othr", bytes: 0x200, busy: true },
    { tag: "NfOv", bytes: 0x1f0, busy: true },
    { tag: "Gone", bytes: 0x300, busy: false },
    { tag: "Othr", bytes: 0x200, busy: true },
  ]);
  const big = s.pool.bigPage("BigP", 0x3000);
  // The faulting instruction: in netfiltx.sys's code, past its allocation site.
  const instruction = netfiltx.drv.base + BigInt(netfiltx.drv.image.sectionRva[".text"] + 0x200);
  s.finish();
  const b = s.pool.b;
  const at = b.global("nt", "KiBugCheckData", 5 * 8);
  const bugcheck = (code: number, args: bigint[]) => {
    b.writePtr(at, BigInt(code));
    args.forEach((a, i) => b.writePtr(at + BigInt(8 * (i + 1)), a));
  };
  return { s, b, nfov: placed[1], freed: placed[2], big, instruction, bugcheck };
}

/**
 * A kernel triage (small) dump of the issue's crash holding only what one captures: the dump header (`.bugcheck`
 * and `vertarget` answer from it; the banner is the real 19041 minidump's, test/fixtures/triage/vertarget-sklib10-19041.txt),
 * the loaded driver list (the debugger's module list) and the crashed thread's stack, where the issue's Arg3/Arg4
 * (exception record and context) lie. Every other page is gone: nt!KiBugCheckData, NtBuildNumber and NtBuildLab,
 * MmUnloadedDrivers, pool, images. Sources: Microsoft's "small memory dump" description and WRK triage.h
 * (TRIAGE_DUMP_HEADER: ContextOffset, ExceptionOffset, DriverListOffset, CallStackOffset, DataBlocksOffset).
 */
export function strictTriageDumpScene(): TargetBuilder {
  const b = exceptionCrashScene({ unloaded: false });
  const [, , record, context] = ISSUE21.args;
  const stack: [bigint, Uint8Array][] = [];
  for (let page = context & ~0xfffn; page <= ((record + BigInt(EXR64.size)) | 0xfffn); page += 0x1000n) {
    const bytes = b.memory.read(page, 0x1000);
    if (bytes instanceof Uint8Array) stack.push([page, bytes]);
  }
  // The emulator's memory keeps its pages in a private map; a triage dump is that map emptied but for the stack.
  (b.memory as unknown as { pages: Map<bigint, Uint8Array> }).pages.clear();
  for (const [page, bytes] of stack) b.memory.write(page, bytes);
  const code = ISSUE21.code.toString(16).toUpperCase().padStart(8, "0");
  b.target.onCommand(".bugcheck", ["Bugcheck code " + code, "Arguments " + ISSUE21.args.map(debuggerAddress).join(" ")]);
  const banner = require("fs").readFileSync(require("path").resolve(__dirname, "../fixtures/triage/vertarget-sklib10-19041.txt"), "utf8") as string;
  b.target.onCommand("vertarget", banner.split(/\r?\n/).filter((l: string) => l && !l.startsWith("#")));
  return b;
}

/**
 * A 0x13A pool overrun on a segment-heap kernel (19041, the real 0x13A dumps of safing/portmaster #1396/#1587 are
 * 19041/22621 with Arg1 0x11): netfiltx.sys allocates 'NfOv' blocks (mov r8d, 'NfOv'; call [ExAllocatePool2]) and
 * writes past one of them into the next VS chunk, a 'Vict' block of victim.sys; the heap manager found the damage
 * at the victim's chunk (Arg3). The walker-independent layout is the segment-heap builder's (test/targets/segment-heap.ts).
 */
export function heapOverrunScene() {
  const s = new SegmentHeapBuilder({ build: 19041, seed: 2121, dump: true });
  const allocating = (name: string, tag: string) => allocatingDriver(s, name, tag);
  const overrunner = allocating("netfiltx.sys", "NfOv");
  const victim = allocating("victim.sys", "Vict");
  const placed = s.vs(HEAP_INDEX.NonPaged, [
    { tag: "Othr", bytes: 0x200, busy: true },
    { tag: "NfOv", bytes: 0x1f0, busy: true },
    { tag: "Vict", bytes: 0x300, busy: true },
    { tag: "Othr", bytes: 0x200, busy: true },
  ]);
  const nfov = placed[1];
  const vict = placed[2];
  // The overrun: 0x10 bytes past the end of NfOv's data, over the victim's chunk header (its size and flags).
  s.target.memory.write(nfov.address + 0x1f0n, new Uint8Array(0x10).fill(0x41));
  const chunk = vict.header - 0x10n;
  const b = s.pool.b;
  const at = b.global("nt", "KiBugCheckData", 5 * 8);
  const args = [0x11n, s.heaps[0], chunk, 0n];
  b.writePtr(at, 0x13an);
  args.forEach((a, i) => b.writePtr(at + BigInt(8 * (i + 1)), a));
  s.trackTag("NfOv");
  s.trackTag("Vict");
  s.finish();
  return { s, args, nfov, vict, chunk, overrunner, victim };
}

/** _POOL_HEADER bit fields of the PDB (the same in every x64 build of the data set): PreviousSize, BlockSize, PoolType. */
const header64 = (field: string) => {
  const f = pdbField(BUILDS.win10_2004, "_POOL_HEADER", field)!;
  return f.offset * 8 + (f.bitPosition || 0);
};
export const POOL_HEADER_BITS = { PreviousSize: header64("PreviousSize"), BlockSize: header64("BlockSize"), PoolType: header64("PoolType") };

/**
 * A small-block page of the pre-1809 pool (x64): headers back to back from the page start, each with PreviousSize
 * and BlockSize in 16-byte units and PoolType (0 = free; 1 = NonPagedPool + 1 for a busy nonpaged block, layouts.md
 * §2.4), the tag at +4. Returns each block's header address.
 */
export function poolPage(b: TargetBuilder, blocks: { tag: string; bytes: number; busy: boolean }[]): bigint[] {
  const page = b.alloc(0x1000, 0x1000);
  const headers: bigint[] = [];
  let offset = 0;
  let previous = 0;
  for (const block of blocks) {
    const units = Math.ceil((block.bytes + POOL_HEADER64.size) / 16);
    const at = page + BigInt(offset);
    const word = (previous << POOL_HEADER_BITS.PreviousSize) | (units << POOL_HEADER_BITS.BlockSize) | ((block.busy ? 2 : 0) << POOL_HEADER_BITS.PoolType);
    b.memory.writeU32(at, word >>> 0);
    for (let i = 0; i < 4; i++) b.memory.write(at + BigInt(POOL_HEADER64.PoolTag + i), new Uint8Array([block.tag.charCodeAt(i)]));
    headers.push(at);
    previous = units;
    offset += units * 16;
  }
  return headers;
}

/**
 * A process stopped on an access violation that reads a freed heap block (use after free), on an NT heap laid out
 * by issue 20's builder (test/targets/nt-heap.ts, +ust): a busy 'request' block, the freed block after it, another
 * busy block. `.exr -1` answers in the debugger's format (real outputs: test/fixtures/triage/exr-*.txt).
 */
export function userAfterFreeScene() {
  const p = new NtHeapProcess({ pointerSize: 8, build: BUILDS.win10_2004, ust: true });
  const app = 0x7ff6a0000000n;
  p.b.target.addModule("C:\\app\\app.exe", app, 0x20000);
  const trace = p.traceRecord([app + 0x1234n, app + 0x1500n]);
  const heap = p.heap();
  const before = heap.alloc(0x40, { trace });
  const freedHeader = heap.free(0x80);
  const after = heap.alloc(0x30, { trace });
  p.finish();
  const freedUser = freedHeader + 0x10n;
  const referenced = freedUser + 0x18n;
  const faultAt = app + 0x1a2bn;
  const hex = (v: bigint) => v.toString(16).padStart(16, "0");
  p.b.target.onCommand(".exr -1", [
    "ExceptionAddress: " + hex(faultAt) + " (app!Request::Complete+0x000000000000002b)",
    "   ExceptionCode: c0000005 (Access violation)",
    "  ExceptionFlags: 00000000",
    "NumberParameters: 2",
    "   Parameter[0]: 0000000000000000",
    "   Parameter[1]: " + hex(referenced),
    "Attempt to read from address " + hex(referenced),
  ]);
  return { b: p.b, before, freedUser, after, referenced, trace, heap: heap.address };
}

/**
 * _KTHREAD's stack fields (x64, Windows 8 to 11): InitialStack +0x28, StackLimit +0x30, StackBase +0x38, from the
 * Vergilius Project's _KTHREAD pages (vergiliusproject.com/kernels/x64; StackLimit/StackBase also in Bitdefender
 * hvmi's windows_17763_x64_kpti_ON.yaml). Not from test/fixtures/pdb-layouts: the
 * research data set (research/isf) keeps no _KTHREAD. Transcribed here, independently of src/layouts/thread.ts.
 */
export const KTHREAD64 = { InitialStack: 0x28, StackLimit: 0x30, StackBase: 0x38 };

/**
 * The thread that bugchecked, as seed 004's `!thread` shows it (verbatim, test/fixtures/triage/seed004.ts): THREAD
 * ffffb402`be04a080 with "Stack Init ffffe607bc53fb90", "Base ffffe607bc540000 Limit ffffe607bc539000". Its
 * _KTHREAD is written with those bounds at KTHREAD64's offsets and its stack pages mapped; `inDump: false` leaves the
 * thread object's page out (a triage dump that did not capture it). `damaged` swaps StackLimit and StackBase.
 */
export function crashingThread(b: TargetBuilder, options: { inDump?: boolean; damaged?: boolean } = {}) {
  const lines = seed004.thread;
  const hexOf = (re: RegExp) => BigInt("0x" + re.exec(lines.join("\n"))![1]);
  const thread = hexOf(/^THREAD ([0-9a-f]+)/m);
  const init = hexOf(/Stack Init ([0-9a-f]+)/);
  const base = hexOf(/^Base ([0-9a-f]+)/m);
  const limit = hexOf(/ Limit ([0-9a-f]+)/);
  const m = b.memory;
  m.map(limit, Number(base - limit));
  if (options.inDump !== false) {
    m.map(thread & ~0xfffn, 0x1000);
    m.writeU64(thread + BigInt(KTHREAD64.InitialStack), init);
    m.writeU64(thread + BigInt(KTHREAD64.StackLimit), options.damaged ? base : limit);
    m.writeU64(thread + BigInt(KTHREAD64.StackBase), options.damaged ? limit : base);
  }
  b.target.onCommand("!thread", lines);
  return { thread, init, base, limit };
}
