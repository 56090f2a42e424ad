import { type AddressInfo, createServer } from "node:net";
import { L2Book, type MarketEvent, type PriceLevel } from "@mmkit/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HyperliquidFeed, type HyperliquidFeedOptions } from "../../src/feeds/hyperliquid-feed.js";
import type { FeedLogger } from "../../src/feeds/types.js";
import { captureFrames, waitFor } from "./fixtures.js";
import { FakeHyperliquid } from "./hl-server.js";

/** Applies every event to an L2Book, as a real consumer would, and keeps the history. */
class Consumer {
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

/** Levels of a raw l2Book frame, parsed independently of the adapter. */
function frameLevels(frame: string): { bids: PriceLevel[]; asks: PriceLevel[] } {
  const d = JSON.parse(frame).data as { levels: { px: string; sz: string; n: number }[][] };
  const conv = (ls: { px: string; sz: string; n: number }[]): PriceLevel[] =>
    ls.map((l) => ({ price: Number.parseFloat(l.px), size: Number.parseFloat(l.sz), count: l.n }));
  return { bids: conv(d.levels[0]!), asks: conv(d.levels[1]!) };
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

let server: FakeHyperliquid;
let feed: HyperliquidFeed;
let logger: MemoryLogger;

beforeEach(async () => {
  server = await FakeHyperliquid.start(20);
  logger = new MemoryLogger();
});

afterEach(async () => {
  await feed?.close();
  await server.stop();
});

function makeFeed(extra: Partial<HyperliquidFeedOptions> = {}): Consumer {
  feed = new HyperliquidFeed({ coin: "BTC", url: server.url, logger, ...FAST, ...extra });
  return new Consumer(feed);
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

  it("prolonged stall: reconnects after staleReconnectAfterMs and resyncs", async () => {
    const c = makeFeed({ staleReconnectAfterMs: 250 });
    const at = await injectGhostAndDisconnect(c, () => {});
    await waitFor(() => server.conns.length === 2, 2000, "reconnect after stall");
    expect(c.health("stale").length).toBeGreaterThanOrEqual(1);
    await expectBookReplacedAfterReconnect(c, at);
  });

  it("malformed JSON and schema-invalid messages are counted and logged, never fatal", async () => {
    const c = makeFeed();
    await waitFor(() => c.events.some((e) => e.type === "snapshot"), 3000, "first snapshot");
    const bad = JSON.parse(server.last.booksSent[0]!) as { data: { levels: { px: string }[][] } };
    bad.data.levels[0]![0]!.px = "not-a-price";
    server.broadcastRaw("{this is not json");
    server.broadcastRaw(JSON.stringify(bad));
    server.broadcastRaw(
      JSON.stringify({ channel: "trades", data: [{ coin: "BTC", side: "X", px: "1", sz: "1", time: 1 }] }),
    );
    server.broadcastRaw(JSON.stringify({ nochannel: true }));
    const before = c.events.filter((e) => e.type === "snapshot").length;
    await waitFor(() => feed.stats().invalidMessages === 4, 2000, "4 invalid counted");
    await waitFor(
      () => c.events.filter((e) => e.type === "snapshot").length > before + 2,
      2000,
      "stream continues",
    );
    // Rate-limited: the first is logged with its reason, the other three only counted…
    expect(logger.warnings.filter((w) => w.startsWith("invalid message dropped"))).toHaveLength(1);
    expect(logger.warnings.find((w) => w.startsWith("invalid message dropped"))).toContain("malformed JSON");
    expect(c.book.isCrossed()).toBe(false);
    expect(
      c.events.every((e) => e.type !== "snapshot" || e.bids.every((l) => Number.isFinite(l.price))),
    ).toBe(true);
    expect(feed.stats().reconnects).toBe(0);
    // …and summarized on close.
    await feed.close();
    const summary = logger.warnings.filter((w) =>
      w.startsWith("invalid messages dropped (not logged one by one)"),
    );
    expect(summary).toHaveLength(1);
    expect(summary[0]).toContain('"suppressed":3');
    expect(summary[0]).toContain('"total":4');
  });

  it("a venue sending garbage continuously: every frame counted, one warning per 30 s with the suppressed count", async () => {
    let skewMs = 0; // the feed's clock; jumping it stands in for 30 s passing
    const c = makeFeed({ nowMs: () => Date.now() + skewMs });
    await waitFor(() => c.events.some((e) => e.type === "snapshot"), 3000, "first snapshot");
    for (let i = 0; i < 50; i++) server.broadcastRaw(`{garbage ${i}`);
    await waitFor(() => feed.stats().invalidMessages === 50, 2000, "50 invalid counted");
    const invalidWarnings = () => logger.warnings.filter((w) => w.startsWith("invalid message dropped"));
    expect(invalidWarnings()).toHaveLength(1);
    expect(invalidWarnings()[0]).toContain("garbage 0");
    skewMs = 29_000;
    server.broadcastRaw("{garbage 50");
    await waitFor(() => feed.stats().invalidMessages === 51, 2000, "51 invalid counted");
    expect(invalidWarnings()).toHaveLength(1);
    skewMs = 31_000;
    server.broadcastRaw("{garbage 51");
    await waitFor(() => feed.stats().invalidMessages === 52, 2000, "52 invalid counted");
    expect(invalidWarnings()).toHaveLength(2);
    expect(invalidWarnings()[1]).toContain("garbage 51");
    expect(invalidWarnings()[1]).toContain('"suppressed":50');
    expect(invalidWarnings()[1]).toContain('"total":52');
  });

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

  it("venue error frames are counted as venueErrors and logged as `venue error: <data>`, rate-limited", async () => {
    let skewMs = 0;
    const c = makeFeed({ nowMs: () => Date.now() + skewMs });
    await waitFor(() => c.events.some((e) => e.type === "snapshot"), 3000, "first snapshot");
    const ignoredBefore = feed.stats().ignoredMessages;
    const err = 'Invalid subscription {"type":"l2Book","coin":"NOPE"}';
    for (let i = 0; i < 5; i++) server.broadcastRaw(JSON.stringify({ channel: "error", data: err }));
    await waitFor(() => feed.stats().extra["venueErrors"] === 5, 2000, "5 venue errors counted");
    expect(feed.stats().ignoredMessages).toBe(ignoredBefore);
    const venueWarnings = () => logger.warnings.filter((w) => w.startsWith("venue error: "));
    expect(venueWarnings()).toEqual([`venue error: ${err} {"feed":"hyperliquid:BTC"}`]);
    skewMs = 31_000;
    server.broadcastRaw(JSON.stringify({ channel: "error", data: "Websocket rate limited" }));
    await waitFor(() => feed.stats().extra["venueErrors"] === 6, 2000, "6 venue errors counted");
    expect(venueWarnings()).toHaveLength(2);
    expect(venueWarnings()[1]).toContain("venue error: Websocket rate limited");
    expect(venueWarnings()[1]).toContain('"suppressed":4');
    // Invalid frames have their own limiter: not silenced by the venue errors.
    server.broadcastRaw("{bad");
    await waitFor(() => feed.stats().invalidMessages === 1, 2000, "invalid counted");
    expect(logger.warnings.filter((w) => w.startsWith("invalid message dropped"))).toHaveLength(1);
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

  it("the recent-trades snapshot sent before the first book of the connection is held and dropped, not delivered", async () => {
    // QA defect 9: before any book the stale-trade reference was −∞, so the subscription's
    // recent-trades snapshot (prints up to 49 s older than the book) reached the consumer.
    server.dataFromStart = false;
    const c = makeFeed();
    await waitFor(
      () => server.conns.length === 1 && server.last.subscriptions.length === 3,
      3000,
      "subscribed",
    );
    // The recorded subscription snapshot: 30 prints, 3.5 s to 49 s older than the first recorded book.
    const recentTrades = captureFrames("hyperliquid-btc-20250126.gz").find((f) =>
      f.startsWith('{"channel":"trades"'),
    )!;
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
});
