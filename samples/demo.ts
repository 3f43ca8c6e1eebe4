// npm run demo [-- <scene>]: loads the built bundle into the emulated debugger and replays every sample scene,
// printing what a WinDbg user would see.
import type { EmulatedTarget } from "../test/emulator/target";
import * as fs from "fs";
import * as path from "path";
import { DebuggerSession } from "../test/emulator/session";
import { Scene } from "./scene";

export function loadScenes(): Scene[] {
  const dir = path.join(__dirname, "scenes");
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort()
    .map((f) => (require(path.join(dir, f)) as { scene: Scene }).scene);
}

/**
 * The transcript of one scene: each command after the prompt, then its output. `prepare` sets up each target before
 * its session opens (test/e2e/host-api.test.ts replays every scene with the emulator answering less kindly).
 */
export function replay(scene: Scene, prepare: (target: EmulatedTarget) => void = () => undefined): string {
  const first = scene.build();
  prepare(first);
  let text = "";
  const sessions = [{ opening: "", target: first, commands: scene.commands }];
  for (const next of scene.then || []) {
    const target = next.build();
    prepare(target);
    // The same debugger machine: the first session's files (and this target's own, such as pooltag.txt).
    target.fileSystem = first.fileSystem.mergeFrom(target.fileSystem);
    sessions.push({ opening: next.opening, target, commands: next.commands });
  }
  for (const { opening, target, commands } of sessions) {
    const prompt = target.isKernel ? "kd> " : "0:000> ";
    if (opening) text += "\n> " + opening + "\n";
    const session = DebuggerSession.load(target);
    text += prompt + ".scriptload leaktools.js\n";
    for (const command of commands) {
      text += prompt + command + "\n" + session.run(command).output;
      target.seconds += 5;
    }
  }
  return text;
}

if (require.main === module) {
  const only = process.argv[2];
  const scenes = loadScenes().filter((s) => !only || s.id === only);
  if (scenes.length === 0) {
    console.error("no scene " + only + "; scenes: " + loadScenes().map((s) => s.id).join(", "));
    process.exit(2);
  }
  for (const scene of scenes) {
    console.log("=== " + scene.id + ": " + scene.title + " ===");
    console.log(replay(scene));
  }
}
