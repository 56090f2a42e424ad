/**
 * Probability that a resting passive order fills within a horizon when the mid keeps moving.
 *
 * Model (the one GLFT quotes under): market orders arrive as a Poisson process whose rate at depth
 * δ (distance of our price behind the mid, fraction of mid) is λ(δ) = A·exp(−κ·max(δ, 0)), and the
 * mid is a driftless Brownian motion with volatility σ (fraction of mid per √s). Our price is fixed
 * while the mid moves, so the depth is δ_t = δ₀ + σ·W_t and
 *
 *   P(fill within h) = 1 − E[exp(−∫₀ʰ λ(δ_t) dt)].
 *
 * With σ = 0 this is the static formula 1 − exp(−λ(δ₀)·h) (`fillProbabilityWithin`), which
 * under-predicts long horizons: over 30 s the mid moves several times the quote depth. The
 * expectation has no closed form; it is computed on a binomial lattice of the Brownian motion
 * (N steps of ±σ√(h/N), survival over a step by the trapezoid rule on λ), exact when κ = 0 or
 * σ = 0 and within about 0.01 of the continuous model otherwise (N grows with κσ√h, 8 to 64).
 */
import { arrivalRatePerSec } from "./intensity.js";
import {
  atPriceBlendedRate,
  diffusionInputsOk,
  type FillOutcome,
  latticeFillOutcome,
  latticeFillProbability,
  MAX_STEPS,
  MIN_STEPS,
  survival,
} from "./fill-lattice.js";

export type { FillOutcome } from "./fill-lattice.js";

/**
 * Arrival rate (per second) of market orders that fill a passive order at depth δ on a price grid:
 * λ(δ⁺) + factor·(λ(δ) − λ(δ⁺)), with δ⁺ = δ + tick/mid (prints strictly through our price always
 * fill; a print exactly at our price fills with `atPriceFillFactor`: touch p, queue 1, through 0).
 * With tickFrac 0 or factor ≥ 1 it is λ(δ) = A·exp(−κ·max(δ, 0)).
 */
export function effectiveArrivalRatePerSec(
  aPerSec: number,
  kappaPerFrac: number,
  depthFrac: number,
  atPriceFillFactor = 1,
  tickFrac = 0,
): number {
  return atPriceBlendedRate(
    (d) => arrivalRatePerSec(aPerSec, kappaPerFrac, d),
    depthFrac,
    atPriceFillFactor,
    tickFrac,
  );
}

/** Lattice steps used for a horizon: ⌈(κσ√h)²/2⌉ clamped to [8, 64]. */
export function fillLatticeSteps(kappaPerFrac: number, sigmaPerSqrtSec: number, horizonSec: number): number {
  const b = kappaPerFrac * sigmaPerSqrtSec * Math.sqrt(horizonSec);
  const n = Math.ceil(0.5 * b * b);
  return Math.min(MAX_STEPS, Math.max(MIN_STEPS, n));
}

/**
 * P(a passive order at depth δ₀ fills within `horizonSec`) when the mid diffuses with σ per √s:
 * 1 − E[exp(−∫λ(δ₀ + σW_t)dt)], λ from `effectiveArrivalRatePerSec`. σ = 0 gives the static
 * 1 − exp(−λ(δ₀)·h). Inputs must be finite with A, κ, σ, h ≥ 0 (else RangeError).
 */
export function fillProbabilityDiffusing(
  aPerSec: number,
  kappaPerFrac: number,
  depthFrac: number,
  sigmaPerSqrtSec: number,
  horizonSec: number,
  atPriceFillFactor = 1,
  tickFrac = 0,
): number {
  return latticeFillProbability(
    prepareExponential(
      "fillProbabilityDiffusing",
      aPerSec,
      kappaPerFrac,
      depthFrac,
      sigmaPerSqrtSec,
      horizonSec,
      atPriceFillFactor,
      tickFrac,
    ),
    staticP,
  );
}

/**
 * {@link fillProbabilityDiffusing} plus the expected depth at the fill, from the same lattice: the
 * probability mass that fills at each node, weighted by the node's depth.
 */
