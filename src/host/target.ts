// The one door to the debugger. Everything the toolkit learns about the target comes through a Target, which lives
// for one command: its memory cache and its symbol answers are dropped when the command returns.
import { Address } from "../core/address";
import { Unreadable } from "../core/missing";
import { SafeArg, addressArg } from "../core/validate";
import { parseDisassemblyHeader, SymbolizedAddress } from "../core/symbol-line";
import { limits } from "../core/limits";
import { messages } from "../core/messages";
import { addressFromHost, addressToHost, numberFromHost } from "./int64";
import { TargetMemory } from "./memory";
import { TypeInfo, FieldInfo } from "../layouts/types";

export interface ModuleInfo {
  /** The image's file name as loaded (`myfault.sys`, `ntdll.dll`). */
  fileName: string;
  /** The name `lm` shows: the file name without its extension (`myfault`). */
  name: string;
  base: Address;
  size: number;
  /** The full path when the debugger gives one. */
  path: string;
}

export interface CommandOutput {
  lines: string[];
  error?: string;
}

export interface HostCallStats {
  symbolLookups: number;
  typeLookups: number;
  commands: number;
}

export class Target {
  readonly pointerSize: 4 | 8;
  readonly isKernel: boolean;
  readonly isDump: boolean;
  /** False when the session would not say whether it is a dump (Target.Details absent or throwing); isDump is then false. */
  readonly dumpKnown: boolean;
  private readonly dumpName: string | null;
  readonly memory: TargetMemory;
  readonly calls: HostCallStats = { symbolLookups: 0, typeLookups: 0, commands: 0 };
  private readonly symbolCache = new Map<string, Address | null>();
  private readonly typeCache = new Map<string, TypeInfo | null>();
  private moduleCache: ModuleInfo[] | null = null;
  private rawModuleCache: ModuleInfo[] | null = null;
  private readonly symbolizeCache = new Map<string, SymbolizedAddress>();
  private buildCache: number | null | undefined;

  constructor() {
    const attributes = host.currentSession.Attributes;
    this.isKernel = !!attributes.Target.IsKernelTarget;
    const dump = dumpFileName(attributes.Target);
    this.dumpKnown = dump !== undefined;
    this.isDump = !!dump;
    this.dumpName = dump ? dump.slice(0, limits.maxTargetString) : null;
    // In a kernel session Machine.PointerSize follows the current thread's effective machine (4 when a WoW64
    // thread broke in, .effmach docs), so the kernel's own address says how wide kernel pointers are.
    const kernelWidth = this.isKernel ? this.kernelPointerSize() : null;
    this.pointerSize = kernelWidth || machinePointerSize(attributes.Machine);
    this.memory = new TargetMemory(this.pointerSize);
  }

  /**
   * The dump file the debugger opened (`Attributes.Target.Details.DumpFileName`), or null: on a live target, and
   * whenever the property is absent or throws (read once, in the constructor's guard).
   */
  dumpFileName(): string | null {
    return this.dumpName;
  }

  /**
   * 8 when nt!NtBuildNumber (looked up anyway for the build, and cached) or, without symbols, the kernel image
   * found by name in the module list lies above 4 GB, 4 when below: a 64-bit kernel always lives in the upper half
   * of the address space. Null when neither is known; the caller then takes the session's Machine.PointerSize.
   */
  private kernelPointerSize(): 4 | 8 | null {
    let at = this.symbolAddress("nt", "NtBuildNumber");
    if (!at) {
      const nt = findKernelImage(this.rawModules());
      at = nt ? nt.base : null;
    }
    if (!at) return null;
    return at.hi !== 0 ? 8 : 4;
  }

  formatAddress(address: Address): string {
    return address.format(this.pointerSize);
  }

  /** The address of `module!name`, or null when the symbol is missing (null or a throw, §2 of the reference). */
  symbolAddress(module: string, name: string): Address | null {
    const key = module + "!" + name;
    if (this.symbolCache.has(key)) return this.symbolCache.get(key) as Address | null;
    this.calls.symbolLookups++;
    let address: Address | null = null;
    try {
      const value = host.getModuleSymbolAddress(module, name);
      address = value === null || value === undefined ? null : addressFromHost(value);
      if (address && address.isNull) address = null;
    } catch (e) {
      address = null;
    }
    this.symbolCache.set(key, address);
    return address;
  }

