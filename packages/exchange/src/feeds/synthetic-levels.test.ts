import { Rng } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { roundPositive } from "./synthetic-levels.js";

describe("roundPositive", () => {
  it("equals Math.round for positive values, ties, tiny values, huge values and +∞", () => {
    const xs = [
      0.5,
      1.5,
      2.5,
      0.49999999999999994,
      1e-300,
      0.3,
      0.7,
      3,
      2 ** 52 - 0.5,
      2 ** 52 + 1,
      2 ** 53 + 2,
      1e300,
      Number.POSITIVE_INFINITY,
    ];
    const rng = new Rng(9);
    for (let i = 0; i < 100_000; i++) xs.push(rng.next() * 10 ** rng.int(8));
    for (const x of xs) expect(Object.is(roundPositive(x), Math.round(x))).toBe(true);
  });
});
