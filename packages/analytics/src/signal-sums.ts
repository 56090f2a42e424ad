/** Per-signal attribution sums (active / inactive moments, regression, overlap pair sums) and the statistics reported from them. */
import type { OverlapWelch } from "./overlap-welch.js";
import type { SignalPnlStats } from "./records.js";
import { type RunningMoments, type RunningRegression, welchTTest } from "./stats.js";

/** Running sums of one signal: fills placed with it active vs inactive, PnL on adjustment magnitude, overlap pairs. */
export interface SignalSums {
  active: RunningMoments;
  inactive: RunningMoments;
  reg: RunningRegression;
  overlap: OverlapWelch;
}

/** The `signal_pnl.jsonl` statistics of one signal; `shift` is the PnL shift of its overlap pair sums. */
export function signalPnlStats(s: SignalSums, shift: number): SignalPnlStats {
  const ma = s.active.mean();
  const mi = s.inactive.mean();
  const va = s.active.variance();
  const vi = s.inactive.variance();
  const w =
    ma !== null && mi !== null && va !== null && vi !== null
      ? welchTTest(s.active.n, ma, va, s.inactive.n, mi, vi, "two-sided")
      : null;
  const slope = s.reg.slope();
  const mom = (m: RunningMoments) => ({ n: m.n, mean: m.mean() ?? 0, m2: m.m2Sum() });
  const o = s.overlap.test(mom(s.active), mom(s.inactive), shift, "two-sided");
  return {
    active_pnl_bps: ma,
    inactive_pnl_bps: mi,
    marginal_value_bps: ma !== null && mi !== null ? ma - mi : null,
    n_active: s.active.n,
    n_inactive: s.inactive.n,
    t_stat: w ? w.t : null,
    df: w ? w.df : null,
    p_value: w ? w.p : null,
    t_stat_overlap: o ? o.t : null,
    df_overlap: o ? o.df : null,
    p_value_overlap: o ? o.p : null,
    slope_bps_per_bps: slope ? slope.slope : null,
    slope_se: slope ? slope.se : null,
    slope_n: s.reg.n,
  };
}
