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

/**
 * Fewest and most lattice steps per horizon. N = ⌈(κσ√h)²/2⌉ keeps a lattice step from moving λ
 * by more than a factor e^√2 where it can; against a Monte Carlo of the continuous model the
 * error is below 0.01 (tests), far below what a Brier score can resolve.
 */
const MIN_STEPS = 8;
const MAX_STEPS = 64;

// Scratch (the function is synchronous and not re-entrant): survival factors and two mass rows.
// Every mass entry read in a step was written in the step before, so they need no clearing.
const survival = new Float64Array(2 * MAX_STEPS + 1);
const massA = new Float64Array(2 * MAX_STEPS + 1);
const massB = new Float64Array(2 * MAX_STEPS + 1);

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
  if (tickFrac <= 0 || atPriceFillFactor >= 1) return arrivalRatePerSec(aPerSec, kappaPerFrac, depthFrac);
  const lamAt = aPerSec * Math.exp(-kappaPerFrac * Math.max(0, depthFrac));
  const lamThrough = aPerSec * Math.exp(-kappaPerFrac * Math.max(0, depthFrac + tickFrac));
  return lamThrough + atPriceFillFactor * (lamAt - lamThrough);
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
  if (
    !(aPerSec >= 0 && kappaPerFrac >= 0 && Number.isFinite(aPerSec) && Number.isFinite(kappaPerFrac)) ||
    !diffusionInputsOk(depthFrac, sigmaPerSqrtSec, horizonSec)
  ) {
    throw new RangeError(
      `fillProbabilityDiffusing: need finite A, κ, σ, h >= 0 and a finite depth; got A=${aPerSec} κ=${kappaPerFrac} δ=${depthFrac} σ=${sigmaPerSqrtSec} h=${horizonSec}`,
    );
  }
  // The depth cannot move (σ = 0), the rate does not depend on it (κ = 0), or no time passes:
  // the static formula (with tick 0 exactly `fillProbabilityWithin`).
  if (sigmaPerSqrtSec === 0 || kappaPerFrac === 0 || horizonSec === 0) {
    const lam = effectiveArrivalRatePerSec(aPerSec, kappaPerFrac, depthFrac, atPriceFillFactor, tickFrac);
    return -Math.expm1(-lam * horizonSec);
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
  return 1 - noFillProbabilityOnLattice(n);
}

/** A finite depth and finite σ, h >= 0 (the inputs both lattices share). */
function diffusionInputsOk(depthFrac: number, sigmaPerSqrtSec: number, horizonSec: number): boolean {
  return (
    sigmaPerSqrtSec >= 0 &&
    horizonSec >= 0 &&
    Number.isFinite(depthFrac) &&
    Number.isFinite(sigmaPerSqrtSec) &&
    Number.isFinite(horizonSec)
  );
}

/**
 * The lattice's survival: propagate probability mass from the centre node through n steps with
 * the per-node half-step survival factors in `survival[0..2n]`; returns the mass still unfilled.
 */
function noFillProbabilityOnLattice(n: number): number {
  let m = massA;
  let m2 = massB;
  m[n] = 1;
  for (let s = 0; s < n; s++) {
    // Survive half a step at the node, move ±dx with probability ½ each, survive half a step there.
    const lo = n - s;
    const hi = n + s;
    for (let k = lo; k <= hi; k += 2) m[k] = m[k]! * survival[k]!;
    m2[lo - 1] = 0.5 * m[lo]! * survival[lo - 1]!;
    for (let k = lo + 1; k <= hi - 1; k += 2) m2[k] = 0.5 * (m[k - 1]! + m[k + 1]!) * survival[k]!;
    m2[hi + 1] = 0.5 * m[hi]! * survival[hi + 1]!;
    const t = m;
    m = m2;
    m2 = t;
  }
  let alive = 0;
  for (let k = 0; k <= 2 * n; k += 2) alive += m[k]!;
  return Math.min(1, Math.max(0, alive));
}

/**
 * An empirical arrival-rate curve: λ (market orders per second reaching depth δ on one side) at
 * increasing depths (fraction of mid). Between points λ is linear, before the first point it is
 * the first rate (the touch), past the last point the last rate. Used for predictions when the
 * exponential A·e^{−κδ} does not describe the tape (its fit fails), instead of a prior.
 */
