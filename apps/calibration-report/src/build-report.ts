/** buildReport: stream a run directory once per file through the analytics trackers into a ReportModel. */
import { stat } from "node:fs/promises";
import {
  BrierCalibration,
  type CalibrationReport,
  DrawdownTracker,
  EdgeTracker,
  edgeSnapshotFromRecord,
  type EdgeValidationRecord,
  RUN_MANIFEST_FILE,
  RunningMoments,
  SharpeTracker,
  type SignalContributionsRecord,
  SignalPnLAttributor,
  type SignalPnlRecord,
  type SignalPnlStats,
  type SharpeMetricsRecord,
} from "@mmkit/analytics";
import { type Criteria, DEFAULT_CRITERIA } from "./criteria.js";
import { MinMaxDownsampler } from "./downsample.js";
import { FixedHistogram } from "./histogram.js";
import { IssueLog, openStream, readManifest } from "./inputs.js";
import {
  type AttributionModel,
  type CalibrationModel,
  type EdgeHorizonModel,
  type EventsModel,
  type InputFileSummary,
  REPORT_SCHEMA_VERSION,
  type ReportModel,
  type RunEventModel,
  type SharpeModel,
  type SignalAttributionModel,
} from "./model.js";
import { inRange, type TimeRange } from "./time-range.js";
import { computeVerdict } from "./verdict.js";

/** Options of {@link buildReport}. */
export interface BuildReportOptions {
  /** Go/no-go thresholds (default: {@link DEFAULT_CRITERIA}). */
  criteria?: Criteria;
  /** Only records with ts_ms inside this inclusive range are used. */
  timeRange?: TimeRange;
  /** Maximum points per plotted curve (default 2000). */
  maxPoints?: number;
  /** Sharpe bucket length in ms (default 60 000). */
  bucketMs?: number;
  /** Calibration bins (default 10). */
  calibrationBins?: number;
  /** Reliability bins with fewer forecasts are flagged (default 30). */
  minBinCount?: number;
  /** Bootstrap resamples for the Brier CI (default 500, seeded). */
  bootstrapResamples?: number;
  /** Events listed individually (default 200; all are counted). */
  maxEvents?: number;
}

const MAX_HORIZONS = 16;

function calibrationModel(
  label: string,
  horizonMs: number | null,
  censored: number,
  rep: CalibrationReport | null,
): CalibrationModel {
  if (rep === null) {
    return {
      label,
      horizonMs,
      n: 0,
      censored,
      brier: null,
      reliability: null,
      resolution: null,
      uncertainty: null,
      withinBin: null,
      logLoss: null,
      skill: null,
      baseRate: null,
      meanForecast: null,
      brierCi95: null,
      bins: [],
      status: "INSUFFICIENT DATA",
    };
  }
  let sumF = 0;
  for (const b of rep.table) if (b.meanForecast !== null) sumF += b.meanForecast * b.n;
  return {
    label,
    horizonMs,
    n: rep.n,
    censored,
    brier: rep.brier,
    reliability: rep.reliability,
    resolution: rep.resolution,
    uncertainty: rep.uncertainty,
    withinBin: rep.withinBinVariance - rep.withinBinCovariance,
    logLoss: rep.logLoss,
    skill: rep.brierSkill,
    baseRate: rep.baseRate,
    meanForecast: sumF / rep.n,
    brierCi95: rep.brierCi ? [rep.brierCi.lo, rep.brierCi.hi] : null,
    bins: rep.table.map((b) => ({
      lo: b.lo,
      hi: b.hi,
      count: b.n,
      meanForecast: b.meanForecast,
      observedFreq: b.observedFreq,
      lowCount: b.lowCount,
    })),
    status: "OK",
  };
}

function attributionRow(signal: string, s: SignalPnlStats): SignalAttributionModel {
  return {
    signal,
    activePnlBps: s.active_pnl_bps,
    inactivePnlBps: s.inactive_pnl_bps,
    marginalValueBps: s.marginal_value_bps,
    nActive: s.n_active,
    nInactive: s.n_inactive,
    tStat: s.t_stat,
    pValue: s.p_value,
    slopeBpsPerBps: s.slope_bps_per_bps,
    slopeSe: s.slope_se,
  };
}

