/** The golden run: known records whose report figures are derived by hand in golden.test.ts. */
import type { SharpeMetricsRecord } from "@mmkit/analytics";
import { cycle, edgeRec, equity, event, fill, manifest, prediction, type RunFiles, T0 } from "./run-dir.js";

const S = 1000;

/** Equity path: bucket returns (of 10 000) .001, .002, −.001, .003, .001; last sample opens bucket 5. */
export const GOLDEN_EQUITY: [number, number][] = [
  [T0, 10_000],
  [T0 + 30 * S, 10_010],
  [T0 + 90 * S, 10_030],
  [T0 + 150 * S, 10_020],
  [T0 + 210 * S, 10_050],
  [T0 + 270 * S, 10_060],
  [T0 + 330 * S, 10_060],
];

function loggedSharpe(): SharpeMetricsRecord {
  return {
    schema_version: 1,
    ts_ms: T0 + 300 * S,
    timestamp_ns: (T0 + 300 * S) * 1e6,
    scope: "portfolio",
    sharpe_1h: 999,
    sharpe_24h: 999,
    sharpe_7d: 999,
    sharpe_all: 999,
    count: 4,
    mean_return_bps: 1,
    std_return_bps: 1,
    elapsed_secs: 300,
    bucket_secs: 60,
    periods_per_year: 525_600,
    return_basis: "starting_capital",
    capital_base: 10_000,
    equity: 10_060,
    windows: [],
    original_per_fill_sharpe: 1234,
    original_per_fill_sharpe_label: "original per-fill figure, for comparison only",
  };
}

/** The golden run's files; `dip` replaces the t0+150 s equity with 9 500 (a 5.28% drawdown). */
export function goldenFiles(opts: { dip?: boolean } = {}): RunFiles {
  const eq = GOLDEN_EQUITY.map(([t, e]) =>
    opts.dip && t === T0 + 150 * S ? equity(t, 9_500) : equity(t, e),
  );
  const outcomesLow = [true, false, false, false, false];
  const outcomesHigh = [true, true, true, true, false];
  const adverseOfFilled = [true, false, true, false, false];
  let k = 0;
  const preds = [
    ...outcomesLow.map((o, i) =>
      prediction(T0 + (10 + i) * S, 1, [
        { h: 100, p: 0.05, filled: false },
        { h: 1000, p: 0.15, filled: o },
      ]),
    ),
    ...outcomesHigh.map((o, i) =>
      prediction(T0 + (20 + i) * S, 1, [
        { h: 100, p: 0.05, filled: false },
        { h: 1000, p: 0.75, filled: o },
      ]),
    ),
    prediction(T0 + 30 * S, 1, [
      { h: 100, p: 0.05, filled: false },
      { h: 1000, p: 0.5, filled: null },
    ]),
  ];
  // attach the adverse forecast (p = 0.4) to the five forecasts that filled at 1 s
  for (const p of preds) {
    if (p.horizons[1]!.filled === true) {
      p.p_adverse_given_fill = 0.4;
      p.adverse = adverseOfFilled[k++]!;
    }
  }
  return {
    manifest: manifest(),
    equity: eq,
    fills: [
      fill(T0 + 20 * S, 1, "buy", 60_000, 0.01, 0.12, 1),
      fill(T0 + 80 * S, 2, "sell", 60_010, 0.02, 0.24, 1),
      fill(T0 + 140 * S, 3, "buy", 59_990, 0.01, 0.12, 2),
      fill(T0 + 200 * S, 4, "sell", 60_020, 0.005, 0.06, 2),
    ],
    predictions: preds,
    edge_validation: [
      edgeRec(T0 + 20 * S, 1, 1, 1.5, [
        { h: 1000, edge: 2 },
        { h: 10_000, edge: 1 },
      ]),
      edgeRec(T0 + 80 * S, 2, 1, 1.5, [
        { h: 1000, edge: 4 },
        { h: 10_000, edge: 3 },
      ]),
      edgeRec(T0 + 140 * S, 3, 2, 1.5, [
        { h: 1000, edge: -1 },
        { h: 10_000, edge: -2 },
      ]),
      edgeRec(T0 + 200 * S, 4, 2, 1.5, [
        { h: 1000, edge: 3 },
        { h: 10_000, edge: 2 },
      ]),
    ],
    signal_contributions: [
      cycle(T0 + 5 * S, 1, { knife: true, regime: true }),
      cycle(T0 + 100 * S, 2, { knife: false, regime: true }),
    ],
    sharpe_metrics: [loggedSharpe()],
    events: [
      event(T0, "start"),
      event(T0 + 160 * S, "kill_switch", "normal", "reduce_only", "drawdown"),
      event(T0 + 220 * S, "kill_switch", "reduce_only", "normal", "recovered"),
    ],
  };
}

/**
 * Criteria under which the golden run is GO (small sample minimums). Its 4 fills' edge (mean 2 bps,
 * one-sided p ≈ 0.08) is not significant, so the edge criterion asks only that it not be negative.
 */
export const GOLDEN_CRITERIA = {
  minFills: 4,
  minSharpeSamples: 5,
  minPredictions: 10,
  minBrierOutcomes: 3,
  minEdgeSamples: 2,
  edgeCriterion: "not_negative",
} as const;
