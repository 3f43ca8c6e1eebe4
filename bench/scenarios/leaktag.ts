// !leaktag on a large kernel: the owner search over 200 driver images (150 MB), and the tag ranking plus two
// @$leaks() snapshots over 2,048 tracker entries x 16 processors + an expansion table + 65,536 big-page entries.
import { BenchScenario } from "../scenario";
import { EmulatedTarget } from "../../test/emulator/target";
import { HostControl } from "../../test/emulator/host";
import { PoolTargetBuilder, BUILDS, SCN } from "../../test/targets/pool";
import { poolTrackerLayout } from "../../test/targets/layouts";

const MODULES = 200;
const IMAGE_BYTES = 150 * 1024 * 1024;
const TABLE = 2048;
const CPUS = 16;
const EXPANSION = 64;
const BIG = 65536;

function imagesTarget(): EmulatedTarget {
  const p = new PoolTargetBuilder({ pointerSize: 8, build: BUILDS.win10_22h2, dump: "C:\\Windows\\MEMORY.DMP", tableSize: 256, bigPageTableSize: 256 });
  p.tag({ tag: "Leak", nonPagedAllocs: 119, nonPagedBytes: 119 * 40 * 1024 * 1024 });
  const per = Math.floor(IMAGE_BYTES / MODULES / 0x1000) * 0x1000;
  const code = new Uint8Array(0x100);
  code.set([0x41, 0xb8, 0x4c, 0x65, 0x61, 0x6b], 0x40);
  for (let i = 0; i < MODULES; i++) {
    p.driver("drv" + i + ".sys", {
      sections: [
        { name: ".text", characteristics: SCN.CODE | SCN.EXECUTE | SCN.READ, content: i === 137 ? code : undefined, size: per - 0x4000 },
        { name: ".data", characteristics: SCN.INITIALIZED_DATA | SCN.READ | SCN.WRITE, size: 0x1000 },
      ],
    });
  }
  return p.target;
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
  target: "Win10 22H2 x64 dump, 200 drivers, 150 MB of images",
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
  // Every module's sections once (the image minus its header page), plus the tracker and big-page tables.
  floor: (target) => ({ ranges: target.modules.filter((m) => m.name !== "nt").map((m) => m.size - 0x1000) }),
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
