import { BenchScenario } from "../scenario";
import { storeExceptionScene, EXR64, CONTEXT64 } from "../../test/targets/bugcheck";
import * as seed004 from "../../test/fixtures/triage/seed004";

// Seed 004's crash: bugcheck 0x154 with its exception pointers, record and context.
export const scenario: BenchScenario = {
  name: "!crashtriage",
  target: "Win10 2004 x64 kernel dump, bugcheck 0x154 (seed 004)",
  build: () => storeExceptionScene().target,
  commands: ["!crashtriage"],
  // The way public scripts do it: one readMemoryValues per KiBugCheckData slot and per record/context field.
  naive(control, target) {
    const v = seed004.seedValues();
    const mem = control.host.memory as { readMemoryValues(a: unknown, n: number, size: number): unknown };
    const at = (x: bigint) => control.int64.fromBig(x);
    const kbd = target.symbols.get("nt!KiBugCheckData")!;
    for (let i = 0; i < 5; i++) mem.readMemoryValues(at(kbd + BigInt(8 * i)), 1, 8);
    mem.readMemoryValues(at(v.args[1]), 1, 8);
    mem.readMemoryValues(at(v.args[1] + 8n), 1, 8);
    mem.readMemoryValues(at(v.exrAt + BigInt(EXR64.ExceptionCode)), 1, 4);
    mem.readMemoryValues(at(v.exrAt + BigInt(EXR64.ExceptionFlags)), 1, 4);
    mem.readMemoryValues(at(v.exrAt + BigInt(EXR64.ExceptionAddress)), 1, 8);
    mem.readMemoryValues(at(v.exrAt + BigInt(EXR64.NumberParameters)), 1, 4);
    for (let i = 0; i < 3; i++) mem.readMemoryValues(at(v.exrAt + BigInt(EXR64.ExceptionInformation + 8 * i)), 1, 8);
    mem.readMemoryValues(at(v.cxrAt + BigInt(CONTEXT64.Rip)), 1, 8);
    mem.readMemoryValues(at(v.cxrAt + BigInt(CONTEXT64.Rsp)), 1, 8);
  },
  // nt!KiBugCheckData (5 pointers), EXCEPTION_POINTERS (2), EXCEPTION_RECORD (0x98), CONTEXT up to Rip (0x100).
  floor: () => ({ ranges: [5 * 8, 0x10, EXR64.size, CONTEXT64.Rip + 8] }),
};
