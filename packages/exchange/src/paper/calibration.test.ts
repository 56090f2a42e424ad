import { IntensityEstimator } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { SyntheticMarket } from "../feeds/synthetic.js";
import type { PredictionRecord } from "./events.js";
import { PaperExchange } from "./paper-exchange.js";

/**
 * End-to-end calibration of the fill-probability prediction on a synthetic market with KNOWN
 * intensity (market orders per side at A = 1.5/s reaching depth δ ~ Exp(κ = 8000)): the paper
 * exchange is told the true (A, κ), a 10-level ladder is requoted every 2 s (so most 5 s
 * outcomes come from virtual orders after the cancel — the censoring path), and the Brier
 * reliability term REL = Σ_k n_k (f̄_k − ō_k)² / N over 10 forecast bins must be small.
 */

const A = 1.5;
const KAPPA = 8000;
const DEPTHS_BPS = [0.5, 1, 2, 3, 4];

/** Brier reliability: bin forecasts into `bins` equal-width bins, REL = Σ n_k (f̄_k − ō_k)² / N. */
function reliability(f: number[], o: number[], bins = 10): { rel: number; n: number; table: string[] } {
  const n = new Array<number>(bins).fill(0);
  const fs = new Array<number>(bins).fill(0);
  const os = new Array<number>(bins).fill(0);
  for (let i = 0; i < f.length; i++) {
    const k = Math.min(bins - 1, Math.floor(f[i]! * bins));
    n[k]!++;
    fs[k]! += f[i]!;
    os[k]! += o[i]!;
  }
  let rel = 0;
  const table: string[] = [];
  for (let k = 0; k < bins; k++) {
    if (n[k] === 0) continue;
    const fk = fs[k]! / n[k]!;
    const ok = os[k]! / n[k]!;
    rel += n[k]! * (fk - ok) ** 2;
    table.push(`${fk.toFixed(3)}→${ok.toFixed(3)} (n=${n[k]})`);
  }
  return { rel: rel / f.length, n: f.length, table };
}

/**
 * `arrivals`: "known" tells the exchange the true (A, κ); "empirical" gives it instead the
 * arrival curve an IntensityEstimator measures from the market's own prints (as the paper trader
 * does when the exponential fit is not usable), refreshed at every requote.
 */
function runCalibration(
  fillModel: "touch" | "queue",
  seed: number,
  arrivals: "known" | "empirical" = "known",
): PredictionRecord[] {
  const market = new SyntheticMarket({
    seed,
    durationSec: 700,
    marketOrders: { aPerSec: A, kappaPerFrac: KAPPA },
    // A quiet mid, so the static-mid prediction applies over the 5 s horizon.
    regimes: [{ name: "calm", sigmaPerSqrtSec: 1e-5, meanDwellSec: 1e9 }],
    initialRegime: "calm",
    jumps: { ratePerHour: 0, meanSizeBps: 0 },
    runs: { ratePerHour: 0, durationSec: 1, driftBpsPerSec: 0 },
  });
  const ex = new PaperExchange({
    fillModel,
    seed,
    tickSize: market.config.tickSize,
    horizonsSec: [1, 5],
    latency: { kind: "constant", orderEntryMs: 0, cancelMs: 0 },
    intensity: { aPerSec: A, kappaPerFrac: KAPPA },
  });
  const records: PredictionRecord[] = [];
  let nextQuoteMs = 0;
  const tick = market.config.tickSize;
  const estimator = new IntensityEstimator({ windowSec: 900, fallback: { aPerSec: A, kappaPerFrac: KAPPA } });
  for (const ev of market.events()) {
    const priorMid = ex.book.mid();
    for (const e of ex.onMarketEvent(ev)) if (e.type === "prediction") records.push(e.record);
    if (ev.type === "trade" && priorMid > 0)
      estimator.onTrade(ev.exchangeTsMs, ev.trade.price, ev.trade.aggressor, priorMid);
    if (ev.exchangeTsMs >= nextQuoteMs && ex.book.isTwoSided()) {
      nextQuoteMs = ev.exchangeTsMs + 2000;
      const curve = arrivals === "empirical" ? estimator.arrivalCurve() : null;
      // until the estimator has its minimum sample the orders get no prediction (aPerSec 0 is not
      // a forecast anyone would score): skip quoting then
      if (arrivals === "empirical" && curve === null) continue;
      if (curve !== null) ex.setIntensity({ aPerSec: A, kappaPerFrac: KAPPA, curve });
      for (const o of ex.openOrders()) ex.cancel(o.id);
      const mid = ex.book.mid();
      for (const d of DEPTHS_BPS) {
        const bid = Math.floor((mid * (1 - d * 1e-4)) / tick) * tick;
        const ask = Math.ceil((mid * (1 + d * 1e-4)) / tick) * tick;
        ex.place({ side: "buy", price: bid, size: 0.001, postOnly: true });
        ex.place({ side: "sell", price: ask, size: 0.001, postOnly: true });
      }
    }
  }
  for (const e of ex.flushRecords()) if (e.type === "prediction" && e.record.complete) records.push(e.record);
  return records.filter((r) => r.complete);
}

describe("fill-probability calibration on the synthetic market", () => {
  it("empirical arrival curve (measured from the prints): Brier reliability small at 1 s and 5 s", () => {
    const recs = runCalibration("queue", 23, "empirical");
    expect(recs.length).toBeGreaterThan(3000);
    expect(recs.every((r) => r.arrivalModel === "empirical")).toBe(true);
    for (let h = 0; h < 2; h++) {
      const f = recs.map((r) => r.pFill[h]!);
      const o = recs.map((r): number => (r.filled[h] ? 1 : 0));
      const { rel, n, table } = reliability(f, o);
      expect(rel, `empirical h=${h} REL=${rel.toFixed(5)} n=${n} ${table.join(" | ")}`).toBeLessThan(0.004);
      const meanF = f.reduce((s, x) => s + x, 0) / n;
      const meanO = o.reduce((s, x) => s + x, 0) / n;
      expect(Math.abs(meanF - meanO)).toBeLessThan(0.03);
    }
  });

  for (const model of ["touch", "queue"] as const) {
    it(`${model}: Brier reliability small at 1 s and 5 s`, () => {
      const recs = runCalibration(model, model === "touch" ? 21 : 22);
      // ~350 requotes × 10 orders ≈ 3,500 predictions per horizon.
      expect(recs.length).toBeGreaterThan(3000);
      expect(recs.some((r) => r.censored)).toBe(true);
      for (let h = 0; h < 2; h++) {
        const f = recs.map((r) => r.pFill[h]!);
        const o = recs.map((r): number => (r.filled[h] ? 1 : 0));
        const { rel, n, table } = reliability(f, o);
        // Sampling noise alone gives E[REL] ≈ Σ_k p_k(1 − p_k)/N ≈ 10·0.2/3500 ≈ 6e-4.
        // Tolerance 0.004 (≈ 6× that): a miscalibration by 0.1 in half the forecasts would give 0.005.
        expect(rel, `${model} h=${h} REL=${rel.toFixed(5)} n=${n} ${table.join(" | ")}`).toBeLessThan(0.004);
        const meanF = f.reduce((s, x) => s + x, 0) / n;
        const meanO = o.reduce((s, x) => s + x, 0) / n;
        expect(Math.abs(meanF - meanO)).toBeLessThan(0.03);
      }
    });
  }
});