  /** The value of a pointer-sized global such as `nt!PoolTrackTable`; null when missing, Unreadable when unreadable. */
  readGlobalPointer(module: string, name: string): Address | Unreadable | null {
    const at = this.symbolAddress(module, name);
    if (!at) return null;
    return this.memory.readPointer(at, module + "!" + name);
  }

  /** A structure's size and field offsets from the symbols, or null when the type is not there. */
  type(module: string, typeName: string): TypeInfo | null {
    const key = module + "!" + typeName;
    if (this.typeCache.has(key)) return this.typeCache.get(key) as TypeInfo | null;
    this.calls.typeLookups++;
    let info: TypeInfo | null = null;
    try {
      const type = host.getModuleType(module, typeName);
      if (type) info = typeInfoFrom(type);
    } catch (e) {
      info = null;
    }
    this.typeCache.set(key, info);
    return info;
  }

  /**
   * The loaded modules: the kernel's in a kernel session, the process's in user mode. A kernel session's list can
   * also hold the current process's user-mode DLLs (telescope.js keeps only modules above MmUserProbeAddress): only
   * modules in kernel space are kept.
   */
  modules(): ModuleInfo[] {
    if (this.moduleCache) return this.moduleCache;
    const raw = this.rawModules();
    if (!this.isKernel) return (this.moduleCache = raw);
    const systemStart = this.systemRangeStart();
    // On a 32-bit kernel nothing lies above 4 GB: such a base is not a kernel module either.
    const kernel = raw.filter((m) => m.base.compare(systemStart) >= 0 && (this.pointerSize === 8 || m.base.hi === 0));
    this.moduleCache = kernel.slice(0, limits.maxListEntries);
    return this.moduleCache;
  }

  /** The kernel image (ntoskrnl, ntkrnlmp, ntkrnlpa, ntkrpamp, ntkrla57, or the debugger's `nt`), by name, never by position. */
  kernelModule(): ModuleInfo | null {
    return this.isKernel ? findKernelImage(this.modules()) : null;
  }

  /**
   * Where kernel space begins: the upper half on 64-bit kernels; on 32-bit ones nt!MmSystemRangeStart when it can
   * be read (0xC0000000 under /3GB), else 0x80000000.
   */
  private systemRangeStart(): Address {
    if (this.pointerSize === 8) return new Address(0x80000000, 0);
    const start = this.readGlobalPointer("nt", "MmSystemRangeStart");
    return start instanceof Address && !start.isNull ? start : new Address(0, 0x80000000);
  }

  /** Every module the session lists, unfiltered (a few more than maxListEntries, so filtering can still fill it). */
  private rawModules(): ModuleInfo[] {
    if (this.rawModuleCache) return this.rawModuleCache;
    const list: ModuleInfo[] = [];
    try {
      for (const m of host.currentProcess.Modules) {
        const base = addressFromHost(m.BaseAddress);
        const size = numberFromHost(m.Size);
        if (!base || size === null) continue;
        const path = String(m.Name);
        const fileName = path.replace(/^.*[\\/]/, "");
        list.push({ fileName, name: fileName.replace(/\.[^.]*$/, ""), base, size, path });
        if (list.length >= 2 * limits.maxListEntries) break;
      }
    } catch (e) {
      // A session without a process (or a provider that throws here) has no module list; callers report it.
    }
    this.rawModuleCache = list;
    return list;
  }

  moduleContaining(address: Address): ModuleInfo | null {
    for (const m of this.modules()) if (address.isWithin(m.base, m.size)) return m;
    return null;
  }

  /**
   * The Windows build number: `nt!NtBuildNumber` in a kernel session, the PEB's OSBuildNumber in user mode.
   * Null when neither can be read; layouts then fall back to the newest variant and say so.
   */
  /** Target facts the host layer could not read, told to the user once at the end of the command (runner.ts). */
  readonly problems: string[] = [];

