// npm run bench: each command's cost over a slow kernel link, next to a naive walk and the floor.
// Model: every read call is ceil(bytes / 4000) kd packets (at least one), each a 0.5 ms round trip over KDNET on a
// LAN; host calls that read no memory are not charged. Exits non-zero only when a command fails, never on timing.
import * as fs from "fs";
import * as path from "path";
import * as vm from "vm";
import { DebuggerSession } from "../test/emulator/session";
import { createHost } from "../test/emulator/host";
import { BenchScenario, Cost } from "./scenario";

const PACKET_MS = 0.5;
const PACKET_BYTES = 4000;

interface Row {
  name: string;
  target: string;
  tool: Cost & { jsMs: number; heapMB: number; modeledSeconds: number };
  naive: (Cost & { modeledSeconds: number }) | null;
  floor: { bytes: number; reads: number; packets: number; modeledSeconds: number };
  ratios: { bytes: number; packets: number; naivePackets: number | null };
  failed: string | null;
}

function loadScenarios(filter: string | undefined): BenchScenario[] {
  const dir = path.join(__dirname, "scenarios");
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort()
    .map((f) => (require(path.join(dir, f)) as { scenario: BenchScenario }).scenario)
    .filter((s) => !filter || s.name.includes(filter));
}

/** The JS heap plus the ArrayBuffers behind typed arrays: the bytes a read returns live outside the JS heap. */
function scriptMemory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function modeled(packets: number): number {
  return (packets * PACKET_MS) / 1000;
}

function run(s: BenchScenario): Row {
  const target = s.build();
  const session = DebuggerSession.load(target);
  session.control.resetCounters();
  let failed: string | null = null;
  global.gc && global.gc();
  const heapBefore = scriptMemory();
  let heapPeak = heapBefore;
  // The script's memory peaks inside a command, not after it: sample the heap on every 64th target read too.
  // Sampling costs ~1 us a call, well under the JS time reported.
  const memory = target.memory;
  const read = memory.read.bind(memory);
  let readsSinceSample = 0;
  memory.read = (address, size) => {
    if (++readsSinceSample >= 64) {
      readsSinceSample = 0;
      heapPeak = Math.max(heapPeak, scriptMemory());
    }
    return read(address, size);
  };
  const start = process.hrtime.bigint();
  for (const c of s.commands) {
    const r = session.run(c);
    heapPeak = Math.max(heapPeak, scriptMemory());
    if (r.escaped) failed = c + ": " + r.escaped;
    else if (/stopped: .*bug in leaktools/.test(r.output)) failed = c + ": " + r.output.trim().split("\n").pop();
  }
  const jsMs = Number(process.hrtime.bigint() - start) / 1e6;
  const counters = { ...session.control.counters };
  let naive: Row["naive"] = null;
  if (s.naive) {
    const naiveTarget = s.build();
    const control = createHost(naiveTarget, vm.createContext({}));
    control.apiVersion.minor = 3;
    control.enterPhase2();
    s.naive(control, naiveTarget);
    const c = control.counters;
    naive = { hostCalls: c.hostCalls, readCalls: c.readCalls, bytesRead: c.bytesRead, packets: c.packets, modeledSeconds: modeled(c.packets) };
  }
  const ranges = s.floor(target).ranges;
  const floorBytes = ranges.reduce((a, b) => a + b, 0);
  const floorPackets = ranges.reduce((a, b) => a + Math.max(1, Math.ceil(b / PACKET_BYTES)), 0);
  return {
    name: s.name,
    target: s.target,
    tool: {
      hostCalls: counters.hostCalls,
      readCalls: counters.readCalls,
      bytesRead: counters.bytesRead,
      packets: counters.packets,
      jsMs: Math.round(jsMs),
      heapMB: Math.round(((heapPeak - heapBefore) / 1048576) * 10) / 10,
      modeledSeconds: Math.round(modeled(counters.packets) * 100) / 100,
    },
    naive,
    floor: { bytes: floorBytes, reads: ranges.length, packets: floorPackets, modeledSeconds: Math.round(modeled(floorPackets) * 100) / 100 },
    ratios: {
      bytes: floorBytes ? Math.round((counters.bytesRead / floorBytes) * 100) / 100 : 0,
      packets: floorPackets ? Math.round((counters.packets / floorPackets) * 100) / 100 : 0,
      naivePackets: naive ? Math.round((naive.packets / Math.max(1, counters.packets)) * 10) / 10 : null,
    },
    failed,
  };
}

function pad(s: string, n: number, right = false) {
  return right ? s.padStart(n) : s.padEnd(n);
}

function main() {
  const filter = process.argv[2];
  const rows = loadScenarios(filter).map(run);
  const header = ["command", "reads", "bytes", "packets", "KDNET s", "JS ms", "heap MB", "bytes/floor", "pkts/floor", "naive pkts", "naive/tool"];
  const widths = [34, 8, 12, 9, 8, 7, 8, 11, 10, 11, 10];
  console.log("leaktools bench: modeled KDNET time = packets x " + PACKET_MS + " ms; a packet carries at most " + PACKET_BYTES + " bytes of memory");
  console.log(header.map((h, i) => pad(h, widths[i], i > 0)).join(" "));
  for (const r of rows) {
    const cells = [
      r.name,
      String(r.tool.readCalls),
      String(r.tool.bytesRead),
      String(r.tool.packets),
      r.tool.modeledSeconds.toFixed(2),
      String(r.tool.jsMs),
      r.tool.heapMB.toFixed(1),
      r.ratios.bytes.toFixed(2),
      r.ratios.packets.toFixed(2),
      r.naive ? String(r.naive.packets) : "-",
      r.ratios.naivePackets === null ? "-" : r.ratios.naivePackets.toFixed(1) + "x",
    ];
    console.log(cells.map((c, i) => pad(c, widths[i], i > 0)).join(" ") + (r.failed ? "  FAILED: " + r.failed : ""));
    console.log("  target: " + r.target + "; floor " + r.floor.bytes + " bytes in " + r.floor.reads + " reads, " + r.floor.packets + " packets (" + r.floor.modeledSeconds.toFixed(2) + " s)");
  }
  fs.writeFileSync(path.join(__dirname, "results.json"), JSON.stringify({ model: { packetMs: PACKET_MS, packetBytes: PACKET_BYTES }, rows }, null, 2) + "\n");
  console.log("wrote bench/results.json");
  if (rows.some((r) => r.failed)) process.exit(1);
}

main();
