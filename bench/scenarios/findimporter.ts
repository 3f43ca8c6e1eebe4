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

const built = new WeakMap<EmulatedTarget, { headerBytes: number; initUsed: number; iatBytes: number }[]>();

/** Header bytes a reader needs: through the optional header's data directories (e_lfanew + 0x18 + its size). */
function headerBytes(image: Uint8Array): number {
  const v = new DataView(image.buffer, image.byteOffset);
  const nt = v.getUint32(0x3c, true);
  return nt + 0x18 + v.getUint16(nt + 0x14, true);
}

/** INIT bytes in use: from the descriptors (its start) through the NUL of the last hint/name entry. */
function initUsed(d: BuiltDriver): number {
  let last = d.initRva + d.initSize - 1;
  while (last >= d.initRva && d.bytes[last] === 0) last--;
  return last + 2 - d.initRva;
}

function build(): EmulatedTarget {
  const b = kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 });
  const nt = b.target.modules[0];
  const ntHeader = buildDriver({ is64: true, imports: [] }).bytes.subarray(0, 0x1000);
  b.memory.write(nt.base, ntHeader);
  const bound: Record<string, bigint> = {};
  [...NT_FUNCTIONS, "ExAllocatePool"].forEach((fn, i) => {
    bound[fn] = nt.base + 0x200000n + BigInt(i * 0x40);
    b.target.addSymbol("nt", fn, bound[fn]);
  });
  const list: { headerBytes: number; initUsed: number; iatBytes: number }[] = [{ headerBytes: headerBytes(ntHeader), initUsed: 0, iatBytes: 0 }];
  for (let i = 0; i < DRIVERS; i++) {
    // Every driver imports 8-20 kernel functions; one in 25 still calls ExAllocatePool; one in 5 has its INIT gone.
    const count = 8 + (i % 13);
    const functions = NT_FUNCTIONS.slice(0, count);
    if (i % 25 === 0) functions.push("ExAllocatePool");
    const d = buildDriver({ is64: true, textSize: 0x1000 * (1 + (i % 7)), imports: [{ dll: "ntoskrnl.exe", functions, bound }, { dll: "HAL.dll", functions: HAL_FUNCTIONS }] });
    const base = b.moduleRange(d.sizeOfImage);
    const discarded = i % 5 === 4;
    loadDriver(b, "drv" + i + ".sys", base, d, discarded);
    const iatBytes = (functions.length + 1 + HAL_FUNCTIONS.length + 1) * 8;
    list.push({ headerBytes: headerBytes(d.bytes), initUsed: discarded ? 0 : initUsed(d), iatBytes });
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
  // Per module: the headers through the data directories, the IAT, and the INIT bytes holding descriptors, INT and
  // names (nothing of a discarded INIT: the failed attempt to read it reads no bytes, so it is not in the floor).
  floor: (target) => {
    const ranges: number[] = [];
    for (const m of built.get(target) || []) {
      ranges.push(m.headerBytes);
      if (m.iatBytes) ranges.push(m.iatBytes);
      if (m.initUsed) ranges.push(m.initUsed);
    }
    return { ranges };
  },
};
