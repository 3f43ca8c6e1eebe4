// An in-process implementation of the JsProvider `host` API (shared research jsprovider-api.md; its §6 checklist)
// over an EmulatedTarget. Where the reference is silent the choice is written down next to the code.
import * as vm from "vm";
import { EmulatedTarget, TypeDef, CorruptionMode } from "./target";
import { makeInt64Class, int64Value } from "./int64";
import { fileSystemNamespace } from "./filesystem";

export interface HostCounters {
  /** Every call into a host function (memory, symbols, types, commands, files, typed-object field reads). */
  hostCalls: number;
  readCalls: number;
  /** Bytes that crossed the link, including those a failed read copied before its first unreadable page. */
  bytesRead: number;
  /** Over KDNET each read moves at most 4,000 bytes per packet: ceil(bytes / 4000), at least one. */
  packets: number;
  failedReads: number;
  /** Calls of host.diagnostics.debugLog, and the longest text one call carried (before any truncation). */
  debugLogCalls: number;
  longestDebugLog: number;
}

export interface HostControl {
  host: Record<string, unknown>;
  counters: HostCounters;
  log: string[];
  /** Every command the script asked the debugger to run. */
  executed: string[];
  /** Every memory read: where, and the bytes the link carried for it (a failed read: those before its hole). */
  readLog: { address: bigint; size: number; carried: number; failed: boolean }[];
  /** Calls of memory- or register-writing APIs: the toolkit must never make one. */
  violations: string[];
  aliases: Map<string, (...args: unknown[]) => unknown>;
  apiVersion: { major: number; minor: number };
  enterPhase2(): void;
  resetCounters(): void;
  int64: ReturnType<typeof makeInt64Class>;
}

export const KD_PACKET_BYTES = 4000;

/**
 * The longest text one output call carries. IDebugControl::Output (learn.microsoft.com, dbgeng.h), Remarks: "some
 * versions of the debugger engine have a 16K character limit for a single output. If you find that very large
 * output is getting truncated, you might need to split your output into multiple requests." That debugLog reaches
 * the same engine output is inferred; the emulator truncates as the strictest engine would.
 */
export const DEBUG_OUTPUT_LIMIT = 16 * 1024;

export function readErrorMessage(address: bigint): string {
  return "Unable to read target memory at '0x" + address.toString(16) + "' in method 'readMemoryValues'";
}

