import { describe, expect, it } from "vitest";
import { normalDraw } from "./fixtures/markout-market.js";
import { SeededRandom } from "./prng.js";
import type { SharpeWindowRecord } from "./records.js";
import { sharpeMetricsSchema } from "./records.js";
import { effectiveLags, SharpeTracker } from "./sharpe.js";
import { windowRecord } from "./sharpe-window.js";
import { momentsOf } from "./stats.js";

const P_1MIN = (365 * 86_400) / 60; // 525 600 one-minute periods per 365-day year

/** Brute-force window statistics from plain arrays (two-pass formulas, independent of the tracker). */
function bruteWindow(returns: number[], startEquity: number, endEquities: number[], maxLags: number) {
  const n = returns.length;
  const mean = returns.reduce((a, b) => a + b, 0) / n;
  const d = returns.map((r) => r - mean);
  const ss = d.reduce((a, x) => a + x * x, 0);
  const std = Math.sqrt(ss / (n - 1));
  const m2 = ss / n;
  const skew = d.reduce((a, x) => a + x ** 3, 0) / n / m2 ** 1.5;
  const kurt = d.reduce((a, x) => a + x ** 4, 0) / n / (m2 * m2);
  const sr = mean / std;
  const lags = effectiveLags(n, maxLags);
  let s = 0;
  for (let k = 1; k <= lags; k++) {
    let ck = 0;
    for (let i = k; i < n; i++) ck += d[i]! * d[i - k]!;
    s += (P_1MIN - k) * (ck / ss);
  }
  const eta = P_1MIN / Math.sqrt(P_1MIN + 2 * s);
  let peak = startEquity;
  let mdd = 0;
  let mddFrac = 0;
  for (const e of endEquities) {
    peak = Math.max(peak, e);
    mdd = Math.max(mdd, peak - e);
    mddFrac = Math.max(mddFrac, (peak - e) / peak);
  }
  return { n, mean, std, sr, skew, kurt, eta, mdd, mddFrac };
}

function expectWindow(w: SharpeWindowRecord, b: ReturnType<typeof bruteWindow>): void {
  expect(w.n).toBe(b.n);
  expect(w.mean_return_bps! / 1e4).toBeCloseTo(b.mean, 12);
  expect(w.std_return_bps! / 1e4 / b.std).toBeCloseTo(1, 9);
  expect(w.sharpe_per_period! / b.sr).toBeCloseTo(1, 8);
  expect(w.sharpe_annualized! / (b.sr * Math.sqrt(P_1MIN))).toBeCloseTo(1, 8);
  expect(w.skew!).toBeCloseTo(b.skew, 6);
  expect(w.kurtosis_raw!).toBeCloseTo(b.kurt, 6);
  expect(w.lo_eta! / b.eta).toBeCloseTo(1, 8);
  expect(w.max_drawdown_abs!).toBeCloseTo(b.mdd, 6);
  expect(w.max_drawdown_frac!).toBeCloseTo(b.mddFrac, 12);
}

