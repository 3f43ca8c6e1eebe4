// A report command's result kept for the session while the target cannot have changed (Command.keepsResult), so
// `dx @$virtblocks(0x29fb0000).Blocks.Where(...)` after `!virtblocks 0x29fb0000` answers from it instead of walking
// the heap again (on KDNET a walk is minutes of round trips). The runner decides whether the target can have
// changed by a stamp (src/host/runner.ts targetStamp): the same stamp means the same target state.

/** Results kept: the few commands a user is querying now. A poolallocs result can hold thousands of records. */
export const KEPT_RESULTS = 4;

/** The argument that forces a new walk: `!virtblocks (0x29fb0000, "refresh")`, `dx @$leaktag("Leak", "refresh")`. */
export const REFRESH_ARG = "refresh";

export interface KeptResult {
  key: string;
  stamp: string;
  /** What the command returned, already in the data model's form (host/model.ts). */
  value: unknown;
  /** The report as it was printed, to print again when another report came in between. */
  report: string[];
}

const kept: KeptResult[] = [];

/** The arguments without a trailing "refresh", and whether it was there. */
export function splitRefresh(args: unknown[]): { args: unknown[]; refresh: boolean } {
  const given = args.slice();
  while (given.length && given[given.length - 1] === undefined) given.pop();
  const last = given[given.length - 1];
  if (typeof last === "string" && last.toLowerCase() === REFRESH_ARG) return { args: given.slice(0, -1), refresh: true };
  return { args, refresh: false };
}

export function hasKept(key: string): boolean {
  return kept.some((k) => k.key === key);
}

export function findKept(key: string, stamp: string): KeptResult | null {
  for (const k of kept) if (k.key === key && k.stamp === stamp) return k;
  return null;
}

export function keep(result: KeptResult): void {
  for (let i = kept.length - 1; i >= 0; i--) if (kept[i].key === result.key) kept.splice(i, 1);
  kept.push(result);
  while (kept.length > KEPT_RESULTS) kept.shift();
}

export function forgetKept(): void {
  kept.length = 0;
}
