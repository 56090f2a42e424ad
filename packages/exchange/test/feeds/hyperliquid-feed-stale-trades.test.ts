import { describe, expect, it } from "vitest";
import { captureFrames, waitFor } from "./fixtures.js";
import { type Consumer, feed, logger, makeFeed, server, useFakeHyperliquid } from "./hl-feed-harness.js";

useFakeHyperliquid();

/** A feed subscribed on a venue that sends nothing until the test does (no book yet). */
async function subscribedWithoutData(): Promise<Consumer> {
  server.dataFromStart = false;
  const c = makeFeed();
  await waitFor(
    () => server.conns.length === 1 && server.last.subscriptions.length === 3,
    3000,
    "subscribed",
  );
  return c;
}

/** The recording's first frame of a channel. */
const firstRecorded = (channel: "trades" | "l2Book"): string =>
  captureFrames("hyperliquid-btc-20250126.gz").find((f) => f.startsWith(`{"channel":"${channel}"`))!;

describe("HyperliquidFeed against a local venue replaying real frames", () => {
  it("a book stamped an hour ahead (clock glitch) costs only the prints before the next book; later drops are warned", async () => {
    const c = makeFeed();
    await waitFor(() => c.events.some((e) => e.type === "snapshot"), 3000, "first snapshot");
    for (const conn of server.openConns()) conn.sendData = false;
    await new Promise((r) => setTimeout(r, 100)); // let the recorded frames in flight arrive
    const droppedBefore = feed.stats().extra["staleTradesDropped"] ?? 0;
    const book = (t: number) => {
      const f = JSON.parse(server.last.booksSent[0]!) as { data: { time: number } };
      f.data.time = t;
      return JSON.stringify(f);
    };
    const trade = (tid: number, t: number) =>
      JSON.stringify({
        channel: "trades",
        data: [{ coin: "BTC", side: "B", px: "105000.0", sz: "0.01", time: t, tid }],
      });
    const T = Date.now();
    for (const f of [
      book(T),
      trade(900001, T + 100),
      book(T + 3_600_000), // the glitch
      trade(900002, T + 200), // judged against the glitched book: dropped
      book(T + 500),
      trade(900003, T + 600),
      book(T + 1000),
      trade(900004, T + 1100),
      trade(900005, T - 60_000), // a genuinely stale print: still dropped
      trade(900006, T + 1200),
    ])
      server.broadcastRaw(f);
    const ids = () => c.events.flatMap((e) => (e.type === "trade" ? [e.trade.id] : []));
    await waitFor(() => ids().includes("900006"), 2000, "the last print");
    // Before the fix the filter kept the maximum book time: 900003, 900004, 900006 were lost too.
    expect(ids().filter((id) => id!.startsWith("9000"))).toEqual(["900001", "900003", "900004", "900006"]);
    expect((feed.stats().extra["staleTradesDropped"] ?? 0) - droppedBefore).toBe(2);
    expect(logger.warnings.some((w) => w.startsWith("stale trades dropped"))).toBe(true);
  });

  it("the recent-trades snapshot sent before the first book of the connection is held and dropped, not delivered", async () => {
    // QA defect 9: before any book the stale-trade reference was −∞, so the subscription's
    // recent-trades snapshot (prints up to 49 s older than the book) reached the consumer.
    const c = await subscribedWithoutData();
    // The recorded subscription snapshot: 30 prints, 3.5 s to 49 s older than the first recorded book.
    const recentTrades = firstRecorded("trades");
    const tids = new Set(
      (JSON.parse(recentTrades) as { data: { tid: number }[] }).data.map((t) => String(t.tid)),
    );
    server.last.ws.send(recentTrades);
    await waitFor(() => feed.stats().messages >= 1, 5000, "the trades frame received");
    server.last.sendData = true;
    await waitFor(() => c.events.filter((e) => e.type === "snapshot").length >= 3, 5000, "3 snapshots");
    const firstBook = c.events.findIndex((e) => e.type === "snapshot");
    expect(c.events.slice(0, firstBook).some((e) => e.type === "trade")).toBe(false);
    expect(c.events.filter((e) => e.type === "trade" && tids.has(e.trade.id!))).toHaveLength(0);
    expect(feed.stats().extra["staleTradesDropped"]).toBeGreaterThanOrEqual(tids.size);
  });

  it("a current print sent before the connection's first book is held and delivered right after that book", async () => {
    const c = await subscribedWithoutData();
    const firstBook = firstRecorded("l2Book");
    const bookTime = (JSON.parse(firstBook) as { data: { time: number } }).data.time;
    // 100 ms before the book: current (within maxLagMs 2 s of it).
    server.last.ws.send(
      JSON.stringify({
        channel: "trades",
        data: [{ coin: "BTC", side: "A", px: "105055.0", sz: "0.02", time: bookTime - 100, tid: 900100 }],
      }),
    );
    await waitFor(() => feed.stats().messages >= 1, 5000, "the trades frame received");
    server.last.sendData = true;
    await waitFor(
      () => c.events.some((e) => e.type === "trade" && e.trade.id === "900100"),
      5000,
      "the held print",
    );
    const at = c.events.findIndex((e) => e.type === "trade" && e.trade.id === "900100");
    expect(c.events.findIndex((e) => e.type === "snapshot")).toBeLessThan(at);
    expect(c.events[at]).toMatchObject({ trade: { price: 105055, size: 0.02, aggressor: "sell" } });
  });

  it("another coin's frames on the connection are ignored, never delivered", async () => {
    const c = makeFeed();
    await waitFor(() => c.events.some((e) => e.type === "snapshot"), 3000, "first snapshot");
    for (const conn of server.openConns()) conn.sendData = false;
    await new Promise((r) => setTimeout(r, 100)); // let the recorded frames in flight arrive
    const T = Date.now();
    const trade = (coin: string, tid: number, t: number) =>
      JSON.stringify({
        channel: "trades",
        data: [{ coin, side: "B", px: "3300.0", sz: "1.0", time: t, tid }],
      });
    const f = JSON.parse(server.last.booksSent[0]!) as { data: { time: number } };
    f.data.time = T;
    const ignoredBefore = feed.stats().ignoredMessages;
    for (const frame of [JSON.stringify(f), trade("ETH", 900200, T + 100), trade("BTC", 900201, T + 200)])
      server.broadcastRaw(frame);
    const ids = () => c.events.flatMap((e) => (e.type === "trade" ? [e.trade.id] : []));
    await waitFor(() => ids().includes("900201"), 2000, "the BTC print after it");
    expect(ids()).not.toContain("900200");
    expect(feed.stats().ignoredMessages - ignoredBefore).toBe(1);
  });

  it("prints merged into the one before are counted (the recorded sweep frame: 3)", async () => {
    const c = makeFeed();
    await waitFor(() => c.events.some((e) => e.type === "snapshot"), 3000, "first snapshot");
    for (const conn of server.openConns()) conn.sendData = false;
    await new Promise((r) => setTimeout(r, 100)); // let the recorded frames in flight arrive
    const before = feed.stats().extra["mergedPrints"] ?? 0;
    const sweep = captureFrames("hyperliquid-btc-20250126.gz").find((f) => f.includes("0xfc4282b8d9720fd2"))!;
    const messages = feed.stats().messages;
    server.broadcastRaw(sweep);
    await waitFor(() => feed.stats().messages > messages, 2000, "the sweep frame");
    expect((feed.stats().extra["mergedPrints"] ?? 0) - before).toBe(3);
  });

  it("a current print sent twice (re-sent after a resubscribe) is delivered once and counted", async () => {
    const c = makeFeed();
    await waitFor(() => c.events.some((e) => e.type === "snapshot"), 3000, "first snapshot");
    for (const conn of server.openConns()) conn.sendData = false;
    await new Promise((r) => setTimeout(r, 100)); // let the recorded frames in flight arrive
    const T = Date.now();
    const f = JSON.parse(server.last.booksSent[0]!) as { data: { time: number } };
    f.data.time = T;
    const trade = (tid: number) =>
      JSON.stringify({
        channel: "trades",
        data: [{ coin: "BTC", side: "B", px: "105000.0", sz: "0.01", time: T + 100, tid }],
      });
    const dupBefore = feed.stats().extra["duplicateTrades"] ?? 0;
    for (const frame of [JSON.stringify(f), trade(900400), trade(900400), trade(900401)])
      server.broadcastRaw(frame);
    const ids = () => c.events.flatMap((e) => (e.type === "trade" ? [e.trade.id] : []));
    await waitFor(() => ids().includes("900401"), 2000, "the print after them");
    expect(ids().filter((id) => id === "900400")).toHaveLength(1);
    expect((feed.stats().extra["duplicateTrades"] ?? 0) - dupBefore).toBe(1);
  });
});
