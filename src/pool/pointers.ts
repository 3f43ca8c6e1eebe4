// Pointers inside a block's first bytes that lead into loaded modules: the second way to name an allocation's
// owner. A driver's list heads, callbacks, vtables and globals live in its image, so its blocks point there even
// when the tag is shared (`None`, `Mdl `, `Irp `) and no image holds the tag's bytes.
import { Address } from "../core/address";
import { u64Address } from "../core/bytes";

export interface ModuleRange {
  name: string;
  base: Address;
  size: number;
}

export interface PointerHit {
  /** Offset of the pointer inside the block's data. */
  offset: number;
  value: Address;
  module: ModuleRange;
  rva: number;
}

/** Modules sorted by base, for a binary search per value: thousands of blocks x 32 slots x hundreds of modules. */
export class ModuleIndex {
  private readonly sorted: ModuleRange[];

  constructor(modules: ModuleRange[]) {
    this.sorted = modules.filter((m) => m.size > 0).slice().sort((a, b) => a.base.compare(b.base));
  }

  find(value: Address): ModuleRange | null {
    let lo = 0;
    let hi = this.sorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = this.sorted[mid];
      if (value.compare(m.base) < 0) hi = mid - 1;
      else if (value.isWithin(m.base, m.size)) return m;
      else lo = mid + 1;
    }
    return null;
  }
}

/** Every 8-byte-aligned value of `data` that lies inside a module (x64 kernel: only canonical kernel addresses). */
export function findPointers(data: Uint8Array, modules: ModuleIndex): PointerHit[] {
  const hits: PointerHit[] = [];
  for (let offset = 0; offset + 8 <= data.length; offset += 8) {
    const value = u64Address(data, offset);
    if (value.hi < 0xffff8000) continue;
    const module = modules.find(value);
    if (!module) continue;
    hits.push({ offset, value, module, rva: value.distanceFrom(module.base) as number });
  }
  return hits;
}

/** `drv!CWidget::\`vftable'` -> `CWidget`: a pointer to a C++ vtable names its object's class. */
export function vftableClass(symbol: string): string | null {
  const m = /^[^!]+!(.+)::`vftable'(?:\+0x0)?$/.exec(symbol);
  return m ? m[1] : null;
}
