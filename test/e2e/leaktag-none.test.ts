// Tag `None` names the drivers importing the untagged ExAllocatePool, with !findimporter's search (seed 003).
import { DebuggerSession } from "../emulator/session";
import { seed003Target } from "../targets/importers";

test("!leaktag \"None\" on the seed 003 kernel names the driver that imports ExAllocatePool, found by IAT value", () => {
  const b = seed003Target();
  const direct = DebuggerSession.load(b.target).run('dx @$findimporter("nt!ExAllocatePool")').value as { Module: string; MatchedBy: string }[];
  expect(direct.length).toBeGreaterThan(0);
  const r = DebuggerSession.load(seed003Target().target).run('!leaktag "None"');
  expect(r.escaped).toBeNull();
  expect(r.output).toContain("is what ExAllocatePool records");
  const line = r.output.split("\n").find((l) => l.startsWith("Drivers importing ExAllocatePool: "));
  expect(line).toBeDefined();
  for (const m of direct) expect(line).toContain(m.Module);
  expect(line).toContain(direct[0].MatchedBy === "value" ? "(by IAT value)" : direct[0].Module);
});
