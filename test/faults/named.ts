// Named corruption cases (issue 9, "corrupted structures"): each is a real-layout target (test/targets builders)
// with one structure made hostile the way a broken or malicious target would have it, not a random byte flip.
// Each case says what the output must name (the address or the field, and what was wrong with it) and what it must
// still report (the rest of the walk). The suite runs every case and counts it in its summary; `seeAlso` names the
// per-command e2e tests that check the same corruption in more detail.
import { EmulatedTarget } from "../emulator/target";
import { TargetBuilder } from "../targets/builder";
import { pebLayout } from "../targets/layouts";
import { seed000 } from "../targets/pool-scenes";
import { PoolTargetBuilder, BUILDS } from "../targets/pool";
import { HeapTarget, virtualAllocEntryLayout } from "../targets/heap";
import { addEndlessDescriptors, addMalformedHeader, addOffsetsPastImage, buildDriver, loadDriver, x64KernelTarget, X64 } from "../targets/importers";
import { wrapperScene, verifiedDataLayout, poolEntryLayout } from "../targets/verifier";
import { storeExceptionScene, debuggerAddress } from "../targets/bugcheck";
import * as seed004 from "../fixtures/triage/seed004";
import { leakingProcess, LeakingProcess } from "../targets/heap-process";

export interface NamedCase {
  name: string;
  build: () => EmulatedTarget;
  command: string;
  /** What the output must say: the bad address or field and what it was. */
  names: RegExp[];
  /** What the output must still report: the rest of the walk. */
  rest: RegExp[];
  /** Per-command tests that check the same corruption more closely. */
  seeAlso?: string;
}

const hex = (v: bigint) => debuggerAddress(v).replace("`", "\\`");

/** The RVA of the first import descriptor of a PE image (PE/COFF: data directory 1 of the optional header). */
function importDescriptorRva(bytes: Uint8Array): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  const opt = v.getUint32(0x3c, true) + 0x18;
  return v.getUint32(opt + (v.getUint16(opt, true) === 0x20b ? 0x70 : 0x60) + 8, true);
}

/** SizeOfImage's offset in the optional header (PE/COFF: +0x38 in both PE32 and PE32+). */
function setSizeOfImage(bytes: Uint8Array, size: number): void {
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  v.setUint32(v.getUint32(0x3c, true) + 0x18 + 0x38, size, true);
}

/** A driver whose name thunk list (INT) has no zero terminator: every thunk repeats the first to the image's end. */
function addEndlessNameThunks(b: TargetBuilder, fileName: string): void {
  const d = buildDriver({ is64: true, imports: [{ dll: "ntoskrnl.exe", functions: ["ExFreePoolWithTag"] }] });
  const grown = new Uint8Array(d.sizeOfImage + 0x10000);
  grown.set(d.bytes);
  const v = new DataView(grown.buffer);
  const int = v.getUint32(importDescriptorRva(grown), true); // OriginalFirstThunk
  const first = v.getBigUint64(int, true);
  for (let at = int; at + 8 <= grown.length; at += 8) v.setBigUint64(at, first, true);
  setSizeOfImage(grown, grown.length);
  loadDriver(b, fileName, b.moduleRange(grown.length), { ...d, bytes: grown, sizeOfImage: grown.length });
}

/** A driver whose descriptor's name thunk list is the descriptor list itself (the INT loops back onto it). */
function addLoopingNameThunks(b: TargetBuilder, fileName: string): void {
  const d = buildDriver({ is64: true, imports: [{ dll: "ntoskrnl.exe", functions: ["ExFreePoolWithTag"] }] });
  const bytes = d.bytes.slice();
  const descriptor = importDescriptorRva(bytes);
  new DataView(bytes.buffer).setUint32(descriptor, descriptor, true); // OriginalFirstThunk -> the descriptors
  loadDriver(b, fileName, b.moduleRange(d.sizeOfImage), { ...d, bytes });
}

/** x64KernelTarget's healthy importers of ExAllocatePool, which every findimporter case must still list. */
const STILL_FOUND = [/legacy\b/, /quota\b/];

function findimporterCase(name: string, corrupt: (b: TargetBuilder) => void, names: RegExp[], seeAlso?: string): NamedCase {
  return {
    name,
    build: () => {
      const b = x64KernelTarget();
      corrupt(b);
      return b.target;
    },
    command: '!findimporter "ExAllocatePool"',
    names,
    rest: STILL_FOUND,
    seeAlso,
  };
}

/** seed 000 with one pool global rewritten; `!leaktag "Leak"` must still give the usage or the big pages. */
function poolCase(name: string, corrupt: (p: PoolTargetBuilder) => void, names: RegExp[], rest: RegExp[], seeAlso?: string): NamedCase {
  return {
    name,
    build: () => {
      const p = seed000();
      corrupt(p);
      return p.target;
    },
    command: '!leaktag "Leak"',
    names,
    rest,
    seeAlso,
  };
}

