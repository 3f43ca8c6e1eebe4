// Segment-heap scenes for !poolallocs: a tag 'Leak' spread over LFH buckets, VS chunks of several sizes and big
// pages, freed blocks of the same tag, other tags around them, and blocks that point into a driver's .data.
import { SegmentHeapBuilder, SliceBuild, HEAP_INDEX, BlockSpec, pointerBytes, Placed } from "./segment-heap";
import { SCN } from "./pool";

export interface SceneOptions {
  build: SliceBuild;
  reportedBuild?: number;
  encodeAs26100?: boolean;
  withTypes?: boolean;
  seed?: number;
}

export interface Scene {
  s: SegmentHeapBuilder;
  /** The live 'Leak' allocations the kernel holds: small ones and big ones. */
  live: { address: bigint; size: number; kind: "LFH" | "VS" | "Big"; pool: "NonPaged" | "Paged" }[];
  leakdrvData: bigint;
  otherdrvData: bigint;
}

export function leakScene(options: SceneOptions): Scene {
  const s = new SegmentHeapBuilder({ build: options.build, reportedBuild: options.reportedBuild, encodeAs26100: options.encodeAs26100, withTypes: options.withTypes, seed: options.seed });
  const leakdrv = s.pool.driver("leakdrv.sys", {
    sections: [
      { name: ".text", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ, size: 0x2000 },
      { name: ".data", characteristics: SCN.INITIALIZED_DATA | SCN.READ | SCN.WRITE, size: 0x1000 },
    ],
  });
  const otherdrv = s.pool.driver("otherdrv.sys", {
    sections: [
      { name: ".text", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ, size: 0x1000 },
      { name: ".data", characteristics: SCN.INITIALIZED_DATA | SCN.READ | SCN.WRITE, size: 0x1000 },
    ],
  });
  const leakdrvData = leakdrv.base + BigInt(leakdrv.image.sectionRva[".data"]);
  const otherdrvData = otherdrv.base + BigInt(otherdrv.image.sectionRva[".data"]);
  const leak = (bytes: number, busy = true): BlockSpec => ({ tag: "Leak", bytes, busy, content: pointerBytes(0x6b61654cn, leakdrvData + 0x10n) });
  const other = (tag: string, bytes: number, busy = true): BlockSpec => ({ tag, bytes, busy, content: pointerBytes(otherdrvData + 0x20n) });
  const mix = (...groups: BlockSpec[][]): BlockSpec[] => {
    const out: BlockSpec[] = [];
    const max = Math.max(...groups.map((g) => g.length));
    for (let i = 0; i < max; i++) for (const g of groups) if (i < g.length) out.push(g[i]);
    return out;
  };
  const n = (count: number, f: () => BlockSpec) => Array.from({ length: count }, f);
  // LFH, nonpaged, 0x40 bucket: 30 live Leak, 8 freed Leak, 40 Othr.
  s.lfh(HEAP_INDEX.NonPaged, mix(n(30, () => leak(0x30)), n(8, () => leak(0x30, false)), n(40, () => other("Othr", 0x28))));
  // LFH, paged, 0x100 bucket over 2-page subsegments: 10 live Leak, 2 freed, 12 File.
  s.lfh(HEAP_INDEX.Paged, mix(n(10, () => leak(0xf0)), n(2, () => leak(0xe0, false)), n(12, () => other("File", 0xf0))), 2);
  // LFH, nonpaged NX, 0x200 bucket: 5 live Leak.
  s.lfh(HEAP_INDEX.NonPagedNx, n(5, () => leak(0x1e0)));
  // VS, nonpaged NX: Leak of three sizes, freed Leak, Fil chunks between them.
  s.vs(HEAP_INDEX.NonPagedNx, mix(n(3, () => leak(0x290)), n(3, () => other("Fil ", 0x200)), n(3, () => leak(0x510)), n(3, () => leak(0x290, false)), n(3, () => leak(0x7f0))));
  // VS, paged: 2 Leak of 0x900.
  s.vs(HEAP_INDEX.Paged, mix(n(2, () => leak(0x900)), n(2, () => other("Ntf ", 0x300))));
  // Walked last: subsegments with no 'Leak', which a walk that stops at the tracker's count never reads.
  s.lfh(HEAP_INDEX.Paged, n(60, () => other("Ntfx", 0x50)), 2);
  const bigs = [{ size: 0x3000 }, { size: 0x5000, paged: true }];
  const bigAddresses = bigs.map((b) => s.pool.bigPage("Leak", b.size, { paged: b.paged }));
  for (const a of bigAddresses) s.target.memory.map(a, 0x1000);
  s.target.memory.write(bigAddresses[0], pointerBytes(leakdrvData + 0x40n));
  s.pool.bigPage("Leak", 0x4000, { free: true });
  s.pool.bigPage("Othr", 0x2000);
  s.trackTag("Leak", bigs);
  s.trackTag("Othr");
  s.finish();
  const live = s.placed
    .filter((p: Placed) => p.tag === "Leak" && p.busy)
    .map((p) => ({ address: p.address, size: p.size, kind: p.kind as "LFH" | "VS" | "Big", pool: p.pool }))
    .concat(bigAddresses.map((a, i) => ({ address: a, size: bigs[i].size, kind: "Big" as const, pool: bigs[i].paged ? ("Paged" as const) : ("NonPaged" as const) })));
  return { s, live, leakdrvData, otherdrvData };
}

