import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EdgeTracker } from "./edge.js";
import { OverlapVariance } from "./overlap-variance.js";
import { markoutFills, normalDraw as normal } from "./fixtures/markout-market.js";
import { SeededRandom } from "./prng.js";

/** The definition, pair by pair: Σ_ij w_ij (x_i − x̄)(x_j − x̄) / (n² − Σ_ij w_ij), w = (1 − |Δt|/B)⁺. */
function bruteForce(ts: number[], xs: number[], b: number): number | null {
  const n = xs.length;
  const m = xs.reduce((a, x) => a + x, 0) / n;
  let q = 0;
  let sumW = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const w = Math.max(0, 1 - Math.abs(ts[i]! - ts[j]!) / b);
      q += w * (xs[i]! - m) * (xs[j]! - m);
      sumW += w;
    }
  const denom = n * n - sumW;
  return denom > 1e-9 * n * n ? Math.max(0, q) / denom : null;
}

describe("OverlapVariance", () => {
  it("equals the pair-by-pair definition for any times and values (arrival out of order within lateMs)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            t: fc.integer({ min: 0, max: 20_000 }),
            x: fc.double({ min: -50, max: 50, noNaN: true }),
          }),
          { minLength: 2, maxLength: 60 },
        ),
        fc.integer({ min: 1, max: 5000 }),
        (pts, b) => {
          const ov = new OverlapVariance({ bandwidthMs: b, lateMs: 30_000 });
          for (const p of pts) ov.push(p.t, p.x);
          const want = bruteForce(
            pts.map((p) => p.t),
            pts.map((p) => p.x),
            b,
          );
          const got = ov.varianceOfMean();
          if (want === null) return; // (nearly) every value at one instant: no variance to speak of
          expect(got).not.toBeNull();
          expect(got!).toBeGreaterThanOrEqual(0);
          expect(Math.abs(got! - want)).toBeLessThanOrEqual(1e-9 * (1 + want));
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it("without overlapping values it is the i.i.d. s²/n, and n_eff = n", () => {
    const xs = [1, 4, -2, 7, 3, 3, -5];
    const ov = new OverlapVariance({ bandwidthMs: 30_000 });
    for (const [i, x] of xs.entries()) ov.push(i * 30_000, x); // exactly B apart: weight 0
    const n = xs.length;
    const m = xs.reduce((a, x) => a + x, 0) / n;
    const s2 = xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1);
    expect(ov.varianceOfMean()).toBeCloseTo(s2 / n, 12);
    expect(ov.sampleVariance()).toBeCloseTo(s2, 12);
    expect(ov.effectiveN()).toBeCloseTo(n, 10);
    expect(ov.mean()).toBeCloseTo(m, 12);
  });

  it("hand example: two pairs half a bandwidth apart", () => {
    // x = [1, 3] at t = 0, 5 s and [5, 7] at 60, 65 s; B = 10 s → w = 0.5 within a pair.
    // x̄ = 4, e = [−3, −1, 1, 3]: Q = Σe² + 2·0.5·(3 + 3) = 20 + 6 = 26; Σw = 4 + 4·0.5 = 6;
    // Var = 26/(16 − 6) = 2.6 (the i.i.d. s²/n would be (20/3)/4 = 1.67)
    const ov = new OverlapVariance({ bandwidthMs: 10_000 });
    ov.push(0, 1);
    ov.push(5000, 3);
    ov.push(60_000, 5);
    ov.push(65_000, 7);
    expect(ov.varianceOfMean()).toBeCloseTo(2.6, 12);
    expect(ov.effectiveN()).toBeCloseTo(20 / 3 / 2.6, 12); // s² = 20/3
    expect(ov.varianceDf()).toBeCloseTo((1.5 * 16) / 6, 12);
  });

  it("negatively correlated neighbours: HAC below s²/n, the conservative variance is s²/n and n_eff = n", () => {
    // x = [2, −2] at t = 0, 0.5 s and [4, 0] at 60, 60.5 s; B = 1 s → w = 0.5 within a pair.
    // x̄ = 1, e = [1, −3, 3, −1]: Q = Σe² + 2·0.5·(−3 − 3) = 20 − 6 = 14; Σw = 4 + 4·0.5 = 6;
    // HAC = 14/(16 − 6) = 1.4 < s²/n = (20/3)/4 = 1.667
    const ov = new OverlapVariance({ bandwidthMs: 1000 });
    ov.push(0, 2);
    ov.push(500, -2);
    ov.push(60_000, 4);
    ov.push(60_500, 0);
    expect(ov.varianceOfMean()).toBeCloseTo(1.4, 12);
    expect(ov.conservativeVarianceOfMean()).toBeCloseTo(20 / 3 / 4, 12);
    expect(ov.effectiveN()).toBeCloseTo(4, 12); // not 20/3/1.4 = 4.76 > n
  });

  it("values all at one instant are one observation: no variance of the mean can be estimated", () => {
    const ov = new OverlapVariance({ bandwidthMs: 1000 });
    for (const x of [1, 2, 3, 4]) ov.push(500, x);
    expect(ov.varianceOfMean()).toBeNull();
    expect(ov.effectiveN()).toBeNull();
  });

  it("checkpoints: a restored accumulator continues identically (JSON round trip); old moments count as independent", () => {
    const rng = new SeededRandom(3);
    const a = new OverlapVariance({ bandwidthMs: 5000 });
    let t = 0;
    for (let i = 0; i < 500; i++) {
      t += 1000 * rng.next();
      a.push(t, normal(rng));
    }
    const b = new OverlapVariance({ bandwidthMs: 5000 });
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    for (let i = 0; i < 300; i++) {
      t += 1000 * rng.next();
      const x = normal(rng);
      a.push(t, x);
      b.push(t, x);
    }
    expect(b.varianceOfMean()).toBe(a.varianceOfMean());
    expect(b.getState()).toEqual(a.getState());
    expect(a.getState().recent.length / 2).toBeLessThan(200); // only values within B + lateMs are kept
    expect(() => new OverlapVariance({ bandwidthMs: 1000 }).setState(a.getState())).toThrow(/bandwidthMs/);
    // from moments: n = 3, mean 2, Σ(x − x̄)² = 2 (x = 1, 2, 3) → the i.i.d. s²/n = 1/3
    const m = OverlapVariance.fromMoments({ bandwidthMs: 1000 }, 3, 2, 2);
    expect(m.varianceOfMean()).toBeCloseTo(1 / 3, 12);
    expect(m.mean()).toBe(2);
  });

  it("counts values that arrive later than lateMs", () => {
    const ov = new OverlapVariance({ bandwidthMs: 1000, lateMs: 2000 });
    ov.push(10_000, 1);
    ov.push(20_000, 1);
    ov.push(12_000, 2); // 8 s behind the newest
    expect(ov.lateCount()).toBe(1);
  });

  it("rejects a bad bandwidth and non-finite input", () => {
    expect(() => new OverlapVariance({ bandwidthMs: 0 })).toThrow(/bandwidthMs/);
    expect(() => new OverlapVariance({ bandwidthMs: 1 }).push(0, Number.NaN)).toThrow(/finite/);
  });
});

