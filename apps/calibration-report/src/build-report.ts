/** buildReport: stream a run directory once per file through the analytics trackers into a ReportModel. */
import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import {
  jsonlParts,
  RUN_MANIFEST_FILE,
  STREAM_FILES,
  type SharpeMetricsRecord,
  type SignalPnlRecord,
} from "@mmkit/analytics";
import { type Criteria, DEFAULT_CRITERIA } from "./criteria.js";
import { consumeCyclesAndEdges } from "./cycles-and-edges.js";
import { emptyBucketsText, fmtInt, fmtNum, shownCi } from "./format.js";
import { readManifest } from "./inputs.js";
import { type CalibrationModel, type EdgeModel, REPORT_SCHEMA_VERSION, type ReportModel } from "./model.js";
import { ReadContext } from "./read-context.js";
import { CalibrationSection } from "./sections/calibration.js";
import { EdgeSection } from "./sections/edge.js";
import { EquitySection } from "./sections/equity.js";
import { DEFAULT_ORDER_TOLERANCE_MS, RunMixingCheck } from "./run-mixing.js";
import { EventsSection, FillSection } from "./sections/run.js";
import { checkStreamSpans } from "./stream-spans.js";
import type { TimeRange } from "./time-range.js";
import { computeVerdict, type EdgeVerdictInput } from "./verdict.js";
import { explainWindow, noRecordsReason } from "./window-text.js";

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
  /**
   * An equity or fills record earlier than the previous one in its stream by more than this (ms) is
   * taken as another run's record interleaved (default 1000).
   */
  orderToleranceMs?: number;
}

const MAX_HORIZONS = 16;

/**
 * Build the report model of a run directory. Each JSONL file is streamed once (bounded memory);
 * malformed lines are collected with file:line; missing files are listed in `missing`.
 * Throws only when `dir` is not a readable directory or holds none of a run's files.
 */
