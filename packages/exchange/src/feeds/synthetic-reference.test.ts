import { createHash } from "node:crypto";
import type { MarketEvent } from "@mmkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSyntheticConfig, type SyntheticMarketConfigInput } from "./synthetic-config.js";
import { drawLatentPath } from "./synthetic-path.js";
import { referenceEvents } from "./reference/synthetic-reference.js";
import type { MarketOrderTruth } from "./synthetic-stepper.js";
import { SyntheticMarket } from "./synthetic.js";
import { emptyFeedStats } from "./types.js";

/** JSON lines of a stream (−0 kept distinct from 0), hashed. */
function digest(events: Iterable<MarketEvent>): { events: number; sha256: string } {
  const h = createHash("sha256");
  const replacer = (_key: string, v: unknown): unknown =>
    typeof v === "number" && Object.is(v, -0) ? "-0" : v;
  let n = 0;
  for (const e of events) {
    h.update(JSON.stringify(e, replacer));
    h.update("\n");
    n++;
  }
  return { events: n, sha256: h.digest("hex") };
}

/** The fast generator's stream and counters next to the Map-based reference's. */
function both(input: SyntheticMarketConfigInput) {
  const m = new SyntheticMarket(input);
  const fast = digest(m.events());
  const cfg = parseSyntheticConfig(input);
  const stats = emptyFeedStats();
  const orders: MarketOrderTruth = { buy: 0, sell: 0, unfilled: 0, undisplayedPrints: 0 };
  const ref = digest(referenceEvents(cfg, drawLatentPath(cfg), stats, orders));
  const truth = m.groundTruth();
  return {
    fast: { ...fast, counts: truth.counts, orders: truth.marketOrders },
    ref: { ...ref, counts: stats.events, orders },
  };
}

const inverseOf = (xs: number[]) => fc.constantFrom(...xs).map((k) => 1 / k);

describe("fast SyntheticMarket generator vs the Map-based reference", () => {
  it("property: identical streams and counters for random configs", () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
          durationSec: fc.double({ min: 0.05, max: 40, noNaN: true }),
          initialMid: fc.oneof(
            fc.double({ min: 0.5, max: 200, noNaN: true }),
            fc.double({ min: 1000, max: 2e6, noNaN: true }),
          ),
          tickSize: inverseOf([1, 2, 4, 10, 20, 100]),
          lotSize: inverseOf([1, 10, 1000, 100000]),
          localLatencyMs: fc.constantFrom(0, 0.5, 3, 25),
          marketOrders: fc.record({
            aPerSec: fc.constantFrom(0, 0.3, 2, 15),
            kappaPerFrac: fc.constantFrom(50, 800, 8000, 30000),
          }),
          jumps: fc.record({
            ratePerHour: fc.constantFrom(0, 50, 600),
            meanSizeBps: fc.constantFrom(0, 5, 80),
          }),
          runs: fc.record({
            ratePerHour: fc.constantFrom(0, 100, 1000),
            durationSec: fc.constantFrom(0.5, 5, 20),
            driftBpsPerSec: fc.constantFrom(0, 2, 30),
          }),
          regimes: fc.constantFrom<SyntheticMarketConfigInput["regimes"]>(
            undefined,
            [{ name: "one", sigmaPerSqrtSec: 3e-4, meanDwellSec: 5 }],
            [
              { name: "still", sigmaPerSqrtSec: 0, meanDwellSec: 3 },
              { name: "wild", sigmaPerSqrtSec: 2e-3, meanDwellSec: 2 },
            ],
          ),
          book: fc
            .record({
              levels: fc.integer({ min: 20, max: 90 }),
              denseFrac: fc.double({ min: 0, max: 1, noNaN: true }),
              coarseStepBps: fc.constantFrom(0.001, 0.2, 1, 7, 300),
              touchSize: fc.constantFrom(0.002, 0.5, 40),
              sizeGrowthPerLevel: fc.constantFrom(0, 0.1, 2),
              replenishPerSec: fc.constantFrom(0, 5, 60),
              updateIntervalMs: fc.constantFrom(1, 33, 100, 700),
              snapshotIntervalSec: fc.constantFrom(0.2, 7, 60),
            })
            .map(({ denseFrac, ...b }) => ({
              ...b,
              denseLevels: Math.max(1, Math.min(b.levels, Math.round(denseFrac * b.levels))),
            })),
        }),
        ({ regimes, ...rest }) => {
          const input: SyntheticMarketConfigInput = regimes
            ? { ...rest, regimes, initialRegime: regimes[regimes.length - 1]!.name }
            : rest;
          const { fast, ref } = both(input);
          expect(fast).toEqual(ref);
        },
      ),
      { seed: 20260101, numRuns: 60 },
    );
  });
});
