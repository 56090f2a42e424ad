/** Edge report: the verdict and per-horizon statistics returned by `EdgeTracker.report`. */
import type { TTestResult } from "./stats.js";

/** Verdict on the edge at the primary horizon. */
export type EdgeVerdict = "INSUFFICIENT_DATA" | "POSITIVE_EDGE" | "NO_SIGNIFICANT_EDGE" | "NEGATIVE_EDGE";

/** Edge statistics at one markout horizon. */
export interface EdgeHorizonStats {
  horizonMs: number;
  /** Fills with a known realized edge at this horizon. */
  n: number;
  meanRealizedEdgeBps: number | null;
  stdRealizedEdgeBps: number | null;
  meanPredictedEdgeBps: number | null;
  /** Mean of predicted − realized edge (bps), from the first fill on (its test needs two). */
  meanBiasBps: number | null;
  /** One-sample t-test of mean realized edge treating fills as independent, H1: edge > 0 (`p` one-sided; `ci95` two-sided 95% t CI). */
  edgeTest: TTestResult | null;
  /** t-test of mean(predicted − realized) = 0 treating fills as independent (two-sided). */
  biasTest: TTestResult | null;
  /**
   * The same test with the overlap-robust (HAC, Bartlett weights over the markout horizon in time)
   * standard error and df = effective n − 1: fills closer than the horizon share the mid's move.
   * The verdict uses this one.
   */
  edgeTestOverlap: TTestResult | null;
  /** The bias test with the overlap-robust standard error. */
  biasTestOverlap: TTestResult | null;
  /**
   * The interval the verdict decides on: the overlap-robust two-sided CI at level 1 − 2α (90% at
   * α = 0.05). The verdict is POSITIVE_EDGE exactly when it lies above 0 and NEGATIVE_EDGE when
   * below (two one-sided tests at α); a 95% CI would disagree with it for 0.025 ≤ p < 0.05.
   */
  verdictInterval: [number, number] | null;
  /** s²/Var(mean) of the realized edge: the independent fills the sample is worth (n without overlap). */
  effectiveN: number | null;
  /** Verdict at this horizon (from the overlap-robust tests). */
  verdict: EdgeVerdict;
}

/** Result of {@link EdgeTracker.report}. */
export interface EdgeReport {
  fills: number;
  minSamples: number;
  alpha: number;
  primaryHorizonMs: number | null;
  horizons: EdgeHorizonStats[];
  /** Verdict at the primary horizon ("INSUFFICIENT_DATA" with no data). */
  verdict: EdgeVerdict;
}
