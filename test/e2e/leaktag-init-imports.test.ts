// !leaktag on a driver laid out as the WDK links one and as a running kernel leaves it: the IAT at the start of
// .rdata (IAT directory, index 12), the import descriptors, name tables and hint/name entries in INIT, which the
// kernel frees after DriverEntry (test/targets/importers.ts; seed 003's "import names paged out"). The names are
// gone, so which IAT slot is ExAllocatePoolWithTag is known only from the slot's value: nt!ExAllocatePoolWithTag's
// address, as !findimporter matches by value. Without that, every allocation site of every such driver on a real
// kernel was a "medium" code hit.
import { DebuggerSession } from "../emulator/session";
import { PoolTargetBuilder, BUILDS } from "../targets/pool";
import { buildDriver, loadDriver } from "../targets/importers";

type Hit = { Use: string | null; Allocator: string | null; Kind: string };
type Owner = { Module: string; Confidence: string; Hits: Hit[] };

const NT = {
  ExAllocatePoolWithTag: 0xfffff807206a2010n,
  ExFreePoolWithTag: 0xfffff807206a4500n,
  KeSetEvent: 0xfffff807206b1000n,
};

/** `call [rip+disp32]` at `rva` to the slot at `slotRva`: ff 15 disp32. */
const callSlot = (rva: number, slotRva: number) => {
  const d = slotRva - (rva + 6);
  return [0xff, 0x15, d & 0xff, (d >>> 8) & 0xff, (d >>> 16) & 0xff, (d >>> 24) & 0xff];
};

function scene(discardInit: boolean, ntSymbols = true, initCodeSize = 0) {
  const p = new PoolTargetBuilder({ pointerSize: 8, build: BUILDS.win10_22h2, processors: 2 });
  p.tag({ tag: "Leak", nonPagedAllocs: 12, nonPagedBytes: 12 * 0x200 });
  if (ntSymbols) for (const [name, address] of Object.entries(NT)) p.b.target.addSymbol("nt", name, address);
  const d = buildDriver({ is64: true, textSize: 0x1000, imports: [{ dll: "ntoskrnl.exe", functions: ["KeSetEvent", "ExAllocatePoolWithTag", "ExFreePoolWithTag"], bound: NT }], initCodeSize });
  const alloc = d.iatRva["ntoskrnl.exe!ExAllocatePoolWithTag"];
  const free = d.iatRva["ntoskrnl.exe!ExFreePoolWithTag"];
  // 1000: mov r8d, 'Leak'; 1006: call [alloc]; 100c: ret | 1010: mov edx, 'Leak'; 1015: call [free]; 101b: ret
  const code = [0x41, 0xb8, 0x4c, 0x65, 0x61, 0x6b, ...callSlot(0x1006, alloc), 0xc3, 0xcc, 0xcc, 0xcc, 0xba, 0x4c, 0x65, 0x61, 0x6b, ...callSlot(0x1015, free), 0xc3];
  d.bytes.set(code, 0x1000);
  const base = p.b.moduleRange(d.sizeOfImage);
  loadDriver(p.b, "leaky.sys", base, d, discardInit);
  return { p, base, d };
}

describe("!leaktag on a driver whose import names were freed with INIT", () => {
  test("the allocation and the free are found through the IAT slots' values, and the owner is high", () => {
    const r = DebuggerSession.load(scene(true).p.target).run('!leaktag "Leak"');
    expect(r.escaped).toBeNull();
    const owners = (r.value as { Owners: Owner[] }).Owners;
    expect(owners.map((o) => [o.Module, o.Confidence])).toEqual([["leaky", "high"]]);
    expect(owners[0].Hits.map((h) => [h.Kind, h.Use, h.Allocator])).toEqual([
      ["code", "allocation", "ExAllocatePoolWithTag"],
      ["code", "free", "ExFreePoolWithTag"],
    ]);
    expect(r.output).toContain("leaky.sys allocates it (leaky+0x1000).");
    // Said, not hidden: the slots were named by value.
    expect(r.output).toMatch(/leaky: import names unreadable .*IAT slots matched by value/);
  });

  test("with INIT resident the names are used and nothing is said about values", () => {
    const r = DebuggerSession.load(scene(false).p.target).run('!leaktag "Leak"');
    const owners = (r.value as { Owners: Owner[] }).Owners;
    expect(owners.map((o) => [o.Module, o.Confidence])).toEqual([["leaky", "high"]]);
    expect(r.output).not.toMatch(/matched by value/);
  });

  test("without nt's symbols the values cannot be named: medium, and the unreadable names are said", () => {
    const r = DebuggerSession.load(scene(true, false).p.target).run('!leaktag "Leak"');
    expect(r.escaped).toBeNull();
    const owners = (r.value as { Owners: Owner[] }).Owners;
    expect(owners.map((o) => [o.Module, o.Confidence])).toEqual([["leaky", "medium"]]);
    expect(r.output).toMatch(/leaky: .*unreadable; calls to allocators could not be checked/);
    expect(r.output).not.toMatch(/matched by value/);
  });

  test("descriptors behind INIT's code (as the WDK links them): the freed INIT costs its one-page probe, not a second failed read", () => {
    const { p, base, d } = scene(true, true, 0x1800);
    const memory = p.target.memory;
    const read = memory.read.bind(memory);
    const failedInInit: bigint[] = [];
    memory.read = (address: bigint, size: number) => {
      const r = read(address, size);
      const inInit = address >= base + BigInt(d.initRva) && address < base + BigInt(d.initRva + d.initSize);
      if (inInit && !(r instanceof Uint8Array)) failedInInit.push(address);
      return r;
    };
    const r = DebuggerSession.load(p.target).run('!leaktag "Leak"');
    expect(r.escaped).toBeNull();
    expect((r.value as { Owners: Owner[] }).Owners.map((o) => [o.Module, o.Confidence])).toEqual([["leaky", "high"]]);
    expect(failedInInit).toEqual([base + BigInt(d.initRva)]);
  });
});