export interface ArrivalCurve {
  /** Depths, fraction of mid, strictly increasing (at least 2). */
  depthFrac: readonly number[];
  /** Arrival rate per second per side at each depth, finite and >= 0. */
  ratePerSec: readonly number[];
}

/** Why `curve` is not a valid {@link ArrivalCurve}, or null. */
export function arrivalCurveProblem(curve: ArrivalCurve): string | null {
  const d = curve.depthFrac;
  const r = curve.ratePerSec;
  if (!Array.isArray(d) || !Array.isArray(r) || d.length !== r.length || d.length < 2)
    return "arrival curve needs depthFrac and ratePerSec arrays of the same length >= 2";
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i]) || (i > 0 && !(d[i]! > d[i - 1]!)))
      return `arrival curve depthFrac must be finite and strictly increasing (index ${i}: ${d[i]})`;
    if (!(Number.isFinite(r[i]) && r[i]! >= 0))
      return `arrival curve ratePerSec must be finite and >= 0 (index ${i}: ${r[i]})`;
  }
  return null;
}

/** λ(δ) on an {@link ArrivalCurve}: linear between points, flat before the first and after the last. */
export function arrivalRateOnCurve(curve: ArrivalCurve, depthFrac: number): number {
  const d = curve.depthFrac;
  const r = curve.ratePerSec;
  const last = d.length - 1;
  if (depthFrac <= d[0]!) return r[0]!;
  if (depthFrac >= d[last]!) return r[last]!;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (d[mid]! <= depthFrac) lo = mid;
    else hi = mid;
  }
  const w = (depthFrac - d[lo]!) / (d[hi]! - d[lo]!);
  return r[lo]! + w * (r[hi]! - r[lo]!);
}

/**
 * {@link fillProbabilityDiffusing} with λ taken from an empirical {@link ArrivalCurve} instead of
 * A·e^{−κδ}: 1 − E[exp(−∫λ_eff(δ₀ + σW_t)dt)], λ_eff(δ) = λ(δ⁺) + factor·(λ(δ) − λ(δ⁺)) with
 * δ⁺ = δ + tickFrac. On a lattice of 64 steps (σ > 0); σ = 0 or h = 0 gives the static formula.
 * Throws RangeError on an invalid curve or non-finite / negative σ, h, δ.
 */
export function fillProbabilityDiffusingOnCurve(
  curve: ArrivalCurve,
  depthFrac: number,
  sigmaPerSqrtSec: number,
  horizonSec: number,
  atPriceFillFactor = 1,
  tickFrac = 0,
): number {
  const problem = arrivalCurveProblem(curve);
  if (problem !== null) throw new RangeError(`fillProbabilityDiffusingOnCurve: ${problem}`);
  if (!diffusionInputsOk(depthFrac, sigmaPerSqrtSec, horizonSec)) {
    throw new RangeError(
      `fillProbabilityDiffusingOnCurve: need finite σ, h >= 0 and a finite depth; got δ=${depthFrac} σ=${sigmaPerSqrtSec} h=${horizonSec}`,
    );
  }
  const rate = (depth: number): number => {
    if (tickFrac <= 0 || atPriceFillFactor >= 1) return arrivalRateOnCurve(curve, depth);
    const lamAt = arrivalRateOnCurve(curve, depth);
    const lamThrough = arrivalRateOnCurve(curve, depth + tickFrac);
    return lamThrough + atPriceFillFactor * (lamAt - lamThrough);
  };
  if (sigmaPerSqrtSec === 0 || horizonSec === 0) return -Math.expm1(-rate(depthFrac) * horizonSec);
  const n = MAX_STEPS;
  const dt = horizonSec / n;
  const dx = sigmaPerSqrtSec * Math.sqrt(dt);
  const halfDt = 0.5 * dt;
  for (let k = 0; k <= 2 * n; k++) survival[k] = Math.exp(-rate(depthFrac + (k - n) * dx) * halfDt);
  return 1 - noFillProbabilityOnLattice(n);
}
