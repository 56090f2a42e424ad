/** buildReport: stream a run directory once per file through the analytics trackers into a ReportModel. */
import { stat } from "node:fs/promises";
import {
  RUN_MANIFEST_FILE,
  STREAM_FILES,
  type SharpeMetricsRecord,
  type SignalContributionsRecord,
  type SignalPnlRecord,
  type StreamName,
  type StreamRecord,
} from "@mmkit/analytics";
import { type Criteria, DEFAULT_CRITERIA } from "./criteria.js";
import { emptyBucketsText, fmtInt, fmtNum } from "./format.js";
import { IssueLog, openStream, readManifest } from "./inputs.js";
import { type InputFileSummary, REPORT_SCHEMA_VERSION, type ReportModel } from "./model.js";
import { CalibrationSection } from "./sections/calibration.js";
import { EdgeSection } from "./sections/edge.js";
import { EquitySection } from "./sections/equity.js";
import { DEFAULT_ORDER_TOLERANCE_MS, RunMixingCheck, recordLines } from "./run-mixing.js";
import { EventsSection, FillSection } from "./sections/run.js";
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
  /**
   * An equity or fills record earlier than the previous one in its stream by more than this (ms) is
   * taken as another run's record interleaved (default 1000).
   */
  orderToleranceMs?: number;
}

const MAX_HORIZONS = 16;

/**
 * Latest plausible record time, epoch ms: 9999-12-31T23:59:59.999Z. Beyond it (or before 1970, or
 * outside the JS date range ±8.64e15) a `ts_ms` is not a trading record's time but a unit mix-up
 * (a 2024 time in µs is 1.7e15 "ms", year 55,000) or garbage: such a record is skipped and flagged.
 */
export const MAX_PLAUSIBLE_TS_MS = 253_402_300_799_999;

/** True when `tsMs` can be a record's epoch-ms time (1970-01-01 .. 9999-12-31). */
export function plausibleTime(tsMs: number): boolean {
  return tsMs >= 0 && tsMs <= MAX_PLAUSIBLE_TS_MS;
}

/** Implausible-time findings located by line (first ones per build; all are counted). */
const KEEP_BAD_TIMES = 20;

/** Position of the next valid record in the part file a stream is reading. */
class RecordPos {
  private file: string | null = null;
  private index = 0;

  constructor(private readonly s: { currentFile: () => string | null }) {}

  /** Call after each batch is fetched: a new part file restarts the count. */
  batch(): void {
    const f = this.s.currentFile();
    if (f !== this.file) {
      this.file = f;
      this.index = 0;
    }
  }

  /** File and index of the next record (advances). */
  next(): { file: string; index: number } {
    return { file: this.file ?? "", index: this.index++ };
  }
}

/** Shared state of one build: time filter, span, inputs, issues. */
class ReadContext {
  readonly issues = new IssueLog();
  readonly inputs: InputFileSummary[] = [];
  readonly missing: string[] = [];
  private readonly badTimeCount = new Map<string, number>();
  private readonly badTimes: { stream: StreamName; file: string; index: number; tsMs: number }[] = [];
  spanLo = Number.POSITIVE_INFINITY;
  spanHi = Number.NEGATIVE_INFINITY;

  constructor(
    readonly dir: string,
    private readonly range: TimeRange,
  ) {}

  /** True when the record time is inside the filter (and then widens the run span). */
  keep(tsMs: number): boolean {
    if (!inRange(this.range, tsMs)) return false;
    if (tsMs < this.spanLo) this.spanLo = tsMs;
    if (tsMs > this.spanHi) this.spanHi = tsMs;
    return true;
  }

  /**
   * False (and the record is flagged) when its time is implausible ({@link plausibleTime}); such a
   * record is skipped by every section and check, and counted among its file's bad lines.
   */
  plausible(stream: StreamName, tsMs: number, pos: { file: string; index: number }): boolean {
    if (plausibleTime(tsMs)) return true;
    this.badTimeCount.set(stream, (this.badTimeCount.get(stream) ?? 0) + 1);
    if (this.badTimes.length < KEEP_BAD_TIMES) this.badTimes.push({ stream, tsMs, ...pos });
    return false;
  }

