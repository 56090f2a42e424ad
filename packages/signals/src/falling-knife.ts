/**
 * Falling-knife guard: detects a sustained one-way move and widens or pulls the side being run
 * over (a falling market runs over our bids; a rising one over our asks).
 *
 * Every `sampleMs` (default 1 s of event time) the guard samples the mid and computes
 * (sampling convention: grid instant g takes the last mid received at a time < g, so a mid stamped
 * exactly at g counts from the next grid point on; the sample is taken when the first event at or
 * after g arrives)
 *   z_w = ln(mid_t / mid_{t−w}) / (σ · √w)     for each window w (default 5 s, 30 s, 120 s)
 * with σ the per-√s log-return volatility = max(slow EWMA, fast EWMA) of squared 1-s returns (each the
 * running mean while 1/n exceeds its EWMA weight, so there is no start-up bias toward 0)
 * (or an external σ from the estimator). The score S = Σ weight_w·z_w + flowWeight·F, where F ∈ [−1, 1]
 * is the taker-volume imbalance of the trades in [t − flowWindowSec, t) (all `flowWindowSec/sampleMs` slots). Severity = clamp((|S| − zStart)/(zFull − zStart), 0, 1),
 * direction = sign(S). Hysteresis: it turns on when severity > `onSeverity`, and off only when
 * severity < `offSeverity` AND it has been on for at least `minHoldMs`.
 */
import type { SignalAdjustment } from "@mmkit/core";
import { inactive, makeAdjustment } from "./adjust.js";

/** Signal name of the falling-knife guard. */
export const FALLING_KNIFE_SIGNAL_NAME = "FallingKnife";

/** Configuration of the falling-knife guard. */
export interface FallingKnifeConfig {
  /** Mid sampling step (ms). Default 1000. */
  sampleMs: number;
  /** Momentum windows in seconds (multiples of sampleMs). Default [5, 30, 120]. */
  windowsSec: number[];
  /** Weights of the windows (any positive numbers; normalised). Default [0.1, 0.6, 0.3]. */
  windowWeights: number[];
  /** Trade-flow imbalance window (s). Default 30. */
  flowWindowSec: number;
  /** Weight of the flow imbalance in σ units. Default 1.5. */
  flowWeight: number;
  /** |S| where severity starts rising from 0. Default 1.5. */
  zStart: number;
  /** |S| where severity reaches 1. Default 4. */
  zFull: number;
  /** Severity that turns the guard on. Default 0.35. */
  onSeverity: number;
  /** Severity below which the guard may turn off. Default 0.1. */
  offSeverity: number;
  /** Minimum time on before release (ms). Default 15000. */
  minHoldMs: number;
  /** Extra bps on the run-over side at severity 1. Default 20. */
  maxExtraBps: number;
  /** Severity at or above which the run-over side is pulled. Default 0.8. */
  pullSeverity: number;
  /** Half-life of the slow σ EWMA (s). Default 300. */
  sigmaSlowHalfLifeSec: number;
  /** Half-life of the fast σ EWMA (s). Default 30. */
  sigmaFastHalfLifeSec: number;
  /** 1-s returns needed before the guard is ready. Default 60. */
  minSamples: number;
}

/** Default configuration. */
export const DEFAULT_FALLING_KNIFE_CONFIG: FallingKnifeConfig = {
  sampleMs: 1000,
  windowsSec: [5, 30, 120],
  windowWeights: [0.1, 0.6, 0.3],
  flowWindowSec: 30,
  flowWeight: 1.5,
  zStart: 1.5,
  zFull: 4,
  onSeverity: 0.35,
  offSeverity: 0.1,
  minHoldMs: 15_000,
  maxExtraBps: 20,
  pullSeverity: 0.8,
  sigmaSlowHalfLifeSec: 300,
  sigmaFastHalfLifeSec: 30,
  minSamples: 60,
};

