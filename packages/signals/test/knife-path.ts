/** Seeded regime-switching diffusion with injected one-way runs (test helper for the knife guard). */
import { Rng } from "@mmkit/core";

/** An injected run: [startSec, endSec) with direction −1 (falling) or +1 (rising). */
export interface InjectedRun {
  startSec: number;
  endSec: number;
  direction: -1 | 1;
}

/** One second of the path: mid at the end of the second and the taker trades during it. */
export interface PathStep {
  tSec: number;
  mid: number;
  volatile: boolean;
  trades: { aggressor: "buy" | "sell"; size: number }[];
}

/** Options of the generator. */
export interface KnifePathOptions {
  seed: number;
  durationSec: number;
  /** σ per √s in bps in calm / volatile regimes. */
  calmSigmaBps: number;
  volatileSigmaBps: number;
  /** Mean regime durations (s). */
  meanCalmSec: number;
  meanVolatileSec: number;
  /** Drift of a run in units of the current σ per second. */
  runDriftSigmas: number;
  /** Run durations are uniform in [min, max] s; gaps between runs uniform in [minGap, maxGap] s. */
  runMinSec: number;
  runMaxSec: number;
  gapMinSec: number;
  gapMaxSec: number;
  /** Probability a taker trade goes with the run while one is on. */
  runFlowBias: number;
}

/** Generate a 1-s path with regime switching and injected runs; the runs are the ground truth. */
export function generateKnifePath(o: KnifePathOptions): { steps: PathStep[]; runs: InjectedRun[] } {
  const rng = new Rng(o.seed);
  const runs: InjectedRun[] = [];
  let t = Math.round(rng.uniform(o.gapMinSec, o.gapMaxSec));
  while (t < o.durationSec - o.runMaxSec) {
    const len = Math.round(rng.uniform(o.runMinSec, o.runMaxSec));
    runs.push({ startSec: t, endSec: t + len, direction: rng.bernoulli(0.5) ? -1 : 1 });
    t += len + Math.round(rng.uniform(o.gapMinSec, o.gapMaxSec));
  }
  const steps: PathStep[] = [];
  let logMid = Math.log(50_000);
  let volatile = false;
  let r = 0;
  for (let s = 0; s < o.durationSec; s++) {
    if (rng.bernoulli(1 / (volatile ? o.meanVolatileSec : o.meanCalmSec))) volatile = !volatile;
    const sigma = (volatile ? o.volatileSigmaBps : o.calmSigmaBps) * 1e-4;
    while (r < runs.length && runs[r]!.endSec <= s) r++;
    const run = r < runs.length && runs[r]!.startSec <= s ? runs[r]! : null;
    const drift = run === null ? 0 : run.direction * o.runDriftSigmas * sigma;
    logMid += drift + sigma * rng.normal();
    const trades: PathStep["trades"] = [];
    const n = 1 + rng.int(4);
    for (let i = 0; i < n; i++) {
      const pBuy = run === null ? 0.5 : run.direction > 0 ? o.runFlowBias : 1 - o.runFlowBias;
      trades.push({ aggressor: rng.bernoulli(pBuy) ? "buy" : "sell", size: rng.exponential(1) });
    }
    steps.push({ tSec: s, mid: Math.exp(logMid), volatile, trades });
  }
  return { steps, runs };
}
