// !poolallocs where the early stop pays: the same 200 MB of small pool as poolallocs.ts, with the same number of
// 'Leak' blocks packed into the first subsegments the walk reads. See poolallocs.ts for the floor.
import { poolallocsScenario } from "./poolallocs";

export const scenario = poolallocsScenario(
  "concentrated",
  '!poolallocs "Leak" (concentrated)',
  "the same 200 MB of small pool, the same number of 'Leak' blocks packed into the first subsegments walked",
);
