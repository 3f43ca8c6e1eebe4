import { Address } from "../../../src/core/address";
import { isPlausibleUserAddress, VirtualBlock } from "../../../src/heap/virtual-blocks";
import { groupByStack, TraceReader } from "../../../src/heap/stacks";

describe("isPlausibleUserAddress", () => {
  test.each([
    ["null", 8, new Address(0, 0), false],
    ["x64 user", 8, new Address(0x7ff, 0x12340000), true],
    ["x64 kernel", 8, new Address(0xffff8000, 0x12340000), false],
    ["x64 just above user space", 8, new Address(0x8000, 0), false],
    ["misaligned", 8, new Address(0, 0x43500004), false],
    ["x86 4 GB (WOW64 large-address-aware)", 4, new Address(0, 0xfffe0000), true],
    ["x86 above 4 GB", 4, new Address(1, 0), false],
  ] as const)("%s", (_n, ps, address, expected) => {
    expect(isPlausibleUserAddress(address, ps)).toBe(expected);
  });
});

describe("groupByStack", () => {
  const block = (trace: Address | null, userSize: number): VirtualBlock => ({
    heap: new Address(0, 0x29fb0000), entry: new Address(0, 0x43500000), userAddress: new Address(0, 0x43500060),
    userSize, commitSize: userSize + 0x1000, reserveSize: userSize + 0x1000, sizeDecoded: true, trace, traceIndex: 0,
  });
  const fakeReader = (traces: Map<string, Address[]>) =>
    ({ traceOf: (b: VirtualBlock) => (b.trace ? { frames: traces.get(b.trace.key)! } : { problem: "no stack recorded for this block" }) }) as unknown as TraceReader;

  test("same frames from different trace entries form one group; sorted by total bytes", () => {
    const f = [new Address(0, 0x775bc35b), new Address(0x7fe, 0xd230483b)];
    const t1 = new Address(0, 0x1000), t2 = new Address(0, 0x2000), t3 = new Address(0, 0x3000);
    const traces = new Map([[t1.key, f], [t2.key, f.slice()], [t3.key, [f[0]]]]);
    const groups = groupByStack([block(t3, 0x100), block(t1, 0x1000040), block(t2, 0x5800000), block(null, 0x10)], fakeReader(traces));
    expect(groups.map((g) => [g.blocks.length, g.totalBytes])).toEqual([[2, 0x1000040 + 0x5800000], [1, 0x100], [1, 0x10]]);
    expect(groups[2].problem).toBe("no stack recorded for this block");
  });
});
