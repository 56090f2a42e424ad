import { describe, expect, it } from "vitest";
import { IntensityEstimator } from "./intensity-estimator.js";
import { Rng } from "./rng.js";
import type { Side } from "./types.js";

const fallback = { aPerSec: 0.7, kappaPerFrac: 5000 };

/** Poisson arrivals at `aPerSec` per side (2A pooled), depth ~ Exp(κ), trades at mid·(1 ± δ). */
function simulate(
  est: IntensityEstimator,
  rng: Rng,
  aPerSec: number,
  kappa: number,
  n: number,
  t0Ms = 0,
): number {
  const mid = 60_000;
  let tSec = 0;
  for (let i = 0; i < n; i++) {
    tSec += rng.exponential(2 * aPerSec);
    const side: Side = rng.bernoulli(0.5) ? "buy" : "sell";
    const depth = rng.exponential(kappa);
    const price = side === "buy" ? mid * (1 + depth) : mid * (1 - depth);
    est.onTrade(t0Ms + Math.round(tSec * 1000), price, side, mid);
  }
  return t0Ms + Math.round(tSec * 1000);
}

describe("IntensityEstimator", () => {
  it("recovers known A and κ within 10% from 20k synthetic arrivals (3 seeds)", () => {
    for (const [seed, a, kappa] of [
      [11, 1.5, 8000],
      [12, 0.4, 3000],
      [13, 5, 20000],
    ] as const) {
      const est = new IntensityEstimator({ windowSec: 1e6, maxFitDepthBps: 5 * (1e4 / kappa), fallback });
      simulate(est, new Rng(seed), a, kappa, 20_000);
      const fit = est.value();
      expect(fit.fitOk).toBe(true);
      expect(fit.usedFallback).toBe(false);
      expect(fit.sampleCount).toBeGreaterThan(19_900); // a few same-ms same-side arrivals merge as sweeps
      expect(Math.abs(fit.aPerSec / a - 1)).toBeLessThan(0.1);
      expect(Math.abs(fit.kappaPerFrac / kappa - 1)).toBeLessThan(0.1);
      expect(fit.r2).toBeGreaterThan(0.99);
      expect(est.confidence()).toBeGreaterThan(0.9);
    }
  });

  it("per-side fits recover asymmetric flow (buy A=2, κ=6000; sell A=1, κ=12000)", () => {
    const est = new IntensityEstimator({ windowSec: 1e6, maxFitDepthBps: 8, fallback });
    const rng = new Rng(31);
    const mid = 60_000;
    let tSec = 0;
    // superposed Poisson streams: total rate 3/s, a trade is a buy with probability 2/3
    for (let i = 0; i < 30_000; i++) {
      tSec += rng.exponential(3);
      const buy = rng.bernoulli(2 / 3);
      const depth = rng.exponential(buy ? 6000 : 12000);
      est.onTrade(
        Math.round(tSec * 1000),
        buy ? mid * (1 + depth) : mid * (1 - depth),
        buy ? "buy" : "sell",
        mid,
      );
    }
    const buyFit = est.value("buy");
    const sellFit = est.value("sell");
    expect(buyFit.fitOk && sellFit.fitOk).toBe(true);
    expect(Math.abs(buyFit.aPerSec / 2 - 1)).toBeLessThan(0.1);
    expect(Math.abs(buyFit.kappaPerFrac / 6000 - 1)).toBeLessThan(0.1);
    expect(Math.abs(sellFit.aPerSec / 1 - 1)).toBeLessThan(0.1);
    expect(Math.abs(sellFit.kappaPerFrac / 12000 - 1)).toBeLessThan(0.1);
    expect(buyFit.sampleCount + sellFit.sampleCount).toBe(est.sampleCount());
    // pooled zero-depth rate per side = (2 + 1)/2 = 1.5 /s
    expect(Math.abs(est.survival().ratePerSecPerSide[0]! / 1.5 - 1)).toBeLessThan(0.05);
    expect(est.confidence("buy")).toBeGreaterThan(0.5);
  });

  it("hand example: survival 1024, 512, …, 16 at 0..6 bps over 1000 s → A = 0.512/s, κ = ln2 per bp", () => {
    // grid 0,1,…,6 bps (maxFit 6, 7 points); bucket counts 512,256,128,64,32,16 in [k, k+1) bps and 16 at ≥ 6
    // → S(k bps) = 1024·2^(−k) exactly. Pooled over 1000 s: A = 1024/(2·1000) = 0.512 /s per side,
    // κ = ln 2 per bp = 0.693147 × 10,000 = 6931.47 per fraction; the log-survival is exactly linear → R² = 1
    const est = new IntensityEstimator({ windowSec: 5000, maxFitDepthBps: 6, gridPoints: 7, fallback });
    const counts = [512, 256, 128, 64, 32, 16, 16];
    const depthsBps: number[] = [];
    counts.forEach((c, k) => {
      for (let j = 0; j < c; j++) depthsBps.push(k + 0.5);
    });
    const mid = 100;
    depthsBps.forEach((d, i) => {
      const ts = Math.round((i * 1_000_000) / (depthsBps.length - 1)); // 0 … 1,000,000 ms
      const side: Side = i % 2 === 0 ? "buy" : "sell";
      const price = side === "buy" ? mid * (1 + d / 1e4) : mid * (1 - d / 1e4);
      est.onTrade(ts, price, side, mid);
    });
    const fit = est.value();
    expect(fit.observedSec).toBe(1000);
    expect(fit.sampleCount).toBe(1024);
    expect(fit.pointsUsed).toBe(7);
    expect(fit.aPerSec).toBeCloseTo(0.512, 9);
    expect(fit.kappaPerFrac).toBeCloseTo(Math.LN2 * 1e4, 6);
    expect(fit.r2).toBeCloseTo(1, 12);
    expect(est.survival().count).toEqual([1024, 512, 256, 128, 64, 32, 16]);
    expect(est.survival().ratePerSecPerSide[0]).toBeCloseTo(0.512, 12);
    // the empirical arrival curve: the same counts over 2·T per side, on the grid in fractions of mid
    const curve = est.arrivalCurve()!;
    expect(curve.depthFrac.map((d) => Math.round(d * 1e8) / 1e4)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(curve.ratePerSec).toEqual([1024, 512, 256, 128, 64, 32, 16].map((c) => c / 2000));
  });

  it("has no arrival curve before minSamples trades", () => {
    const est = new IntensityEstimator({ windowSec: 1e6, minSamples: 500, fallback });
    simulate(est, new Rng(5), 1.5, 8000, 300);
    expect(est.arrivalCurve()).toBeNull();
    simulate(est, new Rng(6), 1.5, 8000, 300, 1e6);
    expect(est.arrivalCurve()).not.toBeNull();
  });

  it("falls back when samples are too few", () => {
    const est = new IntensityEstimator({ windowSec: 1e6, minSamples: 500, fallback });
    simulate(est, new Rng(5), 1.5, 8000, 300);
    const fit = est.value();
    expect(fit.fitOk).toBe(false);
    expect(fit.usedFallback).toBe(true);
    expect(fit.aPerSec).toBe(0.7);
    expect(fit.kappaPerFrac).toBe(5000);
    expect(Number.isFinite(fit.fittedKappaPerFrac)).toBe(true); // the rejected fit is still reported
    expect(est.confidence()).toBe(0);
  });

  it("falls back when R² is below minR2 (two-point depth mix is not exponential)", () => {
    // half the trades at the touch (δ=0), half at 4.5 bps: S = N at 0, N/2 flat to 4.5 bps, 0 beyond
    const est = new IntensityEstimator({ windowSec: 1e6, maxFitDepthBps: 10, minR2: 0.9, fallback });
    for (let i = 0; i < 1000; i++) {
      const d = i % 2 === 0 ? 0 : 4.5e-4;
      est.onTrade(i * 1000, 100 * (1 + d), "buy", 100);
    }
    const fit = est.value();
    expect(fit.r2).toBeLessThan(0.9);
    expect(fit.fitOk).toBe(false);
    expect(fit.usedFallback).toBe(true);
    expect(fit.kappaPerFrac).toBe(5000);
  });

  it("expires trades outside the window and falls back when the window empties", () => {
    const est = new IntensityEstimator({ windowSec: 600, fallback, minSamples: 100 });
    const rng = new Rng(9);
    const end = simulate(est, rng, 1.5, 8000, 3000); // ≈ 1000 s of trades
    const fit = est.value();
    expect(fit.observedSec).toBe(600);
    // only trades of the last 600 s remain: ≈ 3/s × 600 = 1800 (Poisson, ±~4σ)
    expect(fit.sampleCount).toBeGreaterThan(1600);
    expect(fit.sampleCount).toBeLessThan(2000);
    expect(fit.fitOk).toBe(true);
    est.advanceTo(end + 600_000);
    expect(est.sampleCount()).toBe(0);
    expect(est.value().usedFallback).toBe(true);
    // a trade older than the window is rejected
    est.onTrade(end, 60_000, "buy", 60_000);
    expect(est.rejectedCount()).toBe(1);
  });

  it("merges prints of one sweep (same timestamp and side) at the deepest print", () => {
    const est = new IntensityEstimator({ windowSec: 100, maxFitDepthBps: 6, gridPoints: 7, fallback });
    est.onTrade(1000, 100.01, "buy", 100); // 1 bp
    est.onTrade(1000, 100.03, "buy", 100); // 3 bp: same sweep, deeper
    est.onTrade(1000, 100.02, "buy", 100); // 2 bp: same sweep, shallower
    est.onTrade(1000, 99.99, "sell", 100); // 1 bp on the bid: a different event
    est.onTrade(1000, 100.005, "sell", 100); // same sell sweep, above mid → depth 0 < 1 bp: keeps 1 bp
    est.onTrade(2000, 100.005, "sell", 100); // later sell above mid: depth floored at 0
    expect(est.sampleCount()).toBe(3);
    // depths 3 bp, 1 bp, 0 bp → survival at 0,1,2,3,4 bp = [3, 2, 1, 1, 0]
    expect(est.survival().count.slice(0, 5)).toEqual([3, 2, 1, 1, 0]);
    expect(() => est.onTrade(2000, Number.NaN, "buy", 100)).toThrow(/tradePrice/);
    expect(() => est.onTrade(2000, 100, "buy", 0)).toThrow(/priorMid/);
    expect(() => est.onTrade(2000, 100, "hold" as Side, 100)).toThrow(/aggressor/);
  });

  it("keeps memory bounded by maxEvents and shortens the observed span accordingly", () => {
    const est = new IntensityEstimator({ windowSec: 1e6, maxEvents: 1000, fallback, minSamples: 100 });
    const end = simulate(est, new Rng(21), 1.5, 8000, 5000);
    const fit = est.value();
    expect(fit.sampleCount).toBe(1000);
    // the span covers only the retained trades (~1000/3 s), so the rate stays unbiased
    expect(fit.observedSec).toBeLessThan(400);
    expect(fit.observedSec).toBeGreaterThan(250);
    expect(Math.abs(fit.aPerSec / 1.5 - 1)).toBeLessThan(0.2);
    expect(end).toBeGreaterThan(0);
  });

  it("getState/setState restores the same fit and continues identically (JSON round trip)", () => {
    const opts = { windowSec: 300, fallback, minSamples: 50 };
    const a = new IntensityEstimator(opts);
    const rngA = new Rng(3);
    const end = simulate(a, rngA, 1.5, 8000, 1000);
    const b = new IntensityEstimator(opts);
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    expect(b.value()).toEqual(a.value());
    simulate(a, new Rng(4), 1.5, 8000, 500, end);
    simulate(b, new Rng(4), 1.5, 8000, 500, end);
    expect(b.value()).toEqual(a.value());
    expect(() => b.setState({ ...a.getState(), events: [[5, -1, 1]] })).toThrow(/events/);
  });

  describe("adaptive grid", () => {
    it("follows a wide tape: κ = 400 (mean depth 25 bps) is recovered and the grid reaches its 99% depth", () => {
      // The adaptive grid moves its last point to ln(100)/κ ≈ 115 bps.
      for (const seed of [21, 22, 23]) {
        const adaptive = new IntensityEstimator({ windowSec: 1e6, fallback, adaptiveGrid: {} });
        simulate(adaptive, new Rng(seed), 1.5, 400, 20_000);
        const fit = adaptive.value();
        expect(fit.fitOk).toBe(true);
        expect(Math.abs(fit.kappaPerFrac / 400 - 1)).toBeLessThan(0.1);
        expect(Math.abs(fit.aPerSec / 1.5 - 1)).toBeLessThan(0.1);
        const q99Bps = (Math.log(100) / 400) * 1e4;
        expect(Math.abs(adaptive.maxFitDepthBps() / q99Bps - 1)).toBeLessThan(0.1);
        const curve = adaptive.arrivalCurve();
        expect(curve?.depthFrac.at(-1)).toBeCloseTo(adaptive.maxFitDepthBps() / 1e4, 12);
      }
    });

    it("fits a wide-tick tape the fixed 10 bps grid cannot (tick 10 bps, mid between ticks, κ = 400)", () => {
      // Prints land on price levels 5, 15, 25, … bps from the mid: a print reaching δ trades at the
      // deepest level within reach, so S(5 + 10k bps) = e^{−κ(5 + 10k) bps} at the levels. A fixed
      // 0–10 bps grid sees two distinct counts (every print, and those reaching 15 bps): no fit.
      const mid = 60_000;
      const tickFrac = 10 / 1e4;
      const feed = (est: IntensityEstimator, seed: number): void => {
        const rng = new Rng(seed);
        let tSec = 0;
        for (let i = 0; i < 20_000; i++) {
          tSec += rng.exponential(3);
          const side: Side = rng.bernoulli(0.5) ? "buy" : "sell";
          const reach = rng.exponential(400);
          if (reach < tickFrac / 2) continue;
          const depth = tickFrac / 2 + Math.floor((reach - tickFrac / 2) / tickFrac) * tickFrac;
          est.onTrade(
            Math.round(tSec * 1000),
            side === "buy" ? mid * (1 + depth) : mid * (1 - depth),
            side,
            mid,
          );
        }
      };
      for (const seed of [41, 42]) {
        const fixed = new IntensityEstimator({ windowSec: 1e6, fallback });
        const adaptive = new IntensityEstimator({ windowSec: 1e6, fallback, adaptiveGrid: {} });
        feed(fixed, seed);
        feed(adaptive, seed);
        expect(fixed.value().usedFallback).toBe(true);
        const fit = adaptive.value();
        expect(fit.fitOk).toBe(true);
        expect(Math.abs(fit.kappaPerFrac / 400 - 1)).toBeLessThan(0.15);
      }
    });

    it("is the fixed grid, fit for fit, while the tape stays inside it", () => {
      const fixed = new IntensityEstimator({ windowSec: 600, fallback });
      const adaptive = new IntensityEstimator({
        windowSec: 600,
        fallback,
        adaptiveGrid: { checkEveryTrades: 7 },
      });
      const rngA = new Rng(5);
      const rngB = new Rng(5);
      let endA = 0;
      let endB = 0;
      for (let k = 0; k < 20; k++) {
        endA = simulate(fixed, rngA, 1.5, 8000, 500, endA);
        endB = simulate(adaptive, rngB, 1.5, 8000, 500, endB);
        expect(adaptive.value()).toEqual(fixed.value());
      }
      expect(adaptive.maxFitDepthBps()).toBe(10);
    });

    it("shrinks back to its floor when wide prints leave the window", () => {
      const est = new IntensityEstimator({
        windowSec: 300,
        fallback,
        adaptiveGrid: { checkEveryTrades: 50 },
      });
      const rng = new Rng(8);
      const end = simulate(est, rng, 1.5, 400, 2000);
      expect(est.maxFitDepthBps()).toBeGreaterThan(80);
      simulate(est, rng, 1.5, 8000, 3000, end);
      expect(est.maxFitDepthBps()).toBe(10);
      const fit = est.value();
      expect(fit.fitOk).toBe(true);
      expect(Math.abs(fit.kappaPerFrac / 8000 - 1)).toBeLessThan(0.15);
    });

    it("checkpoints the grid: a restored estimator continues identically", () => {
      const opts = { windowSec: 300, fallback, minSamples: 50, adaptiveGrid: { checkEveryTrades: 37 } };
      const a = new IntensityEstimator(opts);
      const end = simulate(a, new Rng(3), 1.5, 400, 1013);
      expect(a.maxFitDepthBps()).toBeGreaterThan(10);
      const b = new IntensityEstimator(opts);
      b.setState(JSON.parse(JSON.stringify(a.getState())));
      expect(b.value()).toEqual(a.value());
      expect(b.maxFitDepthBps()).toBe(a.maxFitDepthBps());
      const endA = simulate(a, new Rng(4), 1.5, 2000, 700, end);
      simulate(b, new Rng(4), 1.5, 2000, 700, end);
      expect(b.value()).toEqual(a.value());
      expect(b.arrivalCurve()).toEqual(a.arrivalCurve());
      expect(b.getState()).toEqual(a.getState());
      expect(endA).toBeGreaterThan(end);
      // a state saved before the grid existed restores on the configured grid
      const { maxFitDepthFrac: _m, tradesSinceGridCheck: _t, ...legacy } = a.getState();
      const c = new IntensityEstimator(opts);
      c.setState(legacy);
      expect(c.maxFitDepthBps()).toBe(10);
      // an adapted grid cannot be restored into a fixed-grid estimator
      const fixedGrid = new IntensityEstimator({ windowSec: 300, fallback, minSamples: 50 });
      expect(() => fixedGrid.setState(a.getState())).toThrow(/adaptiveGrid is off/);
      expect(() => c.setState({ ...a.getState(), maxFitDepthFrac: 1e-4 })).toThrow(/maxFitDepthFrac/);
    });

    it("rejects a bad quantile or check interval", () => {
      expect(
        () => new IntensityEstimator({ windowSec: 60, fallback, adaptiveGrid: { quantile: 1 } }),
      ).toThrow(/adaptiveGrid.quantile/);
      expect(
        () => new IntensityEstimator({ windowSec: 60, fallback, adaptiveGrid: { checkEveryTrades: 0 } }),
      ).toThrow(/checkEveryTrades/);
    });
  });

  it("rejects bad options with a clear error", () => {
    expect(() => new IntensityEstimator({ windowSec: 0, fallback })).toThrow(/windowSec/);
    expect(() => new IntensityEstimator({ windowSec: 60, minR2: 2, fallback })).toThrow(/minR2/);
    expect(
      () => new IntensityEstimator({ windowSec: 60, fallback: { aPerSec: 0, kappaPerFrac: 1 } }),
    ).toThrow(/fallback.aPerSec/);
    expect(() => new IntensityEstimator({ windowSec: 60, gridPoints: 2, fallback })).toThrow(/gridPoints/);
  });
});

describe("IntensityEstimator options", () => {
  type Opts = ConstructorParameters<typeof IntensityEstimator>[0];
  it("requires the fallback prior with a clear Error (it was a TypeError on opts.fallback.aPerSec)", () => {
    expect(() => new IntensityEstimator({ windowSec: 600 } as unknown as Opts)).toThrow(
      "IntensityEstimator: fallback {aPerSec, kappaPerFrac} is required (the prior until the fit is usable), got undefined",
    );
    expect(() => new IntensityEstimator(undefined as unknown as Opts)).toThrow(
      "IntensityEstimator: options {windowSec, fallback, …} are required, got undefined",
    );
    expect(
      () => new IntensityEstimator({ windowSec: 600, fallback: { aPerSec: 1.5 } } as unknown as Opts),
    ).toThrow("IntensityEstimator: fallback.kappaPerFrac must be finite and > 0, got undefined");
  });
});
