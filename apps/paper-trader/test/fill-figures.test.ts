/**
 * The per-fill figures (fills.jsonl, `[FILL PNL]`, edge_validation.jsonl, the per-fill Sharpe input)
 * of a seller sweeping our three 0.001 bids at 99.9, 99.8 and 99.7 (levels 0–2) on a book that stays
 * at mid 100, at a maker fee of 2 bps, against values computed by hand.
 */
import { AnalyticsLogger } from "@mmkit/analytics";
import { describe, expect, it } from "vitest";
import type { PaperTrader } from "../src/trader.js";
import { capturingLogger, gridTrader, streamRecords, tempDir } from "./helpers.js";
import { GRID_T0, sweepOurBids } from "./grid-events.js";

const SWEEP_MS = GRID_T0 + 5100;
const PRICES = [99.9, 99.8, 99.7];

/** The swept run to +40 s (every markout horizon, 30 s at most, passed): its streams and log lines. */
function sweptRun(): { t: PaperTrader; dir: string; log: string[] } {
  const dir = tempDir();
  const out = new AnalyticsLogger({ dir, flushIntervalMs: 0 });
  const lines: { level: number; msg: string }[] = [];
  const t = gridTrader({ orderSizeBase: 0.001, makerFeeBps: 2 }, { logger: capturingLogger(lines), out });
  sweepOurBids(t, 40_000);
  out.close();
  return { t, dir, log: lines.map((l) => l.msg) };
}

const records = (dir: string, file: string) => streamRecords<Record<string, unknown>>(dir, file);

describe("the figures of each fill", () => {
  const run = sweptRun();

  it("[FILL PNL]: capture (100 − price) × 0.001, fee 2 bps of the notional, depth (100 − price) bps × 100", () => {
    expect(run.log.filter((l) => l.startsWith("[FILL PNL] "))).toEqual([
      "[FILL PNL] side=Buy price=99.9 size=0.001 spread_capture=+0.000100 fee=0.000020 (USD) mid_at_fill=100.000 depth_bps=10.000 inventory_after=0.001000 level=0 model=queue",
      "[FILL PNL] side=Buy price=99.8 size=0.001 spread_capture=+0.000200 fee=0.000020 (USD) mid_at_fill=100.000 depth_bps=20.000 inventory_after=0.002000 level=1 model=queue",
      "[FILL PNL] side=Buy price=99.7 size=0.001 spread_capture=+0.000300 fee=0.000020 (USD) mid_at_fill=100.000 depth_bps=30.000 inventory_after=0.003000 level=2 model=queue",
    ]);
  });

  it("fills.jsonl: ids, prices, fees, capture, position and running PnL of each fill", () => {
    const fills = records(run.dir, "fills.jsonl");
    expect(
      fills.map((f) => [f["fill_id"], f["side"], f["price"], f["size"], f["level"], f["fee_bps"]]),
    ).toEqual([
      ["F1", "buy", 99.9, 0.001, 0, 2],
      ["F2", "buy", 99.8, 0.001, 1, 2],
      ["F3", "buy", 99.7, 0.001, 2, 2],
    ]);
    let cum = 0;
    PRICES.forEach((price, i) => {
      const f = fills[i]!;
      const fee = price * 0.001 * 2e-4; // 0.00001998, 0.00001996, 0.00001994
      const capture = (100 - price) * 0.001;
      cum += capture - fee; // mid stays 100: no mark-to-market beyond the capture
      expect(f["ts_ms"]).toBe(SWEEP_MS);
      expect(f["mid_at_fill"]).toBe(100);
      expect(f["fee"] as number).toBeCloseTo(fee, 15);
      expect(f["spread_capture"] as number).toBeCloseTo(capture, 15);
      expect(f["position_after"] as number).toBeCloseTo(0.001 * (i + 1), 15);
      expect(f["realized_pnl"]).toBe(0); // nothing closed
      expect(f["cum_pnl"] as number).toBeCloseTo(cum, 15);
    });
    expect(cum).toBeCloseTo(0.00054012, 15);
  });

  it("edge_validation.jsonl: the realized spread is the depth, no adverse move, edge = depth − fee at every horizon", () => {
    const edges = records(run.dir, "edge_validation.jsonl");
    expect(edges.map((e) => e["fill_id"])).toEqual(["F1", "F2", "F3"]);
    PRICES.forEach((price, i) => {
      const e = edges[i]!;
      const depth = (100 - price) * 100; // 10, 20, 30 bps
      expect(e["realized_spread_bps"] as number).toBeCloseTo(depth, 9);
      expect(e["realized_as_bps"]).toBe(0);
      expect(e["realized_edge_bps"] as number).toBeCloseTo(depth - 2, 9);
      expect(e["mid_at_placement"]).toBe(100);
      expect(e["mid_at_fill"]).toBe(100);
      expect(e["primary_horizon_ms"]).toBe(5000);
      const markouts = e["markouts"] as { horizon_ms: number; mid: number; realized_edge_bps: number }[];
      expect(markouts.map((m) => [m.horizon_ms, m.mid])).toEqual([
        [1000, 100],
        [5000, 100],
        [30_000, 100],
      ]);
      for (const m of markouts) expect(m.realized_edge_bps).toBeCloseTo(depth - 2, 9);
      // predicted at placement: no adverse selection before the signals warm up; the expected spread
      // at a fill is at most the quoted depth and more than one tick (10 bps) inside it
      expect(e["predicted_as_bps"]).toBe(0);
      const predicted = e["predicted_spread_bps"] as number;
      expect(predicted).toBeLessThanOrEqual(depth + 1e-9);
      expect(predicted).toBeGreaterThan(depth - 10);
      expect(e["predicted_edge_bps"] as number).toBeCloseTo(predicted - 0 - 2, 12);
    });
    expect(run.t.counters.markedFills).toBe(3);
    expect(run.t.counters.wins).toBe(3);
  });

  it("the per-fill Sharpe figure is (mean/std of capture − fee) × √(fills per year)", () => {
    // capture − fee per fill: 0.00008002, 0.00018004, 0.00028006: mean 0.00018004, sample std 0.00010002
    const ratio = 0.00018004 / 0.00010002;
    const years = 40 / (365 * 86_400); // first equity sample at +0 s, the summary at +40 s
    const s = run.t.sharpe.summary(GRID_T0 + 40_000);
    expect(s.original_per_fill_sharpe).toBeCloseTo(ratio * Math.sqrt(3 / years), 6);
  });
});
