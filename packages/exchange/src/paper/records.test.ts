import {
  fillProbabilityDiffusing,
  fillProbabilityDiffusingOnCurve,
  fillProbabilityWithin,
} from "@mmkit/core";
import { describe, expect, it } from "vitest";
import type { ExchangeEvent, MarkoutRecord, PredictionRecord } from "./events.js";
import { PaperExchange } from "./paper-exchange.js";
import { predictFillProbability } from "./fill-prediction.js";
import { snap, trade } from "./test-helpers.js";

const T0 = 1_000_000;
const LAT = { kind: "constant" as const, orderEntryMs: 0, cancelMs: 0 };

function preds(evs: readonly ExchangeEvent[]): PredictionRecord[] {
  return evs.flatMap((e) => (e.type === "prediction" ? [e.record] : []));
}
function marks(evs: readonly ExchangeEvent[]): MarkoutRecord[] {
  return evs.flatMap((e) => (e.type === "markout" ? [e.record] : []));
}

describe("predictFillProbability", () => {
  it("equals 1 − exp(−A·e^{−κδ}·h) with no tick, hand-computed", () => {
    // A = 1/s, κ = 1000, δ = 0.001 → λ = e^{−1} = 0.36788; h = 1 → 1 − e^{−0.36788} = 0.30780
    expect(predictFillProbability({ aPerSec: 1, kappaPerFrac: 1000 }, 0.001, 1, 0.5, 0)).toBeCloseTo(
      0.3078,
      4,
    );
    expect(predictFillProbability({ aPerSec: 1, kappaPerFrac: 1000 }, 0.001, 1, 0.5, 0)).toBe(
      fillProbabilityWithin(1, 1000, 0.001, 1),
    );
  });
  it("with a tick, only p of the at-price rate counts (touch)", () => {
    // λ(δ) = e^{−1}, λ(δ+tick) = e^{−2}; λ_eff = e^{−2} + 0.5(e^{−1} − e^{−2}) = 0.25161 → 1 − e^{−0.25161} = 0.22245
    expect(predictFillProbability({ aPerSec: 1, kappaPerFrac: 1000 }, 0.001, 1, 0.5, 0.001)).toBeCloseTo(
      0.22245,
      4,
    );
    // through (factor 0): only the strictly-through rate λ(δ+tick) = e^{−2}
    expect(predictFillProbability({ aPerSec: 1, kappaPerFrac: 1000 }, 0.001, 1, 0, 0.001)).toBeCloseTo(
      1 - Math.exp(-Math.exp(-2)),
      10,
    );
  });
});

