/** JSON files saved with a UTF-8 byte-order mark (Windows editors) read like any other. */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/build-report.js";
import { parseCriteria } from "../src/criteria.js";
import { main } from "../src/main.js";
import { GOLDEN_CRITERIA, goldenFiles } from "./golden.js";
import { tempDirs, writeRunDir } from "./run-dir.js";

const tmp = tempDirs("bom");
const criteria = parseCriteria(GOLDEN_CRITERIA);
const BOM = "\uFEFF";

async function prependBom(file: string): Promise<void> {
  await writeFile(file, BOM + (await readFile(file, "utf8")));
}

describe("a leading byte-order mark", () => {
  it("in run.json and the JSONL streams: every record read, no issue, same verdict", async () => {
    const dir = await writeRunDir(await tmp("run"), goldenFiles());
    for (const f of ["run.json", "equity.jsonl", "fills.jsonl", "events.jsonl", "edge_validation.jsonl"])
      await prependBom(join(dir, f));
    const r = await buildReport(dir, { criteria });
    expect(r.issues).toEqual([]);
    expect(r.summary.runId).toBe("golden-1");
    expect(r.summary.fills).toBe(4);
    expect(r.inputs.find((i) => i.stream === "equity")!.badLines).toBe(0);
    expect(r.verdict.overall).toBe("GO");
  });

  it("in a --criteria file: read, not 'Unexpected token'", async () => {
    const dir = await writeRunDir(await tmp("crit"), goldenFiles());
    const file = join(dir, "go-live.json");
    await writeFile(file, BOM + JSON.stringify(GOLDEN_CRITERIA));
    const err: string[] = [];
    const code = await main([dir, "-q", "--criteria", file], {
      stdout: () => {},
      stderr: (t) => void err.push(t),
    });
    expect(err.join("")).toBe("");
    expect(code).toBe(0);
  });
});
