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
});
