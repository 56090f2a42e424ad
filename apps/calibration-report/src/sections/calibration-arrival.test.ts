import { type PredictionRecord, SCHEMA_VERSION } from "@mmkit/analytics";
import { describe, expect, it } from "vitest";
import { CalibrationSection } from "./calibration.js";

function prediction(
  model: "exponential" | "empirical" | undefined,
  p: number,
  filled: boolean | null,
): PredictionRecord {
  return {
    schema_version: SCHEMA_VERSION,
    ts_ms: 1,
    timestamp_ns: 1e6,
    cycle_id: 1,
    level: 0,
    side: "buy",
    price: 100,
    size: 1,
    depth_from_mid_bps: 2,
    fill_model: "queue",
    ...(model === undefined ? {} : { arrival_model: model }),
    horizons: [{ horizon_ms: 5000, p_fill: p, filled, censored: filled === null }],
    censored: filled === null,
  };
}

describe("fill calibration by arrival model", () => {
  it("scores each arrival model apart when the predictions use more than one (hand-computed Brier)", () => {
    const s = new CalibrationSection({ bins: 10, minBinCount: 1 });
    s.add(prediction("exponential", 0.7, true)); // 0.09
    s.add(prediction("exponential", 0.4, false)); // 0.16
    s.add(prediction("empirical", 0.2, true)); // 0.64
    s.add(prediction("empirical", 0.1, false)); // 0.01
    s.add(prediction("empirical", 0.3, null)); // censored: not scored
    s.add(prediction(undefined, 0.5, true)); // an older file's line: overall only
    const r = s.result({ nBoot: 10, seed: 1 });
    expect(r.fill[0]!.n).toBe(5);
    expect(r.byArrivalModel.map((c) => c.label)).toEqual([
      "fill@5000ms/empirical",
      "fill@5000ms/exponential",
    ]);
    const [emp, exp] = r.byArrivalModel;
    expect(emp!.n).toBe(2);
    expect(emp!.brier).toBeCloseTo((0.64 + 0.01) / 2, 12);
    expect(exp!.n).toBe(2);
    expect(exp!.brier).toBeCloseTo((0.09 + 0.16) / 2, 12);
  });

  it("adds nothing when every prediction uses one model (or none says)", () => {
    const s = new CalibrationSection({ bins: 10, minBinCount: 1 });
    s.add(prediction("exponential", 0.7, true));
    s.add(prediction(undefined, 0.4, false));
    expect(s.result({ nBoot: 10, seed: 1 }).byArrivalModel).toEqual([]);
  });
});
