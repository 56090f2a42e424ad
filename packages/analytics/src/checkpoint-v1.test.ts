import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SignalPnLAttributor, type SignalPnLAttributorState } from "./attribution.js";
import { BrierCalibration } from "./calibration.js";
import type { BrierCalibrationState } from "./calibration-state.js";
import { canon, viaJson } from "./checkpoint-test-helpers.js";
import { v1Streams } from "./fixtures/v1-streams.js";
import { PerSignalSharpeTracker, type PerSignalSharpeTrackerState } from "./per-signal-sharpe.js";
import { type SharpeSummary, SharpeTracker } from "./sharpe.js";
import type { SharpeTrackerState } from "./sharpe-state.js";

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
