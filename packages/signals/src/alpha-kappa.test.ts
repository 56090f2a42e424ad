import { Rng } from "@mmkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AlphaKappaFeedback, adverseSelectionBps } from "./alpha-kappa.js";

/** GLFT optimal half-spread term (1/γ)·ln(1 + γ/κ) (closed form; independent of the code under test). */
const glftHalfSpread = (gamma: number, kappa: number): number => Math.log(1 + gamma / kappa) / gamma;

/** Simulate `n` fills: we buy or sell at mid, the mid then moves against us by `adverseBps` on average. */
function feed(fb: AlphaKappaFeedback, n: number, adverseBps: number, seed: number): void {
  const rng = new Rng(seed);
  for (let i = 0; i < n; i++) {
    const side = rng.bernoulli(0.5) ? "buy" : "sell";
    const mid = 50_000;
    const moveBps = adverseBps + 2 * rng.normal(); // adverse component + noise
    const after = side === "buy" ? mid * (1 - moveBps / 1e4) : mid * (1 + moveBps / 1e4);
    fb.onMarkout(side, mid, after);
  }
}

describe("adverseSelectionBps", () => {
  it("is positive when the mid moves against the fill", () => {
    // bought at mid 100, mid falls to 99.9: −(+1)·(−0.1)/100·1e4 = +10 bps
    expect(adverseSelectionBps("buy", 100, 99.9)).toBeCloseTo(10, 10);
    // sold at mid 100, mid falls to 99.9: −(−1)·(−0.1)/100·1e4 = −10 bps (benign)
    expect(adverseSelectionBps("sell", 100, 99.9)).toBeCloseTo(-10, 10);
    expect(() => adverseSelectionBps("buy", 0, 1)).toThrow(/mids must be > 0/);
  });
});

describe("AlphaKappaFeedback", () => {
  it("toxic flow lowers the effective κ and widens the GLFT spread", () => {
    const fb = new AlphaKappaFeedback();
    feed(fb, 300, 4, 1);
    const m = fb.kappaMult();
    console.log(`[alpha-kappa] toxic: as=${fb.toxicityBps.toFixed(2)}bps mult=${m.toFixed(3)}`);
    expect(m).toBeLessThan(0.7);
    const kappa = 0.5; // per bps-of-price, illustrative
    const gamma = 0.1;
    expect(glftHalfSpread(gamma, kappa * m)).toBeGreaterThan(glftHalfSpread(gamma, kappa) * 1.2);
    const a = fb.adjustment();
    expect(a.active).toBe(true);
    expect(a.kappaMult).toBe(m);
    expect(a.name).toBe("AlphaKappa");
  });

  it("benign flow keeps the multiplier near 1", () => {
    const fb = new AlphaKappaFeedback();
    feed(fb, 300, 0, 2);
    console.log(`[alpha-kappa] benign: as=${fb.toxicityBps.toFixed(2)}bps mult=${fb.kappaMult().toFixed(3)}`);
    expect(Math.abs(fb.kappaMult() - 1)).toBeLessThan(0.1);
  });

  it("one fill moves κ only a little (hand-computed confidence gate)", () => {
    const fb = new AlphaKappaFeedback(); // scale 5 bps, halfConfidence 20 fills
    fb.onAdverseSelection(5);
    // raw = exp(−5/5) = 0.36788; w = 1/(1+20) = 0.047619; mult = 1 + w·(raw − 1) = 0.969899
    expect(fb.kappaMult()).toBeCloseTo(1 + (Math.exp(-1) - 1) / 21, 12);
  });

  it("the confidence gate is smooth (no cliff) and monotone in the sample count", () => {
    const fb = new AlphaKappaFeedback();
    let prev = 1;
    for (let i = 0; i < 200; i++) {
      fb.onAdverseSelection(5);
      const m = fb.kappaMult();
      expect(m).toBeLessThanOrEqual(prev + 1e-12);
      expect(prev - m).toBeLessThan(0.05);
      prev = m;
    }
  });

  it("bounds hold for any markout sequence (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -500, max: 500, noNaN: true }), { maxLength: 200 }), (xs) => {
        const fb = new AlphaKappaFeedback({ minMult: 0.4, maxMult: 1.1 });
        for (const x of xs) fb.onAdverseSelection(x);
        const m = fb.kappaMult();
        return m >= 0.4 && m <= 1.1;
      }),
      { seed: 42, numRuns: 300 },
    );
    const fb = new AlphaKappaFeedback({ minMult: 0.4, maxMult: 1.1 });
    for (let i = 0; i < 500; i++) fb.onAdverseSelection(100);
    expect(fb.kappaMult()).toBe(0.4);
    const fb2 = new AlphaKappaFeedback({ minMult: 0.4, maxMult: 1.1 });
    for (let i = 0; i < 500; i++) fb2.onAdverseSelection(-100);
    expect(fb2.kappaMult()).toBe(1.1);
  });

  it("is inactive before any markout and rejects bad input", () => {
    const fb = new AlphaKappaFeedback();
    expect(fb.adjustment().active).toBe(false);
    expect(() => fb.onAdverseSelection(Number.NaN)).toThrow(/finite/);
    expect(() => new AlphaKappaFeedback({ minMult: 1.5 })).toThrow(/minMult/);
  });

  it("predicts P(adverse | fill): 1/2 with no data, then the observed adverse rate (seeded flows)", () => {
    const fb = new AlphaKappaFeedback();
    expect(fb.adverseProbability()).toBe(0.5);
    const rng = new Rng(3);
    // 70% of fills adverse: markout +2 bps against us, else -1 bps in our favour.
    for (let i = 0; i < 2000; i++) fb.onAdverseSelection(rng.bernoulli(0.7) ? 2 : -1);
    expect(fb.adverseProbability()).toBeGreaterThan(0.6);
    expect(fb.adverseProbability()).toBeLessThan(0.8);
    const benign = new AlphaKappaFeedback();
    for (let i = 0; i < 2000; i++) benign.onAdverseSelection(rng.bernoulli(0.2) ? 2 : -1);
    expect(benign.adverseProbability()).toBeGreaterThan(0.1);
    expect(benign.adverseProbability()).toBeLessThan(0.3);
  });
});

