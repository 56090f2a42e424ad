import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildReport } from "../src/build-report.js";
import { main } from "../src/main.js";
import { renderText } from "../src/render-text.js";
import { writeMiniReplay } from "./mini-replay.js";

const SAMPLE = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../../data/samples/binance-usdm-btcusdt-20240808-120s.gz",
);

describe("report on a run derived from the real Binance sample", () => {
  it("reads every stream the AnalyticsLogger wrote and judges 120 s of it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "real-"));
    try {
      const run = writeMiniReplay(SAMPLE, dir);
      expect(run.cycles).toBeGreaterThan(90);
      const r = await buildReport(dir);
      expect(r.issueCount).toBe(0);
      expect(r.missing.sort()).toEqual(["sharpe_metrics.jsonl", "signal_pnl.jsonl"]);
      expect(r.summary.runId).toBe("mini-replay-binance-20240808");
      expect(r.summary.source).toEqual({
        kind: "replay",
        path: "data/samples/binance-usdm-btcusdt-20240808-120s.gz",
      });
      expect(r.summary.spanSecs).toBeGreaterThan(90);
      expect(r.summary.spanSecs).toBeLessThan(130);
      expect(r.summary.fills).toBe(run.fills);
      expect(r.summary.fills).toBeGreaterThan(0);
      const c = r.calibration.fill.find((x) => x.horizonMs === 1000)!;
      expect(c.n).toBe(run.predictions);
      // Brier of a constant forecast p = 0.35 is (0.35 − ō)² + ō(1 − ō), ō = observed fill rate
      const o = c.baseRate!;
      expect(c.brier).toBeCloseTo((0.35 - o) ** 2 + o * (1 - o), 12);
      expect(r.edge.horizons.map((h) => h.horizonMs)).toEqual([1000, 10_000]);
      expect(r.attribution.signals.map((s) => s.signal).sort()).toEqual(["pos_skew", "wide_book"]);
      expect(r.sharpe.windows.find((w) => w.window === "all")!.n).toBeGreaterThan(0);
      // ~2 minutes: too few fills and buckets for a GO; the naive constant p = 0.35 against a ~0.9
      // touch fill rate is badly calibrated (Brier ≥ 0.20 over > 100 forecasts), which alone is NO-GO
      const status = (id: string) => r.verdict.criteria.find((x) => x.id === id)!.status;
      expect(status("fills")).toBe("INSUFFICIENT DATA");
      expect(status("sharpe")).toBe("INSUFFICIENT DATA");
      expect(c.brier!).toBeGreaterThanOrEqual(0.2);
      expect(status("brier")).toBe("FAIL");
      expect(r.verdict.overall).toBe("NO-GO");
      for (const line of renderText(r).split("\n")) expect(line.length).toBeLessThanOrEqual(72);
      expect(await main([dir, "-q"], { stdout: () => {}, stderr: () => {} })).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
