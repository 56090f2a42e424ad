import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SignalPnLAttributor, type SignalPnLAttributorStateV2 } from "./attribution.js";
import { markoutFills, normalDraw as normal } from "./fixtures/markout-market.js";
import { OverlapWelch } from "./overlap-welch.js";
import { SeededRandom } from "./prng.js";
import type { CycleContributions } from "./signal-contribution.js";
import { welchTTest } from "./stats.js";

interface Pt {
  t: number;
  x: number;
  g: 0 | 1;
}

/**
 * Var(m_A − m_B) by the definition, pair by pair, with the floors the test applies: each group's
 * variance at least its i.i.d. s²/n, the difference's at least Welch's s_A²/n_A + s_B²/n_B.
 */
function bruteForceVariance(pts: Pt[], b: number): number | null {
  const w = (i: Pt, j: Pt) => Math.max(0, 1 - Math.abs(i.t - j.t) / b);
  const A = pts.filter((p) => p.g === 0);
  const B = pts.filter((p) => p.g === 1);
  const mean = (g: Pt[]) => g.reduce((a, p) => a + p.x, 0) / g.length;
  const mA = mean(A);
  const mB = mean(B);
  const q = (G: Pt[], H: Pt[], mG: number, mH: number) => {
    let s = 0;
    for (const i of G) for (const j of H) s += w(i, j) * (i.x - mG) * (j.x - mH);
    return s;
  };
  const sumW = (G: Pt[]) => {
    let s = 0;
    for (const i of G) for (const j of G) s += w(i, j);
    return s;
  };
  const dA = A.length ** 2 - sumW(A);
  const dB = B.length ** 2 - sumW(B);
  if (!(dA > 1e-9) || !(dB > 1e-9)) return null;
  const iid = (G: Pt[], mG: number) => G.reduce((a, p) => a + (p.x - mG) ** 2, 0) / (G.length - 1) / G.length;
  const vA = Math.max(iid(A, mA), Math.max(0, q(A, A, mA, mA)) / dA);
  const vB = Math.max(iid(B, mB), Math.max(0, q(B, B, mB, mB)) / dB);
  return Math.max(iid(A, mA) + iid(B, mB), vA + vB - (2 * q(A, B, mA, mB)) / (A.length * B.length));
}

/** Welch's i.i.d. test of the two groups' means. */
function plainWelch(pts: Pt[]) {
  const A = pts.filter((p) => p.g === 0).map((p) => p.x);
  const B = pts.filter((p) => p.g === 1).map((p) => p.x);
  const m = (v: number[]) => v.reduce((a, x) => a + x, 0) / v.length;
  const v = (xs: number[]) => xs.reduce((a, x) => a + (x - m(xs)) ** 2, 0) / (xs.length - 1);
  return welchTTest(A.length, m(A), v(A), B.length, m(B), v(B))!;
}

/** The robust test from the points: pair sums (shift 0) plus each group's moments. */
function robustTest(pts: Pt[], b: number) {
  const ow = new OverlapWelch();
  pts.forEach((p, k) => {
    for (let j = 0; j < k; j++) {
      const d = Math.abs(p.t - pts[j]!.t);
      if (d < b) ow.addPair(p.g, p.x, pts[j]!.g, pts[j]!.x, 1 - d / b);
    }
  });
  const mom = (g: 0 | 1) => {
    const xs = pts.filter((p) => p.g === g).map((p) => p.x);
    const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
    return { n: xs.length, mean, m2: xs.reduce((a, x) => a + (x - mean) ** 2, 0) };
  };
  return ow.test(mom(0), mom(1), 0);
}

/** A quote cycle at `tsMs` whose signals are on or off as given (adjustment 1 bps each). */
function cycleRecord(tsMs: number, cycleId: number, signals: Record<string, boolean>): CycleContributions {
  return {
    schema_version: 1,
    ts_ms: tsMs,
    timestamp_ns: tsMs * 1e6,
    cycle_id: cycleId,
    contributions: Object.entries(signals).map(([name, on]) => ({
      signal_name: name,
      spread_adjustment_bps: 1,
      skew_adjustment_bps: 0,
      was_active: on,
      gating_weight: 1,
      raw_value: 0,
    })),
    total_spread_mult: 1,
    combined_skew_bps: 0,
  };
}

