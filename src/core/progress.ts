// Progress of long work, through the debugger log: at every 10% when the work is large enough to take seconds on a
// slow link, and every 5 seconds whatever its size, so a user on KDNET sees that a command is moving.
import { Printer } from "./printer";

/** Seconds between two progress lines when the work is slower than expected. */
export const PROGRESS_INTERVAL_MS = 5000;

export class Progress {
  private nextPercent = 10;
  private lastPrinted: number;

  /**
   * `large`: the work is big enough to be worth 10% steps (each command sets its own threshold from the
   * KDNET cost model: 8 MB/s of reads, or one round trip per debugger command). `describe` renders "done of total".
   */
  constructor(
    private readonly out: Printer,
    private readonly label: string,
    private readonly total: number,
    /** Public so that a walk whose size shows only as it goes can switch to 10% steps. */
    public large: boolean,
    private readonly describe: (done: number, total: number) => string,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.lastPrinted = now();
  }

  update(done: number): void {
    if (!(this.total > 0) || done >= this.total) return;
    const percent = Math.floor((done * 100) / this.total);
    const time = this.now();
    if ((this.large && percent >= this.nextPercent) || time - this.lastPrinted >= PROGRESS_INTERVAL_MS) {
      this.out.progress(this.label + ": " + percent + "% (" + this.describe(done, this.total) + ")");
      this.nextPercent = Math.floor(percent / 10) * 10 + 10;
      this.lastPrinted = time;
    }
  }
}

/** "45 of 150 MB" with a unit that suits the total. */
export function bytesOf(done: number, total: number): string {
  const mb = 1024 * 1024;
  if (total >= 10 * mb) return Math.floor(done / mb) + " of " + Math.floor(total / mb) + " MB";
  return Math.floor(done / 1024) + " of " + Math.floor(total / 1024) + " KB";
}

export function countOf(unit: string): (done: number, total: number) => string {
  return (done, total) => done + " of " + total + " " + unit;
}
