import type { MarketEvent } from "@mmkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { BinanceFeed } from "../../src/feeds/binance-feed.js";
import { HyperliquidFeed } from "../../src/feeds/hyperliquid-feed.js";
import type { MarketDataFeed } from "../../src/feeds/types.js";
import { waitFor } from "./fixtures.js";
import { FakeHyperliquid } from "./hl-server.js";
import { RawWsVenue } from "./raw-ws-server.js";

/** Drain a feed in the background, keeping its events. */
function consume(feed: MarketDataFeed): { events: MarketEvent[]; done: Promise<void> } {
  const events: MarketEvent[] = [];
  const done = (async () => {
    for await (const e of feed) events.push(e);
  })();
  return { events, done };
}

const connected = (events: MarketEvent[]) => () =>
  events.some((e) => e.type === "health" && e.status === "connected");

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

describe("closing a live feed when the venue never answers the close frame", () => {
  it.each([
    ["HyperliquidFeed", (url: string) => new HyperliquidFeed({ coin: "BTC", url, pingIntervalMs: 0 })],
    [
      "BinanceFeed",
      (url: string) => new BinanceFeed({ symbol: "BTCUSDT", baseUrl: url, depth: false, pingIntervalMs: 0 }),
    ],
  ] as const)(
    "%s: close() resolves and the TCP connection is gone within ~1 s, not the ws library's 30 s",
    async (_name, make) => {
      const venue = await RawWsVenue.start();
      cleanup.push(() => venue.stop());
      const feed = make(venue.url);
      cleanup.push(() => feed.close());
      const c = consume(feed);
      await waitFor(connected(c.events), 3000, "connected");
      const t0 = Date.now();
      await feed.close();
      expect(Date.now() - t0).toBeLessThan(2000);
      await waitFor(() => venue.conns[0]!.closedAtMs !== null, 2000, "the venue sees the connection closed");
      expect(venue.conns[0]!.closedAtMs! - t0).toBeLessThan(2000);
      await c.done;
    },
  );

  it("a venue that answers the close frame still gets a clean 1000 close, at once", async () => {
    const venue = await FakeHyperliquid.start(20);
    cleanup.push(() => venue.stop());
    const feed = new HyperliquidFeed({ coin: "BTC", url: venue.url });
    cleanup.push(() => feed.close());
    const c = consume(feed);
    await waitFor(() => c.events.some((e) => e.type === "snapshot"), 3000, "a snapshot");
    let code: number | null = null;
    venue.last.ws.on("close", (cd) => {
      code = cd;
    });
    const t0 = Date.now();
    await feed.close();
    expect(Date.now() - t0).toBeLessThan(500);
    await waitFor(() => code !== null, 1000, "the venue sees the close");
    expect(code).toBe(1000);
    await c.done;
  });
});
