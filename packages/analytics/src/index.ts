/** @mmkit/analytics — Sharpe, attribution, edge t-tests, calibration and JSONL persistence. */
export * from "./records.js";
export * from "./stats.js";
export * from "./drawdown.js";
export * from "./money-decimals.js";
export * from "./sharpe.js";
export * from "./sharpe-state.js";
export * from "./per-signal-sharpe.js";
export * from "./attribution.js";
export * from "./signal-contribution.js";
export * from "./edge.js";
export * from "./edge-record.js";
export * from "./edge-report.js";
export * from "./calibration.js";
export * from "./calibration-report.js";
export * from "./calibration-state.js";
export * from "./bootstrap.js";
export * from "./fast-validate.js";
export * from "./jsonl-reader.js";
export * from "./logger.js";
export { SeededRandom, type SeededRandomState } from "./prng.js";
export {
  CHECKPOINT_VERSION,
  decodeNumber,
  type EncodedNumber,
  encodeNumber,
  encodeNumbers,
} from "./checkpoint.js";
export * from "./overlap-variance.js";
export * from "./time-block-mean.js";
export * from "./overlap-welch.js";
