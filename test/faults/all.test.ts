import { runSuite, summaryLine, describeFailure, SAFE_COMMAND, ALL_ALIASES } from "./suite";

// npm test samples the reads (every read is failed by `npm run faults`); each class still reaches every command.
test("every command survives every fault class: no exception, hang, write, injected command or silent value", () => {
  const summary = runSuite({ maxReadFaults: 25, maxCorruptionsPerMode: 4 });
  console.log("fault injection (sampled): " + summaryLine(summary));
  expect(summary.failures.slice(0, 10).map(describeFailure)).toEqual([]);
  expect(summary.aliases).toEqual([...ALL_ALIASES].sort());
  for (const cls of ["unreadable memory", "corrupted structures", "missing symbols", "missing types", "hostile names", "bad arguments", "wrong target kind"]) {
    expect(summary.byClass[cls]).toBeGreaterThan(0);
  }
  expect(summary.handled).toBe(summary.injected);
});

test("the safe-command pattern refuses what an attacker would inject", () => {
  expect(SAFE_COMMAND.test("u fffff880`04c73043 L1")).toBe(true);
  expect(SAFE_COMMAND.test("!verifier 3 test.sys")).toBe(true);
  for (const bad of ['!verifier 3 a";.shell calc', "!verifier 3 a;.reboot", "u fffff880`04c73043 L1; .kill", "!verifier 3 x\n!process 0 0"]) {
    expect(SAFE_COMMAND.test(bad)).toBe(false);
  }
});
