import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SharpeTrackerStateV2 } from "./sharpe-state.js";
import { SharpeTracker, type SharpeTrackerOptions } from "./sharpe.js";
import { RunningMoments } from "./stats.js";

const BUCKET = 60_000;

/** |a − b| ≤ rel·max(|a|, |b|) (both null/NaN/equal also pass); the "all" moments' rounding budget. */
function close(a: unknown, b: unknown, rel: number, path: string): void {
  if (typeof a === "number" && typeof b === "number") {
    if (Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b))) return;
    const scale = Math.max(Math.abs(a), Math.abs(b));
    if (!(Math.abs(a - b) <= rel * scale)) throw new Error(`${path}: ${a} vs ${b} (rel ${rel})`);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    expect(a.length, path).toBe(b.length);
    for (let i = 0; i < a.length; i++) close(a[i], b[i], rel, `${path}[${i}]`);
    return;
  }
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a).sort();
    expect(ka, path).toEqual(Object.keys(b).sort());
    for (const k of ka)
      close((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], rel, `${path}.${k}`);
    return;
  }
  expect(a, path).toEqual(b);
}

/** Sample plan: equity samples before a gap, the gap in empty buckets, samples after it. */
interface Plan {
  opts: SharpeTrackerOptions;
  /** A second sample in the first bucket (a non-zero first return), or null. */
  intra: number | null;
  before: number[];
  gapBuckets: number;
  after: number[];
}

/**
 * Feed a plan. `fillGap` adds one sample repeating the last equity in every empty bucket of the gap:
 * the same run as far as the tracker's definition goes (a bucket without a sample is a zero return),
 * so it closes every bucket through the ordinary one-bucket path, whatever advanceTo does with gaps.
 */
function feed(p: Plan, fillGap: boolean): { t: SharpeTracker; endMs: number } {
  const t = new SharpeTracker(p.opts);
  let ts = 1_700_000_000_000;
  let eq = 0;
  for (const [i, e] of p.before.entries()) {
    t.update(ts, e);
    eq = e;
    if (i === 0 && p.intra !== null) {
      t.update(ts + BUCKET / 3, p.intra);
      eq = p.intra;
    }
    ts += BUCKET;
  }
  const last = ts - BUCKET;
  for (let k = 1; k <= p.gapBuckets; k++) if (fillGap) t.update(last + k * BUCKET, eq);
  ts = last + (p.gapBuckets + 1) * BUCKET;
  for (const e of p.after) {
    t.update(ts, e);
    ts += BUCKET;
  }
  return { t, endMs: ts };
}

const planArb: fc.Arbitrary<Plan> = fc.record({
  opts: fc.record({
    // small windows (2–6 buckets) so short gaps run past the ring and exercise the bulk path
    windows: fc.constantFrom(
      [{ label: "2m", secs: 120 }],
      [
        { label: "3m", secs: 180 },
        { label: "5m", secs: 300 },
      ],
      [{ label: "6m", secs: 360 }],
    ),
    loMaxLags: fc.integer({ min: 1, max: 8 }),
    returnBasis: fc.constantFrom("starting_capital" as const, "bucket_start_equity" as const),
  }),
  intra: fc.option(fc.double({ min: 900, max: 1100, noNaN: true })),
  before: fc.array(fc.double({ min: 900, max: 1100, noNaN: true }), { minLength: 1, maxLength: 12 }),
  gapBuckets: fc.integer({ min: 0, max: 60 }),
  after: fc.array(fc.double({ min: 900, max: 1100, noNaN: true }), { minLength: 0, maxLength: 12 }),
});

