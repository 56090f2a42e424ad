import { Rng } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { ConstantLatency, LognormalLatency, latencyFromConfig, UniformLatency } from "./latency.js";

/** `n` draws of one latency kind from a seeded generator. */
function draws(f: (rng: Rng) => number, n = 20_000, seed = 11): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => f(rng));
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};

describe("latency models against their distributions (seeded)", () => {
  it("lognormal: median·exp(σZ) — log-draws have mean ln(median) and sd σ; the cap bounds both kinds", () => {
    const m = new LognormalLatency(50, 80, 0.5);
    for (const [kind, med] of [
      ["entry", 50],
      ["cancel", 80],
    ] as const) {
      const xs = draws((r) => (kind === "entry" ? m.orderEntryMs(r) : m.cancelMs(r)));
      const logs = xs.map(Math.log);
      const mu = mean(logs);
      const sd = Math.sqrt(mean(logs.map((l) => (l - mu) ** 2)));
      // standard errors over 20 000 draws: 0.5/√20000 = 0.0035 for the mean, ~0.0025 for the sd
      expect(Math.abs(mu - Math.log(med))).toBeLessThan(0.015);
      expect(Math.abs(sd - 0.5)).toBeLessThan(0.01);
      expect(Math.abs(median(xs) / med - 1)).toBeLessThan(0.03);
    }
    // capped at 60 ms: P(50·e^(0.5Z) > 60) = P(Z > 2 ln 1.2 = 0.3646) = 0.358
    const capped = new LognormalLatency(50, 50, 0.5, 60);
    for (const f of [(r: Rng) => capped.orderEntryMs(r), (r: Rng) => capped.cancelMs(r)]) {
      const xs = draws(f);
      expect(Math.max(...xs)).toBe(60);
      expect(Math.abs(xs.filter((x) => x === 60).length / xs.length - 0.358)).toBeLessThan(0.02);
    }
  });

  it("uniform: both kinds spread over [min, max) with mean (min + max)/2; constant consumes no randomness", () => {
    const u = new UniformLatency(10, 30, 100, 200);
    const entry = draws((r) => u.orderEntryMs(r));
    const cancel = draws((r) => u.cancelMs(r));
    expect(Math.min(...entry)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...entry)).toBeLessThan(30);
    expect(Math.min(...cancel)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...cancel)).toBeLessThan(200);
    // sd of the mean: (20/√12)/√20000 = 0.041 and (100/√12)/√20000 = 0.20
    expect(Math.abs(mean(entry) - 20)).toBeLessThan(0.2);
    expect(Math.abs(mean(cancel) - 150)).toBeLessThan(1);
    const rng = new Rng(3);
    const before = rng.next();
    const c = new ConstantLatency(7, 9);
    const again = new Rng(3);
    expect([c.orderEntryMs(), c.cancelMs()]).toEqual([7, 9]);
    expect(again.next()).toBe(before);
  });

  it("refuses impossible settings, naming them", () => {
    expect(() => new UniformLatency(10, 5, 0, 1)).toThrow(/orderEntryMaxMs 5 < orderEntryMinMs 10/);
    expect(() => new UniformLatency(0, 1, 10, 5)).toThrow(/cancelMaxMs 5 < cancelMinMs 10/);
    expect(() => new LognormalLatency(50, 50, 0.5, 0)).toThrow(/capMs must be > 0/);
    expect(() => new ConstantLatency(-1, 0)).toThrow(/orderEntryMs must be a finite number >= 0/);
    expect(() =>
      latencyFromConfig({ kind: "lognormal", orderEntryMedianMs: 50, cancelMedianMs: 50, sigma: Number.NaN }),
    ).toThrow(/sigma/);
  });
});
