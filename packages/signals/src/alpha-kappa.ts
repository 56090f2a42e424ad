/**
 * Alpha→κ feedback: realized markouts of OUR fills (adverse selection) feed back into κ.
 *
 * For a fill on `side` at mid m₀ whose mid at the markout horizon is m_h, the adverse selection is
 *   asBps = −sideSign(side) · (m_h − m₀) / m₀ · 1e4      (positive: the market moved against us)
 * An EWMA (half-life `halfLifeFills` fills) of asBps gives the toxicity T. Convention: the n-th fill
 * enters with weight a_n = max(1 − 2^(−1/halfLifeFills), 1/n), i.e. T is the plain running mean of the
 * first ≈ halfLifeFills/ln 2 fills (no bias toward the start value 0) and an EWMA afterwards. The raw
 * multiplier is
 *   raw = exp(−(T − neutralAsBps) / scaleBps)
 * gated by a smooth confidence w = n / (n + halfConfidenceFills) (n = fills seen, no cliff):
 *   kappaMult = clamp(1 + w · (raw − 1), minMult, maxMult).
 * Lower κ widens the GLFT spread (δ ≈ 1/γ·ln(1 + γ/κ) grows as κ falls).
 */
import { type Side, type SignalAdjustment, sideSign } from "@mmkit/core";
import { inactive, makeAdjustment } from "./adjust.js";

/** Signal name of the alpha→κ feedback. */
export const ALPHA_KAPPA_SIGNAL_NAME = "AlphaKappa";

/** Configuration of the alpha→κ feedback. */
export interface AlphaKappaConfig {
  /** EWMA half-life of the toxicity, in fills. Default 50. */
  halfLifeFills: number;
  /** Fills at which the confidence weight is 0.5. Default 20. */
  halfConfidenceFills: number;
  /** Adverse selection (bps) regarded as neutral. Default 0. */
  neutralAsBps: number;
  /** Toxicity (bps) that shrinks the raw multiplier by a factor e. Default 5. */
  scaleBps: number;
  /** Lower bound of the multiplier. Default 0.4. */
  minMult: number;
  /** Upper bound of the multiplier. Default 1.1. */
  maxMult: number;
}

/** Default configuration. */
export const DEFAULT_ALPHA_KAPPA_CONFIG: AlphaKappaConfig = {
  halfLifeFills: 50,
  halfConfidenceFills: 20,
  neutralAsBps: 0,
  scaleBps: 5,
  minMult: 0.4,
  maxMult: 1.1,
};

/** Serializable state. */
export interface AlphaKappaState {
  count: number;
  toxicityBps: number;
  /** EWMA of the adverse indicator (asBps > 0), same half-life as the toxicity. */
  adverseFreq: number;
}

/** Adverse selection of one fill in bps (positive = the mid moved against our position). */
export function adverseSelectionBps(side: Side, midAtFill: number, midAtHorizon: number): number {
  if (!(midAtFill > 0) || !(midAtHorizon > 0)) {
    throw new Error(`alpha-kappa: mids must be > 0 (got ${midAtFill}, ${midAtHorizon})`);
  }
  return (-sideSign(side) * (midAtHorizon - midAtFill) * 1e4) / midAtFill;
}

/** Alpha→κ feedback (signal `"AlphaKappa"`). */
export class AlphaKappaFeedback {
  readonly config: AlphaKappaConfig;
  private s: AlphaKappaState = { count: 0, toxicityBps: 0, adverseFreq: 0.5 };

