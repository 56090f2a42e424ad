import { createHash } from "node:crypto";
import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import type { SyntheticMarketConfigInput } from "./synthetic-config.js";
import { SyntheticMarket } from "./synthetic.js";

/**
 * Regression pin of the exact synthetic event stream: SHA-256 over the JSON of every event (field
 * order included; −0 kept distinct from 0) plus the ground-truth counters. The expected hashes were
 * computed from the Map-based generator (commit 94df056) before any performance work; a change here
 * means the generator's output changed, not just its speed.
 */
interface PinnedCase {
  name: string;
  config: SyntheticMarketConfigInput;
  events: number;
  sha256: string;
}

const CASES: PinnedCase[] = [
  {
    name: "defaults seed 42",
    config: { seed: 42, durationSec: 600 },
    events: 49999,
    sha256: "46e7f644819bf1e512ff88c09abfd39484fec239071cab6bbf18e7bf45dc77f9",
  },
  {
    name: "defaults seed 1",
    config: { seed: 1, durationSec: 300 },
    events: 25971,
    sha256: "2dbad7e389439ec685f9764d0d7b9cc663b42b872c1e87e42ce18c1e096382e0",
  },
  {
    name: "fine tick and lot, low mid",
    config: { seed: 7, durationSec: 300, initialMid: 2500.37, tickSize: 0.01, lotSize: 0.0001 },
    events: 22320,
    sha256: "3711a6b34027bdcf3acc865285036e5041a559d7bea29fa9732fe4d7934ddfc9",
  },
  {
    name: "whole tick and lot, tiny mid, negative deep bids, latency",
    config: {
      seed: 9,
      durationSec: 240,
      initialMid: 50,
      tickSize: 1,
      lotSize: 1,
      localLatencyMs: 37,
      book: { levels: 40, denseLevels: 5, coarseStepBps: 2000, touchSize: 3 },
    },
    events: 2560,
    sha256: "7dc593d6626800ddf42ae1924b4bbf5aacc405f0c4ebcdd6b819a2c76fc88c7b",
  },
  {
    name: "many levels, wide coarse step",
    config: {
      seed: 3,
      durationSec: 300,
      book: { levels: 120, denseLevels: 25, coarseStepBps: 1.5, sizeGrowthPerLevel: 0.3 },
    },
    events: 32704,
    sha256: "38f303079ec2dfd2b7fda161aa865055588237f4f741acd8c93a31d626be028c",
  },
  {
    name: "all levels dense, zero replenish, snapshots every 5 s",
    config: {
      seed: 5,
      durationSec: 300,
      book: { levels: 20, denseLevels: 20, replenishPerSec: 0, snapshotIntervalSec: 5 },
    },
    events: 28160,
    sha256: "4b24154abd72206396417395c9c09872921b01fb4528fa92235754887a7731ce",
  },
  {
    name: "one dense level, coarse step below one tick",
    config: { seed: 6, durationSec: 300, book: { levels: 30, denseLevels: 1, coarseStepBps: 0.01 } },
    events: 36740,
    sha256: "c121c5c3191b0b2d91fd831e6b7985f9ff5a38426bf2d1ecde68f2758d619fda",
  },
  {
    name: "no market orders, slow steps, fractional duration",
    config: {
      seed: 11,
      durationSec: 123.4567,
      marketOrders: { aPerSec: 0 },
      book: { updateIntervalMs: 250, replenishPerSec: 40 },
    },
    events: 1475,
    sha256: "311e4afdd34c240892b82d267034f236e5c022bc42b04a27a08d94648dc0c07f",
  },
  {
    name: "heavy flow, deep orders, jumps, runs, custom regimes and transitions, latency",
    config: {
      seed: 2024,
      durationSec: 150,
      startTsMs: 1_700_000_000_123,
      localLatencyMs: 2.5,
      marketOrders: { aPerSec: 12, kappaPerFrac: 1500 },
      jumps: { ratePerHour: 120, meanSizeBps: 40 },
      runs: { ratePerHour: 60, durationSec: 20, driftBpsPerSec: 3 },
      regimes: [
        { name: "a", sigmaPerSqrtSec: 0, meanDwellSec: 30 },
        { name: "b", sigmaPerSqrtSec: 4e-4, meanDwellSec: 20 },
        { name: "c", sigmaPerSqrtSec: 1e-3, meanDwellSec: 10 },
      ],
      initialRegime: "c",
      transitionWeights: [
        [0, 1, 3],
        [2, 0, 1],
        [1, 1, 0],
      ],
      book: { updateIntervalMs: 37, touchSize: 0.05, replenishPerSec: 11 },
    },
    events: 119509,
    sha256: "9159469e13205f39a3f554680d0b4334dc6b1b3bb826aa8af2460f1a30d6df35",
  },
];

/** JSON with −0 distinguishable from 0. */
const replacer = (_key: string, v: unknown): unknown =>
  typeof v === "number" && Object.is(v, -0) ? "-0" : v;

function digest(events: Iterable<MarketEvent>, m: SyntheticMarket): { events: number; sha256: string } {
  const h = createHash("sha256");
  let n = 0;
  for (const e of events) {
    h.update(JSON.stringify(e, replacer));
    h.update("\n");
    n++;
  }
  const gt = m.groundTruth();
  h.update(JSON.stringify({ counts: gt.counts, marketOrders: gt.marketOrders }));
  return { events: n, sha256: h.digest("hex") };
}

describe("SyntheticMarket output is pinned byte for byte", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const m = new SyntheticMarket(c.config);
      expect(digest(m.events(), m)).toEqual({ events: c.events, sha256: c.sha256 });
      // A second pass of the same instance restarts the market.
      expect(digest(m.events(), m)).toEqual({ events: c.events, sha256: c.sha256 });
    });
  }

  it("the async iterator yields the same stream", async () => {
    const c = CASES[8]!;
    const m = new SyntheticMarket(c.config);
    const all: MarketEvent[] = [];
    for await (const e of m) all.push(e);
    expect(digest(all, m)).toEqual({ events: c.events, sha256: c.sha256 });
  });
});
