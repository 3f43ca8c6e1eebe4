// Kernel drivers laid out as the linker and the loader leave them: the IAT at the start of .rdata (covered by the
// IAT directory, index 12), and the import descriptors, name tables (INT) and hint/name entries in a discardable
// INIT section that the kernel frees after DriverEntry (seed 003: "import names paged out"). Written from the
// PE/COFF specification (layouts.md §6), independently of src/pe. Also the scenes the findimporter tests share.
import { TargetBuilder, kernelTarget, userTarget } from "./builder";
import { BUILDS } from "./layouts";
import { buildPe, loadImage, SCN } from "./pe-builder";

export interface DriverImport {
  dll: string;
  /** Names, or `#n` for an import by ordinal. */
  functions: string[];
  /** The address each slot is bound to; unbound slots hold the name thunk. */
  bound?: Record<string, bigint>;
}

export interface DriverSpec {
  is64: boolean;
  imports: DriverImport[];
  /** Bytes of .text (a multiple of 0x1000); the IAT's RVA follows from it. */
  textSize?: number;
  /** Offset of the first IAT slot inside .rdata (real drivers put a few constants first). */
  iatOffset?: number;
  /** Bytes of code at the start of INIT before the descriptors (DriverEntry and GsDriverEntry in a WDK driver). */
  initCodeSize?: number;
}

export interface BuiltDriver {
  bytes: Uint8Array;
  sizeOfImage: number;
  /** RVA of each IAT slot, keyed `dll!function`. */
  iatRva: Record<string, number>;
  rdataRva: number;
  initRva: number;
  initSize: number;
}

const PAGE = 0x1000;
const alignUp = (v: number, a: number) => Math.ceil(v / a) * a;

