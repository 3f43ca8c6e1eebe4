// Seed 000 before the crash: NotMyFault leaks 40 MB/s of nonpaged pool tagged `Leak` on a live kernel session.
// The demo advances the target's clock 5 s between commands; NotMyFault allocates 5 x 40 MB in that time.
import { Scene } from "../scene";
import { seed000, LEAK_SIZE } from "../../test/targets/pool-scenes";

export const scene: Scene = {
  id: "leaks",
  title: "Seed 000, live: watching 'Leak' grow at 40 MB/s with dx @$leaks()",
  build: () => {
    const p = seed000({ dump: false });
    let last = p.target.seconds;
    p.target.clockListeners.push((seconds) => {
      const allocations = Math.round((seconds - last) * 1); // 40 MB/s = one 40 MB block per second
      last = seconds;
      if (allocations > 0) p.tag({ tag: "Leak", nonPagedAllocs: allocations, nonPagedBytes: allocations * LEAK_SIZE });
    });
    return p.target;
  },
  commands: ["dx @$leaks()", "dx @$leaks()", "dx @$leaks()"],
};
