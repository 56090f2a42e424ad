import { describe, expect, it } from "vitest";
import { SignalPnLAttributor } from "./attribution.js";
import { BrierCalibration } from "./calibration.js";
import { canon, edgeEvents, sharpeEvents, viaJson } from "./checkpoint-test-helpers.js";
import { DrawdownTracker } from "./drawdown.js";
import { EdgeTracker } from "./edge.js";
import { PerSignalSharpeTracker } from "./per-signal-sharpe.js";
import { SeededRandom } from "./prng.js";
import { SharpeTracker, type SharpeTrackerOptions } from "./sharpe.js";
import type { SharpeTrackerState } from "./sharpe-state.js";
import { RunningMoments, RunningRegression } from "./stats.js";

/**
 * Run `events` uninterrupted on one tracker, and on another with a JSON checkpoint after `split`
 * events restored into a fresh instance; the final reports and states must be bit-identical.
 */
function expectResumeExact<T extends { getState(): unknown }>(
  make: () => T,
  restore: (state: ReturnType<T["getState"]>) => T,
  events: ((t: T) => void)[],
  splits: number[],
  report: (t: T) => unknown,
): void {
  const full = make();
  for (const e of events) e(full);
  const want = report(full);
  const wantState = canon(full.getState());
  for (const split of splits) {
    const before = make();
    for (const e of events.slice(0, split)) e(before);
    const resumed = restore(viaJson(before.getState() as ReturnType<T["getState"]>));
    for (const e of events.slice(split)) e(resumed);
    const got = report(resumed);
    expect(got).toEqual(want);
    expect(canon(got)).toBe(canon(want));
    expect(canon(resumed.getState())).toBe(wantState);
  }
}

describe("helper accumulators resume exactly", () => {
  it("RunningMoments and RunningRegression, including non-finite sums", () => {
    const rng = new SeededRandom(7);
    const xs = Array.from({ length: 500 }, () => rng.next() * 10 - 5);
    // push() rejects ±Infinity, so overflow the sums with a huge finite value instead (m2 → ∞).
    const events = xs.map((x, i) => (m: RunningMoments) => m.push(i === 200 ? 1e200 : x));
    expectResumeExact(
      () => new RunningMoments(),
      (s) => RunningMoments.fromState(s),
      events,
      [0, 100, 250, 500],
      (m) => [m.n, m.mean(), m.variance(), m.skew(), m.kurtosisRaw()],
    );
    const reg = xs.map((x, i) => (r: RunningRegression) => r.push(x, 2 * x + xs[(i * 7) % xs.length]!));
    expectResumeExact(
      () => new RunningRegression(),
      (s) => RunningRegression.fromState(s),
      reg,
      [0, 2, 333],
      (r) => [r.n, r.slope()],
    );
  });

  it("DrawdownTracker: an empty tracker's NaN peak survives JSON", () => {
    const state = viaJson(new DrawdownTracker().getState());
    expect(state.peak).toBe("NaN");
    const rng = new SeededRandom(11);
    const events = Array.from({ length: 1_000 }, (_, i) => {
      const eq = 100 + Math.sin(i / 50) * 10 + rng.next();
      return (d: DrawdownTracker) => d.update(i * 1_000, eq);
    });
    expectResumeExact(
      () => new DrawdownTracker(),
      (s) => DrawdownTracker.fromState(s),
      events,
      [0, 1, 437, 1_000],
      (d) => d.state(),
    );
  });
});

