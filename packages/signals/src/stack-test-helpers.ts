import type { MarketEvent } from "@mmkit/core";
import { generateKnifePath } from "../test/knife-path.js";

/** Test helper: the start of every synthetic path (ms). */
export const T0 = 1_700_000_000_000;

/** Market events (BBO every 250 ms around the path's mid, trades each second) from the seeded path. */
export function* pathEvents(seed: number, durationSec: number): Generator<MarketEvent> {
  const { steps } = generateKnifePath({
    seed,
    durationSec,
    calmSigmaBps: 1,
    volatileSigmaBps: 2.5,
    meanCalmSec: 600,
    meanVolatileSec: 200,
    runDriftSigmas: 0.8,
    runMinSec: 60,
    runMaxSec: 120,
    gapMinSec: 300,
    gapMaxSec: 600,
    runFlowBias: 0.7,
  });
  for (const st of steps) {
    const ts = T0 + st.tSec * 1000;
    for (let q = 0; q < 4; q++) {
      const half = 0.5 + (q % 2) * 0.5;
      const bbo = { bidPrice: st.mid - half, bidSize: 1 + q, askPrice: st.mid + half, askSize: 4 - q };
      yield { type: "bbo", exchangeTsMs: ts + q * 250, localTsMs: ts + q * 250 + 5, bbo };
    }
    for (const tr of st.trades) {
      const trade = {
        price: st.mid,
        size: tr.size,
        aggressor: tr.aggressor,
        exchangeTsMs: ts + 900,
        localTsMs: ts + 905,
      };
      yield { type: "trade", exchangeTsMs: ts + 900, localTsMs: ts + 905, trade };
    }
  }
}

/** Test helper: warm-up and regime targets small enough for paths of minutes. */
export const smallConfig = {
  warmup: { tradesTarget: 100, bookUpdatesTarget: 200, bucketsTarget: 60, bucketMs: 1000 },
  regime: {
    bucketMs: 1000,
    warmupBuckets: 120,
    refitEveryBuckets: 600,
    windowBuckets: 600,
    restarts: 1,
    maxIter: 30,
  },
};
