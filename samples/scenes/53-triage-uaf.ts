import { Scene } from "../scene";
import { userAfterFreeScene } from "../../test/targets/bugcheck";

// User mode: a process dump stopped on an access violation that read a freed NT heap block (+ust on); the answer
// !heap -p -a gives only under page heap, here from the process heap walk.
export const scene: Scene = {
  id: "triage-uaf",
  title: "A use after free in a process dump: the freed heap block and the block before it",
  build: () => userAfterFreeScene().b.target,
  commands: ["!crashtriage"],
};