describe("SharpeTracker resumes bit-identically", () => {
  const opts: SharpeTrackerOptions = {
    bucketMs: 1_000,
    windows: [
      { label: "1h", secs: 30 },
      { label: "24h", secs: 120 },
    ],
    loMaxLags: 5,
  };
  const events = sharpeEvents(42, 3_000);
  const report = (t: SharpeTracker) => t.summary(1_700_000_000_000 + 4_000_000);

  it("starting-capital basis, ring wrapped many times, setState into a fresh instance", () => {
    expectResumeExact(
      () => new SharpeTracker(opts),
      (s) => {
        const t = new SharpeTracker(opts);
        t.setState(s);
        return t;
      },
      events,
      [0, 1, 3, 777, 2_345, events.length],
      report,
    );
    // sanity: the stream really wrapped the 120-bucket ring and hit out-of-order samples
    const t = new SharpeTracker(opts);
    for (const e of events) e(t);
    expect(t.bucketCount()).toBe(120);
    expect(t.outOfOrder).toBeGreaterThan(0);
    expect(report(t).windows.at(-1)!.n).toBeGreaterThan(1_000);
  });

  it("a checkpoint without the GMM sums (written before them) still loads", () => {
    const strip = (st: SharpeTrackerState): SharpeTrackerState => {
      const { gmm, ...rest } = st as SharpeTrackerState & { gmm?: unknown };
      expect(gmm).toBeDefined();
      return rest as SharpeTrackerState;
    };
    const full = new SharpeTracker(opts);
    for (const e of events) e(full);
    const want = report(full);
    // While the ring holds every return since the start, the sums are rebuilt exactly from it:
    // the rest of the run is bit-identical, GMM fields and written state included.
    const early = events.findIndex((_, i) => {
      const t = new SharpeTracker(opts);
      for (const e of events.slice(0, i)) e(t);
      return t.bucketCount() >= 60 && t.bucketCount() < 120;
    });
    expect(early).toBeGreaterThan(0);
    for (const split of [0, 5, early]) {
      const before = new SharpeTracker(opts);
      for (const e of events.slice(0, split)) e(before);
      const resumed = SharpeTracker.fromState(viaJson(strip(before.getState())));
      for (const e of events.slice(split)) e(resumed);
      expect(canon(report(resumed))).toBe(canon(want));
      expect(canon(resumed.getState())).toBe(canon(full.getState()));
    }
    // Once the "all" window has outgrown the ring they cannot be: its two GMM fields are null for
    // the rest of that run (everything else is identical) and no sums are written.
    const before = new SharpeTracker(opts);
    for (const e of events.slice(0, 2_345)) e(before);
    const resumed = SharpeTracker.fromState(viaJson(strip(before.getState())));
    for (const e of events.slice(2_345)) e(resumed);
    const got = report(resumed);
    const all = want.windows.at(-1)!;
    expect(all.sharpe_se_hac_annualized).not.toBeNull();
    expect(canon(got)).toBe(
      canon({
        ...want,
        windows: [...want.windows.slice(0, -1), { ...all, sharpe_se_hac_annualized: null, psr_hac: null }],
      }),
    );
    expect(canon(resumed.getState())).toBe(canon(strip(full.getState())));
  });

  it("bucket-start-equity basis with default windows, via fromState", () => {
    const o: SharpeTrackerOptions = { returnBasis: "bucket_start_equity", bucketMs: 2_000 };
    expectResumeExact(
      () => new SharpeTracker(o),
      (s) => SharpeTracker.fromState(s),
      sharpeEvents(5, 1_500),
      [0, 900],
      report,
    );
  });
});

describe("PerSignalSharpeTracker resumes bit-identically", () => {
  it("signals registered both before and after the checkpoint", () => {
    const rng = new SeededRandom(99);
    const names = ["Knife", "Vpin", "Ofi", "Funding"];
    const events: ((t: PerSignalSharpeTracker) => void)[] = [];
    let ts = 1_000_000;
    for (let i = 0; i < 2_000; i++) {
      // a late signal registered right at a checkpoint, then a step back in time (out-of-order)
      if (i === 1_000) events.push((t) => t.registerSignal("Late"));
      ts += i === 1_000 ? -400 : Math.floor(rng.next() * 900);
      const t0 = ts;
      // the last signal only appears in the second half
      const active = names.filter((_n, k) => rng.next() < 0.5 && (k < 3 || i > 1_200));
      const pnl = (rng.next() - 0.48) * 4;
      events.push(rng.next() < 0.7 ? (t) => t.recordFill(t0, pnl, active) : (t) => t.advanceTo(t0));
    }
    const opts = {
      capitalBase: 10_000,
      bucketMs: 1_000,
      windows: [{ label: "1h", secs: 60 }],
      loMaxLags: 4,
      maxSignals: 8,
    };
    expectResumeExact(
      () => new PerSignalSharpeTracker(opts),
      (s) => PerSignalSharpeTracker.fromState(s),
      events,
      [0, 500, 1_000, 1_500],
      (t) => t.summaries(ts + 10_000),
    );
  });
});