describe("SharpeTracker — a gap of empty buckets", () => {
  it("closed in bulk equals closing it bucket by bucket (property, seeded)", () => {
    fc.assert(
      fc.property(planArb, (p) => {
        const bulk = feed(p, false);
        const one = feed(p, true);
        const endMs = Math.max(bulk.endMs, one.endMs) + 3 * BUCKET;
        // summary() first closes every bucket up to endMs (the gap too when no sample follows it)
        close(bulk.t.summary(endMs), one.t.summary(endMs), 1e-12, "summary");
        // Everything but the "all" moments and GMM sums is bit-identical: ring, lag products, sums, drawdown.
        const sb = bulk.t.getState() as SharpeTrackerStateV2;
        const so = one.t.getState() as SharpeTrackerStateV2;
        const { all: allB, gmm: gmmB, ...restB } = sb;
        const { all: allO, gmm: gmmO, ...restO } = so;
        expect(restB).toEqual(restO);
        expect(allB.n).toBe(allO.n);
        // The moments are merged in closed form: equal up to rounding (≤ 60 pushes ≈ 1e−14 relative).
        close(allB, allO, 1e-12, "all");
        // So are the GMM sums (count·x^k for a run of x = 0 − shift); their counts and kept returns exactly.
        expect([gmmB!.n, gmmB!.shift, gmmB!.head, gmmB!.tail]).toEqual([
          gmmO!.n,
          gmmO!.shift,
          gmmO!.head,
          gmmO!.tail,
        ]);
        close(gmmB, gmmO, 1e-12, "gmm");
      }),
      { seed: 20_261_127, numRuns: 300 },
    );
  });

  it("a 1e15 ms gap (µs mistaken for ms) returns in well under a second", () => {
    const t = new SharpeTracker();
    const t0 = 1_700_000_000_000;
    t.update(t0, 100);
    t.update(t0 + 30_000, 100.5);
    const start = performance.now();
    t.update(t0 + 1e15, 101);
    const s = t.summary(t0 + 1e15 + BUCKET);
    const ms = performance.now() - start;
    expect(ms).toBeLessThan(500);
    const all = s.windows.find((w) => w.window === "all")!;
    // 1e15 / 60 000 buckets (+ the first and last): one +0.5 % bucket, the rest zero, the +0.5 at the end
    expect(all.n).toBe(Math.floor((t0 + 1e15 + BUCKET) / BUCKET) - Math.floor(t0 / BUCKET));
    expect(all.mean_return_bps! * all.n).toBeCloseTo(100, 6); // Σ returns = (101 − 100)/100 = 100 bps
    // the rolling windows hold the last 10 080 buckets: zero returns then the +0.5 bucket's close
    expect(s.windows.find((w) => w.window === "7d")!.n).toBe(10_080);
  });
});

describe("RunningMoments.pushRepeated", () => {
  it("equals pushing the value count times and a two-pass recomputation (property, seeded)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 0, maxLength: 20 }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.integer({ min: 0, max: 200 }),
        (xs, x, count) => {
          const a = new RunningMoments();
          const b = new RunningMoments();
          for (const v of xs) {
            a.push(v);
            b.push(v);
          }
          a.pushRepeated(x, count);
          for (let k = 0; k < count; k++) b.push(x);
          expect(a.n).toBe(b.n);
          const all = [...xs, ...Array<number>(count).fill(x)];
          if (all.length === 0) return;
          const mean = all.reduce((s, v) => s + v, 0) / all.length;
          const m2 = all.reduce((s, v) => s + (v - mean) ** 2, 0);
          const scale = Math.max(1, Math.abs(mean));
          expect(Math.abs(a.mean()! - mean)).toBeLessThan(1e-12 * scale);
          expect(Math.abs(a.m2Sum() - m2)).toBeLessThan(1e-9 * Math.max(1, m2));
          if (m2 > 1e-6 && all.length >= 4) {
            expect(Math.abs(a.skew()! - b.skew()!)).toBeLessThan(1e-9 * Math.max(1, Math.abs(b.skew()!)));
            expect(a.kurtosisRaw()! / b.kurtosisRaw()!).toBeCloseTo(1, 9);
          }
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });

  it("rejects a negative or fractional count, naming it", () => {
    const m = new RunningMoments();
    expect(() => m.pushRepeated(0, -1)).toThrow(/count must be an integer >= 0, got -1/);
    expect(() => m.pushRepeated(0, 1.5)).toThrow(/got 1.5/);
  });
});
