// The seed 002 scene as a target: Win7 SP1 x64 after `test.sys` unloaded with one allocation outstanding.
import { kernelTarget, BUILDS, TargetBuilder } from "./builder";
import { answerDisassembly, fixtureLines, SEED002, writeBugCheck, writeDbListing, writeVerifiedData, Allocation } from "./verifier";

export interface Seed002Options {
  build?: number;
  slist?: "header16" | "header8";
  /** Answer `!verifier 3 test.sys` with the article's real output. */
  verifierText?: boolean;
  allocations?: Allocation[];
}

export function seed002Target(options: Seed002Options = {}): TargetBuilder {
  const b = kernelTarget({ pointerSize: 8, build: options.build || BUILDS.win7sp1, dump: "C:\\Windows\\MEMORY.DMP" });
  writeBugCheck(b, 0xc4, [0x62n, SEED002.arg2, SEED002.arg3, 1n]);
  writeDbListing(b, fixtureLines("seed002-db-arg2.txt"));
  if (options.build === undefined || options.build === BUILDS.win7sp1) {
    writeVerifiedData(b, options.allocations || [SEED002.allocation], { at: SEED002.arg3, pages: [SEED002.page], slist: options.slist });
  } else {
    b.memory.map(SEED002.arg3, 0x100);
  }
  answerDisassembly(b, SEED002.allocation.caller, fixtureLines("seed002-u.txt"));
  if (options.verifierText) b.target.onCommand("!verifier 3 test.sys", fixtureLines("seed002-verifier3.txt"));
  return b;
}
