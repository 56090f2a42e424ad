/**
 * The binomial lattice both fill-probability models run on (internal to core): the depth of a
 * resting order moves ±dx per step as the mid diffuses, and per node a half-step survival factor
 * exp(−λ(depth)·dt/2) (set by the model in `survival`) removes the mass that fills there.
 */

/**
 * Fewest and most lattice steps per horizon. N = ⌈(κσ√h)²/2⌉ keeps a lattice step from moving λ
 * by more than a factor e^√2 where it can; against a Monte Carlo of the continuous model the
 * error is below 0.01 (tests), far below what a Brier score can resolve.
 */
export const MIN_STEPS = 8;
export const MAX_STEPS = 64;

// Scratch (the functions are synchronous and not re-entrant): survival factors and two mass rows.
// Every mass entry read in a step was written in the step before, so they need no clearing.
/** Per-node half-step survival factors of the lattice being run, node k ↔ depth δ₀ + (k − n)·dx. */
export const survival = new Float64Array(2 * MAX_STEPS + 1);
const massA = new Float64Array(2 * MAX_STEPS + 1);
const massB = new Float64Array(2 * MAX_STEPS + 1);

/** P(fill within a horizon) and where the order stood when it filled. */
export interface FillOutcome {
  /** P(fill within the horizon). */
  pFill: number;
  /**
   * E[depth at the fill | a fill within the horizon], fraction of mid: the spread a fill captures
   * against the mid at that moment (below the placement depth: fills come when the mid has moved
   * toward the order). The placement depth when the depth cannot move; NaN when pFill is 0.
   */
  expectedDepthAtFillFrac: number;
}

/**
 * The rate of arrivals that fill a passive order at depth δ on a price grid, for an arrival-rate
 * function λ: λ(δ⁺) + factor·(λ(δ) − λ(δ⁺)) with δ⁺ = δ + tickFrac — prints strictly through our
 * price always fill, a print exactly at it fills with `atPriceFillFactor` (touch p, queue 1,
 * through 0). With tickFrac 0 or factor ≥ 1 it is λ(δ).
 */
export function atPriceBlendedRate(
  rate: (depthFrac: number) => number,
  depthFrac: number,
  atPriceFillFactor: number,
  tickFrac: number,
): number {
  if (tickFrac <= 0 || atPriceFillFactor >= 1) return rate(depthFrac);
  const lamAt = rate(depthFrac);
  const lamThrough = rate(depthFrac + tickFrac);
  return lamThrough + atPriceFillFactor * (lamAt - lamThrough);
}

/** A finite depth and finite σ, h >= 0 (the inputs both models share). */
export function diffusionInputsOk(depthFrac: number, sigmaPerSqrtSec: number, horizonSec: number): boolean {
  return (
    sigmaPerSqrtSec >= 0 &&
    horizonSec >= 0 &&
    Number.isFinite(depthFrac) &&
    Number.isFinite(sigmaPerSqrtSec) &&
    Number.isFinite(horizonSec)
  );
}

/** P(fill) of a prepared lattice of n steps, or `staticP` when n is 0 (the depth cannot move). */
export function latticeFillProbability(n: number, staticP: number): number {
  return n === 0 ? staticP : 1 - propagate(n, false, 0, 0);
}

/**
 * The {@link FillOutcome} of a prepared lattice of n steps over `horizonSec` (dx = σ√(h/n)), or of
 * the static formula `staticP` when n is 0.
 */
export function latticeFillOutcome(
  n: number,
  staticP: number,
  depthFrac: number,
  sigmaPerSqrtSec: number,
  horizonSec: number,
): FillOutcome {
  if (n === 0) return { pFill: staticP, expectedDepthAtFillFrac: staticP > 0 ? depthFrac : Number.NaN };
  const pFill = 1 - propagate(n, true, depthFrac, sigmaPerSqrtSec * Math.sqrt(horizonSec / n));
  return { pFill, expectedDepthAtFillFrac: pFill > 0 ? filledDepthSum / pFill : Number.NaN };
}

// What the last `propagate` with depth tracking measured: Σ (mass filled at a node) × (its depth).
let filledDepthSum = 0;

/**
 * Propagate probability mass from the centre node through n steps with the half-step survival
 * factors in `survival[0..2n]`; returns the mass still unfilled (clamped to [0, 1]). With
 * `trackDepth`, also sums the mass that fills at each node times the node's depth δ₀ + (k − n)·dx
 * into `filledDepthSum` (the mass arithmetic is the same either way).
 */
function propagate(n: number, trackDepth: boolean, depthFrac: number, dx: number): number {
  let m = massA;
  let m2 = massB;
  m[n] = 1;
  let depthSum = 0;
  for (let s = 0; s < n; s++) {
    // Survive half a step at the node, move ±dx with probability ½ each, survive half a step there.
    const lo = n - s;
    const hi = n + s;
    if (!trackDepth) {
      for (let k = lo; k <= hi; k += 2) m[k] = m[k]! * survival[k]!;
      m2[lo - 1] = 0.5 * m[lo]! * survival[lo - 1]!;
      for (let k = lo + 1; k <= hi - 1; k += 2) m2[k] = 0.5 * (m[k - 1]! + m[k + 1]!) * survival[k]!;
      m2[hi + 1] = 0.5 * m[hi]! * survival[hi + 1]!;
    } else {
      // the same arithmetic, plus the mass each node loses (fills) times the node's depth
      for (let k = lo; k <= hi; k += 2) {
        const before = m[k]!;
        m[k] = before * survival[k]!;
        depthSum += (before - m[k]!) * (depthFrac + (k - n) * dx);
      }
      for (let k = lo - 1; k <= hi + 1; k += 2) {
        const incoming = 0.5 * ((k > lo ? m[k - 1]! : 0) + (k < hi ? m[k + 1]! : 0));
        m2[k] = incoming * survival[k]!;
        depthSum += (incoming - m2[k]!) * (depthFrac + (k - n) * dx);
      }
    }
    const t = m;
    m = m2;
    m2 = t;
  }
  let alive = 0;
  for (let k = 0; k <= 2 * n; k += 2) alive += m[k]!;
  filledDepthSum = depthSum;
  return Math.min(1, Math.max(0, alive));
}
