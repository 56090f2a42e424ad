import type { SignalAdjustment } from "@mmkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  generateLeadLagPath,
  type LeadLagPath,
  type LeadLagPathConfig,
  localMidAt,
} from "../test/lead-lag-path.js";
import {
  DEFAULT_LEAD_LAG_CONFIG,
  LEAD_LAG_SIGNAL_NAME,
  type LeadLagConfig,
  LeadLagSignal,
} from "./lead-lag.js";

const T0 = 1_700_000_000_000;
const CYCLE_MS = 250;
const H = DEFAULT_LEAD_LAG_CONFIG.horizonMs;

const leadPath = (over: Partial<LeadLagPathConfig> = {}): LeadLagPath =>
  generateLeadLagPath(
    {
      seed: 11,
      durationSec: 1800,
      tickMs: 50,
      sigmaBpsPerSqrtSec: 1,
      lagMs: 1000,
      basisBps: 5,
      localNoiseBps: 0.2,
      jumps: [],
      ...over,
    },
    T0,
  );

interface Cycle {
  tsMs: number;
  adj: SignalAdjustment;
}

/**
 * Feed `path` (updates in time order) and run a cycle (`advance` + `adjustment`) every 250 ms at
 * offset 40 ms; `from`/`to` restrict the update indices (for checkpoint splits).
 */
function run(
  signal: LeadLagSignal,
  path: LeadLagPath,
  onCycle: (c: Cycle) => void = () => {},
  from = 0,
  to = path.updates.length,
  skipRef: (tsMs: number) => boolean = () => false,
): void {
  let nextCycle =
    path.updates[from] === undefined ? 0 : Math.floor(path.updates[from]!.tsMs / CYCLE_MS) * CYCLE_MS + 40;
  for (let i = from; i < to; i++) {
    const u = path.updates[i]!;
    while (nextCycle < u.tsMs) {
      signal.advance(nextCycle);
      onCycle({ tsMs: nextCycle, adj: signal.adjustment(nextCycle) });
      nextCycle += CYCLE_MS;
    }
    if (u.venue === "ref") {
      if (!skipRef(u.tsMs)) signal.onReferenceMid(u.tsMs, u.mid);
    } else {
      signal.onLocalMid(u.tsMs, u.mid);
    }
  }
}

