import * as fs from "fs";
import * as path from "path";
import { Scene } from "../scene";
import { seed003Target } from "../../test/targets/importers";

// Seed 003: tag `None` (ExAllocatePool) fills NonPagedPool on a Server 2003 x86 /3GB kernel; which driver calls it?
// The kernel has no pool-tracker symbols, so `!leaktag` reads the article's own `!poolused` output.
const POOLUSED = path.join(__dirname, "../../test/fixtures/pool/poolused-seed003.txt");

export const scene: Scene = {
  id: "findimporter",
  title: "Seed 003: who imports nt!ExAllocatePool (tag None), import names discarded",
  build: () => {
    const b = seed003Target();
    const lines = fs.readFileSync(POOLUSED, "utf8").split("\n").filter((l) => l && !l.startsWith("# "));
    b.target.onCommand("!poolused 2", lines);
    return b.target;
  },
  commands: [
    '!leaktag "None"',
    "!findimporter ExAllocatePool",
    'dx @$findimporter("nt!ExAllocatePool")',
    '!findimporter "ExAllocatePool*"',
    'dx @$findimporter("ExAllocatePool*").Importers.Where(m => m.MatchedBy == "value").Select(m => m.Module)',
  ],
};
