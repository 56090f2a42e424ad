import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { glftCoefficients, glftQuote } from "./glft.js";

const base = { kappaPerFrac: 8000, aPerSec: 1.5, sigmaPerSqrtSec: 2e-4, inventoryLots: 0 };

describe("glftQuote reference values", () => {
  it("γ=0.07, κ=8000, A=1.5/s, σ=2e-4/√s → half 1.2528 bps, skew 0.0056 bps/lot", () => {
    // x = γ/κ = 0.07/8000 = 8.75e-6
    // c1 = ln(1+x)/γ ≈ (x − x²/2)/γ = (1/κ)(1 − x/2) = 1.25e-4 × (1 − 4.375e-6) = 1.2499945e-4
    // c2² = γ/(2Aκ) · (1+x)^(1/x+1) ≈ 0.07/24000 · e·(1 + x/2) = 2.916667e-6 × 2.718294 = 7.928357e-6
    // c2 = 2.815734e-3; skew = σc2 = 2e-4 × 2.815734e-3 = 5.631468e-7 = 0.0056315 bps
    // half = c1 + σc2/2 = 1.2499945e-4 + 2.815734e-7 = 1.2528103e-4 = 1.2528 bps
    const r = glftQuote({ ...base, gamma: 0.07 });
    expect(r.c1).toBeCloseTo(1.2499945e-4, 10);
    expect(r.c2).toBeCloseTo(2.815734e-3, 9);
    expect(r.halfSpreadBps).toBeCloseTo(1.2528, 4);
    expect(r.skewPerLotBps).toBeCloseTo(0.0056315, 6);
    expect(r.glftHalfSpreadBps).toBe(r.halfSpreadBps);
    expect(r.feeBps).toBe(0);
  });

  it("γ=10,000 same others → half 2.150 bps, skew 2.679 bps/lot", () => {
    // x = 10000/8000 = 1.25; ln(2.25) = 0.8109302
    // c1 = 0.8109302/10000 = 8.109302e-5 = 0.8109 bps
    // c2² = 10000/24000 · 2.25^(0.8+1) = 0.4166667 × exp(1.4596744) = 0.4166667 × 4.304558 = 1.793566
    // c2 = 1.339241; skew = 2e-4 × 1.339241 = 2.678481e-4 = 2.6785 bps
    // half = 0.8109302 + 2.678481/2 = 2.150171 bps
    const r = glftQuote({ ...base, gamma: 10_000 });
    expect(r.c1 * 1e4).toBeCloseTo(0.8109302, 6);
    expect(r.c2).toBeCloseTo(1.339241, 5);
    expect(r.halfSpreadBps).toBeCloseTo(2.150171, 5);
    expect(r.skewPerLotBps).toBeCloseTo(2.678481, 5);
  });

  it("γ=κ=1000, A=2, σ=1e-3, q=2, fee 1.5 bps, spreadMult 2, skewMult 0.5 (hand set)", () => {
    // x = 1: c1 = ln 2/1000 = 6.931472e-4 = 6.931472 bps
    // c2² = 1000/(2·2·1000) · 2^(1+1) = 0.25 × 4 = 1 → c2 = 1; σc2 = 1e-3 = 10 bps
    // GLFT half = (6.931472 + 10/2) × 2 = 23.862944 bps; + fee 1.5 → 25.362944 bps
    // skew per lot = 10 × 0.5 = 5 bps; q = 2 → 10 bps
    // bid depth = 25.362944 + 10 = 35.362944; ask depth = 25.362944 − 10 = 15.362944
    const r = glftQuote({
      gamma: 1000,
      kappaPerFrac: 1000,
      aPerSec: 2,
      sigmaPerSqrtSec: 1e-3,
      inventoryLots: 2,
      makerFeeBps: 1.5,
      spreadMult: 2,
      skewMult: 0.5,
    });
    expect(r.c1).toBeCloseTo(Math.LN2 / 1000, 15);
    expect(r.c2).toBeCloseTo(1, 12);
    expect(r.glftHalfSpreadBps).toBeCloseTo(23.862944, 5);
    expect(r.halfSpreadBps).toBeCloseTo(25.362944, 5);
    expect(r.feeBps).toBe(1.5);
    expect(r.skewPerLotBps).toBeCloseTo(5, 10);
    expect(r.bidDepthBps).toBeCloseTo(35.362944, 5);
    expect(r.askDepthBps).toBeCloseTo(15.362944, 5);
    expect(r.bidDepthFrac).toBeCloseTo(35.362944e-4, 9);
  });

  it("a maker rebate (negative fee) narrows the half-spread", () => {
    const r = glftQuote({ ...base, gamma: 0.07, makerFeeBps: -0.2 });
    // 1.2528103 − 0.2 = 1.0528103
    expect(r.halfSpreadBps).toBeCloseTo(1.0528103, 6);
  });
});

