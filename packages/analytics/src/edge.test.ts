import { describe, expect, it } from "vitest";
import { EdgeTracker, edgeSnapshotFromRecord } from "./edge.js";
import { buildEdgeRecord } from "./edge-record.js";
import { SeededRandom } from "./prng.js";
import { edgeValidationSchema } from "./records.js";
import { studentTCdf } from "./stats.js";

describe("buildEdgeRecord", () => {
  it("hand example: buy 99.99 at mid 100, mid 99.98 after 1 s, 0.2 bps rebate", () => {
    // spread = (100 − 99.99)/100·1e4 = 1 bps; AS(1s) = (100 − 99.98)/100·1e4 = 2 bps
    // edge(1s) = 1 − 2 − (−0.2) = −0.8 bps; gross = −1 bps; at 10 s mid 100.03: AS = −3 → edge 4.2
    const r = buildEdgeRecord({
      tsMs: 1000,
      fillId: "f1",
      cycleId: 7,
      side: "buy",
      price: 99.99,
      size: 0.1,
      midAtFill: 100,
      midAtPlacement: 100.01,
      predictedSpreadBps: 1.2,
      predictedAsBps: 0.5,
      feeBps: -0.2,
      markoutMids: [
        { horizonMs: 1000, mid: 99.98 },
        { horizonMs: 10_000, mid: 100.03 },
        { horizonMs: 60_000, mid: null },
      ],
    });
    expect(edgeValidationSchema.safeParse(r).success).toBe(true);
    expect(r.realized_spread_bps).toBeCloseTo(1, 9);
    expect(r.realized_as_bps).toBeCloseTo(2, 9);
    expect(r.realized_edge_bps).toBeCloseTo(-0.8, 9);
    expect(r.gross_edge_bps).toBeCloseTo(-1, 9);
    expect(r.predicted_edge_bps).toBeCloseTo(1.2 - 0.5 + 0.2, 12);
    expect(r.markouts[1]!.realized_edge_bps).toBeCloseTo(4.2, 9);
    expect(r.markouts[2]!.realized_edge_bps).toBeNull();
  });

  it("sell side is the mirror image", () => {
    // sell 100.01 at mid 100: spread 1 bps; mid rises to 100.02 → AS = −(100 − 100.02)/100·1e4 = 2 bps
    const r = buildEdgeRecord({
      tsMs: 0,
      fillId: "f2",
      cycleId: null,
      side: "sell",
      price: 100.01,
      size: 1,
      midAtFill: 100,
      midAtPlacement: null,
      predictedSpreadBps: 1,
      predictedAsBps: 0,
      feeBps: 0,
      markoutMids: [{ horizonMs: 1000, mid: 100.02 }],
    });
    expect(r.realized_spread_bps).toBeCloseTo(1, 9);
    expect(r.realized_as_bps).toBeCloseTo(2, 9);
    expect(r.realized_edge_bps).toBeCloseTo(-1, 9);
  });
});

