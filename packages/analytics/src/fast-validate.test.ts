import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { compileFastCheck, validateRecord } from "./fast-validate.js";
import { fillSchema, predictionSchema, runManifestSchema, STREAM_SCHEMAS } from "./records.js";

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

  it("accepts a valid record and rejects typical corruptions", () => {
    const f = compileFastCheck(predictionSchema)!;
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
  });

  it("never accepts what zod rejects, and zod returns the value unchanged when it accepts (property)", () => {
    const f = compileFastCheck(predictionSchema)!;
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