  windowsBuild(): number | null {
    if (this.buildCache !== undefined) return this.buildCache;
    let build: number | null = null;
    if (this.isKernel) {
      const at = this.symbolAddress("nt", "NtBuildNumber");
      let unreadable: string | null = null;
      if (at) {
        const bytes = this.memory.read(at, 4, "nt!NtBuildNumber");
        if (!(bytes instanceof Unreadable)) build = (bytes[0] | (bytes[1] << 8)) & 0xffff;
        else unreadable = messages.buildUnreadable(bytes.describe(this.pointerSize));
      }
      // issue 21: a kernel triage dump lacks nt!NtBuildNumber's page, but keeps nt!NtBuildLab and the dump header
      // (which `vertarget` prints); every command asking for the build gets it from there, and only when none of
      // them answers is the unreadable NtBuildNumber worth telling (the layouts are then guessed).
      if (build === null) build = this.buildFromDumpText();
      if (build === null && unreadable) this.problems.push(unreadable);
    } else {
      const peb = this.pebAddress();
      if (peb) {
        // _PEB.OSBuildNumber: +0x120 on x64, +0xAC on x86, unchanged since Windows XP (dt ntdll!_PEB).
        const bytes = this.memory.read(peb.add(this.pointerSize === 8 ? 0x120 : 0xac), 2, "_PEB.OSBuildNumber");
        if (!(bytes instanceof Unreadable)) build = bytes[0] | (bytes[1] << 8);
        else this.problems.push(messages.buildUnreadable(bytes.describe(this.pointerSize)));
      }
    }
    this.buildCache = build && build > 0 ? build : null;
    return this.buildCache;
  }

  /**
   * The current process's image name and PID (host.currentProcess.Name and Id, jsprovider-api.md §2.5), each null
   * when the session does not give it or gives something else than a name or a number.
   */
  processIdentity(): { image: string | null; pid: number | null } {
    let image: string | null = null;
    let pid: number | null = null;
    try {
      const p = host.currentProcess;
      const name = p.Name;
      if (typeof name === "string" && name !== "") image = name.replace(/^.*[\\/]/, "").slice(0, limits.maxTargetString);
      const id = numberFromHost(p.Id);
      pid = id !== null && id >= 0 && Math.floor(id) === id ? id : null;
    } catch (e) {
      // No process (a kernel session without one): both unknown.
    }
    return { image, pid };
  }

  /**
   * The build from nt!NtBuildLab ("19041.1.amd64fre.vb_release.191206-1406") or, failing that, `vertarget`
   * ("Windows 10 Kernel Version 19041 MP (12 procs) Free x64", "Built by: 19041.1.amd64fre..."; real outputs in
   * test/fixtures/triage/vertarget-*.txt). Null when neither says.
   */
  private buildFromDumpText(): number | null {
    const lab = this.symbolAddress("nt", "NtBuildLab");
    if (lab) {
      const bytes = this.memory.read(lab, 32, "nt!NtBuildLab", false);
      if (!(bytes instanceof Unreadable)) {
        let text = "";
        for (let i = 0; i < bytes.length && bytes[i] >= 0x20 && bytes[i] < 0x7f; i++) text += String.fromCharCode(bytes[i]);
        const m = /^(\d{4,5})\./.exec(text);
        if (m) return parseInt(m[1], 10);
      }
    }
    const out = this.executeCommand("vertarget");
    return out.error ? null : buildFromVertarget(out.lines);
  }

  /** The current process's PEB: from the process object, else the `$peb` pseudo-register (reference §2.5). */
  pebAddress(): Address | null {
    return environmentBlock(() => host.currentProcess, "peb");
  }

  /**
   * The current thread's TEB (64-bit in a WOW64 process seen through its 64-bit view): from the thread object, else
   * the `$teb` pseudo-register, as for the PEB. Null when the session has neither.
   */
  tebAddress(): Address | null {
    return environmentBlock(() => host.currentThread, "teb");
  }

  /**
   * This 64-bit session seen as the 32-bit process it hosts (WOW64), for the walkers that read `pointerSize`: 4-byte
   * pointers over the same memory (one cache, one set of counters), `pebAddress` the 32-bit PEB, no types (the "ntdll"
   * the debugger resolves is the 64-bit one, whose _HEAP is the x64 layout: built-in x86 layouts are used), and the
   * symbols of "ntdll" looked up in the 32-bit ntdll, which the debugger names `ntdll_<base>` beside the 64-bit one
   * (an assumption from WOW64 stacks as WinDbg prints them; a lookup that fails is the "symbol not found" case).
   */
  x86View(peb32: Address, ntdll32Name: string | null): Target {
    const parent = this;
    const view = Object.create(parent) as Target;
    const memory = Object.create(parent.memory) as TargetMemory;
    Object.defineProperty(memory, "pointerSize", { value: 4 });
    Object.defineProperty(view, "pointerSize", { value: 4 });
    Object.defineProperty(view, "memory", { value: memory });
    view.pebAddress = () => peb32;
    view.windowsBuild = () => parent.windowsBuild();
    view.type = () => null;
    view.symbolAddress = (module: string, name: string) => {
      if (module.toLowerCase() !== "ntdll") return parent.symbolAddress(module, name);
      return ntdll32Name ? parent.symbolAddress(ntdll32Name, name) : null;
    };
    return view;
  }

