/**
 * Online regime detector: bucketed market features → Gaussian HMM (fit after warm-up, refit
 * periodically on a bounded window) → causal forward filter → regime probabilities and the
 * per-regime κ/γ multipliers the quote engine blends.
 *
 * Refit policy: the first fit runs when `warmupBuckets` buckets have been observed; afterwards a
 * refit runs every `refitEveryBuckets` buckets on the most recent `windowBuckets` buckets (a ring
 * buffer, so memory is bounded). States are volatility-ordered after every fit, and the filter
 * keeps its belief across refits.
 */
import type { SignalAdjustment, SignalEffect } from "@mmkit/core";
import { inactive, makeAdjustment } from "./adjust.js";
import { type GaussianHmmParams, HmmForwardFilter, hmmFromJson, hmmToJson } from "./hmm.js";
import { fitGaussianHmm } from "./hmm-fit.js";
import {
  REGIME_FEATURE_NAMES,
  RegimeFeatureBuilder,
  type RegimeFeatureBuilderState,
} from "./regime-features.js";

/** Signal name of the regime detector (attribution key). */
export const REGIME_SIGNAL_NAME = "RegimeDetection";

/** κ/γ multipliers applied in one regime. */
export interface RegimeMultipliers {
  kappaMult: number;
  gammaMult: number;
}

/** Configuration of the regime detector. */
export interface RegimeDetectorConfig {
  /** Feature bucket length (ms). Default 5000. */
  bucketMs: number;
  /** Number of states. Default 3 (calm / normal / volatile). */
  numStates: number;
  /** Buckets before the first fit. Default 120 (10 min at 5 s). */
  warmupBuckets: number;
  /** Buckets between refits. Default 360 (30 min at 5 s). */
  refitEveryBuckets: number;
  /** Bounded fit window (most recent buckets). Default 2000. */
  windowBuckets: number;
  /** EM restarts per fit. Default 3. */
  restarts: number;
  /** Max EM iterations per restart. Default 60. */
  maxIter: number;
  /** Seed of the fit restarts. Default 1. */
  seed: number;
  /** Multipliers per state, calmest first (length = numStates). */
  multipliers: RegimeMultipliers[];
}

/** Default per-regime multipliers for K = 3: calm, normal, volatile. */
export const DEFAULT_REGIME_MULTIPLIERS: RegimeMultipliers[] = [
  { kappaMult: 1.2, gammaMult: 0.8 },
  { kappaMult: 1, gammaMult: 1 },
  { kappaMult: 0.6, gammaMult: 1.5 },
];

const STATE_LABELS_3 = ["calm", "normal", "volatile"];

/** Default configuration. */
export const DEFAULT_REGIME_CONFIG: RegimeDetectorConfig = {
  bucketMs: 5000,
  numStates: 3,
  warmupBuckets: 120,
  refitEveryBuckets: 360,
  windowBuckets: 2000,
  restarts: 3,
  maxIter: 60,
  seed: 1,
  multipliers: DEFAULT_REGIME_MULTIPLIERS,
};

/** Serializable detector state (checkpoints). */
export interface RegimeDetectorState {
  paramsJson: string | null;
  filter: { started: boolean; count: number; logProbs: (number | null)[] } | null;
  window: number[][];
  bucketsSeen: number;
  bucketsSinceFit: number;
  fits: number;
  builder: RegimeFeatureBuilderState;
}

/** HMM regime detector (signal `"RegimeDetection"`). */
export class RegimeDetector {
  readonly config: RegimeDetectorConfig;
  private readonly builder: RegimeFeatureBuilder;
  private window: number[][] = [];
  private params: GaussianHmmParams | null = null;
  private filter: HmmForwardFilter | null = null;
  private probsCache: number[] | null = null;
  /** Buckets observed since start. */
  bucketsSeen = 0;
  private bucketsSinceFit = 0;
  /** Number of fits performed. */
  fits = 0;

  /** Create a detector; unspecified fields take `DEFAULT_REGIME_CONFIG`. */
  constructor(config: Partial<RegimeDetectorConfig> = {}) {
    const c = { ...DEFAULT_REGIME_CONFIG, ...config };
    if (config.multipliers === undefined && c.numStates !== 3) {
      throw new Error(
        `regime: multipliers must be given when numStates=${c.numStates} (defaults exist only for 3)`,
      );
    }
    if (c.multipliers.length !== c.numStates) {
      throw new Error(`regime: multipliers has ${c.multipliers.length} entries, numStates is ${c.numStates}`);
    }
    for (const m of c.multipliers) {
      if (!(m.kappaMult > 0 && m.gammaMult > 0)) throw new Error("regime: multipliers must be > 0");
    }
    if (!(c.warmupBuckets >= 2 * c.numStates))
      throw new Error(`regime: warmupBuckets must be >= ${2 * c.numStates}`);
    if (!(c.windowBuckets >= c.warmupBuckets))
      throw new Error("regime: windowBuckets must be >= warmupBuckets");
    if (!(c.refitEveryBuckets >= 1)) throw new Error("regime: refitEveryBuckets must be >= 1");
    // Checked here, not first at the warm-up fit deep inside the event path.
    for (const key of ["restarts", "maxIter"] as const) {
      if (!(Number.isInteger(c[key]) && c[key] >= 1))
        throw new Error(`regime: ${key} must be a positive integer, got ${c[key]}`);
    }
    if (!Number.isInteger(c.seed)) throw new Error(`regime: seed must be an integer, got ${c.seed}`);
    this.config = c;
    this.builder = new RegimeFeatureBuilder(c.bucketMs);
  }