  /** Add the implausible-time findings to the issues, located by line (one re-scan per file). */
  async flagBadTimes(): Promise<void> {
    const byFile = new Map<string, { stream: StreamName; idx: Set<number> }>();
    for (const b of this.badTimes) {
      const w = byFile.get(b.file) ?? { stream: b.stream, idx: new Set<number>() };
      w.idx.add(b.index);
      byFile.set(b.file, w);
    }
    const lines = new Map<string, Map<number, number>>();
    for (const [file, w] of byFile) {
      lines.set(file, await recordLines(file, w.stream, w.idx).catch(() => new Map<number, number>()));
    }
    for (const b of this.badTimes) {
      const line = lines.get(b.file)?.get(b.index);
      this.issues.add(
        `${b.file}:${line ?? `record ${b.index + 1}`}`,
        `implausible time: ts_ms ${b.tsMs} is outside 1970-01-01 .. 9999-12-31 (µs or ns written as ms?); record skipped`,
      );
    }
    let total = 0;
    for (const n of this.badTimeCount.values()) total += n;
    if (total > this.badTimes.length) {
      this.issues.add(
        "(more)",
        `${total - this.badTimes.length} more record(s) with an implausible time skipped`,
      );
    }
  }

  /** Record a stream's summary (and whether it was missing). */
  done(summary: InputFileSummary): void {
    summary.badLines += this.badTimeCount.get(summary.stream) ?? 0;
    this.inputs.push(summary);
    if (!summary.present) this.missing.push(summary.file);
  }

  /**
   * Stream one file, calling `fn` for every valid record inside the time filter, and `check` (if
   * given) for every valid record whatever its time, with its part file and index among that file's
   * valid records.
   */
  async consume<K extends StreamName>(
    name: K,
    fn: (r: StreamRecord[K]) => void,
    check?: (r: StreamRecord[K], file: string, index: number) => void,
  ): Promise<void> {
    const s = await openStream(this.dir, name, this.issues);
    const pos = new RecordPos(s);
    for await (const batch of s.batches()) {
      pos.batch();
      for (const r of batch) {
        const at = pos.next();
        if (!this.plausible(name, r.ts_ms, at)) continue;
        if (check !== undefined) check(r, at.file, at.index);
        if (!this.keep(r.ts_ms)) continue;
        s.summary.used++;
        fn(r);
      }
    }
    s.finish();
    this.done(s.summary);
  }
}

/**
 * Stream signal_contributions and edge_validation merged by time: every cycle at or before a fill is
 * fed first (cycles place orders before those fill), so attribution sees the placing cycle.
 */
async function consumeCyclesAndEdges(
  ctx: ReadContext,
  section: EdgeSection,
  calibration: CalibrationSection,
): Promise<void> {
  const cs = await openStream(ctx.dir, "signal_contributions", ctx.issues);
  const es = await openStream(ctx.dir, "edge_validation", ctx.issues);
  const cIt = cs.batches();
  const cAt = new RecordPos(cs);
  const eAt = new RecordPos(es);
  let cBatch: SignalContributionsRecord[] = [];
  let cPos = 0;
  let cDone = false;
  const peekCycle = async (): Promise<SignalContributionsRecord | null> => {
    for (;;) {
      while (cPos >= cBatch.length) {
        if (cDone) return null;
        const n = await cIt.next();
        if (n.done) {
          cDone = true;
          return null;
        }
        cBatch = n.value;
        cPos = 0;
        cAt.batch();
      }
      const c = cBatch[cPos]!;
      // an implausible time would hold back every later cycle in the merge: drop it here
      if (ctx.plausible("signal_contributions", c.ts_ms, cAt.next())) return c;
      cPos++;
    }
  };
  const takeCycle = (c: SignalContributionsRecord): void => {
    cPos++;
    if (!ctx.keep(c.ts_ms)) return;
    cs.summary.used++;
    section.addCycle(c);
  };
  for await (const batch of es.batches()) {
    eAt.batch();
    for (const r of batch) {
      if (!ctx.plausible("edge_validation", r.ts_ms, eAt.next())) continue;
      for (let c = await peekCycle(); c !== null && c.ts_ms <= r.ts_ms; c = await peekCycle()) takeCycle(c);
      if (!ctx.keep(r.ts_ms)) continue;
      es.summary.used++;
      calibration.addEdge(r);
      try {
        section.addEdge(r);
      } catch (err) {
        ctx.issues.add(
          `${STREAM_FILES.edge_validation} fill ${r.fill_id}`,
          `edge not tracked: ${(err as Error).message}`,
        );
      }
    }
  }
  for (let c = await peekCycle(); c !== null; c = await peekCycle()) takeCycle(c);
  cs.finish();
  es.finish();
  ctx.done(cs.summary);
  ctx.done(es.summary);
}