  /**
   * Runs a debugger command built from a literal of ours and validated arguments only. The literal is written in
   * the toolkit's source; arguments come from `core/validate`. Output lines are capped.
   */
  executeCommand(literal: string, ...args: SafeArg[]): CommandOutput {
    const command = args.length ? literal + " " + args.join(" ") : literal;
    this.calls.commands++;
    try {
      const lines: string[] = [];
      for (const line of host.namespace.Debugger.Utility.Control.ExecuteCommand(command)) {
        lines.push(String(line));
        if (lines.length >= limits.maxCommandLines) break;
      }
      return { lines };
    } catch (e) {
      return { lines: [], error: errorText(e) };
    }
  }

  /** Lines of a text file on the debugger's machine, or null when it does not exist or cannot be read. */
  readTextFile(path: string): string[] | null {
    try {
      const fs = host.namespace.Debugger.Utility.FileSystem;
      if (!fs.FileExists(path)) return null;
      const file = fs.OpenFile(path);
      try {
        const lines: string[] = [];
        for (const line of fs.CreateTextReader(file, "Ascii").ReadLineContents()) {
          lines.push(String(line));
          if (lines.length >= limits.maxCommandLines) break;
        }
        return lines;
      } finally {
        file.Close();
      }
    } catch (e) {
      return null;
    }
  }

  /**
   * The symbol and source line of a code address, from the header line of `u <address> L1` (its format is real
   * debugger output in seed 002). One debugger command per distinct address, cached for the command.
   */
  symbolize(address: Address): SymbolizedAddress {
    const cached = this.symbolizeCache.get(address.key);
    if (cached) return cached;
    // "L1" is our own literal, not target data.
    const out = this.executeCommand("u", addressArg(address, this.pointerSize), "L1" as SafeArg);
    const result = out.error ? { symbol: null, file: null, line: null } : parseDisassemblyHeader(out.lines);
    this.symbolizeCache.set(address.key, result);
    return result;
  }

  toHostAddress(address: Address): JsProvider.Int64 {
    return addressToHost(address);
  }
}

/** The build number `vertarget` prints: "Kernel Version 19041 MP" or "Built by: 19041.1.amd64fre...". */
export function buildFromVertarget(lines: string[]): number | null {
  for (const line of lines) {
    const m = /Kernel Version (\d{4,5})\b/.exec(line) || /(?:Built by|Edition build lab):\s*(\d{4,5})\./.exec(line);
    if (m) return parseInt(m[1], 10);
  }
  return null;
}

function typeInfoFrom(type: JsProvider.TypeObject): TypeInfo | null {
  const size = numberFromHost(type.size);
  if (size === null) return null;
  return { name: String(type.name), size, fields: fieldsOf(type, 0), lookup: (name: string) => fieldByName(type, name) };
}

/**
 * A field found by name, dotted names reaching into nested structures (`BusyBlock.Size`). The reference does not
 * say that a type's fields enumerate (D-TYPE: "an object of field objects"); looking each one up by name works
 * whether they do or not, so a typed target never falls back to a built-in layout for want of enumeration.
 */
function fieldByName(type: JsProvider.TypeObject, dotted: string): FieldInfo | null {
  let current: JsProvider.TypeObject | null | undefined = type;
  let offset = 0;
  let size = 0;
  for (const part of dotted.split(".")) {
    if (!current || !current.fields) return null;
    let field: JsProvider.FieldObject | undefined;
    try {
      field = current.fields[part];
    } catch (e) {
      return null;
    }
    if (!field || typeof field !== "object" || !("offset" in field)) return null;
    const at = numberFromHost(field.offset);
    if (at === null) return null;
    offset += at;
    current = field.type;
    const fieldSize = current ? numberFromHost(current.size) : null;
    size = fieldSize === null ? 0 : fieldSize;
  }
  return { offset, size };
}

