// Kernel pool targets: tag tracker tables (per processor + expansion), the big page table, KUSER_SHARED_DATA's
// clock, and driver images holding tags. Offsets from test/targets/layouts.ts (the build's PDB where the data set has
// it, layouts.md §2.2, §2.3 otherwise), never from src/layouts.
import { kernelTarget, TargetBuilder, BUILDS } from "./builder";
import { poolTrackerLayout, bigPagesLayout } from "./layouts";
import { buildPe, loadImage, SCN, SectionSpec } from "./pe-builder";
import { hasPdbData, pdbField, pdbSymbolRva } from "./pdb-layouts";

export interface TagSpec {
  tag: string;
  nonPagedAllocs?: number;
  nonPagedFrees?: number;
  nonPagedBytes?: number;
  pagedAllocs?: number;
  pagedFrees?: number;
  pagedBytes?: number;
}

export interface PoolOptions {
  pointerSize: 4 | 8;
  build: number;
  dump?: string;
  /** Entries per tracker table (PoolTrackTableSize). */
  tableSize?: number;
  /** Processor tables (1 = no nt!ExPoolTagTables, as in builds whose kernel lacks the symbol). */
  processors?: number;
  /** Write nt!KeNumberProcessors (otherwise the array ends at a null pointer). */
  withProcessorCount?: boolean;
  /** Tags placed in the expansion table instead of the hash table. */
  expansionTags?: TagSpec[];
  bigPageTableSize?: number;
  /** The target's clock (seconds, as EmulatedTarget.seconds) when it booted: InterruptTime counts from there.
   *  Default: five hours before the clock's zero. */
  bootAtSeconds?: number;
  /** KUSER_SHARED_DATA.BootId (written from build 14393 on). Default 12. */
  bootId?: number;
  /** KUSER_SHARED_DATA.NumberOfPhysicalPages. Default 0x400000 (16 GB). */
  physicalPages?: number;
}

export function tagKey(tag: string): number {
  const t = (tag + "    ").slice(0, 4);
  return (t.charCodeAt(0) | (t.charCodeAt(1) << 8) | (t.charCodeAt(2) << 16) | (t.charCodeAt(3) << 24)) >>> 0;
}

const KUSER = { 8: 0xfffff78000000000n, 4: 0xffdf0000n } as const;
/** 2026-01-01 in 100 ns units since 1601: a plausible SystemTime base. */
const EPOCH_100NS = 134116992000000000n;

export class PoolTargetBuilder {
  readonly b: TargetBuilder;
  readonly tables: bigint[] = [];
  readonly tableSize: number;
  expansionAt = 0n;
  bigTableAt = 0n;
  bigTableSize: number;
  private bigUsed = 0;
  private readonly tracker: ReturnType<typeof poolTrackerLayout>;
  private readonly big: ReturnType<typeof bigPagesLayout>;
  private nextIndex = 1;

  constructor(readonly options: PoolOptions) {
    this.b = kernelTarget({ pointerSize: options.pointerSize, build: options.build, dump: options.dump });
    this.tracker = poolTrackerLayout(options.build, options.pointerSize);
    this.big = bigPagesLayout(options.build, options.pointerSize);
    this.tableSize = options.tableSize || 256;
    const processors = options.processors || 1;
    // nt!ExPoolTagTables (per-processor tag tables): where the data set has the build's PDB, the PDB says whether the
    // symbol exists (every x64 kernel has it, Windows 7 SP1's too); otherwise layouts.md §2.1 (Windows 8, 9200, on).
    const hasTagTables = hasPdbData(options.build, options.pointerSize) ? pdbSymbolRva(options.build, "ExPoolTagTables") !== null : options.build >= 9200;
    if ((processors > 1 || options.withProcessorCount) && !hasTagTables) {
      throw new Error("build " + options.build + " has no nt!ExPoolTagTables: use processors 1");
    }
    for (let i = 0; i < processors; i++) this.tables.push(this.b.alloc(this.tableSize * this.tracker.size, 0x1000));
    this.b.globalPointer("nt", "PoolTrackTable", this.tables[0]);
    this.sizeT(this.b.global("nt", "PoolTrackTableSize", this.b.pointerSize), this.tableSize);
    if (processors > 1 || options.withProcessorCount) {
      const arrayAt = this.b.global("nt", "ExPoolTagTables", (processors + 1) * this.b.pointerSize);
      this.tables.forEach((t, i) => this.b.writePtr(arrayAt + BigInt(i * this.b.pointerSize), t));
      if (options.withProcessorCount !== false) this.b.memory.writeU32(this.b.global("nt", "KeNumberProcessors", 4), processors);
    }
    const expansion = options.expansionTags || [];
    this.expansionAt = expansion.length ? this.b.alloc(expansion.length * this.tracker.size, 0x1000) : 0n;
    this.b.globalPointer("nt", "PoolTrackTableExpansion", this.expansionAt);
    this.sizeT(this.b.global("nt", "PoolTrackTableExpansionSize", this.b.pointerSize), expansion.length);
    expansion.forEach((t, i) => this.writeEntry(this.expansionAt + BigInt(i * this.tracker.size), t, 1, 0));
    this.bigTableSize = options.bigPageTableSize || 512;
    this.bigTableAt = this.b.alloc(this.bigTableSize * this.big.size, 0x1000);
    this.b.globalPointer("nt", "PoolBigPageTable", this.bigTableAt);
    this.sizeT(this.b.global("nt", "PoolBigPageTableSize", this.b.pointerSize), this.bigTableSize);
    // KUSER_SHARED_DATA.SystemTime (KSYSTEM_TIME: LowPart, High1Time, High2Time) follows the target's clock,
    // and InterruptTime (100 ns since boot) with it; BootId (builds 14393+) and NumberOfPhysicalPages identify the
    // machine and its boot. Offsets from the PDB extract where it has the field, else the WDK's ntddk.h (the same
    // on every build of the data set: +0x08, +0x14, +0x2C4, +0x2E8).
    const target = this.b.target;
    const kuser = KUSER[options.pointerSize];
    const kuserField = (name: string, fallback: number) => {
      const field = hasPdbData(options.build, options.pointerSize) ? pdbField(options.build, "_KUSER_SHARED_DATA", name) : undefined;
      return kuser + BigInt(field ? field.offset : fallback);
    };
    const bootAt = options.bootAtSeconds !== undefined ? options.bootAtSeconds : -5 * 3600;
    const writeTime = (at: bigint, t: bigint) => {
      target.memory.writeU32(at, Number(t & 0xffffffffn));
      target.memory.writeU32(at + 4n, Number(t >> 32n));
      target.memory.writeU32(at + 8n, Number(t >> 32n));
    };
    const writeClock = (seconds: number) => {
      writeTime(kuserField("SystemTime", 0x14), EPOCH_100NS + BigInt(Math.round(seconds * 1e7)));
      writeTime(kuserField("InterruptTime", 0x08), BigInt(Math.round((seconds - bootAt) * 1e7)));
    };
    if (options.build >= 14393) target.memory.writeU32(kuserField("BootId", 0x2c4), options.bootId !== undefined ? options.bootId : 12);
    target.memory.writeU32(kuserField("NumberOfPhysicalPages", 0x2e8), options.physicalPages !== undefined ? options.physicalPages : 0x400000);
    writeClock(target.seconds);
    target.clockListeners.push(writeClock);
  }