/** nt's ExAllocatePool2 and ExFreePoolWithTag, at offsets inside the emulated nt image (as seed 000 binds them). */
const NT_EXPORTS = { ExAllocatePool2: 0x9b2010n, ExFreePoolWithTag: 0x9b3450n };

/**
 * The sample scene: leakydrv.sys allocates 'Leak' blocks of 0x60 bytes from its code (mov r8d, 'Leak'; call
 * [ExAllocatePool2]) and links each into a list whose head, g_LeakList, is in its .data; 20,000 are live (LFH, 0x70
 * bucket) and a few larger ones went to VS. Other drivers' tags fill the same subsegments.
 */
export function leakyDriverScene(count = 20000): Scene {
  const s = new SegmentHeapBuilder({ build: 19041, seed: 2026, dump: true, bigPageTableSize: 1024 });
  const ntBase = BigInt(s.target.modules[0].base);
  const drv = s.pool.driver("leakydrv.sys", {
    sections: [
      { name: ".text", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ, size: 0x2000 },
      { name: ".rdata", characteristics: SCN.INITIALIZED_DATA | SCN.READ, size: 0x1000 },
      { name: ".data", characteristics: SCN.INITIALIZED_DATA | SCN.READ | SCN.WRITE, size: 0x1000 },
    ],
    imports: [{ dll: "ntoskrnl.exe", functions: ["ExAllocatePool2", "ExFreePoolWithTag"], bound: { ExAllocatePool2: ntBase + NT_EXPORTS.ExAllocatePool2, ExFreePoolWithTag: ntBase + NT_EXPORTS.ExFreePoolWithTag } }],
  });
  // The allocation site: mov r8d, 'Leak' (41 b8 4c 65 61 6b); call qword ptr [rip+disp32] to the IAT slot.
  const site = drv.image.sectionRva[".text"] + 0x240;
  const slot = drv.image.iatRva["ntoskrnl.exe!ExAllocatePool2"];
  const code = new Uint8Array([0x41, 0xb8, 0x4c, 0x65, 0x61, 0x6b, 0xff, 0x15, 0, 0, 0, 0]);
  new DataView(code.buffer).setInt32(8, slot - (site + 12), true);
  s.target.memory.write(drv.base + BigInt(site), code);
  const other = s.pool.driver("netio.sys", {
    sections: [
      { name: ".text", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ, size: 0x1000 },
      { name: ".data", characteristics: SCN.INITIALIZED_DATA | SCN.READ | SCN.WRITE, size: 0x1000 },
    ],
  });
  const data = drv.base + BigInt(drv.image.sectionRva[".data"]);
  const listHead = data + 0x80n; // g_LeakList
  const text = new TextEncoder().encode("leaked request context");
  const leakContent = (i: number) => {
    const bytes = new Uint8Array(0x40);
    bytes.set(pointerBytes(listHead, listHead), 0); // LIST_ENTRY linked into g_LeakList
    new DataView(bytes.buffer).setUint32(0x10, i, true);
    bytes.set(text, 0x18);
    return bytes;
  };
  const netio = other.base + BigInt(other.image.sectionRva[".data"]);
  const specs: BlockSpec[] = [];
  for (let i = 0; i < count; i++) {
    specs.push({ tag: "Leak", bytes: 0x60, busy: true, content: leakContent(i) });
    if (i % 2 === 0) specs.push({ tag: "Nbuf", bytes: 0x58, busy: true, content: pointerBytes(netio + 0x10n) });
    if (i % 50 === 0) specs.push({ tag: "Leak", bytes: 0x60, busy: false, content: leakContent(i) });
  }
  s.lfh(HEAP_INDEX.NonPaged, specs);
  const vs: BlockSpec[] = [];
  for (let i = 0; i < 40; i++) {
    vs.push({ tag: "Leak", bytes: 0x380, busy: true, content: leakContent(count + i) });
    vs.push({ tag: "Nbuf", bytes: 0x200, busy: true, content: pointerBytes(netio + 0x10n) });
  }
  s.vs(HEAP_INDEX.NonPaged, vs);
  s.lfh(HEAP_INDEX.Paged, Array.from({ length: 300 }, () => ({ tag: "CM31", bytes: 0x90, busy: true })), 2);
  s.trackTag("Leak");
  s.trackTag("Nbuf");
  s.trackTag("CM31");
  s.finish();
  const live = s.placed.filter((p) => p.tag === "Leak" && p.busy).map((p) => ({ address: p.address, size: p.size, kind: p.kind as "LFH" | "VS" | "Big", pool: p.pool }));
  return { s, live, leakdrvData: data, otherdrvData: netio };
}
