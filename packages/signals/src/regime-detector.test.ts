import { Rng } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { type GaussianHmmParams, sampleHmm } from "./hmm.js";
import { RegimeDetector } from "./regime-detector.js";
import { RegimeFeatureBuilder } from "./regime-features.js";

const TRUE3: GaussianHmmParams = {
  initial: [0.5, 0.3, 0.2],
  transition: [
    [0.96, 0.03, 0.01],
    [0.04, 0.92, 0.04],
    [0.02, 0.06, 0.92],
  ],
  means: [
    [0, 0, 1],
    [1.2, 0.4, 1.8],
    [2.4, 0.9, 2.6],
  ],
  variances: [
    [0.1, 0.04, 0.1],
    [0.1, 0.04, 0.1],
    [0.15, 0.06, 0.15],
  ],
};

describe("RegimeFeatureBuilder", () => {
  it("computes bucket features (hand-computed)", () => {
    const b = new RegimeFeatureBuilder(1000);
    expect(b.onQuote(0, 99.99, 100.01)).toEqual([]); // mid 100, spread 2 bps
    b.onQuote(200, 100.0, 100.02); // mid 100.01: r = ln(100.01/100)·1e4 = 0.99995 bps
    b.onTrade(300);
    b.onTrade(400);
    const out = b.onQuote(1500, 100.0, 100.02); // closes bucket [0, 1000)
    expect(out).toHaveLength(1);
    const r = Math.log(100.01 / 100) * 1e4;
    const spread = (2 + (0.02 / 100.01) * 1e4) / 2;
    expect(out[0]![0]).toBeCloseTo(Math.log(Math.abs(r) + 0.1), 9);
    expect(out[0]![1]).toBeCloseTo(Math.log(spread + 0.1), 9);
    expect(out[0]![2]).toBeCloseTo(Math.log(3), 12);
    // A 3-bucket gap emits the empty buckets too (zero vol and trades, last spread).
    const gap = b.advance(4200);
    expect(gap).toHaveLength(3);
    expect(gap[1]![0]).toBeCloseTo(Math.log(0.1), 12);
    expect(gap[1]![2]).toBe(0);
  });
});

describe("RegimeDetector", () => {
  const { obs, states } = sampleHmm(TRUE3, 900, new Rng(5));

  it("is inactive (and says so) before the warm-up fit, then fits and filters", () => {
    const d = new RegimeDetector({
      warmupBuckets: 300,
      refitEveryBuckets: 200,
      windowBuckets: 400,
      restarts: 2,
    });
    for (let t = 0; t < 299; t++) d.observeFeatures(obs[t]!);
    const a = d.adjustment();
    expect(a.active).toBe(false);
    expect(a.note).toMatch(/^warmup 99%/);
    d.observeFeatures(obs[299]!);
    expect(d.fitted).toBe(true);
    expect(d.fits).toBe(1);
    let hit = 0;
    for (let t = 300; t < 900; t++) {
      d.observeFeatures(obs[t]!);
      if (d.regimeView()!.state === states[t]) hit++;
    }
    // Refits at 500 and 700 buckets (every 200 after the first fit); the window stays bounded.
    expect(d.fits).toBe(4);
    expect(d.getState().window).toHaveLength(400);
    expect(hit / 600).toBeGreaterThanOrEqual(0.85);
    const adj = d.adjustment();
    const v = d.regimeView()!;
    expect(adj.active).toBe(true);
    expect(adj.name).toBe("RegimeDetection");
    // κ multiplier = Σ p_k · κ_k with defaults 1.2 / 1 / 0.6
    expect(adj.kappaMult).toBeCloseTo(v.probs[0]! * 1.2 + v.probs[1]! * 1 + v.probs[2]! * 0.6, 12);
    expect(adj.confidence).toBe(Math.max(...v.probs));
  });

  it("persists parameters to JSON and loads them into a fresh detector", () => {
    const d = new RegimeDetector({ warmupBuckets: 300, restarts: 1 });
    for (let t = 0; t < 300; t++) d.observeFeatures(obs[t]!);
    const json = d.paramsJson();
    const e = new RegimeDetector();
    e.loadParamsJson(json);
    expect(e.hmmParams).toEqual(d.hmmParams);
    expect(() => new RegimeDetector({ numStates: 2 }).loadParamsJson(json)).toThrow(
      /multipliers must be given/,
    );
    const two = new RegimeDetector({
      numStates: 2,
      multipliers: [
        { kappaMult: 1, gammaMult: 1 },
        { kappaMult: 0.5, gammaMult: 2 },
      ],
    });
    expect(() => two.loadParamsJson(json)).toThrow(/3 states, config has 2/);
  });

  it("checkpoint round-trip continues identically", () => {
    const d = new RegimeDetector({ warmupBuckets: 300, refitEveryBuckets: 1000, restarts: 1 });
    for (let t = 0; t < 400; t++) d.observeFeatures(obs[t]!);
    const e = new RegimeDetector({ warmupBuckets: 300, refitEveryBuckets: 1000, restarts: 1 });
    e.setState(JSON.parse(JSON.stringify(d.getState())));
    for (let t = 400; t < 450; t++) {
      d.observeFeatures(obs[t]!);
      e.observeFeatures(obs[t]!);
      expect(e.probs()).toEqual(d.probs());
    }
  });
});

