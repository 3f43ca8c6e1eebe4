// When the symbols' type lacks a field the code needs, the Layout line names the fields really missing: a field found
// by name (fields that do not enumerate, issue 14 part 2) is not among them.
import { resolveLayout, isLayoutMissing } from "../../../src/layouts/resolve";
import { POOL_TRACKER_BIG_PAGES } from "../../../src/layouts/pool";
import { TypeInfo, FieldInfo } from "../../../src/layouts/types";

test("a type whose fields are found by name only: the message lists only the field that is absent", () => {
  // Va and Key do not enumerate (fields is empty) but lookup finds them; NumberOfBytes is absent altogether.
  const byName: { [name: string]: FieldInfo } = { Va: { offset: 0, size: 8 }, Key: { offset: 8, size: 4 } };
  const type: TypeInfo = { name: "_POOL_TRACKER_BIG_PAGES", size: 0x18, fields: {}, lookup: (name) => byName[name] || null };
  const layout = resolveLayout(POOL_TRACKER_BIG_PAGES, () => type, 8, 19041);
  if (isLayoutMissing(layout)) throw new Error(layout.reason);
  expect(layout.origin).toBe("built-in");
  expect(layout.description).toContain("the symbols' nt!_POOL_TRACKER_BIG_PAGES has no NumberOfBytes (a layout leaktools does not know)");
});
