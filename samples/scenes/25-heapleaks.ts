// Seed 001's story, the whole heap this time: an image-processing service on Windows 7 SP1 x64 with +ust on, whose
// ProcessImage leaks the buffers it gets from the halcon library's allocator (HXmalloc, through HXAllocTmp, the frames
// of the article's `!heap -p -a`). Two dumps an hour apart (target time): !heapleaks on the first, a snapshot saved,
// and the second compared with it. Built by test/targets/heap-process.ts on nt-heap.ts's layouts.
import { Scene } from "../scene";
import { BUILDS } from "../../test/targets/builder";
import { leakingProcess } from "../../test/targets/heap-process";

export const scene: Scene = {
  id: "heapleaks",
  title: "Seed 001-like: a Win7 SP1 x64 image service (+ust) whose heap grows through halcon's HXmalloc; two dumps compared",
  build: () => leakingProcess({ pointerSize: 8, build: BUILDS.win7sp1, ust: true, leaked: 8, dump: "C:\\cases\\imgsvc-1.dmp" }).target,
  commands: ["!heapleaks", "dx @$heapblocks().Blocks.Where(b => b.Size == 0x2000).Count()", 'dx @$heapleaks("save", "C:\\\\cases\\\\before.json")'],
  then: [
    {
      opening: "windbg -z C:\\cases\\imgsvc-2.dmp",
      build: () => {
        const p = leakingProcess({ pointerSize: 8, build: BUILDS.win7sp1, ust: true, leaked: 20, dump: "C:\\cases\\imgsvc-2.dmp" });
        p.target.seconds = 3600;
        return p.target;
      },
      commands: ['dx @$heapleaks("compare", "C:\\\\cases\\\\before.json")'],
    },
  ],
};
