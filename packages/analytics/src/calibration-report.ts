/** Calibration report: the Brier decomposition, skill, CIs and reliability table of `BrierCalibration.report`. */
import type { BlockMeanCi } from "./time-block-mean.js";

/** One bin of the reliability table. */
export interface ReliabilityBin {
  /** Bin index. */
  bin: number;
  /** Lower edge (inclusive). */
  lo: number;
  /** Upper edge (exclusive, except the last bin which includes 1). */
  hi: number;
  /** Forecasts in the bin. */
  n: number;
  /** Mean forecast in the bin (null if empty). */
  meanForecast: number | null;
  /** Observed event frequency in the bin (null if empty). */
  observedFreq: number | null;
  /** True when n < minBinCount: the bin's frequency is too noisy to trust. */
  lowCount: boolean;
}

/** Calibration report; produced only when at least one forecast was seen. */
export interface CalibrationReport {
  n: number;
  /** Observed event frequency ō. */
  baseRate: number;
  /** Mean (f − o)². */
  brier: number;
  reliability: number;
  resolution: number;
  uncertainty: number;
  /** Within-bin forecast variance term WBV. */
  withinBinVariance: number;
  /** Within-bin forecast/outcome covariance term WBC. */
  withinBinCovariance: number;
  /** Mean log loss with forecasts clipped to [eps, 1 − eps]. */
  logLoss: number;
  /** Clipping eps used in the log loss. */
  logLossEps: number;
  /** 1 − BS / UNC (null when UNC = 0, i.e. all outcomes equal). */
  brierSkill: number | null;
  /** Bootstrap percentile CI of the Brier score (null if not requested or n < 2). */
  brierCi: { level: number; lo: number; hi: number; nBoot: number; resampledFrom: number } | null;
  /**
   * 95 % CI of the Brier score from time blocks (`blockMs`; forecasts placed close together are
   * decided by the same market moves, which the bootstrap of single forecasts ignores); null without
   * `blockMs`, when some forecast had no time, or below 2 blocks; clipped to [0, 1], the score's range.
   */
  brierBlockCi: BlockMeanCi | null;
  table: ReliabilityBin[];
  minBinCount: number;
}