describe("OverlapWelch", () => {
  it("equals the pair-by-pair definition of Var(m_A − m_B)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            t: fc.integer({ min: 0, max: 10_000 }),
            x: fc.double({ min: -20, max: 20, noNaN: true }),
            g: fc.constantFrom(0 as const, 1 as const),
          }),
          { minLength: 4, maxLength: 40 },
        ),
        fc.integer({ min: 1, max: 3000 }),
        (pts, b) => {
          const want = bruteForceVariance(pts, b);
          const r = robustTest(pts, b);
          if (want === null || !(want > 1e-9)) return;
          expect(r).not.toBeNull();
          expect(Math.abs(r!.se ** 2 - want)).toBeLessThanOrEqual(1e-9 * (1 + want));
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });

  it("without overlapping values it is Welch's test exactly", () => {
    const pts: Pt[] = [1, 4, -2, 7, 3, 3, -5, 0, 2].map((x, i) => ({
      t: i * 1000,
      x,
      g: (i % 3 === 0 ? 1 : 0) as 0 | 1,
    }));
    const r = robustTest(pts, 1000)!;
    const w = plainWelch(pts);
    expect(r.t).toBeCloseTo(w.t, 12);
    expect(r.df).toBeCloseTo(w.df, 9);
    expect(r.p).toBeCloseTo(w.p, 12);
  });

  it("negatively correlated neighbours do not make the error smaller than Welch's i.i.d. one", () => {
    // within each group, pairs 100 ms apart with opposite deviations (a buy and a sell straddling one
    // move): the HAC variance of each mean is below s²/n; the test falls back to Welch's
    const pts: Pt[] = [];
    for (let k = 0; k < 20; k++) {
      const g = (k % 2) as 0 | 1;
      const d = 1 + (k % 5);
      pts.push({ t: k * 10_000, x: d, g }, { t: k * 10_000 + 100, x: -d, g });
    }
    const r = robustTest(pts, 1000)!;
    const w = plainWelch(pts);
    expect(r.se).toBeCloseTo(w.se, 12);
    expect(r.se).toBeGreaterThan(0);
  });
});

describe("SignalPnLAttributor overlap-robust Welch test", () => {
  it("a signal unrelated to PnL: Welch over-rejects on overlapping markouts, the robust test keeps its size", () => {
    // Martingale mid (1 bps/√s), fills at Poisson times (0.5/s) in same-side runs, PnL = the 30 s
    // markout; the signal is on/off in runs of ~1 min regardless of PnL (true marginal value 0).
    const rng = new SeededRandom(99);
    const runs = 200;
    let welch = 0;
    let robust = 0;
    for (let run = 0; run < runs; run++) {
      const a = new SignalPnLAttributor({ overlapBandwidthMs: 60_000 });
      let on = true;
      let cycle = 0;
      for (const f of markoutFills(rng, 1_200_000, 30_000)) {
        if (rng.next() < 1 / 30) on = !on;
        cycle += 1;
        a.recordCycle(cycleRecord(f.tsMs, cycle, { S: on }));
        a.recordFill(cycle, f.pnlBps, f.tsMs);
      }
      const st = a.stats("S")!;
      if (st.p_value! < 0.05) welch++;
      if (st.p_value_overlap! < 0.05) robust++;
    }
    expect(welch / runs).toBeGreaterThan(0.25);
    expect(robust / runs).toBeLessThan(0.12);
    expect(robust / runs).toBeGreaterThan(0.01);
  });

  it("checkpoints the pair sums and recent fills: a restored attributor continues identically", () => {
    const rng = new SeededRandom(5);
    const make = () => new SignalPnLAttributor({ overlapBandwidthMs: 10_000 });
    const events: ((a: SignalPnLAttributor) => void)[] = [];
    let t = 0;
    for (let c = 1; c <= 600; c++) {
      t += 700 * rng.next();
      const on = rng.next() < 0.5;
      const ts = t;
      events.push((a) => a.recordCycle(cycleRecord(ts, c, { A: on, B: !on })));
      const pnl = normal(rng);
      events.push((a) => void a.recordFill(c, pnl, ts));
    }
    const full = make();
    for (const e of events) e(full);
    const part = make();
    for (const e of events.slice(0, 500)) e(part);
    const resumed = SignalPnLAttributor.fromState(JSON.parse(JSON.stringify(part.getState())));
    for (const e of events.slice(500)) e(resumed);
    expect(resumed.summary(t)).toEqual(full.summary(t));
    expect(resumed.getState()).toEqual(full.getState());
    // a checkpoint written before the overlap test restores with its fills counted as independent
    const legacy = part.getState() as SignalPnLAttributorStateV2;
    const { overlap: _o, ...rest } = legacy;
    const old = { ...rest, signals: rest.signals.map(({ overlap: _s, ...sig }) => sig) };
    const fromOld = SignalPnLAttributor.fromState(JSON.parse(JSON.stringify(old)));
    const st = fromOld.stats("A")!;
    expect(st.t_stat_overlap).toBeCloseTo(st.t_stat!, 9); // nothing paired yet: Welch exactly
    expect(() => new SignalPnLAttributor({ overlapBandwidthMs: 5000 }).setState(part.getState())).toThrow(
      /overlap\.bandwidthMs/,
    );
  });
});
