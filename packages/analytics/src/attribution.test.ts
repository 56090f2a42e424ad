import { describe, expect, it } from "vitest";
import { SignalPnLAttributor } from "./attribution.js";
import { PerSignalSharpeTracker } from "./per-signal-sharpe.js";
import { SeededRandom } from "./prng.js";
import { signalContributionsSchema, signalPnlSchema } from "./records.js";
import { type CycleContributions, toSignalContribution } from "./signal-contribution.js";
import { welchTTest } from "./stats.js";

function cycle(id: number, aActive: boolean, aSpreadBps: number): CycleContributions {
  return {
    schema_version: 1,
    ts_ms: id * 100,
    timestamp_ns: id * 1e8,
    cycle_id: id,
    contributions: [
      toSignalContribution({
        name: "A",
        spreadAdjBps: aSpreadBps,
        skewAdjBps: 0,
        active: aActive,
        confidence: 1,
        rawValue: 0,
      }),
      toSignalContribution({
        name: "B",
        spreadAdjBps: 0,
        skewAdjBps: 0,
        active: true,
        confidence: 0.5,
        rawValue: 1,
      }),
    ],
    total_spread_mult: 1,
    combined_skew_bps: 0,
  };
}

describe("SignalPnLAttributor", () => {
  it("credits the cycle that PLACED the order, not the latest", () => {
    const a = new SignalPnLAttributor();
    a.recordCycle(cycle(1, true, 2));
    a.recordCycle(cycle(2, false, 0)); // latest cycle has A inactive
    a.recordFill(1, 5); // placed by cycle 1 → A active
    const s = a.stats("A")!;
    expect(s.n_active).toBe(1);
    expect(s.n_inactive).toBe(0);
    expect(signalContributionsSchema.safeParse(cycle(1, true, 2)).success).toBe(true);
  });

  it("active vs inactive means and Welch test (hand values)", () => {
    // A active: pnl [1,2,3,4,5] (mean 3, var 2.5); inactive: [2,4,6,8] (mean 5, var 20/3)
    // marginal = 3 − 5 = −2; Welch t = −1.3587324, df = 4.7494145 (see stats.test.ts)
    const a = new SignalPnLAttributor();
    let id = 0;
    for (const p of [1, 2, 3, 4, 5]) {
      a.recordCycle(cycle(++id, true, 1));
      a.recordFill(id, p);
    }
    for (const p of [2, 4, 6, 8]) {
      a.recordCycle(cycle(++id, false, 0));
      a.recordFill(id, p);
    }
    const s = a.stats("A")!;
    expect(s.active_pnl_bps).toBeCloseTo(3, 12);
    expect(s.inactive_pnl_bps).toBeCloseTo(5, 12);
    expect(s.marginal_value_bps).toBeCloseTo(-2, 12);
    expect(s.t_stat).toBeCloseTo(-1.3587324, 6);
    expect(s.df).toBeCloseTo(4.7494145, 6);
    expect(s.p_value).toBeCloseTo(welchTTest(5, 3, 2.5, 4, 5, 20 / 3)!.p, 12);
    // B was active in every cycle: no inactive group → no test (null, not 0)
    const b = a.stats("B")!;
    expect(b.n_inactive).toBe(0);
    expect(b.marginal_value_bps).toBeNull();
    expect(b.p_value).toBeNull();
    const rec = a.summary(1000);
    expect(signalPnlSchema.safeParse(rec).success).toBe(true);
    expect(rec.n_fills).toBe(9);
  });

  it("regression slope recovers a known bps-per-bps effect", () => {
    // pnl = 0.5 + 2·|spread adj| exactly → slope 2
    const a = new SignalPnLAttributor();
    for (let i = 0; i < 20; i++) {
      const adj = (i % 5) * 0.5;
      a.recordCycle(cycle(i, true, adj));
      a.recordFill(i, 0.5 + 2 * adj);
    }
    expect(a.stats("A")!.slope_bps_per_bps).toBeCloseTo(2, 9);
  });

  it("the slope's regression counts fills of inactive cycles at magnitude 0", () => {
    // points (|adj|, pnl): (2, 4), (0, 1) inactive, (1, 2) → x̄ 1, ȳ 7/3, Sxy 3, Sxx 2: slope 1.5
    // (without the inactive fill it would be 2)
    const a = new SignalPnLAttributor();
    a.recordCycle(cycle(1, true, 2));
    a.recordCycle(cycle(2, false, 0));
    a.recordCycle(cycle(3, true, 1));
    a.recordFill(1, 4);
    a.recordFill(2, 1);
    a.recordFill(3, 2);
    expect(a.stats("A")!.slope_bps_per_bps).toBeCloseTo(1.5, 12);
    expect(a.stats("A")!.slope_n).toBe(3);
  });

  it("bounded memory: old cycles are evicted, fills for them are unattributed", () => {
    const a = new SignalPnLAttributor({ maxCycles: 100 });
    for (let i = 0; i < 1000; i++) a.recordCycle(cycle(i, true, 1));
    expect(a.retainedCycles()).toBe(100);
    expect(a.evicted).toBe(900);
    expect(a.recordFill(5, 1)).toBe(false);
    expect(a.recordFill(999, 1)).toBe(true);
    a.releaseCycle(999);
    expect(a.retainedCycles()).toBe(99);
    const s = a.summary(0);
    expect(s.n_unattributed).toBe(1);
    expect(s.n_attributed).toBe(1);
  });
});

