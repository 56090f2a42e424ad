import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { waitFor } from "./fixtures.js";
import { feed, makeFeed, server, useFakeHyperliquid } from "./hl-feed-harness.js";

useFakeHyperliquid();

describe("HyperliquidFeed against a local venue replaying real frames", () => {
  it("stall with the socket open: emits stale, then resynced when data resumes (no reconnect)", async () => {
    const c = makeFeed();
    await waitFor(() => c.events.some((e) => e.type === "snapshot"), 3000, "first snapshot");
    server.last.sendData = false;
    const t0 = Date.now();
    await waitFor(() => c.health("stale").length === 1, 2000, "stale");
    // k × cadence = 5 × 20 ms = 100 ms, checked every 25 ms.
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(server.last.ws.readyState).toBe(server.last.ws.OPEN);
    const staleIdx = c.indexOfHealth("stale");
    server.last.sendData = true;
    await waitFor(() => c.indexOfHealth("resynced", staleIdx) >= 0, 2000, "resynced after stall");
    expect(c.events[c.indexOfHealth("resynced", staleIdx) + 1]!.type).toBe("snapshot");
    expect(feed.stats().reconnects).toBe(0);
    expect(feed.stats().staleEvents).toBe(1);
  });

  it("a stall ended by a bbo frame before the next l2Book: stale, then resynced right before that snapshot", async () => {
    // QA defect 6: the bbo frame consumed the watchdog's "stale ended" signal, and `resynced` was only
    // emitted for l2Book frames, so the feed stayed `stale` for good.
    server.bbo = true;
    const c = makeFeed();
    await waitFor(() => c.events.some((e) => e.type === "snapshot"), 3000, "first snapshot");
    server.last.sendData = false;
    await waitFor(() => c.health("stale").length === 1, 5000, "stale");
    const stale = c.indexOfHealth("stale");
    server.last.sendData = true; // every tick sends the bbo frame first, then the l2Book
    await waitFor(() => c.indexOfHealth("resynced", stale) >= 0, 5000, "resynced after the stall");
    const r = c.indexOfHealth("resynced", stale);
    expect(c.events.slice(stale, r).some((e) => e.type === "bbo")).toBe(true);
    expect(c.events[r + 1]!.type).toBe("snapshot");
    expect(feed.stats().reconnects).toBe(0);
  });

  it("bbo without l2Book: a stall emits stale, then resynced when bbo frames resume", async () => {
    server.bbo = true;
    const c = makeFeed({ l2Book: false });
    await waitFor(() => c.events.some((e) => e.type === "bbo"), 5000, "first bbo");
    server.last.sendData = false;
    await waitFor(() => c.health("stale").length === 1, 5000, "stale");
    const stale = c.indexOfHealth("stale");
    server.last.sendData = true;
    await waitFor(() => c.indexOfHealth("resynced", stale) >= 0, 5000, "resynced after the stall");
    expect(c.events[c.indexOfHealth("resynced", stale) + 1]!.type).toBe("bbo");
  });

  it("the l2Book stream stops while bbo keeps flowing: stale, then a reconnect that resyncs the book", async () => {
    // QA defect 7: bbo frames fed the one watchdog, so a dead l2Book stream went unnoticed (frozen book).
    server.bbo = true;
    const c = makeFeed({ staleReconnectAfterMs: 300 });
    await waitFor(() => c.events.some((e) => e.type === "snapshot"), 3000, "first snapshot");
    server.last.sendBooks = false;
    const cut = c.events.length;
    await waitFor(() => c.indexOfHealth("stale", cut) >= 0, 5000, "stale");
    expect((c.events[c.indexOfHealth("stale", cut)] as MarketEvent & { type: "health" }).reason).toContain(
      "l2Book",
    );
    await waitFor(() => server.conns.length >= 2, 5000, "reconnect after staleReconnectAfterMs");
    const disc = c.indexOfHealth("disconnected", cut);
    await waitFor(() => c.indexOfHealth("resynced", disc) >= 0, 5000, "resynced on the new connection");
    expect(c.events[c.indexOfHealth("resynced", disc) + 1]!.type).toBe("snapshot");
  });

  it("a rejected l2Book subscription shows as a stalled book (stale, reconnect) although bbo flows", async () => {
    server.bbo = true;
    server.rejectL2Book = true;
    const c = makeFeed({ staleReconnectAfterMs: 300 });
    await waitFor(() => c.events.some((e) => e.type === "bbo"), 5000, "first bbo");
    await waitFor(() => c.health("stale").length >= 1, 5000, "stale");
    await waitFor(() => server.conns.length >= 2, 5000, "reconnect after staleReconnectAfterMs");
    expect(feed.stats().extra["venueErrors"]).toBeGreaterThanOrEqual(1);
    expect(c.events.some((e) => e.type === "snapshot")).toBe(false);
  });

  it("the stale event is stamped at the newest exchange time seen, not at an older print that came last", async () => {
    const c = makeFeed();
    await waitFor(() => c.events.some((e) => e.type === "snapshot"), 3000, "first snapshot");
    for (const conn of server.openConns()) conn.sendData = false;
    await new Promise((r) => setTimeout(r, 50)); // let the recorded frames in flight arrive
    const T = Date.now() + 10_000; // newer than every time seen so far (local stamps included)
    const book = JSON.parse(server.last.booksSent[0]!) as { data: { time: number } };
    book.data.time = T;
    const from = c.events.length;
    server.broadcastRaw(JSON.stringify(book));
    // a print 1 s older than that book: current (within maxLagMs 2 s), delivered, and last
    server.broadcastRaw(
      JSON.stringify({
        channel: "trades",
        data: [{ coin: "BTC", side: "B", px: "105000.0", sz: "0.01", time: T - 1000, tid: 900300 }],
      }),
    );
    await waitFor(() => c.indexOfHealth("stale", from) >= 0, 3000, "stale");
    expect(c.events.some((e) => e.type === "trade" && e.trade.id === "900300")).toBe(true);
    expect(c.events[c.indexOfHealth("stale", from)]!.exchangeTsMs).toBe(T);
  });
});
