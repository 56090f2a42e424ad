/**
 * Drawdown and equity-curve helpers: peak-to-trough (absolute and as a fraction of the peak),
 * duration underwater, the underwater curve, and a streaming tracker with O(1) memory.
 */
import {
  type EncodedNumber,
  encodeNumber,
  readNullableNumber,
  readNumber,
  readVersioned,
} from "./checkpoint.js";

/** Maximum drawdown of an equity path. */
export interface DrawdownResult {
  /** Largest peak − trough, quote currency (0 for a non-decreasing path). */
  maxDrawdownAbs: number;
  /** Largest (peak − trough) / peak, fraction (null if a peak was ≤ 0, where a fraction is undefined). */
  maxDrawdownFrac: number | null;
  /** Index of the peak of the largest absolute drawdown. */
  peakIndex: number;
  /** Index of the trough of the largest absolute drawdown. */
  troughIndex: number;
  /** Longest run of consecutive samples below the running peak, in samples. */
  maxDurationSamples: number;
}

/** Maximum drawdown of `equity` (absolute, fractional, location, longest underwater run). */
export function maxDrawdown(equity: ArrayLike<number>): DrawdownResult | null {
  if (equity.length === 0) return null;
  let peak = equity[0]!;
  let peakIdx = 0;
  let maxAbs = 0;
  let maxFrac: number | null = 0;
  let bestPeak = 0;
  let bestTrough = 0;
  let run = 0;
  let maxRun = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (!Number.isFinite(e)) throw new Error(`maxDrawdown: equity[${i}] is not finite (${e})`);
    if (e >= peak) {
      peak = e;
      peakIdx = i;
      run = 0;
      continue;
    }
    run += 1;
    if (run > maxRun) maxRun = run;
    const dd = peak - e;
    if (dd > maxAbs) {
      maxAbs = dd;
      bestPeak = peakIdx;
      bestTrough = i;
    }
    if (maxFrac !== null) {
      if (peak <= 0) maxFrac = null;
      else if (dd / peak > maxFrac) maxFrac = dd / peak;
    }
  }
  return {
    maxDrawdownAbs: maxAbs,
    maxDrawdownFrac: maxFrac,
    peakIndex: bestPeak,
    troughIndex: bestTrough,
    maxDurationSamples: maxRun,
  };
}

/**
 * Underwater curve: (running peak − equity) / running peak at every sample (0 at new highs; NaN
 * while the running peak is ≤ 0, where a fraction of it is undefined). Throws, like
 * {@link maxDrawdown}, on a non-finite sample.
 */
export function underwaterCurve(equity: ArrayLike<number>): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (!Number.isFinite(e)) throw new Error(`underwaterCurve: equity[${i}] is not finite (${e})`);
    if (e > peak) peak = e;
    out[i] = peak > 0 ? (peak - e) / peak : Number.NaN;
  }
  return out;
}

/** Snapshot of a streaming drawdown tracker. */
export interface DrawdownState {
  /** Running peak equity. */
  peak: number;
  /** Time of the running peak, ms. */
  peakTsMs: number;
  /** Current drawdown, quote currency. */
  drawdownAbs: number;
  /** Current drawdown, fraction of the peak (null if peak ≤ 0). */
  drawdownFrac: number | null;
  /** Largest drawdown so far, quote currency. */
  maxDrawdownAbs: number;
  /** Largest fractional drawdown so far (null if some peak was ≤ 0). */
  maxDrawdownFrac: number | null;
  /** Time under water right now (since the peak), ms; 0 at a new high. */
  durationMs: number;
  /**
   * Longest time under water so far, ms: from the peak sample to the last sample still below it
   * (not to the sample that recovers; with samples every 10 s the two differ by up to 10 s).
   */
  maxDurationMs: number;
}

