// A user-mode process as !heapleaks sees it: NT heaps laid out by test/targets/nt-heap.ts (from the research's
// layouts, independently of src/), loaded images with symbols and source lines that `u <address> L1` answers with
// the header line real debuggers print (seed 002: `test!DriverEntry+0x33 [e:\...\test.c @ 20]:`), the process's
// name and PID, and KUSER_SHARED_DATA mapped at 0x7FFE0000 (wdm.h: MM_SHARED_USER_DATA_VA) with the target's clock.
import { ExpectedBlock, NtHeapProcess, NtHeapProcessOptions } from "./nt-heap";
import { TargetBuilder } from "./builder";
import { pebLayout } from "./layouts";
import { EmulatedTarget } from "../emulator/target";

/** 2026-01-01T00:00:00Z in 100 ns units since 1601 (as test/targets/pool.ts). */
const EPOCH_100NS = 134116992000000000n;
const KUSER_USER = 0x7ffe0000n;

export interface ImageSpec {
  /** File name as loaded: `app.exe`, `halcon.dll`. */
  file: string;
  size: number;
}

export interface FunctionSpec {
  /** `module!Name` as the debugger prints it. */
  name: string;
  /** Source file and line for a frame inside it, when the image has private symbols. */
  source?: { file: string; line: number };
}

export class HeapProcess {
  readonly p: NtHeapProcess;
  readonly images = new Map<string, bigint>();
  private readonly code = new Map<bigint, string>();
  private bootAtSeconds = -3 * 3600;

  /** `builder`: lay the process into one another builder made (a segment heap's, test/targets/user-segment-heap.ts). */
  constructor(options: NtHeapProcessOptions & { image?: string; pid?: number; images?: ImageSpec[]; builder?: TargetBuilder }) {
    this.p = new NtHeapProcess(options);
    const t = this.p.b.target;
    t.processName = options.image || "app.exe";
    t.processId = options.pid === undefined ? 4312 : options.pid;
    const images = options.images || [
      { file: options.image || "app.exe", size: 0x80000 },
      { file: "ucrtbase.dll", size: 0x100000 },
      { file: "KERNELBASE.dll", size: 0x2a0000 },
    ];
    for (const img of images) {
      const base = this.p.b.moduleRange(img.size);
      const dir = /\.exe$/i.test(img.file) ? "C:\\Program Files\\App\\" : this.ps === 8 ? "C:\\Windows\\System32\\" : "C:\\Windows\\SysWOW64\\";
      t.addModule(dir + img.file, base, img.size);
      this.images.set(img.file.replace(/\.[^.]*$/, "").toLowerCase(), base);
    }
    this.images.set("ntdll", t.modules[0].base);
    t.onCommand(/^u [0-9a-f`]+ L1$/, (command) => {
      const address = BigInt("0x" + command.split(" ")[1].replace(/`/g, ""));
      const text = this.code.get(address);
      const insn = "00007ff6`10001000 4883ec28        sub     rsp,28h";
      return text ? [text + ":", insn] : [insn];
    });
    this.kuser();
    // The analyst's case folder on the debugger's machine, as in the @$leaks dump scenes.
    t.fileSystem.mkdir("C:\\cases");
  }

  get ps(): 4 | 8 {
    return this.p.ps;
  }

  get target(): EmulatedTarget {
    return this.p.b.target;
  }

  /** A code address `offset` bytes into `fn`, which starts at `rva` in its image; `u` then names it. */
  frame(fn: FunctionSpec, rva: number, offset: number): bigint {
    const [module] = fn.name.split("!");
    const base = this.images.get(module.toLowerCase());
    if (base === undefined) throw new Error("no image " + module);
    const address = base + BigInt(rva + offset);
    const source = fn.source ? " [" + fn.source.file + " @ " + fn.source.line + "]" : "";
    this.code.set(address, fn.name + "+0x" + offset.toString(16) + source);
    return address;
  }

  /** A code address in `module` without a symbol: the debugger prints `module+0x..`. */
  bare(module: string, rva: number): bigint {
    const base = this.images.get(module.toLowerCase());
    if (base === undefined) throw new Error("no image " + module);
    return base + BigInt(rva);
  }

  /** A C++ vtable in `module` at `rva`: `u` names it `module!Class::\`vftable'`. */
  vtable(module: string, cls: string, rva: number): bigint {
    const address = this.bare(module, rva);
    this.code.set(address, module + "!" + cls + "::`vftable'");
    return address;
  }

  private kuser(): void {
    const t = this.target;
    t.memory.map(KUSER_USER, 0x1000);
    const writeTime = (at: bigint, v: bigint) => {
      t.memory.writeU32(at, Number(v & 0xffffffffn));
      t.memory.writeU32(at + 4n, Number(v >> 32n));
      t.memory.writeU32(at + 8n, Number(v >> 32n));
    };
    const clock = (seconds: number) => {
      writeTime(KUSER_USER + 0x14n, EPOCH_100NS + BigInt(Math.round(seconds * 1e7)));
      writeTime(KUSER_USER + 0x08n, BigInt(Math.round((seconds - this.bootAtSeconds) * 1e7)));
    };
    if (this.p.options.build >= 14393) t.memory.writeU32(KUSER_USER + 0x2c4n, 7);
    t.memory.writeU32(KUSER_USER + 0x2e8n, 0x3ff000);
    clock(t.seconds);
    t.clockListeners.push(clock);
  }

  finish(): EmulatedTarget {
    this.p.finish();
    return this.target;
  }
}