export async function buildReport(dir: string, options: BuildReportOptions = {}): Promise<ReportModel> {
  const criteria = options.criteria ?? DEFAULT_CRITERIA;
  const range: TimeRange = options.timeRange ?? { sinceMs: null, untilMs: null };
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(dir);
  } catch {
    throw new Error(`run directory not found: ${dir}`);
  }
  if (!st.isDirectory()) throw new Error(`not a directory: ${dir}`);
  requireRunFiles(dir);
  const ctx = new ReadContext(dir, range);

  const { manifest, present: manifestPresent } = await readManifest(dir, ctx.issues);
  if (!manifestPresent) ctx.missing.push(RUN_MANIFEST_FILE);

  const mixing = new RunMixingCheck(options.orderToleranceMs ?? DEFAULT_ORDER_TOLERANCE_MS);
  const equity = new EquitySection(options.bucketMs ?? 60_000, options.maxPoints ?? 2000, range);
  await ctx.consume(
    "equity",
    (r) => equity.add(r),
    (r, file, i) => {
      mixing.timed("equity", r.ts_ms, file, i);
      equity.seeOutOfRange(r);
    },
  );

  const fills = new FillSection();
  await ctx.consume(
    "fills",
    (r) => fills.add(r),
    (r, file, i) => mixing.fill(r, file, i),
  );
  const fillsInput = ctx.inputs[ctx.inputs.length - 1]!;
  const fillsPresent = fillsInput.present && fillsInput.unreadable === null;

  const calibration = new CalibrationSection(
    { bins: options.calibrationBins ?? 10, minBinCount: options.minBinCount ?? 30 },
    MAX_HORIZONS,
  );
  await ctx.consume("predictions", (r) => calibration.add(r));

  const events = new EventsSection(options.maxEvents ?? 200);
  await ctx.consume(
    "events",
    (r) => events.add(r),
    (r, file, i) => mixing.event(r, file, i),
  );

  let lastLogged: SharpeMetricsRecord | null = null;
  await ctx.consume("sharpe_metrics", (r) => {
    if (r.scope === "portfolio") lastLogged = r;
  });
  let lastSignalPnl: SignalPnlRecord | null = null;
  await ctx.consume("signal_pnl", (r) => {
    lastSignalPnl = r;
  });

  const edge = new EdgeSection(criteria.minEdgeSamples, MAX_HORIZONS);
  await consumeCyclesAndEdges(ctx, edge, calibration);

  await ctx.flagBadTimes();
  const foreign = checkStreamSpans(ctx.inputs, mixing.eventBounds(), manifest);
  const runMixing = await mixing.result(ctx.issues, foreign, dir);
  const hasSpan = ctx.spanHi >= ctx.spanLo;
  const sharpe = equity.sharpe(lastLogged);
  if (equity.sharpeError !== null)
    ctx.issues.add(STREAM_FILES.equity, `Sharpe not computable: ${equity.sharpeError}`);
  const drawdown = equity.drawdown();
  const cal = calibration.result({ nBoot: options.bootstrapResamples ?? 500, seed: 1 });
  const allWin = sharpe.windows.find((w) => w.window === "all");

  const fillCount = fillsPresent ? fills.fills : edge.fills;
  const edgeModel = edge.result();
  const judged =
    (criteria.brierHorizonMs !== null
      ? cal.fill.find((c) => c.horizonMs === criteria.brierHorizonMs)
      : (cal.fill.find((c) => c.horizonMs === 1000) ?? [...cal.fill].sort((a, b) => b.n - a.n)[0])) ?? null;
  const verdict = computeVerdict(
    {
      sharpeAnnualized: allWin?.sharpeAnnualized ?? null,
      loSharpeAnnualized: allWin?.loSharpeAnnualized ?? null,
      sharpeSamples: allWin?.n ?? 0,
      brier: judged?.brier ?? null,
      brierSamples: judged?.n ?? 0,
      brierHorizonMs: judged?.horizonMs ?? criteria.brierHorizonMs,
      brierBaseRate: judged?.baseRate ?? null,
      brierSkill: judged?.skill ?? null,
      brierSkillCiHigh: skillCiHigh(judged),
      edge: edgeVerdictInput(edgeModel, edge.primaryHorizonMs),
      edgeAbsent: noRecordsReason(
        ctx.inputs.find((i) => i.stream === "edge_validation"),
        STREAM_FILES.edge_validation,
        range,
      ),
      maxDrawdownPct: drawdown.maxDrawdownFrac === null ? null : drawdown.maxDrawdownFrac * 100,
      equitySamples: equity.samples,
      fills: fillCount,
      mixedRuns: runMixing.detected,
      killSwitchHalts: events.model.killSwitchHalts,
      firstHalt: events.model.firstHalt,
    },
    criteria,
  );
  explainWindow(verdict, ctx.inputs, range);
  if (runMixing.detected) {
    const interleaved = runMixing.summary.length > foreign.length;
    verdict.notes.unshift(
      "WARNING: MIXED RUNS - the streams hold more than one run's records:",
      ...runMixing.summary.map((s) => `  ${s}`),
      ...(foreign.length > 0
        ? ["  (a file copied or left here from another run: each run's files belong in its own --output-dir)"]
        : []),
      ...(interleaved ? ["  (two traders wrote into one --output-dir: give each run its own)"] : []),
    );
  }
  if (sharpe.emptyBuckets > 0 && allWin !== undefined && allWin.n > 0)
    verdict.notes.push(
      `Equity has holes: ${emptyBucketsText(sharpe)} - ${fmtNum((100 * sharpe.emptyBuckets) / allWin.n, 1)}% of the ${fmtInt(allWin.n)} Sharpe buckets. The Sharpe counts them as flat (zero-return) buckets, which pulls it toward 0; if they are a recording or feed outage, judge the complete stretches (--since/--until).`,
    );
  // An absolute Brier bound also fails calibrated forecasts of a base rate near ½ (climatology
  // scores p(1 − p) ≤ 0.25): say so when the judged forecasts beat climatology.
  const brierFailed = verdict.criteria.some((c) => c.id === "brier" && c.status === "FAIL");
  if (
    brierFailed &&
    judged !== null &&
    judged.skill !== null &&
    judged.skill > 0 &&
    judged.uncertainty !== null
  )
    verdict.notes.push(
      `The Brier criterion failed, yet these forecasts beat climatology (skill ${fmtNum(judged.skill, 3)}, reliability ${fmtNum(judged.reliability ?? Number.NaN, 4)}): at a base rate of ${fmtNum(judged.baseRate ?? Number.NaN, 3)} even the climatological forecast scores ${fmtNum(judged.uncertainty, 4)}. The bound is absolute; judge calibration by reliability and skill, or set --max-brier for this market.`,
    );
  if (manifest?.source.kind === "synthetic")
    verdict.notes.push(
      "The market was SYNTHETIC (simulated, with known parameters): this verdict checks the machinery, not an edge on a real market. Judge a replay of real data or a live paper run before risking money.",
    );
  const spanHours = ctx.spanHi > ctx.spanLo ? (ctx.spanHi - ctx.spanLo) / 3_600_000 : 0;
  if (fillCount > 0 && fillCount < criteria.minFills && spanHours > 0) {
    const perHour = fillCount / spanHours;
    verdict.notes.push(
      `At this run's pace (${fmtNum(perHour, perHour < 10 ? 1 : 0)} fills per hour of market time), the ${fmtInt(criteria.minFills)} fills take about ${fmtNum((criteria.minFills - fillCount) / perHour, 1)} more hours of market data (a stopped live run continues with --resume; a replay needs a longer recording).`,
    );
  }
  if (manifest !== null && manifest.ended_ts_ms === null)
    verdict.notes.push(
      "run.json has no end time: the run did not end cleanly (killed, or still running); the report covers what its streams hold so far.",
    );
  const wholeRun = range.sinceMs === null && range.untilMs === null;
  if (wholeRun && fillsPresent && equity.lastFills !== null && equity.lastFills !== fills.fills)
    verdict.notes.push(
      `fills.jsonl holds ${fmtInt(fills.fills)} fill(s) but the last equity sample counts ${fmtInt(equity.lastFills)}: the fill statistics cover only the lines present.`,
    );
  if (ctx.missing.length > 0) verdict.notes.push(`Missing input file(s): ${ctx.missing.join(", ")}.`);
  const unreadable = ctx.inputs.filter((f) => f.unreadable !== null);
  if (unreadable.length > 0)
    verdict.notes.push(
      `Unreadable input file(s): ${unreadable.map((f) => `${f.file} (${f.unreadable})`).join(", ")}.`,
    );
  // only the lines the Inputs table counts as bad (not the mixed-run or "not computable" issues)
  const malformed = ctx.inputs.reduce((n, f) => n + f.badLines, 0);
  if (malformed > 0) verdict.notes.push(`${malformed} malformed line(s) skipped (see Inputs).`);
  if (!fillsPresent && edge.fills > 0)
    verdict.notes.push("fills.jsonl missing: fill count taken from edge_validation.jsonl.");

  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    dir,
    criteria,
    timeRange: range,
    inputs: ctx.inputs,
    missing: ctx.missing,
    issues: ctx.issues.issues,
    issueCount: ctx.issues.count,
    runMixing,
    summary: {
      runId: manifest?.run_id ?? null,
      startTsMs: hasSpan ? ctx.spanLo : null,
      endTsMs: hasSpan ? ctx.spanHi : null,
      spanSecs: hasSpan ? (ctx.spanHi - ctx.spanLo) / 1000 : null,
      source: manifest?.source ?? null,
      fillModel: manifest?.fill_model ?? null,
      symbol: manifest?.symbol ?? null,
      venue: manifest?.venue ?? null,
      seed: manifest?.seed ?? null,
      config: manifest?.config ?? null,
      fills: fillCount,
      buyFills: fills.buy,
      sellFills: fills.fills - fills.buy,
      makerFills: fills.maker,
      takerFills: fills.fills - fills.maker,
      volumeBase: fills.volumeBase,
      volumeQuote: fills.volumeQuote,
      feesQuote: fills.feesQuote,
      spreadCaptureQuote: fills.spreadCaptureQuote,
      startEquity: equity.firstEquity,
      endEquity: equity.lastEquity,
      netPnlQuote:
        equity.firstEquity !== null && equity.lastEquity !== null
          ? equity.lastEquity - equity.firstEquity
          : null,
    },
    calibration: cal,
    sharpe,
    drawdown,
    edge: edgeModel,
    attribution: edge.attribution(hasSpan ? ctx.spanHi : 0, lastSignalPnl),
    events: events.model,
    charts: equity.charts(),
    verdict,
  };
}

