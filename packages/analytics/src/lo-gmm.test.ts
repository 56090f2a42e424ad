import { describe, expect, it } from "vitest";
import { normalDraw } from "./fixtures/markout-market.js";
import { SeededRandom } from "./prng.js";
import type { SharpeWindowRecord } from "./records.js";
import { SharpeTracker } from "./sharpe.js";
import { type WindowInput, windowRecord } from "./sharpe-window.js";
import {
  autocorrelations,
  type LoGmmOmega,
  LoGmmSums,
  type LoGmmSumsState,
  longRunVarianceFactor,
  loGmmOmega,
  loGmmVariance,
  momentsOf,
  normalCdf,
  sharpeVarianceFactor,
} from "./stats.js";

/** |a − b| / |b|. */
function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

/** Two-pass moments (independent of RunningMoments): mean, n−1 std, population γ3 and raw γ4. */
function twoPass(xs: readonly number[]): { mean: number; std: number; g3: number; g4: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const d = xs.map((x) => x - mean);
  const m2 = d.reduce((a, x) => a + x * x, 0) / n;
  const m3 = d.reduce((a, x) => a + x ** 3, 0) / n;
  const m4 = d.reduce((a, x) => a + x ** 4, 0) / n;
  return { mean, std: Math.sqrt((m2 * n) / (n - 1)), g3: m3 / m2 ** 1.5, g4: m4 / (m2 * m2) };
}

/** n returns: `mean` + `sd`·(a draw from `shape`), seeded. */
function series(seed: number, n: number, mean: number, sd: number, shape: "normal" | "skewed"): number[] {
  const rng = new SeededRandom(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    // skewed: centred exponential (skew 2, raw kurtosis 9)
    const e = shape === "normal" ? normalDraw(rng) : -Math.log(1 - rng.next()) - 1;
    out.push(mean + sd * e);
  }
  return out;
}

/** A window input over a whole series, Lo lags L (what the rolling windows build from the ring). */
function inputOf(xs: readonly number[], lags: number): WindowInput {
  return {
    returns: xs,
    rhos: autocorrelations(xs, lags),
    moments: momentsOf(xs),
    maxDrawdownAbs: null,
    maxDrawdownFrac: null,
  };
}

/** Gaussian AR(1) with unit innovations, per-period Sharpe `sr`, started in its stationary law. */
function ar1(rng: SeededRandom, n: number, phi: number, sr: number): number[] {
  const sdR = 1 / Math.sqrt(1 - phi * phi);
  const mu = sr * sdR;
  let x = mu + sdR * normalDraw(rng);
  const xs: number[] = [];
  for (let t = 0; t < n; t++) {
    x = mu + phi * (x - mu) + normalDraw(rng);
    xs.push(x);
  }
  return xs;
}

