// The seed scenes as targets. Seed 000 (a Windows 10 x64 kernel dump after NotMyFault leaked 40 MB/s of nonpaged
// pool): `!poolused 2` shows `Leak 119 4991221760 0 0`, `lm` shows myfault at fffff807`47f50000-fffff807`47f59000,
// and `s -a` finds "Leak" at +0x1559 and +0x15c7 with the bytes used below. Seed 003 (32-bit): `None 246479
// 50827424 0 0 call to ExAllocatePool`.
import { PoolTargetBuilder, BUILDS, SCN } from "./pool";
import { buildPe } from "./pe-builder";

/** 40 MB: NotMyFault's leak size in seed 000 (ExAllocatePool2(POOL_FLAG_NON_PAGED, 40*1024*1024, "Leak")). */
export const LEAK_SIZE = 40 * 1024 * 1024;
export const MYFAULT_BASE = 0xfffff80747f50000n;

/** seed 000 `!poolused 2`, the rows the article shows (values verbatim). */
export const SEED000_TAGS = [
  { tag: "Leak", nonPagedAllocs: 119, nonPagedBytes: 4991221760 },
  { tag: "ConT", nonPagedAllocs: 238, nonPagedBytes: 14499840 },
  { tag: "KETR", nonPagedAllocs: 16410, nonPagedBytes: 8117664 },
  { tag: "EtwB", nonPagedAllocs: 196, nonPagedBytes: 7565568, pagedAllocs: 2, pagedBytes: 131072 },
  { tag: "2872", nonPagedAllocs: 6, nonPagedBytes: 5660864 },
  { tag: "287R", nonPagedAllocs: 1026, nonPagedBytes: 4183040 },
  { tag: "File", nonPagedAllocs: 9734, nonPagedBytes: 3877408 },
  { tag: "Thre", nonPagedAllocs: 1257, nonPagedBytes: 3217920 },
  { tag: "EtwR", nonPagedAllocs: 12141, nonPagedBytes: 2672640 },
];

/**
 * The two `s -a` lines of seed 000, each preceded by `41 b8` (mov r8d, imm32). The `s` output shows 16 bytes from
 * the tag; the displacement bytes it cut off (after `ff 15 0c` and `ff 15 a0 1a 00`) are inferred: both calls then
 * reach the same IAT slot, RVA 0x3078, which the visible bytes of the second call already pin to 0x3078 + k*2^24.
 */
const HIT1 = [0x41, 0xb8, 0x4c, 0x65, 0x61, 0x6b, 0x0f, 0x42, 0xc1, 0x41, 0x8d, 0x49, 0xfd, 0x8b, 0xd0, 0xff, 0x15, 0x0c, /* inferred */ 0x1b, 0x00, 0x00];
const HIT2 = [0x41, 0xb8, 0x4c, 0x65, 0x61, 0x6b, 0x0f, 0x42, 0xc1, 0x33, 0xc9, 0x8b, 0xd0, 0xff, 0x15, 0xa0, 0x1a, 0x00, /* inferred */ 0x00];
export const ALLOCATOR_SLOT_RVA = 0x3078;

export interface Seed000Options {
  dump?: boolean;
  processors?: number;
  /** Leave the tracker symbols out (the !poolused fallback). */
  noTrackerSymbols?: boolean;
  /** The dump file's name (default C:\Windows\MEMORY.DMP); ignored when `dump` is false. */
  dumpFile?: string;
  /** Boot facts in KUSER_SHARED_DATA (PoolOptions). */
  bootAtSeconds?: number;
  bootId?: number;
  physicalPages?: number;
}