export interface LeakingProcessOptions {
  pointerSize: 4 | 8;
  build: number;
  ust: boolean;
  symbols?: boolean;
  /** ntdll!RtlpLFHKey's symbol without the types (public symbols); default: as `symbols`. */
  lfhKeySymbol?: boolean;
  dump?: string;
  pid?: number;
  /** Leaking allocations made so far (each ProcessImage call leaks one 0x2000-byte buffer and one 640 KB image). */
  leaked?: number;
}

/** What a leaking process was built with, for exact assertions. */
export interface LeakingProcess {
  hp: HeapProcess;
  target: EmulatedTarget;
  heap: bigint;
  leakTrace: bigint | null;
  callerFrame: bigint;
  vtableImage: bigint;
  vtableReader: bigint;
  /** Bytes and count of the leaking stack's blocks. */
  leak: { allocations: number; bytes: number; example: bigint };
  /** The UserBlocks of the CImageReader LFH subsegment (24 busy of 30). */
  readersUserBlocks: bigint;
  segment: bigint;
}

/**
 * Seed 001's shape, small: an image-processing program whose ProcessImage calls a library allocator (halcon's
 * HXmalloc, reached through HXAllocTmp, as in the article's stacks) and never frees the buffers; the rest of the
 * program allocates C++ objects (CImageReader, with a vtable) and strings through the CRT. Layouts, LFH and virtual
 * blocks are nt-heap.ts's; this only decides what is allocated, from which stack.
 */
