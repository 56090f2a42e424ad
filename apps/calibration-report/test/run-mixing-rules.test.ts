/** The run-mixing checks' rules, record by record, and the lines their findings are located at. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { FillRecord } from "@mmkit/analytics";
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/build-report.js";
import { parseCriteria } from "../src/criteria.js";
import { IssueLog } from "../src/inputs.js";
import { RunMixingCheck } from "../src/run-mixing.js";
import { GOLDEN_CRITERIA, goldenFiles } from "./golden.js";
import { event, fill, T0, tempDirs, writeRunDir } from "./run-dir.js";

const S = 1000;
const criteria = parseCriteria(GOLDEN_CRITERIA);
const tmp = tempDirs("mixing-rules");

const withId = (id: string, tsMs: number): FillRecord => ({
  ...fill(tsMs, 0, "buy", 60_000, 0.01, 0.12, 1),
  fill_id: id,
});

/** Fill-id restarts found in `ids`, fed in order (times increasing). */
async function restarts(ids: string[]): Promise<number> {
  const m = new RunMixingCheck();
  for (const [i, id] of ids.entries()) m.fill(withId(id, T0 + i), "fills.jsonl", i);
  return (await m.result(new IssueLog())).fillIdRestarts;
}

describe("run-mixing rules", () => {
  it("a record exactly the tolerance (1 s) back is within it; a millisecond more is another run's", async () => {
    const at = async (backMs: number): Promise<number> => {
      const m = new RunMixingCheck();
      m.timed("equity", T0 + 5 * S, "equity.jsonl", 0);
      m.timed("equity", T0 + 5 * S - backMs, "equity.jsonl", 1);
      return (await m.result(new IssueLog())).timeRegressions.length;
    };
    expect(await at(1000)).toBe(0);
    expect(await at(1001)).toBe(1);
  });

  it("a fill id repeated (the same fill written twice) counts as a restart of the counter", async () => {
    expect(await restarts(["F1", "F2", "F3"])).toBe(0);
    expect(await restarts(["F1", "F2", "F2"])).toBe(1);
  });

  it("a long run's counter restarting late is found (F1..F1000, then F700)", async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `F${i + 1}`);
    expect(await restarts(ids)).toBe(0);
    expect(await restarts([...ids, "F700", "F701"])).toBe(1);
  });

  it("a prefix seen before the 64 tracked ones were taken keeps its counter up to date", async () => {
    // 63 other prefixes, then F: 64 tracked; F counts on to 10, then restarts at 5
    const others = Array.from(
      { length: 63 },
      (_, i) => `q${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}1`,
    );
    const fs = Array.from({ length: 10 }, (_, i) => `F${i + 1}`);
    expect(await restarts([...others, ...fs])).toBe(0);
    expect(await restarts([...others, ...fs, "F5"])).toBe(1);
  });
});

describe("findings located by line", () => {
  it("in a stream saved with a byte-order mark, and on a last line without a line break", async () => {
    const files = goldenFiles();
    const dir = await writeRunDir(await tmp("bom"), files);
    const ev = files.events!;
    // events.jsonl: BOM, the run start, a second run start on line 3
    const events = [ev[0]!, ev[1]!, event(T0 + 2 * S, "run_start"), ...ev.slice(2)];
    await writeFile(join(dir, "events.jsonl"), `\uFEFF${events.map((e) => JSON.stringify(e)).join("\n")}\n`);
    // fills.jsonl: the counter restarts on the last line, which has no line break
    const fills = [...files.fills!, withId("f1", files.fills!.at(-1)!.ts_ms)];
    await writeFile(join(dir, "fills.jsonl"), fills.map((f) => JSON.stringify(f)).join("\n"));
    const r = await buildReport(dir, { criteria });
    expect(r.runMixing.findings.map((f) => f.location.replace(/.*\//, ""))).toEqual([
      "events.jsonl:3",
      `fills.jsonl:${fills.length}`,
    ]);
  });
});
