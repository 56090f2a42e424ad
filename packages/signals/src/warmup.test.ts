import { describe, expect, it } from "vitest";
import { WarmupTracker } from "./warmup.js";

describe("WarmupTracker", () => {
  it("advances from market observations alone, with zero own fills", () => {
    const w = new WarmupTracker({
      tradesTarget: 100,
      bookUpdatesTarget: 200,
      bucketsTarget: 10,
      bucketMs: 1000,
    });
    // 50 trades, 100 book updates over 5 s: each component at 50% → progress 50%.
    for (let i = 0; i < 100; i++) {
      w.onBookUpdate(i * 50);
      if (i % 2 === 0) w.onTrade(i * 50);
    }
    w.onTime(5000);
    expect(w.counts()).toEqual({
      trades: 50,
      bookUpdates: 100,
      buckets: 5,
      estimatorConfidence: null,
      bestEstimatorConfidence: null,
      fills: 0,
    });
    // (0.5 + 0.5 + 0.5) / 3 = 0.5
    expect(w.progress()).toBeCloseTo(0.5, 12);
    expect(w.note()).toBe("warmup 50%");
    for (let i = 0; i < 200; i++) {
      w.onBookUpdate(5000 + i * 50);
      w.onTrade(5000 + i * 50);
    }
    expect(w.complete).toBe(true);
    expect(w.counts().fills).toBe(0);
  });

  it("includes estimator confidence once reported, and fills only if weighted", () => {
    const w = new WarmupTracker({ tradesTarget: 1, bookUpdatesTarget: 1, bucketsTarget: 1, bucketMs: 1000 });
    w.onTrade(0);
    w.onBookUpdate(0);
    w.onTime(1000);
    w.setEstimatorConfidence(0.25); // target 0.5 → 50%; (1+1+1+0.5)/4 = 0.875
    expect(w.progress()).toBeCloseTo(0.875, 12);
    expect(w.logLine()).toMatch(
      /^\[WARMUP\] progress=87% trades=1\/1 book_updates=1\/1 buckets=1\/1 estimator_conf=0.25 estimator_conf_best=0.25\/0.5 fills=0$/,
    );
    w.setEstimatorConfidence(0.6);
    expect(w.complete).toBe(true);
    // Once complete it stays complete (no flapping when confidence dips).
    w.setEstimatorConfidence(0.1);
    expect(w.complete).toBe(true);
    expect(() => w.setEstimatorConfidence(2)).toThrow(/\[0,1\]/);
    const f = new WarmupTracker({
      tradesTarget: 1,
      bookUpdatesTarget: 1,
      bucketsTarget: 1,
      fillsWeight: 1,
      fillsTarget: 4,
    });
    f.onTrade(0);
    f.onBookUpdate(0);
    f.onTime(10_000);
    f.onFill();
    // (1 + 1 + 1 + 1·0.25) / 4 = 0.8125
    expect(f.progress()).toBeCloseTo(0.8125, 12);
  });

  it("counts the best estimator confidence so far: a fit that weakened before the rest was ready does not block", () => {
    // Real BTC perp capture: the κ fit was confident (0.75) at 3 min, had no fit (0) by the time
    // 5 min of buckets were in; the signals stayed off for the whole run when only the current
    // value counted.
    const w = new WarmupTracker({ tradesTarget: 1, bookUpdatesTarget: 1, bucketsTarget: 5, bucketMs: 1000 });
    w.onTrade(0);
    w.onBookUpdate(0);
    w.onTime(3000);
    w.setEstimatorConfidence(0.75);
    expect(w.complete).toBe(false); // 3 of 5 buckets
    w.setEstimatorConfidence(0);
    w.onTime(5000);
    expect(w.complete).toBe(true);
    expect(w.logLine()).toContain("estimator_conf=0.00 estimator_conf_best=0.75/0.5");
    // restored from a checkpoint written before the field existed: the current value stands in
    const r = new WarmupTracker({ tradesTarget: 1, bookUpdatesTarget: 1, bucketsTarget: 5, bucketMs: 1000 });
    const { bestEstimatorConfidence: _b, ...old } = { ...w.getState(), completed: false };
    r.setState({ ...old, estimatorConfidence: 0.3 });
    expect(r.counts().bestEstimatorConfidence).toBe(0.3);
    expect(r.progress()).toBeCloseTo((1 + 1 + 1 + 0.6) / 4, 12);
  });

  it("time without data beyond the staleness limit (outage, recording hole, stop) is not warm-up", () => {
    // QA: a 70 s venue silence took buckets from 12/60 to 26/60 with trades frozen
    const w = new WarmupTracker({ bucketMs: 5000 });
    for (let t = 0; t <= 20_000; t += 100) w.onBookUpdate(t);
    for (let t = 21_000; t <= 89_000; t += 1000) w.onTime(t); // silent: only the timer ticks
    expect(w.counts().buckets).toBe(6); // 20 s of data + 10 s until it went stale
    w.onBookUpdate(90_000); // data again
    expect(w.counts().buckets).toBe(6);
    for (let t = 90_100; t <= 100_000; t += 100) w.onTrade(t);
    expect(w.counts().buckets).toBe(8); // + 10 s observed
    // checkpointed and restored, the left-out time stays out
    const r = new WarmupTracker({ bucketMs: 5000 });
    r.setState(w.getState());
    r.onTrade(100_100);
    expect(r.counts().buckets).toBe(8);
    // an older checkpoint (no lastDataTsMs/unobservedMs): counted as before, from first to last
    const { lastDataTsMs: _l, unobservedMs: _u, ...old } = w.getState();
    const o = new WarmupTracker({ bucketMs: 5000 });
    o.setState(old);
    o.onTime(100_000);
    expect(o.counts().buckets).toBe(20);
  });

  it("rejects non-positive targets", () => {
    expect(() => new WarmupTracker({ tradesTarget: 0 })).toThrow(/tradesTarget/);
  });
});

describe("WarmupTracker with a non-finite timestamp", () => {
  it("throws and keeps its state (a NaN first timestamp used to make progress NaN for good)", () => {
    const w = new WarmupTracker({ bucketsTarget: 2, tradesWeight: 0, bookUpdatesWeight: 0 });
    expect(() => w.onTrade(Number.NaN)).toThrow(new RangeError("warmup: tsMs must be finite, got NaN"));
    expect(() => w.onBookUpdate(Number.NEGATIVE_INFINITY)).toThrow(RangeError);
    expect(() => w.onTime(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(w.getState()).toMatchObject({ trades: 0, bookUpdates: 0, firstTsMs: null, lastTsMs: null });
    w.onTime(0);
    w.onTime(10_000);
    expect(w.progress()).toBe(1);
  });
});