export function leakingProcess(o: LeakingProcessOptions): LeakingProcess {
  const hp = new HeapProcess({
    pointerSize: o.pointerSize,
    build: o.build,
    ust: o.ust,
    symbols: o.symbols,
    lfhKeySymbol: o.lfhKeySymbol,
    dump: o.dump,
    pid: o.pid,
    image: "imgsvc.exe",
    images: [
      { file: "imgsvc.exe", size: 0x80000 },
      { file: "halcon.dll", size: 0x1800000 },
      { file: "ucrtbase.dll", size: 0x100000 },
      { file: "KERNEL32.dll", size: 0xb0000 },
    ],
  });
  const p = hp.p;
  const f = (name: string, rva: number, offset: number, source?: { file: string; line: number }) => hp.frame({ name, source }, rva, offset);
  const ntdllTop = f("ntdll!RtlpAllocateHeapInternal", 0x3a000, 0x9e1);
  const ntdllAlloc = f("ntdll!RtlAllocateHeap", 0x39f00, 0x3e);
  const threadStart = [f("KERNEL32!BaseThreadInitThunk", 0x17000, 0x14), f("ntdll!RtlUserThreadStart", 0x51000, 0x21)];
  const malloc = f("ucrtbase!_malloc_base", 0x1f200, 0x36);
  const callerFrame = f("imgsvc!ProcessImage", 0x1a00, 0x45, { file: "c:\\src\\imgsvc\\image.cpp", line: 212 });
  const leakFrames = [
    ntdllTop,
    ntdllAlloc,
    malloc,
    f("halcon!HXmalloc", 0x30480, 0x8b),
    f("halcon!HXAllocTmp", 0x2d6150, 0xa80),
    callerFrame,
    f("imgsvc!Worker::Run", 0x2400, 0x7c, { file: "c:\\src\\imgsvc\\worker.cpp", line: 88 }),
    ...threadStart,
  ];
  const readerFrames = [ntdllTop, ntdllAlloc, malloc, f("imgsvc!operator new", 0x5100, 0x1b), f("imgsvc!OpenReader", 0x2900, 0x33, { file: "c:\\src\\imgsvc\\reader.cpp", line: 41 }), ...threadStart];
  const stringFrames = [ntdllTop, ntdllAlloc, malloc, f("imgsvc!Config::Load", 0x3100, 0x120), ...threadStart];
  const leakTrace = o.ust ? p.traceRecord(leakFrames) : null;
  const readerTrace = o.ust ? p.traceRecord(readerFrames) : undefined;
  const stringTrace = o.ust ? p.traceRecord(stringFrames) : undefined;
  const vtableImage = hp.vtable("imgsvc", "CImageBuffer", 0x5a0f8);
  const vtableReader = hp.vtable("imgsvc", "CImageReader", 0x5a1c0);
  const h = p.heap({ reserve: 0x100000 });
  const leak = { allocations: 0, bytes: 0, example: 0n };
  const leaked = o.leaked === undefined ? 24 : o.leaked;
  const trace = leakTrace === null ? undefined : leakTrace;
  // Startup: the program's own objects and strings.
  const readers = h.lfh(0x48, 30, { busy: (i) => i < 24, trace: () => readerTrace, firstPointer: () => vtableReader });
  for (let i = 0; i < 12; i++) h.alloc(0x30 + i * 8, { trace: stringTrace });
  // The leak: each ProcessImage call leaks a 0x2000-byte header block and a 640 KB image (a virtual block).
  for (let i = 0; i < leaked; i++) {
    const small = h.alloc(0x2000, { trace, firstPointer: vtableImage });
    if (i === 0) leak.example = small.address;
    leak.allocations++;
    leak.bytes += 0x2000;
    if (i % 4 === 0) {
      h.virtual(0xa0000, { trace });
      leak.allocations++;
      leak.bytes += 0xa0000;
    }
  }
  hp.finish();
  return { hp, target: hp.target, heap: h.address, leakTrace, callerFrame, vtableImage, vtableReader, leak, readersUserBlocks: readers.userBlocks, segment: h.address };
}

/** A WOW64 process as a 64-bit debugger sees it, with what was laid out where, for exact assertions. */
export interface Wow64Process {
  hp: HeapProcess;
  target: EmulatedTarget;
  /** The 32-bit side: its NT heap builder, TEB and PEB. */
  p32: NtHeapProcess;
  teb64: bigint;
  teb32: bigint;
  peb32: bigint;
  heap64: bigint;
  heap32: bigint;
  blocks64: ExpectedBlock[];
  blocks32: ExpectedBlock[];
  /** The 32-bit blocks' stack record (4-byte frames) and its caller frame. */
  trace32: bigint | null;
  callerFrame: bigint;
  vtable: bigint;
}

/**
 * A 32-bit program on 64-bit Windows seen through its 64-bit view (a dump the 64-bit Task Manager took): the 64-bit
 * PEB lists ntdll's 64-bit heap; the 32-bit side is laid out by the same NT heap builder with 4-byte pointers
 * (NtHeapProcess pointerSize 4, x86 offsets of the research's layouts) into the same memory, below 4 GB, listed by
 * the 32-bit PEB. The TEBs as wow64 lays them out (phnt ntwow64.h WOW64_GET_TEB32: the TEB32 at
 * TEB64 + ROUND_TO_PAGES(sizeof(TEB64)) = 0x2000; WOW64_TEB32_POINTER_ADDRESS: TEB64.NtTib.ExceptionList holds it
 * too); x64 NT_TIB.Self +0x30 and TEB.ProcessEnvironmentBlock +0x60, x86 +0x18 and +0x30. The module list holds
 * both ntdlls (System32's and SysWOW64's), the wow64 DLLs and the 32-bit executable, as a 64-bit debugger lists them.
 * No ntdll types for the 32-bit side (the debugger's "ntdll" is the 64-bit one).
 */