/** Serializable guard state. */
export interface FallingKnifeState {
  mids: number[];
  head: number;
  filled: number;
  flowHead: number;
  buyVol: number[];
  sellVol: number[];
  nextSampleMs: number | null;
  lastMid: number | null;
  varSlow: number;
  varFast: number;
  samples: number;
  active: boolean;
  direction: -1 | 0 | 1;
  severity: number;
  score: number;
  onSinceMs: number;
  externalSigma: number | null;
}

/** Falling-knife guard (signal `"FallingKnife"`). */
export class FallingKnifeGuard {
  readonly config: FallingKnifeConfig;
  private readonly cap: number;
  private readonly flowSlots: number;
  private readonly weights: number[];
  /** EWMA weights of one sample step (constant per configuration). */
  private readonly aSlow: number;
  private readonly aFast: number;
  private readonly sampleMs: number;
  private idleScore = Number.NaN;
  private idle: SignalAdjustment | null = null;
  /**
   * State; its `nextSampleMs` and `lastMid` stay null here and live in the flat fields below
   * (touched on every market event), which `getState`/`setState` translate.
   */
  private s: FallingKnifeState;
  private hasNextSample = false;
  private nextSampleMs = 0;
  private hasLastMid = false;
  private lastMid = 0;

  /** Create a guard; unspecified fields take `DEFAULT_FALLING_KNIFE_CONFIG`. */
  constructor(config: Partial<FallingKnifeConfig> = {}) {
    const c = { ...DEFAULT_FALLING_KNIFE_CONFIG, ...config };
    if (!(c.sampleMs > 0)) throw new Error("falling knife: sampleMs must be > 0");
    if (c.windowsSec.length === 0 || c.windowsSec.length !== c.windowWeights.length) {
      throw new Error("falling knife: windowsSec and windowWeights must be non-empty and the same length");
    }
    const steps = c.windowsSec.map((w) => (w * 1000) / c.sampleMs);
    if (steps.some((n) => !(Number.isInteger(n) && n >= 1))) {
      throw new Error("falling knife: each window must be a positive multiple of sampleMs");
    }
    if (!(c.zFull > c.zStart && c.zStart >= 0)) throw new Error("falling knife: need 0 <= zStart < zFull");
    if (!(c.offSeverity < c.onSeverity && c.offSeverity >= 0 && c.onSeverity <= 1)) {
      throw new Error("falling knife: need 0 <= offSeverity < onSeverity <= 1");
    }
    const wsum = c.windowWeights.reduce((a, b) => a + b, 0);
    if (!(wsum > 0) || c.windowWeights.some((w) => w < 0))
      throw new Error("falling knife: weights must be >= 0, sum > 0");
    this.config = c;
    this.weights = c.windowWeights.map((w) => w / wsum);
    this.cap = Math.max(...steps) + 1;
    this.flowSlots = Math.max(1, Math.round((c.flowWindowSec * 1000) / c.sampleMs));
    this.sampleMs = c.sampleMs;
    const stepSec = c.sampleMs / 1000;
    this.aSlow = 1 - 0.5 ** (stepSec / c.sigmaSlowHalfLifeSec);
    this.aFast = 1 - 0.5 ** (stepSec / c.sigmaFastHalfLifeSec);
    this.s = {
      mids: new Array<number>(this.cap).fill(0),
      head: 0,
      filled: 0,
      flowHead: 0,
      buyVol: new Array<number>(this.flowSlots).fill(0),
      sellVol: new Array<number>(this.flowSlots).fill(0),
      nextSampleMs: null,
      lastMid: null,
      varSlow: 0,
      varFast: 0,
      samples: 0,
      active: false,
      direction: 0,
      severity: 0,
      score: 0,
      onSinceMs: 0,
      externalSigma: null,
    };
  }

  /** Feed the current mid at event time `tsMs`. */
  onMid(tsMs: number, mid: number): void {
    this.advance(tsMs);
    if (mid > 0 && Number.isFinite(mid)) {
      this.hasLastMid = true;
      this.lastMid = mid;
    }
  }

  /** Feed a public trade (taker side). */
  onTrade(tsMs: number, aggressor: "buy" | "sell", size: number): void {
    this.advance(tsMs);
    const slot = this.s.flowHead;
    if (aggressor === "buy") this.s.buyVol[slot]! += size;
    else this.s.sellVol[slot]! += size;
  }

