import { type EdgeValidationRecord, SCHEMA_VERSION } from "@mmkit/analytics";
import { describe, expect, it } from "vitest";
import { CalibrationSection } from "./calibration.js";

function edge(p: number | undefined, asBps: number | null): EdgeValidationRecord {
  return {
    schema_version: SCHEMA_VERSION,
    ts_ms: 1,
    timestamp_ns: 1e6,
    fill_id: "f",
    cycle_id: 1,
    side: "buy",
    price: 100,
    size: 1,
    predicted_spread_bps: 2,
    realized_spread_bps: 2,
    predicted_as_bps: 0,
    realized_as_bps: asBps,
    fee_bps: 1.5,
    predicted_edge_bps: 0.5,
    realized_edge_bps: asBps === null ? null : 0.5 - asBps,
    gross_edge_bps: null,
    mid_at_placement: null,
    mid_at_fill: 100,
    markout_as_bps: asBps,
    markouts: [],
    ...(p === undefined ? {} : { p_adverse_given_fill: p }),
  };
}

describe("adverse-selection calibration from edge_validation", () => {
  it("scores P(adverse | fill) against realized_as_bps > 0 (hand-computed Brier)", () => {
    const s = new CalibrationSection({ bins: 10, minBinCount: 1 });
    s.addEdge(edge(0.8, 1.2)); // adverse: (0.8 − 1)² = 0.04
    s.addEdge(edge(0.8, -0.5)); // not adverse: 0.8² = 0.64
    s.addEdge(edge(0.2, 0)); // not adverse (0 is not > 0): 0.2² = 0.04
    s.addEdge(edge(0.5, null)); // markout unknown: counted, not scored
    s.addEdge(edge(undefined, 3)); // no prediction: ignored
    const adverse = s.result({ nBoot: 10, seed: 1 }).adverse;
    expect(adverse.n).toBe(3);
    expect(adverse.brier).toBeCloseTo((0.04 + 0.64 + 0.04) / 3, 12);
  });
});
