import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SharpeTrackerState } from "./sharpe-state.js";
import { SharpeTracker, type SharpeTrackerOptions } from "./sharpe.js";

const BUCKET = 60_000;
/** A bucket boundary (1 700 000 040 000 = 28 333 334 · 60 000). */
const T0 = 1_700_000_040_000;

/** Samples as [offset from T0 in ms, equity]. */
type Samples = [number, number][];

function feed(t: SharpeTracker, samples: Samples, shiftMs = 0): void {
  for (const [dt, eq] of samples) t.update(T0 + dt + shiftMs, eq);
}

describe("SharpeTracker.pause — unobserved time is left out, not counted flat", () => {
  it("hand example: the gap's move lands in the first bucket after it, its whole buckets are skipped", () => {
    const t = new SharpeTracker({ capitalBase: 1000 });
    // bucket 0 ends at 1000 (its start), bucket 1 at 1001, bucket 2 holds 1003 at 130 s
    feed(t, [
      [0, 1000],
      [61_000, 1001],
      [130_000, 1003],
    ]);
    t.pause(T0 + 135_000); // data stops in bucket 2
    // 20 minutes later nothing was closed: time stands still while paused
    const during = t.summary(T0 + 1_335_000);
    expect(during.windows.find((w) => w.window === "all")!.n).toBe(2);
    expect(t.pausedAtMs()).toBe(T0 + 135_000);
    // resumed in bucket 22 at 1010, then bucket 23 at 1011; summary at 24 closes 22 and 23
    feed(t, [
      [1_330_000, 1010],
      [1_400_000, 1011],
    ]);
    expect(t.pausedAtMs()).toBeNull();
    const s = t.summary(T0 + 24 * BUCKET);
    // returns: b0 = 0, b1 = 1/1000, b2 = 2/1000 (closed on resuming), b22 = 7/1000 (1003 → 1010), b23 = 1/1000
    expect(Array.from(t.lastReturns(5))).toEqual([0, 0.001, 0.002, 0.007, 0.001]);
    expect(s.unobserved_buckets).toBe(19); // buckets 3..21
    const all = s.windows.find((w) => w.window === "all")!;
    expect(all.n).toBe(5);
    // Σ returns · capital = the PnL, gap included
    expect(all.mean_return_bps! * all.n).toBeCloseTo(110, 9);
  });

  it("equals the same samples with the gap's whole buckets cut out of time (property, seeded)", () => {
    const eq = fc.double({ min: 900, max: 1100, noNaN: true });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 59_999 }), eq), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 59_999 }),
        fc.integer({ min: 0, max: 200 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 59_999 }), eq), { minLength: 1, maxLength: 30 }),
        fc.constantFrom<SharpeTrackerOptions["returnBasis"]>("starting_capital", "bucket_start_equity"),
        fc.integer({ min: 1, max: 6 }),
        (beforeRaw, pauseOffset, gapBuckets, afterRaw, returnBasis, loMaxLags) => {
          // before: increasing times; the pause at or after the last of them, in its bucket
          const before = cumulative(beforeRaw, 0);
          const lastBefore = before[before.length - 1]![0];
          const pauseAt = Math.max(lastBefore, Math.floor(lastBefore / BUCKET) * BUCKET + pauseOffset);
          // after: starts gapBuckets whole buckets later than the bucket after the pause's
          const resumeBucket = Math.floor(pauseAt / BUCKET) + 1 + gapBuckets;
          const after = cumulative(afterRaw, resumeBucket * BUCKET);
          const opts: SharpeTrackerOptions = {
            returnBasis,
            loMaxLags,
            windows: [{ label: "5m", secs: 300 }],
          };
          const paused = new SharpeTracker(opts);
          feed(paused, before);
          paused.pause(T0 + pauseAt);
          // a checkpoint taken while paused restores the pause
          const restored = SharpeTracker.fromState(roundTrip(paused.getState()));
          feed(restored, after);
          const cut = new SharpeTracker(opts);
          feed(cut, before);
          feed(cut, after, -gapBuckets * BUCKET);
          const endP = T0 + after[after.length - 1]![0] + 2 * BUCKET;
          const sp = restored.summary(endP);
          const sc = cut.summary(endP - gapBuckets * BUCKET);
          expect(sp.unobserved_buckets).toBe(gapBuckets);
          expect(sc.unobserved_buckets).toBe(0);
          expect(Array.from(restored.lastReturns(restored.bucketCount()))).toEqual(
            Array.from(cut.lastReturns(cut.bucketCount())),
          );
          expect(sp.windows).toEqual(sc.windows);
        },
      ),
      { seed: 20_261_127, numRuns: 200 },
    );
  });

  it("advanceTo and a second pause are no-ops while paused; pause before any sample is a no-op", () => {
    const t = new SharpeTracker();
    t.pause(T0);
    expect(t.pausedAtMs()).toBeNull();
    t.update(T0, 100);
    t.pause(T0 + 10_000);
    t.pause(T0 + 500_000);
    expect(t.pausedAtMs()).toBe(T0 + 10_000);
    t.advanceTo(T0 + 900_000);
    expect(t.bucketCount()).toBe(0);
    // a pause earlier than the last sample pauses at the last sample
    const u = new SharpeTracker();
    u.update(T0, 100);
    u.update(T0 + 30_000, 101);
    u.pause(T0 + 5_000);
    expect(u.pausedAtMs()).toBe(T0 + 30_000);
  });

  it("a late sample stamped at or before the pause moves the equity and keeps the pause", () => {
    const t = new SharpeTracker({ capitalBase: 1000 });
    feed(t, [[0, 1000]]);
    t.pause(T0 + 10_000);
    t.update(T0 + 4_000, 1002); // a markout of a fill before the gap, written after it
    expect(t.pausedAtMs()).toBe(T0 + 10_000);
    feed(t, [[600_000, 1005]]); // resumes in bucket 10
    t.advanceTo(T0 + 11 * BUCKET);
    // bucket 0 closes at 1002 (+2), bucket 10 carries 1002 → 1005 (+3); buckets 1..9 left out
    expect(Array.from(t.lastReturns(2))).toEqual([0.002, 0.003]);
    expect(t.unobservedBuckets).toBe(9);
  });

  it("reads a checkpoint written before pauses existed (not paused, nothing left out)", () => {
    const t = new SharpeTracker();
    feed(t, [
      [0, 100],
      [70_000, 101],
    ]);
    const {
      unobservedBuckets: _u,
      pausedAtMs: _p,
      ...old
    } = t.getState() as SharpeTrackerState & {
      unobservedBuckets?: number;
      pausedAtMs?: unknown;
    };
    const r = SharpeTracker.fromState(old as SharpeTrackerState);
    expect(r.pausedAtMs()).toBeNull();
    expect(r.summary(T0 + 200_000).unobserved_buckets).toBe(0);
  });

  it("rejects a checkpoint whose pause is not at its last sample, naming the field", () => {
    const t = new SharpeTracker();
    feed(t, [[0, 100]]);
    t.pause(T0 + 1000);
    const bad = { ...roundTrip(t.getState()), pausedAtMs: T0 + 5 } as SharpeTrackerState;
    expect(() => SharpeTracker.fromState(bad)).toThrow(/pausedAtMs: expected lastTsMs = /);
    const neg = { ...roundTrip(t.getState()), unobservedBuckets: -1 } as SharpeTrackerState;
    expect(() => SharpeTracker.fromState(neg)).toThrow(/unobservedBuckets: expected an integer >= 0/);
  });
});

/** Offsets (ms, each 0–59 999 after the previous) made absolute from `startMs`. */
function cumulative(raw: [number, number][], startMs: number): Samples {
  let t = startMs;
  return raw.map(([dt, e], i) => {
    t = i === 0 ? startMs + dt : t + dt;
    return [t, e];
  });
}

function roundTrip(s: SharpeTrackerState): SharpeTrackerState {
  return JSON.parse(JSON.stringify(s)) as SharpeTrackerState;
}
