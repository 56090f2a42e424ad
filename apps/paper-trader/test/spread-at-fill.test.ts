import { fillOutcomeDiffusing } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { expectedSpreadAtFillBps } from "../src/spread-at-fill.js";

const model = (sigmaPerSqrtSec: number) => ({
  intensity: { aPerSec: 1.5, kappaPerFrac: 8000, sigmaPerSqrtSec },
  atPriceFillFactor: 1,
  tickSize: 0,
  horizonSec: 1,
});

describe("expectedSpreadAtFillBps", () => {
  it("is the placement depth from the mid when the mid cannot move, on either side", () => {
    expect(expectedSpreadAtFillBps(model(0), "buy", 99.97, 100)).toBeCloseTo(3, 9);
    expect(expectedSpreadAtFillBps(model(0), "sell", 100.03, 100)).toBeCloseTo(3, 9);
  });

  it("with a diffusing mid it is the lattice's expected depth at the fill, below the placement depth", () => {
    const got = expectedSpreadAtFillBps(model(1e-4), "sell", 100.03, 100)!;
    const depth = (100.03 - 100) / 100;
    expect(got).toBe(fillOutcomeDiffusing(1.5, 8000, depth, 1e-4, 1).expectedDepthAtFillFrac * 1e4);
    expect(got).toBeLessThan(3);
  });

  it("takes an empirical curve when the intensity carries one, and is null without a mid or a fill chance", () => {
    const curve = { depthFrac: [0, 1e-4, 1e-3], ratePerSec: [5, 0.1, 0] };
    const m = {
      ...model(1e-4),
      intensity: { aPerSec: 1.5, kappaPerFrac: 8000, sigmaPerSqrtSec: 1e-4, curve },
    };
    expect(expectedSpreadAtFillBps(m, "buy", 99.97, 100)).not.toBe(
      expectedSpreadAtFillBps(model(1e-4), "buy", 99.97, 100),
    );
    expect(expectedSpreadAtFillBps(model(1e-4), "buy", 99.97, 0)).toBeNull();
    const none = { ...model(0), intensity: { aPerSec: 0, kappaPerFrac: 8000, sigmaPerSqrtSec: 0 } };
    expect(expectedSpreadAtFillBps(none, "buy", 99.97, 100)).toBeNull();
  });
});
