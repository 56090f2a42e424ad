/** Resuming a run: restore a checkpoint without outputs (to check it, or to reprint a finished run's report). */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RUN_MANIFEST_FILE } from "@mmkit/analytics";
import { type ClockSource, L2Book } from "@mmkit/core";
import pino, { type Logger } from "pino";
import { buildParts } from "./build.js";
import { ConfigError, type PaperTraderConfig } from "./config.js";
import type { RunMetrics } from "./metrics.js";
import { edgeValidationReport } from "./report.js";
import type { RunOptions, RunResult } from "./run.js";
import { instrumentGrid, instrumentText } from "./instrument.js";
import { firstMid, type RunSource } from "./source.js";
import { readCheckpoint } from "./checkpoint.js";
import { FIRST_CHECKPOINT_MS } from "./checkpoint-pacing.js";
import { activeLockHolder, inUseText } from "./output-lock.js";
import {
  PRINT_MERGE_VERSION,
  parseCheckpoint,
  restoreCheckpoint,
  resumedConfig,
  savedEffectiveConfig,
  type TraderCheckpoint,
} from "./state.js";
import { PaperTrader } from "./trader.js";

/**
 * Continue a run with a new trader: every component and tracker restored from the checkpoint, and
 * the metrics counting from its totals (no jump by the previous sessions' counts).
 */
export function continueFrom(
  t: PaperTrader,
  cp: TraderCheckpoint,
  runId: string,
  eventTime: boolean,
  logger: Logger,
  metrics: RunMetrics | null,
): void {
  restoreCheckpoint(t, cp);
  metrics?.resumeFrom({
    eventsTotal: t.counters.events,
    rejectedBookEvents: t.p.exchange.rejectedBookEvents,
    rejectedTradeEvents: t.p.exchange.rejectedTradeEvents,
  });
  // The gauges show the restored account at once, not an empty one while a replay skips the
  // events it already processed.
  t.publishMetrics();
  // An event-time source goes on after the events it consumed; a live one from now.
  const from = eventTime ? `; the source goes on after its event ${cp.events_consumed}` : "";
  logger.info(
    `[RESUME] continuing ${runId}: ${t.counters.events} events and ${t.counters.fills} fills so far${from}`,
  );
}

/**
 * On `--resume`: the checkpoint (read only, its own fields checked) and the config the resumed run
 * uses (see `resumedConfig`, `keepVenueUrls`); otherwise no checkpoint and the config as given.
 * Throws a `cannot --resume` ConfigError when there is no checkpoint (naming a run that holds the
 * directory and has not written one yet) or it is damaged.
 */
export function resumeSettings(
  given: PaperTraderConfig,
  givenFields: ReadonlySet<string> | undefined,
): { checkpoint: TraderCheckpoint | null; config: PaperTraderConfig } {
  if (!given.resume) return { checkpoint: null, config: given };
  const dir = given.outputDir;
  if (!existsSync(dir))
    throw new ConfigError(
      `cannot --resume: ${dir} does not exist (--output-dir must name the directory of the run to continue)`,
    );
  const raw = readCheckpoint(dir);
  if (raw === null) {
    const holder = activeLockHolder(dir);
    throw new ConfigError(
      holder === null
        ? `cannot --resume: no checkpoint.json in ${dir} (a run writes its first checkpoint ${FIRST_CHECKPOINT_MS / 1000} s of market time after its first event; one stopped before that has nothing to resume: start it again without --resume)`
        : `cannot --resume: ${inUseText(dir, holder)}, and it has not written its first checkpoint yet`,
    );
  }
  const checkpoint = parseCheckpoint(raw, dir);
  const saved = savedEffectiveConfig(checkpoint);
  return {
    checkpoint,
    config: keepVenueUrls(
      saved,
      resumedConfig(saved, given, dir, givenFields, checkpoint.config),
      givenFields,
    ),
  };
}

/**
 * A trader restored from a checkpoint without outputs (nothing is written): proves the checkpoint
 * restores before a resume touches any file, and gives a finished run's report. Throws a
 * `cannot --resume` error naming the problem when the checkpoint does not restore.
 */
export function restoredTrader(
  cp: TraderCheckpoint,
  config: PaperTraderConfig,
  source: RunSource,
): PaperTrader {
  try {
    const trader = new PaperTrader(
      buildParts(
        { ...config, orderSizeBase: cp.order_size_base },
        {
          logger: pino({ level: "silent" }),
          out: null,
          metrics: null,
          tickRules: source.tickRules,
          firstMid: Number.NaN,
          clock: source.clock,
          quoteCurrency: source.quoteCurrency,
          capitalQuote: cp.capital_quote,
        },
      ),
    );
    restoreCheckpoint(trader, cp);
    return trader;
  } catch (err) {
    // One line: some components word their checks as a multi-line issue list.
    const why = (err as Error).message.replace(/\s+/g, " ");
    throw new ConfigError(
      `cannot --resume: checkpoint.json in ${config.outputDir} does not restore (${why.length > 300 ? `${why.slice(0, 300)}…` : why}); nothing was changed`,
    );
  }
}

/** Resuming a run that already finished: print the report of its final state; write nothing. */
export async function reprintCompleted(
  trader: PaperTrader,
  cp: TraderCheckpoint,
  config: PaperTraderConfig,
  opts: RunOptions,
  source: RunSource,
  print: (line: string) => void,
): Promise<RunResult> {
  await source.feed.close();
  const stopReason = `already complete (${cp.completed_reason}); nothing to resume`;
  const mid = firstMid(source.sample);
  opts.logger.info(`[RESUME] ${stopReason}`);
  const report = edgeValidationReport(trader, {
    stopReason,
    outputDir: config.outputDir,
    wallSeconds: 0,
    wallThisSession: true,
    feedSummary: `${source.feed.name} (nothing read: the run had ended; its own report has the counts)`,
    // A live source has no sample: the price step near the checkpoint's mid, as the run stated it.
    instrument: instrumentText(instrumentGrid(source, Number.isNaN(mid) ? checkpointMid(cp) : mid)),
  });
  for (const line of report) print(line);
  return {
    stopReason,
    report,
    fills: trader.counters.fills,
    events: trader.counters.events,
    outputDir: config.outputDir,
  };
}