/** A Win10 x64 process without +ust: two encoded NT heaps of four virtual blocks each. */
function heapProcess() {
  const t = new HeapTarget({ pointerSize: 8, build: BUILDS.win10_22h2, ust: false });
  const heaps = [t.ntHeap({ encoded: true }), t.ntHeap({ encoded: true })];
  const entries = heaps.map((h) => [0, 1, 2, 3].map((i) => t.virtualBlock(h, { userSize: 0x100000 + i * 0x10 })));
  t.finish();
  return { t, heaps, entries };
}

function heapCase(name: string, corrupt: (p: ReturnType<typeof heapProcess>) => void, names: (p: ReturnType<typeof heapProcess>) => RegExp[], rest: RegExp[], seeAlso?: string): NamedCase {
  let made: ReturnType<typeof heapProcess> | null = null;
  const make = () => {
    made = heapProcess();
    corrupt(made);
    return made;
  };
  const probe = make();
  return { name, build: () => make().t.b.target, command: "!virtblocks", names: names(probe), rest, seeAlso };
}

/** The header of the second leaking 0x2000-byte buffer: right after the first (0x10 header + 0x20 +ust prefix + data). */
function secondLeakHeader(lp: LeakingProcess): bigint {
  return lp.leak.example + 0x2000n;
}

/** A seed-001-like process (test/targets/heap-process.ts: ProcessImage leaking through halcon's HXmalloc), dumped. */
function heapleaksCase(name: string, corrupt: (lp: LeakingProcess) => void, names: (lp: LeakingProcess) => RegExp[], rest: RegExp[], seeAlso?: string): NamedCase {
  const make = () => {
    const lp = leakingProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, dump: "C:\\cases\\imgsvc.dmp" });
    corrupt(lp);
    return lp;
  };
  return { name, build: () => make().target, command: "!heapleaks", names: names(make()), rest, seeAlso };
}

const SECOND_HEAP_WALKED = /NT \(encoded\)\s+4\s/;

