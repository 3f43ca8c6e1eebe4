// What a bench scenario declares. One file per command in bench/scenarios/ exports `scenario`.
import { EmulatedTarget } from "../test/emulator/target";
import { HostControl } from "../test/emulator/host";

export interface Cost {
  hostCalls: number;
  readCalls: number;
  bytesRead: number;
  packets: number;
}

export interface BenchScenario {
  /** The row's name: the command as the user types it. */
  name: string;
  /** The target, in words: "Win10 x64, 250 drivers, 150 MB of images". */
  target: string;
  build(): EmulatedTarget;
  /** Commands run in order on one session (e.g. `dx @$leaks()` twice); all are counted. */
  commands: string[];
  /** The same work done the way public scripts do it (typed objects, one field or slot per read), on the host. */
  naive?(control: HostControl, target: EmulatedTarget): void;
  /** The bytes that must be read at least once, as contiguous ranges (the floor: one read per range). */
  floor(target: EmulatedTarget): { ranges: number[] };
}
