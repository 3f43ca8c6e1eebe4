// Seed 000: NotMyFault leaked 40 MB/s of nonpaged pool tagged `Leak` until the machine was crashed for a dump.
// The article ran !poolused 2, lm, and `s -a` over each driver by hand; !leaktag "Leak" does all of it.
import { Scene } from "../scene";
import { seed000 } from "../../test/targets/pool-scenes";

export const scene: Scene = {
  id: "leaktag",
  title: "Seed 000: which driver allocates 4.65 GB of nonpaged pool tagged 'Leak'?",
  build: () => seed000().target,
  commands: [
    "!leaktag",
    '!leaktag "Leak"',
    'dx @$leaktag("Leak").Owners.Where(o => o.Confidence == "high").Select(o => o.Module)',
    "dx -g @$pooltags().Tags.OrderByDescending(t => t.NonPagedBytes).Take(5)",
  ],
};