  /** Whether an HMM has been fitted or loaded. */
  get fitted(): boolean {
    return this.params !== null;
  }

  /** Current HMM parameters (null before the first fit). */
  get hmmParams(): GaussianHmmParams | null {
    return this.params;
  }

  /** Feed a top-of-book observation. */
  onQuote(tsMs: number, bidPrice: number, askPrice: number): void {
    const b = this.builder;
    if (!b.due(tsMs)) {
      b.addQuote(bidPrice, askPrice);
      return;
    }
    const xs = b.advance(tsMs);
    b.addQuote(bidPrice, askPrice);
    this.consume(xs);
  }

  /** Feed a public trade. */
  onTrade(tsMs: number): void {
    const b = this.builder;
    if (!b.due(tsMs)) {
      b.addTrade();
      return;
    }
    const xs = b.advance(tsMs);
    b.addTrade();
    this.consume(xs);
  }

  /** Advance the bucket clock (closes finished buckets even without market events). */
  onTime(tsMs: number): void {
    if (this.builder.due(tsMs)) this.consume(this.builder.advance(tsMs));
  }

  /**
   * Feed one already-computed feature vector (one bucket, in `REGIME_FEATURE_NAMES` order). Throws
   * a RangeError, state unchanged, unless it has exactly that many finite entries (a bad row would
   * otherwise sit in the fit window and fail every refit while it stays there). Stored as a copy.
   */
  observeFeatures(x: readonly number[]): void {
    const dim = REGIME_FEATURE_NAMES.length;
    if (!Array.isArray(x) || x.length !== dim) {
      const got = Array.isArray(x) ? `${x.length} entries` : typeof x;
      throw new RangeError(
        `RegimeDetector.observeFeatures: need ${dim} features (${REGIME_FEATURE_NAMES.join(", ")}), got ${got}`,
      );
    }
    for (let i = 0; i < dim; i++) {
      if (!Number.isFinite(x[i])) {
        throw new RangeError(
          `RegimeDetector.observeFeatures: feature ${REGIME_FEATURE_NAMES[i]} (index ${i}) must be finite, got ${x[i]}`,
        );
      }
    }
    this.consume([x.slice()]);
  }

  private consume(xs: number[][]): void {
    for (const x of xs) {
      this.window.push(x);
      if (this.window.length > this.config.windowBuckets) this.window.shift();
      this.bucketsSeen++;
      this.bucketsSinceFit++;
      if (this.filter !== null) {
        this.probsCache = this.filter.update(x);
        if (this.bucketsSinceFit >= this.config.refitEveryBuckets) this.fit();
      } else if (this.window.length >= this.config.warmupBuckets) {
        this.fit();
      }
    }
  }

  /** Fit (or refit) the HMM on the current window now. */
  fit(): void {
    const res = fitGaussianHmm(this.window, {
      numStates: this.config.numStates,
      restarts: this.config.restarts,
      maxIter: this.config.maxIter,
      seed: this.config.seed + this.fits,
      volFeature: 0,
    });
    this.setParamsInternal(res.params);
    this.fits++;
  }

  private setParamsInternal(params: GaussianHmmParams): void {
    this.params = params;
    this.bucketsSinceFit = 0;
    if (this.filter === null) {
      this.filter = new HmmForwardFilter(params);
      // First fit: run the causal filter forward over the buckets seen so far.
      for (const x of this.window) this.probsCache = this.filter.update(x);
    } else {
      this.filter.setParams(params);
    }
  }

  /** Load parameters (e.g. an offline fit) from JSON; the detector becomes active immediately. */
  loadParamsJson(json: string): void {
    const p = hmmFromJson(json);
    if (p.initial.length !== this.config.numStates) {
      throw new Error(
        `regime: loaded HMM has ${p.initial.length} states, config has ${this.config.numStates}`,
      );
    }
    if (p.means[0]!.length !== REGIME_FEATURE_NAMES.length) {
      throw new Error(
        `regime: loaded HMM has ${p.means[0]!.length} features, expected ${REGIME_FEATURE_NAMES.length}`,
      );
    }
    this.filter = null;
    this.setParamsInternal(p);
  }

