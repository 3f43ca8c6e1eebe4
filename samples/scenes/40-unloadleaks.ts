// Seed article 002: test.sys asks for 9 bytes with tag 'tset' (the bytes "test" in memory; the verifier records
// 0xC bytes) in DriverEntry and never frees them; with Driver Verifier's pool tracking on, unloading it bugchecks
// 0xC4/0x62. The target is built from the article's real values (bugcheck parameters, the `db` of Arg2, the
// `!verifier 3` allocation, the `u` header of its caller).
import { Scene } from "../scene";
import { seed002Target } from "../../test/targets/seed002";

export const scene: Scene = {
  id: "unloadleaks",
  title: "Seed 002: test.sys unloaded without freeing its pool (bugcheck C4/62, Win7 SP1 x64)",
  build: () => seed002Target({ verifierText: true }).target,
  commands: [
    "!unloadleaks",
    "dx @$unloadleaks()",
    'dx @$unloadleaks().Allocations.Where(a => a.Tag == "test").Sum(a => a.Size)',
  ],
};