export function buildDriver(spec: DriverSpec): BuiltDriver {
  const is64 = spec.is64;
  const thunk = is64 ? 8 : 4;
  const textRva = PAGE;
  const textSize = spec.textSize || PAGE;
  const rdataRva = textRva + alignUp(textSize, PAGE);
  const iatOffset = spec.iatOffset || 0;
  const slots = spec.imports.reduce((n, imp) => n + imp.functions.length + 1, 0);
  const iatSize = slots * thunk;
  const rdataSize = alignUp(iatOffset + iatSize + 0x40, PAGE);
  const initRva = rdataRva + rdataSize;

  // INIT: descriptors, then per DLL its INT, its name, its hint/name entries.
  const init: number[] = [];
  const put = (buf: number[], offset: number, value: bigint | number, size: number) => {
    while (buf.length < offset + size) buf.push(0);
    let v = BigInt(value);
    for (let i = 0; i < size; i++) {
      buf[offset + i] = Number(v & 0xffn);
      v >>= 8n;
    }
  };
  const putString = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) put(init, offset + i, text.charCodeAt(i), 1);
    put(init, offset + text.length, 0, 1);
  };
  const iat: number[] = [];
  const iatRva: Record<string, number> = {};
  const descAt = spec.initCodeSize || 0;
  let cursor = descAt + (spec.imports.length + 1) * 0x14;
  let iatCursor = iatOffset;
  spec.imports.forEach((imp, d) => {
    cursor = alignUp(cursor, thunk);
    const intAt = cursor;
    cursor += (imp.functions.length + 1) * thunk;
    const dllAt = cursor;
    putString(dllAt, imp.dll);
    cursor += imp.dll.length + 1;
    const firstThunk = rdataRva + iatCursor;
    imp.functions.forEach((fn, i) => {
      let value: bigint;
      if (fn.startsWith("#")) {
        value = (is64 ? 1n << 63n : 1n << 31n) | BigInt(parseInt(fn.slice(1), 10));
      } else {
        cursor = alignUp(cursor, 2);
        put(init, cursor, i, 2);
        putString(cursor + 2, fn);
        value = BigInt(initRva + cursor);
        cursor += 2 + fn.length + 1;
      }
      put(init, intAt + i * thunk, value, thunk);
      const bound = imp.bound && imp.bound[fn];
      put(iat, iatCursor, bound !== undefined ? bound : value, thunk);
      iatRva[imp.dll + "!" + fn] = rdataRva + iatCursor;
      iatCursor += thunk;
    });
    put(init, intAt + imp.functions.length * thunk, 0, thunk);
    put(iat, iatCursor, 0, thunk);
    iatCursor += thunk;
    const desc = descAt + d * 0x14;
    put(init, desc, initRva + intAt, 4);
    put(init, desc + 0xc, initRva + dllAt, 4);
    put(init, desc + 0x10, firstThunk, 4);
  });
  put(init, descAt + spec.imports.length * 0x14, 0, 0x14);
  const initSize = alignUp(Math.max(init.length, 1), PAGE);
  const sizeOfImage = initRva + initSize;

  const bytes = new Uint8Array(sizeOfImage);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, 0x5a4d, true);
  const nt = 0xd8;
  view.setUint32(0x3c, nt, true);
  view.setUint32(nt, 0x00004550, true);
  view.setUint16(nt + 4, is64 ? 0x8664 : 0x14c, true);
  view.setUint16(nt + 6, 3, true);
  view.setUint32(nt + 8, 0x45d6a0e3, true);
  const optionalSize = is64 ? 0xf0 : 0xe0;
  view.setUint16(nt + 0x14, optionalSize, true);
  view.setUint16(nt + 0x16, is64 ? 0x22 : 0x10e, true);
  const opt = nt + 0x18;
  view.setUint16(opt, is64 ? 0x20b : 0x10b, true);
  view.setUint32(opt + 0x20, PAGE, true);
  view.setUint32(opt + 0x24, 0x200, true);
  view.setUint32(opt + 0x38, sizeOfImage, true);
  view.setUint32(opt + 0x3c, 0x400, true);
  view.setUint16(opt + 0x44, 1, true); // Subsystem: native
  const dirs = opt + (is64 ? 0x70 : 0x60);
  view.setUint32(opt + (is64 ? 0x6c : 0x5c), 16, true);
  if (spec.imports.length) {
    view.setUint32(dirs + 1 * 8, initRva + descAt, true);
    view.setUint32(dirs + 1 * 8 + 4, (spec.imports.length + 1) * 0x14, true);
    view.setUint32(dirs + 12 * 8, rdataRva + iatOffset, true);
    view.setUint32(dirs + 12 * 8 + 4, iatSize, true);
  }
  const sections: [string, number, number, number][] = [
    [".text", textRva, textSize, SCN.CODE | SCN.EXECUTE | SCN.READ],
    [".rdata", rdataRva, rdataSize, SCN.INITIALIZED_DATA | SCN.READ],
    ["INIT", initRva, initSize, SCN.CODE | SCN.EXECUTE | SCN.READ | SCN.DISCARDABLE],
  ];
  sections.forEach(([name, rva, size, ch], i) => {
    const at = opt + optionalSize + i * 0x28;
    for (let c = 0; c < name.length; c++) bytes[at + c] = name.charCodeAt(c);
    view.setUint32(at + 8, size, true);
    view.setUint32(at + 0xc, rva, true);
    view.setUint32(at + 0x10, size, true);
    view.setUint32(at + 0x14, rva, true);
    view.setUint32(at + 0x24, ch, true);
  });
  bytes.set(Uint8Array.from(iat), rdataRva);
  bytes.set(Uint8Array.from(init), initRva);
  return { bytes, sizeOfImage, iatRva, rdataRva, initRva, initSize };
}

/**
 * Answers `x module!pattern` from the target's symbols as the debugger prints it: `<address> module!name`, one per
 * line (seed 003: `e0894d1f nt!ExAllocatePool`; x64 addresses with the backtick).
 */
