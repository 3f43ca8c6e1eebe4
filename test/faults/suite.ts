// The fault-injection suite (issue 9) over every sample scene's commands: each read failing in turn, each symbol and
// type removed in turn, hostile module names, and bad arguments to every command. Shared by the jest spec and
// `npm run faults`, which prints the summary the README quotes.
import { DebuggerSession, RunResult } from "../emulator/session";
import { EmulatedTarget } from "../emulator/target";
import { loadScenes } from "../../samples/demo";

/** What a debugger command built by the toolkit may look like: a literal of ours with validated arguments. */
export const SAFE_COMMAND = /^(u [0-9a-f]{8}(`[0-9a-f]{8})? L1|\.bugcheck|!thread|x [A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}![A-Za-z0-9_?*@$]{1,128}|!poolused 2|!verifier 3 [A-Za-z0-9_][A-Za-z0-9_.\-]{0,63})$/;

export const HOSTILE_NAMES = [
  'evil";.shell calc;"',
  "a;.reboot",
  "x\n!process 0 0",
  "$$>a<c:\\x.txt",
  "<link cmd=\".kill\">m</link>",
  "`ed nt!Kd_Default_Mask`",
  "drv&amp;.sys",
];

export const BAD_ARGUMENTS = ['""', '"ThisIsMuchTooLongForAnything"', "42", "0xffffffffffffffff", '"\\x01\\x02"', '"非ASCII"', '(1, 2, 3)'];

export interface Outcome {
  fault: string;
  command: string;
  result: RunResult;
  hung: boolean;
  writes: number;
  injected: string[];
}

export interface Summary {
  injected: number;
  handled: number;
  escaped: number;
  hangs: number;
  injectedCommands: number;
  writes: number;
  failures: Outcome[];
}

interface Case {
  build: () => EmulatedTarget;
  command: string;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const scene of loadScenes()) for (const command of scene.commands) out.push({ build: scene.build, command });
  return out;
}

function judge(fault: string, command: string, session: DebuggerSession, result: RunResult, baselineReads: number): Outcome {
  const injected = session.control.executed.filter((c) => !SAFE_COMMAND.test(c));
  // A hang in a synchronous command shows as a walk that does not stop: far more reads than the healthy run.
  const hung = session.control.counters.readCalls > baselineReads * 4 + 100;
  return { fault, command, result, hung, writes: session.control.violations.length, injected };
}

function runOne(target: EmulatedTarget, command: string): { session: DebuggerSession; result: RunResult } {
  const session = DebuggerSession.load(target);
  return { session, result: session.run(command) };
}

export function runSuite(maxReadFaultsPerCommand = 60): Summary {
  const outcomes: Outcome[] = [];
  for (const c of cases()) {
    const probe = runOne(c.build(), c.command);
    const reads = probe.session.control.counters.readCalls;
    const step = Math.max(1, Math.ceil(reads / maxReadFaultsPerCommand));
    for (let n = 1; n <= reads; n += step) {
      const t = c.build();
      t.failReadNumber = n;
      const { session, result } = runOne(t, c.command);
      outcomes.push(judge("read " + n + " fails", c.command, session, result, reads));
    }
    const base = c.build();
    for (const key of [...base.symbols.keys()]) {
      const t = c.build();
      t.symbols.delete(key);
      const { session, result } = runOne(t, c.command);
      outcomes.push(judge("symbol " + key + " missing", c.command, session, result, reads));
    }
    for (const key of [...base.types.keys()]) {
      const t = c.build();
      t.types.delete(key);
      const { session, result } = runOne(t, c.command);
      outcomes.push(judge("type " + key + " missing", c.command, session, result, reads));
    }
    HOSTILE_NAMES.forEach((name, i) => {
      const t = c.build();
      for (const m of t.modules) m.name = m.name.replace(/[^\\]*$/, name + "_" + i + ".sys");
      const { session, result } = runOne(t, c.command);
      outcomes.push(judge("hostile module name " + JSON.stringify(name), c.command, session, result, reads));
    });
  }
  const seen = new Set<string>();
  for (const c of cases()) {
    const name = /^(?:dx\s+(?:-g\s+)?@\$(\w+)|!(\w+))/.exec(c.command);
    const alias = name ? name[1] || name[2] : null;
    if (!alias || seen.has(alias)) continue;
    seen.add(alias);
    for (const arg of BAD_ARGUMENTS) {
      const { session, result } = runOne(c.build(), "!" + alias + " " + arg);
      outcomes.push(judge("argument " + arg, "!" + alias, session, result, 1000));
    }
  }
  const failures = outcomes.filter((o) => o.result.escaped !== null || o.hung || o.writes > 0 || o.injected.length > 0 || /bug in leaktools/.test(o.result.output));
  return {
    injected: outcomes.length,
    handled: outcomes.length - failures.length,
    escaped: outcomes.filter((o) => o.result.escaped !== null).length,
    hangs: outcomes.filter((o) => o.hung).length,
    injectedCommands: outcomes.reduce((n, o) => n + o.injected.length, 0),
    writes: outcomes.reduce((n, o) => n + o.writes, 0),
    failures,
  };
}

export function summaryLine(s: Summary): string {
  return s.injected + " faults injected, " + s.handled + " handled, " + s.escaped + " escaped exceptions, " + s.hangs + " hangs, " + s.injectedCommands + " injected commands, " + s.writes + " memory writes";
}
