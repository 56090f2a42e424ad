/** Orchestration of one paper-trading run: outputs, source, loop, checkpoints, shutdown, report. */
import type { MarketEvent } from "@mmkit/core";
import { eventTimeMs, FeedHealthLog } from "@mmkit/exchange";
import { archivePreviousRun } from "./archive.js";
import { buildParts, checkGridFlags, leadVenueEnabled } from "./build.js";
import { writeCheckpoint } from "./checkpoint.js";
import { lostRecordsText, openRunOutput } from "./run-output.js";
import { CheckpointPacer } from "./checkpoint-pacing.js";
import { HaltDrain } from "./halt-drain.js";
import { MergedLead } from "./lead-merge.js";
import { createStreamFiles, runManifest } from "./manifest.js";
import {
  checkpointMid,
  continueFrom,
  manifestStart,
  reprintCompleted,
  requireSameClock,
  requireSamePrintCounting,
  restoredTrader,
  resumeSettings,
} from "./resume.js";
import { lockDir, lockOutputDir } from "./output-lock.js";
import { requireOutputDirPath } from "./pseudo-fs.js";
import { ConfigError, type PaperTraderConfig } from "./config.js";
import { serveMetrics } from "./metrics.js";
import { ProgressBar } from "./progress.js";
import { FeedRecording, prepareRecordDirs } from "./record-feeds.js";
import { edgeValidationReport } from "./report.js";
import { feedSummary, finishTrader } from "./shutdown.js";
import { DurationLimit } from "./duration-limit.js";
import { FirstBookWait } from "./first-book-wait.js";
import { endOfDataReason, noBookReport, unusableInputText } from "./input-end.js";
import { instrumentGrid, instrumentText } from "./instrument.js";
import { createSource, firstMid, type RunSource } from "./source.js";
import { captureCheckpoint, type TraderCheckpoint } from "./state.js";
import {
  checkStreamsAtCheckpoint,
  newSetAsideDir,
  streamParts,
  streamSizes,
  truncateStreams,
} from "./stream-files.js";
import { StopRequests } from "./stop-requests.js";
import { PaperTrader } from "./trader.js";

import type { RunOptions, RunResult } from "./run-types.js";
import { withVenueFees } from "./venue-fees.js";

export type { RunOptions, RunResult };

/** Events processed between checks for stop requests, checkpoints and progress. */
const CHUNK_EVENTS = 4096;

/** Run the paper trader to completion (duration, end of data, signal or kill switch). */
export async function runPaperTrader(givenConfig: PaperTraderConfig, opts: RunOptions): Promise<RunResult> {
  const logger = opts.logger;
  const print = opts.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const outputDir = givenConfig.outputDir;
  // A resume's settings (its source among them) come from the checkpoint: read it first (read only).
  const { checkpoint, config: settings } = resumeSettings(givenConfig, opts.given);
  const feedLogger = {
    warn: (obj: Record<string, unknown>, msg: string) => logger.warn(obj, `[FEED] ${msg}`),
    info: (obj: Record<string, unknown>, msg: string) => logger.info(obj, `[FEED] ${msg}`),
  };
  // Open the source before touching the output directory: a bad --input writes nothing.
  let source: RunSource;
  try {
    source = await createSource(settings, feedLogger);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`invalid --input: ${(err as Error).message}`);
  }
  // Fees left unset are the traded venue's base tier (known once the source is open); a resume's
  // come from its checkpoint.
  const config = withVenueFees(settings, source);
  requireOutputDirPath(outputDir);
  const initialMid = firstMid(source.sample);
  checkGridFlags(config, initialMid, source.tickRules, source.quoteCurrency);
  if (checkpoint !== null) {
    // Restore it once without outputs before any file is truncated or rewritten.
    const restored = restoredTrader(checkpoint, config, source);
    requireSamePrintCounting(checkpoint, source, outputDir);
    requireSameClock(checkpoint, source, outputDir);
    if (checkpoint.completed_reason !== null)
      return reprintCompleted(restored, checkpoint, config, opts, source, print);
    checkStreamsAtCheckpoint(outputDir, checkpoint.stream_bytes, checkpoint.stream_parts);
  }
  // A recording that cannot start is a flag error, raised before the output directory is touched;
  // one live recorder per directory (two would interleave their parts in time).
  prepareRecordDirs(config, source.lead !== null, outputDir);
  const releaseRecord =
    config.record === undefined
      ? () => {}
      : await lockDir(config.record, "--record", "record each live run into its own directory");
  try {
    // From here on files change: one run per directory, and the directory must be writable.
    const releaseOutput = await lockOutputDir(outputDir);
    try {
      const recorded = FeedRecording.start(config, source, logger);
      return await runLocked(
        config,
        opts,
        recorded?.source ?? source,
        checkpoint,
        initialMid,
        print,
        recorded?.recording ?? null,
      );
    } finally {
      releaseOutput();
    }
  } finally {
    releaseRecord();
  }
}