export function namedCases(): NamedCase[] {
  const v = seed004.seedValues();
  // The verdict is the first line, before the bugcheck line (output conventions, issue 24/21).
  const storeVerdict = /^\S[^\n]*\nBugcheck 0x154 UNEXPECTED_STORE_EXCEPTION/m;
  const cases: NamedCase[] = [
    // --- PE headers and import tables (findimporter) ---
    findimporterCase("PE header: e_lfanew points past the header page", (b) => addMalformedHeader(b, "bad.sys"), [/bad: malformed PE header: e_lfanew 0xfff0 points outside the header/], "test/e2e/findimporter.test.ts: malformed, endless and unreadable images"),
    findimporterCase("PE header: import directory and descriptor Name/INT RVAs past SizeOfImage", (b) => addOffsetsPastImage(b, "past", X64.ExAllocatePool), [/past-dir: import directory at RVA 0x[0-9a-f]+ lies past the image \(SizeOfImage 0x[0-9a-f]+\)/, /past-names: import descriptor name at RVA 0x[0-9a-f]+ lies past the image/], "test/e2e/findimporter.test.ts: offsets past the image"),
    findimporterCase("import descriptor list that never ends", (b) => addEndlessDescriptors(b, "endless.sys"), [/endless: import descriptor list has no terminator within \d+ entries/], "test/e2e/findimporter.test.ts: malformed, endless and unreadable images"),
    findimporterCase("import name thunk list that never ends", (b) => addEndlessNameThunks(b, "nothunkend.sys"), [/nothunkend: import name table of \S+ at RVA 0x[0-9a-f]+ has no terminator within \d+ thunks/]),
    findimporterCase("import name thunk list that loops back onto the descriptors", (b) => addLoopingNameThunks(b, "loopthunk.sys"), [/Import names unreadable \(paged out, INIT discarded, or malformed\) in: .*loopthunk/]),

    // --- kernel pool tracker (leaktag) ---
    poolCase("PoolTrackTableSize zero", (p) => p.b.writePtr(p.target.symbols.get("nt!PoolTrackTableSize")!, 0n), [/nt!PoolTrackTableSize is 0/], [/Big pool allocations .*119 live/]),
    poolCase("PoolTrackTableSize 2^64-1 (x64)", (p) => p.b.writePtr(p.target.symbols.get("nt!PoolTrackTableSize")!, 0xffffffffffffffffn), [/nt!PoolTrackTableSize is 0xffffffffffffffff \(corrupt\)/], [/Big pool allocations .*119 live/]),
    {
      name: "PoolTrackTableSize 2^32-1 (x86)",
      build: () => {
        const p = new PoolTargetBuilder({ pointerSize: 4, build: BUILDS.win81, processors: 2 });
        p.tag({ tag: "Abc", pagedAllocs: 36405, pagedBytes: 33930272 });
        p.b.writePtr(p.target.symbols.get("nt!PoolTrackTableSize")!, 0xffffffffn);
        return p.target;
      },
      command: '!leaktag "Abc"',
      names: [/PoolTrackTableSize is 4294967295/],
      rest: [/'Abc ': .*36,405 outstanding, .* Paged/],
      seeAlso: "test/e2e/leaktag.test.ts: Win8.1 x86: expansion table entries are summed; corrupt counts are capped",
    },
    poolCase("PoolBigPageTableSize 2^64-1", (p) => p.b.writePtr(p.target.symbols.get("nt!PoolBigPageTableSize")!, 0xffffffffffffffffn), [/nt!PoolBigPageTableSize is 0xffffffffffffffff; only the first 8,388,608 entries were read/, /readable for [\d,]+ of 8,388,608 entries \(unreadable from /], [/'Leak': 119 outstanding, .* NonPaged/], "test/e2e/leaktag.test.ts: absurd big-page count and processor count are capped and reported"),
    poolCase(
      "ExPoolTagTables pointing at garbage",
      (p) => {
        const array = p.target.symbols.get("nt!ExPoolTagTables")!;
        p.b.writePtr(array + 8n, 0x4141414141414141n); // a non-canonical pointer for processor 1
        p.b.writePtr(array + 16n, p.b.reserveUnmapped(0x1000)); // an unmapped table for processor 2
      },
      [/4141414141414141|41414141`41414141/, /unreadable/],
      [/'Leak': [\d,]+ outstanding, .* NonPaged/, /Big pool allocations .*119 live/],
    ),
    poolCase("ExPoolTagTables itself unmapped", (p) => p.target.symbols.set("nt!ExPoolTagTables", p.b.reserveUnmapped(0x1000)), [/ExPoolTagTables/], [/'Leak': [\d,]+ outstanding, .* NonPaged/, /Big pool allocations .*119 live/]),

    // --- NT heaps (virtblocks) ---
    heapCase(
      "_HEAP_VIRTUAL_ALLOC_ENTRY whose BusyBlock fails its checksum",
      (p) => p.t.b.memory.writeU64(p.entries[0][1] + BigInt(virtualAllocEntryLayout(8).BusyBlock[0] + 8), 0x1122334455667788n),
      (p) => [new RegExp("the BusyBlock of the entry at " + hex(p.entries[0][1]) + " fails its checksum or size check"), /some BusyBlocks did not decode: user size = commit size/],
      [SECOND_HEAP_WALKED, /Total: 8 virtual blocks/],
      "test/e2e/virtblocks.test.ts: a BusyBlock that does not decode",
    ),
    heapCase(
      "VirtualAllocdBlocks with a cycle back to the middle",
      (p) => p.t.b.writePtr(p.entries[0][3], p.entries[0][1]),
      (p) => [new RegExp("the link at " + hex(p.entries[0][3]) + " \\(" + hex(p.entries[0][1]) + "\\) points back to an entry already walked \\(a cycle\\)")],
      [SECOND_HEAP_WALKED, /Total: 8 virtual blocks/],
      "test/e2e/virtblocks.test.ts: a cycle",
    ),
    heapCase(
      "VirtualAllocdBlocks with a misaligned link",
      (p) => p.t.b.writePtr(p.entries[0][1], p.entries[0][2] + 3n),
      (p) => [new RegExp("the link at " + hex(p.entries[0][1]) + " \\(" + hex(p.entries[0][2] + 3n) + "\\) points outside the process")],
      [SECOND_HEAP_WALKED, /Total: 6 virtual blocks/],
    ),
    heapCase(
      "VirtualAllocdBlocks with a link outside the user range",
      (p) => p.t.b.writePtr(p.entries[0][0], 0xffff800012340000n),
      (p) => [new RegExp("the link at " + hex(p.entries[0][0]) + " \\(ffff8000`12340000\\) points outside the process")],
      [SECOND_HEAP_WALKED, /Total: 5 virtual blocks/],
      "test/e2e/virtblocks.test.ts: a link outside the process",
    ),
    heapCase(
      "NumberOfHeaps near 2^32",
      (p) => p.t.b.memory.writeU32(p.t.b.target.pebAddress! + BigInt(pebLayout(8).NumberOfHeaps), 0xfffffffe),
      () => [/NumberOfHeaps is 4294967294; only the first 4096 \(maxHeaps\) are walked/, /_PEB\.ProcessHeaps array at \S+ \(32768 bytes\) is unreadable/],
      [/PEB /],
      "test/e2e/virtblocks.test.ts: an absurd NumberOfHeaps is capped",
    ),

    // --- every heap of a process (heapleaks, issue 20) ---
    heapleaksCase(
      "NT heap block header whose checksum fails",
      // The second leaking buffer's header: x64 +ust, the header is 0x30 bytes before the user pointer, the
      // encoded Size byte at +8.
      (lp) => {
        const header = secondLeakHeader(lp);
        const byte = (lp.target.memory.read(header + 8n, 1) as Uint8Array)[0];
        lp.target.memory.writeU8(header + 8n, byte ^ 0x04);
      },
      (lp) => [new RegExp("heap " + hex(lp.heap) + ": backend block at " + hex(secondLeakHeader(lp)) + ": .*fails the checksum")],
      [/Largest allocation stack: imgsvc!ProcessImage\+0x45 .* in 29 allocations/, /imgsvc!OpenReader\+0x33/],
      "test/unit/heap/nt-heap-damage.test.ts: a header whose checksum fails",
    ),
    heapleaksCase(
      "NT heap segment page missing from the dump",
      (lp) => lp.target.memory.unmap((lp.leak.example + 0x2000n) & ~0xfffn, 0x1000),
      (lp) => [new RegExp("heap " + hex(lp.heap) + ": segment range at " + hex((lp.leak.example + 0x2000n) & ~0xfffn) + ": 4096 bytes are unreadable")],
      [/Largest allocation stack: imgsvc!ProcessImage\+0x45 .* in 29 allocations/, /imgsvc!Config::Load\+0x120/],
      "test/e2e/heapleaks.test.ts: a page of the heap's segment missing from the dump",
    ),
    heapleaksCase(
      "+ust stack record with an implausible depth",
      (lp) => lp.target.memory.writeU32(lp.leakTrace! + 0xcn, 0xffffffff),
      (lp) => [new RegExp("stack not read \\(the stack record at " + hex(lp.leakTrace!) + " has an implausible depth \\(4294967295\\)\\)")],
      [/imgsvc!OpenReader\+0x33/, /Heaps walked:/],
      "test/e2e/heapleaks.test.ts: an unreadable stack record",
    ),

    // --- Driver Verifier allocation list (unloadleaks) ---
    verifierCase("verifier page list with a cycle back to the middle", (s) => {
      const e = poolEntryLayout(8);
      s.b.writePtr(s.verified.pages[2] + BigInt(e.NextPage), s.verified.pages[1]);
    }, (s) => [new RegExp("loops back to " + hex(s.verified.pages[1]))]),
    verifierCase("verifier allocation counts near 2^32", (s) => {
      const l = verifiedDataLayout(BUILDS.win11_22h2, 8)!;
      s.b.memory.writeU32(s.verified.at + BigInt(l.CurrentNonPaged), 0xfffffffe);
      s.b.writePtr(s.verified.at + BigInt(l.NonPagedBytes), 0xfffffffffffffff0n);
    }, () => [/counters say 4,294,967,298 allocations, more than 2\^53 bytes \(absurd\); the pages hold 305 in use/]),

    // --- Bugcheck exception pointers (triage) ---
    {
      name: "0x154 Arg2 (EXCEPTION_POINTERS) pointing at unmapped memory",
      build: () => {
        const b = storeExceptionScene();
        b.memory.unmap(v.args[1], 0x10);
        return b.target;
      },
      command: "!crashtriage",
      names: [new RegExp("EXCEPTION_POINTERS \\(Arg2\\) at " + hex(v.args[1]) + ".*unreadable")],
      rest: [storeVerdict, /0x154/],
      seeAlso: "test/e2e/triage.test.ts: an unreadable exception record is named",
    },
    {
      name: "0x154 Arg2 (EXCEPTION_POINTERS) pointing at itself",
      build: () => {
        const b = storeExceptionScene();
        b.memory.writeU64(v.args[1], v.args[1]);
        b.memory.writeU64(v.args[1] + 8n, v.args[1]);
        return b.target;
      },
      command: "!crashtriage",
      names: [new RegExp("ExceptionRecord " + hex(v.args[1]) + " points back into the EXCEPTION_POINTERS at " + hex(v.args[1]) + " \\(Arg2\\) itself"), new RegExp("ContextRecord " + hex(v.args[1]) + " points back into")],
      rest: [storeVerdict],
    },
  ];
  return cases;
}

function verifierCase(name: string, corrupt: (s: ReturnType<typeof wrapperScene>) => void, names: (s: ReturnType<typeof wrapperScene>) => RegExp[]): NamedCase {
  const make = () => {
    const s = wrapperScene({ build: BUILDS.win11_22h2, pointerSize: 8, throughWrapper: 300 });
    corrupt(s);
    return s;
  };
  return { name, build: () => make().b.target, command: "!unloadleaks", names: names(make()), rest: [/drv!MyAlloc\+0x21/], seeAlso: "test/e2e/unloadleaks.test.ts: on corrupted verifier data" };
}