describe("prediction records", () => {
  it("records predicted probabilities at live time and outcomes per horizon", () => {
    const ex = new PaperExchange({
      fillModel: "through",
      latency: LAT,
      horizonsSec: [1, 5],
      intensity: { aPerSec: 1, kappaPerFrac: 1000 },
    });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]])); // mid 100
    ex.place({ side: "buy", price: 99.9, size: 1, postOnly: true, cycleId: 3, level: 0 }); // δ = 0.001
    // Zero latency: live once the clock has moved past T0 (after any other event at T0), stamped T0.
    ex.advanceTo(T0 + 1);
    expect(ex.openRecordCounts().predictions).toBe(1);
    ex.onMarketEvent(trade(T0 + 2000, 99.8, 0.5, "sell")); // partial fill at +2 s
    expect(preds(ex.advanceTo(T0 + 4999))).toEqual([]);
    const [r] = preds(ex.advanceTo(T0 + 5000));
    expect(r).toMatchObject({
      cycleId: 3,
      level: 0,
      side: "buy",
      liveTsMs: T0,
      midAtLive: 100,
      complete: true,
      censored: false,
    });
    expect(r!.depthFrac).toBeCloseTo(0.001, 12);
    expect(r!.depthBps).toBeCloseTo(10, 9);
    expect(r!.pFill[0]).toBeCloseTo(1 - Math.exp(-Math.exp(-1)), 10);
    expect(r!.pFill[1]).toBeCloseTo(1 - Math.exp(-5 * Math.exp(-1)), 10);
    expect(r!.filled).toEqual([false, true]);
    expect(r!.firstFillTsMs).toBe(T0 + 2000);
  });

  it("with σ in the intensity, predictions let the mid diffuse (fillProbabilityDiffusing) and record σ", () => {
    const intensity = { aPerSec: 1, kappaPerFrac: 1000, sigmaPerSqrtSec: 5e-4 };
    const ex = new PaperExchange({ fillModel: "queue", latency: LAT, horizonsSec: [1, 30], intensity });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]])); // mid 100
    ex.place({ side: "sell", price: 100.5, size: 1, postOnly: true }); // δ = 0.005
    ex.advanceTo(T0);
    const [r] = preds(ex.advanceTo(T0 + 30_000));
    expect(r!.sigmaPerSqrtSec).toBe(5e-4);
    expect(r!.pFill[0]).toBe(fillProbabilityDiffusing(1, 1000, r!.depthFrac, 5e-4, 1, 1, 0));
    expect(r!.pFill[1]).toBe(fillProbabilityDiffusing(1, 1000, r!.depthFrac, 5e-4, 30, 1, 0));
    // σ√30 = 0.0027 of mid: over 30 s the mid often comes to this deep order, which the static
    // depth ignores (static 1 − exp(−30·e^{−5}) = 0.18).
    expect(r!.pFill[1]).toBeGreaterThan(fillProbabilityWithin(1, 1000, r!.depthFrac, 30) + 0.1);
    expect(() => ex.setIntensity({ aPerSec: 1, kappaPerFrac: 1000, sigmaPerSqrtSec: -1 })).toThrow(
      /sigmaPerSqrtSec/,
    );
  });

  it("with an arrival curve in the intensity, predictions use it (and say so); a bad curve is refused", () => {
    const curve = { depthFrac: [0, 0.002, 0.004, 0.01], ratePerSec: [3, 0.4, 0.1, 0] };
    const intensity = { aPerSec: 1, kappaPerFrac: 1000, sigmaPerSqrtSec: 5e-4, curve };
    const ex = new PaperExchange({ fillModel: "queue", latency: LAT, horizonsSec: [1, 30], intensity });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]])); // mid 100
    ex.place({ side: "sell", price: 100.5, size: 1, postOnly: true }); // δ = 0.005
    ex.advanceTo(T0);
    // a checkpoint round trip keeps the curve for orders placed after it
    const restored = new PaperExchange({ fillModel: "queue", latency: LAT, horizonsSec: [1, 30] });
    restored.setState(ex.getState());
    restored.place({ side: "buy", price: 99.6, size: 1, postOnly: true }); // δ = 0.004
    restored.advanceTo(T0);
    const [r] = preds(ex.advanceTo(T0 + 30_000));
    expect(r!.arrivalModel).toBe("empirical");
    expect(r!.pFill[0]).toBe(fillProbabilityDiffusingOnCurve(curve, r!.depthFrac, 5e-4, 1, 1, 0));
    expect(r!.pFill[1]).toBe(fillProbabilityDiffusingOnCurve(curve, r!.depthFrac, 5e-4, 30, 1, 0));
    expect(r!.pFill[1]).not.toBeCloseTo(fillProbabilityDiffusing(1, 1000, r!.depthFrac, 5e-4, 30, 1, 0), 2);
    const later = preds(restored.advanceTo(T0 + 30_000)).find((x) => x.side === "buy")!;
    expect(later.arrivalModel).toBe("empirical");
    expect(later.pFill[1]).toBe(fillProbabilityDiffusingOnCurve(curve, later.depthFrac, 5e-4, 30, 1, 0));
    expect(() =>
      ex.setIntensity({ aPerSec: 1, kappaPerFrac: 1000, curve: { depthFrac: [0, 0], ratePerSec: [1, 1] } }),
    ).toThrow(/arrival curve depthFrac must be finite and strictly increasing/);
  });

  it("keeps observing a cancelled order as a virtual order (censored, never a silent non-fill)", () => {
    const ex = new PaperExchange({
      fillModel: "through",
      latency: LAT,
      horizonsSec: [1, 5],
      intensity: { aPerSec: 1, kappaPerFrac: 1000 },
    });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
    const id = ex.place({ side: "sell", price: 100.5, size: 1, postOnly: true }).orderId;
    ex.advanceTo(T0 + 100);
    ex.cancel(id);
    ex.advanceTo(T0 + 500); // cancel latency 0: cancelled at +100 ms
    expect(ex.openRecordCounts().virtualOrders).toBe(1);
    // A print through 100.5 at +3 s: the real order is gone (no fill), the virtual one would have filled.
    const evs = ex.onMarketEvent(trade(T0 + 3000, 100.7, 1, "buy"));
    expect(evs.filter((e) => e.type === "fill")).toEqual([]);
    expect(ex.pnl().positionBase).toBe(0);
    const [r] = preds(ex.advanceTo(T0 + 10_000));
    expect(r).toMatchObject({
      orderId: id,
      censored: true,
      cancelledTsMs: T0 + 100,
      filled: [false, true],
      complete: true,
    });
    expect(ex.openRecordCounts().virtualOrders).toBe(0);
  });

  it("flush emits open records marked incomplete with unknown outcomes as null", () => {
    const ex = new PaperExchange({
      fillModel: "through",
      latency: LAT,
      horizonsSec: [1, 5],
      intensity: { aPerSec: 1, kappaPerFrac: 1000 },
    });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
    ex.place({ side: "buy", price: 99.5, size: 1, postOnly: true });
    ex.advanceTo(T0 + 2000);
    const [r] = preds(ex.flushRecords());
    expect(r).toMatchObject({ complete: false, filled: [false, null] });
    expect(ex.openRecordCounts()).toEqual({ predictions: 0, markouts: 0, virtualOrders: 0 });
  });

  it("flush leaves an unfinished window null even when the order already filled in it", () => {
    // Keeping it as `true` would let only the early fills of the last 30 s into the Brier sample.
    const ex = new PaperExchange({
      fillModel: "through",
      latency: LAT,
      horizonsSec: [1, 5],
      intensity: { aPerSec: 1, kappaPerFrac: 1000 },
    });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
    ex.place({ side: "buy", price: 99.5, size: 1, postOnly: true });
    ex.onMarketEvent(trade(T0 + 500, 99.4, 1, "sell")); // fills within 1 s of going live
    ex.advanceTo(T0 + 2000); // the 1 s window is over, the 5 s one is not
    const [r] = preds(ex.flushRecords());
    expect(r!.firstFillTsMs).toBe(T0 + 500);
    expect(r).toMatchObject({ complete: false, filled: [true, null] });
  });
});

