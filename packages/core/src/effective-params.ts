/**
 * The effective-parameter pipeline: γ, κ and A from config and estimators, in a fixed order —
 * confidence gating → regime blending → signal multipliers → floors and clamps LAST — so no blend
 * or multiplier can ever push κ below its floor (the original system floored before blending and
 * quoted with κ = 6200 under an 8000 floor).
 */
import type { SignalEffect } from "./signal.js";

/** The config fields the pipeline reads (a parsed `QuoteEngineConfig` satisfies this). */
export interface EffectiveParamsSettings {
  gamma: number;
  gammaMin: number;
  gammaMax: number;
  kappaFloorPerFrac: number;
  kappaCapPerFrac: number;
  aFloorPerSec: number;
  priorKappaPerFrac: number;
  priorAPerSec: number;
  /** Pseudo-count n0: the estimate gets weight m / (m + n0), m = samples beyond the estimator's gate. */
  priorSampleCount: number;
  /** The estimator's minimum sample count for a fit (its fitOk gate); weight is 0 at the gate. */
  intensityMinSamples: number;
  /** The estimator's minimum R² for a fit; weight ramps from 0 at this R² to full at R² = 1. */
  intensityMinR2: number;
  regimeBlend: { currentWeight: number; regimeWeight: number };
}

/** What the pipeline reads from an intensity fit (an `IntensityFit` satisfies this). */
export interface IntensityObservation {
  aPerSec: number;
  kappaPerFrac: number;
  sampleCount: number;
  fitOk: boolean;
  usedFallback?: boolean;
  /** Fit R² (optional; when finite, the weight is scaled by the R² ramp). */
  r2?: number;
}

/** Every intermediate value of the pipeline, for the spread trace. */
export interface EffectiveParamsSteps {
  /** Whether the estimator's fit was used at all (fitOk, not a fallback, finite and positive). */
  estimateUsable: boolean;
  /** Estimated κ (NaN when no usable estimate). */
  kappaEstimatedPerFrac: number;
  /** Estimated A (NaN when no usable estimate). */
  aEstimatedPerSec: number;
  /** Weight on the estimate, m/(m + n0) × R² ramp (0 without a usable estimate). */
  estimateWeight: number;
  /** κ after shrinkage toward the prior. */
  kappaGatedPerFrac: number;
  /** A after shrinkage toward the prior. */
  aGatedPerSec: number;
  /** Regime κ = gated κ × regime.kappaMult (equals gated κ without a regime view). */
  kappaRegimePerFrac: number;
  /** κ after regime blending (current·gated + regime·regimeκ). */
  kappaBlendedPerFrac: number;
  /** κ after the signal multiplier. */
  kappaAfterSignalsPerFrac: number;
  /** Configured γ. */
  gammaConfig: number;
  /** γ after regime blending. */
  gammaBlended: number;
  /** γ after the signal multiplier. */
  gammaAfterSignals: number;
  /** Whether the κ floor raised κ. */
  kappaFloorBound: boolean;
  /** Whether the κ cap lowered κ. */
  kappaCapBound: boolean;
  /** Whether the γ clamp changed γ. */
  gammaClampBound: boolean;
  /** Whether the A floor raised A. */
  aFloorBound: boolean;
}

/** The effective γ, κ, A to quote with, plus every intermediate step. */
export interface EffectiveParams {
  gamma: number;
  kappaPerFrac: number;
  aPerSec: number;
  steps: EffectiveParamsSteps;
}

/** Weight on an estimate backed by n samples against a prior worth n0 samples: n / (n + n0), in [0, 1]. */
export function shrinkageWeight(sampleCount: number, priorSampleCount: number): number {
  if (!(sampleCount > 0)) return 0;
  if (!(priorSampleCount > 0)) throw new Error(`priorSampleCount must be > 0, got ${priorSampleCount}`);
  if (sampleCount === Number.POSITIVE_INFINITY) return 1;
  return sampleCount / (sampleCount + priorSampleCount);
}

/**
 * R² quality factor: 1 when r2 is absent/NaN, else clamp((r2 − minR2)/(1 − minR2), 0, 1); with
 * minR2 ≥ 1 only a perfect fit counts (1 when r2 ≥ 1, else 0). RangeError for a NaN or −∞ minR2.
 */
export function r2Ramp(r2: number | undefined, minR2: number): number {
  if (!(minR2 > Number.NEGATIVE_INFINITY))
    throw new RangeError(`r2Ramp: minR2 must be a number > -Infinity, got ${minR2}`);
  if (r2 === undefined || !Number.isFinite(r2)) return 1;
  if (minR2 >= 1) return r2 >= 1 ? 1 : 0;
  return Math.min(1, Math.max(0, (r2 - minR2) / (1 - minR2)));
}

function requirePositiveFinite(name: string, x: number): void {
  if (!(Number.isFinite(x) && x > 0)) throw new Error(`${name} must be finite and > 0, got ${x}`);
}

