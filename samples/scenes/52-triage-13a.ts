import { Scene } from "../scene";
import { heapOverrunScene } from "../../test/targets/bugcheck";

// A 0x13A pool overrun on a Windows 10 19041 segment-heap kernel: netfiltx.sys writes past its 'NfOv' block into
// the next VS chunk; the block before the damage names the driver, and special pool is the next step.
export const scene: Scene = {
  id: "triage-13a",
  title: "A 0x13A pool overrun: the neighbour names the overrunning driver",
  build: () => heapOverrunScene().s.target,
  commands: ["!crashtriage", "dx @$crashtriage().NextCommands.Select(n => n.Command)"],
};
