// Tag `None`: the owners are the drivers importing the untagged ExAllocatePool, found with !findimporter's search
// (seed 003), and no image is searched for the bytes 'None' (the kernel writes them itself).
import { DebuggerSession } from "../emulator/session";
import { seed003Target } from "../targets/importers";

type Owner = { Module: string; Confidence: string; Hits: { Kind: string; Section: string; Allocator: string; Address: unknown }[] };

test("!leaktag \"None\" on the seed 003 kernel names the driver that imports ExAllocatePool, found by IAT value", () => {
  const direct = (DebuggerSession.load(seed003Target().target).run('dx @$findimporter("nt!ExAllocatePool")').value as { Importers: { Module: string; MatchedBy: string; IatAddress: unknown }[] }).Importers;
  expect(direct.map((m) => [m.Module, m.MatchedBy])).toEqual([["{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}", "value"]]);

  const session = DebuggerSession.load(seed003Target().target);
  session.control.resetCounters();
  const r = session.run('!leaktag "None"');
  expect(r.escaped).toBeNull();
  expect(r.output).toContain("is what ExAllocatePool records");
  expect(r.output).toContain("Owners: 1 module imports ExAllocatePool (by name or by IAT value); images were not searched for the tag's bytes");
  expect(r.output).toMatch(/\{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX\}\s+high\s+f50b8058 \{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX\} IAT slot of nt!ExAllocatePool \(matched by value\)/);
  expect(r.output).not.toContain("were not resident and were NOT searched");

  const value = r.value as { Owners: Owner[]; NotSearched: unknown[] };
  expect(value.Owners.map((o) => [o.Module, o.Confidence, o.Hits.map((h) => [h.Kind, h.Section, h.Allocator])])).toEqual([
    ["{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}", "high", [["import", "IAT", "ExAllocatePool"]]],
  ]);
  const hex = (v: unknown) => (v as { toString(radix: number): string }).toString(16);
  expect(hex(value.Owners[0].Hits[0].Address)).toBe(hex(direct[0].IatAddress));
  expect(value.NotSearched).toEqual([]);
});
