// Fault injection over the built bundle: runs a command once to count its reads, then once per read with exactly
// that read failing (as an unreadable page fails in the provider). Each run must end with no exception reaching
// the script host, no memory write, and output that says what could not be read.
import { DebuggerSession, RunResult } from "../emulator/session";
import { EmulatedTarget } from "../emulator/target";

export interface FaultRun {
  failedRead: number;
  result: RunResult;
  session: DebuggerSession;
}

export interface FaultSummary {
  injected: number;
  handled: number;
  escaped: number;
  writes: number;
  runs: FaultRun[];
}

/** `build` must return a fresh target each time (a run may not see another run's state). */
export function failEachRead(build: () => EmulatedTarget, command: string, maxRuns = 400): FaultSummary {
  const probe = DebuggerSession.load(build());
  probe.run(command);
  const reads = probe.control.counters.readCalls;
  const summary: FaultSummary = { injected: 0, handled: 0, escaped: 0, writes: 0, runs: [] };
  // Past maxRuns, sample evenly so that large targets stay quick while every region of the walk is hit.
  const step = Math.max(1, Math.ceil(reads / maxRuns));
  for (let n = 1; n <= reads; n += step) {
    const target = build();
    target.failReadNumber = n;
    const session = DebuggerSession.load(target);
    const result = session.run(command);
    summary.injected++;
    if (result.escaped !== null) summary.escaped++;
    else summary.handled++;
    summary.writes += session.control.violations.length;
    summary.runs.push({ failedRead: n, result, session });
  }
  return summary;
}
