import { Rng } from "@mmkit/core";
import type { SyntheticMarketConfig } from "./synthetic-config.js";

/** One stretch of constant regime. */
export interface RegimeSegment {
  startTsMs: number;
  endTsMs: number;
  regime: string;
  sigmaPerSqrtSec: number;
}

/** A jump of log-mid by `sizeBps`/1e4 at `tsMs`. */
export interface JumpTruth {
  tsMs: number;
  sizeBps: number;
}

/** A sustained one-way run: log-mid drifts by ±`driftBpsPerSec`/1e4 per second over the interval. */
export interface RunTruth {
  startTsMs: number;
  endTsMs: number;
  direction: "up" | "down";
  driftBpsPerSec: number;
}

/** The latent path drivers (independent of the order flow), drawn up front from the seed. */
export interface LatentPath {
  regimes: RegimeSegment[];
  jumps: JumpTruth[];
  runs: RunTruth[];
}

/** Derive an independent sub-seed for stream `k` of a seed. */
export function subSeed(seed: number, k: number): number {
  return (Math.imul(seed, 0x9e3779b1) + Math.imul(k + 1, 0x85ebca6b)) >>> 0;
}

/** Draw the regime path (continuous-time Markov chain), jumps and runs for a config. */
export function drawLatentPath(cfg: SyntheticMarketConfig): LatentPath {
  const rng = new Rng(subSeed(cfg.seed, 1));
  const t0 = cfg.startTsMs;
  const tEnd = t0 + cfg.durationSec * 1000;
  const regimes: RegimeSegment[] = [];
  let idx = cfg.regimes.findIndex((r) => r.name === cfg.initialRegime);
  let t = t0;
  while (t < tEnd) {
    const r = cfg.regimes[idx]!;
    const end = Math.min(tEnd, t + rng.exponential(1 / r.meanDwellSec) * 1000);
    regimes.push({ startTsMs: t, endTsMs: end, regime: r.name, sigmaPerSqrtSec: r.sigmaPerSqrtSec });
    t = end;
    idx = nextRegime(cfg, idx, rng);
  }
  const jumps: JumpTruth[] = [];
  if (cfg.jumps.ratePerHour > 0) {
    let tj = t0 + rng.exponential(cfg.jumps.ratePerHour / 3600) * 1000;
    while (tj < tEnd) {
      const sign = rng.bernoulli(0.5) ? 1 : -1;
      jumps.push({ tsMs: tj, sizeBps: sign * rng.exponential(1 / Math.max(cfg.jumps.meanSizeBps, 1e-12)) });
      tj += rng.exponential(cfg.jumps.ratePerHour / 3600) * 1000;
    }
  }
  const runs: RunTruth[] = [];
  if (cfg.runs.ratePerHour > 0 && cfg.runs.driftBpsPerSec > 0) {
    let tr = t0 + rng.exponential(cfg.runs.ratePerHour / 3600) * 1000;
    while (tr < tEnd) {
      const end = Math.min(tEnd, tr + cfg.runs.durationSec * 1000);
      runs.push({
        startTsMs: tr,
        endTsMs: end,
        direction: rng.bernoulli(0.5) ? "up" : "down",
        driftBpsPerSec: cfg.runs.driftBpsPerSec,
      });
      tr = end + rng.exponential(cfg.runs.ratePerHour / 3600) * 1000;
    }
  }
  return { regimes, jumps, runs };
}

function nextRegime(cfg: SyntheticMarketConfig, from: number, rng: Rng): number {
  const n = cfg.regimes.length;
  if (n === 1) return 0;
  const row = cfg.transitionWeights?.[from];
  let total = 0;
  for (let j = 0; j < n; j++) if (j !== from) total += row ? row[j]! : 1;
  if (total <= 0) return from;
  let u = rng.next() * total;
  for (let j = 0; j < n; j++) {
    if (j === from) continue;
    u -= row ? row[j]! : 1;
    if (u < 0) return j;
  }
  return from === n - 1 ? n - 2 : n - 1;
}
