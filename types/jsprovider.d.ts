// The WinDbg JsProvider `host` API as leaktools uses it. Source: shared research `jsprovider-api.md` (sections
// cited as §n). Assumptions the reference does not settle are marked "assumed" where they are declared.
// Only src/host/ may reference `host`.

declare namespace JsProvider {
  /** §2.1: 64-bit values arrive as Int64; values of 32 bits or fewer as plain numbers. */
  interface Int64 {
    /** Throws on precision loss. */
    asNumber(): number;
    /** Never throws; may lose precision. */
    convertToNumber(): number;
    getLowPart(): number;
    getHighPart(): number;
    add(v: Int64 | number): Int64;
    subtract(v: Int64 | number): Int64;
    multiply(v: Int64 | number): Int64;
    divide(v: Int64 | number): Int64;
    modulo(v: Int64 | number): Int64;
    bitwiseAnd(v: Int64 | number): Int64;
    bitwiseOr(v: Int64 | number): Int64;
    bitwiseXor(v: Int64 | number): Int64;
    bitwiseNot(): Int64;
    bitwiseShiftLeft(n: number): Int64;
    bitwiseShiftRight(n: number): Int64;
    /** Returns -1, 0 or 1; signedness above 2^63 is unknown (§2.1), so callers never depend on it. */
    compareTo(v: Int64 | number): number;
    /** Always pass a radix: the default is not documented. Radix 16 gives bare lowercase hex. */
    toString(radix?: number): string;
    /** Throws `64 bit value loses precision on conversion to number` from 2^53-1 up. */
    valueOf(): number;
  }

  interface Int64Constructor {
    new (value: number, highValue?: number): Int64;
    (value: number, highValue?: number): Int64;
    readonly Min: Int64;
    readonly Max: Int64;
  }

  /** §2.4 type objects. `size` and `offset` are 64-bit in the reference: accept both forms. */
  interface TypeObject {
    readonly name: string;
    readonly size: number | Int64;
    readonly typeKind: string;
    readonly baseType?: TypeObject | null;
    /** Look fields up by name: whether they enumerate (Object.keys) is not documented. */
    readonly fields: { [name: string]: FieldObject };
  }

  interface FieldObject {
    readonly name: string;
    readonly type: TypeObject;
    readonly offset: number | Int64;
    readonly locationKind?: string;
  }

  /** A native object as it enters the script (§2.3). Only the members leaktools reads are declared. */
  interface NativeObject {
    readonly address?: Int64;
    readonly targetLocation?: unknown;
    readonly targetType?: TypeObject;
    toString(): string;
  }

  interface Module {
    readonly Name: string;
    readonly BaseAddress: Int64 | number;
    readonly Size: Int64 | number;
  }

  interface Process {
    readonly Name?: string;
    readonly Id?: number;
    /** §2.5: iterable of modules; in user mode `Name` is the full path. Assumed: in a kernel session the current
     * process's Modules include the loaded kernel modules, as `dx @$curprocess.Modules` shows them, and can include
     * the process's user-mode DLLs too (telescope.js keeps only those above MmUserProbeAddress). */
    readonly Modules: Iterable<Module>;
    /** §2.5: undefined when the ntdll symbols lack `_PEB`. */
    readonly Environment?: { readonly EnvironmentBlock?: NativeObject };
  }

  interface Session {
    readonly Attributes: {
      readonly Target: {
        readonly IsKernelTarget: boolean;
        /** Assumed: present with a non-empty DumpFileName only on dump targets (§2.5 lists `.Details.DumpFileName`).
         * May be absent, or throw when read, on some targets: read it inside a try. */
        readonly Details?: { readonly DumpFileName?: string };
      };
      /** PointerSize: a number or an Int64 (telescope.js calls `.compareTo(8)` on it); in a kernel session it follows
       * the current thread's effective machine (4 for a WoW64 thread). */
      readonly Machine: { readonly PointerSize: number | Int64; readonly PageSize?: number };
    };
  }

  interface TextReader {
    ReadLineContents(): Iterable<string>;
  }

  /** §2.8, D-FS "Text Writer Objects": Write without a newline, WriteLine with one. */
  interface TextWriter {
    Write(value: unknown): void;
    WriteLine(value: unknown): void;
  }

  /** §2.8, D-FS "File Object": Path is "the fully qualified path"; ReadBytes(n) reads n bytes from Position on. */
  interface File {
    Close(): void;
    readonly Path?: unknown;
    ReadBytes(count: number): Iterable<unknown>;
  }