export function answerSymbolSearch(b: TargetBuilder): void {
  b.target.onCommand(/^x \S+!\S+$/, (command) => {
    const [module, pattern] = command.slice(2).split("!");
    const re = new RegExp("^" + pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$");
    const lines: string[] = [];
    for (const [key, address] of b.target.symbols) {
      const [m, name] = key.split("!");
      if (m !== module.toLowerCase() || !re.test(name)) continue;
      const hex = address.toString(16).padStart(b.pointerSize * 2, "0");
      lines.push((b.pointerSize === 8 ? hex.slice(0, 8) + "`" + hex.slice(8) : hex) + " " + m + "!" + name);
    }
    return lines;
  });
}

/** Maps a driver at `base` as module `fileName`; `discardInit` frees INIT as the kernel does after DriverEntry. */
export function loadDriver(b: TargetBuilder, fileName: string, base: bigint, d: BuiltDriver, discardInit = false): void {
  loadImage(b, fileName, base, d);
  if (discardInit) b.memory.unmap(base + BigInt(d.initRva), d.initSize);
}

// --- Seed 003 (a Windows Server 2003 x86 kernel dump; the addresses below are the article's) ---
export const SEED003 = {
  /** `x nt!ExAllocatePool` */
  ExAllocatePool: 0xe0894d1fn,
  /** `dps f50b8058`: the IAT's first four slots. */
  _wcsnicmp: 0xe0828e04n,
  ExFreePoolWithTag: 0xe089b708n,
  KeInitializeEvent: 0xe083e30an,
  /** `!lmi f50b8058`: Base Address f50b3000, a driver named by a GUID (the article hides it). */
  driverBase: 0xf50b3000n,
  driverName: "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}.sys",
  iatAddress: 0xf50b8058n,
  /** Not in the article: a plausible kernel base for an x86 /3GB system (ExAllocatePool lies inside it). */
  ntBase: 0xe0800000n,
  ntSize: 0x1f6000,
  build: 3790,
};

/** Other nt ntExports the scene's drivers import, placed in nt's range (not from the article). */
const SEED003_OTHER_EXPORTS: Record<string, bigint> = {
  ExAllocatePoolWithTag: 0xe0894e8an,
  IoCreateDevice: 0xe08a1c36n,
  IoDeleteDevice: 0xe08a2e10n,
  KeWaitForSingleObject: 0xe0821f06n,
  RtlInitUnicodeString: 0xe0827a9cn,
  ObfDereferenceObject: 0xe0822b3en,
  IofCompleteRequest: 0xe0821d88n,
  KeSetEvent: 0xe0821e3an,
  ExQueueWorkItem: 0xe0836c12n,
};

/**
 * The seed 003 scene: a 32-bit kernel with nt, two ordinary drivers importing ExAllocatePoolWithTag, and the
 * GUID-named driver whose IAT at f50b8058 holds nt!ExAllocatePool while its INIT section (descriptors and names)
 * is discarded.
 */
export function seed003Target(): TargetBuilder {
  const b = new TargetBuilder("kernel", { pointerSize: 4, build: SEED003.build, dump: "C:\\WINDOWS\\MEMORY.DMP" });
  const ntExports: Record<string, bigint> = { ...SEED003_OTHER_EXPORTS, ExAllocatePool: SEED003.ExAllocatePool, _wcsnicmp: SEED003._wcsnicmp, ExFreePoolWithTag: SEED003.ExFreePoolWithTag, KeInitializeEvent: SEED003.KeInitializeEvent };
  const ntImage = buildDriver({ is64: false, imports: [{ dll: "HAL.dll", functions: ["KfRaiseIrql", "KfLowerIrql"], bound: { KfRaiseIrql: 0xe0a0c1a0n, KfLowerIrql: 0xe0a0c1c0n } }] });
  loadDriver(b, "nt", SEED003.ntBase, ntImage);
  b.target.modules[b.target.modules.length - 1].size = SEED003.ntSize;
  for (const [name, address] of Object.entries(ntExports)) b.target.addSymbol("nt", name, address);
  const at = b.global("nt", "NtBuildNumber", 4);
  b.memory.writeU32(at, (0xf0000000 | SEED003.build) >>> 0);
  const hal = buildDriver({ is64: false, imports: [{ dll: "ntoskrnl.exe", functions: ["KeWaitForSingleObject"], bound: ntExports }] });
  loadDriver(b, "hal.dll", 0xe0a00000n, hal);
  b.target.modules[b.target.modules.length - 1].size = 0x20000;
  b.target.addSymbol("hal", "KfRaiseIrql", 0xe0a0c1a0n);
  b.target.addSymbol("hal", "KfLowerIrql", 0xe0a0c1c0n);
  const ordinary = (fileName: string, base: bigint, functions: string[]) =>
    loadDriver(b, fileName, base, buildDriver({ is64: false, imports: [{ dll: "ntoskrnl.exe", functions, bound: ntExports }] }), true);
  ordinary("tcpip.sys", 0xf7400000n, ["ExAllocatePoolWithTag", "ExFreePoolWithTag", "KeSetEvent", "IofCompleteRequest"]);
  // The guilty driver: .text 0x4000 bytes so .rdata (and its IAT, after 0x58 bytes of constants) lands at f50b8058.
  const guilty = buildDriver({
    is64: false,
    textSize: 0x4000,
    iatOffset: 0x58,
    imports: [
      {
        dll: "ntoskrnl.exe",
        functions: ["ExAllocatePool", "_wcsnicmp", "ExFreePoolWithTag", "KeInitializeEvent", "IoCreateDevice", "IoDeleteDevice", "RtlInitUnicodeString", "ObfDereferenceObject", "IofCompleteRequest", "ExQueueWorkItem"],
        bound: ntExports,
      },
    ],
  });
  loadDriver(b, SEED003.driverName, SEED003.driverBase, guilty, true);
  ordinary("afd.sys", 0xf7a00000n, ["ExAllocatePoolWithTag", "IoCreateDevice", "KeWaitForSingleObject"]);
  answerSymbolSearch(b);
  return b;
}

// --- A Windows 10 x64 kernel with the allocator family, a redirected slot and corrupt images ---
export const X64 = {
  ntBase: 0xfffff80720000000n,
  ExAllocatePool: 0xfffff807206a1030n,
  ExAllocatePoolWithTag: 0xfffff807206a2010n,
  ExAllocatePoolWithQuotaTag: 0xfffff807206a3400n,
  ExFreePoolWithTag: 0xfffff807206a4500n,
  IoCreateDevice: 0xfffff807206b0000n,
  hookBase: 0xfffff80726000000n,
};

export function x64KernelTarget(): TargetBuilder {
  const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2, dump: "C:\\Windows\\MEMORY.DMP" });
  const ntBase = BigInt(b.target.modules[0].base);
  const ntExports: Record<string, bigint> = {
    ExAllocatePool: X64.ExAllocatePool,
    ExAllocatePoolWithTag: X64.ExAllocatePoolWithTag,
    ExAllocatePoolWithQuotaTag: X64.ExAllocatePoolWithQuotaTag,
    ExFreePoolWithTag: X64.ExFreePoolWithTag,
    IoCreateDevice: X64.IoCreateDevice,
  };
  if (ntBase !== X64.ntBase) throw new Error("kernelTarget moved nt");
  b.memory.write(ntBase, buildDriver({ is64: true, imports: [] }).bytes.subarray(0, 0x1000));
  for (const [name, address] of Object.entries(ntExports)) b.target.addSymbol("nt", name, address);
  const driver = (fileName: string, imports: DriverImport[], discardInit = false) => {
    const d = buildDriver({ is64: true, imports: imports.map((i) => ({ bound: ntExports, ...i })) });
    const base = b.moduleRange(d.sizeOfImage);
    loadDriver(b, fileName, base, d, discardInit);
    return { base, d };
  };
  driver("disk.sys", [{ dll: "ntoskrnl.exe", functions: ["ExAllocatePoolWithTag", "ExFreePoolWithTag"] }]);
  driver("legacy.sys", [{ dll: "ntoskrnl.exe", functions: ["ExAllocatePool", "ExFreePoolWithTag"] }]);
  driver("quota.sys", [{ dll: "ntoskrnl.exe", functions: ["IoCreateDevice", "ExAllocatePoolWithQuotaTag", "ExAllocatePool"] }]);
  // Two descriptors for the same DLL, in different case (as linking two import libraries gives).
  driver("twocase.sys", [
    { dll: "ntoskrnl.exe", functions: ["IoCreateDevice"] },
    { dll: "NTOSKRNL.EXE", functions: ["ExAllocatePoolWithTag"] },
  ]);
  // A hook: the slot of ExAllocatePoolWithTag points into another driver.
  const hookSize = 0x10000;
  b.memory.write(X64.hookBase, buildDriver({ is64: true, imports: [] }).bytes.subarray(0, 0x1000));
  b.target.addModule("hooker.sys", X64.hookBase, hookSize);
  driver("hooked.sys", [{ dll: "ntoskrnl.exe", functions: ["ExAllocatePoolWithTag"], bound: { ExAllocatePoolWithTag: X64.hookBase + 0x1230n } }]);
  // fewer than 16 data directories (pe-builder writes NumberOfRvaAndSizes = 2).
  const few = buildPe({ is64: true, directoryCount: 2, sections: [{ name: ".text", characteristics: SCN.CODE | SCN.EXECUTE, size: 0x100 }], imports: [{ dll: "ntoskrnl.exe", functions: ["ExAllocatePool"], bound: ntExports }] });
  loadImage(b, "fewdirs.sys", b.moduleRange(few.sizeOfImage), few);
  answerSymbolSearch(b);
  return b;
}

