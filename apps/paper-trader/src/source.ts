/** Market-data sources for the paper trader: the embedded synthetic market, replays, live Hyperliquid. */
import { fixedTickRules, L2Book, type MarketEvent, type TickRules } from "@mmkit/core";
import {
  type EventTimeFeed,
  type FeedLogger,
  HyperliquidFeed,
  type MarketDataFeed,
  pace,
  SyntheticMarket,
} from "@mmkit/exchange";
import type { PaperTraderConfig } from "./config.js";
import {
  liveHyperliquidTickRules,
  quoteCurrency,
  recordingVenue,
  replayInstrument,
  replayTickRules,
  requireLinearContract,
  replayVenue,
} from "./instrument.js";
import { createLeadFeed, type LeadFeed, openLeadReplay } from "./lead-feed.js";
import { openClockedReplay, withSkewWarning } from "./replay-clock.js";

export {
  type FixedGrid,
  HL_SZ_DECIMALS,
  inferDecimals,
  inferFixedGrid,
  inferFixedTickRules,
} from "./grid.js";
import { parseSpeed } from "./config.js";

/** A source plus what the trader needs to know about it. */
export interface RunSource {
  feed: MarketDataFeed;
  /** Synchronous events for max-speed runs of event-time sources (null for live feeds). */
  syncEvents: (() => Iterable<MarketEvent>) | null;
  /**
   * Paced async events (event-time sources at a finite speed, or live), after `unpacedPrefix` at
   * once; `stop` aborting ends a wait for the next event at once (live feeds are not paced).
   */
  asyncEvents: (unpacedPrefix?: number, stop?: AbortSignal) => AsyncIterable<MarketEvent>;
  /** Which timestamp drives the run. */
  clock: "exchange" | "local";
  /** Whether the source runs in event time (synthetic, replay) — resumable by event index. */
  eventTime: boolean;
  /** Tick rules of the instrument. */
  tickRules: TickRules;
  /** Description for run.json. */
  describe: Record<string, unknown>;
  /** Expected market span in ms (for the progress bar), null when unknown. */
  expectedSpanMs: number | null;
  /** The first events of an event-time source (to size orders before the run); empty for live feeds. */
  sample: MarketEvent[];
  /** Instrument traded (coin or symbol as the source names it). */
  instrument: string;
  /** Currency of PnL, fees and capital (`quoteCurrency`). */
  quoteCurrency: string;
  /** Venue of the market data: synthetic, binance or hyperliquid (a replay's format or recording header), else "replay". */
  venue: string;
  /** Binance data: `"usdm"` or `"spot"` as the capture's frames show (null: not known, or not Binance). */
  binanceMarket: "usdm" | "spot" | null;
  /** The Binance lead feed of a live run with `--binance-lead`, else null. */
  lead: LeadFeed | null;
}

/** How many leading events are read to infer tick rules and the first mid. */
const SAMPLE_EVENTS = 5000;

/** Default instrument when neither `--asset` nor the data names one (synthetic, live). */
export const DEFAULT_ASSET = "BTC";

