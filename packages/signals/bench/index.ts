/** Benchmarks of the signals hot paths. Run: `pnpm bench` (tsx bench/index.ts). */
import { type MarketEvent, Rng } from "@mmkit/core";
import { benchLatency, benchThroughput } from "../../../bench/harness.js";
import {
  fitGaussianHmm,
  HmmForwardFilter,
  LeadLagSignal,
  SignalIntegrator,
  SignalStack,
  sampleHmm,
} from "../src/index.js";
import type { CycleResult, GaussianHmmParams } from "../src/index.js";

const T0 = 1_700_000_000_000;
const rng = new Rng(1);

/** Short warm-up and a 1 s-bucket regime detector that fits once (no refits during the benchmark). */
const BENCH_STACK_CONFIG = {
  warmup: { tradesTarget: 100, bookUpdatesTarget: 200, bucketsTarget: 30, bucketMs: 1000 },
  regime: {
    bucketMs: 1000,
    warmupBuckets: 120,
    refitEveryBuckets: 1_000_000,
    windowBuckets: 600,
    restarts: 2,
  },
};

/** Warm a stack past warm-up (HMM fitted, all signals live) on a seeded random walk. */
function warmStack(): { stack: SignalStack; mid: number; ts: number } {
  const stack = new SignalStack(BENCH_STACK_CONFIG);
  let mid = 50_000;
  let ts = T0;
  for (let s = 0; s < 400; s++) {
    for (let q = 0; q < 4; q++) {
      mid *= 1 + 1e-4 * rng.normal();
      ts += 250;
      const ev: MarketEvent = {
        type: "bbo",
        exchangeTsMs: ts,
        localTsMs: ts,
        bbo: { bidPrice: mid - 0.5, bidSize: 1 + rng.next(), askPrice: mid + 0.5, askSize: 1 + rng.next() },
      };
      stack.onMarketEvent(ev);
    }
    const trade = {
      price: mid,
      size: 0.1,
      aggressor: rng.bernoulli(0.5) ? ("buy" as const) : ("sell" as const),
      exchangeTsMs: ts,
      localTsMs: ts,
    };
    stack.onMarketEvent({ type: "trade", exchangeTsMs: ts, localTsMs: ts, trade });
    stack.onMarkout("buy", mid, mid * (1 + 1e-4 * rng.normal()));
  }
  return { stack, mid, ts };
}

const w = warmStack();
let mid = w.mid;
let ts = w.ts;
const first = w.stack.cycle({
  tsMs: ts,
  baseHalfSpreadBps: 3,
  inventoryFrac: 0.1,
  pnlQuote: 0,
  notionalQuote: 1e4,
});
console.log(
  `signals live: ${first.adjustments
    .filter((a) => a.active)
    .map((a) => a.name)
    .join(", ")}`,
);

benchLatency(
  "signals: 1 BBO event + full cycle (5 signals + integration)",
  (i) => {
    mid *= 1 + (2e-5 * (((i * 7919) % 17) - 8)) / 8;
    ts += 50; // 20 events/s of event time: buckets close and the knife samples inside the loop
    w.stack.onMarketEvent({
      type: "bbo",
      exchangeTsMs: ts,
      localTsMs: ts,
      bbo: { bidPrice: mid - 0.5, bidSize: 1 + (i % 5), askPrice: mid + 0.5, askSize: 1 + (i % 3) },
    });
    w.stack.cycle({
      tsMs: ts,
      baseHalfSpreadBps: 3,
      inventoryFrac: 0.1,
      pnlQuote: i * 1e-3,
      notionalQuote: 1e4,
    });
  },
  100_000,
  10_000,
);

const integ = new SignalIntegrator();
const adjs = first.adjustments;
benchLatency("signals: integrator only (5 adjustments)", (i) => {
  integ.integrate(adjs, { cycleId: i, tsMs: i, baseHalfSpreadBps: 3 });
});