  /** Use an external σ (per √s, log units) instead of the internal EWMA; null reverts. */
  setSigma(sigmaPerSqrtSec: number | null): void {
    if (sigmaPerSqrtSec !== null && !(sigmaPerSqrtSec > 0))
      throw new Error("falling knife: sigma must be > 0");
    this.s.externalSigma = sigmaPerSqrtSec;
  }

  /** Advance the sampling clock to `tsMs` (samples the last mid on every elapsed grid point). */
  advance(tsMs: number): void {
    const step = this.sampleMs;
    if (!this.hasNextSample) {
      this.hasNextSample = true;
      this.nextSampleMs = Math.floor(tsMs / step) * step + step;
      return;
    }
    let n = 0;
    while (tsMs >= this.nextSampleMs) {
      if (this.hasLastMid && n < this.cap) this.sample(this.nextSampleMs, this.lastMid);
      this.nextSampleMs += step;
      n++;
      if (n > 10 * this.cap) {
        this.nextSampleMs = Math.floor(tsMs / step) * step + step;
        break;
      }
    }
  }

  private sample(tsMs: number, mid: number): void {
    const s = this.s;
    const prev = s.filled > 0 ? s.mids[(s.head + this.cap - 1) % this.cap]! : null;
    s.mids[s.head % this.cap] = mid;
    s.head = (s.head + 1) % this.cap;
    if (s.filled < this.cap) s.filled++;
    if (prev !== null) {
      const stepSec = this.config.sampleMs / 1000;
      const r2 = Math.log(mid / prev) ** 2 / stepSec;
      s.samples++;
      const aSlow = this.aSlow;
      const aFast = this.aFast;
      if (s.samples === 1) {
        s.varSlow = r2;
        s.varFast = r2;
      } else {
        // Until the slow EWMA has enough samples, use a running mean (no start-up bias).
        const a = Math.max(aSlow, 1 / s.samples);
        s.varSlow += a * (r2 - s.varSlow);
        s.varFast += Math.max(aFast, 1 / s.samples) * (r2 - s.varFast);
      }
    }
    this.evaluate(tsMs);
    // Only now open the slot of the next interval (clearing its data from flowSlots intervals ago):
    // the evaluation above summed the flowSlots intervals [t − flowWindowSec, t), the full window.
    s.flowHead = (s.flowHead + 1) % this.flowSlots;
    s.buyVol[s.flowHead] = 0;
    s.sellVol[s.flowHead] = 0;
  }

  /** Current σ per √s in log units (NaN before any return). */
  sigmaPerSqrtSec(): number {
    if (this.s.externalSigma !== null) return this.s.externalSigma;
    if (this.s.samples === 0) return Number.NaN;
    return Math.sqrt(Math.max(this.s.varSlow, this.s.varFast));
  }

  /** Fast / slow σ ratio (1 = volatility as usual; NaN before any return). */
  volRatio(): number {
    if (this.s.samples === 0 || !(this.s.varSlow > 0)) return Number.NaN;
    return Math.sqrt(this.s.varFast / this.s.varSlow);
  }

  /** Whether enough samples were seen for the guard to act. */
  get ready(): boolean {
    return this.s.samples >= this.config.minSamples;
  }

