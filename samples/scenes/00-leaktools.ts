import { Scene } from "../scene";
import { kernelTarget, BUILDS } from "../../test/targets/builder";

export const scene: Scene = {
  id: "leaktools",
  title: "Loading the toolkit on a Windows 10 kernel dump",
  build: () => kernelTarget({ pointerSize: 8, build: BUILDS.win10_22h2, dump: "C:\\Windows\\MEMORY.DMP" }).target,
  commands: ["!leaktools"],
};