/** The run once its output directory is locked: resume or archive, loop, shutdown, report. */
async function runLocked(
  config: PaperTraderConfig,
  opts: RunOptions,
  source: RunSource,
  checkpoint: TraderCheckpoint | null,
  initialMid: number,
  print: (line: string) => void,
  recording: FeedRecording | null,
): Promise<RunResult> {
  const logger = opts.logger;
  const outputDir = config.outputDir;
  // Bound before any file moves: a port in use is a flag error with the previous run left in place.
  const metrics =
    config.metricsPort !== undefined
      ? await serveMetrics(config.metricsPort, leadVenueEnabled(config), logger)
      : null;
  metrics?.watchFeeds(source.lead === null ? [source.feed] : [source.feed, source.lead.feed]);
  if (checkpoint !== null) {
    // A live market cannot be replayed: what was written after the checkpoint is set aside, not deleted.
    const setAside = source.eventTime ? null : newSetAsideDir(outputDir);
    for (const note of truncateStreams(outputDir, checkpoint.stream_bytes, checkpoint.stream_parts, setAside))
      logger[note.level](`[RESUME] ${note.text}`);
  } else {
    archivePreviousRun(outputDir, logger);
  }
  const runId = checkpoint?.run_id ?? `run-${config.source}-${config.seed}-${Date.now().toString(36)}`;
  const startedWallMs = Date.now();
  // A resumed run keeps the start time its run.json already states.
  const runStartedMs = (checkpoint !== null ? manifestStart(outputDir, runId) : null) ?? startedWallMs;

  // The mid the run's grid is stated near (run.json, the report) until the trader starts. A resumed live run
  // has no sample: until the venue sends a book, the checkpoint's book gives it.
  const startMid = Number.isNaN(initialMid) && checkpoint !== null ? checkpointMid(checkpoint) : initialMid;
  const { out, heldCheckpoints } = openRunOutput(outputDir, config.rotateMb, logger);
  out.writeManifest(runManifest(config, source, runId, runStartedMs, null, startMid));
  for (const e of createStreamFiles(outputDir)) logger.warn(`cannot create stream file ${e}`);

  const stops = new StopRequests(logger, opts.handleSignals !== false, opts.signal);

  // The traded venue's health lines, from the first event on: a venue that flaps before it ever
  // sends a book is logged too (the trader takes this log over and does not log those again).
  const feedHealth = new FeedHealthLog(logger, "[FEED]");
  let trader: PaperTrader | null = null;
  let gridMid = startMid; // the mid the trader started at: the report states the price step near it
  const makeTrader = (mid: number): PaperTrader => {
    gridMid = mid;
    const cfg = checkpoint !== null ? { ...config, orderSizeBase: checkpoint.order_size_base } : config;
    const t = new PaperTrader(
      buildParts(cfg, {
        logger,
        out,
        metrics,
        tickRules: source.tickRules,
        firstMid: mid,
        clock: source.clock,
        quoteCurrency: source.quoteCurrency,
        ...(checkpoint !== null ? { capitalQuote: checkpoint.capital_quote } : {}),
      }),
      { feedHealthLog: feedHealth },
    );
    if (checkpoint !== null) continueFrom(t, checkpoint, runId, source.eventTime, logger, metrics);
    // run.json states what the trader quotes with (the order size is chosen at the first mid)
    out.writeManifest(runManifest(config, source, runId, runStartedMs, null, mid, t.p));
    return t;
  };
  // Without a two-sided book in the first events (or for live feeds) the trader is built on the first one.
  if (!Number.isNaN(initialMid)) trader = makeTrader(initialMid);
  // A resumed run's trader is restored at once (metrics, lead feed and risk checks go on); live, it
  // quotes only on a book of this session and its clock is taken to now (no back-dated tick).
  else if (checkpoint !== null) {
    trader = makeTrader(startMid);
    if (!source.eventTime) {
      trader.awaitFreshBook();
      trader.onTimer(Date.now());
    }
  }

  const progress = new ProgressBar(source.expectedSpanMs ?? 0);
  const skip = checkpoint !== null && source.eventTime ? checkpoint.events_consumed : 0;
  let consumed = 0;
  const duration = new DurationLimit(config.durationSec, source.eventTime, source.clock);
  const checkpoints = new CheckpointPacer(config.checkpointEveryMin * 60_000);
  let stopReason = "end of data";
  const drain = new HaltDrain();
  const firstBook = new FirstBookWait(logger);

  // Held while records wait after a write error (a resume would skip them); see HeldCheckpoints.
  const doCheckpoint = (t: PaperTrader, completedReason: string | null = null, final = false): void => {
    out.flush(final);
    heldCheckpoints.write(out.unwrittenRecords(), () =>
      writeCheckpoint(
        outputDir,
        captureCheckpoint(
          t,
          runId,
          consumed,
          streamSizes(outputDir),
          streamParts(outputDir),
          completedReason,
        ),
      ),
    );
  };

  /** Process one event; returns false when the run must stop. */
  const step = (ev: MarketEvent): boolean => {
    consumed++;
    if (consumed <= skip) return true;
    if (trader === null) {
      // No two-sided book yet: wait for one to size orders, then replay what was buffered.
      if (ev.type === "health") feedHealth.note(ev);
      const mid = firstBook.add(ev);
      if (Number.isNaN(mid)) return true;
      trader = makeTrader(mid);
      for (const e of firstBook.drain()) trader.onEvent(e, true);
    } else {
      // The run's market time ends at its duration, also when the next event lies beyond it (after
      // a hole in the data): the trader's clock is taken to the end without it.
      const end = duration.endBefore(trader.counters, ev);
      if (end !== null) {
        trader.onTimer(end);
        stopReason = duration.reason;
        return false;
      }
      trader.onEvent(ev);
    }
    const c = trader.counters;
    if (trader.stopReason !== null) {
      // The halt sent cancels for every order, but a cancel lands only after the venue's latency:
      // the market runs on (nothing is quoted, the kill switch stays halted) until the book is
      // clear of our orders, so fills in that window count as they would live.
      if (drain.drainingAtEvent(trader)) return true;
      stopReason = trader.stopReason;
      return false;
    }
    // live, market time is the local receive clock: the same wall time the timer below reports
    if (duration.reached(c)) {
      stopReason = duration.reason;
      return false;
    }
    if (c.firstTsMs !== null && checkpoints.due(c.lastTsMs)) doCheckpoint(trader);
    return true;
  };

  const afterChunk = async (): Promise<boolean> => {
    const t = trader;
    if (t !== null && t.counters.firstTsMs !== null)
      progress.update(t.counters.lastTsMs - t.counters.firstTsMs, t.counters.events);
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (stops.reason !== null) {
      stopReason = stops.reason;
      return false;
    }
    return true;
  };

  let timer: NodeJS.Timeout | null = null;
  let leadTask: Promise<void> | null = null;
  try {
    if (source.syncEvents !== null) {
      const it = source.syncEvents()[Symbol.iterator]();
      let running = true;
      while (running) {
        for (let i = 0; i < CHUNK_EVENTS; i++) {
          const r = it.next();
          if (r.done) {
            running = false;
            break;
          }
          if (!step(r.value)) {
            running = false;
            break;
          }
        }
        if (running) running = await afterChunk();
      }
    } else {
      if (!source.eventTime) {
        // Live: the duration is wall time from the start (of the first session, when resumed), whether
        // or not the venue ever sends a book.
        const liveStartedMs = Date.now();
        timer = setInterval(() => {
          if (trader !== null) trader.onTimer(Date.now());
          // a halt stops once its cancels have landed (see step), or after the drain time without events
          if (trader?.stopReason && drain.doneByWallClock(trader)) stops.request(trader.stopReason);
          // a resumed run's trader exists from the start: its first event is the run's
          const startMs = Math.min(trader?.counters.firstTsMs ?? liveStartedMs, liveStartedMs);
          if (Date.now() - startMs >= duration.ms) stops.request(duration.reason);
          if (stops.reason !== null) void source.feed.close();
        }, 1000);
      }
      // Lead venue events go to the LeadLag signal only (dropped until the trader exists: the signal
      // needs fresh data anyway). Live, the lead feed runs beside the traded venue's feed on the same
      // event loop; in a replay, the lead recording is merged on the replay's clock: before each event,
      // the lead events up to its time.
      const lead = source.lead;
      const merged = lead !== null && source.eventTime;
      leadTask =
        lead === null || merged
          ? null
          : (async () => {
              for await (const ev of lead.feed) {
                if (trader !== null) trader.onReferenceEvent(ev);
                if (stops.reason !== null) break;
              }
            })();
      const mergedLead = merged
        ? new MergedLead(lead.feed[Symbol.asyncIterator](), source.clock, (msg) => logger.warn(msg))
        : null;
      let n = 0;
      // A resumed event-time run goes through what it already processed at once, then paces.
      // A stop request ends a paced wait for the next event at once (a long gap at a slow speed).
      for await (const ev of source.asyncEvents(skip, stops.signal)) {
        if (mergedLead !== null)
          await mergedLead.feedUpTo(eventTimeMs(ev, source.clock), consumed >= skip ? trader : null);
        if (!step(ev)) break;
        if (++n % 256 === 0 && !(await afterChunk())) break;
        if (stops.reason !== null) {
          stopReason = stops.reason;
          break;
        }
      }
      if (stops.reason !== null) stopReason = stops.reason;
      mergedLead?.finish();
    }
    // the data ended while a halt's cancels were landing: the run stopped for the halt
    if (trader?.stopReason && stops.reason === null) stopReason = trader.stopReason;
  } finally {
    if (timer !== null) clearInterval(timer);
    progress.done();
    await source.feed.close();
    if (source.lead !== null) {
      await source.lead.feed.close();
      await leadTask;
    }
  }

  if ((trader as PaperTrader | null) === null) feedHealth.flush();
  else (trader as PaperTrader).flushThrottledLogs();
  // The recorders are closed (with the feeds): the files are complete.
  const feedLine = (): string =>
    recording === null ? feedSummary(source) : `${feedSummary(source)}; ${recording.summary()}`;
  if (stopReason === "end of data") stopReason = endOfDataReason(source.feed.stats().extra);
  let report: string[] = [];
  const t = trader as PaperTrader | null;
  // run.json's end goes in before the final checkpoint: a kill between the two leaves either a
  // resumable checkpoint (the resume rewrites run.json) or a finished run whose run.json says so.
  recording?.describeInto(source);
  out.writeManifest(runManifest(config, source, runId, runStartedMs, Date.now(), gridMid, t?.p ?? null));
  if (t !== null) {
    // A stop asked for (SIGINT/SIGTERM, abort) is a pause: its checkpoint stays resumable, and a
    // later --resume continues from there (quotes were cancelled, like a restarted bot's).
    const paused = stops.paused(stopReason);
    if (paused) stopReason = `${stopReason} (--resume continues this run)`;
    finishTrader(t, stopReason, paused && !source.eventTime);
    doCheckpoint(t, paused ? null : stopReason, true);
    report = edgeValidationReport(t, {
      stopReason,
      outputDir,
      wallSeconds: (Date.now() - startedWallMs) / 1000,
      wallThisSession: checkpoint !== null,
      feedSummary: feedLine(),
      instrument: `${instrumentText(instrumentGrid(source, gridMid))}${t.offGrid?.reportText() ?? ""}`,
    });
  } else report = noBookReport(stopReason, feedLine());
  out.close();
  if (metrics !== null) await metrics.close();
  const lost = lostRecordsText(out.stats(), heldCheckpoints);
  if (lost !== null) report.splice(report.length - 1, 0, `ERROR: ${lost}`);
  for (const line of report) print(line);
  // Signals stay handled until everything is written and printed.
  stops.dispose();
  const unusable = t === null && config.source === "replay" && stopReason.startsWith("end of data");
  const counts = { fills: t?.counters.fills ?? 0, events: t?.counters.events ?? 0 };
  return {
    stopReason,
    report,
    ...counts,
    outputDir,
    ...(unusable ? { unusableInput: unusableInputText(config.input!, source.feed.stats()) } : {}),
    ...(lost !== null ? { lostRecords: lost } : {}),
  };
}