describe("edge tests on overlapping markouts (known-parameter market, zero true edge)", () => {
  it("the i.i.d. t-test over-rejects; the overlap-robust one keeps its size", () => {
    // fixtures/markout-market: martingale mid, 0.5 fills/s in same-side runs, 30 s markouts
    const rng = new SeededRandom(2024);
    const runs = 300;
    const alpha = 0.05;
    let iidRejects = 0;
    let overlapRejects = 0;
    let nEffSum = 0;
    const horizonMs = 30_000;
    for (let run = 0; run < runs; run++) {
      const tracker = new EdgeTracker({ primaryHorizonMs: horizonMs });
      for (const f of markoutFills(rng, 600_000, horizonMs)) {
        tracker.update({
          tsMs: f.tsMs,
          predictedEdgeBps: 0,
          feeBps: 0,
          markouts: [{ horizonMs, realizedEdgeBps: f.pnlBps }],
        });
      }
      const h = tracker.report().horizons[0]!;
      if (h.edgeTest!.p < alpha || 1 - h.edgeTest!.p < alpha) iidRejects++;
      if (h.verdict !== "NO_SIGNIFICANT_EDGE") overlapRejects++;
      nEffSum += h.effectiveN! / h.n;
    }
    // two one-sided calls at α each: nominal size 2α = 0.10
    expect(iidRejects / runs).toBeGreaterThan(0.35);
    expect(overlapRejects / runs).toBeGreaterThan(0.05);
    expect(overlapRejects / runs).toBeLessThan(0.17);
    expect(nEffSum / runs).toBeLessThan(0.3); // ~300 fills are worth well under 100 independent ones
  });
});