describe("RegimeDetector checkpoint with a state of probability 0", () => {
  it("survives a JSON round trip (log −∞ is written as null) with identical probabilities", () => {
    // A quiet tape (the bid flickers one tick): EM leaves one state unreachable, its log-belief −∞.
    const t0 = 1_700_000_000_000;
    const d = new RegimeDetector();
    for (let s = 0; s < 600; s++)
      for (let k = 0; k < 10; k++) d.onQuote(t0 + s * 1000 + k * 100, 100_000 + (k % 2) * 0.1, 100_000.2);
    d.onTime(t0 + 600_000);
    const state = d.getState();
    expect(state.filter!.logProbs).toContain(null);
    const restored = new RegimeDetector();
    restored.setState(JSON.parse(JSON.stringify(state)));
    expect(restored.probs()).toEqual(d.probs());
    expect(restored.probs()!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});

describe("RegimeDetector.observeFeatures input checks", () => {
  it.each([
    [[Number.NaN, 1, 2], /feature lnRealizedVolBps \(index 0\) must be finite, got NaN/],
    [[1, 2, Number.POSITIVE_INFINITY], /feature lnTradeCount \(index 2\) must be finite, got Infinity/],
    [[1], /need 3 features \(lnRealizedVolBps, lnSpreadBps, lnTradeCount\), got 1 entries/],
    [[1, 2, 3, 4], /need 3 features .*got 4 entries/],
  ])("rejects %j at entry with the window unchanged", (bad, message) => {
    // Such a row used to be accepted and fail ~120 buckets later, inside the event path, on every
    // refit while it stayed in the window.
    const d = new RegimeDetector({ warmupBuckets: 10, windowBuckets: 50, restarts: 1 });
    d.observeFeatures([1, 2, 3]);
    const before = JSON.stringify(d.getState());
    expect(() => d.observeFeatures(bad)).toThrow(RangeError);
    expect(() => d.observeFeatures(bad)).toThrow(message);
    expect(JSON.stringify(d.getState())).toBe(before);
  });

  it.each([
    [{ restarts: 0 }, "regime: restarts must be a positive integer, got 0"],
    [{ maxIter: 0.5 }, "regime: maxIter must be a positive integer, got 0.5"],
    [{ seed: Number.NaN }, "regime: seed must be an integer, got NaN"],
  ])("rejects the fit option %j at construction, not at the first fit", (opts, message) => {
    expect(() => new RegimeDetector(opts)).toThrow(message);
  });

  it("keeps a copy, so a caller reusing its array cannot change a stored bucket", () => {
    const d = new RegimeDetector({ warmupBuckets: 400, windowBuckets: 400, restarts: 1 });
    const row = [1, 2, 3];
    d.observeFeatures(row);
    const before = JSON.stringify(d.getState());
    row[0] = Number.NaN;
    expect(JSON.stringify(d.getState())).toBe(before);
  });
});
