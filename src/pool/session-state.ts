// State kept between commands of one debugger session. Commands are otherwise stateless (a fresh Target per call),
// but two things must outlive a call: the user's `!pooltagfile` choice and `@$leaks()` snapshots. The bundle is
// loaded once per `.scriptload`, so module-level state lives exactly as long as the user's session with the script;
// `.scriptunload` drops it, and `dx @$leaks("reset")` clears the snapshots.
import { TagUsage } from "./tracker";

export interface Snapshot {
  /** Seconds from the target's clock (KUSER_SHARED_DATA.SystemTime). */
  seconds: number;
  usage: Map<string, TagUsage>;
}

export const sessionState = {
  userPoolTagFile: null as string | null,
  snapshots: [] as Snapshot[],
};
