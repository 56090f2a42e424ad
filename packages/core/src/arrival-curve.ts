/**
 * Empirical arrival curves: the rate λ(δ) at which market orders reach depth δ, measured from the
 * tape (`IntensityEstimator.arrivalCurve()`), and the fill probability / outcome of a resting
 * order on the diffusing-mid lattice with λ taken from such a curve instead of A·e^{−κδ} — for
 * tapes the exponential does not describe (e.g. a deep BTC book where nearly every print is at
 * the touch).
 */
import {
  atPriceBlendedRate,
  diffusionInputsOk,
  type FillOutcome,
  latticeFillOutcome,
  latticeFillProbability,
  MAX_STEPS,
  survival,
} from "./fill-lattice.js";

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

/**
 * λ(δ) on an {@link ArrivalCurve}: linear between points, flat before the first and after the last.
 * O(log n) per call, so the curve is not re-validated in full (check it once with
 * {@link arrivalCurveProblem}; the fill-probability functions below do): a RangeError for a NaN
 * depth, mismatched or too short arrays, a last depth not above the first, or when the two points
 * it interpolates between hold a NaN depth or give a rate that is not finite and >= 0. Unsorted
 * inner depths are not detected here (the lookup then interpolates between two bracketing points).
 */
export function arrivalRateOnCurve(curve: ArrivalCurve, depthFrac: number): number {
  const d = curve.depthFrac;
  const r = curve.ratePerSec;
  const last = d.length - 1;
  if (!(last >= 1 && r.length === d.length && d[0]! < d[last]!)) {
    throw new RangeError(
      `arrivalRateOnCurve: ${arrivalCurveProblem(curve) ?? "arrival curve needs arrays of the same length >= 2"}`,
    );
  }
  if (Number.isNaN(depthFrac)) throw new RangeError("arrivalRateOnCurve: depthFrac must not be NaN");
  let rate: number;
  if (depthFrac <= d[0]!) rate = r[0]!;
  else if (depthFrac >= d[last]!) rate = r[last]!;
  else {
    let lo = 0;
    let hi = last;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (d[mid]! <= depthFrac) lo = mid;
      else hi = mid;
    }
    const span = d[hi]! - d[lo]!;
    if (!(span > 0)) throw curveError(curve);
    rate = r[lo]! + ((depthFrac - d[lo]!) / span) * (r[hi]! - r[lo]!);
  }
  if (!(rate >= 0 && rate < Number.POSITIVE_INFINITY)) throw curveError(curve);
  return rate;
}

/** The RangeError for a curve found broken mid-lookup (names the first problem). */
function curveError(curve: ArrivalCurve): RangeError {
  return new RangeError(`arrivalRateOnCurve: ${arrivalCurveProblem(curve) ?? "invalid arrival curve"}`);
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
  return latticeFillProbability(
    prepareCurve(
      "fillProbabilityDiffusingOnCurve",
      curve,
      depthFrac,
      sigmaPerSqrtSec,
      horizonSec,
      atPriceFillFactor,
      tickFrac,
    ),
    staticP,
  );
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
  const n = prepareCurve(
    "fillOutcomeDiffusingOnCurve",
    curve,
    depthFrac,
    sigmaPerSqrtSec,
    horizonSec,
    atPriceFillFactor,
    tickFrac,
  );
  return latticeFillOutcome(n, staticP, depthFrac, sigmaPerSqrtSec, horizonSec);
}

/** λ_eff(δ) on a curve: prints through our price, plus `factor` of those exactly at it. */
function curveRate(curve: ArrivalCurve, depth: number, atPriceFillFactor: number, tickFrac: number): number {
  return atPriceBlendedRate((d) => arrivalRateOnCurve(curve, d), depth, atPriceFillFactor, tickFrac);
}

// The static formula's P(fill) when `prepareCurve` returned 0.
let staticP = 0;

/**
 * Validate the inputs (RangeError naming `fn`) and fill `survival[0..2·MAX_STEPS]` for arrivals
 * from a curve; returns MAX_STEPS, or 0 when σ = 0 or h = 0 — then `staticP` holds
 * 1 − exp(−λ_eff(δ₀)·h).
 */
function prepareCurve(
  fn: string,
  curve: ArrivalCurve,
  depthFrac: number,
  sigmaPerSqrtSec: number,
  horizonSec: number,
  atPriceFillFactor: number,
  tickFrac: number,
): number {
  const problem = arrivalCurveProblem(curve);
  if (problem !== null) throw new RangeError(`${fn}: ${problem}`);
  if (!diffusionInputsOk(depthFrac, sigmaPerSqrtSec, horizonSec)) {
    throw new RangeError(
      `${fn}: need finite σ, h >= 0 and a finite depth; got δ=${depthFrac} σ=${sigmaPerSqrtSec} h=${horizonSec}`,
    );
  }
  if (sigmaPerSqrtSec === 0 || horizonSec === 0) {
    staticP = -Math.expm1(-curveRate(curve, depthFrac, atPriceFillFactor, tickFrac) * horizonSec);
    return 0;
  }
  const n = MAX_STEPS;
  const dt = horizonSec / n;
  const dx = sigmaPerSqrtSec * Math.sqrt(dt);
  const halfDt = 0.5 * dt;
  for (let k = 0; k <= 2 * n; k++)
    survival[k] = Math.exp(-curveRate(curve, depthFrac + (k - n) * dx, atPriceFillFactor, tickFrac) * halfDt);
  return n;
}
