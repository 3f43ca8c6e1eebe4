// The baseline of !heapleaks on a live process: the group counts at the first call, kept for the rest of the
// debugger session (module-level state lives as long as the loaded script, as @$leaks()'s snapshots do) until
// @$heapleaks("reset"). One baseline, for one process: a call in another process starts a new one and says so.
import type { GroupCounts } from "./groups";

export interface HeapBaseline {
  /** Which process: its PEB address and image name (and PID where known), compared as one string. */
  process: string;
  /** `app.exe (PEB 0x...)`, as the messages name it. */
  description: string;
  /** Seconds by the target's clock (KUSER_SHARED_DATA.SystemTime); null when unreadable. */
  seconds: number | null;
  counts: Map<string, GroupCounts>;
  /** Groups and allocations when it was taken, for the report. */
  groups: number;
}

export const heapBaselineState = {
  baseline: null as HeapBaseline | null,
};
