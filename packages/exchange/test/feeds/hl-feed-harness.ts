import { L2Book, type MarketEvent } from "@mmkit/core";
import { afterEach, beforeEach } from "vitest";
import { HyperliquidFeed, type HyperliquidFeedOptions } from "../../src/feeds/hyperliquid-feed.js";
import type { FeedLogger } from "../../src/feeds/types.js";
import { FakeHyperliquid } from "./hl-server.js";

/** Applies every event to an L2Book, as a real consumer would, and keeps the history. */
export class Consumer {
  readonly events: MarketEvent[] = [];
  readonly book = new L2Book();
  readonly done: Promise<void>;
  constructor(feed: HyperliquidFeed) {
    this.done = (async () => {
      for await (const e of feed) {
        this.events.push(e);
        if (e.type === "snapshot") this.book.applySnapshot(e.bids, e.asks, e.exchangeTsMs, e.localTsMs);
        else if (e.type === "delta") this.book.applyDelta(e.bids, e.asks, e.exchangeTsMs, e.localTsMs);
      }
    })();
  }
  health(status: string): (MarketEvent & { type: "health" })[] {
    return this.events.filter(
      (e): e is MarketEvent & { type: "health" } => e.type === "health" && e.status === status,
    );
  }
  indexOfHealth(status: string, from = 0): number {
    return this.events.findIndex((e, i) => i >= from && e.type === "health" && e.status === status);
  }
}

class MemoryLogger implements FeedLogger {
  readonly warnings: string[] = [];
  warn(obj: Record<string, unknown>, msg: string): void {
    this.warnings.push(`${msg} ${JSON.stringify(obj)}`);
  }
  info(): void {}
}

const FAST: Partial<HyperliquidFeedOptions> = {
  pingIntervalMs: 40,
  pongTimeoutMs: 500,
  expectedBookIntervalMs: 20,
  staleFactor: 5,
  staleReconnectAfterMs: 0,
  connectTimeoutMs: 500,
  backoff: { initialMs: 20, maxMs: 200, factor: 2, jitterFrac: 0.5 },
  seed: 3,
};

/** The venue of the current test (a fresh one each test; see `useFakeHyperliquid`). */
export let server: FakeHyperliquid;
/** The feed the current test made with `makeFeed`. */
export let feed: HyperliquidFeed;
/** The warnings the current test's feed logged. */
export let logger: MemoryLogger;

/** Start a fresh local venue (and logger) before each test of the calling file; close both after. */
export function useFakeHyperliquid(): void {
  beforeEach(async () => {
    server = await FakeHyperliquid.start(20);
    logger = new MemoryLogger();
  });

  afterEach(async () => {
    await feed?.close();
    await server.stop();
  });
}

/** A feed on the current venue with fast timings, and a consumer applying its events. */
export function makeFeed(extra: Partial<HyperliquidFeedOptions> = {}): Consumer {
  feed = new HyperliquidFeed({ coin: "BTC", url: server.url, logger, ...FAST, ...extra });
  return new Consumer(feed);
}
