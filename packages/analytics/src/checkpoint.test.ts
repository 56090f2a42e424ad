import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SignalPnLAttributor, type SignalPnLAttributorState } from "./attribution.js";
import { BrierCalibration } from "./calibration.js";
import type { BrierCalibrationState } from "./calibration-state.js";
import {
  decodeNumber,
  encodeFloat64s,
  encodeNumber,
  encodePacked,
  readFloat64s,
  readPacked,
} from "./checkpoint.js";
import { DrawdownTracker } from "./drawdown.js";
import { EdgeTracker, type EdgeSnapshot, type EdgeTrackerState } from "./edge.js";
import { v1Streams } from "./fixtures/v1-streams.js";
import { PerSignalSharpeTracker, type PerSignalSharpeTrackerState } from "./per-signal-sharpe.js";
import { SeededRandom } from "./prng.js";
import { type SharpeSummary, SharpeTracker, type SharpeTrackerOptions } from "./sharpe.js";
import type { SharpeTrackerState } from "./sharpe-state.js";
import { RunningMoments, RunningRegression } from "./stats.js";

/** What a checkpoint goes through on disk. */
function viaJson<S>(state: S): S {
  return JSON.parse(JSON.stringify(state)) as S;
}

/** Canonical text in which two values are equal iff every number is bit-identical (NaN, ±0 distinct). */
function canon(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) =>
    typeof v === "number" ? (Object.is(v, -0) ? "num:-0" : `num:${String(v)}`) : v,
  );
}

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

function sharpeEvents(seed: number, count: number): ((t: SharpeTracker) => void)[] {
  const rng = new SeededRandom(seed);
  const out: ((t: SharpeTracker) => void)[] = [];
  let ts = 1_700_000_000_000;
  let equity = 10_000;
  for (let i = 0; i < count; i++) {
    const u = rng.next();
    // mostly sub-bucket steps, some multi-bucket gaps, some out-of-order samples
    ts += u < 0.05 ? 15_000 : u < 0.1 ? -700 : Math.floor(rng.next() * 1_500);
    equity += (rng.next() - 0.49) * 3;
    const t0 = ts;
    const e0 = equity;
    out.push((t) => t.update(t0, e0));
    if (rng.next() < 0.3) {
      const pnl = (rng.next() - 0.5) * 2;
      out.push((t) => t.recordFill(pnl));
    }
    if (i % 400 === 399) out.push((t) => void t.summary(t0 + 500));
  }
  out.push((t) => t.advanceTo(ts + 5_000));
  return out;
}

describe("checkpoint number encoding", () => {
  it("round-trips NaN, ±Infinity, −0 and extreme finite doubles through JSON", () => {
    const xs = [Number.NaN, Infinity, -Infinity, -0, 0, 5e-324, Number.MAX_VALUE, 0.1 + 0.2, -123.456e-7];
    const back = viaJson(xs.map(encodeNumber)).map((v, i) => decodeNumber(v, `xs[${i}]`));
    for (let i = 0; i < xs.length; i++) expect(Object.is(back[i], xs[i])).toBe(true);
  });

  it("rejects null (what JSON makes of an unencoded NaN) and junk, naming the field", () => {
    expect(() => decodeNumber(null, "s.x")).toThrow(/s\.x: expected a finite number .* got null/);
    expect(() => decodeNumber("1.5", "s.y")).toThrow(/s\.y/);
  });
});

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

function edgeEvents(seed: number, count: number): ((t: EdgeTracker) => void)[] {
  const rng = new SeededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const pred = rng.next() * 2 - 0.5;
    const snap: EdgeSnapshot = {
      tsMs: i * 100,
      predictedEdgeBps: pred,
      feeBps: -0.2,
      markouts: [1_000, 10_000, 60_000].map((h) => ({
        horizonMs: h,
        realizedEdgeBps: rng.next() < 0.1 ? null : pred - 0.3 + (rng.next() - 0.5) * 4,
      })),
    };
    return (t: EdgeTracker) => t.update(snap);
  });
}

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

