import { Rng } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { FastRng } from "./synthetic-rng.js";
import { roundPositive } from "./synthetic-levels.js";

describe("FastRng", () => {
  it("draws exactly what core's Rng draws, in any interleaving of next/int/normal/exponential", () => {
    for (const seed of [0, 1, 42, 0x9e3779b1, 2 ** 32 - 1, -7]) {
      const a = new Rng(seed);
      const b = new FastRng(seed);
      let op = seed >>> 0;
      for (let i = 0; i < 20_000; i++) {
        op = (Math.imul(op, 1103515245) + 12345) >>> 0;
        switch (op >>> 29) {
          case 0:
          case 1:
            expect(b.next()).toBe(a.next());
            break;
          case 2:
            expect(b.int(37)).toBe(a.int(37));
            break;
          case 3:
          case 4:
            expect(b.normal()).toBe(a.normal());
            break;
          case 5:
            expect(b.unitExponential()).toBe(a.exponential(1));
            break;
          default:
            expect(b.exponential(2.5)).toBe(a.exponential(2.5));
        }
      }
    }
  });
});

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