function corr(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe("LeadLagSignal on known-parameter synthetic data", () => {
  it("local lags the reference by 1 s with a +5 bps basis: learns μ ≈ 5, β̂ ≈ 1, acts, and the skew predicts", () => {
    // Reference random walk σ = 1 bps/√s (updates every 50 ms); local = reference 1 s earlier − 5 bps
    // + 0.2 bps noise. Truth: over H = 2 s the local mid moves by the reference's last 1 s move
    // (= d) plus an independent 1 s move, so β = 1 (the noise reverts, which also loads on d).
    // Jumps of the reference (+10 bps at 1200 s, −10 bps at 1500 s) are moves the local venue has not
    // seen yet for 1 s.
    const path = leadPath({
      jumps: [
        { atSec: 1200, bps: 10 },
        { atSec: 1500, bps: -10 },
      ],
    });
    const s = new LeadLagSignal();
    const skews: number[] = [];
    const fwd: number[] = [];
    let warmCycles = 0;
    let activeCycles = 0;
    let firstActiveMs = Number.NaN;
    const afterJump: Record<string, number> = {};
    run(s, path, ({ tsMs, adj }) => {
      expect(adj.name).toBe(LEAD_LAG_SIGNAL_NAME);
      expect(adj.spreadAdjBps).toBe(0);
      expect(adj.kappaMult).toBe(1);
      expect(adj.gammaMult).toBe(1);
      const rel = tsMs - T0;
      for (const [label, at] of [
        ["up+0.3s", 1_200_300],
        ["up+2s", 1_202_000],
        ["down+0.3s", 1_500_300],
      ] as const) {
        if (Math.abs(rel - at) < CYCLE_MS / 2) afterJump[label] = adj.active ? adj.skewAdjBps : Number.NaN;
      }
      if (s.pairs < DEFAULT_LEAD_LAG_CONFIG.minPairs) {
        expect(adj.active).toBe(false);
        return;
      }
      warmCycles++;
      if (!adj.active) return;
      activeCycles++;
      if (Number.isNaN(firstActiveMs)) firstActiveMs = rel;
      if (tsMs + H <= path.t0Ms + path.localMids.length * path.tickMs) {
        skews.push(adj.skewAdjBps);
        fwd.push(Math.log(localMidAt(path, tsMs + H) / localMidAt(path, tsMs)) * 1e4);
      }
    });
    const rate = activeCycles / warmCycles;
    const c = corr(skews, fwd);
    console.log(
      `[lead-lag] lag 1 s, basis +5 bps: mu=${s.basisBps.toFixed(3)} bps beta=${s.beta.toFixed(3)} ` +
        `t=${s.tStat.toFixed(1)} pairs=${s.pairs} first active at ${(firstActiveMs / 1000).toFixed(1)} s, ` +
        `active ${(100 * rate).toFixed(1)}% of warm cycles, corr(skew, next-2s local return)=${c.toFixed(3)} ` +
        `(n=${skews.length}); skew after +10 bps jump: ${afterJump["up+0.3s"]?.toFixed(2)} (0.3 s), ` +
        `${afterJump["up+2s"]?.toFixed(2)} (2 s); after −10 bps: ${afterJump["down+0.3s"]?.toFixed(2)}`,
    );
    expect(Math.abs(s.basisBps - 5)).toBeLessThan(0.5);
    expect(s.beta).toBeGreaterThan(0.7);
    expect(s.beta).toBeLessThan(1.3);
    expect(s.tStat).toBeGreaterThan(10);
    expect(rate).toBeGreaterThan(0.95);
    expect(c).toBeGreaterThan(0.3);
    // The reference jumped up: the local mid has not followed yet → the quotes lean up (and down).
    expect(afterJump["up+0.3s"]).toBeGreaterThan(2);
    expect(afterJump["down+0.3s"]).toBeLessThan(-2);
    // Once the local venue caught up (1 s lag), the pending move is gone.
    expect(Math.abs(afterJump["up+2s"]!)).toBeLessThan(2);
  });

  it("independent venues (no lead): β̂ ≈ 0, not significant → inactive", () => {
    const rates: string[] = [];
    for (const seed of [21, 22, 23]) {
      const path = leadPath({ seed, lagMs: null, localNoiseBps: 0 });
      const s = new LeadLagSignal();
      let warm = 0;
      let active = 0;
      run(s, path, ({ adj }) => {
        if (s.pairs < DEFAULT_LEAD_LAG_CONFIG.minPairs) return;
        warm++;
        if (adj.active) active++;
      });
      rates.push(
        `seed ${seed}: beta_raw=${s.betaRaw.toFixed(4)} t=${s.tStat.toFixed(2)} active ${((100 * active) / warm).toFixed(1)}%`,
      );
      expect(Math.abs(s.betaRaw)).toBeLessThan(0.1);
      expect(s.tStat).toBeLessThan(2);
      expect(active / warm).toBeLessThan(0.1);
      const last = s.adjustment(path.updates[path.updates.length - 1]!.tsMs);
      expect(last.active).toBe(false);
      expect(last.skewAdjBps).toBe(0);
      expect(last.note).toMatch(/^no lead: t=-?\d+\.\d$/);
    }
    console.log(`[lead-lag] independent venues: ${rates.join("; ")}`);
  });

  it("missing, stale and warming-up inputs give an inactive adjustment with a note", () => {
    const s = new LeadLagSignal();
    expect(s.adjustment(T0).note).toBe("no reference");
    s.onReferenceMid(T0, 100);
    expect(s.adjustment(T0).note).toBe("no local mid");
    s.onLocalMid(T0 + 10, 99.95);
    const a = s.adjustment(T0 + 20);
    expect(a.active).toBe(false);
    expect(a.note).toBe("warm-up 0/300");
    expect(s.referenceAgeMs(T0 + 20)).toBe(20);
    expect(new LeadLagSignal().referenceAgeMs(T0)).toBe(Number.POSITIVE_INFINITY);

    // Warm and active on the lead path, then the reference stops updating at 900 s.
    const path = leadPath({ durationSec: 920 });
    const w = new LeadLagSignal();
    const notes = new Map<number, SignalAdjustment>();
    run(
      w,
      path,
      ({ tsMs, adj }) => notes.set(tsMs - T0, adj),
      0,
      path.updates.length,
      (ts) => ts - T0 >= 900_000,
    );
    const before = notes.get(899_790)!;
    expect(before.active).toBe(true);
    expect(before.note).toMatch(/^beta \d\.\d\d t=\d+\.\d$/);
    // Last reference mid at 899.957 s: at 902.790 s it is 2.8 s old (fresh), at 905.290 s 5.3 s.
    expect(notes.get(902_790)!.active).toBe(true);
    const stale = notes.get(905_290)!;
    expect(stale.active).toBe(false);
    expect(stale.skewAdjBps).toBe(0);
    expect(stale.note).toBe("reference stale 5.3 s");
    expect(w.referenceAgeMs(T0 + 905_290)).toBeCloseTo(5333, 6);
    // The local mid going stale is reported the same way.
    expect(w.adjustment(T0 + 930_000).note).toBe("reference stale 30.0 s");
    w.onReferenceMid(T0 + 930_000, path.refMids[path.refMids.length - 1]!);
    expect(w.adjustment(T0 + 930_000).note).toBe("local stale 10.0 s");
  });

  it("stale samples do not train: a reference outage adds no regression pairs", () => {
    const path = leadPath({ durationSec: 200 });
    const s = new LeadLagSignal();
    let pairsAt100 = 0;
    let pairsAt150 = 0;
    run(
      s,
      path,
      ({ tsMs }) => {
        if (tsMs - T0 === 100_040) pairsAt100 = s.pairs;
        if (tsMs - T0 === 150_040) pairsAt150 = s.pairs;
      },
      0,
      path.updates.length,
      (ts) => ts - T0 >= 100_000 && ts - T0 < 150_000,
    );
    // Up to maxReferenceAgeMs (3 s) of samples after the last reference mid are still valid.
    expect(pairsAt150 - pairsAt100).toBeLessThanOrEqual(31);
    expect(s.pairs).toBeGreaterThan(pairsAt150);
  });
});

describe("LeadLagSignal checkpoints", () => {
  it("getState → JSON → setState into a fresh instance continues identically", () => {
    const path = leadPath({ durationSec: 600 });
    const cut = Math.floor(path.updates.length * 0.55);
    const a = new LeadLagSignal();
    run(a, path, () => {}, 0, cut);
    const b = new LeadLagSignal();
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    expect(b.getState()).toEqual(a.getState());
    const outA: SignalAdjustment[] = [];
    const outB: SignalAdjustment[] = [];
    run(a, path, ({ adj }) => outA.push(adj), cut);
    run(b, path, ({ adj }) => outB.push(adj), cut);
    expect(outA.length).toBeGreaterThan(1000);
    expect(outA.some((x) => x.active)).toBe(true);
    expect(outB).toEqual(outA);
    expect(b.getState()).toEqual(a.getState());
    expect(b.beta).toBe(a.beta);
    expect(b.tStat).toBe(a.tStat);
  });

  it("rejects invalid states and states of another horizon", () => {
    const s = new LeadLagSignal();
    expect(() => s.setState({ pairs: -1 })).toThrow(/lead-lag: invalid state/);
    const other = new LeadLagSignal({ horizonMs: 1000 });
    expect(() => s.setState(other.getState())).toThrow(/horizonMs/);
  });

  it("reset() returns to the fresh state", () => {
    const path = leadPath({ durationSec: 60 });
    const s = new LeadLagSignal();
    run(s, path);
    s.reset();
    expect(s.getState()).toEqual(new LeadLagSignal().getState());
  });
});

describe("LeadLagSignal configuration and robustness", () => {
  it("rejects inconsistent configurations", () => {
    expect(() => new LeadLagSignal({ horizonMs: 250 })).toThrow(/multiple of sampleMs/);
    expect(() => new LeadLagSignal({ sampleMs: 0 })).toThrow(/sampleMs/);
    expect(() => new LeadLagSignal({ minBeta: 2, maxBeta: 1 })).toThrow(/minBeta/);
    expect(() => new LeadLagSignal({ maxReferenceAgeMs: 0 })).toThrow(/maxReferenceAgeMs/);
  });

  it("a long gap is skipped without looping over every grid instant", () => {
    const s = new LeadLagSignal();
    s.onReferenceMid(T0, 100);
    s.onLocalMid(T0, 100);
    const t = performance.now();
    s.advance(T0 + 30 * 86_400_000); // 30 days of 100 ms grid instants
    expect(performance.now() - t).toBeLessThan(50);
    expect(s.getState().nextGridMs).toBe(T0 + 30 * 86_400_000 + 100);
  });

  it("property: arbitrary mids / timestamps (gaps, ties, out of order) never give NaN/∞ and |skew| ≤ max", () => {
    // A permissive configuration so that the active branch is reached often.
    const cfg: Partial<LeadLagConfig> = { minPairs: 3, minTStat: 0, horizonMs: 300, maxSkewBps: 2.5 };
    const op = fc.record({
      kind: fc.constantFrom("ref", "local", "cycle"),
      dtMs: fc.oneof(fc.constant(0), fc.integer({ min: -50, max: 400 }), fc.integer({ min: 0, max: 20_000 })),
      mid: fc.oneof(
        fc.double({ min: 1e-6, max: 1e9, noNaN: true }),
        fc.double({ min: 99, max: 101, noNaN: true }),
        fc.constantFrom(0, -1, Number.NaN, Number.POSITIVE_INFINITY),
      ),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const s = new LeadLagSignal(cfg);
        let ts = T0;
        for (const o of ops) {
          ts += o.dtMs;
          if (o.kind === "ref") s.onReferenceMid(ts, o.mid);
          else if (o.kind === "local") s.onLocalMid(ts, o.mid);
          else s.advance(ts);
          const a = s.adjustment(ts);
          for (const v of [a.skewAdjBps, a.rawValue, a.confidence, a.spreadAdjBps]) {
            expect(Number.isFinite(v)).toBe(true);
          }
          expect(Math.abs(a.skewAdjBps)).toBeLessThanOrEqual(2.5);
          expect(a.confidence).toBeGreaterThanOrEqual(0);
          expect(a.confidence).toBeLessThanOrEqual(1);
          for (const v of [s.beta, s.tStat, s.deviationBps, s.basisBps])
            expect(Number.isFinite(v)).toBe(true);
        }
        // The state stays JSON-safe.
        const st = JSON.parse(JSON.stringify(s.getState()));
        const b = new LeadLagSignal(cfg);
        b.setState(st);
        expect(b.adjustment(ts)).toEqual(s.adjustment(ts));
      }),
      { numRuns: 300 },
    );
  });
});