  interface FileSystem {
    FileExists(path: string): boolean;
    OpenFile(path: string): File;
    /** §2.8, D-FS: creates the file and opens it for writing; the disposition's default is not documented. */
    CreateFile(path: string, disposition?: "OpenExisting" | "CreateNew" | "CreateAlways"): File;
    CreateTextReader(file: File | string, encoding?: "Ascii" | "Utf8" | "Utf16"): TextReader;
    CreateTextWriter(file: File | string, encoding?: "Ascii" | "Utf8" | "Utf16"): TextWriter;
  }

  interface Control {
    /** §2.8: an iterable of output lines. */
    ExecuteCommand(command: string): Iterable<string>;
  }

  interface Namespace {
    readonly Debugger: {
      readonly Utility: { readonly Control: Control; readonly FileSystem: FileSystem };
      readonly State?: {
        /** `peb` is a typed pointer (`_PEB *`): its `.address` is the PEB's address (telescope.js). */
        readonly PseudoRegisters?: { readonly General?: { readonly peb?: NativeObject | Int64 | number; readonly teb?: NativeObject | Int64 | number } };
      };
    };
  }

  interface Memory {
    /** §2.2: typed arrays for 1/2/4-byte elements, an Array of Int64 for 8. Throws
     * `Unable to read target memory at '0x…' in method 'readMemoryValues'` when unreadable. */
    readMemoryValues(location: Int64 | number, numElements: number, elementSize?: 1, isSigned?: false, context?: object): Uint8Array;
    readMemoryValues(location: Int64 | number, numElements: number, elementSize: 2, isSigned?: false, context?: object): Uint16Array;
    readMemoryValues(location: Int64 | number, numElements: number, elementSize: 4, isSigned?: false, context?: object): Uint32Array;
    /** Signed elements: Int8Array, Int16Array or Int32Array. */
    readMemoryValues(location: Int64 | number, numElements: number, elementSize: 1 | 2 | 4, isSigned: true, context?: object): Int8Array | Int16Array | Int32Array;
    /** Expensive (§5): one Int64 object per element. */
    readMemoryValues(location: Int64 | number, numElements: number, elementSize: 8, isSigned?: boolean, context?: object): Int64[];
    readString(location: Int64 | number, length?: number): string;
    readWideString(location: Int64 | number, length?: number): string;
  }

  interface Diagnostics {
    /** §2: concatenates its arguments, no separator and no newline. */
    debugLog(...values: unknown[]): void;
  }

  interface Metadata {
    defineMetadata(target: object, descriptor: object): void;
    /** §2.6: a value carrying display metadata (`PreferredRadix`, `PreferredExpansionDepth`, ...). */
    readonly valueWithMetadata: new (value: unknown, descriptor: object) => object;
  }

  /** §2.5: only what leaktools may read; registers are never written (read-only toward the target). */
  interface Thread {
    readonly Id?: number;
    /** The thread's TEB (`_TEB`), undefined without _TEB in the symbols (as Process.Environment, §2.5). */
    readonly Environment?: { readonly EnvironmentBlock?: NativeObject };
  }

  /** Registration records returned by initializeScript (§1). */
  interface FunctionAliasRecord { readonly __recordKind?: "functionAlias" }
  interface ApiVersionSupportRecord { readonly __recordKind?: "apiVersionSupport" }

  interface Host {
    // Phase 1 (present during root code and initializeScript).
    readonly Int64: Int64Constructor;
    parseInt64(text: string, radix?: number): Int64;
    readonly functionAlias: new (fn: (...args: unknown[]) => unknown, name: string) => FunctionAliasRecord;
    readonly apiVersionSupport: new (major: number, minor: number) => ApiVersionSupportRecord;
    readonly namedModelParent: new (cls: object, name: string) => object;
    readonly diagnostics: Diagnostics;
    readonly metadata?: Metadata;
    // Phase 2 (after initializeScript has returned).
    readonly indexedValue: new (value: unknown, indices: unknown[]) => object;
    readonly memory: Memory;
    readonly currentSession: Session;
    readonly currentProcess: Process;
    readonly currentThread: Thread;
    readonly namespace: Namespace;
    /** At API >= 1.1 returns null when missing; earlier versions throw (§2). */
    getModuleType(module: string, typeName: string): TypeObject | null;
    getModuleSymbol(module: string, symbol: string, typeName?: string): NativeObject | null;
    /** Observed only (§2). Assumed: returns null or throws when the symbol is missing — callers accept both. */
    getModuleSymbolAddress(module: string, symbol: string): Int64 | number | null;
    createPointerObject(address: Int64 | number, module: string, typeName: string): NativeObject;
    createTypedObject(address: Int64 | number, module: string, typeName: string): NativeObject;
    evaluateExpression(expression: string): unknown;
  }
}

declare const host: JsProvider.Host;
