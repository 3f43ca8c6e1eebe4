// !virtblocks on a process whose heap is a segment heap: its large blocks (the LargeAllocMetadata tree) are listed
// through the segment-heap walker, with their +ust stacks; the built process is test/targets/user-segment-heap.ts.
import { DebuggerSession } from "../emulator/session";
import { UserSegmentHeapBuilder } from "../targets/user-segment-heap";
import { failEachRead } from "../support/faults";

interface BlockRecord { Heap: unknown; Entry: unknown; UserAddress: unknown; UserSize: number; CommitSize: number; Stack: unknown }

function processWithLargeBlocks(encodedTree = false) {
  const b = new UserSegmentHeapBuilder({ build: 19045, ust: true, encodedTree });
  const ntdll = b.target.modules[0].base;
  const frames = [ntdll + 0x1234n, 0x7ff7aa001000n];
  b.vs([{ size: 0x100, stack: frames }]);
  const large = [b.largeBlock({ size: 0x80000, stack: frames }), b.largeBlock({ size: 0x100010, stack: frames }), b.largeBlock({ size: 0x7f000, stack: [ntdll + 0x1234n] })];
  b.finish();
  return { b, large };
}

function run(b: UserSegmentHeapBuilder, line: string) {
  const r = DebuggerSession.load(b.target).run(line);
  expect(r.escaped).toBeNull();
  return r;
}

describe("!virtblocks on a segment heap", () => {
  test("lists the large blocks with their user sizes and stacks; the VS block is not a virtual block", () => {
    const { b, large } = processWithLargeBlocks();
    const r = run(b, "!virtblocks");
    const records = (r.value as { Blocks: BlockRecord[] }).Blocks;
    expect(records.map((x) => x.UserSize).sort((p, q) => p - q)).toEqual(large.map((l) => l.size).sort((p, q) => p - q));
    expect(records.every((x) => Array.isArray(x.Stack) && (x.Stack as string[]).length > 0)).toBe(true);
    expect(r.output).toContain("Total: 3 virtual blocks");
    expect(r.output).toContain("segment heap - large allocations");
  });

  test("an encoded tree, and an unreadable node named while the other blocks are listed", () => {
    const { b, large } = processWithLargeBlocks(true);
    expect((run(b, "!virtblocks").value as { Blocks: BlockRecord[] }).Blocks.length).toBe(3);
    const sorted = large.slice().sort((p, q) => (p.address < q.address ? -1 : 1));
    const leaf = b.largeNodes[large.indexOf(sorted[0])];
    b.b.memory.unmap(leaf & ~0xfffn, 0x1000);
    const r = run(b, "!virtblocks");
    expect(((r.value as { Blocks: BlockRecord[] }).Blocks).length).toBe(2);
    expect(r.output).toMatch(/the walk stopped: a link leads to the node at [0-9a-f`]+, which is unreadable/);
  });
});

test("every read failing in turn: no exception reaches the host, nothing is written", () => {
  const s = failEachRead(() => processWithLargeBlocks().b.target, "!virtblocks");
  expect(s.injected).toBeGreaterThan(10);
  expect(s.escaped).toBe(0);
  expect(s.writes).toBe(0);
});