describe("EdgeTracker resumes bit-identically", () => {
  it("three horizons with missing markouts", () => {
    const events = edgeEvents(3, 1_000);
    expectResumeExact(
      () => new EdgeTracker({ minSamples: 10 }),
      (s) => EdgeTracker.fromState(s),
      events,
      [0, 5, 500],
      (t) => t.report(),
    );
  });
});

describe("SignalPnLAttributor resumes bit-identically", () => {
  it("with cycle eviction, releases, unknown and null cycle ids", () => {
    const rng = new SeededRandom(17);
    const names = ["Knife", "Vpin", "Ofi", "Funding", "Queue"];
    const events: ((a: SignalPnLAttributor) => void)[] = [];
    let cycleId = 0;
    for (let i = 0; i < 3_000; i++) {
      const u = rng.next();
      if (u < 0.4) {
        cycleId += 1;
        const id = cycleId;
        const contributions = names
          .filter(() => rng.next() < 0.8)
          .map((n) => ({
            signal_name: n,
            spread_adjustment_bps: (rng.next() - 0.3) * 3,
            skew_adjustment_bps: (rng.next() - 0.5) * 2,
            was_active: rng.next() < 0.6,
            gating_weight: rng.next(),
            raw_value: rng.next(),
          }));
        const cycle = {
          schema_version: 1,
          ts_ms: i,
          timestamp_ns: i * 1e6,
          cycle_id: id,
          contributions,
          total_spread_mult: 1,
          combined_skew_bps: 0,
        };
        events.push((a) => a.recordCycle(cycle));
      } else if (u < 0.45) {
        const id = cycleId - Math.floor(rng.next() * 5);
        events.push((a) => a.releaseCycle(id));
      } else {
        const id = rng.next() < 0.05 ? null : cycleId - Math.floor(rng.next() * 70);
        const pnl = (rng.next() - 0.45) * 5;
        events.push((a) => void a.recordFill(id, pnl));
      }
    }
    const last = cycleId;
    expectResumeExact(
      () => new SignalPnLAttributor({ maxCycles: 50 }),
      (s) => SignalPnLAttributor.fromState(s),
      events,
      [0, 10, 1_600],
      (a) => ({
        summary: a.summary(123_456),
        evicted: a.evicted,
        retained: a.retainedCycles(),
        active: [last, last - 3, last - 49].map((id) => a.activeSignals(id)),
      }),
    );
  });
});

describe("BrierCalibration resumes bit-identically", () => {
  it("reservoir replacement continues the same seeded stream; bootstrap CI identical", () => {
    const rng = new SeededRandom(23);
    const events = Array.from({ length: 3_000 }, () => {
      const f = rng.next();
      const o = rng.next() < f * 0.9 + 0.05;
      return (c: BrierCalibration) => c.update(f, o);
    });
    const opts = { bins: 10, reservoirSize: 200, seed: 4, minBinCount: 20 };
    expectResumeExact(
      () => new BrierCalibration(opts),
      (s) => {
        const c = new BrierCalibration(opts);
        c.setState(s);
        return c;
      },
      events,
      [0, 150, 200, 1_234],
      (c) => c.report({ nBoot: 200, seed: 9 }),
    );
  });
});
