// Target memory as sparse 4 KB pages. Builders write through it; the emulated host reads through it and fails
// exactly as the provider does on an unreadable address.
export const PAGE = 0x1000n;

export class SparseMemory {
  private readonly pages = new Map<bigint, Uint8Array>();

  /** Makes [address, address+size) readable (zero-filled where nothing was written). */
  map(address: bigint, size: number): void {
    for (let p = address & ~(PAGE - 1n); p < address + BigInt(size); p += PAGE) {
      if (!this.pages.has(p)) this.pages.set(p, new Uint8Array(Number(PAGE)));
    }
  }

  /** Removes pages: a paged-out or discarded range. */
  unmap(address: bigint, size: number): void {
    for (let p = address & ~(PAGE - 1n); p < address + BigInt(size); p += PAGE) this.pages.delete(p);
  }

  /** Every page of `other` written over this memory: a live target that ran on (the same process, later). */
  copyFrom(other: SparseMemory): void {
    other.pages.forEach((bytes, page) => this.pages.set(page, bytes.slice()));
  }

  isMapped(address: bigint): boolean {
    return this.pages.has(address & ~(PAGE - 1n));
  }

  write(address: bigint, bytes: Uint8Array): void {
    this.map(address, bytes.length);
    let offset = 0;
    while (offset < bytes.length) {
      const a = address + BigInt(offset);
      const page = this.pages.get(a & ~(PAGE - 1n))!;
      const inPage = Number(a & (PAGE - 1n));
      const n = Math.min(bytes.length - offset, Number(PAGE) - inPage);
      page.set(bytes.subarray(offset, offset + n), inPage);
      offset += n;
    }
  }

  /** Returns the bytes, or the first unreadable address. */
  read(address: bigint, size: number): Uint8Array | { unreadableAt: bigint } {
    const out = new Uint8Array(size);
    let offset = 0;
    while (offset < size) {
      const a = address + BigInt(offset);
      const page = this.pages.get(a & ~(PAGE - 1n));
      if (!page) return { unreadableAt: a };
      const inPage = Number(a & (PAGE - 1n));
      const n = Math.min(size - offset, Number(PAGE) - inPage);
      out.set(page.subarray(inPage, inPage + n), offset);
      offset += n;
    }
    return out;
  }

  writeU8(a: bigint, v: number) { this.write(a, Uint8Array.of(v & 0xff)); }
  writeU16(a: bigint, v: number) { const b = new Uint8Array(2); new DataView(b.buffer).setUint16(0, v, true); this.write(a, b); }
  writeU32(a: bigint, v: number) { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v >>> 0, true); this.write(a, b); }
  writeU64(a: bigint, v: bigint | number) { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(v)), true); this.write(a, b); }
  writePtr(a: bigint, v: bigint | number, pointerSize: 4 | 8) { if (pointerSize === 8) this.writeU64(a, v); else this.writeU32(a, Number(BigInt(v) & 0xffffffffn)); }
  readU32(a: bigint): number { const r = this.read(a, 4); if (!(r instanceof Uint8Array)) throw new Error("unmapped"); return new DataView(r.buffer).getUint32(0, true); }
  readU64(a: bigint): bigint { const r = this.read(a, 8); if (!(r instanceof Uint8Array)) throw new Error("unmapped"); return new DataView(r.buffer).getBigUint64(0, true); }

  get mappedBytes(): number {
    return this.pages.size * Number(PAGE);
  }
}
