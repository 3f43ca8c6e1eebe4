import { runSuite, summaryLine, describeFailure, shardAliases } from "./suite";

// Shard 0 of the sampled fault suite (all.test.ts has shard 1 and the checks that span both): the read, corruption,
// missing-symbol and hostile-module-name faults of the even-numbered commands, run beside the other half.
test("the even-numbered commands survive failed and corrupted reads, missing symbols and hostile module names", () => {
  const summary = runSuite({ maxReadFaults: 20, maxCorruptionsPerMode: 3, shard: 0 });
  console.log("fault injection (sampled, shard 0 of 2): " + summaryLine(summary));
  expect(summary.failures.slice(0, 10).map(describeFailure)).toEqual([]);
  expect(summary.aliases).toEqual(shardAliases(0));
  for (const cls of ["unreadable memory", "corrupted structures", "missing symbols", "hostile names"]) expect(summary.byClass[cls]).toBeGreaterThan(0);
  expect(summary.handled).toBe(summary.injected);
});
