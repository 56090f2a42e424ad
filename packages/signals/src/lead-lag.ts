/**
 * Lead–lag skew: when a reference venue (e.g. Binance USD-M) leads the local venue (Hyperliquid),
 * the local mid tends to catch up with the reference's latest move. The signal measures how far
 * the local mid is behind and leans the quotes toward where it is expected to go.
 *
 * Sampling (every `sampleMs` of event time, grid instant g takes the last mid of each venue received
 * at a time < g, like the falling-knife grid): basis x_g = ln(refMid / localMid)·1e4 (bps). A grid
 * sample is valid only when both mids exist and are at most `maxReferenceAgeMs` old at g.
 *   μ  ← EWMA of valid x (half-life `basisHalfLifeMs`; running mean while 1/n exceeds its weight):
 *        the persistent basis between the venues (different contracts, funding).
 *   d_g = x_g − μ (μ before this sample): what the local venue has not caught up with yet.
 * Regression (causal, through the origin): with H = `horizonMs` and K = H / sampleMs, at each grid
 * time t whose sample and the sample K steps earlier are both valid, the pair
 *   (d_{t−H}, y_t = ln(localMid_t / localMid_{t−H})·1e4), each clipped to ±`regressionClipBps`,
 * enters EWMA sums with per-pair decay λ = 0.5^(sampleMs / betaHalfLifeMs):
 *   S_w = Σw, S_w2 = Σw², S_dd = Σw·d², S_dy = Σw·d·y, S_yy = Σw·y².
 *   β_raw = S_dy / S_dd,  σ̂² = (S_yy − β_raw·S_dy) / S_w · n_eff/(n_eff − 1),
 *   n_eff = (S_w² / S_w2) / K   (Kish effective sample size divided by the overlap K of the
 *           H-horizon returns of consecutive grid times: a conservative Hansen–Hodrick correction),
 *   SE(β) = √(σ̂² · S_w / (n_eff · S_dd)),  t = β_raw / SE,  β̂ = clamp(β_raw, minBeta, maxBeta).
 * Adjustment at time t: skewAdjBps = clamp(β̂·d_now, ±maxSkewBps) with d_now from the latest mids
 * (positive = the local mid is expected to rise, quotes lean up); rawValue = d_now; confidence =
 * min(1, t / fullConfidenceTStat). Active only with ≥ minPairs pairs, both mids fresh and
 * t ≥ minTStat. No spread / κ / γ effect.
 */
import type { SignalAdjustment } from "@mmkit/core";
import { inactive, makeAdjustment } from "./adjust.js";
import { DEFAULT_LEAD_LAG_CONFIG, type LeadLagConfig, validateLeadLagConfig } from "./lead-lag-config.js";
import {
  leadLagNoteText,
  NOTE_ACTIVE,
  NOTE_LOCAL_STALE,
  NOTE_NO_LEAD,
  NOTE_REF_STALE,
  NOTE_WARMUP,
} from "./lead-lag-notes.js";
import { freshLeadLagState, type LeadLagState, LeadLagStateSchema } from "./lead-lag-state.js";

export { DEFAULT_LEAD_LAG_CONFIG, type LeadLagConfig } from "./lead-lag-config.js";
export { type LeadLagState, LeadLagStateSchema } from "./lead-lag-state.js";

/** Signal name of the lead–lag skew. */
export const LEAD_LAG_SIGNAL_NAME = "LeadLag";

/** Bound on |t| (keeps a perfect fit finite). */
const MAX_ABS_T = 1e9;
/** Grid steps one `advance` call processes at most before it drops the ring (pathological configs only). */
const MAX_GRID_STEPS = 100_000;

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));
/** Rounded to 0.1 (stale ages in notes: the memo then rebuilds the text once per 0.1 s). */
const tenths = (x: number): number => Math.round(x * 10) / 10;

