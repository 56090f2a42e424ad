/** Calibrate γ from a target inventory skew: the γ at which σ·c2(γ)·maxPosition equals a chosen skew in bps. */
import { glftCoefficients } from "./glft.js";
import { BPS_PER_FRAC } from "./units.js";

/** Smallest γ the solver searches. */
export const GAMMA_SEARCH_MIN = 1e-30;
/** Largest γ the solver searches; a target needing more is reported unreachable. */
export const GAMMA_SEARCH_MAX = 1e15;

function check(name: string, value: number, allowZero: boolean): void {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new Error(
      `gammaForSkew: ${name} must be a finite number ${allowZero ? ">= 0" : "> 0"}, got ${value}`,
    );
  }
}

/** Inventory skew at full position, bps: σ·c2(γ)·maxPosLots × 10,000. */
export function skewAtMaxBps(
  gamma: number,
  sigmaPerSqrtSec: number,
  aPerSec: number,
  kappaPerFrac: number,
  maxPosLots: number,
): number {
  check("sigmaPerSqrtSec", sigmaPerSqrtSec, true);
  check("maxPosLots", maxPosLots, true);
  const { c2 } = glftCoefficients(gamma, kappaPerFrac, aPerSec);
  return sigmaPerSqrtSec * c2 * maxPosLots * BPS_PER_FRAC;
}

/**
 * γ such that the GLFT skew at `maxPositionLots` equals `targetSkewBpsAtMax`. The skew σ·c2(γ) is strictly
 * increasing in γ (c2² = γ/(2Aκ)·f(γ/κ) with f(x) = (1+x)^(1/x+1) increasing), so a bisection on ln γ over
 * [1e-30, 1e15] finds it to ~1e-14 relative. A target of 0 returns γ = 0. Throws when the target is negative,
 * when σ or the position is 0 (no γ makes a skew), or when the target needs γ beyond 1e15.
 */
export function gammaForSkew(
  targetSkewBpsAtMax: number,
  sigmaPerSqrtSec: number,
  aPerSec: number,
  kappaPerFrac: number,
  maxPositionLots: number,
): number {
  check("targetSkewBpsAtMax", targetSkewBpsAtMax, true);
  check("sigmaPerSqrtSec", sigmaPerSqrtSec, true);
  check("aPerSec", aPerSec, false);
  check("kappaPerFrac", kappaPerFrac, false);
  check("maxPositionLots", maxPositionLots, true);
  if (targetSkewBpsAtMax === 0) return 0;
  if (sigmaPerSqrtSec === 0 || maxPositionLots === 0) {
    throw new Error(
      `gammaForSkew: target skew ${targetSkewBpsAtMax} bps is unreachable: skew is 0 for every γ when σ (${sigmaPerSqrtSec}) or maxPositionLots (${maxPositionLots}) is 0`,
    );
  }
  const skewOf = (g: number): number =>
    skewAtMaxBps(g, sigmaPerSqrtSec, aPerSec, kappaPerFrac, maxPositionLots);
  const skewMin = skewOf(GAMMA_SEARCH_MIN);
  const skewMax = skewOf(GAMMA_SEARCH_MAX);
  if (targetSkewBpsAtMax < skewMin) {
    throw new Error(
      `gammaForSkew: target skew ${targetSkewBpsAtMax} bps is unreachable: below ${skewMin} bps at γ=${GAMMA_SEARCH_MIN}`,
    );
  }
  if (targetSkewBpsAtMax > skewMax) {
    throw new Error(
      `gammaForSkew: target skew ${targetSkewBpsAtMax} bps is unreachable: above ${skewMax} bps at γ=${GAMMA_SEARCH_MAX}`,
    );
  }
  let lo = Math.log(GAMMA_SEARCH_MIN);
  let hi = Math.log(GAMMA_SEARCH_MAX);
  for (let i = 0; i < 200 && hi - lo > 1e-14; i++) {
    const mid = 0.5 * (lo + hi);
    if (skewOf(Math.exp(mid)) < targetSkewBpsAtMax) lo = mid;
    else hi = mid;
  }
  return Math.exp(0.5 * (lo + hi));
}