/**
 * Run the pipeline. Throws an Error naming the bad input when a multiplier or setting is not
 * finite and positive (the quote engine turns that into an empty ladder and a warning).
 * A missing or unusable intensity fit is normal during warm-up: κ and A fall back to the priors.
 */
export function computeEffectiveParams(
  settings: EffectiveParamsSettings,
  intensity: IntensityObservation | null,
  signals: SignalEffect,
): EffectiveParams {
  const s = settings;
  requirePositiveFinite("settings.gamma", s.gamma);
  requirePositiveFinite("settings.priorKappaPerFrac", s.priorKappaPerFrac);
  requirePositiveFinite("settings.priorAPerSec", s.priorAPerSec);
  requirePositiveFinite("signals.kappaMult", signals.kappaMult);
  requirePositiveFinite("signals.gammaMult", signals.gammaMult);
  if (!(s.kappaFloorPerFrac <= s.kappaCapPerFrac)) {
    throw new Error(
      `settings.kappaFloorPerFrac (${s.kappaFloorPerFrac}) must be ≤ kappaCapPerFrac (${s.kappaCapPerFrac})`,
    );
  }
  if (!(s.gammaMin <= s.gammaMax)) {
    throw new Error(`settings.gammaMin (${s.gammaMin}) must be ≤ gammaMax (${s.gammaMax})`);
  }

  // 1. Confidence gating: shrink toward the prior — smooth, monotone in the sample count, no cliff.
  const usable =
    intensity?.fitOk === true &&
    intensity.usedFallback !== true &&
    Number.isFinite(intensity.kappaPerFrac) &&
    intensity.kappaPerFrac > 0 &&
    Number.isFinite(intensity.aPerSec) &&
    intensity.aPerSec > 0 &&
    intensity.sampleCount >= 0;
  // Count beyond the estimator's own gate, so the weight starts at 0 exactly when fitOk first turns true,
  // and an R² ramp that is 0 at the estimator's R² gate: no jump when either gate flips.
  const w = usable
    ? shrinkageWeight(Math.max(0, intensity.sampleCount - s.intensityMinSamples), s.priorSampleCount) *
      r2Ramp(intensity.r2, s.intensityMinR2)
    : 0;
  const kappaEst = usable ? intensity.kappaPerFrac : Number.NaN;
  const aEst = usable ? intensity.aPerSec : Number.NaN;
  const kappaGated = usable ? w * kappaEst + (1 - w) * s.priorKappaPerFrac : s.priorKappaPerFrac;
  const aGated = usable ? w * aEst + (1 - w) * s.priorAPerSec : s.priorAPerSec;

  // 2. Regime blending: current·κ + regime·(κ × regime.kappaMult); γ likewise.
  const { currentWeight, regimeWeight } = s.regimeBlend;
  let kappaRegime = kappaGated;
  let kappaBlended = kappaGated;
  let gammaBlended = s.gamma;
  if (signals.regime !== undefined) {
    requirePositiveFinite("signals.regime.kappaMult", signals.regime.kappaMult);
    requirePositiveFinite("signals.regime.gammaMult", signals.regime.gammaMult);
    kappaRegime = kappaGated * signals.regime.kappaMult;
    kappaBlended = currentWeight * kappaGated + regimeWeight * kappaRegime;
    gammaBlended = s.gamma * (currentWeight + regimeWeight * signals.regime.gammaMult);
  }

  // 3. Signal multipliers.
  const kappaSig = kappaBlended * signals.kappaMult;
  const gammaSig = gammaBlended * signals.gammaMult;

  // 4. Floors and clamps, last.
  const kappa = Math.min(Math.max(kappaSig, s.kappaFloorPerFrac), s.kappaCapPerFrac);
  const gamma = Math.min(Math.max(gammaSig, s.gammaMin), s.gammaMax);
  const aPerSec = Math.max(aGated, s.aFloorPerSec);

  return {
    gamma,
    kappaPerFrac: kappa,
    aPerSec,
    steps: {
      estimateUsable: usable,
      kappaEstimatedPerFrac: kappaEst,
      aEstimatedPerSec: aEst,
      estimateWeight: w,
      kappaGatedPerFrac: kappaGated,
      aGatedPerSec: aGated,
      kappaRegimePerFrac: kappaRegime,
      kappaBlendedPerFrac: kappaBlended,
      kappaAfterSignalsPerFrac: kappaSig,
      gammaConfig: s.gamma,
      gammaBlended,
      gammaAfterSignals: gammaSig,
      kappaFloorBound: kappaSig < s.kappaFloorPerFrac,
      kappaCapBound: kappaSig > s.kappaCapPerFrac,
      gammaClampBound: gamma !== gammaSig,
      aFloorBound: aGated < s.aFloorPerSec,
    },
  };
}