describe("SharpeTracker — hand examples", () => {
  it("four one-minute buckets", () => {
    // capital 1000; samples t=0:1000, 60s:1010, 120s:1000, 180s:1020; summary at 240s closes 4 buckets:
    // b0: 1000→1000 (0), b1: 1000→1010 (+100 bps), b2: 1010→1000 (−100 bps), b3: 1000→1020 (+200 bps)
    // mean = 50 bps; deviations −50, 50, −150, 150 → Σd² = 50 000 → std = √(50 000/3) = 129.0994 bps
    // SR per period = 50/129.0994 = 0.3872983; annualized = 0.3872983·√525 600 = 280.785
    // ρ1 = (50·−50 + −150·50 + 150·−150)/50 000 = −0.65 → η(525 600) radicand q − 1.3(q−1) < 0 → null
    // max drawdown: path 1000,1000,1010,1000,1020 → 10 from the 1010 peak = 0.990099 %
    const t = new SharpeTracker({ capitalBase: 1000 });
    t.update(0, 1000);
    t.update(60_000, 1010);
    t.update(120_000, 1000);
    t.update(180_000, 1020);
    const s = t.summary(240_000);
    expect(sharpeMetricsSchema.safeParse(s).success).toBe(true);
    const w1h = s.windows.find((w) => w.window === "1h")!;
    expect(w1h.n).toBe(4);
    expect(w1h.mean_return_bps).toBeCloseTo(50, 9);
    expect(w1h.std_return_bps).toBeCloseTo(Math.sqrt(50_000 / 3), 9);
    expect(w1h.sharpe_per_period).toBeCloseTo(0.3872983, 6);
    expect(s.sharpe_1h).toBeCloseTo(0.3872983346 * Math.sqrt(525_600), 3);
    expect(w1h.lo_eta).toBeNull();
    expect(w1h.max_drawdown_abs).toBeCloseTo(10, 9);
    expect(w1h.max_drawdown_frac).toBeCloseTo(10 / 1010, 12);
    expect(s.sharpe_all).toBeCloseTo(s.sharpe_1h!, 9);
    expect(s.bucket_secs).toBe(60);
    expect(s.periods_per_year).toBe(525_600);
  });

  it("time keeps passing: empty buckets are zero returns (no frozen windows)", () => {
    // t=0: 1000, t=300 s: 1010; summary at 600 s → buckets b0..b9 closed:
    // b0..b4 zero (b1..b4 empty), b5 = +100 bps, b6..b9 zero (empty) → n = 10, mean = 10 bps
    const t = new SharpeTracker({ capitalBase: 1000 });
    t.update(0, 1000);
    t.update(300_000, 1010);
    const s = t.summary(600_000);
    const w = s.windows.find((x) => x.window === "1h")!;
    expect(w.n).toBe(10);
    expect(w.mean_return_bps).toBeCloseTo(10, 9);
    // an hour later, with no activity, the 1h window has rolled past the gain
    const later = t.summary(600_000 + 3_600_000);
    const w2 = later.windows.find((x) => x.window === "1h")!;
    expect(w2.n).toBe(60);
    expect(w2.mean_return_bps).toBe(0);
    expect(w2.sharpe_annualized).toBeNull(); // zero variance → no Sharpe, not 0 or Infinity
  });

  it("bucket_start_equity basis divides by the equity at bucket start", () => {
    // b0: 1000→1100 (+10 %), b1: 1100→1210 (+10 %) → constant returns, std 0 → Sharpe null
    const t = new SharpeTracker({ returnBasis: "bucket_start_equity" });
    t.update(0, 1000);
    t.update(59_000, 1100);
    t.update(119_000, 1210);
    const w = t.summary(120_000).windows[0]!;
    expect(w.mean_return_bps).toBeCloseTo(1000, 9);
    expect(w.std_return_bps).toBeCloseTo(0, 9);
  });

  it("a steady equity curve has no Sharpe, not a rounding-noise 1.6e15 (returns constant up to float noise)", () => {
    // equity 1000 + 0.1·k each minute: every return is 1e−4 up to rounding, numpy gives the same garbage:
    //   r = np.diff(1000 + 0.1*np.arange(201)) / 1000; r.mean()/r.std(ddof=1)*sqrt(525600) ≈ 1.58e15
    // The window's std (≈5e−17) is float noise, so Sharpe, Lo, SE and PSR must be null.
    const t = new SharpeTracker({ capitalBase: 1000 });
    t.update(0, 1000);
    for (let k = 1; k <= 200; k++) t.update((k - 1) * 60_000 + 30_000, 1000 + 0.1 * k);
    const s = t.summary(200 * 60_000);
    for (const w of s.windows) {
      expect(w.mean_return_bps).toBeCloseTo(1, 9);
      expect(w.std_return_bps!).toBeLessThan(1e-8);
      expect(w.sharpe_annualized).toBeNull();
      expect(w.lo_sharpe_annualized).toBeNull();
      expect(w.sharpe_se_annualized).toBeNull();
      expect(w.psr).toBeNull();
    }
    expect(s.sharpe_all).toBeNull();
  });

  it("a small but real return spread still has a Sharpe", () => {
    // returns alternate 1e−4 ± 1e−9 (std ≈ 1e−9 ≫ rounding): SR = mean/std, finite and positive
    const t = new SharpeTracker({ capitalBase: 1000 });
    let eq = 1000;
    t.update(0, eq);
    for (let k = 1; k <= 60; k++) {
      eq += 0.1 + (k % 2 === 0 ? 1e-6 : -1e-6);
      t.update(k * 60_000 - 1, eq);
    }
    const w = t.summary(60 * 60_000).windows.find((x) => x.window === "all")!;
    expect(w.sharpe_per_period!).toBeGreaterThan(1e4);
    expect(Number.isFinite(w.sharpe_annualized)).toBe(true);
  });

  it("per-fill original figure is labelled and computed as the original did", () => {
    // fills pnl [1, 3] over 0.5 year: mean 2, std √2 → (2/√2)·√(2/0.5) = √2·2 = 2.828427
    const t = new SharpeTracker({ capitalBase: 1000 });
    t.update(0, 1000);
    t.recordFill(1);
    t.recordFill(3);
    const halfYearMs = (365 * 86_400 * 1000) / 2;
    const s = t.summary(halfYearMs);
    expect(s.original_per_fill_sharpe).toBeCloseTo(2 * Math.SQRT2, 9);
    expect(s.original_per_fill_sharpe_label).toMatch(/comparison only/);
    expect(s.count).toBe(2);
  });

  it("rejects bad input with a clear error", () => {
    expect(() => new SharpeTracker({ bucketMs: 0 })).toThrow(/bucketMs/);
    const t = new SharpeTracker();
    expect(() => t.update(0, Number.NaN)).toThrow(/equity/);
  });
});

