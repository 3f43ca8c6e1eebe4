import { runSuite, summaryLine, describeFailure, shardAliases, SAFE_COMMAND, ALL_ALIASES } from "./suite";
import { namedCases } from "./named";
import { TYPES_USED } from "./typed-scenes";

// npm test samples the reads (every read is failed by `npm run faults`); each class still reaches every command.
// The suite runs in two halves side by side: this file has shard 1 (the odd-numbered commands' read, corruption,
// symbol and module-name faults, and every other class), reads.test.ts shard 0.
test("the two halves together give every command its read, corruption, symbol and module-name faults", () => {
  expect([...new Set(shardAliases(0).concat(shardAliases(1)))].sort()).toEqual([...ALL_ALIASES].sort());
  expect(shardAliases()).toEqual([...ALL_ALIASES].sort());
});

test("every command survives every fault class: no exception, hang, write, injected command or silent value", () => {
  const summary = runSuite({ maxReadFaults: 20, maxCorruptionsPerMode: 3, shard: 1 });
  console.log("fault injection (sampled, shard 1 of 2): " + summaryLine(summary));
  expect(summary.failures.slice(0, 10).map(describeFailure)).toEqual([]);
  expect(summary.aliases).toEqual(shardAliases(1));
  for (const cls of ["unreadable memory", "corrupted structures", "missing symbols", "missing types", "hostile names", "bad arguments", "wrong target kind", "named corruption"]) {
    expect(summary.byClass[cls]).toBeGreaterThan(0);
  }
  expect(summary.handled).toBe(summary.injected);

  // Every named corruption case ran and is counted in the summary line.
  expect(summary.named.map((n) => n.name)).toEqual(namedCases().map((n) => n.name));
  expect(summary.byClass["named corruption"]).toBe(namedCases().length);

  // Missing types: every type each command looks up was removed in turn while the command used it, and said; no
  // command looks up a type the list does not name (so a new lookup needs a typed scene).
  for (const alias of Object.keys(TYPES_USED)) {
    expect([alias, summary.typesRemoved[alias] || []]).toEqual([alias, [...TYPES_USED[alias]].sort()]);
  }
  for (const alias of Object.keys(summary.typesLookedUp)) {
    for (const key of summary.typesLookedUp[alias]) expect([alias, key, (TYPES_USED[alias] || []).indexOf(key) >= 0]).toEqual([alias, key, true]);
  }
});

test("the safe-command pattern refuses what an attacker would inject", () => {
  expect(SAFE_COMMAND.test("u fffff880`04c73043 L1")).toBe(true);
  expect(SAFE_COMMAND.test("!verifier 3 test.sys")).toBe(true);
  for (const bad of ['!verifier 3 a";.shell calc', "!verifier 3 a;.reboot", "u fffff880`04c73043 L1; .kill", "!verifier 3 x\n!process 0 0"]) {
    expect(SAFE_COMMAND.test(bad)).toBe(false);
  }
});
