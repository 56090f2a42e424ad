import { expect, it } from "vitest";
import { HyperliquidFeed } from "../../src/feeds/hyperliquid-feed.js";
import { waitFor } from "./fixtures.js";
import { server, useFakeHyperliquid } from "./hl-feed-harness.js";

useFakeHyperliquid();

it("a consumer that never reads: the queue keeps maxBuffered events and stats() counts every one it dropped", async () => {
  const feed = new HyperliquidFeed({ coin: "BTC", url: server.url, maxBuffered: 5, connectTimeoutMs: 500 });
  feed.start();
  const pushed = (): number => Object.values(feed.stats().events).reduce((a, b) => a + b, 0);
  await waitFor(() => pushed() >= 20, 5000, "20 events");
  await feed.close(); // ends the queue: nothing more is pushed
  const s = feed.stats();
  expect(s.droppedEvents).toBe(pushed() - 5);
  let left = 0;
  for await (const _ of feed) left++;
  expect(left).toBe(5);
});
