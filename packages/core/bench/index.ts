/** Core hot-path benchmarks: book update → QuoteDecision, plus its parts. Run: `pnpm bench` (tsx bench/index.ts). */
import { benchLatency } from "../../../bench/harness.js";
import { runMathBenchmarks } from "./math-bench.js";
import {
  buildLadder,
  computeEffectiveParams,
  EwmaVolatility,
  hyperliquidTickRules,
  IntensityEstimator,
  KillSwitch,
  L2Book,
  NEUTRAL_SIGNAL_EFFECT,
  QuoteEngine,
  Rng,
  type SignalEffect,
  parseQuoteEngineConfig,
} from "../src/index.js";

const rng = new Rng(42);
const N = 4096;
// Pre-generated random-walk BBOs around 60,000 (whole-dollar ticks) so the timed loop does no RNG work.
const bids = new Float64Array(N);
let mid = 60_000;
for (let i = 0; i < N; i++) {
  mid += Math.round(rng.normal() * 2);
  bids[i] = mid - 1;
}

const book = new L2Book();
book.applySnapshot(
  Array.from({ length: 20 }, (_, i) => ({ price: 59_999 - i, size: 1 })),
  Array.from({ length: 20 }, (_, i) => ({ price: 60_001 + i, size: 1 })),
);
const vol = new EwmaVolatility({ halfLifeSec: 60 });
const intensity = new IntensityEstimator({ windowSec: 600, fallback: { aPerSec: 1.5, kappaPerFrac: 8000 } });
for (let i = 0; i < 2000; i++) {
  const t = i * 500;
  const m = 60_000 * Math.exp(1e-4 * Math.sqrt(0.5) * rng.normal());
  vol.update(t, m);
  const depthFrac = rng.exponential(8000);
  const buy = rng.bernoulli(0.5);
  intensity.onTrade(t, buy ? m * (1 + depthFrac) : m * (1 - depthFrac), buy ? "buy" : "sell", m);
}
const fit = intensity.value();
const signals: SignalEffect = {
  ...NEUTRAL_SIGNAL_EFFECT,
  spreadAdjBps: 0.3,
  skewAdjBps: -0.2,
  regime: { state: 1, probs: [0.2, 0.8], kappaMult: 0.6, gammaMult: 1.2 },
};
const engine = new QuoteEngine();
let sink = 0;

console.log(
  `intensity fit: A=${fit.aPerSec.toFixed(3)}/s κ=${fit.kappaPerFrac.toFixed(0)} ok=${fit.fitOk}; σ=${vol.value().toExponential(3)}/√s`,
);

benchLatency("core: book update (BBO) → QuoteDecision", (i) => {
  const b = bids[i % N]!;
  book.applyBbo({ bidPrice: b, bidSize: 1 + (i & 3), askPrice: b + 2, askSize: 1 });
  const d = engine.decide({
    tsMs: i,
    cycleId: i,
    book,
    sigma: { sigmaPerSqrtSec: vol.value(), confidence: vol.confidence() },
    intensity: { fit, confidence: intensity.confidence() },
    signals,
    inventoryBase: ((i % 21) - 10) * 0.001,
    riskState: "active",
  });
  sink += d.ladder.bids.length;
});

const cfg = parseQuoteEngineConfig();
benchLatency("core: computeEffectiveParams", () => {
  sink += computeEffectiveParams(cfg, fit, signals).kappaPerFrac;
});

const rules = hyperliquidTickRules(5);
benchLatency("core: buildLadder (3 levels/side, HL rules)", (i) => {
  const r = buildLadder({
    fairPrice: 60_000 + (i & 7),
    bestBid: 59_999,
    bestAsk: 60_001,
    bidTouchDepthFrac: 2.8e-4,
    askTouchDepthFrac: 2.6e-4,
    levels: 3,
    depthRatio: 1.2,
    minLevelSpacingFrac: 0.5e-4,
    orderSizeBase: 0.001,
    sizeRatio: 1,
    inventoryBase: 0.002,
    maxPositionBase: 0.01,
    reduceOnly: false,
    tickRules: rules,
  });
  sink += r.ladder.asks.length;
});

const ks = new KillSwitch({ maxPositionBase: 0.01 });
benchLatency("core: KillSwitch.update", (i) => {
  sink +=
    ks.update({ tsMs: i, equityQuote: 10_000 + (i % 100), inventoryBase: 0.001, lastMarketDataTsMs: i }) ===
    "active"
      ? 1
      : 0;
});

if (sink === 42) console.log("");

// GLFT, γ solver, tick rules and estimator benchmarks (bench/math-bench.ts).
runMathBenchmarks();
