// A replayable scene: a target built from a seed article's real data, and the commands its walkthrough runs.
import { EmulatedTarget } from "../test/emulator/target";

export interface Scene {
  /** `npm run demo -- <id>` replays one scene. */
  id: string;
  title: string;
  build(): EmulatedTarget;
  /** As typed at the prompt: `!leaktag "Leak"`, `dx -g @$pooltags()...`. */
  commands: string[];
}
