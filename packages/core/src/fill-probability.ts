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
  const n = exponentialLattice(
    "fillProbabilityDiffusing",
    aPerSec,
    kappaPerFrac,
    depthFrac,
    sigmaPerSqrtSec,
    horizonSec,
    atPriceFillFactor,
    tickFrac,
  );
  return n === 0 ? staticP : 1 - propagate(n, false, 0, 0);
}

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
  const n = exponentialLattice(
    "fillOutcomeDiffusing",
    aPerSec,
    kappaPerFrac,
    depthFrac,
    sigmaPerSqrtSec,
    horizonSec,
    atPriceFillFactor,
    tickFrac,
  );
  if (n === 0) return staticOutcome(staticP, depthFrac);
  return latticeOutcome(n, depthFrac, sigmaPerSqrtSec * Math.sqrt(horizonSec / n));
}

// The static formula's P(fill) when `exponentialLattice` returned 0.
let staticP = 0;

/**
 * Validate the inputs (RangeError naming `fn`) and prepare the lattice for A·e^{−κδ} arrivals;
 * returns its step count, or 0 when the depth cannot move (σ = 0), the rate does not depend on it
 * (κ = 0) or no time passes — then `staticP` holds 1 − exp(−λ_eff(δ₀)·h) (with tick 0 exactly
 * `fillProbabilityWithin`).
 */
function exponentialLattice(
  fn: string,
  aPerSec: number,
  kappaPerFrac: number,
  depthFrac: number,
  sigmaPerSqrtSec: number,
  horizonSec: number,
  atPriceFillFactor: number,
  tickFrac: number,
): number {
  checkExponentialInputs(fn, aPerSec, kappaPerFrac, depthFrac, sigmaPerSqrtSec, horizonSec);
  const n = prepareExponential(
    aPerSec,
    kappaPerFrac,
    depthFrac,
    sigmaPerSqrtSec,
    horizonSec,
    atPriceFillFactor,
    tickFrac,
  );
  if (n === 0) {
    const lam = effectiveArrivalRatePerSec(aPerSec, kappaPerFrac, depthFrac, atPriceFillFactor, tickFrac);
    staticP = -Math.expm1(-lam * horizonSec);
  }
  return n;
}

function checkExponentialInputs(
  fn: string,
  aPerSec: number,
  kappaPerFrac: number,
  depthFrac: number,
  sigmaPerSqrtSec: number,
  horizonSec: number,
): void {
  if (
    !(aPerSec >= 0 && kappaPerFrac >= 0 && Number.isFinite(aPerSec) && Number.isFinite(kappaPerFrac)) ||
    !diffusionInputsOk(depthFrac, sigmaPerSqrtSec, horizonSec)
  ) {
    throw new RangeError(
      `${fn}: need finite A, κ, σ, h >= 0 and a finite depth; got A=${aPerSec} κ=${kappaPerFrac} δ=${depthFrac} σ=${sigmaPerSqrtSec} h=${horizonSec}`,
    );
  }
}

/**
 * Fill `survival[0..2n]` for A·e^{−κδ} arrivals and return the lattice's step count n, or 0 when
 * the static formula applies (σ = 0, κ = 0 or h = 0).
 */