describe("AlphaKappaFeedback by hand (mutation audit)", () => {
  it("P(adverse) is the adverse frequency shrunk toward 1/2 by w = n/(n + 20); a zero markout is not adverse", () => {
    const fb = new AlphaKappaFeedback(); // halfConfidenceFills 20
    fb.onAdverseSelection(0); // flat: not against us
    // w = 1/21, frequency 0: 0.5 · 20/21 = 0.476190…
    expect(fb.adverseProbability()).toBeCloseTo(10 / 21, 12);
    fb.onAdverseSelection(3); // against us; the first two fills are a plain mean: frequency 1/2
    // w = 2/22: 0.5 · 20/22 + 0.5 · 2/22 = 0.5
    expect(fb.adverseProbability()).toBeCloseTo(0.5, 12);
    const one = new AlphaKappaFeedback();
    one.onAdverseSelection(3);
    expect(one.adverseProbability()).toBeCloseTo(0.5 * (20 / 21) + 1 / 21, 12); // 11/21, not 1
  });

  it("a toxicity equal to neutralAsBps leaves κ alone; the multiplier is exp(−(T − neutral)/scale) gated", () => {
    const fb = new AlphaKappaFeedback({ neutralAsBps: 2, scaleBps: 5 });
    for (let i = 0; i < 4; i++) fb.onAdverseSelection(2); // T = 2 (a plain mean of the first fills)
    expect(fb.toxicityBps).toBeCloseTo(2, 12);
    expect(fb.kappaMult()).toBeCloseTo(1, 12);
    // T = 4.5 after one more of 14.5 (mean of 2, 2, 2, 2, 14.5 = 22.5/5): raw = e^(−2.5/5), w = 5/25
    fb.onAdverseSelection(14.5);
    expect(fb.kappaMult()).toBeCloseTo(1 + (5 / 25) * (Math.exp(-0.5) - 1), 12);
  });
});