describe("Lo (2002) GMM variance of the Sharpe ratio", () => {
  it("L = 0 is the Mertens factor 1 − γ3·SR + (γ4 − 1)/4·SR² (hand formula) to 1e−12", () => {
    const cases: [number, number, "normal" | "skewed"][] = [
      [0.05, 1e-4, "normal"],
      [2, 1e-4, "normal"],
      [0.05, 3e-3, "skewed"],
      [-0.3, 1e-6, "skewed"],
    ];
    for (const [k, [ratio, sd, shape]] of cases.entries()) {
      const xs = series(100 + k, 3_000, ratio * sd, sd, shape);
      const h = twoPass(xs);
      const sr = h.mean / h.std; // the trackers' Sharpe: sample (n−1) std
      const mertens = 1 - h.g3 * sr + ((h.g4 - 1) / 4) * sr * sr;
      const direct = loGmmOmega(xs, 0)!;
      expect(rel(loGmmVariance(sr, direct)!, mertens)).toBeLessThan(1e-12);
      expect(rel(direct.o12, h.g3)).toBeLessThan(1e-10);
      expect(rel(direct.o22, h.g4 - 1)).toBeLessThan(1e-12);
      const sums = new LoGmmSums(5);
      for (const x of xs) sums.push(x);
      const running = sums.omega(momentsOf(xs), 0)!;
      expect(rel(loGmmVariance(sr, running)!, mertens)).toBeLessThan(1e-12);
      // and the same as the i.i.d. code path's own factor
      const m = momentsOf(xs);
      expect(
        rel(loGmmVariance(sr, running)!, sharpeVarianceFactor(sr, m.skew()!, m.kurtosisRaw()!)),
      ).toBeLessThan(1e-12);
    }
  });

  it("hand example: 8 returns, L = 1", () => {
    // r = 0.5 + d, d = [2, −1, −1, 0, 1, −1, 0, 0]: mean 0.5, Σd² = 8 → population σ̂ = 1, so z = d,
    // u = z² − 1 = [3, 0, 0, −1, 0, 0, −1, −1].
    // Γ̃0 = (1/8)·[[Σz², Σzu], [Σzu, Σu²]] = [[1, 6/8], [6/8, 12/8]]  (γ3 = 0.75, γ4 = 2.5)
    // lag 1 (t = 2..8): Σ z_t z_{t−1} = −2 + 1 + 0 + 0 − 1 + 0 + 0 = −2
    //   Σ z_t u_{t−1} = (−1)(3) + 0 + 0 + (1)(−1) + 0 + 0 + 0 = −4
    //   Σ u_t z_{t−1} = 0 + 0 + (−1)(−1) + 0 + 0 + (−1)(−1) + 0 = 2
    //   Σ u_t u_{t−1} = (−1)(−1) (t = 8) = 1
    // Bartlett w1 = 1 − 1/2 = 1/2:
    //   Ω̃11 = 1 + 2·½·(−2/8) = 0.75;  Ω̃12 = 0.75 + ½·(−4 + 2)/8 = 0.625;  Ω̃22 = 1.5 + 2·½·(1/8) = 1.625
    // SR = 0.5/√(8/7) = 0.4677071733; V = 0.75 − 0.625·SR + 1.625/4·SR² = 0.5465502042
    // (Lo's ∇g = (1/σ̂, −μ̂/(2σ̂³)) at σ̂ = 1 gives 0.75 − 0.3125 + 0.1015625 = 0.5390625: the same
    // with SR = μ̂/σ̂ population; we plug in the reported n−1 Sharpe, see lo-gmm.ts.)
    const xs = [2, -1, -1, 0, 1, -1, 0, 0].map((d) => 0.5 + d);
    const om = loGmmOmega(xs, 1)!;
    expect(om.o11).toBeCloseTo(0.75, 14);
    expect(om.o12).toBeCloseTo(0.625, 14);
    expect(om.o22).toBeCloseTo(1.625, 14);
    const sr = 0.5 / Math.sqrt(8 / 7);
    expect(loGmmVariance(sr, om)!).toBeCloseTo(0.5465502041582858, 14);
    expect(loGmmVariance(0.5, om)!).toBeCloseTo(0.5390625, 14);
    const sums = new LoGmmSums(1);
    for (const x of xs) sums.push(x);
    const r = sums.omega(momentsOf(xs), 1)!;
    expect(r.o11).toBeCloseTo(0.75, 13);
    expect(r.o12).toBeCloseTo(0.625, 13);
    expect(r.o22).toBeCloseTo(1.625, 13);
  });

  it("numpy reference: Lo's matrix form on 40 fixed returns, L = 3", () => {
    // python3 (numpy), run once:
    //   def lo(r, L):
    //     n = len(r); mu = r.mean(); s2 = ((r - mu)**2).mean()
    //     phi = np.stack([r - mu, (r - mu)**2 - s2], 1)
    //     G = lambda j: phi[j:].T @ phi[:n - j] / n
    //     Om = G(0) + sum((1 - j/(L + 1)) * (G(j) + G(j).T) for j in range(1, L + 1))
    //     sd = np.sqrt(s2); grad = np.array([1/sd, -mu/(2*sd**3)]); Vpop = grad @ Om @ grad
    //     sr = mu / r.std(ddof=1); D = np.diag([1/sd, 1/s2]); Ot = D @ Om @ D
    //     return Ot, Vpop, Ot[0,0] - sr*Ot[0,1] + sr**2/4*Ot[1,1]
    //   t = np.arange(1, 41); r = (((t * 7919) % 23) - 11) * 1e-4 + 2e-4; lo(r, 3)
    const xs = Array.from({ length: 40 }, (_, i) => (((i + 1) * 7919) % 23) - 11).map((k) => k * 1e-4 + 2e-4);
    const om = loGmmOmega(xs, 3)!;
    expect(rel(om.o11, 0.4076586276198679)).toBeLessThan(1e-12);
    expect(rel(om.o12, -0.005867126790337171)).toBeLessThan(1e-10);
    expect(rel(om.o22, 0.1530618469315172)).toBeLessThan(1e-12);
    const h = twoPass(xs);
    expect(rel(h.mean / h.std, 0.3367077264086107)).toBeLessThan(1e-13);
    expect(rel(loGmmVariance(h.mean / h.std, om)!, 0.4139723700291512)).toBeLessThan(1e-12);
    // Lo's own gradient (population σ̂ in μ̂/σ̂) differs by O(1/n): 0.41411 vs 0.41397
    const srPop = h.mean / (h.std * Math.sqrt(39 / 40));
    expect(rel(loGmmVariance(srPop, om)!, 0.4141087735443714)).toBeLessThan(1e-12);
    // Ω̃11 is the long-run variance factor the records report as lrv_factor
    expect(rel(om.o11, longRunVarianceFactor(autocorrelations(xs, 3))!)).toBeLessThan(1e-12);
    // and windowRecord uses exactly this V
    const w = windowRecord("w", null, inputOf(xs, 3), 4);
    const v = loGmmVariance(w.sharpe_per_period!, om)!;
    expect(rel(w.sharpe_se_hac_annualized!, Math.sqrt(v / 40) * 2)).toBeLessThan(1e-12);
    expect(rel(w.psr_hac!, normalCdf((w.sharpe_per_period! * Math.sqrt(39)) / Math.sqrt(v)))).toBeLessThan(
      1e-12,
    );
  });

  it("numpy reference: Lo's η(q) annualization of the Sharpe and its SE on the same 40 returns (q = 4, L = 3)", () => {
    // python3 (numpy 2.4), run once (/tmp script; standard autocorrelation estimator: lag-k
    // autocovariance with 1/n over the 1/n variance, both around the full mean):
    //   t = np.arange(1, 41); r = (((t * 7919) % 23) - 11) * 1e-4 + 2e-4; n = len(r); d = r - r.mean()
    //   rho = [(d[k:] * d[:n-k]).sum() / (d**2).sum() for k in (1, 2, 3)]
    //     # [-0.2821202985931668, -0.42341372380132075, 0.5085055986218777]
    //   q = 4  # periodsPerYear; the 3 lags cover k = 1..q−1
    //   eta = q / np.sqrt(q + 2 * sum((q - k) * rho[k-1] for k in range(1, q)))   # 3.1324321779713973
    //   sr = r.mean() / r.std(ddof=1)                                           # 0.3367077264086107
    //   m2 = (d**2).mean(); g3 = (d**3).mean() / m2**1.5; g4 = (d**4).mean() / m2**2
    //   se = np.sqrt((1 - g3*sr + (g4 - 1)/4 * sr**2) / n)                      # 0.15917124343573624
    //   sr * eta, se * eta      # 1.0547141167739218, 0.49859312474581874
    // (√q annualization instead would give 0.6734 and 0.3183.)
    const xs = Array.from({ length: 40 }, (_, i) => (((i + 1) * 7919) % 23) - 11).map((k) => k * 1e-4 + 2e-4);
    const w = windowRecord("w", null, inputOf(xs, 3), 4);
    expect(w.lo_q).toBe(4);
    expect(w.lo_lags).toBe(3);
    expect(rel(w.lo_eta!, 3.1324321779713973)).toBeLessThan(1e-12);
    expect(rel(w.sharpe_per_period!, 0.3367077264086107)).toBeLessThan(1e-12);
    expect(rel(w.lo_sharpe_annualized!, 1.0547141167739218)).toBeLessThan(1e-12);
    expect(rel(w.lo_sharpe_se_annualized!, 0.49859312474581874)).toBeLessThan(1e-10);
    // the plain √P fields on the same window
    expect(rel(w.sharpe_annualized!, 0.6734154528172214)).toBeLessThan(1e-12);
    expect(rel(w.sharpe_se_annualized!, 0.3183424868714725)).toBeLessThan(1e-10);
  });

  it("running sums equal the direct computation on 20 000 returns with idle zero runs and a checkpoint", () => {
    for (const [k, ratio] of [0.05, 2].entries()) {
      for (const leadingZeros of [0, 7]) {
        const rng = new SeededRandom(500 + k);
        const xs: number[] = [];
        const sums = new LoGmmSums(10);
        let g = sums;
        const pushZeros = (count: number): void => {
          g.pushRepeated(0, count);
          for (let i = 0; i < count; i++) xs.push(0);
        };
        if (leadingZeros > 0) pushZeros(leadingZeros); // shift 0: the series starts idle
        while (xs.length < 20_000) {
          const r = 1e-4 * (ratio + normalDraw(rng));
          g.push(r);
          xs.push(r);
          const u = rng.next();
          if (u < 0.003)
            pushZeros(1 + Math.floor(rng.next() * 3)); // short idle runs
          else if (u < 0.004) pushZeros(20 + Math.floor(rng.next() * 400)); // long ones
          if (xs.length >= 9_000 && g === sums) {
            // checkpoint mid-way through JSON, continue on the restored copy
            g = LoGmmSums.fromState(JSON.parse(JSON.stringify(sums.getState())) as LoGmmSumsState, 10);
          }
        }
        expect(g).not.toBe(sums);
        const m = momentsOf(xs);
        const sr = m.mean()! / m.std()!;
        for (const lags of [1, 4, 10]) {
          const direct = loGmmOmega(xs, lags)!;
          const running = g.omega(m, lags)!;
          for (const key of ["o11", "o12", "o22"] as const) {
            expect(
              Math.abs(running[key] - direct[key]),
              `${ratio} ${leadingZeros} ${lags} ${key}`,
            ).toBeLessThan(1e-9 * Math.max(1, Math.abs(direct[key])));
          }
          const vd = loGmmVariance(sr, direct)!;
          expect(rel(Math.sqrt(loGmmVariance(sr, running)!), Math.sqrt(vd))).toBeLessThan(1e-8);
        }
      }
    }
  });

  it("the tracker's 'all' window equals the direct computation over its whole return series (gaps, resume)", () => {
    // 30-minute ring (30 buckets) so idle gaps overflow it and close in bulk; returns are rebuilt
    // from the fed equities with the tracker's own expression (end − start) / capital.
    const opts = { capitalBase: 10_000, windows: [{ label: "30m", secs: 1_800 }], loMaxLags: 10 };
    const C = 10_000;
    const B = 60_000;
    const rng = new SeededRandom(77);
    const samples: [number, number][] = [];
    const rets: number[] = [];
    let b = 28_333_333; // bucket index (epoch-aligned)
    let eq = C;
    samples.push([b * B + 1_000, eq]);
    let prev = eq;
    eq = C + 2.5; // a second sample in the first bucket: a non-zero first return (shift ≠ 0)
    samples.push([b * B + 31_000, eq]);
    rets.push((eq - C) / C);
    prev = eq;
    while (rets.length < 20_000) {
      const u = rng.next();
      const gap =
        u < 0.003 ? 1 + Math.floor(rng.next() * 5) : u < 0.005 ? 31 + Math.floor(rng.next() * 300) : 0;
      for (let i = 0; i < gap; i++) rets.push(0);
      b += gap + 1;
      eq = prev + C * 1e-4 * (0.3 + normalDraw(rng));
      samples.push([b * B + 30_000, eq]);
      rets.push((eq - prev) / C);
      prev = eq;
    }
    const endMs = (b + 1) * B;
    const run = (split: number | null): SharpeTracker => {
      let t = new SharpeTracker(opts);
      for (let i = 0; i < samples.length; i++) {
        if (i === split) t = SharpeTracker.fromState(JSON.parse(JSON.stringify(t.getState())));
        t.update(samples[i]![0], samples[i]![1]);
      }
      return t;
    };
    const full = run(null);
    const want = full.summary(endMs);
    const all = want.windows.at(-1)!;
    expect(all.n).toBe(rets.length);
    const direct = windowRecord("all", null, inputOf(rets, all.lo_lags!), want.periods_per_year);
    expect(all.lo_lags).toBe(10);
    expect(rel(all.sharpe_se_hac_annualized!, direct.sharpe_se_hac_annualized!)).toBeLessThan(1e-8);
    expect(Math.abs(all.psr_hac! - direct.psr_hac!)).toBeLessThan(1e-12);
    expect(rel(all.lrv_factor!, direct.lrv_factor!)).toBeLessThan(1e-8);
    // a checkpoint mid-way (also one taken right after a long gap) resumes bit-identically
    const afterGap = samples.findIndex((s, i) => i > 5_000 && s[0] - samples[i - 1]![0] > 40 * B);
    for (const split of [9_000, afterGap + 1]) {
      const resumed = run(split);
      expect(JSON.stringify(resumed.summary(endMs))).toBe(JSON.stringify(want));
      expect(JSON.stringify(resumed.getState())).toBe(JSON.stringify(full.getState()));
    }
  });

  it("Gaussian AR(1): V → (1+ρ)/(1−ρ) + SR²(1+ρ²)/(2(1−ρ²)) on a long series (the first-order HAC overstates it)", () => {
    // ρ = 0.5, per-period SR = 1: V = 3 + 1.25/1.5 = 3.8333; the cross term is 0 (symmetric
    // innovations). The old HAC, Mertens × lrv_factor, tends to 3·(1 + SR²/2) = 4.5.
    const phi = 0.5;
    const closed = (1 + phi) / (1 - phi) + (1 + phi * phi) / (2 * (1 - phi * phi));
    const xs = ar1(new SeededRandom(3), 400_000, phi, 1);
    const m = momentsOf(xs);
    const sr = m.mean()! / m.std()!;
    const om = loGmmOmega(xs, 100)!;
    const v = loGmmVariance(sr, om)!;
    expect(rel(v, closed)).toBeLessThan(0.03); // measured 3.855 (0.6 %)
    expect(Math.abs(om.o12)).toBeLessThan(0.05);
    const old =
      longRunVarianceFactor(autocorrelations(xs, 100))! *
      sharpeVarianceFactor(sr, m.skew()!, m.kurtosisRaw()!);
    expect(old / closed).toBeGreaterThan(1.1); // measured 4.54
  });

  it("Gaussian AR(1) Monte Carlo: the GMM SE is close to the spread of SR̂ and its 95 % interval covers", () => {
    // 400 samples of n = 2000, ρ = 0.5, per-period SR = 1, L = 20 Lo lags. Measured: std of SR̂
    // 0.0453, mean GMM SE 0.0422 (the Bartlett HAC's usual small-sample downward bias at L = 20),
    // asymptotic √(3.833/2000) = 0.0438; coverage 0.92.
    const rng = new SeededRandom(17);
    const runs = 400;
    const n = 2_000;
    const srs: number[] = [];
    let se2 = 0;
    let covered = 0;
    for (let k = 0; k < runs; k++) {
      const w = windowRecord("w", null, inputOf(ar1(rng, n, 0.5, 1), 20), 1);
      srs.push(w.sharpe_per_period!);
      se2 += w.sharpe_se_hac_annualized! ** 2;
      if (Math.abs(w.sharpe_per_period! - 1) <= 1.96 * w.sharpe_se_hac_annualized!) covered++;
    }
    const mean = srs.reduce((a, b) => a + b, 0) / runs;
    const empirical = Math.sqrt(srs.reduce((a, s) => a + (s - mean) ** 2, 0) / (runs - 1));
    const se = Math.sqrt(se2 / runs);
    expect(Math.abs(se / empirical - 1)).toBeLessThan(0.1);
    expect(covered / runs).toBeGreaterThanOrEqual(0.9);
  });

  it("null, never NaN: constant returns, n < 4, V ≤ 0", () => {
    const nullGmm = (w: SharpeWindowRecord): void => {
      expect(w.sharpe_se_hac_annualized).toBeNull();
      expect(w.psr_hac).toBeNull();
    };
    nullGmm(windowRecord("w", null, inputOf(Array(50).fill(1e-4), 5), 525_600)); // constant
    nullGmm(windowRecord("w", null, inputOf([1e-4, -2e-4, 3e-4], 0), 525_600)); // n < 4
    expect(loGmmOmega([1, 1, 1, 1], 1)).toBeNull();
    expect(loGmmOmega([1], 0)).toBeNull();
    expect(() => loGmmOmega([1, 2, 3], 3)).toThrow(/lags must be an integer in \[0, 2\], got 3/);
    expect(() => loGmmOmega([1, Number.NaN, 3], 1)).toThrow(/xs\[1\] must be finite/);
    // V = 1 − 2·3 + 4/4·0.5 < 0, and a non-finite Ω̃
    expect(loGmmVariance(2, { o11: 1, o12: 3, o22: 0.5 })).toBeNull();
    expect(loGmmVariance(0.1, { o11: Number.NaN, o12: 0, o22: 0 })).toBeNull();
    // a window whose GMM V is ≤ 0 (given Ω̃) keeps its other fields and nulls only the GMM ones
    const xs = series(9, 200, 1e-4, 1e-4, "normal");
    const bad: LoGmmOmega = { o11: 0.1, o12: 50, o22: 0 };
    const w = windowRecord("w", null, { ...inputOf(xs, 5), gmm: bad }, 525_600);
    nullGmm(w);
    expect(w.sharpe_se_annualized).not.toBeNull();
    expect(w.lrv_factor).not.toBeNull();
    // a tracker with fewer than 4 buckets, or a flat one, has null GMM fields and no NaN anywhere
    const t = new SharpeTracker({ capitalBase: 1_000 });
    t.update(0, 1_000);
    t.update(60_000, 1_001);
    t.update(120_000, 999);
    const flat = new SharpeTracker({ capitalBase: 1_000 });
    flat.update(0, 1_000);
    flat.update(3_600_000 * 30, 1_000);
    for (const s of [t.summary(180_000), flat.summary(3_600_000 * 30)]) {
      for (const x of s.windows) nullGmm(x);
      expect(JSON.stringify(s)).not.toMatch(/NaN|Infinity/);
    }
    // an empty LoGmmSums, and one counting other returns than the moments
    const g = new LoGmmSums(3);
    expect(g.omega(momentsOf([]), 0)).toBeNull();
    g.push(1);
    expect(g.omega(momentsOf([1, 2]), 0)).toBeNull();
    expect(() => g.push(Number.POSITIVE_INFINITY)).toThrow(/r must be finite/);
    expect(() => g.pushRepeated(0, -1)).toThrow(/count must be an integer >= 0/);
  });

  it("pushRepeated equals pushing one by one, from any tail (short series, many lags)", () => {
    const rng = new SeededRandom(4);
    for (let trial = 0; trial < 200; trial++) {
      const maxLags = 1 + Math.floor(rng.next() * 6);
      const a = new LoGmmSums(maxLags);
      const b = new LoGmmSums(maxLags);
      const steps = 1 + Math.floor(rng.next() * 6);
      for (let s = 0; s < steps; s++) {
        const x = rng.next() < 0.5 ? 0 : rng.next() - 0.4;
        const count = Math.floor(rng.next() * 9);
        a.pushRepeated(x, count);
        for (let i = 0; i < count; i++) b.push(x);
      }
      const sa = a.getState();
      const sb = b.getState();
      expect(sa.n).toBe(sb.n);
      expect(sa.head).toEqual(sb.head);
      expect(sa.tail).toEqual(sb.tail);
      for (const key of ["sumX", "sumX2"] as const)
        expect(sa[key] as number).toBeCloseTo(sb[key] as number, 12);
      for (const key of ["p11", "p12", "p21", "p22"] as const) {
        for (let j = 0; j < maxLags; j++) expect(sa[key][j] as number).toBeCloseTo(sb[key][j] as number, 12);
      }
    }
  });
});
