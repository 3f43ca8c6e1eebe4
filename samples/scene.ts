// A replayable scene: a target built from a seed article's real data, and the commands its walkthrough runs.
import { EmulatedTarget } from "../test/emulator/target";

export interface Scene {
  /** `npm run demo -- <id>` replays one scene. */
  id: string;
  title: string;
  build(): EmulatedTarget;
  /** As typed at the prompt: `!leaktag "Leak"`, `dx -g @$pooltags()...`. */
  commands: string[];
  /**
   * Later debugger sessions on other targets (the next dump of the same machine), run after `commands` on the same
   * debugger machine: they see the files the first session wrote. `opening` is how the analyst opened the target.
   */
  then?: { opening: string; build(): EmulatedTarget; commands: string[] }[];
}