/** The run.json in `dir` when it belongs to `runId`, else null. */
function runManifestOf(dir: string, runId: string): Record<string, unknown> | null {
  try {
    const m = JSON.parse(readFileSync(join(dir, RUN_MANIFEST_FILE), "utf8")) as Record<string, unknown>;
    return m !== null && typeof m === "object" && m["run_id"] === runId ? m : null;
  } catch {
    return null;
  }
}

/** `started_ts_ms` of the run.json in `dir` when it belongs to `runId`, else null. */
export function manifestStart(dir: string, runId: string): number | null {
  const started = runManifestOf(dir, runId)?.["started_ts_ms"];
  return typeof started === "number" && Number.isFinite(started) ? started : null;
}

/**
 * The clock the run in `dir` replayed on, as its run.json states it (`source.clock`; versions
 * before it was written replayed every event-time source on the exchange clock), or null when
 * `dir` holds no run.json of `runId`.
 */
export function manifestClock(dir: string, runId: string): ClockSource | null {
  const m = runManifestOf(dir, runId);
  if (m === null) return null;
  const source = m["source"];
  const clock =
    source !== null && typeof source === "object" ? (source as Record<string, unknown>)["clock"] : undefined;
  return clock === "local" ? "local" : "exchange";
}

/**
 * An event-time source resumes by event count, and its events' order depends on the clock (the
 * reorder window sorts by it): a checkpoint of a run that replayed on another clock — a
 * recording replayed on the exchange clock by a version before recordings replayed on local
 * receive time — would resume at the wrong event. Refused (nothing changed) unless the run had finished.
 */
export function requireSameClock(cp: TraderCheckpoint, source: RunSource, outputDir: string): void {
  if (!source.eventTime || cp.completed_reason !== null) return;
  const before = manifestClock(outputDir, cp.run_id);
  if (before === null || before === source.clock) return;
  throw new ConfigError(
    `cannot --resume: the run in ${outputDir} replayed ${String(source.describe["path"] ?? "its input")} on the ${before} clock (run.json); this version replays ${source.describe["format"] === "recording" ? "a recording on the local receive time its live run ran on" : `it on the ${source.clock} clock`}, which orders the events differently, so the checkpoint's ${cp.events_consumed} events no longer end at the same place. Start a new run in another --output-dir; nothing was changed`,
  );
}

/**
 * A capture replay resumes by event count: a checkpoint of a version that replayed each print of a
 * taker order apart counted more events than this version's replay has at the same place, so it
 * would resume at the wrong event. Refused (nothing changed) unless the run had finished.
 */
export function requireSamePrintCounting(cp: TraderCheckpoint, source: RunSource, outputDir: string): void {
  const format = source.describe["format"];
  if (cp.completed_reason !== null || cp.print_merge === PRINT_MERGE_VERSION) return;
  if (format !== "binance-capture" && format !== "hyperliquid-capture") return;
  throw new ConfigError(
    `cannot --resume: checkpoint.json in ${outputDir} was written by an mmkit version that replayed each print of a taker order as its own event; this version merges them per taker order and price (as Binance's aggTrade does), so the checkpoint's ${cp.events_consumed} events no longer end at the same place in the input. Start a new run in another --output-dir; nothing was changed`,
  );
}

/**
 * Settings a live source is reached through (the venue URLs: `--hyperliquid-url`, `--binance-url`)
 * that a resume keeps from the checkpoint unless given again (`given`: the fields given now;
 * undefined: every one counts as given). A bare `--resume` of a run against another venue (a
 * testnet, a local one) must not connect to the public default instead. The URLs may still change
 * on a resume (they do not define the run): give them again.
 */
export const RESUME_KEEPS_VENUE = ["hyperliquidUrl", "binanceUrl"] as const;

/** `config` with the checkpoint's (`saved`) venue URLs where they were not given again. */
export function keepVenueUrls(
  saved: PaperTraderConfig,
  config: PaperTraderConfig,
  given?: ReadonlySet<string>,
): PaperTraderConfig {
  if (given === undefined) return config;
  let kept = config;
  for (const f of RESUME_KEEPS_VENUE) {
    const url = saved[f];
    if (!given.has(f) && url !== undefined && url !== config[f]) kept = { ...kept, [f]: url };
  }
  return kept;
}

/**
 * The mid of the book a checkpoint holds (the paper exchange's; when it is one-sided, the last mid
 * its ledger was marked at), or NaN when there is neither: a resumed live run states its price step (run.json `source.tick_size`, the report) near it until
 * the venue sends a book, and finishes its trader from it when none comes.
 */
export function checkpointMid(cp: TraderCheckpoint): number {
  const book = new L2Book();
  try {
    book.applySnapshot(cp.exchange.book.bids, cp.exchange.book.asks);
  } catch {
    return Number.NaN;
  }
  if (book.isTwoSided()) return book.mid();
  // The book went one-sided after its last two-sided state (a venue sending one side only): the
  // ledger is marked at the last mid there was.
  const mark = (cp.exchange.ledger as { markPrice?: unknown } | undefined)?.markPrice;
  return typeof mark === "number" && mark > 0 && Number.isFinite(mark) ? mark : Number.NaN;
}
