import { describe, expect, it } from "vitest";
import { Rng } from "./rng.js";
import { EwmaVolatility } from "./volatility.js";

/**
 * A tick-level mid whose log-increments are AR(1): x_k = φ·x_{k−1} + ε_k (ε ~ N(0, s²)), one tick
 * every `tickMs`. Returns the σ per √s over `horizonTicks` ticks in closed form:
 * Var(Σ x) = σ_x²·(n + 2Σ_{k=1}^{n−1}(n − k)φ^k), σ_x² = s²/(1 − φ²).
 */
function ar1TickMid(phi: number, s: number, tickMs: number, ticks: number, seed: number): [number, number][] {
  const rng = new Rng(seed);
  const out: [number, number][] = [];
  let x = 0;
  let logMid = Math.log(30_000);
  for (let k = 0; k < ticks; k++) {
    x = phi * x + s * rng.normal();
    logMid += x;
    out.push([k * tickMs, Math.exp(logMid)]);
  }
  return out;
}

function ar1SigmaPerSqrtSec(phi: number, s: number, n: number, horizonSec: number): number {
  let v = n;
  for (let k = 1; k < n; k++) v += 2 * (n - k) * phi ** k;
  return Math.sqrt((((s * s) / (1 - phi * phi)) * v) / horizonSec);
}