/** Build the source named by the config (replays are streamed: memory does not grow with file size). */
export async function createSource(config: PaperTraderConfig, logger: FeedLogger): Promise<RunSource> {
  const speed = parseSpeed(config.speed);
  if (config.source === "synthetic") {
    const market = new SyntheticMarket({ seed: config.seed, durationSec: config.durationSec });
    const tick = market.config.tickSize;
    const lot = market.config.lotSize;
    return eventTimeSource(
      market,
      speed,
      fixedTickRules(tick, lot, 10),
      {
        kind: "synthetic",
        seed: config.seed,
        duration_sec: config.durationSec,
        a_per_sec: market.config.marketOrders.aPerSec,
        kappa_per_frac: market.config.marketOrders.kappaPerFrac,
        initial_mid: market.config.initialMid,
      },
      config.durationSec * 1000,
      config.asset ?? DEFAULT_ASSET,
      "USD",
    );
  }
  if (config.source === "replay") {
    const path = config.input!;
    // Paced here rather than by the feed, so a resume skips what it processed without waiting.
    // A recording replays on the clock its live run ran on (local receive time), a capture on the venue's.
    const { feed, clock } = openClockedReplay(path, {
      logger,
      ...(config.asset !== undefined ? { instrument: config.asset } : {}),
    });
    // Stream the recording (line by line) rather than decoding it whole: recordings can be GBs.
    const sample: MarketEvent[] = [];
    for await (const ev of feed) {
      sample.push(ev);
      if (sample.length >= SAMPLE_EVENTS) break;
    }
    const instrument = replayInstrument(feed, config.asset, sample, logger);
    requireLinearContract(replayVenue(feed.format, feed.recordingSource), instrument);
    const venue = recordingVenue(feed.recordingSource)?.venue ?? null;
    const tickRules = replayTickRules(feed.format, instrument, sample, config, logger, venue);
    const lead = openLeadReplay(config, logger, clock, feed.format);
    return {
      feed,
      syncEvents: null,
      asyncEvents: (unpacedPrefix = 0, stop) =>
        withSkewWarning(pace(feed, speed, { clock, unpacedPrefix, signal: stop }), clock, logger),
      clock,
      eventTime: true,
      tickRules,
      describe: {
        kind: "replay",
        path,
        format: feed.format,
        instrument,
        ...(lead !== null ? { lead: lead.describe } : {}),
      },
      expectedSpanMs: null,
      sample,
      instrument,
      quoteCurrency: quoteCurrency(replayVenue(feed.format, feed.recordingSource), instrument),
      venue: replayVenue(feed.format, feed.recordingSource) ?? "replay",
      binanceMarket: feed.binanceMarket(),
      lead,
    };
  }
  const coin = config.asset ?? DEFAULT_ASSET;
  const feed = new HyperliquidFeed({
    coin,
    url: config.hyperliquidUrl,
    logger,
    seed: config.seed,
  });
  const lead = createLeadFeed(config, coin, logger);
  return {
    feed,
    syncEvents: null,
    asyncEvents: () => feed,
    clock: "local",
    eventTime: false,
    tickRules: liveHyperliquidTickRules(coin, config),
    describe: {
      kind: "hyperliquid",
      url: config.hyperliquidUrl,
      coin,
      ...(lead !== null ? { lead: lead.describe } : {}),
    },
    expectedSpanMs: config.durationSec * 1000,
    sample: [],
    instrument: coin,
    quoteCurrency: quoteCurrency("hyperliquid", coin),
    venue: "hyperliquid",
    binanceMarket: null,
    lead,
  };
}

function eventTimeSource(
  feed: EventTimeFeed,
  speed: "max" | "realtime" | number,
  tickRules: TickRules,
  describe: Record<string, unknown>,
  expectedSpanMs: number | null,
  instrument: string,
  quote: string,
): RunSource {
  const sample: MarketEvent[] = [];
  for (const ev of feed.events()) {
    sample.push(ev);
    if (sample.length >= SAMPLE_EVENTS) break;
  }
  return {
    sample,
    feed,
    syncEvents: speed === "max" ? () => feed.events() : null,
    asyncEvents: (unpacedPrefix = 0, stop) => pace(feed.events(), speed, { unpacedPrefix, signal: stop }),
    clock: "exchange",
    eventTime: true,
    tickRules,
    describe,
    expectedSpanMs,
    instrument,
    quoteCurrency: quote,
    venue: "synthetic",
    binanceMarket: null,
    lead: null,
  };
}

/** Apply a book event to a book, skipping (as the paper exchange does) a crossed or invalid update. */
export function applyToBook(book: L2Book, ev: MarketEvent): void {
  try {
    if (ev.type === "snapshot") book.applySnapshot(ev.bids, ev.asks);
    else if (ev.type === "delta") book.applyDelta(ev.bids, ev.asks);
    else if (ev.type === "bbo") book.applyBbo(ev.bbo);
  } catch {
    // skipped like the exchange skips it
  }
}

/** First mid of a list of events (the book once it is two-sided), or NaN. */
export function firstMid(events: Iterable<MarketEvent>): number {
  const book = new L2Book();
  for (const ev of events) {
    applyToBook(book, ev);
    if (book.isTwoSided()) return book.mid();
  }
  return Number.NaN;
}