function prepareExponential(
  aPerSec: number,
  kappaPerFrac: number,
  depthFrac: number,
  sigmaPerSqrtSec: number,
  horizonSec: number,
  atPriceFillFactor: number,
  tickFrac: number,
): number {
  if (sigmaPerSqrtSec === 0 || kappaPerFrac === 0 || horizonSec === 0) return 0;
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

function staticOutcome(pFill: number, depthFrac: number): FillOutcome {
  return { pFill, expectedDepthAtFillFrac: pFill > 0 ? depthFrac : Number.NaN };
}

/** Run the lattice tracking where mass fills; the outcome for a lattice prepared in `survival`. */
function latticeOutcome(n: number, depthFrac: number, dx: number): FillOutcome {
  const pFill = 1 - propagate(n, true, depthFrac, dx);
  return { pFill, expectedDepthAtFillFrac: pFill > 0 ? filledDepthSum / (1 - latticeAlive) : Number.NaN };
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

// What the last `propagate` with depth tracking measured: Σ (mass filled at a node) × (its depth),
// and the unfilled mass before clamping (the filled mass is 1 − that).
let filledDepthSum = 0;
let latticeAlive = 1;

/**
 * The lattice's survival: propagate probability mass from the centre node through n steps with
 * the per-node half-step survival factors in `survival[0..2n]`; returns the mass still unfilled
 * (clamped to [0, 1]). With `trackDepth`, also sums the mass that fills at each node times the
 * node's depth δ₀ + (k − n)·dx into `filledDepthSum` (the mass arithmetic is the same either way).
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
  latticeAlive = alive;
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
  checkCurveInputs("fillProbabilityDiffusingOnCurve", curve, depthFrac, sigmaPerSqrtSec, horizonSec);
  if (sigmaPerSqrtSec === 0 || horizonSec === 0)
    return -Math.expm1(-curveRate(curve, depthFrac, atPriceFillFactor, tickFrac) * horizonSec);
  prepareCurve(curve, depthFrac, sigmaPerSqrtSec, horizonSec, atPriceFillFactor, tickFrac);
  return 1 - propagate(MAX_STEPS, false, 0, 0);
}

/** {@link fillOutcomeDiffusing} with λ from an empirical {@link ArrivalCurve}. */
export function fillOutcomeDiffusingOnCurve(
  curve: ArrivalCurve,
  depthFrac: number,
  sigmaPerSqrtSec: number,
  horizonSec: number,
  atPriceFillFactor = 1,
  tickFrac = 0,
): FillOutcome {
  checkCurveInputs("fillOutcomeDiffusingOnCurve", curve, depthFrac, sigmaPerSqrtSec, horizonSec);
  if (sigmaPerSqrtSec === 0 || horizonSec === 0) {
    const lam = curveRate(curve, depthFrac, atPriceFillFactor, tickFrac);
    return staticOutcome(-Math.expm1(-lam * horizonSec), depthFrac);
  }
  prepareCurve(curve, depthFrac, sigmaPerSqrtSec, horizonSec, atPriceFillFactor, tickFrac);
  return latticeOutcome(MAX_STEPS, depthFrac, sigmaPerSqrtSec * Math.sqrt(horizonSec / MAX_STEPS));
}

function checkCurveInputs(
  fn: string,
  curve: ArrivalCurve,
  depthFrac: number,
  sigmaPerSqrtSec: number,
  horizonSec: number,
): void {
  const problem = arrivalCurveProblem(curve);
  if (problem !== null) throw new RangeError(`${fn}: ${problem}`);
  if (!diffusionInputsOk(depthFrac, sigmaPerSqrtSec, horizonSec)) {
    throw new RangeError(
      `${fn}: need finite σ, h >= 0 and a finite depth; got δ=${depthFrac} σ=${sigmaPerSqrtSec} h=${horizonSec}`,
    );
  }
}

/** λ_eff(δ) on a curve: prints through our price, plus `factor` of those exactly at it. */
function curveRate(curve: ArrivalCurve, depth: number, atPriceFillFactor: number, tickFrac: number): number {
  if (tickFrac <= 0 || atPriceFillFactor >= 1) return arrivalRateOnCurve(curve, depth);
  const lamAt = arrivalRateOnCurve(curve, depth);
  const lamThrough = arrivalRateOnCurve(curve, depth + tickFrac);
  return lamThrough + atPriceFillFactor * (lamAt - lamThrough);
}

/** Fill `survival[0..2·MAX_STEPS]` for arrivals from a curve (σ > 0, h > 0). */
function prepareCurve(
  curve: ArrivalCurve,
  depthFrac: number,
  sigmaPerSqrtSec: number,
  horizonSec: number,
  atPriceFillFactor: number,
  tickFrac: number,
): void {
  const n = MAX_STEPS;
  const dt = horizonSec / n;
  const dx = sigmaPerSqrtSec * Math.sqrt(dt);
  const halfDt = 0.5 * dt;
  for (let k = 0; k <= 2 * n; k++)
    survival[k] = Math.exp(-curveRate(curve, depthFrac + (k - n) * dx, atPriceFillFactor, tickFrac) * halfDt);
}
