import { describe, expect, it } from "vitest";
import { SignalPnLAttributor } from "./attribution.js";
import { BrierCalibration } from "./calibration.js";
import {
  decodeNumber,
  encodeFloat64s,
  encodeNumber,
  encodePacked,
  readFloat64s,
  readPacked,
} from "./checkpoint.js";
import { canon, viaJson } from "./checkpoint-test-helpers.js";
import { SeededRandom } from "./prng.js";
import { SharpeTracker } from "./sharpe.js";
import type { SharpeTrackerState } from "./sharpe-state.js";

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

function stampFor(id: number): { schema_version: number; ts_ms: number; timestamp_ns: number } {
  return { schema_version: 1, ts_ms: id, timestamp_ns: id * 1e6 };
}

describe("a checkpoint taken before any fill", () => {
  const cycle = (id: number) => ({
    ts_ms: 1_700_000_000_000 + id * 100,
    timestamp_ns: (1_700_000_000_000 + id * 100) * 1e6,
    schema_version: 1,
    cycle_id: id,
    contributions: [
      {
        signal_name: "A",
        spread_adjustment_bps: 0.5,
        skew_adjustment_bps: 0,
        was_active: true,
        gating_weight: 1,
        raw_value: 0,
      },
    ],
    total_spread_mult: 1,
    combined_skew_bps: 0,
  });

  it("has no NaN or Infinity tokens (the overlap shift and newest fill time are null) and resumes exactly", () => {
    const attr = new SignalPnLAttributor({ overlapBandwidthMs: 5_000 });
    for (let id = 0; id < 3; id++) attr.recordCycle(cycle(id));
    const text = JSON.stringify(attr.getState());
    expect(text).not.toMatch(/NaN|Infinity/);
    expect(text).toContain('"shift":null');
    expect(text).toContain('"newestTsMs":null');
    // the resumed attributor sets its shift from its first fill, like the uninterrupted one
    const resumed = SignalPnLAttributor.fromState(JSON.parse(text));
    for (const a of [attr, resumed]) {
      a.recordFill(1, 2.5, 1_700_000_000_150);
      a.recordFill(2, -1, 1_700_000_000_260);
    }
    expect(canon(resumed.getState())).toBe(canon(attr.getState()));
    expect(JSON.stringify(attr.getState())).toContain('"shift":2.5');
  });

  it('an older checkpoint\'s "NaN" shift and "-Infinity" newest time still read as not set', () => {
    const attr = new SignalPnLAttributor({ overlapBandwidthMs: 5_000 });
    attr.recordCycle(cycle(0));
    const old = JSON.parse(
      JSON.stringify(attr.getState())
        .replace('"shift":null', '"shift":"NaN"')
        .replace('"newestTsMs":null', '"newestTsMs":"-Infinity"'),
    );
    const resumed = SignalPnLAttributor.fromState(old);
    expect(canon(resumed.getState())).toBe(canon(attr.getState()));
  });
});

describe("a Sharpe checkpoint taken before the first bucket closed", () => {
  const opts = { bucketMs: 1_000, windows: [{ label: "1h", secs: 30 }], loMaxLags: 5 };
  const T0 = 1_700_000_000_000;

  it("writes the empty ring's first start equity as null (no NaN token) and resumes exactly", () => {
    const t = new SharpeTracker(opts);
    t.update(T0, 1_000);
    t.update(T0 + 400, 1_000.5);
    const text = JSON.stringify(t.getState());
    expect(text).not.toMatch(/NaN|Infinity/);
    expect(text).toContain('"firstStartEquity":null');
    const resumed = new SharpeTracker(opts);
    resumed.setState(JSON.parse(text) as SharpeTrackerState);
    for (const x of [t, resumed]) for (let i = 1; i <= 5; i++) x.update(T0 + i * 1_000 + 100, 1_000 + i);
    expect(resumed.bucketCount()).toBeGreaterThan(0);
    expect(canon(resumed.getState())).toBe(canon(t.getState()));
    // an older checkpoint's "NaN" reads the same
    const old = new SharpeTracker(opts);
    old.setState(
      JSON.parse(text.replace('"firstStartEquity":null', '"firstStartEquity":"NaN"')) as SharpeTrackerState,
    );
    expect(canon(old.getState())).toBe(canon(JSON.parse(text)));
  });

  it("refuses a null first start equity once buckets were closed, naming the field", () => {
    const t = new SharpeTracker(opts);
    for (let i = 0; i <= 3; i++) t.update(T0 + i * 1_000, 1_000 + i);
    const state = viaJson(t.getState()) as SharpeTrackerState & { firstStartEquity: unknown };
    expect(state.firstStartEquity).not.toBeNull();
    state.firstStartEquity = null;
    expect(() => new SharpeTracker(opts).setState(state)).toThrow(
      /firstStartEquity: must be set once a bucket was closed/,
    );
  });
});