/**
 * Build the report model of a run directory. Each JSONL file is streamed once (bounded memory);
 * malformed lines are collected with file:line; missing files are listed in `missing`.
 * Throws only when `dir` itself is not a readable directory.
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
  const ctx = new ReadContext(dir, range);

  const { manifest, present: manifestPresent } = await readManifest(dir, ctx.issues);
  if (!manifestPresent) ctx.missing.push(RUN_MANIFEST_FILE);

  const mixing = new RunMixingCheck(options.orderToleranceMs ?? DEFAULT_ORDER_TOLERANCE_MS);
  const equity = new EquitySection(options.bucketMs ?? 60_000, options.maxPoints ?? 2000);
  await ctx.consume(
    "equity",
    (r) => equity.add(r),
    (r, file, i) => mixing.timed("equity", r.ts_ms, file, i),
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
  const runMixing = await mixing.result(ctx.issues);
  const hasSpan = ctx.spanHi >= ctx.spanLo;
  const sharpe = equity.sharpe(lastLogged);
  if (equity.sharpeError !== null)
    ctx.issues.add(STREAM_FILES.equity, `Sharpe not computable: ${equity.sharpeError}`);
  const drawdown = equity.drawdown();
  const cal = calibration.result({ nBoot: options.bootstrapResamples ?? 500, seed: 1 });
  const allWin = sharpe.windows.find((w) => w.window === "all");

  const fillCount = fillsPresent ? fills.fills : edge.fills;
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
      maxDrawdownPct: drawdown.maxDrawdownFrac === null ? null : drawdown.maxDrawdownFrac * 100,
      equitySamples: equity.samples,
      fills: fillCount,
      mixedRuns: runMixing.detected,
      killSwitchHalts: events.model.killSwitchHalts,
      firstHalt: events.model.firstHalt,
    },
    criteria,
  );
  if (runMixing.detected) {
    verdict.notes.unshift(
      "WARNING: MIXED RUNS - the streams interleave more than one run:",
      ...runMixing.summary.map((s) => `  ${s}`),
      "  (two traders wrote into one --output-dir: give each run its own)",
    );
  }
  if (sharpe.emptyBuckets > 0 && allWin !== undefined && allWin.n > 0)
    verdict.notes.push(
      `Equity has holes: ${emptyBucketsText(sharpe)} - ${fmtNum((100 * sharpe.emptyBuckets) / allWin.n, 1)}% of the ${fmtInt(allWin.n)} Sharpe buckets. The Sharpe counts them as flat (zero-return) buckets, which pulls it toward 0; if they are a recording or feed outage, judge the complete stretches (--since/--until).`,
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
    edge: edge.result(),
    attribution: edge.attribution(hasSpan ? ctx.spanHi : 0, lastSignalPnl),
    events: events.model,
    charts: equity.charts(),
    verdict,
  };
}
