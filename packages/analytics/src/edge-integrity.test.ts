/** EdgeTracker keeps itself consistent: an update is all or nothing, a checkpoint whose counts disagree is refused. */
import { describe, expect, it } from "vitest";
import { EdgeTracker, type EdgeTrackerState } from "./edge.js";

describe("EdgeTracker.update is all or nothing", () => {
  type Markouts = { horizonMs: number; realizedEdgeBps: number | null }[];
  const snap = (tsMs: number, markouts: Markouts, predictedEdgeBps = 0.5) => ({
    tsMs,
    predictedEdgeBps,
    feeBps: 0,
    markouts,
  });
  const two = (a: number, b: number): Markouts => [
    { horizonMs: 1000, realizedEdgeBps: a },
    { horizonMs: 5000, realizedEdgeBps: b },
  ];
  const seeded = (opts = {}) => {
    const t = new EdgeTracker({ minSamples: 2, ...opts });
    t.update(snap(0, two(1, 1)));
    t.update(snap(1000, two(3, 3)));
    return t;
  };

  it.each([
    ["a NaN tsMs", snap(Number.NaN, two(100, 100)), /tsMs not finite, got NaN/],
    ["a NaN predicted edge", snap(2000, two(100, 100), Number.NaN), /predictedEdgeBps not finite/],
    ["a NaN second-horizon edge", snap(2000, two(100, Number.NaN)), /realizedEdgeBps at 5000 ms not finite/],
    ["an infinite first-horizon edge", snap(2000, two(Number.POSITIVE_INFINITY, 1)), /at 1000 ms not finite/],
    [
      "a duplicate horizon",
      snap(2000, [...two(100, 100), { horizonMs: 1000, realizedEdgeBps: 7 }]),
      /duplicate markout horizon 1000 ms/,
    ],
    [
      "a negative horizon",
      snap(2000, [{ horizonMs: -5, realizedEdgeBps: 1 }]),
      /horizonMs must be finite and >= 0, got -5/,
    ],
  ])("rejects %s with the tracker unchanged", (_, bad, message) => {
    const t = seeded();
    const before = JSON.stringify(t.getState());
    expect(() => t.update(bad)).toThrow(message);
    expect(JSON.stringify(t.getState())).toBe(before);
    expect(t.report().fills).toBe(2);
    expect(t.report().horizons.map((h) => [h.horizonMs, h.n, h.meanRealizedEdgeBps])).toEqual([
      [1000, 2, 2],
      [5000, 2, 2],
    ]);
  });

  it("checks maxHorizons before counting the fill or adding any horizon", () => {
    const t = seeded({ maxHorizons: 3 });
    const before = JSON.stringify(t.getState());
    const bad = snap(2000, [
      { horizonMs: 1000, realizedEdgeBps: 1 },
      { horizonMs: 10_000, realizedEdgeBps: 1 },
      { horizonMs: 30_000, realizedEdgeBps: 1 },
    ]);
    expect(() => t.update(bad)).toThrow(/more than maxHorizons=3 horizons/);
    expect(JSON.stringify(t.getState())).toBe(before);
    // a null markout at a new horizon does not take a slot
    t.update(snap(2000, [...two(1, 1), { horizonMs: 30_000, realizedEdgeBps: null }]));
    t.update(snap(3000, [{ horizonMs: 10_000, realizedEdgeBps: 1 }]));
    expect(t.report().horizons.map((h) => h.horizonMs)).toEqual([1000, 5000, 10_000]);
    expect(() => new EdgeTracker({ maxHorizons: 0 })).toThrow(/maxHorizons must be an integer >= 1, got 0/);
  });
});

describe("EdgeTracker.setState refuses a checkpoint whose counts disagree", () => {
  /** A tracker with `fills` fills at horizons 1 s and 5 s, a minute apart. */
  const tracker = (fills: number): EdgeTracker => {
    const t = new EdgeTracker({ minSamples: 2 });
    for (let i = 0; i < fills; i++)
      t.update({
        tsMs: i * 60_000,
        predictedEdgeBps: 1,
        feeBps: 0,
        markouts: [
          { horizonMs: 1000, realizedEdgeBps: i % 3 },
          { horizonMs: 5000, realizedEdgeBps: 2 - (i % 2) },
        ],
      });
    return t;
  };
  const clone = (s: EdgeTrackerState): EdgeTrackerState => JSON.parse(JSON.stringify(s)) as EdgeTrackerState;
  // five fills restored, three fills as the donor of a part with another n
  const five = tracker(5).getState();
  const three = tracker(3).getState();
  const at0 = "EdgeTracker state.horizons[0]";

  it.each<[string, (s: EdgeTrackerState) => void, string]>([
    [
      "a horizon listed twice",
      (s) => {
        s.horizons[1] = s.horizons[0]!;
      },
      "EdgeTracker state.horizons[1].horizonMs: duplicate horizon 1000",
    ],
    [
      "predicted n 3 with realized n 5",
      (s) => {
        s.horizons[0]!.predicted = three.horizons[0]!.predicted;
      },
      `${at0}: realized, predicted and bias must have the same n`,
    ],
    [
      "bias n 3 with realized n 5",
      (s) => {
        s.horizons[0]!.bias = three.horizons[0]!.bias;
      },
      `${at0}: realized, predicted and bias must have the same n`,
    ],
    [
      "realized n 3 with predicted and bias n 5",
      (s) => {
        s.horizons[0]!.realized = three.horizons[0]!.realized;
      },
      `${at0}: realized, predicted and bias must have the same n`,
    ],
    [
      "a realized overlap sum of 3 values with moments of 5",
      (s) => {
        s.horizons[0]!.realizedOverlap = three.horizons[0]!.realizedOverlap!;
      },
      `${at0}.realizedOverlap: n 3 differs from 5`,
    ],
    [
      "a bias overlap sum of 3 values with moments of 5 (second horizon)",
      (s) => {
        s.horizons[1]!.biasOverlap = three.horizons[1]!.biasOverlap!;
      },
      "EdgeTracker state.horizons[1].biasOverlap: n 3 differs from 5",
    ],
    [
      "1 fill with 5 markouts at a horizon",
      (s) => {
        s.fills = 1;
      },
      `${at0}: n 5 is more than the 1 fills`,
    ],
  ])("%s, leaving the tracker unchanged", (_, corrupt, message) => {
    const bad = clone(five);
    corrupt(bad);
    const t = tracker(4);
    const before = JSON.stringify(t.getState());
    expect(() => t.setState(bad)).toThrow(message);
    expect(() => EdgeTracker.fromState(clone(bad))).toThrow(message);
    expect(JSON.stringify(t.getState())).toBe(before);
    // the uncorrupted checkpoint restores
    t.setState(clone(five));
    expect(t.report().horizons.map((h) => [h.horizonMs, h.n])).toEqual([
      [1000, 5],
      [5000, 5],
    ]);
  });
});