/** The names a fields object shows: own names (enumerable or not) and enumerable inherited ones. */
function fieldNames(fields: object): string[] {
  const names = Object.getOwnPropertyNames(fields);
  for (const name in fields) if (names.indexOf(name) < 0) names.push(name);
  return names;
}

/** Flattens nested structures into dotted names (`BusyBlock.Size`) so layouts can name inner fields. */
function fieldsOf(type: JsProvider.TypeObject, depth: number): { [name: string]: FieldInfo } {
  const out: { [name: string]: FieldInfo } = {};
  const fields = type.fields;
  if (!fields || depth > 3) return out;
  for (const name of fieldNames(fields)) {
    let field: JsProvider.FieldObject | undefined;
    try {
      field = fields[name];
    } catch (e) {
      continue; // One field that cannot be read leaves the others (and lookup by name) usable.
    }
    if (!field || typeof field !== "object") continue;
    const offset = numberFromHost(field.offset);
    if (offset === null) continue;
    const size = field.type ? numberFromHost(field.type.size) : null;
    out[name] = { offset, size: size === null ? 0 : size };
    if (field.type && field.type.typeKind === "udt") {
      const inner = fieldsOf(field.type, depth + 1);
      for (const innerName of Object.keys(inner)) {
        out[name + "." + innerName] = { offset: offset + inner[innerName].offset, size: inner[innerName].size };
      }
    }
  }
  return out;
}

export function errorText(e: unknown): string {
  if (e && typeof e === "object" && "message" in e) return String((e as { message: unknown }).message);
  return String(e);
}

/** The kernel's file names (ntkrla57: the 5-level-paging kernel); the debugger calls the kernel module `nt`. */
export function isKernelImageName(fileOrModuleName: string): boolean {
  const stem = fileOrModuleName.toLowerCase().replace(/^.*[\\/]/, "").replace(/\.(exe|dll|sys)$/, "");
  return stem === "nt" || /^nt(oskrnl|krnlmp|krnlpa|krpamp|krla57)$/.test(stem);
}

function findKernelImage(modules: ModuleInfo[]): ModuleInfo | null {
  for (const m of modules) if (isKernelImageName(m.fileName) || isKernelImageName(m.name)) return m;
  return null;
}

/** Machine.PointerSize as a number or an Int64 (the reference does not say which; telescope.js treats it as Int64). */
function machinePointerSize(machine: { PointerSize: unknown }): 4 | 8 {
  let size: number | null = null;
  try {
    size = numberFromHost(machine.PointerSize);
  } catch (e) {
    size = null;
  }
  return size === 4 ? 4 : 8;
}

/**
 * The dump file name: a string on dumps, null on live targets, undefined when the session does not say
 * (Target.Details absent, or throwing when read, as it may on some targets).
 */
function dumpFileName(target: { Details?: { DumpFileName?: string } }): string | null | undefined {
  try {
    const details = target.Details;
    if (!details) return undefined;
    const name = details.DumpFileName;
    return name ? String(name) : null;
  } catch (e) {
    return undefined;
  }
}

/**
 * A process's PEB or a thread's TEB: the object's `Environment.EnvironmentBlock`, else the `$peb` / `$teb`
 * pseudo-register. Without _PEB/_TEB in the symbols the EnvironmentBlock is undefined or throws. The pseudo-register
 * is a typed pointer whose `.address` is the block's address (telescope.js reads `General.peb.address`); a plain
 * number is accepted too, in case a debugger build answers with one.
 */
function environmentBlock(owner: () => { Environment?: { EnvironmentBlock?: { address?: unknown } } } | undefined, pseudo: "peb" | "teb"): Address | null {
  try {
    const o = owner();
    const env = o && o.Environment;
    const block = env && env.EnvironmentBlock;
    const address = block && block.address !== undefined ? addressFromHost(block.address) : null;
    if (address && !address.isNull) return address;
  } catch (e) {
    // No typed block: try the pseudo-register.
  }
  try {
    const state = host.namespace.Debugger.State;
    const general = state && state.PseudoRegisters && state.PseudoRegisters.General;
    const value0 = general ? (general as { [name: string]: unknown })[pseudo] : undefined;
    const value = value0 !== null && typeof value0 === "object" && "address" in (value0 as object) ? (value0 as { address: unknown }).address : value0;
    const address = addressFromHost(value);
    if (address && !address.isNull) return address;
  } catch (e) {
    // Neither: the caller reports what it could not find.
  }
  return null;
}
