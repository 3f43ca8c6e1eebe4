// host/model.ts: a collection named by the command wins over its field's noun, and the name stays out of LINQ's way.
import { namedCollection, toModel } from "../../../src/host/model";

test("a field's noun names its collection; an unnamed field says entries", () => {
  const model = toModel({ Groups: [1, 2], Other: [1] }) as { Groups: unknown[]; Other: unknown[] };
  expect(String(model.Groups)).toBe("2 groups");
  expect(String(model.Other)).toBe("1 entry");
});

test("a collection named by the command wins over its field's noun and is not enumerable", () => {
  const blocks = namedCollection([{ Size: 0x48 }, { Size: 0x20 }], "allocation", "allocations");
  const model = toModel({ Blocks: blocks, NotWalked: namedCollection([], "part", "parts") }) as { Blocks: unknown[]; NotWalked: unknown[] };
  expect(String(model.Blocks)).toBe("2 allocations");
  expect(String(model.NotWalked)).toBe("0 parts");
  expect(Object.keys(model.Blocks)).toEqual(["0", "1"]);
  expect(Array.isArray(model.Blocks)).toBe(true);
});

test("a malformed noun property is ignored", () => {
  const odd = [1, 2, 3];
  Object.defineProperty(odd, "collectionNoun", { value: "not a pair", enumerable: false });
  expect(String((toModel({ Blocks: odd }) as { Blocks: unknown[] }).Blocks)).toBe("3 virtual blocks");
});