describe("glftQuote limits and stability", () => {
  it("γ → 0 tends to c1 = 1/κ and c2 → 0, with no NaN for tiny γ", () => {
    for (const g of [1e-3, 1e-9, 1e-15, 1e-300, 5e-324]) {
      const r = glftQuote({ ...base, gamma: g });
      // c1 = (1/κ)(1 − x/2 + …): relative deviation ≈ γ/(2κ)
      expect(r.c1 * 8000).toBeCloseTo(1, 6);
      // c2 ≈ sqrt(γ e /(2Aκ))
      expect(Number.isFinite(r.c2) && r.c2 >= 0).toBe(true);
      // the reference sqrt(γe/(2Aκ)) underflows to 0 for denormal γ, so compare only where it is representable
      if (g > 1e-200) expect(r.c2 / Math.sqrt((g * Math.E) / 24000)).toBeCloseTo(1, 6);
    }
    const zero = glftQuote({ ...base, gamma: 0 });
    expect(zero.c1).toBe(1 / 8000);
    expect(zero.c2).toBe(0);
    expect(zero.halfSpreadBps).toBeCloseTo(1.25, 12);
  });

  it("matches the naive formula where the naive formula is accurate", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-2, max: 1e4, noNaN: true }),
        fc.double({ min: 10, max: 1e5, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (gamma, kappa, a) => {
          const x = gamma / kappa;
          const c1 = Math.log(1 + x) / gamma;
          const c2 = Math.sqrt((gamma / (2 * a * kappa)) * (1 + x) ** (kappa / gamma + 1));
          const r = glftCoefficients(gamma, kappa, a);
          // the naive (1+x)^(1/x) loses ~1e-16/x relative precision; x ≥ 1e-7 here
          expect(r.c1 / c1).toBeCloseTo(1, 8);
          expect(r.c2 / c2).toBeCloseTo(1, 8);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it("huge γ stays finite: c2 ≈ γ/(κ√(2A)) asymptotically", () => {
    const r = glftCoefficients(1e200, 8000, 1.5);
    expect(Number.isFinite(r.c1)).toBe(true);
    expect(Number.isFinite(r.c2)).toBe(true);
    // c2² = γ/(2Aκ)·(1+x)^(1/x+1) ≈ γ/(2Aκ)·x for huge x = γ²/(2Aκ²) (the (1+x)^(1/x) → 1 factor ≈ 1 + ln(x)/x)
    expect(r.c2 / (1e200 / (8000 * Math.sqrt(3)))).toBeCloseTo(1, 6);
  });

  it("κ → ∞ shrinks the half-spread toward 0 + fee", () => {
    const spreads = [1e4, 1e6, 1e8, 1e10].map(
      (k) => glftQuote({ ...base, gamma: 1, kappaPerFrac: k, makerFeeBps: 0.5 }).halfSpreadBps,
    );
    for (let i = 1; i < spreads.length; i++) expect(spreads[i]!).toBeLessThan(spreads[i - 1]!);
    expect(spreads[spreads.length - 1]!).toBeCloseTo(0.5, 4);
  });

  it("properties: positive half-spread, skew monotone in γ, bid−ask = 2·skew·q", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        fc.double({ min: 100, max: 1e5, noNaN: true }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        (gamma, kappa, q) => {
          const p = { gamma, kappaPerFrac: kappa, aPerSec: 1, sigmaPerSqrtSec: 3e-4, inventoryLots: q };
          const r = glftQuote(p);
          const r2 = glftQuote({ ...p, gamma: gamma * 1.5 });
          expect(r2.skewPerLotFrac).toBeGreaterThan(r.skewPerLotFrac);
          expect(r.bidDepthFrac - r.askDepthFrac).toBeCloseTo(2 * r.skewPerLotFrac * q, 12);
          expect((r.bidDepthFrac + r.askDepthFrac) / 2 / r.halfSpreadFrac).toBeCloseTo(1, 9);
          expect(r.halfSpreadFrac).toBeGreaterThan(0);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe("glftQuote input validation", () => {
  it("throws instead of returning a non-finite quote when c2 overflows", () => {
    // c2 ≈ γ/(κ√(2A)) = 1e300 / (1e-10 × √2e-10) ≈ 7e314 > max double
    expect(() =>
      glftQuote({
        gamma: 1e300,
        kappaPerFrac: 1e-10,
        aPerSec: 1e-10,
        sigmaPerSqrtSec: 1e-4,
        inventoryLots: 1,
      }),
    ).toThrow(/not finite/);
  });

  const ok = { ...base, gamma: 1 };
  it.each([
    ["gamma", { gamma: -1 }],
    ["gamma", { gamma: Number.NaN }],
    ["kappaPerFrac", { kappaPerFrac: 0 }],
    ["kappaPerFrac", { kappaPerFrac: Number.POSITIVE_INFINITY }],
    ["aPerSec", { aPerSec: -2 }],
    ["sigmaPerSqrtSec", { sigmaPerSqrtSec: Number.NaN }],
    ["inventoryLots", { inventoryLots: Number.NaN }],
    ["makerFeeBps", { makerFeeBps: Number.NaN }],
    ["spreadMult", { spreadMult: -1 }],
    ["skewMult", { skewMult: Number.NaN }],
  ])("throws naming %s", (name, patch) => {
    expect(() => glftQuote({ ...ok, ...patch })).toThrow(name);
  });
});

describe("glftQuote result overflow (mutation audit)", () => {
  it("throws when finite coefficients times an extreme inventory overflow the depths", () => {
    // σ·c2·q with σ = 1e10, q = 1e308: the skew overflows although c1, c2 and the inputs are finite
    expect(() =>
      glftQuote({
        gamma: 400,
        kappaPerFrac: 8000,
        aPerSec: 1.5,
        sigmaPerSqrtSec: 1e10,
        inventoryLots: 1e308,
      }),
    ).toThrow(/result is not finite/);
  });
});
