/** Checkpoint formats of `BrierCalibration`: version 2 (written) and version 1 (still read). */
import type { EncodedNumber } from "./checkpoint.js";
import type { SeededRandomState } from "./prng.js";
import type { TimeBlockMeanState } from "./time-block-mean.js";

/** Checkpoint of a {@link BrierCalibration}: version 2 (written) or version 1 (still read). */
export type BrierCalibrationState = BrierCalibrationStateV1 | BrierCalibrationStateV2;

/** Version-1 checkpoint; per-bin sums have `bins` elements, the reservoir its filled part. */
export interface BrierCalibrationStateV1 {
  version: 1;
  config: {
    bins: number;
    minBinCount: EncodedNumber;
    logLossEps: EncodedNumber;
    reservoirSize: number;
    seed: number;
  };
  n: number;
  binCount: EncodedNumber[];
  sumForecast: EncodedNumber[];
  sumForecastSq: EncodedNumber[];
  sumOutcome: EncodedNumber[];
  sumForecastOutcome: EncodedNumber[];
  sumSq: EncodedNumber;
  sumLog: EncodedNumber;
  /** Filled part of the bootstrap reservoir (min(n, reservoirSize) squared errors). */
  reservoir: EncodedNumber[];
  rng: SeededRandomState;
}

/**
 * Version-2 checkpoint: as version 1, but the reservoir (the only part the bootstrap needs beyond
 * the bin sums; order matters for the seeded resampling) is base64 float64, bit-exact, ≈10.7
 * characters per forecast instead of ≈19; empty when `reservoirSize` is 0.
 */
export interface BrierCalibrationStateV2 extends Omit<BrierCalibrationStateV1, "version" | "reservoir"> {
  version: 2;
  /** Filled part of the bootstrap reservoir (base64 of little-endian float64). */
  reservoir: string;
  /** Time-block sums (with `blockMs`). */
  blocks?: TimeBlockMeanState;
  /** Forecasts added without a time. */
  untimed?: number;
}