export function fillOutcomeDiffusing(
  aPerSec: number,
  kappaPerFrac: number,
  depthFrac: number,
  sigmaPerSqrtSec: number,
  horizonSec: number,
  atPriceFillFactor = 1,
  tickFrac = 0,
): FillOutcome {
  const n = prepareExponential(
    "fillOutcomeDiffusing",
    aPerSec,
    kappaPerFrac,
    depthFrac,
    sigmaPerSqrtSec,
    horizonSec,
    atPriceFillFactor,
    tickFrac,
  );
  return latticeFillOutcome(n, staticP, depthFrac, sigmaPerSqrtSec, horizonSec);
}

// The static formula's P(fill) when `prepareExponential` returned 0.
let staticP = 0;

/**
 * Validate the inputs (RangeError naming `fn`) and fill `survival[0..2n]` for A·e^{−κδ} arrivals;
 * returns the lattice's step count n, or 0 when the depth cannot move (σ = 0), the rate does not
 * depend on it (κ = 0) or no time passes — then `staticP` holds 1 − exp(−λ_eff(δ₀)·h) (with tick 0
 * exactly `fillProbabilityWithin`).
 */
function prepareExponential(
  fn: string,
  aPerSec: number,
  kappaPerFrac: number,
  depthFrac: number,
  sigmaPerSqrtSec: number,
  horizonSec: number,
  atPriceFillFactor: number,
  tickFrac: number,
): number {
  if (
    !(aPerSec >= 0 && kappaPerFrac >= 0 && Number.isFinite(aPerSec) && Number.isFinite(kappaPerFrac)) ||
    !diffusionInputsOk(depthFrac, sigmaPerSqrtSec, horizonSec)
  ) {
    throw new RangeError(
      `${fn}: need finite A, κ, σ, h >= 0 and a finite depth; got A=${aPerSec} κ=${kappaPerFrac} δ=${depthFrac} σ=${sigmaPerSqrtSec} h=${horizonSec}`,
    );
  }
  if (sigmaPerSqrtSec === 0 || kappaPerFrac === 0 || horizonSec === 0) {
    const lam = effectiveArrivalRatePerSec(aPerSec, kappaPerFrac, depthFrac, atPriceFillFactor, tickFrac);
    staticP = -Math.expm1(-lam * horizonSec);
    return 0;
  }
  const n = fillLatticeSteps(kappaPerFrac, sigmaPerSqrtSec, horizonSec);
  const dt = horizonSec / n;
  const dx = sigmaPerSqrtSec * Math.sqrt(dt);
  const halfDt = 0.5 * dt;
  // Node k ↔ depth δ₀ + (k − n)·dx; after s steps only nodes n−s, n−s+2, …, n+s carry mass.
  // Behind the mid (δ ≥ 0) λ_eff = g·A·e^{−κδ} with g the at-price blend, geometric in k: one exp
  // for the first such node, then a ratio; nodes past the mid use the general formula.
  const g =
    tickFrac <= 0 || atPriceFillFactor >= 1
      ? 1
      : Math.exp(-kappaPerFrac * tickFrac) + atPriceFillFactor * -Math.expm1(-kappaPerFrac * tickFrac);
  const ratio = Math.exp(-kappaPerFrac * dx);
  let k = 0;
  for (; k <= 2 * n; k++) {
    const depth = depthFrac + (k - n) * dx;
    if (depth >= 0) break;
    survival[k] = Math.exp(
      -effectiveArrivalRatePerSec(aPerSec, kappaPerFrac, depth, atPriceFillFactor, tickFrac) * halfDt,
    );
  }
  if (k <= 2 * n) {
    let lamHalfDt = g * aPerSec * Math.exp(-kappaPerFrac * (depthFrac + (k - n) * dx)) * halfDt;
    for (; k <= 2 * n; k++) {
      survival[k] = Math.exp(-lamHalfDt);
      lamHalfDt *= ratio;
    }
  }
  return n;
}