/** Checkpoint of a {@link DrawdownTracker} (not to be confused with the {@link DrawdownState} snapshot). */
export interface DrawdownTrackerState {
  version: 1;
  /** Running peak (NaN before the first sample). */
  peak: EncodedNumber;
  peakTsMs: EncodedNumber;
  last: EncodedNumber;
  lastTsMs: EncodedNumber;
  maxDrawdownAbs: EncodedNumber;
  maxDrawdownFrac: EncodedNumber | null;
  maxDurationMs: EncodedNumber;
}

/** Streaming drawdown tracker over (tsMs, equity) samples with O(1) memory. */
export class DrawdownTracker {
  private peak = Number.NaN;
  private peakTsMs = Number.NaN;
  private last = Number.NaN;
  private lastTsMs = Number.NaN;
  private maxAbs = 0;
  private maxFrac: number | null = 0;
  private maxDurMs = 0;

  /** Add one equity sample. */
  update(tsMs: number, equity: number): void {
    if (!Number.isFinite(equity)) throw new Error(`DrawdownTracker.update: equity is not finite (${equity})`);
    if (!Number.isFinite(tsMs)) throw new Error(`DrawdownTracker.update: tsMs is not finite (${tsMs})`);
    this.last = equity;
    this.lastTsMs = tsMs;
    if (Number.isNaN(this.peak) || equity >= this.peak) {
      this.peak = equity;
      this.peakTsMs = tsMs;
      return;
    }
    const dd = this.peak - equity;
    if (dd > this.maxAbs) this.maxAbs = dd;
    if (this.maxFrac !== null) {
      if (this.peak <= 0) this.maxFrac = null;
      else if (dd / this.peak > this.maxFrac) this.maxFrac = dd / this.peak;
    }
    const dur = tsMs - this.peakTsMs;
    if (dur > this.maxDurMs) this.maxDurMs = dur;
  }

  /** Current state (null before the first sample). */
  state(): DrawdownState | null {
    if (Number.isNaN(this.peak)) return null;
    const ddAbs = this.peak - this.last;
    return {
      peak: this.peak,
      peakTsMs: this.peakTsMs,
      drawdownAbs: ddAbs,
      drawdownFrac: this.peak > 0 ? ddAbs / this.peak : null,
      maxDrawdownAbs: this.maxAbs,
      maxDrawdownFrac: this.maxFrac,
      durationMs: ddAbs > 0 ? this.lastTsMs - this.peakTsMs : 0,
      maxDurationMs: this.maxDurMs,
    };
  }

  /** JSON-safe checkpoint of the tracker. */
  getState(): DrawdownTrackerState {
    return {
      version: 1,
      peak: encodeNumber(this.peak),
      peakTsMs: encodeNumber(this.peakTsMs),
      last: encodeNumber(this.last),
      lastTsMs: encodeNumber(this.lastTsMs),
      maxDrawdownAbs: encodeNumber(this.maxAbs),
      maxDrawdownFrac: this.maxFrac === null ? null : encodeNumber(this.maxFrac),
      maxDurationMs: encodeNumber(this.maxDurMs),
    };
  }

  /** Restore from {@link getState} output (validated; throws naming the bad field, leaves this unchanged). */
  setState(state: DrawdownTrackerState, where = "DrawdownTracker state"): void {
    const r = readVersioned(state, where);
    const peak = readNumber(r, "peak", where);
    const peakTsMs = readNumber(r, "peakTsMs", where);
    const last = readNumber(r, "last", where);
    const lastTsMs = readNumber(r, "lastTsMs", where);
    const maxAbs = readNumber(r, "maxDrawdownAbs", where);
    const maxFrac = readNullableNumber(r, "maxDrawdownFrac", where);
    const maxDurMs = readNumber(r, "maxDurationMs", where);
    this.peak = peak;
    this.peakTsMs = peakTsMs;
    this.last = last;
    this.lastTsMs = lastTsMs;
    this.maxAbs = maxAbs;
    this.maxFrac = maxFrac;
    this.maxDurMs = maxDurMs;
  }

  /** A new tracker restored from a checkpoint. */
  static fromState(state: DrawdownTrackerState, where?: string): DrawdownTracker {
    const t = new DrawdownTracker();
    t.setState(state, where);
    return t;
  }
}
