import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  SignalPnLAttributor,
  type SignalPnLAttributorState,
  type SignalPnLAttributorStateV1,
  type SignalPnLAttributorStateV2,
} from "./attribution.js";
import { canon, viaJson } from "./checkpoint-test-helpers.js";
import type { CycleContributions } from "./signal-contribution.js";

/** A cycle in which signal K widened the spread by `bps` (0: K inactive). */
function cycle(id: number, bps: number): CycleContributions {
  return {
    schema_version: 1,
    ts_ms: 0,
    timestamp_ns: 0,
    cycle_id: id,
    contributions: [
      {
        signal_name: "K",
        spread_adjustment_bps: bps,
        skew_adjustment_bps: 0,
        was_active: bps !== 0,
        gating_weight: 1,
        raw_value: 0,
      },
    ],
    total_spread_mult: 1,
    combined_skew_bps: 0,
  };
}

const v1Fixture = (): SignalPnLAttributorStateV1 =>
  (
    JSON.parse(
      readFileSync(fileURLToPath(new URL("./fixtures/checkpoint-v1.json", import.meta.url)), "utf8"),
    ) as { attributor: SignalPnLAttributorStateV1 }
  ).attributor;

describe("SignalPnLAttributor checkpoints", () => {
  it("cycle ids that are not integers restore as written, and fills still find their cycle", () => {
    const a = new SignalPnLAttributor({ maxCycles: 10 });
    a.recordCycle(cycle(1.5, 2));
    a.recordCycle(cycle(2.25, 0));
    const s = viaJson(a.getState()) as SignalPnLAttributorStateV2;
    const b = SignalPnLAttributor.fromState(s);
    expect(canon(b.getState())).toBe(canon(s));
    expect(b.recordFill(1.5, 3)).toBe(true);
    expect(b.recordFill(2.25, 1)).toBe(true);
    expect(b.recordFill(2, 1)).toBe(false);
  });

  it("a version-2 state holding more cycles than its maxCycles, or ids beyond its count, is refused", () => {
    const a = new SignalPnLAttributor({ maxCycles: 3 });
    for (const id of [1, 2, 3]) a.recordCycle(cycle(id, id));
    const good = viaJson(a.getState()) as SignalPnLAttributorStateV2;
    expect(good.cycles.count).toBe(3);
    expect(good.cycles.idDeltas).toEqual([1, 1, 1]);
    expect(() => SignalPnLAttributor.fromState(good)).not.toThrow();
    const over = { ...good, config: { maxCycles: 2 } };
    expect(() => SignalPnLAttributor.fromState(over)).toThrow(
      "SignalPnLAttributor state.cycles.count: at most 2 cycles (maxCycles), got 3",
    );
    const moreIds = { ...good, cycles: { ...good.cycles, idDeltas: [1, 1, 1, 1] } };
    expect(() => SignalPnLAttributor.fromState(moreIds)).toThrow(
      "SignalPnLAttributor state.cycles.idDeltas: expected 3 elements, got 4",
    );
  });

  it("a version-2 state's cycle table: layouts that exist, runs covering every cycle, distinct ids, magnitudes >= 0", () => {
    const a = new SignalPnLAttributor({ maxCycles: 3 });
    for (const id of [1, 2, 3]) a.recordCycle(cycle(id, id));
    const good = viaJson(a.getState()) as SignalPnLAttributorStateV2;
    // one layout (signal K) for all three cycles, each with a value: 1, 2 and 3 bps
    expect(good.cycles.layouts).toEqual([[0]]);
    expect(good.cycles.layoutRuns).toEqual([0, 3]);
    const bad = (c: Partial<SignalPnLAttributorStateV2["cycles"]>): SignalPnLAttributorStateV2 => ({
      ...good,
      cycles: { ...good.cycles, ...c },
    });
    const at = "SignalPnLAttributor state.cycles";
    expect(() => SignalPnLAttributor.fromState(bad({ layoutRuns: [1, 3] }))).toThrow(
      `${at}.layoutRuns[0]: expected a layout index, got 1`,
    );
    expect(() => SignalPnLAttributor.fromState(bad({ layoutRuns: [0, 2] }))).toThrow(
      `${at}.layoutRuns: runs cover 2 cycles, expected 3`,
    );
    expect(() => SignalPnLAttributor.fromState(bad({ idDeltas: [1, 0, 1] }))).toThrow(
      `${at}: duplicate cycle 1`,
    );
    expect(() =>
      SignalPnLAttributor.fromState(
        bad({ magnitudes: Buffer.from(new Float64Array([1, -2, 3]).buffer).toString("base64") }),
      ),
    ).toThrow(`${at}.magnitudes[1]: expected >= 0, got -2`);
  });

  it("a version-1 state's cycles: no duplicate id, active magnitudes >= 0, inactive ones exactly 0", () => {
    const v1 = v1Fixture();
    expect(v1.version).toBe(1);
    expect(() => SignalPnLAttributor.fromState(v1)).not.toThrow();
    const first = v1.cycles[0]!;
    // the fixture's first cycle: K active, V inactive, O and F active
    expect(first.active).toEqual([true, false, true, true]);
    const withCycles = (cycles: SignalPnLAttributorStateV1["cycles"]): SignalPnLAttributorState => ({
      ...v1,
      cycles,
    });
    const at = "SignalPnLAttributor state.cycles[1]";
    expect(() => SignalPnLAttributor.fromState(withCycles([first, first, ...v1.cycles.slice(2)]))).toThrow(
      `${at}.cycleId: duplicate cycle ${String(first.cycleId)}`,
    );
    const negative = { ...first, cycleId: -1, magnitudeBps: [-0.5, 0, 1, 1] };
    expect(() => SignalPnLAttributor.fromState(withCycles([v1.cycles[1]!, negative]))).toThrow(
      `${at}.magnitudeBps[0]: expected a magnitude >= 0, got -0.5`,
    );
    const inactive = { ...first, cycleId: -1, magnitudeBps: [1, 0.25, 1, 1] };
    expect(() => SignalPnLAttributor.fromState(withCycles([v1.cycles[1]!, inactive]))).toThrow(
      `${at}.magnitudeBps[1]: an inactive signal's magnitude must be 0, got 0.25`,
    );
  });
});
