import { appendFile, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { AnalyticsLogger, type StreamName } from "@mmkit/analytics";
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/build-report.js";
import { parseCriteria } from "../src/criteria.js";
import { main } from "../src/main.js";
import { renderHtml } from "../src/render-html.js";
import { renderText } from "../src/render-text.js";
import { GOLDEN_CRITERIA, goldenFiles } from "./golden.js";
import { tempDirs, writeRunDir } from "./run-dir.js";

const criteria = parseCriteria(GOLDEN_CRITERIA);
const quiet = { stdout: () => {}, stderr: () => {} };

const tmp = tempDirs("robust");

describe("robustness", () => {
  it("skips corrupt lines and a torn last line, reporting file:line, and keeps the figures", async () => {
    const dir = await writeRunDir(await tmp("corrupt"), goldenFiles());
    // fills.jsonl: insert garbage at line 3 and a schema-invalid record at line 4 (fills now on lines 1,2,5,6)
    const fillsPath = join(dir, "fills.jsonl");
    const lines = (await readFile(fillsPath, "utf8")).trimEnd().split("\n");
    lines.splice(
      2,
      0,
      "{not json",
      JSON.stringify({ schema_version: 1, ts_ms: 1, timestamp_ns: 1, side: "up" }),
    );
    await writeFile(fillsPath, `${lines.join("\n")}\n`);
    // equity.jsonl: a crash mid-write leaves a torn last line (no newline)
    await appendFile(join(dir, "equity.jsonl"), '{"schema_version":1,"ts_ms":17231');

    const r = await buildReport(dir, { criteria });
    expect(r.summary.fills).toBe(4);
    expect(r.summary.netPnlQuote).toBe(60);
    expect(r.issueCount).toBe(3);
    const locs = r.issues.map((i) => i.location);
    expect(locs).toContain(`${fillsPath}:3`);
    expect(locs).toContain(`${fillsPath}:4`);
    expect(locs).toContain(`${join(dir, "equity.jsonl")}:8`);
    expect(r.issues.find((i) => i.location.endsWith("equity.jsonl:8"))!.reason).toMatch(/torn/);
    expect(r.issues.find((i) => i.location.endsWith("fills.jsonl:4"))!.reason).toMatch(/schema/);
    expect(r.inputs.find((f) => f.stream === "fills")!.badLines).toBe(2);
    expect(r.verdict.overall).toBe("GO");
    expect(r.verdict.notes.join(" ")).toMatch(/3 malformed line/);
    expect(renderText(r)).toContain("fills.jsonl:3");
  });

  it("empty files, missing files and an empty directory: reported, no crash, INSUFFICIENT DATA", async () => {
    const dir = await tmp("empty");
    await writeFile(join(dir, "equity.jsonl"), "");
    await writeFile(join(dir, "fills.jsonl"), "\n\n");
    const r = await buildReport(dir);
    expect(r.missing).toEqual(
      expect.arrayContaining([
        "run.json",
        "predictions.jsonl",
        "edge_validation.jsonl",
        "signal_contributions.jsonl",
        "events.jsonl",
      ]),
    );
    expect(r.missing).not.toContain("equity.jsonl");
    expect(r.summary.fills).toBe(0);
    expect(r.summary.startTsMs).toBeNull();
    expect(r.verdict.overall).toBe("INSUFFICIENT DATA");
    expect(r.verdict.criteria.every((c) => c.status === "INSUFFICIENT DATA")).toBe(true);
    // renderers cope with an empty model
    expect(renderText(r)).toContain("MISSING");
    expect(renderHtml(r)).toContain("no equity samples");
    expect(await main([dir, "-q"], quiet)).toBe(3);
  });

  it("an invalid run.json is reported, the rest still read", async () => {
    const dir = await writeRunDir(await tmp("manifest"), goldenFiles());
    await writeFile(join(dir, "run.json"), '{"run_id": 5}');
    const r = await buildReport(dir, { criteria });
    expect(r.summary.runId).toBeNull();
    expect(r.issues[0]!.location).toBe(`${join(dir, "run.json")}:1`);
    expect(r.missing).not.toContain("run.json");
    expect(r.verdict.overall).toBe("GO");
  });

  it("a failed Brier bound on forecasts that beat climatology says the bound is absolute", async () => {
    const dir = await writeRunDir(await tmp("brier"), goldenFiles());
    // the golden 1 s forecasts: Brier 0.1625 at a base rate of 0.5 (climatology 0.25): skill 0.35
    const strict = await buildReport(dir, {
      criteria: parseCriteria({ ...GOLDEN_CRITERIA, maxBrier: 0.15 }),
    });
    expect(strict.verdict.overall).toBe("NO-GO");
    expect(strict.verdict.notes.join("\n")).toContain(
      "The Brier criterion failed, yet these forecasts beat climatology (skill 0.350",
    );
    const passing = await buildReport(dir, { criteria });
    expect(passing.verdict.notes.join("\n")).not.toContain("The Brier criterion failed");
  });

  it("a run that did not end cleanly, or whose fills.jsonl lost lines, is said so in the notes", async () => {
    const clean = await buildReport(await writeRunDir(await tmp("clean"), goldenFiles()), { criteria });
    expect(clean.verdict.notes.join("\n")).not.toMatch(/no end time|fills\.jsonl holds/);
    const files = goldenFiles();
    files.manifest = { ...files.manifest!, ended_ts_ms: null }; // killed: the manifest was never closed
    const last = files.equity!.at(-1)!;
    files.equity!.push({ ...last, ts_ms: last.ts_ms + 1000, fills: 6 }); // it counted 6 fills, the file has 4
    const r = await buildReport(await writeRunDir(await tmp("killed"), files), { criteria });
    const notes = r.verdict.notes.join("\n");
    expect(notes).toContain("run.json has no end time: the run did not end cleanly");
    expect(notes).toContain("fills.jsonl holds 4 fill(s) but the last equity sample counts 6");
    // judged over a time range the counts legitimately differ: no note
    const ranged = await buildReport(await writeRunDir(await tmp("ranged"), files), {
      criteria,
      timeRange: { sinceMs: files.equity![0]!.ts_ms, untilMs: null },
    });
    expect(ranged.verdict.notes.join("\n")).not.toContain("fills.jsonl holds");
  });

  it("reads what AnalyticsLogger writes, including rotated parts and a crash-torn tail", async () => {
    const dir = await tmp("logger");
    const files = goldenFiles();
    const logger = new AnalyticsLogger({ dir, flushIntervalMs: 0, rotateBytes: 600, maxBufferBytes: 1 });
    logger.writeManifest(files.manifest!);
    const streams: StreamName[] = [
      "equity",
      "fills",
      "predictions",
      "edge_validation",
      "signal_contributions",
      "sharpe_metrics",
      "events",
    ];
    for (const s of streams) {
      for (const rec of (files as Record<string, unknown[]>)[s]!) {
        expect(logger.write(s, rec as never)).toBe(true);
      }
    }
    logger.close();
    expect(logger.stats().totalInvalid).toBe(0);
    // rotation happened (predictions is ~4 kB with a 600-byte limit)
    await expect(stat(join(dir, "predictions.1.jsonl"))).resolves.toBeDefined();
    const r = await buildReport(dir, { criteria });
    expect(r.summary.fills).toBe(4);
    expect(r.calibration.fill.find((c) => c.horizonMs === 1000)!.brier).toBeCloseTo(0.1625, 12);
    expect(r.verdict.overall).toBe("GO");
    // crash mid-write of the last equity line: the report reads the rest and names the torn line
    const eq = join(dir, "equity.jsonl");
    const size = (await stat(eq)).size;
    await truncate(eq, size - 7);
    const r2 = await buildReport(dir, { criteria });
    expect(r2.issues.some((i) => /torn/.test(i.reason))).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });
});
