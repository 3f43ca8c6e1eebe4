// The pure half of kept results (src/core/result-cache.ts); the runner's use of them is tested end to end in
// test/e2e/repeat.test.ts.
import { findKept, forgetKept, hasKept, keep, splitRefresh, KEPT_RESULTS } from "../../../src/core/result-cache";

describe("splitRefresh", () => {
  test("a trailing \"refresh\" is taken off, in any case", () => {
    expect(splitRefresh(["Leak", "refresh"])).toEqual({ args: ["Leak"], refresh: true });
    expect(splitRefresh(["REFRESH"])).toEqual({ args: [], refresh: true });
    expect(splitRefresh(["refresh", undefined])).toEqual({ args: [], refresh: true });
  });
  test("anything else is left as it is", () => {
    expect(splitRefresh(["Leak"])).toEqual({ args: ["Leak"], refresh: false });
    expect(splitRefresh([0x29fb0000])).toEqual({ args: [0x29fb0000], refresh: false });
    expect(splitRefresh([])).toEqual({ args: [], refresh: false });
  });
});

describe("kept results", () => {
  beforeEach(() => forgetKept());
  test("found by command line and stamp; another stamp is another target state", () => {
    keep({ key: '!leaktag "Leak"', stamp: "live 1", value: 1, report: [] });
    expect(findKept('!leaktag "Leak"', "live 1")!.value).toBe(1);
    expect(findKept('!leaktag "Leak"', "live 2")).toBeNull();
    expect(hasKept('!leaktag "Leak"')).toBe(true);
  });
  test("the same command kept again replaces the old result; only the last few are kept", () => {
    keep({ key: "a", stamp: "s", value: 1, report: [] });
    keep({ key: "a", stamp: "t", value: 2, report: [] });
    expect(findKept("a", "s")).toBeNull();
    for (let i = 0; i < KEPT_RESULTS; i++) keep({ key: "k" + i, stamp: "s", value: i, report: [] });
    expect(hasKept("a")).toBe(false);
    expect(findKept("k0", "s")!.value).toBe(0);
  });
});
