// !leaktag on a large kernel: the owner search over 200 driver images (150 MB, laid out as real drivers), and the tag ranking plus two
// @$leaks() snapshots over 2,048 tracker entries x 16 processors + an expansion table + 65,536 big-page entries.
import { BenchScenario } from "../scenario";
import { EmulatedTarget } from "../../test/emulator/target";
import { HostControl } from "../../test/emulator/host";
import { PoolTargetBuilder, BUILDS } from "../../test/targets/pool";
import { poolTrackerLayout, bigPagesLayout } from "../../test/targets/layouts";
import { BuiltImage } from "../../test/targets/pe-builder";
import { driverSizes, driverSections, settleDriver, residentSectionRuns, DriverSizes } from "../../test/targets/driver-layout";

const MODULES = 200;
const IMAGE_BYTES = 150 * 1024 * 1024;
const TABLE = 2048;
const CPUS = 16;
const EXPANSION = 64;
const BIG = 65536;
const IMAGES_TABLE = 256;
const IMAGES_BIG = 256;

const drivers = new WeakMap<EmulatedTarget, { base: bigint; image: BuiltImage; sizes: DriverSizes }[]>();

/**
 * 200 drivers laid out as real ones are in a running kernel (test/targets/driver-layout.ts, modeled on the section
 * tables of the real images in test/fixtures/pe): .text, PAGE, .rdata, .data, .pdata resident; INIT and .reloc
 * freed; in one driver in eight, two pages of PAGE paged out.
 */
function imagesTarget(): EmulatedTarget {
  const p = new PoolTargetBuilder({ pointerSize: 8, build: BUILDS.win10_22h2, dump: "C:\\Windows\\MEMORY.DMP", tableSize: IMAGES_TABLE, bigPageTableSize: IMAGES_BIG });
  p.tag({ tag: "Leak", nonPagedAllocs: 119, nonPagedBytes: 119 * 40 * 1024 * 1024 });
  const per = Math.floor(IMAGE_BYTES / MODULES / 0x1000) * 0x1000;
  const code = new Uint8Array(0x100);
  code.set([0x41, 0xb8, 0x4c, 0x65, 0x61, 0x6b], 0x40);
  const list: { base: bigint; image: BuiltImage; sizes: DriverSizes }[] = [];
  for (let i = 0; i < MODULES; i++) {
    const sizes = driverSizes(per, i);
    const d = p.driver("drv" + i + ".sys", { sections: driverSections(sizes, { text: i === 137 ? code : undefined }) });
    const pagedOut = i % 8 === 3 ? [1 + (i % 5), 9 + (i % 7)] : [];
    settleDriver(p.target.memory, d.base, d.image, sizes, pagedOut);
    list.push({ base: d.base, image: d.image, sizes });
  }
  drivers.set(p.target, list);
  return p.target;
}

/** Header bytes a reader needs: through the section table. */
function headerBytes(image: Uint8Array): number {
  const v = new DataView(image.buffer, image.byteOffset);
  const nt = v.getUint32(0x3c, true);
  return nt + 0x18 + v.getUint16(nt + 0x14, true) + v.getUint16(nt + 6, true) * 0x28;
}

function trackerTarget(): EmulatedTarget {
  const expansionTags = [];
  for (let i = 0; i < EXPANSION; i++) expansionTags.push({ tag: "X" + String(100 + i), nonPagedAllocs: 3, nonPagedBytes: 300 });
  const p = new PoolTargetBuilder({ pointerSize: 8, build: BUILDS.win10_22h2, tableSize: TABLE, processors: CPUS, expansionTags, bigPageTableSize: BIG });
  for (let i = 1; i < TABLE - 1; i++) p.tag({ tag: "T" + String(100 + (i % 900)) .slice(0, 3) + String.fromCharCode(65 + (i % 26)), nonPagedAllocs: i, nonPagedBytes: i * 64, pagedAllocs: i % 7, pagedBytes: (i % 7) * 128 });
  for (let i = 0; i < BIG - 1; i++) p.bigPage(i % 3 ? "Leak" : "Big ", 0x2000 + (i % 5) * 0x1000, { free: i % 4 === 0 });
  return p.target;
}