  get target() {
    return this.b.target;
  }

  private sizeT(at: bigint, value: number): void {
    this.b.writePtr(at, BigInt(value));
  }

  /** A tag's usage, split across the processor tables as the kernel's per-processor counters are. */
  tag(spec: TagSpec): this {
    const index = this.nextIndex++;
    if (index >= this.tableSize) throw new Error("tracker table full");
    const n = this.tables.length;
    this.tables.forEach((table, cpu) => this.writeEntry(table + BigInt(index * this.tracker.size), spec, n, cpu));
    return this;
  }

  /**
   * Entry `cpu` of `n`: allocations split evenly (the remainder on processor 0), all frees on the last processor,
   * bytes on processor 0 plus 0x1000 that the last processor gives back, so one table's bytes go "negative" and the
   * reader must sum with wrap-around as the kernel does.
   */
  private writeEntry(at: bigint, spec: TagSpec, n: number, cpu: number): void {
    const L = this.tracker as unknown as Record<string, readonly [number, number]> & { size: number };
    const share = (total: number) => Math.floor(total / n) + (cpu === 0 ? total % n : 0);
    const last = cpu === n - 1;
    const skew = n > 1 ? (cpu === 0 ? 0x1000 : last ? -0x1000 : 0) : 0;
    const put = (field: string, value: number) => {
      const [offset, size] = L[field];
      const a = at + BigInt(offset);
      if (size === 4) this.b.memory.writeU32(a, value < 0 ? value + 0x100000000 : value);
      else this.b.memory.writeU64(a, BigInt.asUintN(64, BigInt(value)));
    };
    put("Key", tagKey(spec.tag));
    put("NonPagedAllocs", share(spec.nonPagedAllocs || 0));
    put("NonPagedFrees", last ? spec.nonPagedFrees || 0 : 0);
    put("NonPagedBytes", (cpu === 0 ? spec.nonPagedBytes || 0 : 0) + (spec.nonPagedBytes ? skew : 0));
    put("PagedAllocs", share(spec.pagedAllocs || 0));
    put("PagedFrees", last ? spec.pagedFrees || 0 : 0);
    put("PagedBytes", (cpu === 0 ? spec.pagedBytes || 0 : 0) + (spec.pagedBytes ? skew : 0));
  }

  /** A big page table entry: live unless `free`. Returns the allocation's address. */
  bigPage(tag: string, size: number, options: { paged?: boolean; free?: boolean; va?: bigint } = {}): bigint {
    const i = this.bigUsed++;
    if (i >= this.bigTableSize) throw new Error("big page table full");
    const at = this.bigTableAt + BigInt(i * this.big.size);
    const va = options.va !== undefined ? options.va : this.b.reserveUnmapped(Math.min(size, 0x10000));
    this.b.writePtr(at + BigInt(this.big.Va), options.free ? va | 1n : va);
    this.b.memory.writeU32(at + BigInt(this.big.Key), tagKey(tag));
    // Pool type: a plain ULONG before Win10, bits 8..19 of the ULONG from Win10 on (layouts.md §2.3).
    const poolType = options.paged ? 1 : 0;
    this.b.memory.writeU32(at + BigInt(this.big.PoolType), this.options.build >= 10240 ? poolType << 8 : poolType);
    this.b.writePtr(at + BigInt(this.big.NumberOfBytes), BigInt(size));
    return va;
  }

  /** A driver image at `base` (or the next module range) with the given sections and imports. */
  driver(name: string, spec: { sections: SectionSpec[]; imports?: { dll: string; functions: string[]; bound?: Record<string, bigint> }[] }, base?: bigint) {
    const image = buildPe({ is64: this.options.pointerSize === 8, sections: spec.sections, imports: spec.imports });
    const at = base !== undefined ? base : this.b.moduleRange(image.sizeOfImage);
    loadImage(this.b, name, at, image);
    return { base: at, image };
  }
}

export { BUILDS, SCN };