/** Adds an image whose e_lfanew points past the header page. */
export function addMalformedHeader(b: TargetBuilder, fileName: string): bigint {
  const d = buildDriver({ is64: b.pointerSize === 8, imports: [] });
  const bytes = d.bytes.slice();
  new DataView(bytes.buffer).setUint32(0x3c, 0xfff0, true);
  const base = b.moduleRange(d.sizeOfImage);
  loadImage(b, fileName, base, { bytes, sizeOfImage: d.sizeOfImage });
  return base;
}

/** Adds an image whose import descriptor list has no terminator: every record repeats the first, to the end. */
export function addEndlessDescriptors(b: TargetBuilder, fileName: string): bigint {
  const d = buildDriver({ is64: b.pointerSize === 8, imports: [{ dll: "ntoskrnl.exe", functions: ["ExFreePoolWithTag"] }] });
  const bytes = d.bytes.slice();
  const first = bytes.slice(d.initRva, d.initRva + 0x14);
  // Grow the image by 16 pages of copies of the first descriptor.
  const grown = new Uint8Array(d.sizeOfImage + 0x10000);
  grown.set(bytes);
  for (let at = d.initRva; at + 0x14 <= grown.length; at += 0x14) grown.set(first, at);
  new DataView(grown.buffer).setUint32(0xd8 + 0x18 + 0x38, grown.length, true);
  const base = b.moduleRange(grown.length);
  loadImage(b, fileName, base, { bytes: grown, sizeOfImage: grown.length });
  return base;
}