describe("PerSignalSharpeTracker", () => {
  it("tracks the PnL of cycles where each signal was active, with time passing for all", () => {
    // capital 1000; A gets +10 in minute 0 and +10 in minute 2; B gets +10 in minute 0 only.
    const p = new PerSignalSharpeTracker({ capitalBase: 1000 });
    p.recordFill(0, 10, ["A", "B"]);
    p.recordFill(120_000, 10, ["A"]);
    const all = p.summaries(180_000);
    const a1h = all["A"]!.windows.find((w) => w.window === "1h")!;
    const b1h = all["B"]!.windows.find((w) => w.window === "1h")!;
    // every signal starts at equity 1000 at the first event (t=0);
    // A buckets: b0 1000→1010 (+100 bps), b1 0 (no fills: time passes), b2 +100 bps → mean 200/3
    expect(a1h.n).toBe(3);
    expect(a1h.mean_return_bps).toBeCloseTo(200 / 3, 9);
    // B: b0 +100 bps, then two zero buckets → mean 100/3
    expect(b1h.n).toBe(3);
    expect(b1h.mean_return_bps).toBeCloseTo(100 / 3, 9);
    expect(all["A"]!.scope).toBe("signal");
    expect(all["A"]!.signal_name).toBe("A");
    expect(all["A"]!.count).toBe(2);
  });
});

describe("SignalPnLAttributor eviction order", () => {
  it("matches a Map in insertion order (re-recorded cycles move to the back, releases, long runs)", () => {
    const rng = new SeededRandom(77);
    const maxCycles = 64;
    const a = new SignalPnLAttributor({ maxCycles });
    const ref = new Map<number, boolean>(); // cycle id → its single signal's activity
    let refEvicted = 0;
    for (let i = 0; i < 60_000; i++) {
      const u = rng.next();
      const id = Math.floor(rng.next() * (i < 30_000 ? 200 : 100_000));
      if (u < 0.6 || (i > 40_000 && i < 50_000)) {
        const active = rng.next() < 0.5;
        a.recordCycle({
          schema_version: 1,
          ts_ms: i,
          timestamp_ns: i * 1e6,
          cycle_id: id,
          contributions: [
            {
              signal_name: "S",
              spread_adjustment_bps: 1,
              skew_adjustment_bps: 0,
              was_active: active,
              gating_weight: 1,
              raw_value: 0,
            },
          ],
          total_spread_mult: 1,
          combined_skew_bps: 0,
        });
        ref.delete(id);
        ref.set(id, active);
        while (ref.size > maxCycles) {
          ref.delete(ref.keys().next().value as number);
          refEvicted++;
        }
      } else {
        a.releaseCycle(id);
        ref.delete(id);
      }
      if (i % 997 === 0) {
        expect(a.retainedCycles()).toBe(ref.size);
        expect(a.evicted).toBe(refEvicted);
        for (const [k, act] of ref) expect(a.activeSignals(k)).toEqual(act ? ["S"] : []);
      }
    }
    expect(a.evicted).toBe(refEvicted);
    expect(refEvicted).toBeGreaterThan(10_000);
  });
});
