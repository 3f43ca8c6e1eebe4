// npm run faults: the fault-injection suite's summary, as the README quotes it.
import { runSuite, summaryLine } from "../test/faults/suite";

const summary = runSuite(Number(process.argv[2]) || 60);
console.log(summaryLine(summary));
for (const f of summary.failures.slice(0, 20)) console.log("  FAILED " + f.command + " / " + f.fault);
process.exit(summary.failures.length ? 1 : 0);