/** The import directory's entry in a PE32+ image's optional header (PE/COFF: data directory 1). */
function importDirectoryEntry(bytes: Uint8Array): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  const opt = v.getUint32(0x3c, true) + 0x18;
  return opt + (v.getUint16(opt, true) === 0x20b ? 0x70 : 0x60) + 8;
}

/**
 * Adds two images whose offsets point past the image: `<name>-dir.sys`, whose import directory RVA lies past
 * SizeOfImage; `<name>-names.sys`, importing ExAllocatePool (bound to `ntExAllocatePool`) through a descriptor whose
 * Name and OriginalFirstThunk RVAs lie past SizeOfImage, its IAT intact.
 */
export function addOffsetsPastImage(b: TargetBuilder, name: string, ntExAllocatePool: bigint): { dirBase: bigint; namesBase: bigint; iatAddress: bigint } {
  const is64 = b.pointerSize === 8;
  const dir = buildDriver({ is64, imports: [{ dll: "ntoskrnl.exe", functions: ["ExFreePoolWithTag"] }] });
  const dirBytes = dir.bytes.slice();
  new DataView(dirBytes.buffer).setUint32(importDirectoryEntry(dirBytes), dir.sizeOfImage + 0x2000, true);
  const dirBase = b.moduleRange(dir.sizeOfImage);
  loadImage(b, name + "-dir.sys", dirBase, { bytes: dirBytes, sizeOfImage: dir.sizeOfImage });
  const names = buildDriver({ is64, imports: [{ dll: "ntoskrnl.exe", functions: ["ExAllocatePool"], bound: { ExAllocatePool: ntExAllocatePool } }] });
  const namesBytes = names.bytes.slice();
  const v = new DataView(namesBytes.buffer);
  const descriptor = v.getUint32(importDirectoryEntry(namesBytes), true);
  v.setUint32(descriptor, 0xfffff000, true); // OriginalFirstThunk
  v.setUint32(descriptor + 0xc, names.sizeOfImage + 0x10, true); // Name
  const namesBase = b.moduleRange(names.sizeOfImage);
  loadImage(b, name + "-names.sys", namesBase, { bytes: namesBytes, sizeOfImage: names.sizeOfImage });
  return { dirBase, namesBase, iatAddress: namesBase + BigInt(names.iatRva["ntoskrnl.exe!ExAllocatePool"]) };
}

