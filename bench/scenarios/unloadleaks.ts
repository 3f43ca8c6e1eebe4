// !unloadleaks on a bugcheck 0xC4/0x62 with 10,000 outstanding allocations (Win10 2004 x64). The tool reads the
// verifier's data and each tracking page once (4 KB, 127 records a page) and runs one `u <caller> L1` per distinct
// caller (3 here); the naive walk reads one field per call, as scripts that use typed objects do, and a naive
// symbolization would run one `u` per allocation (10,000 commands; commands are not charged in the packet model).
import { BenchScenario } from "../scenario";
import { BUILDS } from "../../test/targets/builder";
import { wrapperScene, verifiedDataLayout, poolEntryLayout } from "../../test/targets/verifier";
import { EmulatedTarget } from "../../test/emulator/target";

const ALLOCATIONS = 10000;
const build = () => wrapperScene({ build: BUILDS.win10_2004, pointerSize: 8, throughWrapper: ALLOCATIONS - 5 });

export const scenario: BenchScenario = {
  name: "!unloadleaks (10,000 allocations)",
  target: "Win10 2004 x64, bugcheck C4/62, 10,000 verifier-tracked allocations in 91 pages, 3 distinct callers (3 `u` commands)",
  build: () => build().b.target,
  commands: ["!unloadleaks"],
  naive(control, target: EmulatedTarget) {
    // Re-derive the structure's address from KiBugCheckData, then walk page by page, one read per field.
    const host = control.host as unknown as { memory: { readMemoryValues(a: unknown, n: number, s: number): unknown[] } };
    const Int64 = control.int64.fromBig;
    const read64 = (a: bigint) => BigInt(String(host.memory.readMemoryValues(Int64(a), 1, 8)[0]));
    const bug = target.symbols.get("nt!KiBugCheckData")!;
    const data = read64(bug + 24n);
    const l = verifiedDataLayout(BUILDS.win10_2004, 8)!;
    const e = poolEntryLayout(8);
    let page = read64(data + BigInt(l.PoolPageHeaders) + 8n) & ~0xfn;
    while (page !== 0n) {
      for (let i = 1; i < 0x1000 / e.size; i++) {
        const entry = page + BigInt(i * e.size);
        const size = read64(entry + BigInt(e.NumberOfBytes));
        if (size & 1n) continue;
        const va = read64(entry + BigInt(e.VirtualAddress));
        if (va === 0n) continue;
        read64(entry + BigInt(e.CallingAddress));
        host.memory.readMemoryValues(Int64(entry + BigInt(e.Tag)), 1, 4);
      }
      page = read64(page);
    }
  },
  floor(target: EmulatedTarget) {
    const l = verifiedDataLayout(BUILDS.win10_2004, 8)!;
    const perPage = 0x1000 / poolEntryLayout(8).size - 1;
    const slots = ALLOCATIONS + Math.floor(ALLOCATIONS / 6); // free records every 7th slot (wrapperScene)
    const pages = Math.ceil(slots / perPage);
    void target;
    // NtBuildNumber, KiBugCheckData, the name, the structure, then each page.
    return { ranges: [4, 40, 16, l.size, ...Array.from({ length: pages }, () => 0x1000)] };
  },
};
