import { VERSION } from "../../src/core/version";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkg = require("../../package.json") as { version: string };

test("the version !leaktools prints is package.json's", () => {
  expect(VERSION).toBe(pkg.version);
});
