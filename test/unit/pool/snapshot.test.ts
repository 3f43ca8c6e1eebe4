import { formatSnapshot, parseSnapshot, tagGrowth, Snapshot } from "../../../src/pool/snapshot";
import { decodeKuser, compareFacts, TargetFacts } from "../../../src/snapshot/target-facts";

const facts: TargetFacts = {
  kind: "dump",
  dumpFile: "C:\\cases\\before.dmp",
  windowsBuild: 19045,
  pointerSize: 8,
  systemTimeMs: Date.UTC(2026, 0, 1),
  bootTimeMs: Date.UTC(2025, 11, 31, 19),
  bootId: 12,
  physicalPages: 0x400000,
};
const leak = { tag: "Leak", key: 0, nonPagedAllocs: 119, nonPagedFrees: 0, nonPagedBytes: 4991221760, pagedAllocs: 0, pagedFrees: 0, pagedBytes: 0 };
const snapshot: Snapshot = { version: 1, writtenBy: "leaktools 0.1.0", target: facts, source: "nt!PoolTrackTable", tags: [leak] };

describe("snapshot files", () => {
  test("KUSER_SHARED_DATA: SystemTime (1601 epoch) and InterruptTime give the time and the boot; BootId from 14393", () => {
    const bytes = new Uint8Array(0x2ec);
    const view = new DataView(bytes.buffer);
    const put = (at: number, v: bigint) => {
      view.setUint32(at, Number(v & 0xffffffffn), true);
      view.setUint32(at + 4, Number(v >> 32n), true);
    };
    put(0x14, 134116992000000000n); // 2026-01-01T00:00:00Z
    put(0x08, 5n * 3600n * 10000000n);
    view.setUint32(0x2c4, 12, true);
    view.setUint32(0x2e8, 0x400000, true);
    expect(decodeKuser(bytes, 19045)).toEqual({ systemTimeMs: facts.systemTimeMs, bootTimeMs: facts.bootTimeMs, bootId: 12, physicalPages: 0x400000 });
    expect(decodeKuser(bytes, 9600).bootId).toBeNull();
  });

  test("what is written is read back; non-ASCII is escaped so the Ascii writer keeps it", () => {
    const text = formatSnapshot({ ...snapshot, writtenBy: "leaktools \u00e9" });
    expect(/^[\x00-\x7f]*$/.test(text)).toBe(true);
    const parsed = parseSnapshot(text, 100);
    expect(parsed).toEqual({ snapshot: { ...snapshot, writtenBy: "leaktools \u00e9" } });
  });

  test("hostile file text: control characters in a tag are refused, in other strings replaced", () => {
    const text = formatSnapshot({ ...snapshot, source: "a\u0007b", tags: [{ ...leak, tag: "L\nk" }] });
    expect(parseSnapshot(text, 10)).toEqual({ problem: { kind: "malformed", detail: 'tag entry 1 has no "tag" of 1-4 printable characters' } });
    const ok = parseSnapshot(formatSnapshot({ ...snapshot, source: "a\u0007b" }), 10);
    expect("snapshot" in ok && ok.snapshot.source).toBe("a b");
  });

  test("bounded: more tags than a table holds is refused", () => {
    const many = formatSnapshot({ ...snapshot, tags: [leak, { ...leak, tag: "Lea2" }, { ...leak, tag: "Lea3" }] });
    expect(parseSnapshot(many, 2)).toEqual({ problem: { kind: "malformed", detail: '"tags" has 3 entries, more than the 2 a tag table can hold' } });
  });

  test("warnings: later, other machine (build, pages), reboot (BootId or boot time)", () => {
    expect(compareFacts(facts, { ...facts, systemTimeMs: facts.systemTimeMs! + 1000 })).toEqual([]);
    expect(compareFacts(facts, { ...facts, systemTimeMs: facts.systemTimeMs! - 1000 }).map((w) => w.kind)).toEqual(["snapshotLater"]);
    expect(compareFacts(facts, { ...facts, windowsBuild: 22631 })).toEqual([
      { kind: "otherMachine", what: "Windows build 19045 then, 22631 now (or Windows was updated in between)" },
    ]);
    expect(compareFacts(facts, { ...facts, bootId: 13 })).toEqual([{ kind: "reboot", what: "BootId 12 then, 13 now" }]);
    expect(compareFacts({ ...facts, bootId: null }, { ...facts, bootId: null, bootTimeMs: facts.bootTimeMs! + 60000 })).toEqual([]); // clock adjusted a minute
  });

  test("growth: grown tags only, largest first; new tags grow from 0; shrunk and gone are counted", () => {
    const now = [
      { ...leak, nonPagedAllocs: 120, nonPagedBytes: leak.nonPagedBytes + 100 },
      { ...leak, tag: "NewT", nonPagedAllocs: 1, nonPagedBytes: 200 },
    ];
    const then = [leak, { ...leak, tag: "Gone" }];
    const g = tagGrowth(then, now);
    expect(g.grown.map((x) => [x.tag, x.bytesNow - x.bytesThen, x.allocsDelta])).toEqual([["NewT", 200, 1], ["Leak", 100, 1]]);
    expect(g.gone).toBe(1);
    expect(tagGrowth(now, then).shrunk).toBe(1);
  });
});