/**
 * A directory holding none of a run's files (run.json or any stream, rotated parts included) is a
 * wrong path, not a run with insufficient data: an input error naming what was looked for.
 */
function requireRunFiles(dir: string): void {
  if (existsSync(join(dir, RUN_MANIFEST_FILE))) return;
  const files = Object.values(STREAM_FILES);
  if (files.some((f) => jsonlParts(join(dir, f)).length > 0)) return;
  throw new Error(
    `no paper-trading run in ${dir}: none of ${RUN_MANIFEST_FILE}, ${files.join(", ")} (give the run's --output-dir)`,
  );
}

/** The best skill the Brier score's 95% CI allows, 1 − low/uncertainty (null without a CI). */
function skillCiHigh(c: CalibrationModel | null): number | null {
  const ci = c === null ? null : shownCi(c);
  if (c === null || ci === null || c.uncertainty === null || !(c.uncertainty > 0)) return null;
  return 1 - ci[0] / c.uncertainty;
}

/** The edge criterion's input: the primary horizon's figures (else the first horizon's), or null. */
function edgeVerdictInput(model: EdgeModel, primaryHorizonMs: number | null): EdgeVerdictInput | null {
  const primary = model.horizons.find((x) => x.horizonMs === primaryHorizonMs);
  const h = primary ?? model.horizons[0];
  if (h === undefined) return null;
  return {
    ...(primary === undefined
      ? {
          note:
            primaryHorizonMs === null
              ? "the records name no primary horizon: the first one is judged"
              : `no markouts at the records' primary horizon ${primaryHorizonMs / 1000}s: the first horizon is judged`,
        }
      : {}),
    horizonMs: h.horizonMs,
    n: h.n,
    meanBps: h.meanRealizedBps,
    verdict: h.verdict,
    ciBps: h.verdictCiBps,
    ciLevel: model.verdictCiLevel,
  };
}