export function wow64Process(o: { build: number; ust: boolean; dump?: string; lfh?: { keySymbol: boolean } }): Wow64Process {
  const hp = new HeapProcess({
    pointerSize: 8,
    build: o.build,
    ust: o.ust,
    dump: o.dump,
    image: "legacy.exe",
    images: [
      { file: "wow64.dll", size: 0x60000 },
      { file: "wow64win.dll", size: 0x50000 },
      { file: "wow64cpu.dll", size: 0x10000 },
    ],
  });
  const t = hp.target;
  const h64 = hp.p.heap();
  const blocks64 = [h64.alloc(0x90, {})];
  // The 32-bit builder writes 4-byte pointers into the 64-bit target's memory, in the 32-bit ranges (below 4 GB).
  const b32 = new TargetBuilder("user", { pointerSize: 4, build: o.build, dump: o.dump });
  (b32 as unknown as { target: EmulatedTarget }).target = t;
  const ntdll32 = b32.moduleRange(0x1a9000);
  t.addModule("C:\\Windows\\SysWOW64\\ntdll.dll", ntdll32, 0x1a9000);
  const exe = b32.moduleRange(0x40000);
  t.addModule("C:\\Program Files (x86)\\Legacy\\legacy.exe", exe, 0x40000);
  hp.images.set("legacy", exe);
  const peb32Layout = pebLayout(4, o.build);
  const peb32 = b32.alloc(peb32Layout.size, 0x1000);
  t.memory.writeU16(peb32 + BigInt(peb32Layout.OSBuildNumber), o.build);
  const p32 = new NtHeapProcess({ pointerSize: 4, build: o.build, ust: o.ust, symbols: false, lfhKeySymbol: false, builder: b32, peb: peb32 });
  const callerFrame = hp.frame({ name: "legacy!CRecordSet::Load", source: { file: "c:\\legacy\\records.cpp", line: 140 } }, 0x1200, 0x2b);
  const trace32 = o.ust ? p32.traceRecord([callerFrame, hp.frame({ name: "legacy!WinMain" }, 0x1000, 0x61)]) : null;
  const vtable = hp.vtable("legacy", "CRecord", 0x3a000);
  const h32 = p32.heap({ reserve: 0x40000 });
  const trace = trace32 === null ? undefined : trace32;
  const blocks32: ExpectedBlock[] = [];
  for (let i = 0; i < 5; i++) blocks32.push(h32.alloc(0x40 + 8 * i, { trace, firstPointer: vtable }));
  blocks32.push(h32.virtual(0x30000, { trace }));
  if (o.lfh) {
    // An LFH subsegment of 16 slots, every other one busy. Its key is the 32-bit ntdll's RtlpLFHKey, which a 64-bit
    // debugger names under the second ntdll's module name, ntdll_<base> (the walker's assumption, held here).
    for (const b of h32.lfh(0x30, 16, { busy: (i) => i % 2 === 0, trace: () => trace }).blocks) blocks32.push(b);
    if (o.lfh.keySymbol) {
      const at = b32.global("ntdll_" + ntdll32.toString(16).padStart(8, "0"), "RtlpLFHKey", 8);
      t.memory.writeU32(at, p32.lfhKey);
    }
  }
  // TEB64 below 4 GB, as a WOW64 process's TEBs are; the TEB32 two pages on.
  const teb64 = b32.alloc(0x3000, 0x1000);
  const teb32 = teb64 + 0x2000n;
  t.memory.writePtr(teb64, teb32, 8);
  t.memory.writePtr(teb64 + 0x30n, teb64, 8);
  t.memory.writePtr(teb64 + 0x60n, t.pebAddress!, 8);
  t.memory.writeU32(teb32 + 0x18n, Number(teb32));
  t.memory.writeU32(teb32 + 0x30n, Number(peb32));
  t.tebAddress = teb64;
  hp.finish();
  p32.finish();
  return { hp, target: t, p32, teb64, teb32, peb32, heap64: h64.address, heap32: h32.address, blocks64, blocks32, trace32, callerFrame, vtable };
}
