// The fault-injection suite (issue 9) over every command: each sample scene's commands plus the commands no scene
// runs, against every fault class: each memory read failing in turn (every read, one at a time), each read's bytes
// corrupted in turn (all ones, self-links, misaligned links, links into holes), each symbol and type removed in
// turn, hostile names from the target and from the user on every path that builds a debugger command, bad
// arguments, and kernel-only commands in user mode and the reverse. Shared by the jest spec and `npm run faults`,
// which prints the summary the README quotes.
import { DebuggerSession, RunResult } from "../emulator/session";
import { EmulatedTarget, CorruptionMode } from "../emulator/target";
import { loadScenes } from "../../samples/demo";
import { seed002Target } from "../targets/seed002";
import { SEED002, writeWideName } from "../targets/verifier";
import { namedCases } from "./named";
import { typedScenes } from "./typed-scenes";
import { leakScene } from "../targets/segment-heap-scenes";
import { leakingProcess } from "../targets/heap-process";
import { BUILDS } from "../targets/builder";

/** What a debugger command built by the toolkit may look like: a literal of ours with validated arguments. */
export const SAFE_COMMAND = /^(vertarget|\.exr -1|u [0-9a-f]{8}(`[0-9a-f]{8})? L1|\.bugcheck|!thread|x [A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}![A-Za-z0-9_?*@$]{1,128}|!poolused 2|\.chain|!verifier 3 [A-Za-z0-9_][A-Za-z0-9_.\-]{0,63})$/;

/** Debugger-command and DML syntax an attacker would put in a driver, module, tag or string. */
export const HOSTILE_NAMES = [
  'evil";.shell calc;"',
  "a;.reboot",
  "x\n!process 0 0",
  "$$>a<c:\\x.txt",
  ".shell -ci \"dir\" cmd",
  "<link cmd=\".kill\">m</link>",
  '<exec cmd="ed nt!Kd_Default_Mask 0">x</exec>',
  "`ed nt!Kd_Default_Mask`",
  "drv&amp;.sys",
];

/** Arguments no command accepts as they are (per command exceptions in ACCEPTED_ARGUMENTS). */
export const BAD_ARGUMENTS = [
  '""',
  '"' + "A".repeat(300) + '"',
  "42",
  "0xffffffffffffffff",
  '"\\x01\\x02"',
  '"非ASCII"',
  '"Le\\nak"',
  "(1, 2, 3)",
];

/** Commands for which an argument of the list is valid input, not a bad argument (a number is an address). */
const ACCEPTED_ARGUMENTS: { [alias: string]: string[] } = {
  findimporter: ["42", "0xffffffffffffffff", "(1, 2, 3)"],
};

/** The scene a user-mode command's bad arguments run on: the heap commands on the process of their own scene. */
const USER_SCENE: { [alias: string]: string } = { heapblocks: "heapleaks", heapleaks: "heapleaks" };

/** Every command of the toolkit; the suite fails if one has no case. */
export const ALL_ALIASES = ["leaktools", "leaktag", "pooltags", "leaks", "pooltagfile", "findimporter", "virtblocks", "virtstacks", "unloadleaks", "crashtriage", "ltlimits", "poolallocs", "heapblocks", "heapleaks"];
const KERNEL_ONLY = ["leaktag", "pooltags", "leaks", "unloadleaks", "crashtriage", "poolallocs"];
const USER_ONLY = ["virtblocks", "virtstacks", "heapblocks", "heapleaks"];

/** Words with which output says that something could not be read. */
const SAYS_UNREADABLE = /unreadable|could not (be )?read|not read|cannot be read|not searched|not examined|is not readable/i;

export interface Outcome {
  fault: string;
  command: string;
  result: RunResult;
  hung: boolean;
  writes: number;
  injected: string[];
  /** Why the run fails the suite beyond an exception, hang, write or command (e.g. a silent zero). */
  problem: string | null;
}

export interface Summary {
  injected: number;
  handled: number;
  escaped: number;
  hangs: number;
  injectedCommands: number;
  writes: number;
  /** Runs whose output changed after a failed read without saying what could not be read. */
  silent: number;
  /** Fault runs per class, for the report. */
  byClass: { [name: string]: number };
  /** Aliases that ran at least once. */
  aliases: string[];
  /** Per alias, the types its runs looked up (module!type), for the check that each was removed in turn. */
  typesLookedUp: { [alias: string]: string[] };
  /** Per alias, the types removed while the command used them, and said. */
  typesRemoved: { [alias: string]: string[] };
  /** The named corruption cases run, with the e2e tests that check them too. */
  named: { name: string; seeAlso?: string }[];
  failures: Outcome[];
}

interface Case {
  build: () => EmulatedTarget;
  /** Run first, fault-free, on the same session (dx @$leaks() needs its first snapshot). */
  setup: string[];
  command: string;
}

export interface SuiteOptions {
  /** At most this many failed-read runs per command (sampled evenly above it); Infinity: every read, one at a time. */
  maxReadFaults: number;
  /** At most this many corrupted-read runs per command and mode (reads are sampled evenly above it); Infinity: all. */
  maxCorruptionsPerMode: number;
  /**
   * Half of the suite, so that npm test's two jest workers run it side by side (test/faults/reads.test.ts and
   * all.test.ts): 0 runs the read, corruption, symbol and module-name faults of the even-numbered cases; 1 those of
   * the odd-numbered cases and every other class. Absent: the whole suite (npm run faults).
   */
  shard?: 0 | 1;
}

/** The commands whose read, corruption, symbol and module-name faults a shard runs (all of them without one). */
export function shardAliases(shard?: 0 | 1): string[] {
  const out = new Set<string>();
  cases().forEach((c, i) => {
    const alias = aliasOf(c.command);
    if (alias && (shard === undefined || i % 2 === shard)) out.add(alias);
  });
  return [...out].sort();
}

const HANG_MS = 10000;

function aliasOf(command: string): string | null {
  const m = /^(?:dx\s+(?:-g\s+)?@\$(\w+)|!(\w+))/.exec(command);
  return m ? m[1] || m[2] : null;
}

function cases(): Case[] {
  const out: Case[] = [];
  // The poolallocs sample (20,000 blocks, four commands each replayed after the ones before it) would make every
  // fault run build and walk that scene and keep its 20,000 records: the suite ran out of memory. Its command runs
  // here on smaller segment-heap kernels instead (the cases and the typed scene below).
  for (const scene of loadScenes().filter((s) => s.id !== "poolallocs")) {
    scene.commands.forEach((command, i) => out.push({ build: scene.build, setup: scene.commands.slice(0, i), command }));
  }
  const scene = (id: string) => loadScenes().find((s) => s.id === id)!.build;
  // Commands no scene runs as such.
  const withTagFile = () => {
    const t = scene("leaktag")();
    t.addFile("C:\\tags\\mine.txt", "Leak - leak.sys - " + HOSTILE_NAMES.join(" ") + "\r\nEvil - <link cmd=\".kill\">x</link> - \"; .reboot");
    return t;
  };
  out.push({ build: withTagFile, setup: [], command: '!pooltagfile "C:\\\\tags\\\\mine.txt"' });
  out.push({ build: withTagFile, setup: ['!pooltagfile "C:\\\\tags\\\\mine.txt"'], command: '!leaktag "Leak"' });
  out.push({ build: scene("leaktag"), setup: [], command: '!leaktag "None"' });
  out.push({ build: scene("virtblocks"), setup: [], command: "!virtblocks" });
  out.push({ build: scene("virtblocks"), setup: [], command: "!virtstacks" });
  out.push({ build: scene("virtblocks"), setup: [], command: "!leaktools" });
  out.push({ build: scene("leaktag"), setup: [], command: "!ltlimits" });
  out.push({ build: scene("leaktag"), setup: ['!ltlimits ("maxModules", 2)'], command: '!leaktag "Leak"' });
  out.push({ build: () => seed002Target({ verifierText: true }).target, setup: [], command: '!unloadleaks "test.sys"' });
  // dx @$leaks("compare", ...) on after.dmp, with the file the scene's first session saved from before.dmp.
  const dumps = loadScenes().find((s) => s.id === "leaks-dumps")!;
  const afterDump = () => {
    const before = dumps.build();
    DebuggerSession.load(before).run(dumps.commands[0]);
    const after = dumps.then![0].build();
    after.fileSystem = before.fileSystem.mergeFrom(after.fileSystem);
    return after;
  };
  out.push({ build: afterDump, setup: [], command: dumps.then![0].commands[0] });
  // The heap commands on a live process: the baseline, then growth; one heap by handle; reset.
  const liveHeaps = () => leakingProcess({ pointerSize: 8, build: BUILDS.win10_22h2, ust: true, leaked: 4 }).target;
  out.push({ build: liveHeaps, setup: ["!heapleaks"], command: "!heapleaks" });
  out.push({ build: liveHeaps, setup: ["!heapleaks"], command: 'dx @$heapleaks("reset")' });
  const x86NoUst = () => leakingProcess({ pointerSize: 4, build: BUILDS.win10_22h2, ust: false, leaked: 4 });
  out.push({ build: () => x86NoUst().target, setup: [], command: "dx @$heapblocks(0x" + x86NoUst().heap.toString(16) + ")" });
  // The segment-heap walk on a small kernel (LFH and VS in three heaps, big pages), all of it and stopping early.
  out.push({ build: () => leakScene({ build: 19041, seed: 11 }).s.target, setup: [], command: '!poolallocs ("Leak", "all")' });
  out.push({ build: () => leakScene({ build: 22000, seed: 12 }).s.target, setup: [], command: '!poolallocs "Le*"' });
  return out;
}

interface Run {
  session: DebuggerSession;
  result: RunResult;
  ms: number;
}

/** Builds the target, applies the fault after the setup commands, runs the command. */
function runCase(c: Case, fault: (t: EmulatedTarget) => void, maxReads: number | null): Run {
  const target = c.build();
  const session = DebuggerSession.load(target);
  for (const line of c.setup) session.run(line);
  session.control.resetCounters();
  session.control.executed.length = 0;
  fault(target);
  target.maxReadCalls = maxReads;
  const start = Date.now();
  const result = session.run(c.command);
  return { session, result, ms: Date.now() - start };
}

function judge(fault: string, command: string, run: Run, baselineReads: number, problem: string | null = null): Outcome {
  const { session, result } = run;
  const injected = session.control.executed.filter((c) => !SAFE_COMMAND.test(c));
  // A synchronous walk that does not stop shows as far more reads than the healthy run (the emulator ends it).
  const hung = session.control.counters.readCalls > baselineReads * 4 + 100 || run.ms > HANG_MS;
  return { fault, command, result, hung, writes: session.control.violations.length, injected, problem };
}

/** The printed lines of a run, without dx's trailing `@$name(...)` line and its children. */
export function printedLines(output: string): string[] {
  const lines = output.split("\n");
  const end = lines.findIndex((l) => l.startsWith("@$"));
  return (end < 0 ? lines : lines.slice(0, end)).filter((l) => l.trim() !== "");
}

export function runSuite(options: SuiteOptions = { maxReadFaults: Infinity, maxCorruptionsPerMode: Infinity }): Summary {
  const outcomes: Outcome[] = [];
  const byClass: { [name: string]: number } = {};
  const aliases = new Set<string>();
  const typesLookedUp: { [alias: string]: Set<string> } = {};
  const typesRemoved: { [alias: string]: Set<string> } = {};
  const add = (cls: string, o: Outcome) => {
    byClass[cls] = (byClass[cls] || 0) + 1;
    outcomes.push(o);
  };
  const shard = options.shard;
  cases().forEach((c, index) => {
    const alias = aliasOf(c.command);
    if (shard !== 0) missingTypes(c, alias, add, typesLookedUp, typesRemoved);
    if (shard !== undefined && index % 2 !== shard) return;
    if (alias) aliases.add(alias);
    const probe = runCase(c, () => undefined, null);
    const reads = probe.session.control.counters.readCalls;
    const baseline = probe.result.output;
    const ceiling = reads * 4 + 200;

    // Unreadable memory: every read of the command fails in turn, one at a time.
    const readStep = Math.max(1, Math.ceil(reads / options.maxReadFaults));
    for (let n = 1; n <= reads; n += readStep) {
      const run = runCase(c, (t) => (t.failReadNumber = n), ceiling);
      // No silent zero: the output is the healthy one (the read was retried or not needed), or it says what it
      // could not read.
      const out = run.result.output;
      const silent = out !== baseline && !SAYS_UNREADABLE.test(out) ? "output changed after read " + n + " failed, without saying what was not read" : null;
      add("unreadable memory", judge("read " + n + " fails", c.command, run, reads, silent));
    }

    // Corrupted structures: each read's bytes replaced in turn.
    const modes: CorruptionMode[] = ["ones", "self", "misaligned", "unmapped"];
    const step = Math.max(1, Math.ceil(reads / options.maxCorruptionsPerMode));
    for (const mode of modes) {
      for (let n = 1; n <= reads; n += step) {
        const run = runCase(c, (t) => (t.corruptRead = { number: n, mode }), ceiling);
        add("corrupted structures", judge("read " + n + " corrupted (" + mode + ")", c.command, run, reads));
      }
    }

    // Missing symbols and types, one at a time.
    const base = c.build();
    for (const key of [...base.symbols.keys()]) {
      const run = runCase(c, (t) => t.symbols.delete(key), ceiling);
      // The fallback is said, or what is missing and what to run: the output is the healthy one, or it names the
      // symbol, a command to load symbols, or a built-in/guessed layout.
      const out = run.result.output;
      const symbol = key.split("!")[1];
      const said = out === baseline || out.indexOf(symbol) >= 0 || /\.reload|\.symfix|built-in|guessed|unknown|without symbols/.test(out);
      add("missing symbols", judge("symbol " + key + " missing", c.command, run, reads, said ? null : "symbol " + key + " removed: the output changed without saying what is missing"));
    }

    // Hostile names read from the target: every module's name.
    HOSTILE_NAMES.forEach((name, i) => {
      const run = runCase(c, (t) => {
        for (const m of t.modules) m.name = m.name.replace(/[^\\]*$/, name + "_" + i + ".sys");
      }, ceiling);
      add("hostile names", judge("hostile module name " + JSON.stringify(name), c.command, run, reads));
    });
  });

  const named: { name: string; seeAlso?: string }[] = [];
  if (shard !== 0) {
    // Missing types on scenes whose symbols carry every type the commands use.
    for (const scene of typedScenes()) {
      scene.commands.forEach((command, i) => {
        const c: Case = { build: scene.build, setup: scene.commands.slice(0, i), command };
        const alias = aliasOf(command);
        missingTypes(c, alias, add, typesLookedUp, typesRemoved);
      });
    }

    // The classes below inject nothing into the target (the fault is in the argument or the target kind), and the
    // toolkit never writes to a target: each scene is built once and shared by their runs, each in a new session.
    const built = new Map<string, EmulatedTarget>();
    const sharedScene = (id: string) => () => {
      let t = built.get(id);
      if (!t) built.set(id, (t = loadScenes().find((s) => s.id === id)!.build()));
      t.maxReadCalls = null;
      return t;
    };

    // Named corruption cases: one structure made hostile on a real-layout target; the output names it and reports
    // the rest.
    for (const n of namedCases()) {
      named.push({ name: n.name, seeAlso: n.seeAlso });
      const run = runCase({ build: n.build, setup: [], command: n.command }, () => undefined, 20000);
      const out = run.result.output;
      const missing = n.names.filter((re) => !re.test(out)).map((re) => "does not name the problem (" + re + ")")
        .concat(n.rest.filter((re) => !re.test(out)).map((re) => "does not report the rest (" + re + ")"));
      add("named corruption", judge(n.name, n.command, run, 5000, missing.length ? missing.join("; ") : null));
    }

    // Hostile names elsewhere: the driver name bugcheck 0xC4/0x62 passes in Arg2 (it would become !verifier 3 <name>),
    // and names typed by the user on every command that takes a name.
    for (const name of HOSTILE_NAMES) {
      const build = () => {
        const b = seed002Target({ verifierText: true });
        writeWideName(b, SEED002.arg2, name.slice(0, 60));
        return b.target;
      };
      const run = runCase({ build, setup: [], command: "!unloadleaks" }, () => undefined, 10000);
      add("hostile names", judge("hostile Arg2 driver name " + JSON.stringify(name), "!unloadleaks", run, 10000));
      const literal = JSON.stringify(name);
      for (const [alias, scene] of [["leaktag", "leaktag"], ["findimporter", "findimporter"], ["unloadleaks", "unloadleaks"], ["pooltagfile", "leaktag"], ["virtblocks", "virtblocks"], ["heapleaks", "heapleaks"], ["ltlimits", "leaktag"]]) {
        const c: Case = { build: sharedScene(scene), setup: [], command: "!" + alias + " " + literal };
        add("hostile names", judge("hostile argument " + literal, c.command, runCase(c, () => undefined, 10000), 10000));
      }
    }

    // Bad arguments: one usage line each, on a target of the kind the command needs.
    const sceneFor = (alias: string) => sharedScene(USER_ONLY.indexOf(alias) >= 0 ? USER_SCENE[alias] || "virtblocks" : alias === "unloadleaks" ? "unloadleaks" : "leaktag");
    for (const alias of ALL_ALIASES) {
      for (const arg of BAD_ARGUMENTS) {
        const command = "!" + alias + " " + arg;
        const run = runCase({ build: sceneFor(alias), setup: [], command }, () => undefined, 10000);
        const accepted = (ACCEPTED_ARGUMENTS[alias] || []).indexOf(arg) >= 0;
        const lines = printedLines(run.result.output);
        const problem = accepted || lines.length === 1 ? null : "a bad argument printed " + lines.length + " lines, not one usage line";
        add("bad arguments", judge("argument " + arg, command, run, 10000, problem));
      }
    }

    // A kernel-only command in a user-mode session and the reverse: one line saying so.
    const kernel = sharedScene("leaktag");
    const user = sharedScene("virtblocks");
    for (const [aliasList, build, kind] of [[KERNEL_ONLY, user, "user-mode"], [USER_ONLY, kernel, "kernel"]] as const) {
      for (const alias of aliasList) {
        const run = runCase({ build, setup: [], command: "!" + alias }, () => undefined, 10000);
        const lines = printedLines(run.result.output);
        const problem = lines.length === 1 ? null : "!" + alias + " in a " + kind + " session printed " + lines.length + " lines";
        add("wrong target kind", judge(kind + " session", "!" + alias, run, 10000, problem));
      }
    }
  }

  const failed = (o: Outcome) =>
    o.result.escaped !== null || o.hung || o.writes > 0 || o.injected.length > 0 || o.problem !== null || /bug in leaktools/.test(o.result.output);
  const failures = outcomes.filter(failed);
  return {
    injected: outcomes.length,
    handled: outcomes.length - failures.length,
    escaped: outcomes.filter((o) => o.result.escaped !== null).length,
    hangs: outcomes.filter((o) => o.hung).length,
    injectedCommands: outcomes.reduce((n, o) => n + o.injected.length, 0),
    writes: outcomes.reduce((n, o) => n + o.writes, 0),
    silent: outcomes.filter((o) => o.problem !== null && /without saying/.test(o.problem)).length,
    byClass,
    aliases: [...aliases].sort(),
    typesLookedUp: mapOfSorted(typesLookedUp),
    typesRemoved: mapOfSorted(typesRemoved),
    named,
    failures,
  };
}

function mapOfSorted(m: { [k: string]: Set<string> }): { [k: string]: string[] } {
  const out: { [k: string]: string[] } = {};
  for (const k of Object.keys(m)) out[k] = [...m[k]].sort();
  return out;
}

/** Records which types the host is asked for on `target` from now on (the emulator's lookups by key). */
function recordTypeLookups(target: EmulatedTarget, into: Set<string>): EmulatedTarget {
  const get = target.types.get.bind(target.types);
  target.types.get = (key: string) => {
    into.add(key);
    return get(key);
  };
  return target;
}

/**
 * Each type of the case's target removed in turn. A type the command looked up must, once removed, change the
 * output to say so: the type's name with the built-in layout used, or with what to run (.reload /f, .symfix). A
 * type it did not look up must change nothing.
 */
function missingTypes(c: Case, alias: string | null, add: (cls: string, o: Outcome) => void, lookedUp: { [a: string]: Set<string> }, removed: { [a: string]: Set<string> }): void {
  const used = new Set<string>();
  // Lookups are recorded from the command itself on, not during its setup commands.
  const probe = runCase(c, (t) => recordTypeLookups(t, used), null);
  const reads = probe.session.control.counters.readCalls;
  const baseline = probe.result.output;
  const keys = [...c.build().types.keys()];
  const a = alias || "?";
  lookedUp[a] = lookedUp[a] || new Set();
  removed[a] = removed[a] || new Set();
  for (const k of used) if (keys.indexOf(k) >= 0) lookedUp[a].add(k);
  for (const key of keys) {
    const run = runCase(c, (t) => t.types.delete(key), reads * 4 + 200);
    const out = run.result.output;
    const typeName = key.split("!")[1];
    let problem: string | null = null;
    if (used.has(key)) {
      // A line the healthy run did not print says the fallback (a built-in layout) or names the type or what to run.
      const before = new Set(baseline.split("\n"));
      const said = out.split("\n").some((l) => !before.has(l) && (l.indexOf(typeName) >= 0 || /built-in layout|\.reload|\.symfix/.test(l)));
      if (out === baseline || !said) problem = "type " + key + " removed: the output does not say that the built-in layout was used or what to load";
      else removed[a].add(key);
    } else if (out !== baseline) {
      problem = "type " + key + " (not looked up) removed: the output changed";
    }
    add("missing types", judge("type " + key + " missing", c.command, run, reads, problem));
  }
}

export function summaryLine(s: Summary): string {
  return s.injected + " faults injected, " + s.handled + " handled, " + s.escaped + " escaped exceptions, " + s.hangs + " hangs, " + s.injectedCommands + " injected commands, " + s.writes + " memory writes";
}

export function describeFailure(f: Outcome): string {
  return f.command + " / " + f.fault + ": " + (f.result.escaped || f.injected.join(" | ") || f.problem || (f.hung ? "hang" : "") || f.result.output.slice(-300));
}