  /** Current parameters as JSON (throws before the first fit). */
  paramsJson(): string {
    if (this.params === null) throw new Error("regime: no HMM fitted yet");
    return hmmToJson(this.params, {
      featureNames: [...REGIME_FEATURE_NAMES],
      fittedOnBuckets: this.window.length,
    });
  }

  /** Filtered state probabilities (null before the first fit). */
  probs(): number[] | null {
    return this.probsCache ?? this.filter?.probs() ?? null;
  }

  /** Regime view for `SignalEffect.regime` (undefined before the first fit). */
  regimeView(): SignalEffect["regime"] {
    const p = this.probs();
    return p === null ? undefined : this.viewOf(p);
  }

  /**
   * `regimeView()`, but the same (read-only) object for as long as the filtered probabilities are
   * the same array, i.e. until the next bucket: the quote loop asks every cycle.
   */
  currentView(): SignalEffect["regime"] {
    const p = this.probs();
    if (p === null) return undefined;
    if (p !== this.viewProbs || this.view === undefined) {
      this.viewProbs = p;
      this.view = this.viewOf(p);
    }
    return this.view;
  }

  private viewProbs: number[] | null = null;
  private view: SignalEffect["regime"] = undefined;

  private viewOf(p: number[]): NonNullable<SignalEffect["regime"]> {
    let state = 0;
    let kappaMult = 0;
    let gammaMult = 0;
    for (let i = 0; i < p.length; i++) {
      if (p[i]! > p[state]!) state = i;
      kappaMult += p[i]! * this.config.multipliers[i]!.kappaMult;
      gammaMult += p[i]! * this.config.multipliers[i]!.gammaMult;
    }
    return { state, probs: p, kappaMult, gammaMult };
  }

  /** Name of a state for logs. */
  stateLabel(i: number): string {
    return this.config.numStates === 3 ? STATE_LABELS_3[i]! : `s${i}`;
  }

  /**
   * The signal's adjustment: κ/γ = probability-weighted regime multipliers (the integrator routes
   * them to `SignalEffect.regime`, not into the plain multiplier product), confidence = max prob.
   */
  adjustment(): SignalAdjustment {
    return this.adjustmentFor(this.regimeView());
  }

  /** `adjustment()` for a view just returned by `regimeView()` (saves computing it twice). */
  adjustmentFor(view: SignalEffect["regime"]): SignalAdjustment {
    if (view === undefined) {
      const pct = Math.floor((100 * this.window.length) / this.config.warmupBuckets);
      return inactive(
        REGIME_SIGNAL_NAME,
        `warmup ${pct}% (${this.window.length}/${this.config.warmupBuckets} buckets)`,
      );
    }
    // The adjustment is a function of the view: the same view (see `currentView`) gets the same
    // read-only object back instead of a new one every cycle.
    if (view === this.adjView && this.adj !== null) return this.adj;
    let expected = 0;
    for (let i = 0; i < view.probs.length; i++) expected += i * view.probs[i]!;
    const p = view.probs[view.state]!;
    this.adjView = view;
    this.adj = makeAdjustment(
      REGIME_SIGNAL_NAME,
      true,
      p,
      expected,
      this.note(view.state, p),
      0,
      0,
      view.kappaMult,
      view.gammaMult,
    );
    return this.adj;
  }

  private adjView: SignalEffect["regime"] = undefined;
  private adj: SignalAdjustment | null = null;

  private noteState = -1;
  private noteP = Number.NaN;
  private noteText = "";

  /** The adjustment's note, reformatted only when the state or its probability changed. */
  private note(state: number, p: number): string {
    if (state !== this.noteState || p !== this.noteP) {
      this.noteState = state;
      this.noteP = p;
      this.noteText = `regime=${this.stateLabel(state)} p=${p.toFixed(2)}`;
    }
    return this.noteText;
  }

  /** Serializable state. */
  getState(): RegimeDetectorState {
    return {
      paramsJson: this.params === null ? null : hmmToJson(this.params),
      filter: this.filter?.getState() ?? null,
      window: this.window.map((x) => [...x]),
      bucketsSeen: this.bucketsSeen,
      bucketsSinceFit: this.bucketsSinceFit,
      fits: this.fits,
      builder: this.builder.getState(),
    };
  }

  /** Restore `getState()` output. */
  setState(s: RegimeDetectorState): void {
    this.window = s.window.map((x) => [...x]);
    this.bucketsSeen = s.bucketsSeen;
    this.fits = s.fits;
    this.builder.setState(s.builder);
    this.params = null;
    this.filter = null;
    this.probsCache = null;
    if (s.paramsJson !== null) {
      this.params = hmmFromJson(s.paramsJson);
      this.filter = new HmmForwardFilter(this.params);
      if (s.filter !== null) this.filter.setState(s.filter);
      this.probsCache = this.filter.probs();
    }
    this.bucketsSinceFit = s.bucketsSinceFit;
  }
}