describe("EwmaVolatility", () => {
  it("sparse sampling (minSampleSpacingMs) measures the seconds-scale σ of a mid with autocorrelated ticks", () => {
    // 20 ticks per second, φ = 0.5: runs of same-direction steps, as in a bookTicker mid
    const phi = 0.5;
    const s = 2e-5;
    const ticks = ar1TickMid(phi, s, 50, 200_000, 9);
    const sparse = new EwmaVolatility({ halfLifeSec: 1e6, maxGapSec: 60, minSampleSpacingMs: 1000 });
    const dense = new EwmaVolatility({ halfLifeSec: 1e6, maxGapSec: 60 });
    for (const [ts, mid] of ticks) {
      sparse.update(ts, mid);
      dense.update(ts, mid);
    }
    const oneSec = ar1SigmaPerSqrtSec(phi, s, 20, 1);
    const tickLevel = Math.sqrt(((s * s) / (1 - phi * phi)) * 20); // σ² per tick × ticks per second
    expect(oneSec / tickLevel).toBeGreaterThan(1.6); // the bias the option exists for
    expect(Math.abs(sparse.value() / oneSec - 1)).toBeLessThan(0.05);
    expect(Math.abs(dense.value() / tickLevel - 1)).toBeLessThan(0.05);
    expect(sparse.sampleCount()).toBe(9_999); // one return per second of the 10,000 s
  });

  it("sparse sampling is unbiased for a Brownian mid and skips observations without changing state", () => {
    const sigma = 2e-4;
    const rng = new Rng(4);
    const est = new EwmaVolatility({ halfLifeSec: 3600, maxGapSec: 60, minSampleSpacingMs: 1000 });
    let ts = 0;
    let mid = 60_000;
    est.update(ts, mid);
    for (let i = 0; i < 50_000; i++) {
      const dtMs = Math.max(1, Math.round(rng.exponential(1 / 200)));
      mid *= Math.exp(sigma * Math.sqrt(dtMs / 1000) * rng.normal());
      ts += dtMs;
      const before = JSON.stringify(est.getState());
      est.update(ts, mid);
      if (ts - (JSON.parse(before) as { lastTsMs: number }).lastTsMs < 1000)
        expect(JSON.stringify(est.getState())).toBe(before);
    }
    expect(Math.abs(est.value() / sigma - 1)).toBeLessThan(0.05);
    expect(() => new EwmaVolatility({ halfLifeSec: 1, minSampleSpacingMs: -1 })).toThrow(
      /minSampleSpacingMs/,
    );
  });

  it("recovers a known σ within 5% on GBM with irregular (exponential) sampling", () => {
    const sigma = 2e-4; // per √s
    for (const seed of [1, 2, 3]) {
      const rng = new Rng(seed);
      const est = new EwmaVolatility({ halfLifeSec: 3600, maxGapSec: 60 });
      let ts = 1_700_000_000_000;
      let mid = 60_000;
      est.update(ts, mid);
      for (let i = 0; i < 40_000; i++) {
        const dtMs = Math.max(1, Math.round(rng.exponential(1 / 200))); // mean 200 ms
        const dtSec = dtMs / 1000;
        mid *= Math.exp(sigma * Math.sqrt(dtSec) * rng.normal() - 0.5 * sigma * sigma * dtSec);
        ts += dtMs;
        est.update(ts, mid);
      }
      expect(Math.abs(est.value() / sigma - 1)).toBeLessThan(0.05);
      expect(est.confidence()).toBe(1);
    }
  });

  it("hand example: |r| = 0.001 every second → σ = 0.001/√s exactly", () => {
    // r² = 1e-6 per Δt = 1 s, so N/D = 1e-6 for any decay → σ = 1e-3
    const est = new EwmaVolatility({ halfLifeSec: 10 });
    for (let i = 0; i <= 20; i++) est.update(i * 1000, 100 * Math.exp(i % 2 === 0 ? 0 : 0.001));
    expect(est.value()).toBeCloseTo(1e-3, 12);
    expect(est.sampleCount()).toBe(20);
  });

  it("irregular intervals with r² = σ²Δt recover σ exactly (Δt alternating 1 s and 4 s)", () => {
    const sigma = 5e-4;
    const est = new EwmaVolatility({ halfLifeSec: 30, maxGapSec: 10 });
    let ts = 0;
    let logMid = Math.log(50);
    est.update(ts, Math.exp(logMid));
    for (let i = 0; i < 50; i++) {
      const dtSec = i % 2 === 0 ? 1 : 4;
      ts += dtSec * 1000;
      logMid += (i % 3 === 0 ? 1 : -1) * sigma * Math.sqrt(dtSec);
      est.update(ts, Math.exp(logMid));
    }
    expect(est.value() / sigma).toBeCloseTo(1, 9);
  });

  it("one half-life after a regime switch, σ² is the average of both regimes", () => {
    // long history at σ1, then H seconds at σ2 (1 s steps): weight of the old regime = 2^(−H/H) = 1/2,
    // so σ² = (σ1² + σ2²)/2 = (1e-8 + 16e-8)/2 = 8.5e-8 → σ = 2.9155e-4
    const h = 60;
    const est = new EwmaVolatility({ halfLifeSec: h });
    let logMid = 0;
    let t = 0;
    est.update(0, 1);
    const step = (s: number): void => {
      t += 1;
      logMid += (t % 2 === 0 ? 1 : -1) * s;
      est.update(t * 1000, Math.exp(logMid));
    };
    for (let i = 0; i < 6000; i++) step(1e-4);
    expect(est.value()).toBeCloseTo(1e-4, 9);
    for (let i = 0; i < h; i++) step(4e-4);
    expect(est.value()).toBeCloseTo(Math.sqrt(8.5e-8), 9);
  });

  it("discards the return over a gap longer than maxGapSec but decays the sums (confidence drops)", () => {
    const est = new EwmaVolatility({ halfLifeSec: 10, maxGapSec: 5, minSamples: 5 });
    for (let i = 0; i <= 100; i++) est.update(i * 1000, 100 * Math.exp(i % 2 === 0 ? 0 : 0.001));
    const before = est.value();
    const confBefore = est.confidence();
    expect(confBefore).toBe(1);
    est.update(200_000, 150); // 99 s later, +40% jump: ignored as a return
    expect(est.value()).toBeCloseTo(before, 12);
    expect(est.sampleCount()).toBe(100);
    expect(est.confidence()).toBeLessThan(0.01); // 2^(−9.9) of the weight left
  });

  it("adds a same-timestamp price change as variance with zero time", () => {
    const est = new EwmaVolatility({ halfLifeSec: 1e9 });
    est.update(0, 100);
    est.update(1000, 100 * Math.exp(0.001)); // r² = 1e-6 over 1 s
    est.update(1000, 100); // r² = 1e-6 over 0 s → N = 2e-6, D = 1 → σ = √2e-3
    expect(est.value()).toBeCloseTo(Math.sqrt(2e-6), 9);
    expect(est.sampleCount()).toBe(1);
  });

  it("skips out-of-order updates, throws on bad mids and bad options", () => {
    const est = new EwmaVolatility({ halfLifeSec: 10 });
    est.update(5000, 100);
    est.update(4000, 101);
    expect(est.rejectedCount()).toBe(1);
    expect(est.value()).toBe(0);
    expect(est.confidence()).toBe(0);
    expect(() => est.update(6000, 0)).toThrow(/mid/);
    expect(() => est.update(6000, Number.NaN)).toThrow(/mid/);
    expect(() => est.update(Number.NaN, 100)).toThrow(/tsMs/);
    expect(() => new EwmaVolatility({ halfLifeSec: 0 })).toThrow(/halfLifeSec/);
    expect(() => new EwmaVolatility({ halfLifeSec: 1, minSamples: 0 })).toThrow(/minSamples/);
  });

  it("confidence grows from 0 to 1 during warm-up", () => {
    const est = new EwmaVolatility({ halfLifeSec: 10, minSamples: 10 });
    const confs: number[] = [];
    for (let i = 0; i <= 40; i++) {
      est.update(i * 1000, 100 * Math.exp(i % 2 === 0 ? 0 : 0.001));
      confs.push(est.confidence());
    }
    expect(confs[0]).toBe(0);
    for (let i = 1; i < confs.length; i++) expect(confs[i]!).toBeGreaterThanOrEqual(confs[i - 1]!);
    expect(confs[5]!).toBeLessThan(0.5);
    expect(confs[40]).toBe(1);
    expect(est.isWarm()).toBe(true);
  });

  it("getState/setState continues identically (JSON round trip)", () => {
    const rng = new Rng(7);
    const a = new EwmaVolatility({ halfLifeSec: 30 });
    let mid = 100;
    for (let i = 0; i < 500; i++) {
      mid *= Math.exp(1e-3 * rng.normal());
      a.update(i * 250, mid);
    }
    const b = new EwmaVolatility({ halfLifeSec: 30 });
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    for (let i = 500; i < 600; i++) {
      mid *= Math.exp(1e-3 * rng.normal());
      a.update(i * 250, mid);
      b.update(i * 250, mid);
    }
    expect(b.value()).toBe(a.value());
    expect(b.confidence()).toBe(a.confidence());
    expect(b.sampleCount()).toBe(a.sampleCount());
    expect(() => b.setState({ ...a.getState(), sumDtSec: -1 })).toThrow(/finite/);
  });
});

