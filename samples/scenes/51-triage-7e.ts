import { Scene } from "../scene";
import { exceptionCrashScene } from "../../test/targets/bugcheck";

// Issue 21's crash: Windows 10 19041, bugcheck 0x1000007E, an access violation in a third-party driver (amdppm.sys)
// reading -1; the exception record and context at Arg3/Arg4 as the real dump had them.
export const scene: Scene = {
  id: "triage-7e",
  title: "A 0x1000007E crash in a third-party driver (issue 21)",
  build: () => exceptionCrashScene().target,
  commands: ["!crashtriage", "dx @$crashtriage().Driver"],
};
