import { fillOutcomeDiffusing } from "@mmkit/core";
import type { IntensityEstimate } from "@mmkit/exchange";
import { describe, expect, it } from "vitest";
import { expectedSpreadAtFillBps } from "../src/spread-at-fill.js";

const intensity = (sigmaPerSqrtSec: number): IntensityEstimate => ({
  aPerSec: 1.5,
  kappaPerFrac: 8000,
  sigmaPerSqrtSec,
});
/** Queue fill model (factor 1), continuous prices (tick 0). */
const spread = (it: IntensityEstimate, side: "buy" | "sell", price: number, mid: number): number | null =>
  expectedSpreadAtFillBps(it, 1, 0, side, price, mid);

describe("expectedSpreadAtFillBps", () => {
  it("is the placement depth from the mid when the mid cannot move, on either side", () => {
    expect(spread(intensity(0), "buy", 99.97, 100)).toBeCloseTo(3, 9);
    expect(spread(intensity(0), "sell", 100.03, 100)).toBeCloseTo(3, 9);
  });

  it("with a diffusing mid it is the lattice's expected depth at the fill, below the placement depth", () => {
    const got = spread(intensity(1e-4), "sell", 100.03, 100)!;
    const depth = (100.03 - 100) / 100;
    expect(got).toBe(fillOutcomeDiffusing(1.5, 8000, depth, 1e-4, 1).expectedDepthAtFillFrac * 1e4);
    expect(got).toBeLessThan(3);
  });

  it("takes an empirical curve when the intensity carries one, and is null without a mid or a fill chance", () => {
    const curve = { depthFrac: [0, 1e-4, 1e-3], ratePerSec: [5, 0.1, 0] };
    const withCurve = { ...intensity(1e-4), curve };
    expect(spread(withCurve, "buy", 99.97, 100)).not.toBe(spread(intensity(1e-4), "buy", 99.97, 100));
    expect(spread(intensity(1e-4), "buy", 99.97, 0)).toBeNull();
    expect(spread({ aPerSec: 0, kappaPerFrac: 8000, sigmaPerSqrtSec: 0 }, "buy", 99.97, 100)).toBeNull();
  });
});
