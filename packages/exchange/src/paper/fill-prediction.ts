/** Fill-probability prediction: P(fill within h) and the expected fill depth of a passive order. */
import {
  type FillOutcome,
  fillOutcomeDiffusing,
  fillOutcomeDiffusingOnCurve,
  fillProbabilityDiffusing,
  fillProbabilityDiffusingOnCurve,
} from "@mmkit/core";
import type { IntensityEstimate } from "./events.js";

/**
 * Predicted P(fill within h) for a passive order at depth δ = side·(mid − price)/mid: arrivals at
 * λ_eff(δ) = λ(δ⁺) + factor·(λ(δ) − λ(δ⁺)), λ(x) = A·exp(−κx), δ⁺ = δ + tick/mid (prints strictly
 * through us), while the mid diffuses with the estimate's σ (`fillProbabilityDiffusing`). Without
 * σ (or σ = 0) the depth stays δ: 1 − exp(−λ_eff(δ)·h).
 */
export function predictFillProbability(
  intensity: IntensityEstimate,
  depthFrac: number,
  horizonSec: number,
  atPriceFillFactor: number,
  tickFrac: number,
): number {
  if (intensity.curve !== undefined)
    return fillProbabilityDiffusingOnCurve(
      intensity.curve,
      depthFrac,
      intensity.sigmaPerSqrtSec ?? 0,
      horizonSec,
      atPriceFillFactor,
      tickFrac,
    );
  return fillProbabilityDiffusing(
    intensity.aPerSec,
    intensity.kappaPerFrac,
    depthFrac,
    intensity.sigmaPerSqrtSec ?? 0,
    horizonSec,
    atPriceFillFactor,
    tickFrac,
  );
}

/**
 * {@link predictFillProbability} plus where the order stands when it fills (E[depth at the fill |
 * a fill within h], `fillOutcomeDiffusing`), from the same arrival model.
 */
export function predictFillOutcome(
  intensity: IntensityEstimate,
  depthFrac: number,
  horizonSec: number,
  atPriceFillFactor: number,
  tickFrac: number,
): FillOutcome {
  const sigma = intensity.sigmaPerSqrtSec ?? 0;
  if (intensity.curve !== undefined)
    return fillOutcomeDiffusingOnCurve(
      intensity.curve,
      depthFrac,
      sigma,
      horizonSec,
      atPriceFillFactor,
      tickFrac,
    );
  const { aPerSec, kappaPerFrac } = intensity;
  return fillOutcomeDiffusing(
    aPerSec,
    kappaPerFrac,
    depthFrac,
    sigma,
    horizonSec,
    atPriceFillFactor,
    tickFrac,
  );
}
