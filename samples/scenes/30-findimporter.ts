import { Scene } from "../scene";
import { seed003Target } from "../../test/targets/importers";

// Seed 003: tag `None` (ExAllocatePool) fills NonPagedPool on a Server 2003 x86 /3GB kernel; which driver calls it?
export const scene: Scene = {
  id: "findimporter",
  title: "Seed 003: who imports nt!ExAllocatePool (tag None), import names discarded",
  build: () => seed003Target().target,
  commands: [
    "!findimporter ExAllocatePool",
    'dx @$findimporter("nt!ExAllocatePool")',
    '!findimporter "ExAllocatePool*"',
    'dx @$findimporter("nt!ExAllocatePool*").Where(m => m.MatchedBy == "value").Select(m => m.Module)',
  ],
};
