import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BINANCE_SAMPLE, runInProcess, sampleWithHole, streamRecords, tempDir } from "./helpers.js";
import { runReport } from "./report-cli.js";

/** A sharpe_metrics.jsonl line, as far as these tests read it. */
interface SharpeLine {
  ts_ms: number;
  scope: string;
  windows: {
    window: string;
    n: number;
    sharpe_annualized: number | null;
    max_drawdown_frac: number | null;
  }[];
}

describe("the calibration report judges a real paper-trader run", () => {
  it("replay of the real Binance sample → calibration-report reads every stream with no issue", async () => {
    const dir = tempDir();
    const run = await runInProcess({ source: "replay", input: BINANCE_SAMPLE, outputDir: dir });
    const json = join(dir, "report.json");
    const r = runReport(dir, json);
    // 0 = GO, 1 = NO-GO, 3 = insufficient data (a 120 s sample cannot reach 5,000 fills): never 2.
    expect([0, 1, 3], r.stderr).toContain(r.status);
    const model = JSON.parse(readFileSync(json, "utf8")) as {
      missing: string[];
      issueCount: number;
      summary: { fills: number };
      verdict: { overall: string };
    };
    expect(model.missing).toEqual([]);
    expect(model.issueCount).toBe(0);
    expect(model.summary.fills).toBe(run.fills);
    expect(r.stdout).toContain("CALIBRATION REPORT");
  }, 180_000);

  it("recomputed from the files, the report's Sharpe per window and max drawdown equal the trader's own", async () => {
    // The report reads only equity.jsonl; the trader computed its figures live. They agree because
    // every equity sample is written (1 s) and the last line is at the run's end, so both close the
    // same Sharpe buckets and see the same drawdown samples.
    const dir = tempDir();
    await runInProcess({ durationSec: 1800, seed: 4, outputDir: dir });
    const json = join(dir, "report.json");
    const html = join(dir, "report.html");
    const r = runReport(dir, json, "--html", html);
    expect([0, 1, 3], r.stderr).toContain(r.status);
    // text cells are escaped: a p-value below 0.0001 reads "&lt;0.0001", never a stray "<0" tag
    const page = readFileSync(html, "utf8");
    expect(page).toContain("&lt;0.0001");
    expect(page).not.toMatch(/<[0-9]/);
    const model = JSON.parse(readFileSync(json, "utf8")) as {
      sharpe: { windows: { window: string; n: number; sharpeAnnualized: number | null }[] };
      drawdown: { maxDrawdownFrac: number };
    };
    const logged = streamRecords<SharpeLine>(dir, "sharpe_metrics.jsonl")
      .filter((x) => x.scope === "portfolio")
      .at(-1)!;
    for (const w of model.sharpe.windows) {
      const t = logged.windows.find((x) => x.window === w.window)!;
      expect(w.n, w.window).toBe(t.n);
      expect(w.sharpeAnnualized, w.window).toBeCloseTo(t.sharpe_annualized!, 6);
    }
    // The trader's drawdown tracker, as it logged it on every equity line.
    const traderMaxDd = Math.max(
      ...readFileSync(join(dir, "equity.jsonl"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { drawdown_frac: number }).drawdown_frac),
    );
    expect(traderMaxDd).toBeGreaterThan(0);
    expect(model.drawdown.maxDrawdownFrac).toBeCloseTo(traderMaxDd, 12);
  }, 180_000);

  it("a 10-minute hole in the recording is left out of the Sharpe (trader and report alike), with a data_gap event", async () => {
    const dir = tempDir();
    const input = sampleWithHole(dir, 600_000);
    const out = join(dir, "run");
    await runInProcess({ source: "replay", input, outputDir: out });
    const records = (file: string): Record<string, unknown>[] =>
      readFileSync(join(out, file), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const gaps = records("events.jsonl").filter((e) => e["kind"] === "data_gap");
    expect(gaps).toHaveLength(1);
    const details = gaps[0]!["details"] as {
      gap_secs: number;
      unobserved_since_ms: number;
      unobserved_buckets: number;
    };
    expect(details.gap_secs).toBeGreaterThanOrEqual(600);
    expect(details.gap_secs).toBeLessThan(610);
    expect(details.unobserved_buckets).toBeGreaterThanOrEqual(9);
    // equity lines stop at the instant the data went stale and resume with the marker
    const eq = records("equity.jsonl");
    const marked = eq.filter((e) => e["unobserved_since_ms"] !== undefined);
    expect(marked).toHaveLength(1);
    const since = marked[0]!["unobserved_since_ms"] as number;
    expect(since).toBe(details.unobserved_since_ms);
    const resumeTs = marked[0]!["ts_ms"] as number;
    expect(eq.filter((e) => (e["ts_ms"] as number) > since && (e["ts_ms"] as number) < resumeTs)).toEqual([]);
    const logged = records("sharpe_metrics.jsonl")
      .filter((x) => x["scope"] === "portfolio")
      .at(-1) as {
      unobserved_buckets: number;
      windows: { window: string; n: number; sharpe_annualized: number | null }[];
    };
    expect(logged.unobserved_buckets).toBe(details.unobserved_buckets);
    // the report, from equity.jsonl alone, pauses where the trader did: the same buckets and Sharpe
    const json = join(dir, "report.json");
    const r = runReport(out, json);
    expect([0, 1, 3], r.stderr).toContain(r.status);
    const model = JSON.parse(readFileSync(json, "utf8")) as {
      sharpe: {
        emptyBuckets: number;
        unobservedBuckets: number;
        windows: { window: string; n: number; sharpeAnnualized: number | null }[];
      };
    };
    expect(model.sharpe.emptyBuckets).toBe(0);
    expect(model.sharpe.unobservedBuckets).toBe(details.unobserved_buckets);
    for (const w of model.sharpe.windows) {
      const t = logged.windows.find((x) => x.window === w.window)!;
      expect(w.n, w.window).toBe(t.n);
      if (t.sharpe_annualized === null) expect(w.sharpeAnnualized).toBeNull();
      else expect(w.sharpeAnnualized, w.window).toBeCloseTo(t.sharpe_annualized, 6);
    }
    // 2 minutes of data: a handful of observed buckets, not the 12 a flat-counted gap would add
    expect(logged.windows.find((w) => w.window === "all")!.n).toBeLessThanOrEqual(3);
  }, 180_000);

  it("a --since/--until hour of a longer run gives the trader's own 1h window at that time", async () => {
    // The window's first bucket starts from the equity just before --since and its last one,
    // ending at --until, is complete because the run went on: as the trader's 1h window has them.
    const dir = tempDir();
    await runInProcess({ durationSec: 4000, seed: 6, outputDir: dir });
    const lines = streamRecords<SharpeLine>(dir, "sharpe_metrics.jsonl").filter(
      (x) => x.scope === "portfolio",
    );
    const untilMs = lines[0]!.ts_ms + 3_900_000;
    const logged = lines.find((l) => l.ts_ms === untilMs)!.windows.find((w) => w.window === "1h")!;
    expect(logged.n).toBe(60);
    const json = join(dir, "report.json");
    const r = runReport(dir, json, "--since", String(untilMs - 3_600_000), "--until", String(untilMs));
    expect([0, 1, 3], r.stderr).toContain(r.status);
    const model = JSON.parse(readFileSync(json, "utf8")) as {
      sharpe: { windows: { window: string; n: number; sharpeAnnualized: number | null }[] };
    };
    const all = model.sharpe.windows.find((w) => w.window === "all")!;
    expect(all.n).toBe(60);
    expect(all.sharpeAnnualized).toBeCloseTo(logged.sharpe_annualized!, 6);

    // A window starting at a fill whose order was placed by an earlier quote cycle: that fill is
    // still attributed to the signals of its placing cycle.
    type Stamped = { ts_ms: number; cycle_id: number };
    const cycleTs = new Map(
      streamRecords<Stamped>(dir, "signal_contributions.jsonl").map((c) => [c.cycle_id, c.ts_ms]),
    );
    const early = streamRecords<Stamped>(dir, "fills.jsonl").find((f) => cycleTs.get(f.cycle_id)! < f.ts_ms)!;
    const r2 = runReport(dir, json, "--since", String(early.ts_ms), "--until", String(untilMs));
    expect([0, 1, 3], r2.stderr).toContain(r2.status);
    const { attribution } = JSON.parse(readFileSync(json, "utf8")) as {
      attribution: { source: string; nFills: number; nAttributed: number };
    };
    expect(attribution.source).toMatch(/^recomputed/);
    expect(attribution.nFills).toBeGreaterThan(100);
    expect(attribution.nAttributed).toBe(attribution.nFills);
  }, 180_000);
});