describe("EwmaVolatility confidence, hand-computed (mutation audit)", () => {
  it("is the count factor × coverage/0.75 the docs give", () => {
    // Half-life 10 s, 1 s apart: after n returns the decayed time weight is Σ_{k<n} 2^(−k/10) =
    // (1 − 2^(−n/10)) / (1 − 2^(−0.1)); coverage = weight · ln 2 / 10.
    const weight = (n: number): number => (1 - 2 ** (-n / 10)) / (1 - 2 ** -0.1);
    const est = new EwmaVolatility({ halfLifeSec: 10, minSamples: 5 });
    for (let i = 0; i <= 3; i++) est.update(i * 1000, 100 + (i % 2));
    // 3 returns of the 5 wanted: 3/5 × (weight(3) · ln2/10) / 0.75 = 0.6 × 0.262966… / 0.75
    expect(est.confidence()).toBeCloseTo(0.6 * ((weight(3) * Math.LN2) / 10 / 0.75), 12);
    for (let i = 4; i <= 10; i++) est.update(i * 1000, 100 + (i % 2));
    // 10 returns: count factor 1; (0.5 / (1 − 2^(−0.1))) · ln 2 / 10 / 0.75 = 0.690038…
    expect(est.confidence()).toBeCloseTo(0.6900384696552216, 12);
  });
});
