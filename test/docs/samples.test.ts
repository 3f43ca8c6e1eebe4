// Every transcript in samples/*.md is what the bundle prints today. A transcript sits between
// `<!-- transcript: <scene id> -->` and `<!-- /transcript -->` in a fenced block; UPDATE_GOLDEN=1 rewrites them.
import * as fs from "fs";
import * as path from "path";
import { loadScenes, replay } from "../../samples/demo";

const DIR = path.resolve(__dirname, "../../samples");
const BLOCK = /<!-- transcript: ([\w-]+) -->\n```text\n([\s\S]*?)```\n<!-- \/transcript -->/g;

const scenes = loadScenes();
const docs = fs.readdirSync(DIR).filter((f) => f.endsWith(".md"));

test("every scene has a walkthrough with its transcript", () => {
  const documented = new Set<string>();
  for (const f of docs) for (const m of fs.readFileSync(path.join(DIR, f), "utf8").matchAll(BLOCK)) documented.add(m[1]);
  expect(scenes.map((s) => s.id).filter((id) => !documented.has(id))).toEqual([]);
});

test.each(docs)("%s shows what the bundle prints today", (file) => {
  const full = path.join(DIR, file);
  const text = fs.readFileSync(full, "utf8");
  const blocks = [...text.matchAll(BLOCK)];
  expect(blocks.length).toBeGreaterThan(0);
  let updated = text;
  for (const [whole, id, transcript] of blocks) {
    const scene = scenes.find((s) => s.id === id);
    expect(scene).toBeDefined();
    const actual = replay(scene!);
    if (process.env.UPDATE_GOLDEN === "1") updated = updated.replace(whole, () => "<!-- transcript: " + id + " -->\n```text\n" + actual + "```\n<!-- /transcript -->");
    else expect(transcript).toBe(actual);
  }
  if (updated !== text) fs.writeFileSync(full, updated);
});