  private evaluate(tsMs: number): void {
    const s = this.s;
    const c = this.config;
    const sigma = this.sigmaPerSqrtSec();
    let m = 0;
    if (sigma > 0) {
      const last = s.mids[(s.head + this.cap - 1) % this.cap]!;
      for (let i = 0; i < c.windowsSec.length; i++) {
        const w = c.windowsSec[i]!;
        const back = Math.min((w * 1000) / c.sampleMs, s.filled - 1);
        if (back < 1) continue;
        const then = s.mids[(s.head + this.cap - 1 - back) % this.cap]!;
        const horizonSec = (back * c.sampleMs) / 1000;
        m += (this.weights[i]! * Math.log(last / then)) / (sigma * Math.sqrt(horizonSec));
      }
    }
    let buy = 0;
    let sell = 0;
    for (let i = 0; i < this.flowSlots; i++) {
      buy += s.buyVol[i]!;
      sell += s.sellVol[i]!;
    }
    const flow = buy + sell > 0 ? (buy - sell) / (buy + sell) : 0;
    const score = m + c.flowWeight * flow;
    const severity = Math.min(1, Math.max(0, (Math.abs(score) - c.zStart) / (c.zFull - c.zStart)));
    const dir: -1 | 1 = score < 0 ? -1 : 1;
    s.score = score;
    s.severity = severity;
    if (!this.ready) return;
    if (!s.active) {
      if (severity > c.onSeverity) {
        s.active = true;
        s.direction = dir;
        s.onSinceMs = tsMs;
      }
    } else if (severity > c.onSeverity && dir !== s.direction) {
      s.direction = dir;
      s.onSinceMs = tsMs;
    } else if (severity < c.offSeverity && tsMs - s.onSinceMs >= c.minHoldMs) {
      s.active = false;
      s.direction = 0;
    }
  }

  /** Whether the guard is currently on. */
  get active(): boolean {
    return this.s.active;
  }

  /** Direction of the detected run: −1 falling, +1 rising, 0 none. */
  get direction(): -1 | 0 | 1 {
    return this.s.direction;
  }

  /** Latest severity in [0, 1]. */
  get severity(): number {
    return this.s.severity;
  }

  /** Latest combined score in σ units (signed). */
  get score(): number {
    return this.s.score;
  }

  /** The signal's adjustment: extra bps / pull on the run-over side while on. */
  adjustment(): SignalAdjustment {
    const s = this.s;
    if (!this.ready) {
      const pct = Math.floor((100 * s.samples) / this.config.minSamples);
      return inactive(FALLING_KNIFE_SIGNAL_NAME, `warmup ${pct}%`);
    }
    if (!s.active) {
      // A function of the score alone: rebuilt only when it changed (a read-only object that
      // consecutive cycles share).
      if (this.idle === null || !Object.is(s.score, this.idleScore)) {
        this.idleScore = s.score;
        this.idle = makeAdjustment(
          FALLING_KNIFE_SIGNAL_NAME,
          false,
          1,
          s.score,
          `idle score=${s.score.toFixed(2)}`,
        );
      }
      return this.idle;
    }
    // While on, act with at least the on-threshold severity so hysteresis holds the protection.
    const sev = Math.max(s.severity, this.config.onSeverity);
    const extra = sev * this.config.maxExtraBps;
    const pull = sev >= this.config.pullSeverity;
    const falling = s.direction < 0;
    return makeAdjustment(
      FALLING_KNIFE_SIGNAL_NAME,
      true,
      1,
      s.score,
      `knife ${falling ? "down" : "up"} sev=${s.severity.toFixed(2)}`,
      0,
      0,
      1,
      1,
      falling ? extra : 0,
      falling ? 0 : extra,
      falling && pull,
      !falling && pull,
    );
  }

  /** Serializable state. */
  getState(): FallingKnifeState {
    return {
      ...this.s,
      mids: [...this.s.mids],
      buyVol: [...this.s.buyVol],
      sellVol: [...this.s.sellVol],
      nextSampleMs: this.hasNextSample ? this.nextSampleMs : null,
      lastMid: this.hasLastMid ? this.lastMid : null,
    };
  }

  /** Restore `getState()` output (same configuration). */
  setState(st: FallingKnifeState): void {
    if (st.mids.length !== this.cap || st.buyVol.length !== this.flowSlots) {
      throw new Error("falling knife: state does not match this configuration's window sizes");
    }
    this.s = {
      ...st,
      mids: [...st.mids],
      buyVol: [...st.buyVol],
      sellVol: [...st.sellVol],
      nextSampleMs: null,
      lastMid: null,
    };
    this.hasNextSample = st.nextSampleMs !== null;
    this.nextSampleMs = st.nextSampleMs ?? 0;
    this.hasLastMid = st.lastMid !== null;
    this.lastMid = st.lastMid ?? 0;
  }
}
