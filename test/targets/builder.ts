// Target builders: kernel and user-mode targets laid out from real layouts (test/targets/layouts.ts: Microsoft's
// PDBs where the data set has the build, layouts.md otherwise). A builder owns
// an address-space allocator so that tests place structures by name, never by offsets poked by hand.
import { EmulatedTarget, intrinsic, struct, TypeDef } from "../emulator/target";
import { BUILDS, pebLayout } from "./layouts";
import { hasPdbData, pdbTypeDef } from "./pdb-layouts";

export interface TargetOptions {
  pointerSize: 4 | 8;
  /** Windows build number (7601, 19045, ...). */
  build: number;
  /** A dump file name makes a dump target; omit for a live session. */
  dump?: string;
}

/** Canonical address ranges per kind and bitness, as real systems place them. */
const RANGES = {
  kernel8: { modules: 0xfffff80720000000n, pool: 0xffffb40200000000n },
  kernel4: { modules: 0x82000000n, pool: 0x85000000n },
  user8: { modules: 0x00007ff800000000n, pool: 0x0000020000000000n },
  user4: { modules: 0x76000000n, pool: 0x00300000n },
} as const;

export class TargetBuilder {
  readonly target: EmulatedTarget;
  readonly build: number;
  private nextPool: bigint;
  private nextModule: bigint;

  constructor(kind: "kernel" | "user", readonly options: TargetOptions) {
    this.target = new EmulatedTarget(kind, options.pointerSize, options.dump || null);
    this.build = options.build;
    const r = RANGES[(kind + options.pointerSize) as keyof typeof RANGES];
    this.nextPool = r.pool;
    this.nextModule = r.modules;
  }

  get pointerSize(): 4 | 8 {
    return this.options.pointerSize;
  }

  get memory() {
    return this.target.memory;
  }

  /** Reserves `size` bytes of mapped, zeroed memory aligned to `align` and returns its address. */
  alloc(size: number, align = 16): bigint {
    const a = BigInt(align);
    const address = (this.nextPool + a - 1n) & ~(a - 1n);
    this.target.memory.map(address, Math.max(size, 1));
    this.nextPool = address + BigInt(Math.max(size, 1));
    return address;
  }

  /** Reserves address space without mapping it: an address that reads fail on. */
  reserveUnmapped(size: number): bigint {
    const address = (this.nextPool + 0xfffn) & ~0xfffn;
    this.nextPool = address + BigInt(size) + 0x1000n;
    return address;
  }

  /** A free module range of `size` bytes (64 KB aligned, as the loader places images). */
  moduleRange(size: number): bigint {
    const address = (this.nextModule + 0xffffn) & ~0xffffn;
    this.nextModule = address + BigInt(size) + 0x10000n;
    return address;
  }

  writePtr(address: bigint, value: bigint | number): void {
    this.target.memory.writePtr(address, value, this.pointerSize);
  }

  /** A global variable of `module` holding `bytes`, with its symbol. */
  global(module: string, name: string, size: number): bigint {
    const address = this.alloc(size, 8);
    this.target.addSymbol(module, name, address);
    return address;
  }

  /** A pointer-sized global holding `value`. */
  globalPointer(module: string, name: string, value: bigint): bigint {
    const address = this.global(module, name, this.pointerSize);
    this.writePtr(address, value);
    return address;
  }

  /** Writes a UNICODE_STRING at `address` whose buffer holds `text`. */
  unicodeString(address: bigint, text: string): void {
    const buffer = this.alloc(text.length * 2 + 2, 2);
    const bytes = new Uint8Array(text.length * 2);
    for (let i = 0; i < text.length; i++) {
      bytes[i * 2] = text.charCodeAt(i) & 0xff;
      bytes[i * 2 + 1] = text.charCodeAt(i) >> 8;
    }
    this.target.memory.write(buffer, bytes);
    this.target.memory.writeU16(address, bytes.length);
    this.target.memory.writeU16(address + 2n, bytes.length + 2);
    this.writePtr(address + (this.pointerSize === 8 ? 8n : 4n), buffer);
  }

  /** A type in the target's symbols (for "with symbols" variants). */
  type(module: string, def: TypeDef): void {
    this.target.addType(module, def);
  }

  /** True when this build's x64 kernel PDB is in the data set (test/fixtures/pdb-layouts). */
  get hasPdbTypes(): boolean {
    return hasPdbData(this.build, this.pointerSize);
  }

  /** Types as this build's PDB has them (names, nesting, unions, bit fields, sizes), in `module`'s symbols. */
  pdbTypes(module: string, names: string[]): void {
    for (const name of names) this.target.addType(module, pdbTypeDef(this.build, name));
  }

  /** A type from an offsets table `{ size, Field: offset | [offset, size] }`; fields without a size are pointers. */
  typeFromLayout(module: string, name: string, layout: Record<string, unknown>): TypeDef {
    const fields: [string, number, TypeDef][] = [];
    for (const [field, spec] of Object.entries(layout)) {
      if (field === "size") continue;
      const [offset, size] = Array.isArray(spec) ? spec : [spec as number, this.pointerSize];
      fields.push([field, offset, intrinsic(size === 1 ? "UCHAR" : size === 2 ? "USHORT" : size === 4 ? "ULONG" : "ULONG64", size)]);
    }
    const def = struct(name, layout.size as number, fields);
    this.target.addType(module, def);
    return def;
  }
}

/** A kernel target: `nt` loaded with NtBuildNumber set, as every kernel session has. */
export function kernelTarget(options: TargetOptions): TargetBuilder {
  const b = new TargetBuilder("kernel", options);
  const ntSize = 0xa46000;
  const ntBase = b.moduleRange(ntSize);
  b.target.addModule("nt", ntBase, ntSize);
  // NtBuildNumber: 0xF0000000 marks a free build; the low 16 bits are the build number.
  const at = b.global("nt", "NtBuildNumber", 4);
  b.memory.writeU32(at, (0xf0000000 | options.build) >>> 0);
  return b;
}

/** A user-mode process: a PEB with its OSBuildNumber and ntdll loaded. */
export function userTarget(options: TargetOptions & { processName?: string }): TargetBuilder {
  const b = new TargetBuilder("user", options);
  const peb = pebLayout(options.pointerSize, options.build);
  const pebAddress = b.alloc(peb.size, 0x1000);
  b.memory.writeU16(pebAddress + BigInt(peb.OSBuildNumber), options.build);
  b.target.pebAddress = pebAddress;
  b.target.processName = options.processName || "app.exe";
  const ntdllSize = 0x1f5000;
  const ntdllBase = b.moduleRange(ntdllSize);
  b.target.addModule(options.pointerSize === 8 ? "C:\\Windows\\System32\\ntdll.dll" : "C:\\Windows\\SysWOW64\\ntdll.dll", ntdllBase, ntdllSize);
  return b;
}

export { BUILDS };
