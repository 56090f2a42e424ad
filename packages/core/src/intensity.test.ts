import { describe, expect, it } from "vitest";
import { type ArrivalCurve, arrivalRateOnCurve } from "./arrival-curve.js";
import { effectiveArrivalRatePerSec } from "./fill-probability.js";
import { arrivalRatePerSec, fillProbabilityWithin } from "./intensity.js";

describe("fillProbabilityWithin / arrivalRatePerSec input checks", () => {
  it("keeps the formula for valid input", () => {
    expect(fillProbabilityWithin(1.5, 8000, 1e-4, 1)).toBe(-Math.expm1(-1.5 * Math.exp(-0.8)));
    expect(fillProbabilityWithin(1.5, 8000, -1e-4, 0)).toBe(0);
    expect(fillProbabilityWithin(0, 8000, 1e-4, 10)).toBe(0);
    expect(arrivalRatePerSec(1.5, 8000, -1)).toBe(1.5); // depth below 0 counts as the touch
  });

  it.each([
    [[1.5, 8000, 1e-4, -1], "horizonSec must be finite and >= 0, got -1"], // returned −0.962
    [[-1, 8000, 1e-4, 1], "aPerSec must be finite and >= 0, got -1"], // returned −0.567
    [[1.5, -8000, 1e-4, 1], "kappaPerFrac must be finite and >= 0, got -8000"],
    [[Number.NaN, 8000, 1e-4, 1], "aPerSec must be finite and >= 0, got NaN"],
    [[1.5, Number.POSITIVE_INFINITY, 0, 1], "kappaPerFrac must be finite and >= 0, got Infinity"],
    [[1.5, 8000, Number.NaN, 1], "depthFrac must be finite, got NaN"],
    [[1.5, 8000, 1e-4, Number.NaN], "horizonSec must be finite and >= 0, got NaN"],
    [[1.5, 8000, 1e-4, Number.POSITIVE_INFINITY], "horizonSec must be finite and >= 0, got Infinity"],
  ])("fillProbabilityWithin(%j) throws a RangeError: %s", (args, message) => {
    const [a, k, d, h] = args as [number, number, number, number];
    expect(() => fillProbabilityWithin(a, k, d, h)).toThrow(
      new RangeError(`fillProbabilityWithin: ${message}`),
    );
  });

  it("arrivalRatePerSec (and the blended rate built on it) rejects bad A, κ, δ", () => {
    expect(() => arrivalRatePerSec(-1, 8000, 0)).toThrow(
      new RangeError("arrivalRatePerSec: aPerSec must be finite and >= 0, got -1"),
    );
    expect(() => arrivalRatePerSec(1, 8000, Number.NaN)).toThrow(/depthFrac must be finite, got NaN/);
    expect(() => effectiveArrivalRatePerSec(1, Number.NaN, 0, 0.5, 1e-4)).toThrow(
      /kappaPerFrac must be finite/,
    );
  });
});

describe("arrivalRateOnCurve cheap checks", () => {
  const c = (depthFrac: number[], ratePerSec: number[]): ArrivalCurve => ({ depthFrac, ratePerSec });

  it.each([
    ["an empty curve", c([], []), /same length >= 2/],
    ["one point", c([0], [1]), /same length >= 2/],
    ["mismatched lengths", c([0, 1e-4, 2e-4], [3, 2]), /same length >= 2/],
    ["a last depth below the first", c([2e-4, 1e-4, 0], [1, 2, 3]), /strictly increasing \(index 1/],
    [
      "a NaN inner depth met by the lookup",
      c([0, Number.NaN, 4e-4], [4, 3, 1]),
      /strictly increasing \(index 1: NaN/,
    ],
    ["a NaN rate met by the lookup", c([0, 1e-4, 2e-4], [4, Number.NaN, 1]), /ratePerSec must be finite/],
    ["a negative rate met by the lookup", c([0, 1e-4], [-1, -1]), /ratePerSec must be finite and >= 0/],
  ])("throws a RangeError naming the problem for %s", (_, curve, message) => {
    expect(() => arrivalRateOnCurve(curve, 1.5e-4)).toThrow(RangeError);
    expect(() => arrivalRateOnCurve(curve, 1.5e-4)).toThrow(message);
  });

  it("rejects a NaN depth (it used to return NaN)", () => {
    expect(() => arrivalRateOnCurve(c([0, 1e-4], [2, 1]), Number.NaN)).toThrow(/depthFrac must not be NaN/);
  });
});
