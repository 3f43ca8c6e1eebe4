import { Scene } from "../scene";
import { storeExceptionScene } from "../../test/targets/bugcheck";

// Seed 004: a Windows 10 kernel dump, bugcheck 0x154, exception c0000006 in nt!RtlDecompressBufferXpressLz with I/O
// status c0000185, the thread attached to MemCompression.
export const scene: Scene = {
  id: "triage",
  title: "A memory-compression store crash (0x154 UNEXPECTED_STORE_EXCEPTION), seed 004",
  build: () => storeExceptionScene().target,
  commands: ["!crashtriage", "dx @$crashtriage().Verdict", 'dx @$crashtriage().Findings.Where(f => f.Contains("MemCompression"))'],
};
