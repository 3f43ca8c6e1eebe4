// !findimporter over 250 drivers: each driver's header page, import descriptors, INT, IAT and hint/name entries.
// The naive walk is the way public scripts (and Module.Contents.Imports) do it: one readMemoryValues per header
// field, per descriptor field, per INT and IAT slot, and one readString per name.
import { BenchScenario } from "../scenario";
import { EmulatedTarget } from "../../test/emulator/target";
import { HostControl } from "../../test/emulator/host";
import { kernelTarget, BUILDS } from "../../test/targets/builder";
import { buildDriver, loadDriver, BuiltDriver } from "../../test/targets/importers";

const DRIVERS = 250;
const NT_FUNCTIONS = ["ExAllocatePoolWithTag", "ExFreePoolWithTag", "IoCreateDevice", "IoDeleteDevice", "KeWaitForSingleObject", "KeSetEvent", "IofCompleteRequest", "RtlInitUnicodeString", "ObfDereferenceObject", "ExQueueWorkItem", "KeInitializeEvent", "MmGetSystemRoutineAddress", "ZwClose", "ZwCreateFile", "ZwReadFile", "IoAllocateIrp", "IoFreeIrp", "KeAcquireSpinLockRaiseToDpc", "KeReleaseSpinLock", "DbgPrintEx"];
const HAL_FUNCTIONS = ["KeQueryPerformanceCounter", "KeStallExecutionProcessor", "HalGetBusDataByOffset"];

const built = new WeakMap<EmulatedTarget, { base: bigint; d: BuiltDriver; initUsed: number; iatBytes: number }[]>();

function build(): EmulatedTarget {
  const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
  const nt = b.target.modules[0];
  b.memory.write(nt.base, buildDriver({ is64: true, imports: [] }).bytes.subarray(0, 0x1000));
  const bound: Record<string, bigint> = {};
  [...NT_FUNCTIONS, "ExAllocatePool"].forEach((fn, i) => {
    bound[fn] = nt.base + 0x200000n + BigInt(i * 0x40);
    b.target.addSymbol("nt", fn, bound[fn]);
  });
  const list: { base: bigint; d: BuiltDriver; initUsed: number; iatBytes: number }[] = [];
  for (let i = 0; i < DRIVERS; i++) {
    // Every driver imports 8-20 kernel functions; one in 25 still calls ExAllocatePool; one in 5 has its INIT gone.
    const count = 8 + (i % 13);
    const functions = NT_FUNCTIONS.slice(0, count);
    if (i % 25 === 0) functions.push("ExAllocatePool");
    const d = buildDriver({ is64: true, textSize: 0x1000 * (1 + (i % 7)), imports: [{ dll: "ntoskrnl.exe", functions, bound }, { dll: "HAL.dll", functions: HAL_FUNCTIONS }] });
    const base = b.moduleRange(d.sizeOfImage);
    const discarded = i % 5 === 4;
    loadDriver(b, "drv" + i + ".sys", base, d, discarded);
    const names = functions.concat(HAL_FUNCTIONS).reduce((n, f) => n + 2 + f.length + 1, 0);
    const iatBytes = (functions.length + 1 + HAL_FUNCTIONS.length + 1) * 8;
    list.push({ base, d, initUsed: discarded ? 0 : 3 * 0x14 + iatBytes + 24 + names, iatBytes });
  }
  built.set(b.target, list);
  return b.target;
}

function naive(control: HostControl, target: EmulatedTarget): void {
  const host = control.host as { memory: { readMemoryValues(a: unknown, n: number, s: number): ArrayLike<unknown>; readString(a: unknown): string } };
  const at = (v: bigint) => control.int64.fromBig(v);
  const u32 = (a: bigint) => {
    try {
      return Number(host.memory.readMemoryValues(at(a), 1, 4)[0]);
    } catch (e) {
      return null;
    }
  };
  const u64 = (a: bigint) => {
    try {
      const v = host.memory.readMemoryValues(at(a), 1, 8)[0] as { getHighPart(): number; getLowPart(): number };
      return (BigInt(v.getHighPart() >>> 0) << 32n) | BigInt(v.getLowPart() >>> 0);
    } catch (e) {
      return null;
    }
  };
  const str = (a: bigint) => {
    try {
      return host.memory.readString(at(a));
    } catch (e) {
      return null;
    }
  };
  for (const m of target.modules.slice(1)) {
    const lfanew = u32(m.base + 0x3cn);
    if (lfanew === null) continue;
    const importRva = u32(m.base + BigInt(lfanew + 0x18 + 0x78));
    if (!importRva) continue;
    for (let d = m.base + BigInt(importRva); ; d += 0x14n) {
      const oft = u32(d);
      const name = u32(d + 0xcn);
      const ft = u32(d + 0x10n);
      if (oft === null || name === null || ft === null || (!oft && !name && !ft)) break;
      str(m.base + BigInt(name));
      for (let i = 0n; ; i++) {
        const thunk = u64(m.base + BigInt(oft) + i * 8n);
        const slot = u64(m.base + BigInt(ft) + i * 8n);
        if (!thunk || slot === null) break;
        str(m.base + (thunk & 0xffffffffn) + 2n);
      }
    }
  }
}

export const scenario: BenchScenario = {
  name: '!findimporter "ExAllocatePool"',
  target: "Win10 x64 kernel, 250 drivers (10-23 imports each), 1 in 5 with INIT discarded",
  build,
  commands: ['!findimporter "ExAllocatePool"'],
  naive,
  // Per driver: the headers it needs (0x200), the IAT, and the INIT bytes holding descriptors, INT and names.
  floor: (target) => {
    const ranges: number[] = [0x200];
    for (const m of built.get(target) || []) {
      ranges.push(0x200, m.iatBytes);
      if (m.initUsed) ranges.push(m.initUsed);
    }
    return { ranges };
  },
};
