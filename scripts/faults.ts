// npm run faults: the fault-injection suite over every command and every fault class, with every read failed and
// corrupted reads sampled at 40 per command and mode (`npm run faults -- 1000000` corrupts every read); prints the
// summary the README quotes. `npm test` runs the same suite with both sampled (test/faults/all.test.ts).
import { runSuite, summaryLine, describeFailure } from "../test/faults/suite";

const start = Date.now();
// Every read fails in turn; corrupted reads are sampled (40 per command and mode unless a number is given).
const summary = runSuite({ maxReadFaults: Infinity, maxCorruptionsPerMode: Number(process.argv[2]) || 40 });
for (const [name, n] of Object.entries(summary.byClass)) console.log("  " + name + ": " + n + " runs");
console.log("  commands: " + summary.aliases.map((a) => "!" + a).join(" ") + " (" + Math.round((Date.now() - start) / 1000) + " s)");
console.log("  named corruption cases (also checked in detail by the e2e test named):");
for (const n of summary.named) console.log("    " + n.name + (n.seeAlso ? "  [" + n.seeAlso + "]" : ""));
console.log("  types removed in turn, per command: " + Object.keys(summary.typesRemoved).filter((a) => summary.typesRemoved[a].length).map((a) => "!" + a + " " + summary.typesRemoved[a].join(",")).join("; "));
console.log(summaryLine(summary));
for (const f of summary.failures.slice(0, 30)) console.log("  FAILED " + describeFailure(f).replace(/\n/g, "\\n").slice(0, 400));
process.exit(summary.failures.length ? 1 : 0);
