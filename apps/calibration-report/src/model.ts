/** The report model: everything the report says, as plain serializable data (what `--json` writes). */
import type { Criteria } from "./criteria.js";
import type { HistogramView } from "./histogram.js";
import type { SeriesPoint } from "./downsample.js";
import type { RunMixingModel } from "./run-mixing.js";
import type { TimeRange } from "./time-range.js";
import type { Verdict } from "./verdict.js";

/** Version of the report model layout. */
export const REPORT_SCHEMA_VERSION = 1;

/** A malformed, torn or otherwise rejected input line. */
export interface InputIssue {
  /** "file:line" (1-based line). */
  location: string;
  /** What was wrong. */
  reason: string;
}

/** What was read from one input file. */
export interface InputFileSummary {
  stream: string;
  file: string;
  present: boolean;
  bytes: number;
  /** Valid records read (before the time filter). */
  records: number;
  /** Records inside the time filter. */
  used: number;
  /** Malformed / invalid / torn lines. */
  badLines: number;
  /** Valid records with a plausible time that the --since/--until window left out. */
  outsideWindow: number;
  /** First and last plausible record time (epoch ms) in the file, whatever the window; null: none. */
  firstTsMs: number | null;
  lastTsMs: number | null;
  /** Why (part of) the file could not be read (e.g. "EISDIR: a directory"), else null. */
  unreadable: string | null;
}

/** Run summary section. */
export interface RunSummary {
  runId: string | null;
  /** First and last event time seen across streams (epoch ms), after the time filter. */
  startTsMs: number | null;
  endTsMs: number | null;
  spanSecs: number | null;
  /** Market-data source from run.json (e.g. { kind: "replay", path }). */
  source: Record<string, unknown> | null;
  fillModel: string | null;
  symbol: string | null;
  venue: string | null;
  seed: number | null;
  /** Resolved config from run.json. */
  config: Record<string, unknown> | null;
  fills: number;
  buyFills: number;
  sellFills: number;
  makerFills: number;
  takerFills: number;
  /** Sum of |size| in base units. */
  volumeBase: number;
  /** Sum of price·|size| in quote currency. */
  volumeQuote: number;
  /** Fees paid in quote currency (negative = net rebate). */
  feesQuote: number;
  /** Sum of the original `spread_capture`, quote currency. */
  spreadCaptureQuote: number;
  /** Equity at the first and last sample. */
  startEquity: number | null;
  endEquity: number | null;
  /** endEquity − startEquity. */
  netPnlQuote: number | null;
}

/** One reliability-table bin. */
export interface ReliabilityBinModel {
  lo: number;
  hi: number;
  count: number;
  meanForecast: number | null;
  observedFreq: number | null;
  /** Too few samples to trust the bin. */
  lowCount: boolean;
}

/** Calibration of one probability forecast (fill probability at one horizon, or adverse selection). */
export interface CalibrationModel {
  /** e.g. "fill@1000ms" or "adverse". */
  label: string;
  horizonMs: number | null;
  /** Resolved forecasts. */
  n: number;
  /** Forecasts excluded because the outcome was censored. */
  censored: number;
  brier: number | null;
  reliability: number | null;
  resolution: number | null;
  uncertainty: number | null;
  /** Within-bin forecast variance term (BS = REL − RES + UNC + within). */
  withinBin: number | null;
  logLoss: number | null;
  /** Brier skill score vs climatology (1 − BS/UNC). */
  skill: number | null;
  baseRate: number | null;
  meanForecast: number | null;
  /** Bootstrap 95% CI of the Brier score (single forecasts resampled). */
  brierCi95: [number, number] | null;
  /** Forecasts the bootstrap resampled (a seeded reservoir of at most 20,000: conservative above that). */
  brierCiFrom: number | null;
  /**
   * 95% CI of the Brier score from time blocks (forecasts placed close together are decided by the
   * same market moves, which the bootstrap ignores); the reports show it when present.
   */
  brierBlockCi95: [number, number] | null;
  /** Time blocks behind `brierBlockCi95`, with their length in ms. */
  brierCiBlocks: { blocks: number; blockMs: number } | null;
  bins: ReliabilityBinModel[];
  /** "INSUFFICIENT DATA" when empty; never a 0 score. */
  status: "OK" | "INSUFFICIENT DATA";
}

/** Sharpe statistics of one window. */
export interface SharpeWindowModel {
  window: string;
  n: number;
  meanReturnBps: number | null;
  stdReturnBps: number | null;
  sharpeAnnualized: number | null;
  loSharpeAnnualized: number | null;
  /** Annualized SE and PSR assuming uncorrelated bucket returns (Mertens). */
  sharpeSeAnnualized: number | null;
  psr: number | null;
  /** The same by Lo's (2002) GMM for autocorrelated returns (Newey–West over the Lo lags); the tables show these. */
  sharpeSeHacAnnualized: number | null;
  psrHac: number | null;
  maxDrawdownFrac: number | null;
}

/** Sharpe section (recomputed from equity). */
export interface SharpeModel {
  bucketSecs: number;
  periodsPerYear: number;
  returnBasis: string;
  capitalBase: number | null;
  /**
   * Buckets with no equity sample (holes in equity.jsonl: a recording or feed gap). The Sharpe
   * carries equity through them as flat, zero-return buckets, which pulls it toward 0.
   */
  emptyBuckets: number;
  /** Holes (runs of empty buckets), the longest in seconds between its two samples, and its start. */
  gaps: number;
  longestGapSecs: number | null;
  longestGapStartTsMs: number | null;
  /**
   * Whole buckets the trader marked as unobserved (no market data: feed outage, a stop between
   * sessions), left out of the Sharpe rather than counted flat, and the gaps they came in.
   */
  unobservedBuckets: number;
  unobservedGaps: number;
  windows: SharpeWindowModel[];
  /** The last sharpe_metrics.jsonl record's figures as written by the trader (for comparison). */
  logged: {
    sharpeAll: number | null;
    sharpe1h: number | null;
    originalPerFillSharpe: number | null;
    label: string;
  } | null;
}

