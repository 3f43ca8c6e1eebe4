// How to read a loaded image's sections over a slow link. On a running kernel a driver's last sections are nearly
// always discardable (INIT, .reloc: the kernel frees them once the driver is initialised) and its PAGE* sections are
// pageable, so one read from the first section to the last fails, and a failed read still pays for the bytes before
// its hole. So: one read per run of adjacent sections expected resident, and each section that may be absent
// (discardable, or named PAGE*) on its own; no byte planned twice.
import { PAGE_SIZE } from "../core/limits";
import type { Section } from "./image";

export interface SectionRead {
  /** RVA of the first byte, and bytes to read. */
  rva: number;
  size: number;
  /** A discardable section: when its first page does not read, it was freed whole. */
  discardable: boolean;
  /** The names of the sections it covers, for messages and tests. */
  sections: string[];
}

/** Sections whose pages may be missing on a running system: freed after initialisation, or pageable. */
export function mayBeAbsent(section: Section): boolean {
  return section.isDiscardable || /^PAGE/i.test(section.name);
}

/**
 * The reads that cover `sections` (clipped to `limit` bytes of image): adjacent sections expected resident joined
 * into one read (the padding between two sections lies in the last page of the first, which is mapped with it),
 * each section that may be absent alone. Sections that overlap (hostile headers) are read from where the previous
 * read ended, so no byte is asked twice.
 */
export function planSectionReads(sections: Section[], limit: number): SectionRead[] {
  const sorted = sections.filter((s) => s.virtualSize > 0 && s.virtualAddress < limit).slice().sort((a, b) => a.virtualAddress - b.virtualAddress);
  const reads: SectionRead[] = [];
  let covered = 0;
  let runOpen = false;
  for (const s of sorted) {
    const end = Math.min(limit, s.virtualAddress + s.virtualSize);
    const start = Math.max(s.virtualAddress, covered);
    if (end <= start) continue;
    const last = reads[reads.length - 1];
    const alone = mayBeAbsent(s);
    if (!alone && runOpen && last && start <= alignUp(last.rva + last.size)) {
      last.size = end - last.rva;
      last.sections.push(s.name);
    } else {
      reads.push({ rva: start, size: end - start, discardable: s.isDiscardable, sections: [s.name] });
    }
    runOpen = !alone;
    covered = end;
  }
  return reads;
}

function alignUp(value: number): number {
  return Math.ceil(value / PAGE_SIZE) * PAGE_SIZE;
}
