// Golden transcripts: what the bundle prints, kept under test/golden/. They change only on purpose:
// UPDATE_GOLDEN=1 npm test rewrites them, and the diff shows it.
import * as fs from "fs";
import * as path from "path";

const DIR = path.resolve(__dirname, "../golden");

export function expectGolden(name: string, actual: string): void {
  const file = path.join(DIR, name + ".txt");
  if (process.env.UPDATE_GOLDEN === "1" || !fs.existsSync(file)) {
    if (!fs.existsSync(file) && process.env.CI) throw new Error("golden " + name + " is missing; run UPDATE_GOLDEN=1 npm test and commit it");
    fs.mkdirSync(DIR, { recursive: true });
    fs.writeFileSync(file, actual);
    return;
  }
  expect(actual).toBe(fs.readFileSync(file, "utf8"));
}