describe("malformed checkpoints throw a clear Error and leave the tracker unchanged", () => {
  const opts: SharpeTrackerOptions = { bucketMs: 1_000, windows: [{ label: "1h", secs: 30 }], loMaxLags: 3 };
  const filled = new SharpeTracker(opts);
  for (const e of sharpeEvents(1, 300)) e(filled);
  const good = viaJson(filled.getState());
  const bad = (patch: (s: Record<string, unknown>) => void): SharpeTrackerState => {
    const s = viaJson(good) as unknown as Record<string, unknown>;
    patch(s);
    return s as unknown as SharpeTrackerState;
  };

  it("SharpeTracker: version, types, lengths, capacity, config", () => {
    const t = new SharpeTracker(opts);
    t.update(5, 100);
    const before = canon(t.getState());
    const cases: [SharpeTrackerState, RegExp][] = [
      [
        bad((s) => (s["version"] = 3)),
        /SharpeTracker state\.version: unknown checkpoint format version 3 \(this build reads 1, 2\)/,
      ],
      [bad((s) => (s["endEquity"] = "abc!")), /SharpeTracker state\.endEquity: expected a base64 string/],
      [bad((s) => (s["lastEquity"] = null)), /SharpeTracker state\.lastEquity: expected a finite number/],
      [bad((s) => (s["all"] = undefined)), /SharpeTracker state\.all: expected an object, got undefined/],
      [
        bad((s) => (s["endEquityRuns"] as unknown[]).pop()),
        /endEquityRuns: expected \d+ run lengths, got \d+/,
      ],
      [
        bad((s) => ((s["endEquityRuns"] as unknown[])[0] = 0)),
        /endEquityRuns\[0\]: expected an integer >= 1/,
      ],
      [bad((s) => (s["buckets"] = 31)), /at most 30 buckets \(ring capacity\), got 31/],
      [bad((s) => (s["buckets"] = 29)), /endEquityRuns\[\d+\]: expected an integer >= 1 within 29 buckets/],
      [bad((s) => ((s["config"] as Record<string, unknown>)["bucketMs"] = 500)), /config\.bucketMs/],
      [bad((s) => (s["outOfOrder"] = -1)), /outOfOrder: expected an integer >= 0/],
      [bad((s) => ((s["all"] as Record<string, unknown>)["m2"] = {})), /state\.all\.m2: expected/],
      [bad((s) => (s["firstReturns"] as unknown[]).pop()), /firstReturns: expected min\(all\.n, loMaxLags\)/],
      [bad((s) => (s["gmm"] = 5)), /SharpeTracker state\.gmm: expected an object, got 5/],
      [
        bad((s) => ((s["gmm"] as Record<string, unknown>)["n"] = 3)),
        /state\.gmm\.n: expected all\.n = \d+, got 3/,
      ],
      [
        bad((s) => (s["gmm"] as Record<string, unknown[]>)["p22"]!.pop()),
        /state\.gmm\.p22: expected 3 elements, got 2/,
      ],
      [bad((s) => ((s["gmm"] as Record<string, unknown[]>)["tail"]![0] = null)), /state\.gmm\.tail\[0\]/],
    ];
    for (const [state, msg] of cases) {
      expect(() => t.setState(state)).toThrow(msg);
      expect(canon(t.getState())).toBe(before);
    }
    expect(() => t.setState("nope" as unknown as SharpeTrackerState)).toThrow(/expected an object/);
    expect(() => SharpeTracker.fromState(null as unknown as SharpeTrackerState)).toThrow(/got null/);
  });

  it("other trackers: bounds, duplicates, cross-references, RNG range", () => {
    const edge = new EdgeTracker({ minSamples: 10, maxHorizons: 2 });
    const es = viaJson(new EdgeTracker({ minSamples: 10, maxHorizons: 3 }).getState());
    expect(() => edge.setState(es)).toThrow(/config\.maxHorizons: checkpoint was written with 3/);
    const e3 = new EdgeTracker({ minSamples: 10 });
    for (const ev of edgeEvents(2, 5)) ev(e3);
    const s3 = viaJson(e3.getState());
    s3.horizons[1]!.predicted.n = 99;
    expect(() => EdgeTracker.fromState(s3 as EdgeTrackerState)).toThrow(/horizons\[1\]: .* same n/);

    const a = new SignalPnLAttributor();
    a.recordCycle({
      schema_version: 1,
      ts_ms: 0,
      timestamp_ns: 0,
      cycle_id: 1,
      contributions: [
        {
          signal_name: "K",
          spread_adjustment_bps: 1,
          skew_adjustment_bps: 0,
          was_active: true,
          gating_weight: 1,
          raw_value: 0,
        },
      ],
      total_spread_mult: 1,
      combined_skew_bps: 0,
    });
    const as = viaJson(a.getState());
    as.signals = [];
    expect(() => SignalPnLAttributor.fromState(as)).toThrow(
      /cycles\.layouts\[0\]\[0\]: expected a signal index in \[0, 0\), got 0/,
    );
    const as2 = viaJson(a.getState());
    as2.cycles.entryKinds = Buffer.from([3]).toString("base64");
    expect(() => SignalPnLAttributor.fromState(as2)).toThrow(/cycles\.entryKinds\[0\]: unknown entry kind 3/);
    const as3 = viaJson(a.getState());
    as3.cycles.count = 2;
    expect(() => SignalPnLAttributor.fromState(as3)).toThrow(/cycles\.idDeltas: expected 2 elements, got 1/);
    const as4 = viaJson(a.getState());
    as4.cycles.magnitudes = "";
    expect(() => SignalPnLAttributor.fromState(as4)).toThrow(/cycles\.magnitudes: expected 1 values, got 0/);
    const as5 = { ...viaJson(a.getState()), version: 7 } as unknown as SignalPnLAttributorState;
    expect(() => SignalPnLAttributor.fromState(as5)).toThrow(/version: unknown checkpoint format version 7/);

    const cal = new BrierCalibration({ reservoirSize: 4 });
    for (let i = 0; i < 10; i++) cal.update(i / 10, i % 2 === 0);
    const cs = viaJson(cal.getState());
    cs.reservoir = encodeFloat64s([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(() => BrierCalibration.fromState(cs)).toThrow(/reservoir: expected 4 values, got 5/);
    const cs4: BrierCalibrationState = { ...viaJson(cal.getState()), version: 3 as 2 };
    expect(() => BrierCalibration.fromState(cs4)).toThrow(/version: unknown checkpoint format version 3/);
    const cs2: BrierCalibrationState = viaJson(cal.getState());
    cs2.rng.state = 2 ** 32;
    expect(() => BrierCalibration.fromState(cs2)).toThrow(/rng\.state: expected an unsigned 32-bit/);
    const cs3: BrierCalibrationState = viaJson(cal.getState());
    cs3.binCount = cs3.binCount.slice(1);
    expect(() => BrierCalibration.fromState(cs3)).toThrow(/binCount: expected 10 elements, got 9/);

    const ps = new PerSignalSharpeTracker({ capitalBase: 1_000, bucketMs: 1_000, maxSignals: 2 });
    ps.recordFill(0, 1, ["A", "B"]);
    const pst: PerSignalSharpeTrackerState = viaJson(ps.getState());
    pst.signals[1]!.name = "A";
    expect(() => PerSignalSharpeTracker.fromState(pst)).toThrow(/signals\[1\]\.name: duplicate signal "A"/);
    const pst2: PerSignalSharpeTrackerState = viaJson(ps.getState());
    pst2.signals.push(pst2.signals[0]!);
    expect(() => PerSignalSharpeTracker.fromState(pst2)).toThrow(/signals: at most 2 elements allowed/);
    const other = new PerSignalSharpeTracker({ capitalBase: 2_000, bucketMs: 1_000, maxSignals: 2 });
    expect(() => other.setState(viaJson(ps.getState()))).toThrow(/config\.capitalBase/);
  });
});

describe("version-1 checkpoints (written before the compact format) still restore exactly", () => {
  const fixture = JSON.parse(
    readFileSync(fileURLToPath(new URL("./fixtures/checkpoint-v1.json", import.meta.url)), "utf8"),
  ) as {
    sharpe: SharpeTrackerState;
    perSignal: PerSignalSharpeTrackerState;
    attributor: SignalPnLAttributorState;
    calibration: BrierCalibrationState;
  };
  const streams = v1Streams();

  /**
   * Restore the fixture state, replay the rest; compare with an uninterrupted run (reports and v2
   * state), the uninterrupted one passed through `lacking` (what a resumed run cannot know).
   */
  function expectV1Resume<T extends { getState(): unknown }>(
    state: { version: number },
    stream: { events: ((t: T) => void)[]; split: number },
    make: () => T,
    restore: () => T,
    report: (t: T) => unknown,
    lacking: { report: (r: unknown) => unknown; state: (s: unknown) => unknown } = {
      report: (r) => r,
      state: (s) => s,
    },
  ): void {
    expect(state.version).toBe(1);
    const full = make();
    for (const e of stream.events) e(full);
    const resumed = restore();
    for (const e of stream.events.slice(stream.split)) e(resumed);
    expect(canon(report(resumed))).toBe(canon(lacking.report(report(full))));
    expect(canon(resumed.getState())).toBe(canon(lacking.state(full.getState())));
  }

  it("SharpeTracker, PerSignalSharpeTracker, SignalPnLAttributor, BrierCalibration", () => {
    const s = streams;
    // The fixture predates Lo's GMM sums and its "all" window had outgrown the ring (649 returns,
    // 40 held), so they cannot be rebuilt: the "all" GMM fields stay null and the sums unwritten.
    expect(fixture.sharpe.all.n).toBeGreaterThan(40);
    expectV1Resume(
      fixture.sharpe,
      s.sharpe,
      () => new SharpeTracker(s.sharpe.opts),
      () => SharpeTracker.fromState(viaJson(fixture.sharpe)),
      (t) => t.summary(1_700_000_000_000 + 3_000_000),
      { report: (r) => withoutAllGmm(r as SharpeSummary), state: (st) => withoutGmmSums(st) },
    );
    expectV1Resume(
      fixture.perSignal,
      s.perSignal,
      () => new PerSignalSharpeTracker(s.perSignal.opts),
      () => PerSignalSharpeTracker.fromState(viaJson(fixture.perSignal)),
      (t) => t.summaries(5_000_000),
      {
        report: (r) =>
          Object.fromEntries(
            Object.entries(r as Record<string, SharpeSummary>).map(([k, v]) => [k, withoutAllGmm(v)]),
          ),
        state: (st) => {
          const p = st as PerSignalSharpeTrackerState;
          return { ...p, signals: p.signals.map((x) => ({ ...x, tracker: withoutGmmSums(x.tracker) })) };
        },
      },
    );
    expectV1Resume(
      fixture.attributor,
      s.attributor,
      () => new SignalPnLAttributor(s.attributor.opts),
      () => SignalPnLAttributor.fromState(viaJson(fixture.attributor)),
      (a) => ({
        summary: a.summary(1),
        evicted: a.evicted,
        active: [1, 300, 500].map((id) => a.activeSignals(id)),
      }),
    );
    expectV1Resume(
      fixture.calibration,
      s.calibration,
      () => new BrierCalibration(s.calibration.opts),
      () => BrierCalibration.fromState(viaJson(fixture.calibration)),
      (c) => c.report({ nBoot: 100, seed: 5 }),
    );
  });

  it("malformed version-1 states still throw naming the field", () => {
    const t = new SharpeTracker(streams.sharpe.opts);
    const before = canon(t.getState());
    const bad = (patch: (s: Record<string, unknown>) => void): SharpeTrackerState => {
      const s = viaJson(fixture.sharpe) as unknown as Record<string, unknown>;
      patch(s);
      return s as unknown as SharpeTrackerState;
    };
    const n = (fixture.sharpe as { returns: unknown[] }).returns.length;
    const cases: [SharpeTrackerState, RegExp][] = [
      [bad((s) => ((s["returns"] as unknown[])[0] = "abc")), /SharpeTracker state\.returns\[0\]: expected/],
      [
        bad((s) => (s["endEquity"] as unknown[]).pop()),
        new RegExp(`endEquity: expected ${n} elements, got ${n - 1}`),
      ],
      [bad((s) => (s["returns"] as unknown[]).push(0)), /at most 40 buckets \(ring capacity\), got 41/],
    ];
    for (const [state, msg] of cases) {
      expect(() => t.setState(state)).toThrow(msg);
      expect(canon(t.getState())).toBe(before);
    }
    const a1 = viaJson(fixture.attributor) as unknown as {
      cycles: { active: unknown[] }[];
      signals: unknown[];
    };
    a1.cycles[0]!.active[0] = "yes";
    expect(() => SignalPnLAttributor.fromState(a1 as unknown as SignalPnLAttributorState)).toThrow(
      /cycles\[0\]\.active\[0\]: expected a boolean/,
    );
    const a2 = viaJson(fixture.attributor) as unknown as { signals: unknown[] };
    a2.signals = [];
    expect(() => SignalPnLAttributor.fromState(a2 as unknown as SignalPnLAttributorState)).toThrow(
      /cycles\[0\]\.names: signal ".*" has no entry/,
    );
  });

  it("a version-1 Sharpe ring that does not chain is kept verbatim (written back as version 1)", () => {
    const s = viaJson(fixture.sharpe) as unknown as { startEquity: number[]; version: number };
    s.startEquity[3] = 123.25; // not the previous bucket's end: cannot be rebuilt from end equities
    const t = SharpeTracker.fromState(s as unknown as SharpeTrackerState);
    const st = t.getState();
    expect(st.version).toBe(1);
    expect(canon(SharpeTracker.fromState(viaJson(st)).summary(1_700_000_000_000 + 3_000_000))).toBe(
      canon(t.summary(1_700_000_000_000 + 3_000_000)),
    );
  });
});

describe("compact state encodings", () => {
  it("float64 base64 is bit-exact (NaN, ±Infinity, −0, subnormals) and validated", () => {
    const xs = [Number.NaN, Infinity, -Infinity, -0, 0, 5e-324, Number.MAX_VALUE, 0.1 + 0.2, -123.456e-7];
    const back = readFloat64s({ x: encodeFloat64s(xs) }, "x", "s", xs.length);
    for (let i = 0; i < xs.length; i++) expect(Object.is(back[i], xs[i])).toBe(true);
    expect(() => readFloat64s({ x: "%%%" }, "x", "s")).toThrow(/s\.x: expected a base64 string/);
    expect(() => readFloat64s({ x: "AAAA" }, "x", "s")).toThrow(/s\.x: byte length 3 is not a multiple of 8/);
    expect(() => readFloat64s({ x: encodeFloat64s([1, 2]) }, "x", "s", 3)).toThrow(
      /expected 3 values, got 2/,
    );
    const codes = [0, 1, 2, 3, 2, 1, 0, 3, 3];
    expect([...readPacked({ k: encodePacked(codes, 2) }, "k", "s", 2, codes.length)]).toEqual(codes);
    expect(() => readPacked({ k: encodePacked(codes, 2) }, "k", "s", 2, 20)).toThrow(/expected 20 packed/);
  });

  it("state size is bounded by the retained window, not by the run length", () => {
    // a full 7-day ring of 1-minute buckets: 10 081 doubles in base64 (≈ 108 kB), not 3 × 10 080 decimals
    const sharpe = new SharpeTracker({ capitalBase: 10_000 });
    const rng = new SeededRandom(8);
    let eq = 10_000;
    for (let i = 0; i < 8 * 1_440; i++) {
      eq += rng.next() - 0.5;
      sharpe.update(i * 60_000, eq);
    }
    const sharpeBytes = JSON.stringify(sharpe.getState()).length;
    expect(sharpe.bucketCount()).toBe(10_080);
    expect(sharpeBytes).toBeLessThan(10_081 * 11 + 2_000);
    // 10 000 retained cycles of 5 signals, few non-zero magnitudes: a few bytes per cycle
    const attr = new SignalPnLAttributor();
    const names = ["A", "B", "C", "D", "E"];
    for (let id = 0; id < 30_000; id++) {
      attr.recordCycle({
        ...stampFor(id),
        cycle_id: id,
        contributions: names.map((n, k) => ({
          signal_name: n,
          spread_adjustment_bps: k === 0 && id % 5 === 0 ? rng.next() : 0,
          skew_adjustment_bps: 0,
          was_active: rng.next() < 0.5,
          gating_weight: 1,
          raw_value: 0,
        })),
        total_spread_mult: 1,
        combined_skew_bps: 0,
      });
    }
    expect(attr.retainedCycles()).toBe(10_000);
    expect(JSON.stringify(attr.getState()).length).toBeLessThan(60_000);
    const back = SignalPnLAttributor.fromState(viaJson(attr.getState()));
    for (const id of [20_000, 25_001, 29_999]) expect(back.activeSignals(id)).toEqual(attr.activeSignals(id));
  });

  it("BrierCalibration reservoirSize 0: no bootstrap sample, O(bins) state, same statistics", () => {
    const rng = new SeededRandom(31);
    const full = new BrierCalibration();
    const lean = new BrierCalibration({ reservoirSize: 0 });
    for (let i = 0; i < 30_000; i++) {
      const f = rng.next();
      const o = rng.next() < f;
      full.update(f, o);
      lean.update(f, o);
    }
    const { brierCi: ci, ...rest } = full.report({ nBoot: 50 })!;
    const leanRep = lean.report({ nBoot: 50 })!;
    expect(ci).not.toBeNull();
    expect(leanRep.brierCi).toBeNull();
    expect({ ...leanRep, brierCi: null }).toEqual({ ...rest, brierCi: null });
    expect(JSON.stringify(lean.getState()).length).toBeLessThan(1_500);
    expect(canon(BrierCalibration.fromState(viaJson(lean.getState())).report())).toBe(canon(lean.report()));
    expect(() => new BrierCalibration({ reservoirSize: 1 })).toThrow(/reservoirSize must be 0/);
  });
});

/** A Sharpe summary as a run without the "all" GMM sums reports it: those two fields null. */
function withoutAllGmm(s: SharpeSummary): SharpeSummary {
  const windows = s.windows.map((w) =>
    w.window === "all" ? { ...w, sharpe_se_hac_annualized: null, psr_hac: null } : w,
  );
  const all = windows.at(-1)!;
  const was = s.windows.at(-1)!;
  expect(was.sharpe_se_hac_annualized).not.toBeNull(); // the uninterrupted run had them
  expect(all.window).toBe("all");
  return { ...s, windows };
}

/** A Sharpe state less its GMM sums. */
function withoutGmmSums(st: unknown): unknown {
  const { gmm, ...rest } = st as Record<string, unknown>;
  expect(gmm).toBeDefined();
  return rest;
}

function stampFor(id: number): { schema_version: number; ts_ms: number; timestamp_ns: number } {
  return { schema_version: 1, ts_ms: id, timestamp_ns: id * 1e6 };
}