describe("EdgeTracker", () => {
  it("t-test, CI and bias against hand values", () => {
    // realized [1,2,3,4,5], predicted always 4: mean 3, se = √2.5/√5 = 0.7071068, t = 4.2426407, df 4
    // one-sided p = 1 − F4(4.2426) ; 95% CI = 3 ± 2.776445·0.7071068 = [1.0368, 4.9632]
    // bias = predicted − realized = [3,2,1,0,−1]: mean 1, same se → t = 1.4142136
    const t = new EdgeTracker({ minSamples: 5 });
    for (const [i, e] of [1, 2, 3, 4, 5].entries())
      t.update({
        tsMs: i * 60_000, // a minute apart: no markout overlaps another
        predictedEdgeBps: 4,
        feeBps: 0,
        markouts: [{ horizonMs: 1000, realizedEdgeBps: e }],
      });
    const r = t.report();
    const h = r.horizons[0]!;
    expect(h.edgeTest!.t).toBeCloseTo(3 / Math.sqrt(0.5), 9);
    expect(h.edgeTest!.p).toBeCloseTo(1 - studentTCdf(3 / Math.sqrt(0.5), 4), 12);
    expect(h.edgeTest!.ci95[0]).toBeCloseTo(3 - 2.776445 * Math.SQRT1_2, 5);
    expect(h.biasTest!.estimate).toBeCloseTo(1, 12);
    expect(h.biasTest!.t).toBeCloseTo(Math.SQRT2, 9);
    // fills further apart than the horizon: the overlap-robust test is the same test
    expect(h.effectiveN).toBeCloseTo(5, 9);
    expect(h.edgeTestOverlap!.t).toBeCloseTo(h.edgeTest!.t, 9);
    expect(h.edgeTestOverlap!.p).toBeCloseTo(h.edgeTest!.p, 9);
    expect(h.biasTestOverlap!.t).toBeCloseTo(Math.SQRT2, 9);
    expect(r.verdict).toBe("POSITIVE_EDGE"); // p ≈ 0.0066 < 0.05
    expect(h.meanBiasBps).toBeCloseTo(1, 12);
  });

  it("refuses a verdict below the minimum sample", () => {
    const t = new EdgeTracker({ minSamples: 30 });
    expect(t.report().verdict).toBe("INSUFFICIENT_DATA");
    for (let i = 0; i < 29; i++)
      t.update({
        tsMs: i * 60_000,
        predictedEdgeBps: 1,
        feeBps: 0,
        markouts: [{ horizonMs: 1000, realizedEdgeBps: 5 + (i % 3) }],
      });
    expect(t.report().verdict).toBe("INSUFFICIENT_DATA");
  });

  it("known-parameter synthetic data: zero-mean edge is rarely significant, negative edge is flagged", () => {
    // 200 runs of 100 fills with true edge 0 (uniform noise): the one-sided 5% test should reject ~5%
    const rng = new SeededRandom(11);
    let rejections = 0;
    for (let run = 0; run < 200; run++) {
      const t = new EdgeTracker();
      for (let i = 0; i < 100; i++)
        t.update({
          tsMs: i * 10,
          predictedEdgeBps: 0,
          feeBps: 0,
          markouts: [{ horizonMs: 1, realizedEdgeBps: rng.next() - 0.5 }],
        });
      if (t.report().verdict === "POSITIVE_EDGE") rejections++;
    }
    expect(rejections / 200).toBeGreaterThan(0.01);
    expect(rejections / 200).toBeLessThan(0.1);
    const neg = new EdgeTracker();
    for (let i = 0; i < 100; i++)
      neg.update({
        tsMs: i * 10,
        predictedEdgeBps: 1,
        feeBps: 0,
        markouts: [{ horizonMs: 1, realizedEdgeBps: -1 + rng.next() - 0.5 }],
      });
    expect(neg.report().verdict).toBe("NEGATIVE_EDGE");
    // …and under H0 the negative call has the same size α as the positive one (one-sided each)
    let negCalls = 0;
    let posCalls = 0;
    for (let run = 0; run < 2000; run++) {
      const t = new EdgeTracker();
      for (let i = 0; i < 50; i++)
        t.update({
          tsMs: i * 10,
          predictedEdgeBps: 0,
          feeBps: 0,
          markouts: [{ horizonMs: 1, realizedEdgeBps: rng.next() - 0.5 }],
        });
      const v = t.report().verdict;
      if (v === "NEGATIVE_EDGE") negCalls++;
      if (v === "POSITIVE_EDGE") posCalls++;
    }
    expect(negCalls / 2000).toBeGreaterThan(0.035); // a two-sided 95% CI rule gives ≈ 0.025
    expect(negCalls / 2000).toBeLessThan(0.065);
    expect(posCalls / 2000).toBeGreaterThan(0.035);
    expect(posCalls / 2000).toBeLessThan(0.065);
  });

  it("calls a mean 1.8 standard errors below 0 negative (one-sided p ≈ 0.04; the 95% CI still reaches 0)", () => {
    // 40 values: mean m, sample std s ⇒ t = m/(s/√40); choose ±1 around m = −1.8·s/√40
    const xs = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 1 : -1));
    const s = Math.sqrt(40 / 39); // sample std of ±1
    const shift = (-1.8 * s) / Math.sqrt(40);
    const t = new EdgeTracker();
    for (const [i, x] of xs.entries())
      t.update({
        tsMs: i * 10,
        predictedEdgeBps: 0,
        feeBps: 0,
        markouts: [{ horizonMs: 1, realizedEdgeBps: x + shift }],
      });
    const h = t.report().horizons[0]!;
    expect(h.edgeTest!.t).toBeCloseTo(-1.8, 10);
    expect(h.edgeTest!.ci95[1]).toBeGreaterThan(0); // the old rule said NO_SIGNIFICANT_EDGE
    expect(h.verdict).toBe("NEGATIVE_EDGE");
    // the interval the verdict decides on is the 90% CI: mean ± t(0.95, 39)·se, below 0
    const se = s / Math.sqrt(40);
    expect(h.verdictInterval![0]).toBeCloseTo(shift - 1.684875122 * se, 8); // scipy t.ppf(0.95, 39)
    expect(h.verdictInterval![1]).toBeCloseTo(shift + 1.684875122 * se, 8);
    expect(h.verdictInterval![1]).toBeLessThan(0);
  });

  it("the verdict is POSITIVE/NEGATIVE exactly when its interval lies above/below 0 (random samples, α 0.05 and 0.2)", () => {
    const rng = new SeededRandom(5);
    const seen = new Set<string>();
    for (let run = 0; run < 400; run++) {
      const alpha = run % 2 === 0 ? 0.05 : 0.2;
      const t = new EdgeTracker({ alpha, minSamples: 5 });
      const drift = (rng.next() - 0.5) * 0.6;
      const n = 5 + Math.floor(rng.next() * 40);
      for (let i = 0; i < n; i++)
        t.update({
          tsMs: i * 400, // overlapping 1 s markouts: the robust test is not the iid one
          predictedEdgeBps: 0,
          feeBps: 0,
          markouts: [{ horizonMs: 1000, realizedEdgeBps: drift + rng.next() - 0.5 }],
        });
      const h = t.report().horizons[0]!;
      const [lo, hi] = h.verdictInterval!;
      expect(h.verdict === "POSITIVE_EDGE").toBe(lo > 0);
      expect(h.verdict === "NEGATIVE_EDGE").toBe(hi < 0);
      expect(h.effectiveN!).toBeLessThanOrEqual(h.n * (1 + 1e-12)); // never worth more than n fills
      seen.add(h.verdict);
    }
    expect(seen).toEqual(new Set(["POSITIVE_EDGE", "NEGATIVE_EDGE", "NO_SIGNIFICANT_EDGE"]));
  });

  it("rejects α outside (0, 0.5): the verdict's interval has level 1 − 2α", () => {
    expect(() => new EdgeTracker({ alpha: 0.5 })).toThrow("alpha must be in (0,0.5), got 0.5");
    expect(() => new EdgeTracker({ alpha: 0 })).toThrow("alpha must be in (0,0.5)");
  });

  it("restores a checkpoint written before the overlap-robust test (its fills count as independent)", () => {
    const snap = (i: number) => ({
      tsMs: i * 60_000, // no two markouts overlap: the legacy approximation is then exact
      predictedEdgeBps: 1,
      feeBps: 0,
      markouts: [{ horizonMs: 5000, realizedEdgeBps: Math.sin(i) * 3 + 0.5 }],
    });
    const full = new EdgeTracker({ minSamples: 10 });
    for (let i = 0; i < 40; i++) full.update(snap(i));
    const state = full.getState();
    const legacy = {
      ...state,
      horizons: state.horizons.map(({ realizedOverlap: _r, biasOverlap: _b, ...h }) => h),
    };
    const resumed = EdgeTracker.fromState(JSON.parse(JSON.stringify(legacy)));
    for (let i = 40; i < 80; i++) {
      full.update(snap(i));
      resumed.update(snap(i));
    }
    const a = full.report().horizons[0]!;
    const b = resumed.report().horizons[0]!;
    expect(b.n).toBe(80);
    expect(b.edgeTestOverlap!.t).toBeCloseTo(a.edgeTestOverlap!.t, 9);
    expect(b.effectiveN).toBeCloseTo(80, 6);
    expect(b.verdict).toBe(a.verdict);
  });

  it("the headline verdict is the primary horizon's, not the shortest one's", () => {
    // 5 fills 10 min apart (beyond the 2 × 60 s overlap bandwidth: independent at both horizons).
    // 1 s markouts −[1..5]: mean −3, se = √2.5/√5 = 0.7071, t = −4.2426, df 4 → NEGATIVE_EDGE.
    // 60 s markouts +[1..5]: t = +4.2426, one-sided p = 1 − F4(4.2426) ≈ 0.0066 < 0.05 → POSITIVE_EDGE.
    const t = new EdgeTracker({ minSamples: 5, primaryHorizonMs: 60_000 });
    for (const e of [1, 2, 3, 4, 5])
      t.update({
        tsMs: e * 600_000,
        predictedEdgeBps: 0,
        feeBps: 0,
        markouts: [
          { horizonMs: 1000, realizedEdgeBps: -e },
          { horizonMs: 60_000, realizedEdgeBps: e },
        ],
      });
    const r = t.report();
    expect(r.horizons.map((h) => [h.horizonMs, h.verdict])).toEqual([
      [1000, "NEGATIVE_EDGE"],
      [60_000, "POSITIVE_EDGE"],
    ]);
    expect(r.primaryHorizonMs).toBe(60_000);
    expect(r.verdict).toBe("POSITIVE_EDGE");
    // and the same from a checkpoint
    expect(EdgeTracker.fromState(JSON.parse(JSON.stringify(t.getState()))).report().verdict).toBe(
      "POSITIVE_EDGE",
    );
  });

  it("reads snapshots from edge_validation records", () => {
    const snap = edgeSnapshotFromRecord(
      buildEdgeRecord({
        tsMs: 0,
        fillId: "x",
        cycleId: 1,
        side: "buy",
        price: 99,
        size: 1,
        midAtFill: 100,
        midAtPlacement: 100,
        predictedSpreadBps: 100,
        predictedAsBps: 0,
        feeBps: 0,
        markoutMids: [{ horizonMs: 500, mid: 100 }],
      }),
    );
    expect(snap.markouts[0]!.realizedEdgeBps).toBeCloseTo(100, 9);
  });
});