const params: GaussianHmmParams = {
  initial: [1 / 3, 1 / 3, 1 / 3],
  transition: [
    [0.96, 0.03, 0.01],
    [0.04, 0.92, 0.04],
    [0.02, 0.06, 0.92],
  ],
  means: [
    [0, 0, 1],
    [1.2, 0.4, 1.8],
    [2.4, 0.9, 2.6],
  ],
  variances: [
    [0.1, 0.04, 0.1],
    [0.1, 0.04, 0.1],
    [0.15, 0.06, 0.15],
  ],
};
const data = sampleHmm(params, 2000, new Rng(3));
const filter = new HmmForwardFilter(params);
benchLatency("hmm: causal filter update (K=3, D=3)", (i) => {
  filter.update(data.obs[i % 2000]!);
});
benchThroughput("hmm: Baum-Welch fit, 2000 buckets, 3 restarts", "fits", () => {
  for (let i = 0; i < 3; i++) fitGaussianHmm(data.obs, { restarts: 3, seed: i, maxIter: 60 });
  return 3;
});

// --- Lead–lag (opt-in): its own seeded walk, so the benchmarks above are unchanged. ---
const llRng = new Rng(2);
const llStack = new SignalStack({ ...BENCH_STACK_CONFIG, leadLag: { enabled: true } });
const refLag: number[] = []; // reference mids of the last second: the local mid follows 1 s (4 steps) later
let refMid = 50_000;
let llTs = T0;
const llBbo = (m: number, t: number, i: number): MarketEvent => ({
  type: "bbo",
  exchangeTsMs: t,
  localTsMs: t,
  bbo: { bidPrice: m - 0.5, bidSize: 1 + (i % 5), askPrice: m + 0.5, askSize: 1 + (i % 3) },
});
/** One 250 ms step: a reference BBO, the local BBO (reference 1 s earlier − 5 bps), then a cycle. */
function llStep(i: number, withTrade: boolean): CycleResult {
  refMid *= 1 + 5e-5 * llRng.normal();
  refLag.push(refMid);
  const local = refLag.length > 4 ? refLag.shift()! * (1 - 5e-4) : refMid * (1 - 5e-4);
  llTs += 250;
  llStack.onReferenceEvent(llBbo(refMid, llTs - 100, i));
  llStack.onMarketEvent(llBbo(local, llTs, i));
  if (withTrade) {
    const trade = { price: local, size: 0.1, aggressor: "buy" as const, exchangeTsMs: llTs, localTsMs: llTs };
    llStack.onMarketEvent({ type: "trade", exchangeTsMs: llTs, localTsMs: llTs, trade });
  }
  return llStack.cycle({
    tsMs: llTs,
    baseHalfSpreadBps: 3,
    inventoryFrac: 0.1,
    pnlQuote: i * 1e-3,
    notionalQuote: 1e4,
  });
}
let llLast: CycleResult | null = null;
for (let i = 0; i < 1600; i++) llLast = llStep(i, i % 4 === 0);
const llAdj = llLast!.adjustments[llLast!.adjustments.length - 1]!;
console.log(`lead-lag after 400 s: ${llAdj.name} active=${llAdj.active} ${llAdj.note}`);
benchLatency(
  "signals: 1 reference BBO + 1 local BBO + full cycle (6 signals incl. LeadLag)",
  (i) => {
    llStep(i, false);
  },
  100_000,
  10_000,
);
const lone = new LeadLagSignal();
let loneTs = T0;
benchLatency("lead-lag alone: 1 reference mid + 1 local mid + advance + adjustment", (i) => {
  loneTs += 50; // 20 updates/s: a 100 ms grid instant every other call
  const m = 50_000 + ((i * 7919) % 17);
  lone.onReferenceMid(loneTs, m);
  lone.onLocalMid(loneTs + 5, m - 2);
  lone.advance(loneTs + 5);
  lone.adjustment(loneTs + 5);
});
