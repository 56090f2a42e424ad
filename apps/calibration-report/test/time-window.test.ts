/** A --since/--until window that leaves a stream's records out says so: how many, and the data's time range. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/build-report.js";
import { parseCriteria } from "../src/criteria.js";
import { main } from "../src/main.js";
import { GOLDEN_CRITERIA, goldenFiles } from "./golden.js";
import { T0, tempDirs, writeRunDir } from "./run-dir.js";

const tmp = tempDirs("window");
const criteria = parseCriteria({ ...GOLDEN_CRITERIA, edgeCriterion: "positive" });
const AFTER = Date.UTC(2030, 0, 1); // after every record of the golden run (2024-08-09)

describe("a time window that excludes records", () => {
  it("--since after every record: each criterion names the records it excluded and their time range", async () => {
    const dir = await writeRunDir(await tmp("after"), goldenFiles());
    const r = await buildReport(dir, { criteria, timeRange: { sinceMs: AFTER, untilMs: null } });
    const detail = (id: string) => r.verdict.criteria.find((c) => c.id === id)!.detail;
    expect(detail("edge")).toBe(
      "no edge records (the time window 2030-01-01T00:00:00Z .. open excluded all 4 record(s) of edge_validation.jsonl (its data: 2024-08-09T00:00:20Z .. 2024-08-09T00:03:20Z))",
    );
    expect(detail("edge")).not.toMatch(/missing, unreadable or empty/);
    expect(detail("sharpe")).toMatch(
      /: the time window 2030-01-01T00:00:00Z \.\. open excluded all 7 record\(s\) of equity\.jsonl \(its data: 2024-08-09T00:00:00Z \.\. 2024-08-09T00:05:30Z\)$/,
    );
    expect(detail("drawdown")).toMatch(/excluded all 7 record\(s\) of equity\.jsonl/);
    expect(detail("brier")).toMatch(
      /excluded all \d+ record\(s\) of predictions\.jsonl \(its data: 2024-08-09T00:00:10Z/,
    );
    expect(detail("fills")).toMatch(/excluded all 4 record\(s\) of fills\.jsonl/);
    const edgeIn = r.inputs.find((i) => i.stream === "edge_validation")!;
    expect(edgeIn).toMatchObject({
      records: 4,
      used: 0,
      outsideWindow: 4,
      firstTsMs: T0 + 20_000,
      lastTsMs: T0 + 200_000,
    });
    expect(r.verdict.notes.join("\n")).toMatch(
      /The time window 2030-01-01T00:00:00Z \.\. open holds none of the run's records: it excluded all \d+ \(the data spans 2024-08-09T00:00:00Z \.\. 2024-08-09T00:05:30Z\); check --since\/--until\./,
    );
    expect(r.verdict.overall).toBe("INSUFFICIENT DATA");

    // the CLI shows it too (wrapped at 72 columns)
    const out: string[] = [];
    expect(
      await main([dir, "--since", "2030-01-01"], { stdout: (t) => void out.push(t), stderr: () => {} }),
    ).toBe(3);
    expect(out.join("").replace(/\s+/g, " ")).toContain("excluded all 4 record(s) of edge_validation.jsonl");
  });

  it("--until before the edge records only: the edge criterion says so; the other streams are judged", async () => {
    const dir = await writeRunDir(await tmp("before"), goldenFiles());
    const r = await buildReport(dir, { criteria, timeRange: { sinceMs: null, untilMs: T0 + 19_000 } });
    expect(r.verdict.criteria.find((c) => c.id === "edge")!.detail).toBe(
      "no edge records (the time window open .. 2024-08-09T00:00:19Z excluded all 4 record(s) of edge_validation.jsonl (its data: 2024-08-09T00:00:20Z .. 2024-08-09T00:03:20Z))",
    );
    expect(r.verdict.notes.join("\n")).not.toMatch(/holds none of the run's records/);
  });

  it("an empty or missing edge file, without a window, is named as such", async () => {
    const dir = await writeRunDir(await tmp("empty"), { ...goldenFiles(), edge_validation: [] });
    const detail = async () =>
      (await buildReport(dir, { criteria })).verdict.criteria.find((c) => c.id === "edge")!.detail;
    expect(await detail()).toBe("no edge records (edge_validation.jsonl empty)");
    await writeFile(join(dir, "edge_validation.jsonl"), "{oops\n");
    expect(await detail()).toBe(
      "no edge records (edge_validation.jsonl holds no valid record (1 bad line(s)))",
    );
  });
});