/** Lead–lag skew from a reference venue's mid (signal `"LeadLag"`). */
export class LeadLagSignal {
  /** The resolved configuration (defaults filled in). */
  readonly config: LeadLagConfig;
  /** K = horizonMs / sampleMs: ring length and overlap of consecutive pairs. */
  private readonly k: number;
  private readonly step: number;
  /** Per-pair decay λ of the regression sums and its square. */
  private readonly lambda: number;
  private readonly lambda2: number;
  /** EWMA weight of the basis per valid sample. */
  private readonly aBasis: number;
  // State as flat fields (hot path: every market event of either venue).
  private hasRef = false;
  private refMid = 0;
  private refTsMs = 0;
  private hasLocal = false;
  private localMid = 0;
  private localTsMs = 0;
  private hasGrid = false;
  private nextGridMs = 0;
  private basis = 0;
  private basisSamples = 0;
  /** Deviation d (bps) per grid slot; NaN = invalid sample. */
  private readonly devs: Float64Array;
  /** ln(local mid) per grid slot; NaN = invalid sample. */
  private readonly lnLocals: Float64Array;
  private head = 0;
  /** Consecutive invalid grid samples (≥ K: the ring holds no valid sample). */
  private invalidRun: number;
  private sumW = 0;
  private sumW2 = 0;
  private sumDD = 0;
  private sumDY = 0;
  private sumYY = 0;
  private pairCount = 0;
  // Derived from the sums (recomputed per pair).
  private rawBeta = 0;
  private t = 0;
  // Note memo: the text of the last (kind, a, b).
  private noteKind = -1;
  private noteA = Number.NaN;
  private noteB = Number.NaN;
  private noteText = "";

  /** Create the signal; unspecified fields take `DEFAULT_LEAD_LAG_CONFIG`. */
  constructor(config: Partial<LeadLagConfig> = {}) {
    const c = { ...DEFAULT_LEAD_LAG_CONFIG, ...config };
    const k = validateLeadLagConfig(c);
    this.config = c;
    this.k = k;
    this.step = c.sampleMs;
    this.lambda = 0.5 ** (c.sampleMs / c.betaHalfLifeMs);
    this.lambda2 = this.lambda * this.lambda;
    this.aBasis = 1 - 0.5 ** (c.sampleMs / c.basisHalfLifeMs);
    this.devs = new Float64Array(k).fill(Number.NaN);
    this.lnLocals = new Float64Array(k).fill(Number.NaN);
    this.invalidRun = k;
  }

  /** Feed the reference venue's mid at event time `tsMs` (non-positive / non-finite mids are ignored). */
  onReferenceMid(tsMs: number, mid: number): void {
    this.advance(tsMs);
    if (mid > 0 && mid < Number.POSITIVE_INFINITY && Number.isFinite(tsMs)) {
      this.hasRef = true;
      this.refMid = mid;
      this.refTsMs = tsMs;
    }
  }

  /** Feed the local venue's mid at event time `tsMs` (non-positive / non-finite mids are ignored). */
  onLocalMid(tsMs: number, mid: number): void {
    this.advance(tsMs);
    if (mid > 0 && mid < Number.POSITIVE_INFINITY && Number.isFinite(tsMs)) {
      this.hasLocal = true;
      this.localMid = mid;
      this.localTsMs = tsMs;
    }
  }

  /** Advance the sampling clock to `tsMs`: samples every elapsed grid instant (call each cycle). */
  advance(tsMs: number): void {
    if (!this.hasGrid) {
      if (!Number.isFinite(tsMs)) return;
      this.hasGrid = true;
      this.nextGridMs = Math.floor(tsMs / this.step) * this.step + this.step;
      return;
    }
    let n = 0;
    while (tsMs >= this.nextGridMs) {
      const valid = this.sample(this.nextGridMs);
      this.nextGridMs += this.step;
      // No mid arrives during this call: once a sample is invalid, so are all later ones up to
      // tsMs; when the ring holds no valid sample either, skipping them changes nothing.
      if (!valid && this.invalidRun >= this.k) {
        if (tsMs >= this.nextGridMs) this.nextGridMs = Math.floor(tsMs / this.step) * this.step + this.step;
        return;
      }
      if (++n >= MAX_GRID_STEPS) {
        this.devs.fill(Number.NaN);
        this.lnLocals.fill(Number.NaN);
        this.invalidRun = this.k;
        this.nextGridMs = Math.floor(tsMs / this.step) * this.step + this.step;
        return;
      }
    }
  }

