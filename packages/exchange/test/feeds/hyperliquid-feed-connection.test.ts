import { type AddressInfo, createServer } from "node:net";
import { L2Book, type PriceLevel } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { captureFrames, waitFor } from "./fixtures.js";
import { type Consumer, feed, logger, makeFeed, server, useFakeHyperliquid } from "./hl-feed-harness.js";
import type { FakeHyperliquid } from "./hl-server.js";

useFakeHyperliquid();

/** Levels of a raw l2Book frame, parsed independently of the adapter. */
function frameLevels(frame: string): { bids: PriceLevel[]; asks: PriceLevel[] } {
  const d = JSON.parse(frame).data as { levels: { px: string; sz: string; n: number }[][] };
  const conv = (ls: { px: string; sz: string; n: number }[]): PriceLevel[] =>
    ls.map((l) => ({ price: Number.parseFloat(l.px), size: Number.parseFloat(l.sz), count: l.n }));
  return { bids: conv(d.levels[0]!), asks: conv(d.levels[1]!) };
}

/** After a reconnect: the book must equal the first snapshot of the new connection exactly. */
async function expectBookReplacedAfterReconnect(c: Consumer, disconnectAt: number): Promise<void> {
  const conn = server.conns[server.conns.length - 1]!;
  await waitFor(() => c.indexOfHealth("resynced", disconnectAt) >= 0, 3000, "resynced");
  const rIdx = c.indexOfHealth("resynced", disconnectAt);
  await waitFor(() => c.events.length > rIdx + 1, 3000, "snapshot after resynced");
  const next = c.events[rIdx + 1]!;
  expect(next.type).toBe("snapshot");
  // Independent truth: the first l2Book frame the venue sent on the new connection.
  const expected = frameLevels(conn.booksSent[0]!);
  expect(next.type === "snapshot" && { bids: next.bids, asks: next.asks }).toEqual(expected);
  // Let the consumer apply exactly that event, then compare the whole book.
  const replay = new L2Book();
  replay.applySnapshot(expected.bids, expected.asks);
  const snapAt = rIdx + 1;
  const probe = new L2Book();
  for (let i = 0; i <= snapAt; i++) {
    const e = c.events[i]!;
    if (e.type === "snapshot") probe.applySnapshot(e.bids, e.asks);
  }
  expect(probe.snapshot().bids).toEqual(replay.snapshot().bids);
  expect(probe.snapshot().asks).toEqual(replay.snapshot().asks);
  expect(probe.sizeAt("bid", 90_000)).toBe(0); // the ghost level is gone
}

async function injectGhostAndDisconnect(c: Consumer, how: (ws: FakeHyperliquid) => void): Promise<number> {
  await waitFor(() => c.events.some((e) => e.type === "snapshot"), 3000, "first snapshot");
  // A snapshot with a far "ghost" bid level; after reconnect it must not survive.
  const frame = JSON.parse(server.last.booksSent[0]!) as {
    data: { levels: { px: string; sz: string; n: number }[][] };
  };
  frame.data.levels[0]!.push({ px: "90000.0", sz: "1.0", n: 1 });
  for (const conn of server.openConns()) conn.sendData = false;
  server.broadcastRaw(JSON.stringify(frame));
  await waitFor(() => c.book.sizeAt("bid", 90_000) === 1, 2000, "ghost level applied");
  const at = c.events.length;
  how(server);
  return at;
}