describe("buildEdgeRecord input checks", () => {
  const base = {
    tsMs: 1500,
    fillId: "f1",
    cycleId: 1,
    side: "buy" as const,
    price: 99.99,
    size: 0.1,
    midAtFill: 100,
    midAtPlacement: 100,
    predictedSpreadBps: 1,
    predictedAsBps: 0.4,
    feeBps: -0.2,
    markoutMids: [
      { horizonMs: 1000, mid: 99.995 },
      { horizonMs: 10_000, mid: 100.01 },
    ],
  };

  it.each([
    [
      "a NaN markout mid",
      { markoutMids: [{ horizonMs: 1000, mid: Number.NaN }] },
      "markout mid at 1000 ms must be null or finite and > 0, got NaN",
    ],
    [
      "a zero markout mid (realized AS was 10000 bps)",
      { markoutMids: [{ horizonMs: 1000, mid: 0 }] },
      "markout mid at 1000 ms",
    ],
    ["a NaN fee", { feeBps: Number.NaN }, "feeBps must be finite, got NaN"],
    ["a NaN predicted AS", { predictedAsBps: Number.NaN }, "predictedAsBps must be finite"],
    [
      "a primary horizon not in the list (was a silent null)",
      { primaryHorizonMs: 5000 },
      "primaryHorizonMs must be one of the markout horizons [1000, 10000], got 5000",
    ],
    [
      "duplicate horizons",
      {
        markoutMids: [
          { horizonMs: 1000, mid: 100 },
          { horizonMs: 1000, mid: 101 },
        ],
      },
      "duplicate markout horizonMs, got 1000",
    ],
    [
      "a negative horizon",
      { markoutMids: [{ horizonMs: -1000, mid: 100 }] },
      "markout horizonMs must be finite and >= 0",
    ],
    ["a negative size", { size: -1 }, "size must be finite and > 0, got -1"],
    ["a zero size", { size: 0 }, "size must be finite and > 0, got 0"],
    ["a NaN price", { price: Number.NaN }, "price must be finite and > 0, got NaN"],
    ["an infinite midAtFill", { midAtFill: Number.POSITIVE_INFINITY }, "midAtFill must be finite and > 0"],
    ["a zero midAtPlacement", { midAtPlacement: 0 }, "midAtPlacement must be null or finite and > 0, got 0"],
    ["a NaN tsMs", { tsMs: Number.NaN }, "tsMs must be finite, got NaN"],
    ["an unknown side", { side: "long" }, 'side must be "buy" or "sell", got "long"'],
    ["pAdverseGivenFill 2", { pAdverseGivenFill: 2 }, "pAdverseGivenFill must be in [0, 1], got 2"],
  ])("rejects %s", (_, over, message) => {
    expect(() => buildEdgeRecord({ ...base, ...over } as Parameters<typeof buildEdgeRecord>[0])).toThrow(
      `buildEdgeRecord: ${message}`,
    );
  });

  it("still accepts unknown (null) mids, no markouts and a valid primary horizon", () => {
    const r = buildEdgeRecord({
      ...base,
      markoutMids: [{ horizonMs: 1000, mid: null }],
      midAtPlacement: null,
    });
    expect(r.realized_edge_bps).toBeNull();
    expect(buildEdgeRecord({ ...base, markoutMids: [] }).markouts).toEqual([]);
    expect(buildEdgeRecord({ ...base, primaryHorizonMs: 10_000 }).primary_horizon_ms).toBe(10_000);
  });
});
