/** Streaming simple regression: the RunningRegression sums (OLS slope and its standard error) and their checkpoint. */
import { type EncodedNumber, encodeNumber, readInt, readNumber, readVersioned } from "./checkpoint.js";

/** Checkpoint of a {@link RunningRegression}. */
export interface RunningRegressionState {
  version: 1;
  n: number;
  meanX: EncodedNumber;
  meanY: EncodedNumber;
  sxx: EncodedNumber;
  sxy: EncodedNumber;
  syy: EncodedNumber;
}

/** Running simple-regression sums for y = a + b·x (O(1) memory). */
export class RunningRegression {
  /** Number of (x, y) pairs. */
  n = 0;
  private mx = 0;
  private my = 0;
  private sxx = 0;
  private sxy = 0;
  private syy = 0;

  /** Add one pair (Welford-style co-moment update). */
  push(x: number, y: number): void {
    this.n += 1;
    const dx = x - this.mx;
    this.mx += dx / this.n;
    const dy = y - this.my;
    this.my += dy / this.n;
    this.sxx += dx * (x - this.mx);
    this.sxy += dx * (y - this.my);
    this.syy += dy * (y - this.my);
  }

  /** OLS slope b and its standard error (null if n < 3 or x has no spread). */
  slope(): { slope: number; se: number | null } | null {
    if (this.n < 3 || !(this.sxx > 0)) return null;
    const b = this.sxy / this.sxx;
    const rss = Math.max(0, this.syy - b * this.sxy);
    const se = Math.sqrt(rss / (this.n - 2) / this.sxx);
    return { slope: b, se: Number.isFinite(se) ? se : null };
  }

  /** JSON-safe checkpoint of the sums. */
  getState(): RunningRegressionState {
    return {
      version: 1,
      n: this.n,
      meanX: encodeNumber(this.mx),
      meanY: encodeNumber(this.my),
      sxx: encodeNumber(this.sxx),
      sxy: encodeNumber(this.sxy),
      syy: encodeNumber(this.syy),
    };
  }

  /** Restore from {@link getState} output (validated; throws naming the bad field, leaves this unchanged). */
  setState(state: RunningRegressionState, where = "RunningRegression state"): void {
    const r = readVersioned(state, where);
    const n = readInt(r, "n", where);
    const mx = readNumber(r, "meanX", where);
    const my = readNumber(r, "meanY", where);
    const sxx = readNumber(r, "sxx", where);
    const sxy = readNumber(r, "sxy", where);
    const syy = readNumber(r, "syy", where);
    this.n = n;
    this.mx = mx;
    this.my = my;
    this.sxx = sxx;
    this.sxy = sxy;
    this.syy = syy;
  }

  /** A new regression restored from a checkpoint. */
  static fromState(state: RunningRegressionState, where?: string): RunningRegression {
    const m = new RunningRegression();
    m.setState(state, where);
    return m;
  }
}