describe("HyperliquidFeed against a local venue replaying real frames", () => {
  it("subscribes l2Book/bbo/trades and yields the recorded snapshots and trades", async () => {
    const c = makeFeed({ l2Book: { nSigFigs: 5 } });
    await waitFor(() => c.events.filter((e) => e.type === "snapshot").length >= 3, 5000, "3 snapshots");
    expect(server.last.subscriptions).toEqual([
      { type: "l2Book", coin: "BTC", nSigFigs: 5 },
      { type: "bbo", coin: "BTC" },
      { type: "trades", coin: "BTC" },
    ]);
    expect(c.health("connected")).toHaveLength(1);
    const lastSnap = [...c.events].reverse().find((e) => e.type === "snapshot")!;
    expect(lastSnap.type === "snapshot" && lastSnap.bids).toHaveLength(20);
    await waitFor(() => c.events.some((e) => e.type === "trade"), 3000, "a trade");
    const tr = c.events.find((e) => e.type === "trade")!;
    // The venue loops the recording, so the first trade seen depends on when we joined: it must be
    // one of the recorded prints, normalized (side "B" → aggressor buy, "A" → sell; px/sz numbers).
    const recorded = captureFrames("hyperliquid-btc-20250126.gz")
      .filter((f) => f.startsWith('{"channel":"trades"'))
      .flatMap((f) => (JSON.parse(f) as { data: { side: string; px: string; sz: string }[] }).data)
      .map((t) => ({ aggressor: t.side === "B" ? "buy" : "sell", price: Number(t.px), size: Number(t.sz) }));
    expect(tr.type === "trade" && recorded).toContainEqual(
      tr.type === "trade"
        ? { aggressor: tr.trade.aggressor, price: tr.trade.price, size: tr.trade.size }
        : null,
    );
    expect(c.book.isCrossed()).toBe(false);
  });

  it("an unreachable venue: every failed connect attempt is counted (failedConnects), reconnects stays 0", async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r())); // nothing listens there now
    const c = makeFeed({ url: `ws://127.0.0.1:${port}` });
    await waitFor(() => (feed.stats().extra["failedConnects"] ?? 0) >= 3, 5000, "3 failed connects");
    expect(feed.stats().reconnects).toBe(0);
    expect(c.health("connected")).toHaveLength(0);
  });

  it("close code 1000: reconnects, resubscribes, replaces the book from the next snapshot", async () => {
    const c = makeFeed();
    const at = await injectGhostAndDisconnect(c, (s) => s.last.ws.close(1000, "bye"));
    await waitFor(
      () => server.conns.length === 2 && server.last.subscriptions.length === 3,
      3000,
      "resubscribe",
    );
    await expectBookReplacedAfterReconnect(c, at);
    expect(c.health("disconnected")[0]!.reason).toContain("code=1000");
    expect(feed.stats().reconnects).toBe(1);
    expect(feed.stats().resyncs).toBe(1);
  });

  it("abrupt termination (1006): reconnects, resubscribes, replaces the book", async () => {
    const c = makeFeed();
    const at = await injectGhostAndDisconnect(c, (s) => s.last.ws.terminate());
    await waitFor(
      () => server.conns.length === 2 && server.last.subscriptions.length === 3,
      3000,
      "resubscribe",
    );
    await expectBookReplacedAfterReconnect(c, at);
    expect(c.health("disconnected")[0]!.reason).toContain("code=1006");
  });

  it("half-open (pings unanswered, nothing flows): pong timeout → reconnect within bounded time", async () => {
    const c = makeFeed();
    const at = await injectGhostAndDisconnect(c, (s) => {
      s.last.answerPings = false;
    });
    const t0 = Date.now();
    await waitFor(() => server.conns.length === 2, 2000, "reconnect after pong timeout");
    // ping period 40 ms + pong timeout 100 ms + backoff ≤ 20 ms, plus scheduling slack.
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(logger.warnings.some((w) => w.includes("pong timeout"))).toBe(true);
    expect(server.conns[0]!.pingsReceived).toBeGreaterThan(0);
    await expectBookReplacedAfterReconnect(c, at);
  });

  it("prolonged stall: reconnects after staleReconnectAfterMs and resyncs", async () => {
    const c = makeFeed({ staleReconnectAfterMs: 250 });
    const at = await injectGhostAndDisconnect(c, () => {});
    await waitFor(() => server.conns.length === 2, 2000, "reconnect after stall");
    expect(c.health("stale").length).toBeGreaterThanOrEqual(1);
    await expectBookReplacedAfterReconnect(c, at);
  });

  it("a pong slower than the ping period (but within the timeout) keeps the socket: one ping outstanding at a time", async () => {
    // Pings every 40 ms, pong timeout 300 ms; the venue answers only every 120 ms.
    const c = makeFeed({ pongTimeoutMs: 300 });
    await waitFor(() => c.events.some((e) => e.type === "snapshot"), 3000, "first snapshot");
    server.last.answerPings = false;
    const pong = setInterval(() => server.broadcastRaw('{"channel":"pong"}'), 120);
    await new Promise((r) => setTimeout(r, 1500));
    clearInterval(pong);
    expect(server.conns).toHaveLength(1);
    expect(feed.stats().reconnects).toBe(0);
    expect(logger.warnings.some((w) => w.includes("pong timeout"))).toBe(false);
  });
});
