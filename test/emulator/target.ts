// The description of an emulated debug target: memory, modules, symbols, types, recorded command output and
// files. Builders in test/targets fill it from real layouts; the emulated host answers from it.
import { SparseMemory } from "./memory";
import { EmulatedFileSystem } from "./filesystem";

export type PrimitiveName = "u8" | "u16" | "u32" | "u64" | "ptr";

export interface TypeDef {
  name: string;
  size: number;
  typeKind: "udt" | "pointer" | "intrinsic" | "array";
  fields?: { [name: string]: { offset: number; type: TypeDef } };
  /** For pointers: what they point at; for arrays: the element type (the data model's `baseType` of both). */
  pointee?: TypeDef;
  /** A bit field: the type is its storage unit, the value bits [lsb, lsb + length) of it (dbgmodel
   *  IDebugHostType::GetBitField; the JsProvider's type object shows it as `isBitField` and `bitFieldPositions`). */
  bitField?: { lsb: number; length: number };
}

export interface ModuleDef {
  /** As the debugger's Modules collection reports it (a full path in user mode). */
  name: string;
  base: bigint;
  size: number;
}

/** ones: every byte 0xff (counts and sizes near 2^32 and 2^64, links out of range); self: every pointer slot
 *  points at itself (cycles); misaligned: every pointer slot + 3; unmapped: every pointer slot into a hole. */
export type CorruptionMode = "ones" | "self" | "misaligned" | "unmapped";

export type CommandHandler = (command: string) => string[];

export class EmulatedTarget {
  readonly memory = new SparseMemory();
  readonly modules: ModuleDef[] = [];
  /** Key: `module!name`, module in lower case ("nt" is the kernel). */
  readonly symbols = new Map<string, bigint>();
  readonly types = new Map<string, TypeDef>();
  readonly commands: { match: string | RegExp; handler: CommandHandler }[] = [];
  /** The debugger machine's files; two sessions (two dumps) share them when given the same one. */
  fileSystem = new EmulatedFileSystem();
  private clockSeconds = 0;
  /** Called when the clock moves, so a builder can mirror it into target memory (KUSER_SHARED_DATA.SystemTime). */
  readonly clockListeners: ((seconds: number) => void)[] = [];
  /** Clock of a live target, in seconds; tests advance it between calls. */
  get seconds(): number {
    return this.clockSeconds;
  }
  set seconds(value: number) {
    this.clockSeconds = value;
    for (const listener of this.clockListeners) listener(value);
  }
  pebAddress: bigint | null = null;
  /** The current thread's TEB (`@$teb`): the 64-bit one in a WOW64 process's 64-bit view. */
  tebAddress: bigint | null = null;
  /** Fail the Nth readMemoryValues call (1-based) and every one after it with the provider's error, when set. */
  failReadFrom: number | null = null;
  /** Fail exactly the Nth read call. */
  failReadNumber: number | null = null;
  /** Replace the bytes of exactly the Nth read (1-based) with a corrupted version (see host.ts `corrupt`). */
  corruptRead: { number: number; mode: CorruptionMode } | null = null;
  /** Reads allowed before the emulator stops a walk that does not end (the fault suite's hang guard). */
  maxReadCalls: number | null = null;
  processName = "System";
  /** host.currentProcess.Id; 4 is the System process's. */
  processId = 4;

