// A Windows 10 2004 kernel whose driver leaks 20,000 small nonpaged blocks tagged 'Leak' (0x60 bytes each, too
// small for the big page table): !leaktag names the driver from its code, !poolallocs lists the blocks from the
// segment heap and names the same driver a second way, through the pointers the blocks hold into its .data.
import { Scene } from "../scene";
import { leakyDriverScene } from "../../test/targets/segment-heap-scenes";

export const scene: Scene = {
  id: "poolallocs",
  title: "20,000 small 'Leak' blocks: from !leaktag to !poolallocs to the driver they point into",
  build: () => leakyDriverScene().s.target,
  commands: [
    '!leaktag "Leak"',
    '!poolallocs "Leak"',
    'dx @$poolallocs("Leak").Allocations.Where(a => a.Kind == "VS").Count()',
    'dx @$poolallocs("Leak").Modules',
  ],
};