/** Drawdown section. */
export interface DrawdownModel {
  maxDrawdownFrac: number | null;
  maxDrawdownAbs: number | null;
  peakTsMs: number | null;
  troughTsMs: number | null;
  /** Longest time spent under a previous peak, seconds. */
  longestUnderwaterSecs: number | null;
  currentDrawdownFrac: number | null;
}

/** Edge validation of one markout horizon. */
export interface EdgeHorizonModel {
  /** null = the primary `realized_edge_bps`. */
  horizonMs: number | null;
  label: string;
  n: number;
  meanRealizedBps: number | null;
  stdRealizedBps: number | null;
  /** 95% t CI of the mean realized edge treating fills as independent. */
  ci95Bps: [number, number] | null;
  /** One-sample t-test, H1: edge > 0, treating fills as independent (overstated when markouts overlap). */
  tStat: number | null;
  pValue: number | null;
  /** The same CI and test with the standard error robust to overlapping markouts (they drive the verdict). */
  ci95BpsOverlap: [number, number] | null;
  /**
   * The robust CI at the verdict's level 1 − 2α (90%): the verdict says POSITIVE/NEGATIVE exactly
   * when it lies above/below 0 (the 95% CI disagrees for one-sided p between 0.025 and 0.05).
   */
  verdictCiBps: [number, number] | null;
  tStatOverlap: number | null;
  pValueOverlap: number | null;
  /** Independent fills the sample is worth (s²/Var(mean); n when no markouts overlap). */
  effectiveN: number | null;
  meanPredictedBps: number | null;
  /** Mean of predicted − realized, bps. */
  biasBps: number | null;
  /** Bias t-test (two-sided) treating fills as independent, and with the overlap-robust error. */
  biasTStat: number | null;
  biasPValue: number | null;
  biasTStatOverlap: number | null;
  biasPValueOverlap: number | null;
  verdict: string;
  histogram: HistogramView;
}

/** Edge-validation section. */
export interface EdgeModel {
  fills: number;
  meanFeeBps: number | null;
  meanRealizedSpreadBps: number | null;
  /** Level of each horizon's `verdictCiBps` (1 − 2α: 0.9). */
  verdictCiLevel: number;
  horizons: EdgeHorizonModel[];
}

/** Per-signal attribution row. */
export interface SignalAttributionModel {
  signal: string;
  activePnlBps: number | null;
  inactivePnlBps: number | null;
  marginalValueBps: number | null;
  nActive: number;
  nInactive: number;
  /** Welch t of active − inactive treating fills as independent. */
  tStat: number | null;
  pValue: number | null;
  /** The Welch test with the standard error robust to overlapping markouts (null in older logs). */
  tStatOverlap: number | null;
  pValueOverlap: number | null;
  slopeBpsPerBps: number | null;
  slopeSe: number | null;
}

/** Attribution section. */
export interface AttributionModel {
  /** "signal_pnl.jsonl" (last record) or "recomputed". */
  source: string;
  tsMs: number | null;
  nFills: number;
  nAttributed: number;
  signals: SignalAttributionModel[];
}

/** One run event (kill switch etc.). */
export interface RunEventModel {
  tsMs: number;
  kind: string;
  from: string | null;
  to: string | null;
  reason: string | null;
}

/** Kill-switch and other run events. */
export interface EventsModel {
  total: number;
  killSwitchTransitions: number;
  /** Kill-switch transitions to `halted` (the risk limits stopped the strategy). */
  killSwitchHalts: number;
  /** The first transition to `halted`, if any. */
  firstHalt: { tsMs: number; reason: string | null } | null;
  countsByKind: Record<string, number>;
  /** First events (bounded list). */
  events: RunEventModel[];
  truncated: boolean;
}

/** Chart data (bounded size). */
export interface ChartsModel {
  equity: SeriesPoint[];
  /** Drawdown in percent of the running peak (≤ 0). */
  drawdownPct: SeriesPoint[];
}

/** The whole report. */
export interface ReportModel {
  schemaVersion: number;
  dir: string;
  criteria: Criteria;
  timeRange: TimeRange;
  inputs: InputFileSummary[];
  /** Files that were expected but missing. */
  missing: string[];
  /** First malformed lines (bounded list) and the total count. */
  issues: InputIssue[];
  issueCount: number;
  /**
   * Whether the streams interleave more than one run (more than one run start in events.jsonl, times
   * going back in equity.jsonl / fills.jsonl, a fill-id counter restarting) or hold a file of another
   * run (a time span that disagrees with the other streams' or run.json's); its findings are also
   * in `issues`. When `detected`, the verdict is INSUFFICIENT DATA.
   */
  runMixing: RunMixingModel;
  summary: RunSummary;
  /**
   * `byArrivalModel`: the fill forecasts again per arrival model and horizon (the fit's exponential
   * vs the tape's measured curve), when the predictions use more than one; else empty.
   */
  calibration: { fill: CalibrationModel[]; adverse: CalibrationModel; byArrivalModel: CalibrationModel[] };
  sharpe: SharpeModel;
  drawdown: DrawdownModel;
  edge: EdgeModel;
  attribution: AttributionModel;
  events: EventsModel;
  charts: ChartsModel;
  verdict: Verdict;
}
