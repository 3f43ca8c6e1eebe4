// Kernel drivers laid out as real ones are in memory, for tests and the bench that count reads.
//
// Model: the section tables of the real images in test/fixtures/pe (llvm-readobj-14 --sections):
//   bufferutil-x64.node (MSVC):  .text 0x1000 vs 0x17570 (0x60000020) | .rdata 0x19000 vs 0xB402 (0x40000040) |
//     .data 0x25000 vs 0x1C30 (0xC0000040) | .pdata 0x27000 vs 0x1500 (0x40000040) | .fptable | .rsrc |
//     .reloc 0x2B000 vs 0x690 (0x42000040, discardable)
//   wine/*.sys (GNU ld):  .text, .data, .rdata, .pdata, .xdata, .bss, .edata, .idata, then .reloc and .debug_*,
//     all discardable (0x42000040): every one of the 17 drivers ends in discardable sections.
// Sections start on a page (SectionAlignment 0x1000) and their VirtualSize is not a page multiple. A kernel driver
// built by the WDK adds PAGE (pageable code, named by `#pragma alloc_text(PAGE, ...)`) after .text and INIT (the
// DriverEntry code and the import descriptors and names, discardable) before .reloc; the kernel frees discardable
// sections once the driver is initialised, and pages PAGE in and out (seed 000's myfault: INIT unreadable).
import { SectionSpec, SCN, BuiltImage } from "./pe-builder";
import { SparseMemory } from "../emulator/memory";

export interface DriverSizes {
  text: number;
  page: number;
  rdata: number;
  data: number;
  pdata: number;
  init: number;
  reloc: number;
}

/** Sizes for a driver of about `bytes` bytes of image (section bytes in the proportions of a real driver). */
export function driverSizes(bytes: number, seed = 0): DriverSizes {
  const odd = (n: number, k: number) => Math.max(0x100, Math.floor(n) - 0x1000 + ((seed * 0x1d3 + k * 0x95) % 0xf00) + 0x40);
  return {
    text: odd(bytes * 0.57, 1),
    page: odd(bytes * 0.16, 2),
    rdata: odd(bytes * 0.13, 3),
    data: odd(bytes * 0.04, 4),
    pdata: odd(bytes * 0.05, 5),
    init: odd(bytes * 0.03, 6),
    reloc: odd(Math.min(bytes * 0.01, 0x2000), 7),
  };
}

/** The sections of a WDK-built x64 driver, in the linker's order, with code placed at the start of .text / PAGE / INIT. */
export function driverSections(sizes: DriverSizes, content: { text?: Uint8Array; page?: Uint8Array; init?: Uint8Array } = {}): SectionSpec[] {
  return [
    { name: ".text", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ, size: sizes.text, content: content.text },
    { name: "PAGE", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ, size: sizes.page, content: content.page },
    { name: ".rdata", characteristics: SCN.INITIALIZED_DATA | SCN.READ, size: sizes.rdata },
    { name: ".data", characteristics: SCN.INITIALIZED_DATA | SCN.READ | SCN.WRITE, size: sizes.data },
    { name: ".pdata", characteristics: SCN.INITIALIZED_DATA | SCN.READ, size: sizes.pdata },
    { name: "INIT", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ | SCN.DISCARDABLE, size: sizes.init, content: content.init },
    { name: ".reloc", characteristics: SCN.INITIALIZED_DATA | SCN.READ | SCN.DISCARDABLE, size: sizes.reloc },
  ];
}

/**
 * What the kernel leaves of a loaded driver: discardable sections freed (INIT, .reloc), and `pagedOut` pages of
 * PAGE (page indexes inside the section) not resident.
 */
export function settleDriver(memory: SparseMemory, base: bigint, image: BuiltImage, sizes: DriverSizes, pagedOut: number[] = []): void {
  memory.unmap(base + BigInt(image.sectionRva["INIT"]), sizes.init);
  memory.unmap(base + BigInt(image.sectionRva[".reloc"]), sizes.reloc);
  for (const p of pagedOut) memory.unmap(base + BigInt(image.sectionRva["PAGE"] + p * 0x1000), 0x1000);
}

/**
 * The floor for reading a module's sections: each maximal run of resident section bytes, as [start, end) offsets
 * from `base` (padding between two sections in one page is part of the run; an unmapped page ends it). Computed from
 * the emulator's memory, not from the code under test.
 */
export function residentSectionRuns(memory: SparseMemory, base: bigint, image: BuiltImage, sections: { name: string; size: number }[]): [number, number][] {
  const bytes: [number, number][] = [];
  for (const s of sections) {
    const start = image.sectionRva[s.name];
    for (let at = start; at < start + s.size; at = (Math.floor(at / 0x1000) + 1) * 0x1000) {
      const end = Math.min(start + s.size, (Math.floor(at / 0x1000) + 1) * 0x1000);
      if (memory.isMapped(base + BigInt(at))) bytes.push([at, end]);
    }
  }
  bytes.sort((a, b) => a[0] - b[0]);
  const runs: [number, number][] = [];
  for (const r of bytes) {
    const last = runs[runs.length - 1];
    // Joined when the gap between them is padding inside pages that are mapped.
    if (last && r[0] - last[1] < 0x1000 && memory.isMapped(base + BigInt(last[1])) && memory.isMapped(base + BigInt(r[0] - 1))) last[1] = r[1];
    else runs.push([r[0], r[1]]);
  }
  return runs;
}