  /** Sample grid instant `g`; returns whether the sample was valid. */
  private sample(g: number): boolean {
    const slot = this.head;
    const oldDev = this.devs[slot]!;
    const oldLn = this.lnLocals[slot]!;
    const maxAge = this.config.maxReferenceAgeMs;
    const valid = this.hasRef && this.hasLocal && g - this.refTsMs <= maxAge && g - this.localTsMs <= maxAge;
    if (valid) {
      const lnLocal = Math.log(this.localMid);
      const x = (Math.log(this.refMid) - lnLocal) * 1e4;
      if (this.basisSamples === 0) this.basis = x;
      const dev = x - this.basis;
      this.basisSamples++;
      this.basis += Math.max(this.aBasis, 1 / this.basisSamples) * (x - this.basis);
      // The sample K steps ago (t − H) was valid: one regression pair.
      if (!Number.isNaN(oldDev)) this.addPair(oldDev, (lnLocal - oldLn) * 1e4);
      this.devs[slot] = dev;
      this.lnLocals[slot] = lnLocal;
      this.invalidRun = 0;
    } else {
      this.devs[slot] = Number.NaN;
      this.lnLocals[slot] = Number.NaN;
      this.invalidRun++;
    }
    this.head = slot + 1 === this.k ? 0 : slot + 1;
    return valid;
  }

  /** Add one regression pair (deviation d at t − H, local return y over (t − H, t], both bps). */
  private addPair(devBps: number, retBps: number): void {
    const c = this.config.regressionClipBps;
    const d = clamp(devBps, -c, c);
    const y = clamp(retBps, -c, c);
    const l = this.lambda;
    this.sumW = l * this.sumW + 1;
    this.sumW2 = this.lambda2 * this.sumW2 + 1;
    this.sumDD = l * this.sumDD + d * d;
    this.sumDY = l * this.sumDY + d * y;
    this.sumYY = l * this.sumYY + y * y;
    this.pairCount++;
    this.estimate();
  }

  /** β_raw and its t-statistic from the sums (see the module comment). */
  private estimate(): void {
    if (!(this.sumDD > 0)) {
      this.rawBeta = 0;
      this.t = 0;
      return;
    }
    const b = this.sumDY / this.sumDD;
    const nEff = (this.sumW * this.sumW) / this.sumW2 / this.k;
    this.rawBeta = b;
    if (!(nEff > 1)) {
      this.t = 0;
      return;
    }
    const rss = Math.max(0, this.sumYY - b * this.sumDY);
    const s2 = (rss / this.sumW) * (nEff / (nEff - 1));
    const se2 = (s2 * this.sumW) / (nEff * this.sumDD);
    const t = b / Math.sqrt(se2);
    this.t = Number.isFinite(t)
      ? clamp(t, -MAX_ABS_T, MAX_ABS_T)
      : b > 0
        ? MAX_ABS_T
        : b < 0
          ? -MAX_ABS_T
          : 0;
  }

  /** Current deviation d = ln(ref/local)·1e4 − μ from the latest mids (bps; 0 before the first sample). */
  get deviationBps(): number {
    if (!(this.hasRef && this.hasLocal && this.basisSamples > 0)) return 0;
    return (Math.log(this.refMid) - Math.log(this.localMid)) * 1e4 - this.basis;
  }

  /** Persistent basis μ (bps; 0 before the first sample). */
  get basisBps(): number {
    return this.basis;
  }

  /** Clamped regression coefficient β̂ (dimensionless; 0 before any pair). */
  get beta(): number {
    return clamp(this.rawBeta, this.config.minBeta, this.config.maxBeta);
  }

  /** Unclamped regression coefficient β_raw (dimensionless). */
  get betaRaw(): number {
    return this.rawBeta;
  }

  /** t-statistic of β_raw (0 before the effective sample exceeds 1). */
  get tStat(): number {
    return this.t;
  }

  /** Regression pairs seen (warm-up counter). */
  get pairs(): number {
    return this.pairCount;
  }

  /** Age of the last reference mid at `tsMs` (ms; ≥ 0; Infinity when none was seen). */
  referenceAgeMs(tsMs: number): number {
    return this.hasRef ? Math.max(0, tsMs - this.refTsMs) : Number.POSITIVE_INFINITY;
  }

  /** Age of the last local mid at `tsMs` (ms; ≥ 0; Infinity when none was seen). */
  localAgeMs(tsMs: number): number {
    return this.hasLocal ? Math.max(0, tsMs - this.localTsMs) : Number.POSITIVE_INFINITY;
  }