export function createHost(target: EmulatedTarget, context: vm.Context): HostControl {
  const int64 = makeInt64Class();
  const counters: HostCounters = { hostCalls: 0, readCalls: 0, bytesRead: 0, packets: 0, failedReads: 0, debugLogCalls: 0, longestDebugLog: 0 };
  const log: string[] = [];
  const executed: string[] = [];
  const readLog: HostControl["readLog"] = [];
  const violations: string[] = [];
  const aliases = new Map<string, (...args: unknown[]) => unknown>();
  const apiVersion = { major: 1, minor: 0 };
  const realm = {
    Uint8Array: vm.runInContext("Uint8Array", context) as Uint8ArrayConstructor,
    Uint16Array: vm.runInContext("Uint16Array", context) as Uint16ArrayConstructor,
    Uint32Array: vm.runInContext("Uint32Array", context) as Uint32ArrayConstructor,
    Int8Array: vm.runInContext("Int8Array", context) as Int8ArrayConstructor,
    Int16Array: vm.runInContext("Int16Array", context) as Int16ArrayConstructor,
    Int32Array: vm.runInContext("Int32Array", context) as Int32ArrayConstructor,
    Array: vm.runInContext("Array", context) as ArrayConstructor,
    Error: vm.runInContext("Error", context) as ErrorConstructor,
  };

  const call = () => {
    counters.hostCalls++;
  };
  const toAddress = (location: unknown): bigint => {
    if (location && typeof location === "object" && "__typedAddress" in (location as object)) {
      return (location as { __typedAddress: bigint }).__typedAddress;
    }
    return int64Value(location);
  };
  const newError = (message: string) => new realm.Error(message);

  /** Read-only toward the target: a memory or register write is recorded (the suite fails on it) and refused. */
  function forbidden(what: string): never {
    violations.push(what);
    throw newError("writes are forbidden in the emulator: " + what);
  }

  function readBytes(address: bigint, size: number, allowShort = false): Uint8Array {
    counters.readCalls++;
    const n = counters.readCalls;
    const failNow =
      (target.failReadFrom !== null && n >= target.failReadFrom) || (target.failReadNumber !== null && n === target.failReadNumber);
    if (target.maxReadCalls !== null && n > target.maxReadCalls) {
      // A walk that does not stop: end it here so the suite can report a hang instead of hanging itself.
      counters.failedReads++;
      throw newError("emulator: more than " + target.maxReadCalls + " reads; the command does not stop");
    }
    let result = failNow ? { unreadableAt: address } : target.memory.read(address, size);
    if (result instanceof Uint8Array && target.corruptRead !== null && target.corruptRead.number === n) {
      result = corrupt(result, address, target.corruptRead.mode);
    }
    if (!(result instanceof Uint8Array) && allowShort && target.shortReads && result.unreadableAt > address) {
      // A partial read (IDebugHostMemory::ReadBytes' S_FALSE, see EmulatedTarget.shortReads): the readable prefix.
      const prefix = target.memory.read(address, Number(result.unreadableAt - address));
      if (prefix instanceof Uint8Array) {
        counters.bytesRead += prefix.length;
        counters.packets += Math.max(1, Math.ceil(prefix.length / KD_PACKET_BYTES));
        readLog.push({ address, size, carried: prefix.length, failed: true });
        return prefix;
      }
    }
    if (!(result instanceof Uint8Array)) {
      // A failed read is not free over a kernel link: the debugger asks for at most a packet of memory at a time and
      // the target copies until the first page it cannot read (ReactOS ntoskrnl/kd64/kdapi.c: KdpReadVirtualMemory
      // caps each request at the packet size, KdpCopyMemoryChunks stops at the first failure and returns what it
      // copied). So the bytes before the hole travel, in their packets, plus the one packet that fails.
      const readable = result.unreadableAt > address ? Number(result.unreadableAt - address) : 0;
      counters.failedReads++;
      counters.bytesRead += readable;
      counters.packets += Math.ceil(readable / KD_PACKET_BYTES) + 1;
      readLog.push({ address, size, carried: readable, failed: true });
      throw newError(readErrorMessage(target.readErrorAddress === "start" ? address : result.unreadableAt));
    }
    counters.bytesRead += size;
    counters.packets += Math.max(1, Math.ceil(size / KD_PACKET_BYTES));
    readLog.push({ address, size, carried: size, failed: false });
    return result;
  }

  /** Corrupted structures (issue 9): every pointer-sized slot of the bytes read is replaced. */
  function corrupt(bytes: Uint8Array, address: bigint, mode: CorruptionMode): Uint8Array {
    const out = new Uint8Array(bytes);
    const view = new DataView(out.buffer);
    const ps = target.pointerSize;
    if (mode === "ones") {
      out.fill(0xff);
      return out;
    }
    let unmapped = (address + 0x10000000n) & ~0xfffn;
    while (target.memory.isMapped(unmapped)) unmapped += 0x10000000n;
    for (let at = 0; at + ps <= out.length; at += ps) {
      const old = ps === 8 ? view.getBigUint64(at, true) : BigInt(view.getUint32(at, true));
      const value =
        mode === "self" ? address + BigInt(at) // a list entry linking to itself: a cycle
        : mode === "misaligned" ? old + 3n
        : unmapped; // "unmapped": links into a hole of the target
      if (ps === 8) view.setBigUint64(at, BigInt.asUintN(64, value), true);
      else view.setUint32(at, Number(BigInt.asUintN(32, value)), true);
    }
    return out;
  }

  function readMemoryValues(location: unknown, count: number, elementSize?: number, isSigned?: unknown): unknown {
    call();
    const size = elementSize === undefined ? 1 : elementSize;
    if (![1, 2, 4, 8].includes(size)) throw newError("readMemoryValues: invalid element size");
    if (!(count >= 0) || count * size > 0x40000000) throw newError("readMemoryValues: invalid count");
    const address = toAddress(location);
    const bytes = readBytes(address, count * size, true);
    // A short read hands back the whole elements that were read, fewer than asked.
    count = Math.floor(bytes.length / size);
    const signed = !!isSigned;
    if (size === 8) {
      const out = new realm.Array();
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i < count; i++) out.push(int64.fromBig(view.getBigUint64(i * 8, true)));
      return out;
    }
    const ctor =
      size === 1 ? (signed ? realm.Int8Array : realm.Uint8Array)
      : size === 2 ? (signed ? realm.Int16Array : realm.Uint16Array)
      : signed ? realm.Int32Array : realm.Uint32Array;
    const copy = new realm.Uint8Array(bytes.length);
    copy.set(bytes);
    return new ctor(copy.buffer, 0, count);
  }

  function readString(wide: boolean) {
    return (location: unknown, length?: unknown) => {
      call();
      const address = toAddress(location);
      const unit = wide ? 2 : 1;
      const max = typeof length === "number" ? length : 0x1000;
      let text = "";
      for (let i = 0; i < max; i++) {
        const b = readBytes(address + BigInt(i * unit), unit);
        const c = wide ? b[0] | (b[1] << 8) : b[0];
        if (c === 0 && typeof length !== "number") break;
        text += String.fromCharCode(c);
      }
      return text;
    };
  }

  function moduleKey(module: string): string {
    const m = module.toLowerCase();
    return m === "ntoskrnl" || m === "ntkrnlmp" || m === "ntkrnlpa" ? "nt" : m;
  }

  function missing(what: string): null {
    // §2: at API >= 1.1 a missing symbol or type is null; at 1.0 it throws (text not known; this one is ours).
    if (apiVersion.major > 1 || apiVersion.minor >= 1) return null;
    throw newError("Could not find " + what);
  }

  function typeObject(def: TypeDef): object {
    // D-TYPE documents `fields` as an object of field objects, not whether its names enumerate: a native object's
    // members are reached through the provider by name (jsprovider-api.md §2.3: property access "walks provider
    // names, then data-model keys, then fields"), so here each field is a getter on the prototype, found by name
    // and by nothing else (Object.keys, getOwnPropertyNames and for-in see none of them).
    const byName: Record<string, PropertyDescriptor> = {};
    for (const [name, f] of Object.entries(def.fields || {})) {
      // `offset` is 64-bit in the reference: an Int64 here, so callers must accept both forms.
      byName[name] = {
        get: () => ({ name, offset: int64.fromBig(BigInt(f.offset)), type: typeObject(f.type), locationKind: "member" }),
        enumerable: false,
      };
    }
    const fields = Object.create(Object.defineProperties({}, byName));
    return {
      name: def.name,
      size: int64.fromBig(BigInt(def.size)),
      typeKind: def.typeKind,
      baseType: def.pointee ? typeObject(def.pointee) : null,
      // jsprovider-api.md §2.4 lists isBitField and bitFieldPositions; their lsb/length shape follows dbgmodel's
      // IDebugHostType::GetBitField(lsbOfField, lengthOfField) (inferred: the JS projection's names are not documented).
      isBitField: !!def.bitField,
      bitFieldPositions: def.bitField ? { lsb: def.bitField.lsb, length: def.bitField.length } : undefined,
      fields,
      toString: () => def.name,
    };
  }

  function findType(module: string, typeName: string): TypeDef | undefined {
    const name = typeName.replace(/\s*\*+$/, "");
    return target.types.get(moduleKey(module) + "!" + name);
  }

  /** A native typed object: each field access is one host call and one memory read, as in the provider. */
  function typedObject(address: bigint, def: TypeDef): unknown {
    if (def.typeKind === "intrinsic") {
      const b = readBytes(address, def.size);
      const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const raw = def.size === 8 ? view.getBigUint64(0, true) : BigInt(def.size === 1 ? b[0] : def.size === 2 ? view.getUint16(0, true) : view.getUint32(0, true));
      // A bit field's value is its bits, shifted down (GetBitField's remarks: "GetRawObject will automatically do this").
      const value = def.bitField ? (raw >> BigInt(def.bitField.lsb)) & ((1n << BigInt(def.bitField.length)) - 1n) : raw;
      if (def.size === 8) return int64.fromBig(value);
      return Number(value);
    }
    if (def.typeKind === "pointer") {
      const b = readBytes(address, target.pointerSize);
      const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const value = target.pointerSize === 8 ? view.getBigUint64(0, true) : BigInt(view.getUint32(0, true));
      return pointerObject(value, def.pointee!);
    }
    const base = {
      __typedAddress: address,
      address: int64.fromBig(address),
      targetLocation: int64.fromBig(address),
      targetSize: def.size,
      targetType: typeObject(def),
      toString: () => "[Type: " + def.name + "]",
    } as Record<string, unknown>;
    base.setObjectValue = () => forbidden("setObjectValue");
    return new Proxy(base, {
      set(obj, prop) {
        return forbidden("assignment to field " + String(prop) + " of " + def.name);
      },
      get(obj, prop) {
        if (typeof prop === "string" && def.fields && prop in def.fields) {
          call();
          const f = def.fields[prop];
          return typedObject(address + BigInt(f.offset), f.type);
        }
        return obj[prop as string];
      },
    });
  }

  function pointerObject(value: bigint, pointee: TypeDef): unknown {
    const base = {
      address: int64.fromBig(value),
      __typedAddress: value,
      isNull: value === 0n,
      dereference: () => {
        call();
        return typedObject(value, pointee);
      },
      add: (n: number) => pointerObject(value + BigInt(n) * BigInt(pointee.size), pointee),
      toString: () => "0x" + value.toString(16),
    } as Record<string, unknown>;
    return new Proxy(base, {
      set(obj, prop) {
        return forbidden("assignment to field " + String(prop) + " through a pointer");
      },
      get(obj, prop) {
        if (typeof prop === "string" && pointee.fields && prop in pointee.fields) {
          call();
          const f = pointee.fields[prop];
          return typedObject(value + BigInt(f.offset), f.type);
        }
        return obj[prop as string];
      },
    });
  }

  function linq<T>(items: T[]) {
    const out = realm.Array.from(items) as T[] & Record<string, unknown>;
    out.First = (pred?: (v: T) => boolean) => (pred ? items.find(pred) : items[0]);
    out.Last = () => items[items.length - 1];
    out.Count = () => items.length;
    out.Where = (pred: (v: T) => boolean) => linq(items.filter(pred));
    out.Select = (f: (v: T) => unknown) => linq(items.map(f));
    return out;
  }

  const modulesView = () =>
    linq(
      (target.isKernel ? target.processUserModules.concat(target.modules) : target.modules).map((m) => ({
        Name: m.name,
        BaseAddress: int64.fromBig(m.base),
        Size: int64.fromBig(BigInt(m.size)),
        toString: () => m.name,
      })),
    );

  const files = fileSystemNamespace(() => target.fileSystem, { call, newError, collection: linq });

  const control = {
    ExecuteCommand: (command: string) => {
      call();
      const text = String(command);
      executed.push(text);
      for (const c of target.commands) {
        if (typeof c.match === "string" ? c.match === text : c.match.test(text)) return linq(c.handler(text));
      }
      // An unknown command prints the debugger's own complaint; it is returned as output, not thrown.
      return linq(["No export " + text.split(/\s/)[0].replace(/^!/, "") + " found"]);
    },
  };

  const host: Record<string, unknown> = {
    Int64: int64.Int64,
    parseInt64: int64.parseInt64,
    functionAlias: function (this: Record<string, unknown>, fn: unknown, name: unknown) {
      this.__kind = "functionAlias";
      this.fn = fn;
      this.name = name;
    },
    apiVersionSupport: function (this: Record<string, unknown>, major: unknown, minor: unknown) {
      this.__kind = "apiVersionSupport";
      this.major = major;
      this.minor = minor;
    },
    namedModelParent: function (this: Record<string, unknown>, obj: unknown, name: unknown) {
      this.__kind = "namedModelParent";
      this.obj = obj;
      this.name = name;
    },
    diagnostics: {
      debugLog: (...values: unknown[]) => {
        const text = values.map((v) => String(v)).join("");
        counters.debugLogCalls++;
        counters.longestDebugLog = Math.max(counters.longestDebugLog, text.length);
        log.push(text.length > DEBUG_OUTPUT_LIMIT ? text.slice(0, DEBUG_OUTPUT_LIMIT) : text);
      },
    },
    metadata: { defineMetadata: () => undefined },
  };

  const phase2: Record<string, unknown> = {
    indexedValue: function (this: Record<string, unknown>, value: unknown, indices: unknown) {
      this.value = value;
      this.indices = indices;
    },
    memory: {
      readMemoryValues,
      readString: readString(false),
      readWideString: readString(true),
      writeMemoryValues: () => forbidden("writeMemoryValues"),
    },
    currentSession: {
      Attributes: {
        Target: {
          IsKernelTarget: target.isKernel,
          get Details() {
            // EmulatedTarget.details: present, absent or throwing, each a form the toolkit must survive.
            if (target.details === "throws") throw newError("Unspecified error (0x80004005)");
            if (target.details === "absent") return undefined;
            return target.dumpFileName ? { DumpFileName: target.dumpFileName } : {};
          },
        },
        Machine: {
          // An Int64: 0vercl0k's telescope.js calls `PointerSize.compareTo(8)` and `PointerSize.multiply(Idx)` on it.
          // 4 in a kernel session whose current thread runs WoW64 code (EmulatedTarget.currentThreadWow64).
          get PointerSize() {
            const size = target.isKernel && target.currentThreadWow64 ? 4 : target.pointerSize;
            return target.pointerSizeForm === "number" ? size : int64.fromBig(BigInt(size));
          },
          PageSize: 0x1000,
        },
      },
    },
    get currentProcess() {
      call();
      const pebType = findType("ntdll", "_PEB") || findType("nt", "_PEB");
      return {
        Name: target.processName,
        Id: target.processId,
        get Modules() {
          call();
          return modulesView();
        },
        Environment: {
          // §2.5: undefined when the ntdll symbols lack _PEB.
          get EnvironmentBlock() {
            return target.pebAddress !== null && pebType ? typedObject(target.pebAddress, pebType) : undefined;
          },
        },
      };
    },
    currentThread: {
      Id: 1,
      // Registers read as values; any assignment is a register write.
      Registers: {
        User: new Proxy({} as Record<string, unknown>, {
          get: (_o, prop) => (typeof prop === "string" ? int64.fromBig(0n) : undefined),
          set: (_o, prop) => forbidden("register write " + String(prop)),
        }),
      },
    },
    setModuleSymbol: () => forbidden("setModuleSymbol"),
    namespace: {
      Debugger: {
        Utility: { Control: control, FileSystem: files },
        State: {
          PseudoRegisters: {
            General: {
              // A typed pointer (`_PEB *`), not a number: 0vercl0k/windbg-scripts telescope/telescope.js (commit 87aa82d,
              // the fix of its issue #2, where `EnvironmentBlock` was undefined for want of _PEB in the symbols)
              // reads `General.peb.address`; hugsy/windbg_js_scripts EnumImages.js reads `General.peb.Ldr`.
              // Without _PEB in the symbols it is still a pointer object with an address.
              get peb() {
                if (target.pebAddress === null) return undefined;
                const pebType = findType("ntdll", "_PEB") || findType("nt", "_PEB") || { name: "_PEB", size: 0, typeKind: "udt" as const };
                return pointerObject(target.pebAddress, pebType);
              },
              // `$teb`, a typed pointer as `$peb` is (a `_TEB *`, with or without the type in the symbols).
              get teb() {
                if (target.tebAddress === null) return undefined;
                const tebType = findType("ntdll", "_TEB") || findType("nt", "_TEB") || { name: "_TEB", size: 0, typeKind: "udt" as const };
                return pointerObject(target.tebAddress, tebType);
              },
            },
          },
        },
      },
    },
    getModuleType: (module: string, typeName: string) => {
      call();
      const def = findType(module, typeName);
      return def ? typeObject(def) : missing("type " + module + "!" + typeName);
    },
    getModuleSymbolAddress: (module: string, name: string) => {
      call();
      const a = target.symbols.get(moduleKey(module) + "!" + name);
      return a === undefined ? missing("symbol " + module + "!" + name) : int64.fromBig(a);
    },
    getModuleSymbol: (module: string, name: string, typeName?: string) => {
      call();
      const a = target.symbols.get(moduleKey(module) + "!" + name);
      if (a === undefined) return missing("symbol " + module + "!" + name);
      const def = typeName ? findType(module, typeName) : undefined;
      return def ? typedObject(a, def) : { address: int64.fromBig(a), toString: () => module + "!" + name };
    },
    createTypedObject: (location: unknown, module: string, typeName: string) => {
      call();
      const def = findType(module, typeName);
      if (!def) throw newError("Unable to find type '" + typeName + "'");
      return typedObject(toAddress(location), def);
    },
    createPointerObject: (location: unknown, module: string, typeName: string) => {
      call();
      const def = findType(module, typeName);
      if (!def) throw newError("Unable to find type '" + typeName + "'");
      return pointerObject(toAddress(location), def);
    },
    evaluateExpression: (expression: string) => {
      call();
      throw newError("evaluateExpression is not emulated: " + expression);
    },
  };

  return {
    host,
    counters,
    log,
    executed,
    violations,
    aliases,
    apiVersion,
    int64,
    enterPhase2() {
      for (const key of Object.keys(phase2)) {
        Object.defineProperty(host, key, Object.getOwnPropertyDescriptor(phase2, key)!);
      }
    },
    readLog,
    resetCounters() {
      readLog.length = 0;
      counters.hostCalls = counters.readCalls = counters.bytesRead = counters.packets = counters.failedReads = 0;
      counters.debugLogCalls = counters.longestDebugLog = 0;
    },
  };
}