  // --- Host answers where the real debugger is less kind than a plain reading of the reference (issue 14) ---
  /**
   * Kernel session whose current thread is a WoW64 thread: `Attributes.Machine.PointerSize` answers 4 on a 64-bit
   * kernel. Source: .effmach (learn.microsoft.com debuggercmds/-effmach--effective-machine-): the effective
   * processor mode, which in kernel mode too follows "the code that is executing for the most recent event",
   * decides "whether the process uses 32-bit or 64-bit pointers"; that the data model's PointerSize follows it is
   * inferred, so the toolkit must be right under either reading.
   */
  currentThreadWow64 = false;
  /**
   * How `Attributes.Machine.PointerSize` arrives: an Int64 (0vercl0k's telescope.js calls `.compareTo(8)` and
   * `.multiply(Idx)` on it) or a plain number (values of 32 bits or fewer arrive as numbers, §2.1). Not documented:
   * both are emulated, the Int64 by default.
   */
  pointerSizeForm: "Int64" | "number" = "Int64";
  /**
   * User-mode modules of the current process that a kernel session's `currentProcess.Modules` lists before the
   * kernel's own. Source: 0vercl0k/windbg-scripts telescope/telescope.js (HandleKernel) keeps only
   * `Modules.Where(p => p.BaseAddress.compareTo(MmUserProbeAddress) > 0)` of the System process's modules.
   */
  processUserModules: ModuleDef[] = [];
  /**
   * `readMemoryValues` over a range whose tail is unreadable hands back the readable prefix instead of throwing.
   * Source: IDebugHostMemory::ReadBytes (learn.microsoft.com, dbgmodel.h), which the provider reads through:
   * "If the method can complete a partial read, S_FALSE will be returned and the value in bytesRead may be less
   * than the requested number of bytes". Whether the provider then throws or returns fewer elements is not
   * documented: both answers are emulated, this one on request.
   */
  shortReads = false;
  /**
   * The address a failed read's error names: the first unreadable byte ("hole"), or the address the read asked for
   * ("start"). The observed text (jsprovider-api.md §4, `Unable to read target memory at '0x280f6fa1850'`) names an
   * address without saying which; both are emulated, the hole by default (KDNET copies up to the first page it
   * cannot read, ReactOS KdpCopyMemoryChunks).
   */
  readErrorAddress: "hole" | "start" = "hole";
  /**
   * `Attributes.Target.Details`: an object (DumpFileName on dumps), absent, or throwing when read. Source:
   * jsprovider-api.md §2.5 lists `.Details.DumpFileName` as seen in scripts [obs], never documented; a property
   * of the data model that the provider cannot compute for a target reads as an error (§4, "Error: Unspecified
   * error (0x80004005)"), so every form is emulated.
   */
  details: "object" | "absent" | "throws" = "object";

  constructor(
    readonly kind: "kernel" | "user",
    readonly pointerSize: 4 | 8,
    readonly dumpFileName: string | null = null,
  ) {}

  get isKernel(): boolean {
    return this.kind === "kernel";
  }

  addModule(name: string, base: bigint, size: number): void {
    this.modules.push({ name, base, size });
  }

  addSymbol(module: string, name: string, address: bigint): void {
    this.symbols.set(module.toLowerCase() + "!" + name, address);
  }

  removeSymbol(module: string, name: string): void {
    this.symbols.delete(module.toLowerCase() + "!" + name);
  }

  addType(module: string, type: TypeDef): void {
    this.types.set(module.toLowerCase() + "!" + type.name, type);
  }

  removeType(module: string, name: string): void {
    this.types.delete(module.toLowerCase() + "!" + name);
  }

  /** Answers ExecuteCommand: an exact command string or a pattern, with recorded output lines. */
  onCommand(match: string | RegExp, output: string[] | CommandHandler): void {
    this.commands.push({ match, handler: typeof output === "function" ? output : () => output });
  }

  addFile(path: string, text: string): void {
    this.fileSystem.writeText(path, text);
  }
}

export function intrinsic(name: string, size: number): TypeDef {
  return { name, size, typeKind: "intrinsic" };
}

export function pointerTo(pointee: TypeDef, pointerSize: 4 | 8): TypeDef {
  return { name: pointee.name + " *", size: pointerSize, typeKind: "pointer", pointee };
}

/** A structure type from (name, offset, type) triples. */
export function struct(name: string, size: number, fields: [string, number, TypeDef][]): TypeDef {
  const out: TypeDef = { name, size, typeKind: "udt", fields: {} };
  for (const [fieldName, offset, type] of fields) out.fields![fieldName] = { offset, type };
  return out;
}