function attributionFrom(rec: SignalPnlRecord, source: string): AttributionModel {
  return {
    source,
    tsMs: rec.ts_ms,
    nFills: rec.n_fills,
    nAttributed: rec.n_attributed,
    signals: Object.entries(rec.signals)
      .map(([name, s]) => attributionRow(name, s))
      .sort((a, b) => a.signal.localeCompare(b.signal)),
  };
}

/** Span tracker across streams. */
class Span {
  lo = Number.POSITIVE_INFINITY;
  hi = Number.NEGATIVE_INFINITY;
  see(ts: number): void {
    if (ts < this.lo) this.lo = ts;
    if (ts > this.hi) this.hi = ts;
  }
}

/**
 * Build the report model of a run directory. Each JSONL file is streamed once (bounded memory);
 * malformed lines are collected with file:line; missing files are listed in `missing`.
 * Throws only when `dir` itself is not a readable directory.
 */
export async function buildReport(dir: string, options: BuildReportOptions = {}): Promise<ReportModel> {
  const criteria = options.criteria ?? DEFAULT_CRITERIA;
  const range: TimeRange = options.timeRange ?? { sinceMs: null, untilMs: null };
  const maxPoints = options.maxPoints ?? 2000;
  const maxEvents = options.maxEvents ?? 200;
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(dir);
  } catch {
    throw new Error(`run directory not found: ${dir}`);
  }
  if (!st.isDirectory()) throw new Error(`not a directory: ${dir}`);

  const issues = new IssueLog();
  const inputs: InputFileSummary[] = [];
  const missing: string[] = [];
  const span = new Span();
  const keep = (ts: number): boolean => {
    if (!inRange(range, ts)) return false;
    span.see(ts);
    return true;
  };

  // ---- run.json
  const { manifest, present: manifestPresent } = await readManifest(dir, issues);
  if (!manifestPresent) missing.push(RUN_MANIFEST_FILE);

  // ---- equity.jsonl → Sharpe, drawdown, curves
  const sharpe = new SharpeTracker({ bucketMs: options.bucketMs ?? 60_000 });
  const dd = new DrawdownTracker();
  const eqCurve = new MinMaxDownsampler(maxPoints);
  const ddCurve = new MinMaxDownsampler(maxPoints);
  let eqN = 0;
  let firstEq: number | null = null;
  let lastEq: number | null = null;
  let lastEqTs: number | null = null;
  let maxFracSeen = 0;
  let peakTsAtMax: number | null = null;
  let troughTsAtMax: number | null = null;
  let sharpeError: string | null = null;
  {
    const s = await openStream(dir, "equity", issues);
    for await (const batch of s.batches()) {
      for (const r of batch) {
        if (!keep(r.ts_ms)) continue;
        s.summary.used++;
        if (!Number.isFinite(r.equity)) continue;
        eqN++;
        firstEq ??= r.equity;
        lastEq = r.equity;
        lastEqTs = r.ts_ms;
        if (sharpeError === null) {
          try {
            sharpe.update(r.ts_ms, r.equity);
          } catch (err) {
            sharpeError = (err as Error).message;
          }
        }
        dd.update(r.ts_ms, r.equity);
        const ds = dd.state()!;
        if (ds.maxDrawdownFrac !== null && ds.maxDrawdownFrac > maxFracSeen) {
          maxFracSeen = ds.maxDrawdownFrac;
          peakTsAtMax = ds.peakTsMs;
          troughTsAtMax = r.ts_ms;
        }
        eqCurve.push(r.ts_ms, r.equity);
        ddCurve.push(r.ts_ms, ds.drawdownFrac === null ? 0 : -100 * ds.drawdownFrac);
      }
    }
    s.finish();
    inputs.push(s.summary);
    if (!s.summary.present) missing.push(s.summary.file);
  }

  // ---- fills.jsonl → summary
  let fills = 0;
  let buyFills = 0;
  let makerFills = 0;
  let volumeBase = 0;
  let volumeQuote = 0;
  let feesQuote = 0;
  let spreadCapture = 0;
  let fillsPresent = false;
  {
    const s = await openStream(dir, "fills", issues);
    fillsPresent = s.summary.present;
    for await (const batch of s.batches()) {
      for (const r of batch) {
        if (!keep(r.ts_ms)) continue;
        s.summary.used++;
        fills++;
        if (r.side === "buy") buyFills++;
        if (r.liquidity === "maker") makerFills++;
        const size = Math.abs(r.size);
        volumeBase += size;
        volumeQuote += size * r.price;
        feesQuote += r.fee;
        spreadCapture += r.spread_capture;
      }
    }
    s.finish();
    inputs.push(s.summary);
    if (!s.summary.present) missing.push(s.summary.file);
  }

  // ---- predictions.jsonl → calibration per fill horizon + adverse selection
  const calOpts = { bins: options.calibrationBins ?? 10, minBinCount: options.minBinCount ?? 30 };
  const fillCal = new Map<number, { cal: BrierCalibration; censored: number }>();
  const advCal = new BrierCalibration(calOpts);
  let advUnknown = 0;
  {
    const s = await openStream(dir, "predictions", issues);
    for await (const batch of s.batches()) {
      for (const r of batch) {
        if (!keep(r.ts_ms)) continue;
        s.summary.used++;
        for (const h of r.horizons) {
          let entry = fillCal.get(h.horizon_ms);
          if (entry === undefined) {
            if (fillCal.size >= MAX_HORIZONS) continue;
            entry = { cal: new BrierCalibration(calOpts), censored: 0 };
            fillCal.set(h.horizon_ms, entry);
          }
          if (h.censored || h.filled === null) entry.censored++;
          else entry.cal.update(h.p_fill, h.filled);
        }
        if (r.p_adverse_given_fill !== undefined) {
          if (r.adverse === true || r.adverse === false) advCal.update(r.p_adverse_given_fill, r.adverse);
          else if (r.horizons.some((h) => h.filled === true)) advUnknown++;
        }
      }
    }
    s.finish();
    inputs.push(s.summary);
    if (!s.summary.present) missing.push(s.summary.file);
  }
  const boot = { nBoot: options.bootstrapResamples ?? 500, seed: 1 };
  const fillCalModels = [...fillCal.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([h, e]) => calibrationModel(`fill@${h}ms`, h, e.censored, e.cal.report(boot)));
  const adverseModel = calibrationModel("adverse", null, advUnknown, advCal.report(boot));

  // ---- events.jsonl
  const events: EventsModel = {
    total: 0,
    killSwitchTransitions: 0,
    countsByKind: {},
    events: [],
    truncated: false,
  };
  {
    const s = await openStream(dir, "events", issues);
    for await (const batch of s.batches()) {
      for (const r of batch) {
        if (!keep(r.ts_ms)) continue;
        s.summary.used++;
        events.total++;
        events.countsByKind[r.kind] = (events.countsByKind[r.kind] ?? 0) + 1;
        if (r.kind === "kill_switch") events.killSwitchTransitions++;
        const e: RunEventModel = {
          tsMs: r.ts_ms,
          kind: r.kind,
          from: r.from ?? null,
          to: r.to ?? null,
          reason: r.reason ?? null,
        };
        if (events.events.length < maxEvents) events.events.push(e);
        else events.truncated = true;
      }
    }
    s.finish();
    inputs.push(s.summary);
    if (!s.summary.present) missing.push(s.summary.file);
  }

  // ---- sharpe_metrics.jsonl → last logged portfolio figures (for comparison only)
  let lastLogged: SharpeMetricsRecord | null = null;
  {
    const s = await openStream(dir, "sharpe_metrics", issues);
    for await (const batch of s.batches()) {
      for (const r of batch) {
        if (!keep(r.ts_ms)) continue;
        s.summary.used++;
        if (r.scope === "portfolio") lastLogged = r;
      }
    }
    s.finish();
    inputs.push(s.summary);
    if (!s.summary.present) missing.push(s.summary.file);
  }

  // ---- signal_pnl.jsonl → last logged attribution (fallback)
  let lastSignalPnl: SignalPnlRecord | null = null;
  {
    const s = await openStream(dir, "signal_pnl", issues);
    for await (const batch of s.batches()) {
      for (const r of batch) {
        if (!keep(r.ts_ms)) continue;
        s.summary.used++;
        lastSignalPnl = r;
      }
    }
    s.finish();
    inputs.push(s.summary);
    if (!s.summary.present) missing.push(s.summary.file);
  }

  // ---- signal_contributions.jsonl ⋈ edge_validation.jsonl (merged by time) → attribution + edge
  const edge = new EdgeTracker({ minSamples: criteria.minEdgeSamples, maxHorizons: MAX_HORIZONS });
  const hist = new Map<number, FixedHistogram>();
  const feeM = new RunningMoments();
  const spreadM = new RunningMoments();
  const attributor = new SignalPnLAttributor({ maxCycles: 10_000 });
  let cyclesSeen = 0;
  let edgeFills = 0;
  {
    const cs = await openStream(dir, "signal_contributions", issues);
    const es = await openStream(dir, "edge_validation", issues);
    const cIt = cs.batches();
    let cBatch: SignalContributionsRecord[] = [];
    let cPos = 0;
    let cDone = false;
    const nextCycle = async (): Promise<SignalContributionsRecord | null> => {
      while (cPos >= cBatch.length) {
        if (cDone) return null;
        const n = await cIt.next();
        if (n.done) {
          cDone = true;
          return null;
        }
        cBatch = n.value;
        cPos = 0;
      }
      return cBatch[cPos]!;
    };
    const takeCycle = (c: SignalContributionsRecord): void => {
      cPos++;
      if (!keep(c.ts_ms)) return;
      cs.summary.used++;
      cyclesSeen++;
      attributor.recordCycle(c);
    };
    const onEdge = (r: EdgeValidationRecord): void => {
      edgeFills++;
      es.summary.used++;
      edge.update(edgeSnapshotFromRecord(r));
      feeM.push(r.fee_bps);
      spreadM.push(r.realized_spread_bps);
      for (const m of r.markouts) {
        if (m.realized_edge_bps === null) continue;
        let h = hist.get(m.horizon_ms);
        if (h === undefined) {
          if (hist.size >= MAX_HORIZONS) continue;
          h = new FixedHistogram();
          hist.set(m.horizon_ms, h);
        }
        h.add(m.realized_edge_bps);
      }
      if (r.realized_edge_bps !== null) attributor.recordFill(r.cycle_id, r.realized_edge_bps);
    };
    for await (const batch of es.batches()) {
      for (const r of batch) {
        // feed every cycle at or before this fill first (cycles place orders before they fill)
        for (let c = await nextCycle(); c !== null && c.ts_ms <= r.ts_ms; c = await nextCycle()) takeCycle(c);
        if (!keep(r.ts_ms)) continue;
        onEdge(r);
      }
    }
    for (let c = await nextCycle(); c !== null; c = await nextCycle()) takeCycle(c);
    cs.finish();
    es.finish();
    inputs.push(cs.summary, es.summary);
    if (!cs.summary.present) missing.push(cs.summary.file);
    if (!es.summary.present) missing.push(es.summary.file);
  }
  const edgeRep = edge.report();
  const edgeHorizons: EdgeHorizonModel[] = edgeRep.horizons.map((h) => ({
    horizonMs: h.horizonMs,
    label: `${h.horizonMs}ms`,
    n: h.n,
    meanRealizedBps: h.meanRealizedEdgeBps,
    stdRealizedBps: h.stdRealizedEdgeBps,
    ci95Bps: h.edgeTest ? h.edgeTest.ci95 : null,
    tStat: h.edgeTest ? h.edgeTest.t : null,
    pValue: h.edgeTest ? h.edgeTest.p : null,
    meanPredictedBps: h.meanPredictedEdgeBps,
    biasBps: h.biasTest ? h.biasTest.estimate : null,
    biasTStat: h.biasTest ? h.biasTest.t : null,
    biasPValue: h.biasTest ? h.biasTest.p : null,
    verdict: h.verdict,
    histogram: (hist.get(h.horizonMs) ?? new FixedHistogram()).view(30),
  }));

  let attribution: AttributionModel;
  const recomputed = attributor.summary(span.hi > span.lo ? span.hi : 0);
  if (cyclesSeen > 0 && recomputed.n_attributed > 0)
    attribution = attributionFrom(recomputed, "recomputed from signal_contributions + edge_validation");
  else if (lastSignalPnl !== null)
    attribution = attributionFrom(lastSignalPnl, "last signal_pnl.jsonl record");
  else attribution = { source: "none", tsMs: null, nFills: 0, nAttributed: 0, signals: [] };

  // ---- Sharpe from the equity stream
  const nowMs = lastEqTs ?? 0;
  const summ = sharpe.summary(nowMs);
  const sharpeModel: SharpeModel = {
    bucketSecs: summ.bucket_secs,
    periodsPerYear: summ.periods_per_year,
    returnBasis: summ.return_basis,
    capitalBase: summ.capital_base,
    windows: summ.windows.map((w) => ({
      window: w.window,
      n: w.n,
      meanReturnBps: w.mean_return_bps,
      stdReturnBps: w.std_return_bps,
      sharpeAnnualized: w.sharpe_annualized,
      loSharpeAnnualized: w.lo_sharpe_annualized,
      sharpeSeAnnualized: w.sharpe_se_annualized,
      psr: w.psr,
      maxDrawdownFrac: w.max_drawdown_frac,
    })),
    logged: lastLogged
      ? {
          sharpeAll: lastLogged.sharpe_all,
          sharpe1h: lastLogged.sharpe_1h,
          originalPerFillSharpe: lastLogged.original_per_fill_sharpe,
          label: lastLogged.original_per_fill_sharpe_label,
        }
      : null,
  };
  if (sharpeError !== null) issues.add("equity.jsonl", `Sharpe not computable: ${sharpeError}`);
  const allWin = sharpeModel.windows.find((w) => w.window === "all");

  // ---- drawdown
  const ds = dd.state();
  const drawdown = {
    maxDrawdownFrac: ds ? ds.maxDrawdownFrac : null,
    maxDrawdownAbs: ds ? ds.maxDrawdownAbs : null,
    peakTsMs: peakTsAtMax,
    troughTsMs: troughTsAtMax,
    longestUnderwaterSecs: ds ? ds.maxDurationMs / 1000 : null,
    currentDrawdownFrac: ds ? ds.drawdownFrac : null,
  };

  // ---- verdict
  const fillCount = fillsPresent ? fills : edgeFills;
  const judged =
    (criteria.brierHorizonMs !== null
      ? fillCalModels.find((c) => c.horizonMs === criteria.brierHorizonMs)
      : (fillCalModels.find((c) => c.horizonMs === 1000) ??
        [...fillCalModels].sort((a, b) => b.n - a.n)[0])) ?? null;
  const verdict = computeVerdict(
    {
      sharpeAnnualized: allWin?.sharpeAnnualized ?? null,
      sharpeSamples: allWin?.n ?? 0,
      brier: judged?.brier ?? null,
      brierSamples: judged?.n ?? 0,
      brierHorizonMs: judged?.horizonMs ?? criteria.brierHorizonMs,
      maxDrawdownPct: drawdown.maxDrawdownFrac === null ? null : drawdown.maxDrawdownFrac * 100,
      equitySamples: eqN,
      fills: fillCount,
    },
    criteria,
  );
  if (missing.length > 0) verdict.notes.push(`Missing input file(s): ${missing.join(", ")}.`);
  if (issues.count > 0) verdict.notes.push(`${issues.count} malformed line(s) skipped (see Inputs).`);
  if (!fillsPresent && edgeFills > 0)
    verdict.notes.push("fills.jsonl missing: fill count taken from edge_validation.jsonl.");

  const hasSpan = span.hi >= span.lo;
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    dir,
    criteria,
    timeRange: range,
    inputs,
    missing,
    issues: issues.issues,
    issueCount: issues.count,
    summary: {
      runId: manifest?.run_id ?? null,
      startTsMs: hasSpan ? span.lo : null,
      endTsMs: hasSpan ? span.hi : null,
      spanSecs: hasSpan ? (span.hi - span.lo) / 1000 : null,
      source: manifest?.source ?? null,
      fillModel: manifest?.fill_model ?? null,
      symbol: manifest?.symbol ?? null,
      venue: manifest?.venue ?? null,
      seed: manifest?.seed ?? null,
      config: manifest?.config ?? null,
      fills: fillCount,
      buyFills,
      sellFills: fills - buyFills,
      makerFills,
      takerFills: fills - makerFills,
      volumeBase,
      volumeQuote,
      feesQuote,
      spreadCaptureQuote: spreadCapture,
      startEquity: firstEq,
      endEquity: lastEq,
      netPnlQuote: firstEq !== null && lastEq !== null ? lastEq - firstEq : null,
    },
    calibration: { fill: fillCalModels, adverse: adverseModel },
    sharpe: sharpeModel,
    drawdown,
    edge: {
      fills: edgeFills,
      meanFeeBps: feeM.mean(),
      meanRealizedSpreadBps: spreadM.mean(),
      horizons: edgeHorizons,
    },
    attribution,
    events,
    charts: { equity: eqCurve.result(), drawdownPct: ddCurve.result() },
    verdict,
  };
}