  /** Create the feedback; unspecified fields take `DEFAULT_ALPHA_KAPPA_CONFIG`. */
  constructor(config: Partial<AlphaKappaConfig> = {}) {
    const c = { ...DEFAULT_ALPHA_KAPPA_CONFIG, ...config };
    if (!(c.minMult > 0 && c.minMult <= 1 && c.maxMult >= 1)) {
      throw new Error(`alpha-kappa: need 0 < minMult <= 1 <= maxMult (got ${c.minMult}, ${c.maxMult})`);
    }
    if (!(c.scaleBps > 0 && c.halfLifeFills > 0 && c.halfConfidenceFills > 0)) {
      throw new Error("alpha-kappa: scaleBps, halfLifeFills and halfConfidenceFills must be > 0");
    }
    this.config = c;
  }

  /** Record one fill's markout (mid at fill and mid at the horizon). */
  onMarkout(side: Side, midAtFill: number, midAtHorizon: number): void {
    this.onAdverseSelection(adverseSelectionBps(side, midAtFill, midAtHorizon));
  }

  /** Record one fill's adverse selection in bps directly. */
  onAdverseSelection(asBps: number): void {
    if (!Number.isFinite(asBps))
      throw new Error(`alpha-kappa: adverse selection must be finite, got ${asBps}`);
    this.s.count++;
    const a = Math.max(1 - 0.5 ** (1 / this.config.halfLifeFills), 1 / this.s.count);
    this.s.toxicityBps += a * (asBps - this.s.toxicityBps);
    this.s.adverseFreq += a * ((asBps > 0 ? 1 : 0) - this.s.adverseFreq);
  }

  /**
   * Predicted probability that our next fill is adversely selected (markout against us at the
   * horizon): the recent adverse frequency shrunk toward 1/2 with the same confidence weight as κ,
   * so it starts uninformative and becomes the empirical rate as fills accumulate.
   */
  adverseProbability(): number {
    const w = this.confidence();
    return 0.5 * (1 - w) + this.s.adverseFreq * w;
  }

  /** Number of markouts seen. */
  get count(): number {
    return this.s.count;
  }

  /** EWMA adverse selection (bps). */
  get toxicityBps(): number {
    return this.s.toxicityBps;
  }

  /** Smooth confidence weight n / (n + halfConfidenceFills). */
  confidence(): number {
    return this.s.count / (this.s.count + this.config.halfConfidenceFills);
  }

  /** The bounded, confidence-gated κ multiplier. */
  kappaMult(): number {
    const c = this.config;
    const raw = Math.exp(-(this.s.toxicityBps - c.neutralAsBps) / c.scaleBps);
    const gated = 1 + this.confidence() * (raw - 1);
    return Math.min(c.maxMult, Math.max(c.minMult, gated));
  }

  /**
   * The signal's adjustment. The confidence gate is already inside `kappaMult`, so the adjustment
   * reports confidence 1 once any markout exists (the integrator must not gate twice).
   */
  adjustment(): SignalAdjustment {
    if (this.s.count === 0) return inactive(ALPHA_KAPPA_SIGNAL_NAME, "no markouts yet");
    // The adjustment changes only with a new markout: rebuilt only then (a read-only object that
    // consecutive cycles share).
    if (
      this.memo === null ||
      this.s.count !== this.memoCount ||
      !Object.is(this.s.toxicityBps, this.memoToxicity)
    ) {
      const m = this.kappaMult();
      this.memoCount = this.s.count;
      this.memoToxicity = this.s.toxicityBps;
      this.memo = makeAdjustment(
        ALPHA_KAPPA_SIGNAL_NAME,
        true,
        1,
        this.s.toxicityBps,
        `as=${this.s.toxicityBps.toFixed(2)}bps n=${this.s.count} conf=${this.confidence().toFixed(2)} kmult=${m.toFixed(3)}`,
        0,
        0,
        m,
      );
    }
    return this.memo;
  }

  private memoCount = -1;
  private memoToxicity = Number.NaN;
  private memo: SignalAdjustment | null = null;

  /** Serializable state. */
  getState(): AlphaKappaState {
    return { ...this.s };
  }

  /** Restore `getState()` output. */
  setState(s: AlphaKappaState): void {
    this.s = { ...s };
  }
}
