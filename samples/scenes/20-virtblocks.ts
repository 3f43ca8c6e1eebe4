import { Scene } from "../scene";
import { seedTarget } from "../../test/targets/virtblocks-seed";

// Seed article 001: 13 GB committed in NT heaps, !heap -s shows 67 MB, !heap -h fails on _HEAP_VIRTUAL_ALLOC_ENTRY.
// The article analysed a dump of the process (its file name is not given; this one is made up).
export const scene: Scene = {
  id: "virtblocks",
  title: "Seed 001: a Win7 SP1 x64 process whose heap 29fb0000 holds 189 virtual blocks (+ust on, no heap entry types)",
  build: () => seedTarget({ dump: "C:\\cases\\halcon.dmp" }).finish().target,
  commands: [
    "!virtblocks 0x29fb0000",
    "dx @$virtblocks(0x29fb0000).Blocks.Where(b => b.UserSize > 0x1000000).Count()",
    "dx -g @$virtstacks(0x29fb0000).Stacks",
  ],
};
