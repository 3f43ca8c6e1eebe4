// Seed 000 as two dumps of one machine: before.dmp, then after.dmp two hours later (target time), in which NotMyFault
// added 180 blocks of 40 MB to `Leak` (1 MB/s on average). Each dump is opened in its own debugger session; the
// snapshot file written from the first is what the second compares with.
import { Scene } from "../scene";
import { seed000, LEAK_SIZE } from "../../test/targets/pool-scenes";

export const scene: Scene = {
  id: "leaks-dumps",
  title: "Seed 000, two dumps: before.dmp and after.dmp compared with dx @$leaks(\"save\" / \"compare\")",
  build: () => {
    const p = seed000({ dumpFile: "C:\\cases\\before.dmp" });
    p.target.fileSystem.mkdir("C:\\cases");
    return p.target;
  },
  commands: ['dx @$leaks("save", "C:\\\\cases\\\\before.json")'],
  then: [
    {
      opening: "windbg -z C:\\cases\\after.dmp",
      build: () => {
        const p = seed000({ dumpFile: "C:\\cases\\after.dmp" });
        p.target.seconds = 2 * 3600;
        p.tag({ tag: "Leak", nonPagedAllocs: 180, nonPagedBytes: 180 * LEAK_SIZE });
        p.tag({ tag: "Thre", nonPagedAllocs: 40, nonPagedBytes: 40 * 0x2000 });
        return p.target;
      },
      commands: ['dx @$leaks("compare", "C:\\\\cases\\\\before.json")', 'dx @$leaks("save", "C:\\temp\\now.json")'],
    },
  ],
};
