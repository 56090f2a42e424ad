/** Market-data sources for the paper trader: the embedded synthetic market, replays, live Hyperliquid. */
import { fixedTickRules, hyperliquidTickRules, L2Book, type MarketEvent, type TickRules } from "@mmkit/core";
import {
  type EventTimeFeed,
  type FeedLogger,
  HyperliquidFeed,
  type MarketDataFeed,
  openReplay,
  pace,
  SyntheticMarket,
} from "@mmkit/exchange";
import type { PaperTraderConfig } from "./config.js";
import { parseSpeed } from "./config.js";

/** A source plus what the trader needs to know about it. */
export interface RunSource {
  feed: MarketDataFeed;
  /** Synchronous events for max-speed runs of event-time sources (null for live feeds). */
  syncEvents: (() => Iterable<MarketEvent>) | null;
  /** Paced async events (event-time sources at a finite speed, or live). */
  asyncEvents: () => AsyncIterable<MarketEvent>;
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
}

/** How many leading events are read to infer tick rules and the first mid. */
const SAMPLE_EVENTS = 5000;

/** Asset size decimals on Hyperliquid for the common perps (others default to 4). */
const HL_SZ_DECIMALS: Record<string, number> = { BTC: 5, ETH: 4, SOL: 2, XRP: 0, DOGE: 0, AVAX: 2, LINK: 1 };

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
    );
  }
  if (config.source === "replay") {
    const path = config.input!;
    const feed = openReplay(path, { clock: "exchange", logger, speed });
    // Stream the recording (line by line) rather than decoding it whole: recordings can be GBs.
    const sample: MarketEvent[] = [];
    for await (const ev of feed) {
      sample.push(ev);
      if (sample.length >= SAMPLE_EVENTS) break;
    }
    const tickRules =
      feed.format === "hyperliquid-capture"
        ? hyperliquidTickRules(HL_SZ_DECIMALS[config.asset.toUpperCase()] ?? 4)
        : inferFixedTickRules(sample);
    return {
      feed,
      syncEvents: null,
      asyncEvents: () => feed,
      clock: "exchange",
      eventTime: true,
      tickRules,
      describe: { kind: "replay", path, format: feed.format },
      expectedSpanMs: null,
      sample,
    };
  }
  const feed = new HyperliquidFeed({
    coin: config.asset,
    url: config.hyperliquidUrl,
    logger,
    seed: config.seed,
  });
  return {
    feed,
    syncEvents: null,
    asyncEvents: () => feed,
    clock: "local",
    eventTime: false,
    tickRules: hyperliquidTickRules(HL_SZ_DECIMALS[config.asset.toUpperCase()] ?? 4),
    describe: { kind: "hyperliquid", url: config.hyperliquidUrl, coin: config.asset },
    expectedSpanMs: config.durationSec * 1000,
    sample: [],
  };
}

function eventTimeSource(
  feed: EventTimeFeed,
  speed: "max" | "realtime" | number,
  tickRules: TickRules,
  describe: Record<string, unknown>,
  expectedSpanMs: number | null,
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
    asyncEvents: () => pace(feed.events(), speed),
    clock: "exchange",
    eventTime: true,
    tickRules,
    describe,
    expectedSpanMs,
  };
}

/**
 * Infer a fixed tick/lot grid from the first book and trade events of a recording: the finest
 * decimal step seen in prices (tick) and sizes (lot). Venues print prices on their tick grid, so
 * a few thousand events are enough.
 */
export function inferFixedTickRules(events: Iterable<MarketEvent>, sample = 5000): TickRules {
  let priceDecimals = 0;
  let sizeDecimals = 0;
  let n = 0;
  const see = (price: number, size: number): void => {
    priceDecimals = Math.max(priceDecimals, decimalsOf(price));
    sizeDecimals = Math.max(sizeDecimals, decimalsOf(size));
  };
  for (const ev of events) {
    if (ev.type === "snapshot" || ev.type === "delta") {
      for (const l of ev.bids) see(l.price, l.size);
      for (const l of ev.asks) see(l.price, l.size);
    } else if (ev.type === "bbo") {
      see(ev.bbo.bidPrice, ev.bbo.bidSize);
      see(ev.bbo.askPrice, ev.bbo.askSize);
    } else if (ev.type === "trade") {
      see(ev.trade.price, ev.trade.size);
    }
    if (++n >= sample) break;
  }
  return fixedTickRules(1 / 10 ** priceDecimals, 1 / 10 ** sizeDecimals, 0);
}

function decimalsOf(x: number): number {
  if (!Number.isFinite(x) || x === 0) return 0;
  for (let d = 0; d <= 10; d++) {
    const scaled = x * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-7 * Math.max(1, Math.abs(scaled))) return d;
  }
  return 10;
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
