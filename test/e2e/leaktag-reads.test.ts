// !leaktag's image reads on drivers laid out as real ones are in a running kernel (test/targets/driver-layout.ts:
// .text, PAGE, .rdata, .data, .pdata, then INIT and .reloc freed by the kernel, some PAGE pages paged out). Every read
// the command makes into a driver's range is logged and charged as the emulated link charges it (a failed read pays
// the bytes and packets before its hole, plus one packet), then compared with the floor: each driver's header page
// and each run of its resident section bytes, read once.
import { DebuggerSession } from "../emulator/session";
import { KD_PACKET_BYTES } from "../emulator/host";
import { PoolTargetBuilder, BUILDS } from "../targets/pool";
import { driverSizes, driverSections, settleDriver, residentSectionRuns, DriverSizes } from "../targets/driver-layout";
import type { BuiltImage } from "../targets/pe-builder";

type Rec = Record<string, unknown>;

interface Logged {
  address: bigint;
  size: number;
  /** Bytes before the first unreadable page, for a failed read; the size for one that read. */
  copied: number;
  ok: boolean;
}

const packetsOf = (n: number) => Math.max(1, Math.ceil(n / KD_PACKET_BYTES));

function scene() {
  const p = new PoolTargetBuilder({ pointerSize: 8, build: BUILDS.win10_22h2, processors: 2 });
  p.tag({ tag: "Leak", nonPagedAllocs: 40, nonPagedBytes: 40 * 0x3000 });
  const movTag = Uint8Array.from([0x90, 0x41, 0xb8, 0x4c, 0x65, 0x61, 0x6b, 0x90]); // mov r8d, 'Leak'
  const drivers: { name: string; base: bigint; image: BuiltImage; sizes: DriverSizes; pagedOut: number[] }[] = [];
  const specs = [
    { name: "alpha.sys", bytes: 0x60000, content: { text: movTag }, pagedOut: [] as number[] },
    // The tag in INIT (DriverEntry's allocation): freed, so not found, and said so.
    { name: "beta.sys", bytes: 0x48000, content: { init: movTag }, pagedOut: [] },
    // The tag in PAGE's first page; pages 3 and 4 of PAGE paged out.
    { name: "gamma.sys", bytes: 0x70000, content: { page: movTag }, pagedOut: [3, 4] },
  ];
  specs.forEach((s, i) => {
    const sizes = driverSizes(s.bytes, i);
    const d = p.driver(s.name, { sections: driverSections(sizes, s.content) });
    settleDriver(p.target.memory, d.base, d.image, sizes, s.pagedOut);
    drivers.push({ name: s.name, base: d.base, image: d.image, sizes, pagedOut: s.pagedOut });
  });
  return { p, drivers };
}

describe("!leaktag reads each driver once, in runs of resident sections", () => {
  test("INIT and .reloc freed, PAGE partly paged out: no byte read twice, bytes and packets near the floor", () => {
    const { p, drivers } = scene();
    const session = DebuggerSession.load(p.target);
    const log: Logged[] = [];
    const memory = p.target.memory;
    const read = memory.read.bind(memory);
    memory.read = (address: bigint, size: number) => {
      const r = read(address, size);
      const copied = r instanceof Uint8Array ? size : Math.max(0, Number(r.unreadableAt - address));
      log.push({ address, size, copied, ok: r instanceof Uint8Array });
      return r;
    };
    const r = session.run('!leaktag "Leak"');
    expect(r.escaped).toBeNull();

    // What was found and what was not searched.
    const owners = (r.value as Rec).Owners as Rec[];
    expect(owners.map((o) => o.Module).sort()).toEqual(["alpha", "gamma"]);
    expect(r.output).toMatch(/beta INIT .*discard/);
    expect(r.output).toMatch(/gamma PAGE .*paged out/);

    for (const d of drivers) {
      const end = d.base + BigInt(d.image.sizeOfImage);
      const mine = log.filter((l) => l.address >= d.base && l.address < end);
      // No byte of the driver read twice by reads that succeeded.
      const ok = mine.filter((l) => l.ok).sort((a, b) => (a.address < b.address ? -1 : 1));
      for (let i = 1; i < ok.length; i++) expect(ok[i].address >= ok[i - 1].address + BigInt(ok[i - 1].size)).toBe(true);
      // The floor: the header page, then each run of resident section bytes, one read each.
      const runs = residentSectionRuns(memory, d.base, d.image, [
        { name: ".text", size: d.sizes.text },
        { name: "PAGE", size: d.sizes.page },
        { name: ".rdata", size: d.sizes.rdata },
        { name: ".data", size: d.sizes.data },
        { name: ".pdata", size: d.sizes.pdata },
        { name: "INIT", size: d.sizes.init },
        { name: ".reloc", size: d.sizes.reloc },
      ]);
      const floorBytes = 0x1000 + runs.reduce((n, [s, e]) => n + e - s, 0);
      const floorPackets = packetsOf(0x1000) + runs.reduce((n, [s, e]) => n + packetsOf(e - s), 0);
      const bytes = mine.reduce((n, l) => n + l.copied, 0);
      const packets = mine.reduce((n, l) => n + (l.ok ? packetsOf(l.size) : Math.ceil(l.copied / KD_PACKET_BYTES) + 1), 0);
      expect({ driver: d.name, bytes: bytes <= floorBytes * 1.1 }).toEqual({ driver: d.name, bytes: true });
      expect({ driver: d.name, packets: packets <= floorPackets * 1.25 }).toEqual({ driver: d.name, packets: true });
    }
  });
});
