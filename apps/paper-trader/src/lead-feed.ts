/** The optional lead-venue feed: Binance USD-M bookTicker live (`--binance-lead`), or a lead recording in a replay (`--lead-input`). */
import type { ClockSource, MarketEvent } from "@mmkit/core";
import {
  BinanceFeed,
  type FeedDelayTracker,
  type FeedLogger,
  type MarketDataFeed,
  type ReplayFeed,
  type ReplayFormat,
} from "@mmkit/exchange";
import { ConfigError, type PaperTraderConfig } from "./config.js";
import { openClockedReplay } from "./replay-clock.js";

/**
 * Binance USD-M symbol of a Hyperliquid coin: `COIN` + `USDT`, and Hyperliquid's 1000× contracts
 * (`kPEPE`, `kSHIB`, `kBONK`, …) map to Binance's `1000PEPEUSDT`-style ones (the same 1000-unit scale).
 */
export function binanceSymbolFor(coin: string): string {
  const thousand = /^k([A-Z0-9]+)$/.exec(coin);
  return thousand ? `1000${thousand[1]}USDT` : `${coin.toUpperCase()}USDT`;
}

/** A lead feed and what run.json records about it. */
export interface LeadFeed {
  feed: MarketDataFeed;
  describe: Record<string, unknown>;
}

/** The lead feed's messages tagged `[LEAD]`, so its socket errors are not read as the traded venue's. */
function leadLogger(logger: FeedLogger): FeedLogger {
  return {
    warn: (obj, msg) => logger.warn(obj, `[LEAD] ${msg}`),
    info: (obj, msg) => logger.info(obj, `[LEAD] ${msg}`),
  };
}

/**
 * The Binance lead feed for `coin` when `--binance-lead` is set (else null): top of book only
 * (bookTicker; no depth, so no REST snapshot), timestamped by local receive time like the
 * Hyperliquid feed, so the LeadLag signal compares the two venues on one clock.
 */
export function createLeadFeed(
  config: PaperTraderConfig,
  coin: string,
  feedLogger: FeedLogger,
): LeadFeed | null {
  if (!config.binanceLead) return null;
  const logger = leadLogger(feedLogger);
  const symbol = (config.binanceSymbol ?? binanceSymbolFor(coin)).toUpperCase();
  const feed = new BinanceFeed({
    symbol,
    baseUrl: config.binanceUrl,
    bookTicker: true,
    aggTrade: false,
    depth: false,
    logger,
    seed: config.seed,
  });
  return { feed, describe: { kind: "binance", url: config.binanceUrl, symbol, streams: ["bookTicker"] } };
}

/**
 * The lead recording of a replay (`--lead-input`), streamed beside `--input` on the traded
 * venue's `clock` (both are merged on it: a live run's two recordings were stamped by the same
 * machine's clock, so they interleave as the run saw them), or null. Warns when the lead and the
 * traded input are not both recordings or both captures: their clocks may then not compare.
 * Captures holding several instruments replay the first (as for `--input`).
 */
export function openLeadReplay(
  config: PaperTraderConfig,
  feedLogger: FeedLogger,
  clock: ClockSource,
  tradedFormat: ReplayFormat,
): LeadFeed | null {
  if (config.leadInput === undefined) return null;
  const logger = leadLogger(feedLogger);
  let feed: ReplayFeed;
  try {
    feed = openClockedReplay(config.leadInput, { clock, logger }).feed;
  } catch (err) {
    throw new ConfigError(`invalid --lead-input: ${(err as Error).message}`);
  }
  if ((feed.format === "recording") !== (tradedFormat === "recording"))
    logger.warn(
      { lead: feed.format, traded: tradedFormat },
      `--lead-input is a ${feed.format}, --input a ${tradedFormat}: the lead is merged on the ${clock} clock (${clock === "local" ? "the recorder's receive time" : "the venue's time"}), which the two files may not share`,
    );
  const recorded = feed.recordingSource;
  return {
    feed,
    describe: {
      kind: "replay",
      path: config.leadInput,
      format: feed.format,
      clock,
      ...(recorded !== null ? { source: recorded } : {}),
    },
  };
}

/**
 * A lead frame as of its content, on the local clock: its receipt time moved back by its delivery
 * delay (`FeedDelayTracker`), so a frame delivered 3 s late is 3 s old for LeadLag and the metrics.
 */
export function leadFrameAsOf(ev: MarketEvent, delay: FeedDelayTracker): MarketEvent {
  const asOf = delay.asOfMs(ev.localTsMs, ev.exchangeTsMs);
  return asOf === ev.localTsMs ? ev : { ...ev, localTsMs: asOf };
}