const ptr = (c: HostControl, a: bigint) => c.int64.fromBig(a);
type Mem = { readMemoryValues(l: unknown, n: number, s: number): unknown };

export const scenario: BenchScenario = {
  name: '!leaktag "Leak"',
  target: "Win10 22H2 x64 dump, 200 drivers, 150 MB of images (INIT and .reloc freed, 1 in 8 with 2 PAGE pages out)",
  build: imagesTarget,
  commands: ['!leaktag "Leak"'],
  // The way public scripts search: `s -a` per module, which reads the image page by page.
  naive(control, target) {
    const mem = (control.host as unknown as { memory: Mem }).memory;
    for (const m of target.modules) {
      for (let off = 0; off < m.size; off += 0x1000) {
        try {
          mem.readMemoryValues(ptr(control, m.base + BigInt(off)), 0x1000, 1);
        } catch (e) {
          // unreadable page: s skips it
        }
      }
    }
  },
  // Each driver's headers through its section table, then each run of resident section bytes, once; plus the
  // tracker and big-page tables. A freed INIT or .reloc is not in the floor: nothing of it can be read.
  floor: (target) => {
    const ranges: number[] = [poolTrackerLayout(BUILDS.win10_22h2, 8).size * IMAGES_TABLE, bigPagesLayout(BUILDS.win10_22h2, 8).size * IMAGES_BIG];
    for (const d of drivers.get(target) || []) {
      ranges.push(headerBytes(d.image.bytes));
      const sections = [".text", "PAGE", ".rdata", ".data", ".pdata", "INIT", ".reloc"].map((name, k) => ({ name, size: [d.sizes.text, d.sizes.page, d.sizes.rdata, d.sizes.data, d.sizes.pdata, d.sizes.init, d.sizes.reloc][k] }));
      for (const [s, e] of residentSectionRuns(target.memory, d.base, d.image, sections)) ranges.push(e - s);
    }
    return { ranges };
  },
};

export const trackerScenario: BenchScenario = {
  name: "!leaktag + dx @$leaks() x2",
  target: "Win10 22H2 x64 live, 2,048 tags x 16 CPUs + expansion, 65,536 big pages",
  build: trackerTarget,
  commands: ["!leaktag", "dx @$leaks()", "dx @$leaks()"],
  // Public scripts: one typed-object field read per counter per entry per processor table.
  naive(control, target) {
    const mem = (control.host as unknown as { memory: Mem }).memory;
    const layout = poolTrackerLayout(BUILDS.win10_22h2, 8);
    // The table addresses, as such a script would get them from dx nt!ExPoolTagTables (not counted).
    const arrayAt = target.symbols.get("nt!ExPoolTagTables")!;
    const tables: bigint[] = [];
    for (let t = 0; t < CPUS; t++) {
      const b = target.memory.read(arrayAt + BigInt(t * 8), 8) as Uint8Array;
      tables.push(new DataView(b.buffer, b.byteOffset).getBigUint64(0, true));
    }
    for (let run = 0; run < 3; run++) {
      for (const table of tables) {
        for (let i = 0; i < TABLE; i++) {
          for (const f of ["Key", "NonPagedAllocs", "NonPagedFrees", "NonPagedBytes", "PagedAllocs", "PagedFrees", "PagedBytes"] as const) {
            try {
              mem.readMemoryValues(ptr(control, table + BigInt(i * layout.size + layout[f][0])), 1, layout[f][1]);
            } catch (e) {
              // counted all the same
            }
          }
        }
      }
    }
  },
  // Each command reads the 16 processor tables and the expansion table once.
  floor: () => {
    const size = poolTrackerLayout(BUILDS.win10_22h2, 8).size;
    const ranges: number[] = [];
    for (let run = 0; run < 3; run++) {
      for (let t = 0; t < CPUS; t++) ranges.push(TABLE * size);
      ranges.push(EXPANSION * size);
    }
    return { ranges };
  },
};