/** Adds a module whose header page is not in the dump. */
export function addUnreadableModule(b: TargetBuilder, fileName: string): bigint {
  const base = b.moduleRange(0x8000);
  b.target.addModule(fileName, base, 0x8000);
  return base;
}

/** A 64-bit process: app.exe imports RtlAllocateHeap by name, by ordinal from WS2_32 and delay-loads VERSION.dll. */
export function userProcessTarget(): { b: TargetBuilder; appBase: bigint; app: ReturnType<typeof buildPe> } {
  const b = userTarget({ pointerSize: 8, build: BUILDS.win10_22h2, processName: "app.exe" });
  const ntdllBase = BigInt(b.target.modules[0].base);
  b.memory.write(ntdllBase, buildDriver({ is64: true, imports: [] }).bytes.subarray(0, 0x1000));
  const rtlAllocateHeap = ntdllBase + 0xa1200n;
  b.target.addSymbol("ntdll", "RtlAllocateHeap", rtlAllocateHeap);
  const ws2Base = b.moduleRange(0x70000);
  b.memory.write(ws2Base, buildDriver({ is64: true, imports: [] }).bytes.subarray(0, 0x1000));
  b.target.addModule("C:\\Windows\\System32\\WS2_32.dll", ws2Base, 0x70000);
  const appBase = b.moduleRange(0x20000);
  const app = buildPe({
    is64: true,
    sections: [{ name: ".text", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ, size: 0x2000 }],
    imports: [
      { dll: "ntdll.dll", functions: ["RtlAllocateHeap", "RtlFreeHeap"], bound: { RtlAllocateHeap: rtlAllocateHeap, RtlFreeHeap: ntdllBase + 0xa2000n } },
      { dll: "WS2_32.dll", functions: ["#12", "#23"], bound: { "#12": ws2Base + 0x1a40n, "#23": ws2Base + 0x2000n } },
      // Not yet called: the slot still points at the delay-load stub inside app.exe's .text.
      { dll: "VERSION.dll", functions: ["GetFileVersionInfoW"], delayLoad: true, bound: { GetFileVersionInfoW: appBase + 0x1100n } },
    ],
  });
  loadImage(b, "C:\\app\\app.exe", appBase, app);
  return { b, appBase, app };
}
