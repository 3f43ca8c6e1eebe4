import { BenchScenario } from "../scenario";
import { kernelTarget, BUILDS } from "../../test/targets/builder";

export const scenario: BenchScenario = {
  name: "!leaktools",
  target: "Win10 22H2 x64 kernel, nt only",
  build: () => kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2 }).target,
  commands: ["!leaktools"],
  // nt!NtBuildNumber: the one value it reads.
  floor: () => ({ ranges: [4] }),
};