export function seed000(options: Seed000Options = {}): PoolTargetBuilder {
  const p = new PoolTargetBuilder({
    pointerSize: 8,
    build: BUILDS.win10_22h2,
    dump: options.dump === false ? undefined : options.dumpFile || "C:\\Windows\\MEMORY.DMP",
    bootAtSeconds: options.bootAtSeconds,
    bootId: options.bootId,
    physicalPages: options.physicalPages,
    tableSize: 2048,
    processors: options.processors || 4,
    bigPageTableSize: 4096,
  });
  for (const t of SEED000_TAGS) p.tag(t);
  for (let i = 0; i < 119; i++) p.bigPage("Leak", LEAK_SIZE);
  p.bigPage("Leak", LEAK_SIZE, { free: true }); // freed entries have Va bit 0 set
  p.bigPage("ConT", 0x3000);
  p.bigPage("EtwB", 0x10000, { paged: true });

  const ntBase = BigInt(p.target.modules[0].base);
  // nt's headers are resident on a real system; a one-section image stands in for the kernel here.
  p.target.memory.write(ntBase, buildPe({ is64: true, sections: [{ name: ".text", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ, size: 0x1000 }] }).bytes);
  const text = new Uint8Array(0x2000);
  text.set(HIT1, 0x1559 - 2 - 0x1000);
  text.set(HIT2, 0x15c7 - 2 - 0x1000);
  const init = new Uint8Array(0x800);
  init.set([0x41, 0xb8, 0x4c, 0x65, 0x61, 0x6b], 0x100); // would be a hit, but INIT is discarded after DriverEntry
  const myfault = p.driver(
    "myfault.sys",
    {
      sections: [
        { name: ".text", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ, content: text },
        { name: ".rdata", characteristics: SCN.INITIALIZED_DATA | SCN.READ, size: 0x1000 },
        { name: ".data", characteristics: SCN.INITIALIZED_DATA | SCN.READ | SCN.WRITE, size: 0x200 },
        { name: "INIT", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ | SCN.DISCARDABLE, content: init },
      ],
      imports: [{ dll: "ntoskrnl.exe", functions: ["ExAllocatePool2", "ExFreePoolWithTag", "IoCompleteRequest"], bound: { ExAllocatePool2: ntBase + 0x9b2010n, ExFreePoolWithTag: ntBase + 0x9b3450n, IoCompleteRequest: ntBase + 0x2a1f0n } }],
    },
    MYFAULT_BASE,
  );
  moveIat(p, MYFAULT_BASE, myfault.image, "ntoskrnl.exe!ExAllocatePool2", ALLOCATOR_SLOT_RVA);
  // Discarded: INIT's pages are gone from a loaded driver.
  p.target.memory.unmap(MYFAULT_BASE + BigInt(myfault.image.sectionRva.INIT), 0x1000);
  // lm: myfault fffff807`47f50000 fffff807`47f59000 (ImageSize 0x9000).
  p.target.modules[p.target.modules.length - 1].size = 0x9000;
  p.target.memory.map(MYFAULT_BASE + BigInt(myfault.image.sizeOfImage), Math.max(0, 0x9000 - myfault.image.sizeOfImage));

  // Two more drivers hold "Leak" in data only: a message string and a table of tags.
  const str = new TextEncoder().encode("Leak detection enabled\0");
  p.driver("monitor.sys", {
    sections: [
      { name: ".text", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ, size: 0x3000 },
      { name: ".rdata", characteristics: SCN.INITIALIZED_DATA | SCN.READ, content: str, size: 0x1000 },
    ],
  }, 0xfffff80747f30000n);
  const table = new Uint8Array(0x100);
  table.set([0x4c, 0x65, 0x61, 0x6b], 0x40);
  p.driver("clipsp.sys", {
    sections: [
      { name: ".text", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ, size: 0x8000 },
      { name: ".data", characteristics: SCN.INITIALIZED_DATA | SCN.READ | SCN.WRITE, content: table },
    ],
  }, 0xfffff80723c00000n);
  // The debugger's triage\pooltag.txt: lines written in its format from the descriptions seed 000's !poolused
  // printed ("Etw Buffer , Binary: nt!etw"); not a copy of Microsoft's file.
  p.target.addFile(
    "C:\\Program Files (x86)\\Windows Kits\\10\\Debuggers\\x64\\triage\\pooltag.txt",
    ["//", "// Pool tag file (test copy)", "//", "EtwB - nt!etw       - Etw Buffer", "EtwR - nt!etw       - Etw KM RegEntry", "File - nt!io        - File objects", "Thre - nt!ps        - Thread objects"].join("\r\n"),
  );
  if (options.noTrackerSymbols) {
    for (const s of ["PoolTrackTable", "PoolTrackTableSize", "ExPoolTagTables", "PoolTrackTableExpansion", "PoolTrackTableExpansionSize", "KeNumberProcessors"]) p.target.removeSymbol("nt", s);
  }
  return p;
}

/** Moves an import descriptor's IAT to `slotRva` (inside .rdata, where MSVC places it) so `key` sits there. */
function moveIat(p: PoolTargetBuilder, base: bigint, image: { bytes: Uint8Array; iatRva: Record<string, number> }, key: string, slotRva: number): void {
  const bytes = image.bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const nt = view.getUint32(0x3c, true);
  const opt = nt + 0x18;
  const importRva = view.getUint32(opt + 0x70 + 8, true); // data directory 1 (import), PE32+
  const oldIat = image.iatRva[key];
  let n = 0;
  while (view.getBigUint64(oldIat + n * 8, true) !== 0n) n++;
  const iat = bytes.slice(oldIat, oldIat + (n + 1) * 8);
  p.target.memory.write(base + BigInt(slotRva), iat);
  p.target.memory.writeU32(base + BigInt(importRva + 0x10), slotRva);
}

/** Seed 003: a 32-bit Windows 7 kernel whose top nonpaged tag is `None` (untagged ExAllocatePool). */
export function seed003(): PoolTargetBuilder {
  const p = new PoolTargetBuilder({ pointerSize: 4, build: BUILDS.win7sp1, dump: "C:\\Windows\\MEMORY.DMP", tableSize: 512 });
  p.tag({ tag: "None", nonPagedAllocs: 246479, nonPagedBytes: 50827424 });
  p.tag({ tag: "MmCm", nonPagedAllocs: 1198, nonPagedBytes: 18462512 });
  return p;
}