describe("markout records", () => {
  it("uses the TRUE mid at fill + h, not the mid when the record is resolved", () => {
    const ex = new PaperExchange({
      fillModel: "through",
      latency: LAT,
      horizonsSec: [1, 5],
      makerFeeBps: 1.5,
    });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]])); // mid 100
    ex.place({
      side: "buy",
      price: 99.5,
      size: 2,
      postOnly: true,
      predicted: { edgeBps: 3, adverseBps: 2, spreadBps: 6.5 },
    });
    ex.onMarketEvent(trade(T0 + 100, 99.4, 2, "sell")); // fill at 99.5, mid 100
    ex.onMarketEvent(snap(T0 + 600, [[99.5, 1]], [[100.5, 1]])); // mid 100 → 100 (unchanged)
    ex.onMarketEvent(snap(T0 + 900, [[99.2, 1]], [[99.8, 1]])); // mid 99.5 prevails at +1.1 s
    ex.onMarketEvent(snap(T0 + 3000, [[97, 1]], [[98, 1]])); // mid 97.5 at +2.9 s (resolves the 1 s markout first)
    expect(marks(ex.advanceTo(T0 + 5099))).toEqual([]);
    const [m] = marks(ex.advanceTo(T0 + 5100));
    // realized spread = (100 − 99.5)/99.5·1e4 = 50.2513 bps
    expect(m!.realizedSpreadBps).toBeCloseTo(50.2513, 3);
    expect(m!.midAtHorizon).toEqual([99.5, 97.5]);
    // edge(1 s) = (99.5 − 99.5)/99.5·1e4 − 1.5 = −1.5; edge(5 s) = (97.5 − 99.5)/99.5·1e4 − 1.5 = −201.0050 − 1.5 = −202.5050
    expect(m!.realizedEdgeBps[0]).toBeCloseTo(-1.5, 9);
    expect(m!.realizedEdgeBps[1]).toBeCloseTo(-202.505, 3);
    // adverse(5 s) = (100 − 97.5)/99.5·1e4 = 251.2563; spread − adverse − fee = edge
    expect(m!.realizedAdverseBps[1]).toBeCloseTo(251.2563, 3);
    expect(m!.realizedSpreadBps - m!.realizedAdverseBps[1]! - m!.feeBps).toBeCloseTo(
      m!.realizedEdgeBps[1]!,
      9,
    );
    expect(m).toMatchObject({
      predictedEdgeBps: 3,
      predictedAdverseBps: 2,
      predictedSpreadBps: 6.5,
      complete: true,
      size: 2,
    });
  });

  it("resolves a horizon that ends while one side of the book is empty with the last mid, not NaN", () => {
    const ex = new PaperExchange({ fillModel: "through", latency: LAT, horizonsSec: [1, 5] });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]])); // mid 100
    ex.place({ side: "buy", price: 99.5, size: 1, postOnly: true });
    ex.onMarketEvent(trade(T0 + 100, 99.4, 1, "sell")); // fill at 99.5
    ex.onMarketEvent(snap(T0 + 500, [[99, 1]], [[100, 1]])); // mid 99.5
    ex.onMarketEvent(snap(T0 + 700, [[99, 1]], [])); // the asks vanish: no mid
    const [m] = marks(ex.advanceTo(T0 + 6000));
    expect(m!.midAtHorizon).toEqual([99.5, 99.5]);
    expect(m!.realizedEdgeBps.every(Number.isFinite)).toBe(true);
  });

  it("flushes pending markouts as incomplete with the horizons known so far", () => {
    const ex = new PaperExchange({ fillModel: "through", latency: LAT, horizonsSec: [1, 5] });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
    ex.place({ side: "sell", price: 100.5, size: 1, postOnly: true });
    ex.onMarketEvent(trade(T0 + 10, 100.6, 1, "buy"));
    ex.advanceTo(T0 + 2000);
    const [m] = marks(ex.flushRecords());
    expect(m).toMatchObject({ complete: false, midAtHorizon: [100, null], predictedEdgeBps: null });
  });
});
