/** Benchmarks of the GLFT math, tick rules and σ/A/κ estimators. Run alone: `npx tsx bench/math-bench.ts`. */
import { pathToFileURL } from "node:url";
import { benchLatency, benchThroughput } from "../../../bench/harness.js";
import { gammaForSkew } from "../src/gamma-for-skew.js";
import { glftQuote } from "../src/glft.js";
import { IntensityEstimator } from "../src/intensity-estimator.js";
import { Rng } from "../src/rng.js";
import { roundHlPrice, roundToTick } from "../src/tick-rules.js";
import { EwmaVolatility } from "../src/volatility.js";

/** Run the math/estimator benchmarks and print their numbers. */
export function runMathBenchmarks(): void {
  let sink = 0;
  benchLatency("glftQuote", (i) => {
    sink += glftQuote({
      gamma: 0.05 + (i % 100) * 0.01,
      kappaPerFrac: 8000,
      aPerSec: 1.5,
      sigmaPerSqrtSec: 2e-4,
      inventoryLots: (i % 21) - 10,
      makerFeeBps: 0.15,
    }).bidDepthBps;
  });
  benchLatency(
    "gammaForSkew (bisection on ln γ)",
    (i) => {
      sink += gammaForSkew(5 + (i % 10), 2e-4, 1.5, 8000, 10);
    },
    20_000,
    2_000,
  );
  benchLatency("roundHlPrice", (i) => {
    sink += roundHlPrice(60_000 + i * 0.37, 5, i % 2 === 0 ? "down" : "up");
  });
  benchLatency("roundToTick", (i) => {
    sink += roundToTick(60_000 + i * 0.037, 0.1, i % 2 === 0 ? "down" : "up");
  });

  const rng = new Rng(1);
  const n = 1_000_000;
  const mids = new Float64Array(n);
  let mid = 60_000;
  for (let i = 0; i < n; i++) {
    mid *= Math.exp(2e-4 * 0.3 * rng.normal());
    mids[i] = mid;
  }
  benchThroughput("EwmaVolatility.update", "updates", () => {
    const vol = new EwmaVolatility({ halfLifeSec: 60 });
    for (let i = 0; i < n; i++) vol.update(i * 100, mids[i]!);
    sink += vol.value();
    return n;
  });

  const depths = new Float64Array(n);
  for (let i = 0; i < n; i++) depths[i] = rng.exponential(8000);
  benchThroughput("IntensityEstimator.onTrade (window 600 s, 10/s)", "trades", () => {
    const est = new IntensityEstimator({ windowSec: 600, fallback: { aPerSec: 1, kappaPerFrac: 8000 } });
    for (let i = 0; i < n; i++)
      est.onTrade(i * 100, 60_000 * (1 + depths[i]!), i % 2 === 0 ? "buy" : "sell", 60_000);
    sink += est.value().kappaPerFrac;
    return n;
  });
  const est = new IntensityEstimator({ windowSec: 600, fallback: { aPerSec: 1, kappaPerFrac: 8000 } });
  for (let i = 0; i < 6000; i++)
    est.onTrade(i * 100, 60_000 * (1 + depths[i]!), i % 2 === 0 ? "buy" : "sell", 60_000);
  let k = 6000;
  benchLatency("IntensityEstimator onTrade + value() (refit)", () => {
    est.onTrade(k * 100, 60_000 * (1 + depths[k % n]!), k % 2 === 0 ? "buy" : "sell", 60_000);
    k += 1;
    sink += est.value().kappaPerFrac;
  });
  if (Number.isNaN(sink)) console.log("sink", sink);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  runMathBenchmarks();