describe("SharpeTracker — 7-day stream at 1 event/s", () => {
  it("keeps memory flat and equals a brute-force recomputation", () => {
    const N = 604_800;
    const seed = 7;
    const gen = (rng: SeededRandom, eq: number): number =>
      eq + (rng.next() - 0.495) * 2 + (rng.next() < 0.001 ? -50 : 0);
    const tracker = new SharpeTracker({ capitalBase: 100_000 });
    const rng = new SeededRandom(seed);
    let eq = 100_000;
    const t0 = 28_333_333 * 60_000; // 1 699 999 980 000 ms: aligned to a minute boundary
    const rss0 = process.memoryUsage().rss;
    let rssDay1 = 0;
    for (let i = 0; i < N; i++) {
      eq = gen(rng, eq);
      tracker.update(t0 + i * 1000, eq);
      if (i === 86_400) rssDay1 = process.memoryUsage().rss;
    }
    const rssEnd = process.memoryUsage().rss;
    const s = tracker.summary(t0 + N * 1000);
    console.log(
      `7-day stream: RSS start ${(rss0 / 2 ** 20).toFixed(1)} MiB, after day 1 ${(rssDay1 / 2 ** 20).toFixed(1)} MiB, ` +
        `after day 7 ${(rssEnd / 2 ** 20).toFixed(1)} MiB (growth day1→day7 ${((rssEnd - rssDay1) / 2 ** 20).toFixed(1)} MiB)`,
    );
    expect(rssEnd - rssDay1).toBeLessThan(20 * 2 ** 20);

    // brute force: regenerate the same path, bucket it by minute (end equity = last sample of the minute)
    const r2 = new SeededRandom(seed);
    let e2 = 100_000;
    const ends: number[] = [];
    for (let i = 0; i < N; i++) {
      e2 = gen(r2, e2);
      if (i % 60 === 59) ends.push(e2);
    }
    // bucket returns on starting capital; the first bucket starts at the first sample's equity
    const first = new SeededRandom(seed);
    const e0 = gen(first, 100_000);
    const starts = [e0, ...ends.slice(0, -1)];
    const rets = ends.map((e, i) => (e - starts[i]!) / 100_000);
    for (const [label, buckets] of [
      ["1h", 60],
      ["24h", 1440],
      ["7d", 10_080],
    ] as const) {
      const r = rets.slice(-buckets);
      const b = bruteWindow(r, starts[starts.length - buckets]!, ends.slice(-buckets), 10);
      expectWindow(s.windows.find((w) => w.window === label)!, b);
    }
    // "all" (running moments + O(L) lag state) equals the brute force over every bucket too
    const all = bruteWindow(rets, e0, ends, 10);
    expectWindow(s.windows.find((w) => w.window === "all")!, all);
  });

  it('"all" beyond the ring buffer equals brute force (3 h at 1-min buckets, 10-min window)', () => {
    const tracker = new SharpeTracker({
      capitalBase: 1000,
      windows: [{ label: "10m", secs: 600 }],
      loMaxLags: 5,
    });
    const rng = new SeededRandom(3);
    let eq = 1000;
    const ends: number[] = [];
    tracker.update(0, eq);
    for (let m = 0; m < 180; m++) {
      // AR(1)-like PnL so the autocorrelations are not ~0
      eq += (rng.next() - 0.5) * 3 + (ends.length > 1 ? 0.5 * (ends.at(-1)! - ends.at(-2)!) : 0);
      tracker.update(m * 60_000 + 30_000, eq);
      ends.push(eq);
    }
    const s = tracker.summary(180 * 60_000);
    const starts = [1000, ...ends.slice(0, -1)];
    const rets = ends.map((e, i) => (e - starts[i]!) / 1000);
    expectWindow(s.windows.find((w) => w.window === "all")!, bruteWindow(rets, 1000, ends, 5));
    expectWindow(
      s.windows.find((w) => w.window === "10m")!,
      bruteWindow(rets.slice(-10), starts[170]!, ends.slice(-10), 5),
    );
  });
});

describe("windowRecord — lags reported with what used them", () => {
  it("lo_lags names the L of lrv_factor and the GMM SE even when η has no value", () => {
    const rng = new SeededRandom(3);
    const xs = Array.from({ length: 100 }, () => 0.1 + normalDraw(rng));
    // Σρ = −0.6: Lo's radicand q(1 + 2Σρ) < 0 (no η), Bartlett f = 1 − 2·0.15·(0.8+0.6+0.4+0.2) = 0.4
    const rhos = [-0.15, -0.15, -0.15, -0.15];
    const w = windowRecord(
      "w",
      null,
      { returns: xs, rhos, moments: momentsOf(xs), maxDrawdownAbs: null, maxDrawdownFrac: null },
      525_600,
    );
    expect(w.lo_eta).toBeNull();
    expect(w.lrv_factor).toBeCloseTo(0.4, 12);
    expect(w.sharpe_se_hac_annualized).not.toBeNull();
    expect(w.lo_lags).toBe(4);
  });
});

describe("effectiveLags by hand (mutation audit)", () => {
  it("is min(maxLags, ⌊n/4⌋)", () => {
    expect([
      effectiveLags(40, 10),
      effectiveLags(39, 10),
      effectiveLags(7, 10),
      effectiveLags(3, 10),
    ]).toEqual([10, 9, 1, 0]);
    expect(effectiveLags(100, 6)).toBe(6);
  });
});
