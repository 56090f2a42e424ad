/** Configuration of the lead–lag skew: its fields, defaults and validation. */

/** Configuration of the lead–lag skew. */
export interface LeadLagConfig {
  /** Sampling grid step of the basis (ms of event time). Default 100. */
  sampleMs: number;
  /** Prediction horizon H (ms; a positive multiple of sampleMs). Default 2000. */
  horizonMs: number;
  /** Half-life of the persistent-basis EWMA μ (ms of valid samples). Default 300000 (5 min). */
  basisHalfLifeMs: number;
  /** Half-life of the regression weights (ms of regression pairs). Default 600000 (10 min). */
  betaHalfLifeMs: number;
  /** Regression pairs (one per valid grid time) needed before the signal may act. Default 300. */
  minPairs: number;
  /** Maximum age of the reference mid, and of the local mid, for sampling and acting (ms). Default 3000. */
  maxReferenceAgeMs: number;
  /** t-statistic of β̂ needed to act (dimensionless). Default 2. */
  minTStat: number;
  /** t-statistic at which the confidence reaches 1 (confidence = min(1, t / this)). Default 4. */
  fullConfidenceTStat: number;
  /** Lower clamp of β̂ (dimensionless; 0 = a negative β means no lead). Default 0. */
  minBeta: number;
  /** Upper clamp of β̂ (dimensionless). Default 1.5. */
  maxBeta: number;
  /** Bound on |skew| (bps). Default 3. */
  maxSkewBps: number;
  /** Deviations and returns enter the regression clipped to ±this (bps; robustness to glitches). Default 50. */
  regressionClipBps: number;
}

/** Default configuration. */
export const DEFAULT_LEAD_LAG_CONFIG: LeadLagConfig = {
  sampleMs: 100,
  horizonMs: 2000,
  basisHalfLifeMs: 300_000,
  betaHalfLifeMs: 600_000,
  minPairs: 300,
  maxReferenceAgeMs: 3000,
  minTStat: 2,
  fullConfidenceTStat: 4,
  minBeta: 0,
  maxBeta: 1.5,
  maxSkewBps: 3,
  regressionClipBps: 50,
};

/**
 * Throw naming the first invalid field of a resolved configuration; returns K = horizonMs / sampleMs
 * (the ring length and the overlap of consecutive regression pairs).
 */
export function validateLeadLagConfig(c: LeadLagConfig): number {
  if (!(c.sampleMs > 0 && Number.isFinite(c.sampleMs))) throw new Error("lead-lag: sampleMs must be > 0");
  const k = c.horizonMs / c.sampleMs;
  if (!(Number.isInteger(k) && k >= 1 && k <= 100_000)) {
    throw new Error("lead-lag: horizonMs must be a positive multiple of sampleMs (at most 100000 steps)");
  }
  if (!(c.basisHalfLifeMs > 0 && c.betaHalfLifeMs > 0)) throw new Error("lead-lag: half-lives must be > 0");
  if (!(Number.isInteger(c.minPairs) && c.minPairs >= 0))
    throw new Error("lead-lag: minPairs must be an integer >= 0");
  if (!(c.maxReferenceAgeMs > 0)) throw new Error("lead-lag: maxReferenceAgeMs must be > 0");
  if (!(c.minTStat >= 0 && Number.isFinite(c.minTStat) && c.fullConfidenceTStat > 0)) {
    throw new Error("lead-lag: need minTStat >= 0 and fullConfidenceTStat > 0");
  }
  if (!(Number.isFinite(c.minBeta) && Number.isFinite(c.maxBeta) && c.minBeta <= c.maxBeta)) {
    throw new Error("lead-lag: need finite minBeta <= maxBeta");
  }
  if (!(c.maxSkewBps >= 0 && Number.isFinite(c.maxSkewBps)))
    throw new Error("lead-lag: maxSkewBps must be >= 0");
  if (!(c.regressionClipBps > 0 && Number.isFinite(c.regressionClipBps))) {
    throw new Error("lead-lag: regressionClipBps must be > 0");
  }
  return k;
}
