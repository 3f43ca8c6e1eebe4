import { runSuite, summaryLine, SAFE_COMMAND } from "./suite";

test("every command survives every injected fault: no exception, hang, write or injected command", () => {
  const summary = runSuite();
  console.log("fault injection: " + summaryLine(summary));
  const described = summary.failures.slice(0, 10).map((f) => f.command + " / " + f.fault + ": " + (f.result.escaped || f.injected.join(" | ") || f.result.output.slice(-300)));
  expect(described).toEqual([]);
  expect(summary.injected).toBeGreaterThan(0);
});

test("the safe-command pattern refuses what an attacker would inject", () => {
  expect(SAFE_COMMAND.test("u fffff880`04c73043 L1")).toBe(true);
  expect(SAFE_COMMAND.test("!verifier 3 test.sys")).toBe(true);
  for (const bad of ['!verifier 3 a";.shell calc', "!verifier 3 a;.reboot", "u fffff880`04c73043 L1; .kill", "!verifier 3 x\n!process 0 0"]) {
    expect(SAFE_COMMAND.test(bad)).toBe(false);
  }
});