  /** The signal's adjustment at time `tsMs` (call `advance(tsMs)` first). */
  adjustment(tsMs: number): SignalAdjustment {
    if (!this.hasRef) return inactive(LEAD_LAG_SIGNAL_NAME, "no reference");
    if (!this.hasLocal) return inactive(LEAD_LAG_SIGNAL_NAME, "no local mid");
    const c = this.config;
    const d = this.deviationBps;
    const refAge = this.referenceAgeMs(tsMs);
    if (!(refAge <= c.maxReferenceAgeMs)) {
      return makeAdjustment(
        LEAD_LAG_SIGNAL_NAME,
        false,
        0,
        d,
        this.note(NOTE_REF_STALE, tenths(refAge / 1000), 0),
      );
    }
    const localAge = this.localAgeMs(tsMs);
    if (!(localAge <= c.maxReferenceAgeMs)) {
      return makeAdjustment(
        LEAD_LAG_SIGNAL_NAME,
        false,
        0,
        d,
        this.note(NOTE_LOCAL_STALE, tenths(localAge / 1000), 0),
      );
    }
    if (this.pairCount < c.minPairs) {
      return makeAdjustment(LEAD_LAG_SIGNAL_NAME, false, 0, d, this.note(NOTE_WARMUP, this.pairCount, 0));
    }
    const t = this.t;
    if (!(t >= c.minTStat)) {
      return makeAdjustment(LEAD_LAG_SIGNAL_NAME, false, 0, d, this.note(NOTE_NO_LEAD, t, 0));
    }
    const beta = this.beta;
    const m = c.maxSkewBps;
    const skew = clamp(beta * d, -m, m);
    const confidence = Math.min(1, t / c.fullConfidenceTStat);
    return makeAdjustment(
      LEAD_LAG_SIGNAL_NAME,
      true,
      confidence,
      d,
      this.note(NOTE_ACTIVE, beta, t),
      0,
      skew,
    );
  }

  /** The note text of (kind, a, b), rebuilt only when the shown numbers' inputs change. */
  private note(kind: number, a: number, b: number): string {
    if (kind === this.noteKind && a === this.noteA && b === this.noteB) return this.noteText;
    this.noteKind = kind;
    this.noteA = a;
    this.noteB = b;
    this.noteText = leadLagNoteText(kind, a, b, this.config.minPairs);
    return this.noteText;
  }

  /** Serializable state (JSON-safe: invalid ring entries are null). */
  getState(): LeadLagState {
    const toJson = (a: Float64Array): (number | null)[] => Array.from(a, (v) => (Number.isNaN(v) ? null : v));
    return {
      reference: this.hasRef ? { mid: this.refMid, tsMs: this.refTsMs } : null,
      local: this.hasLocal ? { mid: this.localMid, tsMs: this.localTsMs } : null,
      nextGridMs: this.hasGrid ? this.nextGridMs : null,
      basisBps: this.basisSamples > 0 ? this.basis : null,
      basisSamples: this.basisSamples,
      devBps: toJson(this.devs),
      lnLocal: toJson(this.lnLocals),
      head: this.head,
      invalidRun: this.invalidRun,
      sumW: this.sumW,
      sumW2: this.sumW2,
      sumDD: this.sumDD,
      sumDY: this.sumDY,
      sumYY: this.sumYY,
      pairs: this.pairCount,
    };
  }

  /** Restore `getState()` output (zod-validated; same configuration); throws a clear Error if invalid. */
  setState(raw: unknown): void {
    const parsed = LeadLagStateSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`lead-lag: invalid state: ${parsed.error.message}`);
    const s = parsed.data;
    if (s.devBps.length !== this.k || s.lnLocal.length !== this.k || s.head >= this.k) {
      throw new Error("lead-lag: state does not match this configuration's horizonMs / sampleMs");
    }
    this.hasRef = s.reference !== null;
    this.refMid = s.reference?.mid ?? 0;
    this.refTsMs = s.reference?.tsMs ?? 0;
    this.hasLocal = s.local !== null;
    this.localMid = s.local?.mid ?? 0;
    this.localTsMs = s.local?.tsMs ?? 0;
    this.hasGrid = s.nextGridMs !== null;
    this.nextGridMs = s.nextGridMs ?? 0;
    this.basis = s.basisBps ?? 0;
    this.basisSamples = s.basisSamples;
    for (let i = 0; i < this.k; i++) {
      this.devs[i] = s.devBps[i] ?? Number.NaN;
      this.lnLocals[i] = s.lnLocal[i] ?? Number.NaN;
    }
    this.head = s.head;
    this.invalidRun = s.invalidRun;
    this.sumW = s.sumW;
    this.sumW2 = s.sumW2;
    this.sumDD = s.sumDD;
    this.sumDY = s.sumDY;
    this.sumYY = s.sumYY;
    this.pairCount = s.pairs;
    this.estimate();
  }

  /** Forget everything (as freshly constructed). */
  reset(): void {
    this.setState(freshLeadLagState(this.k));
  }
}
