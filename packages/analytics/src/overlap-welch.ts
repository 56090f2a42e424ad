/**
 * Welch's difference of two group means (e.g. fills placed while a signal was active vs inactive)
 * with a standard error robust to overlapping markouts: the two-group form of
 * {@link OverlapVariance}. With Bartlett weights in time w_ij = (1 − |t_i − t_j|/B)⁺ and the group
 * means m_A, m_B,
 *
 *   Var(m_A − m_B) = Q_AA/(n_A² − W_AA) + Q_BB/(n_B² − W_BB) − 2·Q_AB/(n_A·n_B),
 *   Q_GH = Σ_{i∈G, j∈H} w_ij (x_i − m_G)(x_j − m_H),  W_GG = Σ_{i,j∈G} w_ij,
 *
 * (the linearized variance of the difference: fills of both groups that are close in time share
 * moves, so the cross term matters too). This class keeps only the OFF-diagonal pair sums; the
 * diagonal (each value with itself) comes from the caller's running moments (n, mean, Σ(x − x̄)²),
 * so without overlapping pairs the test is bit for bit Welch's s_A²/n_A + s_B²/n_B with
 * Welch–Satterthwaite df. With overlaps each group's df is min(n_eff − 1, 1.5·n²/W) in that formula,
 * and neither a group's variance nor the difference's is let fall below the i.i.d. one (negative
 * covariances would claim more precision than independent fills give).
 * Values enter the pair sums shifted by a caller constant (for precision).
 */
import { decodeNumber, type EncodedNumber, encodeNumber, readVersioned } from "./checkpoint.js";
import { type Alternative, type TTestResult, tTestFromSe } from "./stats.js";

/** Group of a value: 0 = A (e.g. signal active), 1 = B (inactive). */
export type OverlapGroup = 0 | 1;

/** A group's running moments: count, mean, Σ(x − x̄)². */
export interface GroupMoments {
  n: number;
  mean: number;
  m2: number;
}

/** Checkpoint of an {@link OverlapWelch}. */
export interface OverlapWelchState {
  version: 1;
  /** Off-diagonal [Wyy, Wy, W] of A–A pairs, of B–B pairs, then [Wyy, WyA, WyB, W] of A–B pairs. */
  sums: EncodedNumber[];
}

const FIELDS = 10;

/** Off-diagonal pair sums of two groups for the overlap-robust Welch test (see the module doc). */
export class OverlapWelch {
  // within group g (offset 3g), over ordered pairs i ≠ j: Σ w y_i y_j, Σ w y_i, Σ w
  // cross (offset 6), over i∈A, j∈B: Σ w y_i y_j, Σ w y_i, Σ w y_j, Σ w
  private readonly s = new Float64Array(FIELDS);

  /** Add the pair (i, j), i ≠ j, with weight w in (0, 1), in both orders (values shifted). */
  addPair(gi: OverlapGroup, yi: number, gj: OverlapGroup, yj: number, w: number): void {
    const s = this.s;
    if (gi === gj) {
      const o = 3 * gi;
      s[o]! += 2 * w * yi * yj;
      s[o + 1]! += w * (yi + yj);
      s[o + 2]! += 2 * w;
      return;
    }
    const ya = gi === 0 ? yi : yj;
    const yb = gi === 0 ? yj : yi;
    s[6]! += w * ya * yb;
    s[7]! += w * ya;
    s[8]! += w * yb;
    s[9]! += w;
  }

  /** Whether any pair was added. */
  hasPairs(): boolean {
    return this.s[2]! > 0 || this.s[5]! > 0 || this.s[9]! > 0;
  }

  /**
   * The overlap-robust Welch test of mean(A) − mean(B) given both groups' moments and the shift
   * the pair values were taken with (null when a group has < 2 values or the variance is not > 0).
   */
  test(
    a: GroupMoments,
    b: GroupMoments,
    shift: number,
    alternative: Alternative = "two-sided",
  ): TTestResult | null {
    if (a.n < 2 || b.n < 2) return null;
    const s = this.s;
    const group = (o: number, g: GroupMoments): { v: number; df: number } | null => {
      const iidV = g.m2 / (g.n - 1) / g.n; // Welch's s²/n
      if (s[o + 2]! === 0) return { v: iidV, df: g.n - 1 };
      const m = g.mean - shift;
      const q = g.m2 + s[o]! - 2 * m * s[o + 1]! + m * m * s[o + 2]!;
      const sumW = g.n + s[o + 2]!;
      const denom = g.n * g.n - sumW;
      if (!(denom > 0)) return null;
      // never below the i.i.d. s²/n (see OverlapVariance.conservativeVarianceOfMean)
      const v = Math.max(iidV, Math.max(0, q) / denom);
      const nEff = v > 0 ? (iidV * g.n) / v : g.n;
      return { v, df: Math.min(g.n - 1, Math.max(1, Math.min(nEff - 1, (1.5 * g.n * g.n) / sumW))) };
    };
    const ga = group(0, a);
    const gb = group(3, b);
    if (ga === null || gb === null) return null;
    const mA = a.mean - shift;
    const mB = b.mean - shift;
    const qAB = s[9]! === 0 ? 0 : s[6]! - mB * s[7]! - mA * s[8]! + mA * mB * s[9]!;
    // a positive covariance across the groups lowers the error; not below Welch's i.i.d. one either
    const iidSe2 = a.m2 / (a.n - 1) / a.n + b.m2 / (b.n - 1) / b.n;
    const se2 = Math.max(iidSe2, ga.v + gb.v - (2 * qAB) / (a.n * b.n));
    if (!(se2 > 0)) return null;
    const df = ((ga.v + gb.v) * (ga.v + gb.v)) / ((ga.v * ga.v) / ga.df + (gb.v * gb.v) / gb.df);
    return tTestFromSe(a.mean - b.mean, Math.sqrt(se2), df, 0, alternative);
  }

  /** JSON-safe checkpoint. */
  getState(): OverlapWelchState {
    return { version: 1, sums: Array.from(this.s, (x) => encodeNumber(x)) };
  }

  /** Restore from {@link getState} output (throws naming the bad field). */
  setState(state: OverlapWelchState, where = "OverlapWelch state"): void {
    const r = readVersioned(state, where);
    const arr = r["sums"];
    if (!Array.isArray(arr) || arr.length !== FIELDS)
      throw new Error(`${where}.sums: expected ${FIELDS} numbers`);
    this.s.set(arr.map((v, i) => decodeNumber(v, `${where}.sums[${i}]`)));
  }
}
