import { describe, expect, it } from "vitest";
import { SignalPnLAttributor, type SignalPnLAttributorState } from "./attribution.js";
import { BrierCalibration } from "./calibration.js";
import type { BrierCalibrationState } from "./calibration-state.js";
import { encodeFloat64s } from "./checkpoint.js";
import { canon, edgeEvents, sharpeEvents, viaJson } from "./checkpoint-test-helpers.js";
import { EdgeTracker, type EdgeTrackerState } from "./edge.js";
import { PerSignalSharpeTracker, type PerSignalSharpeTrackerState } from "./per-signal-sharpe.js";
import { SharpeTracker, type SharpeTrackerOptions } from "./sharpe.js";
import type { SharpeTrackerState } from "./sharpe-state.js";

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
