// The walkthrough transcripts of samples/*.md by scene id: between `<!-- transcript: <id> -->` and
// `<!-- /transcript -->` in a fenced block. test/docs/samples.test.ts holds them equal to what the bundle prints
// (`replay(scene)`), so another test may compare a replay under other conditions with them instead of replaying
// the scene plainly again.
import * as fs from "fs";
import * as path from "path";

const DIR = path.resolve(__dirname, "../../samples");
export const TRANSCRIPT_BLOCK = /<!-- transcript: ([\w-]+) -->\n```text\n([\s\S]*?)```\n<!-- \/transcript -->/g;

export function transcripts(): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of fs.readdirSync(DIR).filter((x) => x.endsWith(".md"))) {
    for (const m of fs.readFileSync(path.join(DIR, f), "utf8").matchAll(TRANSCRIPT_BLOCK)) out.set(m[1], m[2]);
  }
  return out;
}

/**
 * Which of `conditions` a test runs for the i-th of `items`: all of them when LEAKTOOLS_FULL_CROSS=1
 * (`npm run test:full`, which .ci/run calls), else one each in turn, so `npm test` meets every condition and every
 * item once and stays fast. The same sampling as the fault suite's in `npm test` against `npm run faults`.
 */
export function sampled<T>(conditions: T[], i: number): T[] {
  return process.env.LEAKTOOLS_FULL_CROSS === "1" ? conditions : [conditions[i % conditions.length]];
}
