import { Progress, bytesOf, countOf, PROGRESS_INTERVAL_MS } from "../../../src/core/progress";
import { Printer } from "../../../src/core/printer";

function printer(): Printer & { printed: string[] } {
  const printed: string[] = [];
  return { printed, line: (t) => printed.push(t), lines: (t) => printed.push(...t), progress: (t) => printed.push(t) };
}

describe("progress of long work", () => {
  test("large work: one line at each 10% step crossed, none at the end", () => {
    const out = printer();
    const p = new Progress(out, "Searching", 1000, true, countOf("items"), () => 0);
    for (let i = 0; i <= 1000; i += 7) p.update(i);
    p.update(1000);
    expect(out.printed).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90].map((n, i) => expect.stringMatching(new RegExp("^Searching: " + n + "% \\(\\d+ of 1000 items\\)$"))).slice(0, out.printed.length));
    expect(out.printed).toHaveLength(9);
  });

  test("small work prints nothing, unless it runs longer than 5 s; then every 5 s", () => {
    let now = 0;
    const out = printer();
    const p = new Progress(out, "Walking", 100, false, countOf("heaps"), () => now);
    p.update(50);
    expect(out.printed).toEqual([]);
    now = PROGRESS_INTERVAL_MS - 1;
    p.update(60);
    expect(out.printed).toEqual([]);
    now = PROGRESS_INTERVAL_MS;
    p.update(61);
    now += 1000;
    p.update(62);
    now += PROGRESS_INTERVAL_MS;
    p.update(63);
    expect(out.printed).toEqual(["Walking: 61% (61 of 100 heaps)", "Walking: 63% (63 of 100 heaps)"]);
  });

  test("byte counts read as MB on large totals, KB on small ones", () => {
    expect(bytesOf(45 * 1048576, 150 * 1048576)).toBe("45 of 150 MB");
    expect(bytesOf(0x8000, 0x10000)).toBe("32 of 64 KB");
  });
});
