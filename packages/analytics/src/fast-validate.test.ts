import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { compileFastCheck, compileFastCheckNoCodegen, validateRecord } from "./fast-validate.js";
import {
  fillSchema,
  predictionSchema,
  runManifestSchema,
  STREAM_SCHEMAS,
  signalPnlSchema,
} from "./records.js";

const validPrediction = {
  schema_version: 1,
  ts_ms: 1,
  timestamp_ns: 1e6,
  cycle_id: 3,
  level: 0,
  side: "buy",
  price: 100,
  size: 1,
  depth_from_mid_bps: 2,
  fill_model: "queue",
  horizons: [{ horizon_ms: 1000, p_fill: 0.3, filled: null, censored: true }],
  censored: true,
};

describe("compileFastCheck", () => {
  it("compiles every stream schema and the manifest (no silent fallback to zod)", () => {
    for (const [name, schema] of Object.entries(STREAM_SCHEMAS)) {
      expect(compileFastCheck(schema), name).not.toBeNull();
    }
    expect(compileFastCheck(runManifestSchema)).not.toBeNull();
  });

  it("returns null for unsupported schema features", () => {
    expect(compileFastCheck(z.string().email())).toBeNull();
    expect(compileFastCheck(z.number().transform((x) => x * 2))).toBeNull();
  });

  it.each([
    ["generated", compileFastCheck],
    ["closure", compileFastCheckNoCodegen],
  ])("%s checker accepts a valid record and rejects typical corruptions", (_, compileIt) => {
    const f = compileIt(predictionSchema)!;
    expect(f(validPrediction)).toBe(true);
    expect(f({ ...validPrediction, side: "up" })).toBe(false);
    expect(f({ ...validPrediction, cycle_id: 1.5 })).toBe(false);
    expect(f({ ...validPrediction, cycle_id: -1 })).toBe(false);
    expect(
      f({ ...validPrediction, horizons: [{ horizon_ms: 1, p_fill: 1.2, filled: true, censored: false }] }),
    ).toBe(false);
    expect(f({ ...validPrediction, extra: 1 })).toBe(false); // zod would strip it: defer to zod
    expect(validateRecord(predictionSchema, { ...validPrediction, extra: 1 })).toEqual({
      success: true,
      data: validPrediction,
    });
    // records (z.record) and catchall objects
    const pnl = compileIt(signalPnlSchema)!;
    const stats = {
      active_pnl_bps: 1,
      inactive_pnl_bps: null,
      marginal_value_bps: null,
      n_active: 2,
      n_inactive: 0,
      t_stat: null,
      df: null,
      p_value: null,
      slope_bps_per_bps: null,
      slope_se: null,
      slope_n: 0,
    };
    const rec = {
      schema_version: 1,
      ts_ms: 0,
      timestamp_ns: 0,
      n_fills: 2,
      n_attributed: 2,
      n_unattributed: 0,
    };
    expect(pnl({ ...rec, signals: { A: stats } })).toBe(true);
    expect(pnl({ ...rec, signals: { A: { ...stats, n_active: -1 } } })).toBe(false);
    const man = compileIt(runManifestSchema)!;
    const m = {
      schema_version: 1,
      run_id: "r",
      started_ts_ms: 0,
      ended_ts_ms: null,
      seed: null,
      source: { kind: "replay", path: "/x" },
      fill_model: "q",
      config: {},
      versions: {},
    };
    expect(man(m)).toBe(true);
    expect(man({ ...m, source: { path: "/x" } })).toBe(false);
  });

  it("never accepts what zod rejects, and zod returns the value unchanged when it accepts (property)", () => {
    const f = compileFastCheck(predictionSchema)!;
    const g = compileFastCheckNoCodegen(predictionSchema)!;
    const keys = Object.keys(validPrediction);
    const junk = fc.oneof(
      fc.constant(null),
      fc.integer(),
      fc.double(),
      fc.string(),
      fc.boolean(),
      fc.constant([]),
      fc.constant({}),
    );
    fc.assert(
      fc.property(fc.constantFrom(...keys), junk, fc.boolean(), (key, value, drop) => {
        const v: Record<string, unknown> = { ...validPrediction };
        if (drop) delete v[key];
        else v[key] = value;
        const z1 = predictionSchema.safeParse(v);
        expect(g(v)).toBe(f(v)); // generated code and closure tree agree
        if (f(v)) {
          expect(z1.success).toBe(true);
          expect(z1.data).toEqual(v);
        }
      }),
      { seed: 42, numRuns: 500 },
    );
    const ff = compileFastCheck(fillSchema)!;
    expect(ff({})).toBe(false);
  });
});
