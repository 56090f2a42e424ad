import { L2Book, type MarketEvent } from "@mmkit/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BinanceFeed, type BinanceFeedOptions } from "../../src/feeds/binance-feed.js";
import { FakeBinance, HungRest } from "./binance-server.js";
import { waitFor } from "./fixtures.js";

class Consumer {
  readonly events: MarketEvent[] = [];
  readonly book = new L2Book();
  readonly done: Promise<void>;
  constructor(feed: BinanceFeed) {
    this.done = (async () => {
      for await (const e of feed) {
        this.events.push(e);
        if (e.type === "snapshot") this.book.applySnapshot(e.bids, e.asks);
        else if (e.type === "delta") this.book.applyDelta(e.bids, e.asks);
      }
    })();
  }
  indexOfHealth(status: string, from = 0): number {
    return this.events.findIndex((e, i) => i >= from && e.type === "health" && e.status === status);
  }
  count(type: MarketEvent["type"]): number {
    return this.events.filter((e) => e.type === type).length;
  }
}

let server: FakeBinance;
let feed: BinanceFeed;

beforeEach(async () => {
  server = await FakeBinance.start(30);
});
afterEach(async () => {
  await feed?.close();
  await server.stop();
});

function makeFeed(extra: Partial<BinanceFeedOptions> = {}): Consumer {
  feed = new BinanceFeed({
    symbol: "BTCUSDT",
    baseUrl: server.wsBase,
    restBaseUrl: server.restBase,
    depth: "0ms",
    pingIntervalMs: 50,
    pongTimeoutMs: 800,
    staleAfterMs: 500,
    staleReconnectAfterMs: 0,
    connectTimeoutMs: 500,
    backoff: { initialMs: 20, maxMs: 200, factor: 2, jitterFrac: 0.5 },
    ...extra,
  });
  return new Consumer(feed);
}

/** The venue's book (strings → numbers), every level, best first. */
function venueBook(): { bids: [number, number][]; asks: [number, number][] } {
  const s = server.snapshot();
  return {
    bids: s.bids.map(([p, q]) => [Number(p), Number(q)]),
    asks: s.asks.map(([p, q]) => [Number(p), Number(q)]),
  };
}

function clientBook(c: Consumer): { bids: [number, number][]; asks: [number, number][] } {
  const s = c.book.snapshot();
  return { bids: s.bids.map((l) => [l.price, l.size]), asks: s.asks.map((l) => [l.price, l.size]) };
}

async function drain(c: Consumer): Promise<void> {
  await waitFor(() => server.finished, 5000, "all frames sent");
  let n = -1;
  await waitFor(
    () => {
      const same = n === c.events.length;
      n = c.events.length;
      return same;
    },
    3000,
    "consumer idle",
  );
}

describe("BinanceFeed against a local venue replaying real frames", () => {
  it("subscribes the combined streams, syncs depth from the REST snapshot and tracks the venue book exactly", async () => {
    const c = makeFeed();
    await drain(c);
    expect(server.conns[0]!.url).toBe(
      "/stream?streams=btcusdt@bookTicker/btcusdt@aggTrade/btcusdt@depth@0ms",
    );
    const r = c.indexOfHealth("resynced");
    expect(r).toBeGreaterThan(0);
    expect(c.events[r + 1]!.type).toBe("snapshot");
    expect(clientBook(c)).toEqual(venueBook());
    expect(c.book.isCrossed()).toBe(false);
    const st = feed.stats();
    expect(st.gaps).toBe(0);
    expect(st.invalidMessages).toBe(0);
    expect(st.events.bbo).toBe(server.frames.filter((f) => f.includes('"bookTicker"')).length);
    // m:false = buyer is taker → aggressor buy (first recorded trade: m false at 61800.30).
    const firstTrade = c.events.find((e) => e.type === "trade")!;
    expect(firstTrade.type === "trade" && firstTrade.trade).toMatchObject({
      aggressor: "buy",
      price: 61800.3,
      size: 0.006,
    });
  });

  it("depth gap (a dropped update): detects pu ≠ previous u, emits stale, refetches the snapshot, resyncs exactly", async () => {
    // Drop a depth update well after the initial sync.
    const gapAt = server.depthFrameIndex(300);
    server.skip.add(gapAt);
    const c = makeFeed();
    await drain(c);
    const st = feed.stats();
    expect(st.gaps).toBe(1);
    expect(st.resyncs).toBe(2);
    expect(server.snapshotRequests).toBeGreaterThanOrEqual(2);
    const stale = c.events.findIndex(
      (e) => e.type === "health" && e.status === "stale" && e.reason.includes("depth gap"),
    );
    expect(stale).toBeGreaterThan(0);
    const r = c.indexOfHealth("resynced", stale);
    expect(r).toBeGreaterThan(stale);
    // The snapshot after the resync equals exactly the one the venue served.
    const snap = c.events[r + 1]!;
    const served = server.lastServed!;
    expect(snap.type === "snapshot" && snap.bids.map((l) => [l.price, l.size])).toEqual(
      served.bids.map(([p, q]) => [Number(p), Number(q)]),
    );
    expect(clientBook(c)).toEqual(venueBook());
  });

  it("abrupt termination (1006): reconnects, resyncs from a new snapshot, ends equal to the venue book", async () => {
    const c = makeFeed();
    await waitFor(
      () => c.indexOfHealth("resynced") >= 0 && server.cursor > 200,
      5000,
      "synced and streaming",
    );
    server.conns[0]!.ws.terminate();
    await drain(c);
    // At least the one forced reconnect (a heavily loaded machine may add a keep-alive one).
    expect(server.conns.length).toBeGreaterThanOrEqual(2);
    const st = feed.stats();
    expect(st.reconnects).toBeGreaterThanOrEqual(1);
    // One resync per connection at least (a stall on a loaded machine may add a stale-triggered one).
    expect(st.resyncs).toBeGreaterThanOrEqual(st.reconnects + 1);
    const disc = c.indexOfHealth("disconnected");
    expect((c.events[disc] as MarketEvent & { type: "health" }).reason).toContain("code=1006");
    expect(c.indexOfHealth("resynced", disc)).toBeGreaterThan(disc);
    expect(clientBook(c)).toEqual(venueBook());
  });

  it("half-open (the venue stops answering pings): pong timeout → reconnect and resync", async () => {
    await server.stop();
    server = await FakeBinance.start(30, false);
    const warnings: string[] = [];
    const c = makeFeed({ logger: { warn: (_o, m) => warnings.push(m), info: () => {} } });
    const t0 = Date.now();
    await waitFor(() => server.conns.length >= 2, 2000, "reconnect after pong timeout");
    // ping period 50 ms + pong timeout 200 ms + backoff ≤ 20 ms, plus scheduling slack.
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(warnings).toContain("ws: pong timeout, socket presumed dead");
    await waitFor(() => feed.stats().resyncs >= 2, 3000, "resync on the new connection");
    expect(c.indexOfHealth("resynced", c.indexOfHealth("disconnected"))).toBeGreaterThan(0);
  });

  it("schema-invalid and malformed frames are counted, never fatal", async () => {
    const c = makeFeed();
    await waitFor(() => c.indexOfHealth("resynced") >= 0, 5000, "synced");
    server.broadcastRaw("not json at all");
    server.broadcastRaw(
      JSON.stringify({ stream: "btcusdt@bookTicker", data: { e: "bookTicker", u: 1, s: "BTCUSDT", b: "x" } }),
    );
    // prints at price 0 and of size 0 (real venues send them): invalid frames, never trade events
    for (const [p, q] of [
      ["0", "0.010"],
      ["61800.30", "0.000"],
    ])
      server.broadcastRaw(
        JSON.stringify({
          stream: "btcusdt@trade",
          data: { e: "trade", E: 1, T: 1, s: "BTCUSDT", t: 1, p, q, X: "MARKET", m: false },
        }),
      );
    await drain(c);
    expect(feed.stats().invalidMessages).toBe(4);
    expect(c.events.every((e) => e.type !== "trade" || (e.trade.price > 0 && e.trade.size > 0))).toBe(true);
    expect(clientBook(c)).toEqual(venueBook());
  });

  it("invalid frames are logged rate-limited: the first with its reason, the rest counted and summarized", async () => {
    const warnings: string[] = [];
    const logger = {
      warn: (o: Record<string, unknown>, m: string) => warnings.push(`${m} ${JSON.stringify(o)}`),
      info: () => {},
    };
    let skewMs = 0;
    const c = makeFeed({ logger, nowMs: () => Date.now() + skewMs });
    await waitFor(() => c.indexOfHealth("resynced") >= 0, 5000, "synced");
    for (let i = 0; i < 20; i++) server.broadcastRaw(`not json ${i}`);
    await waitFor(() => feed.stats().invalidMessages === 20, 2000, "20 invalid counted");
    const invalid = () => warnings.filter((w) => w.startsWith("invalid message dropped"));
    expect(invalid()).toHaveLength(1);
    expect(invalid()[0]).toContain("malformed JSON");
    skewMs = 31_000;
    server.broadcastRaw("not json 20");
    await waitFor(() => feed.stats().invalidMessages === 21, 2000, "21 invalid counted");
    expect(invalid()).toHaveLength(2);
    expect(invalid()[1]).toContain('"suppressed":19');
    server.broadcastRaw("not json 21");
    await waitFor(() => feed.stats().invalidMessages === 22, 2000, "22 invalid counted");
    await feed.close();
    expect(warnings.filter((w) => w.startsWith("invalid messages dropped (not logged one by one)"))).toEqual([
      'invalid messages dropped (not logged one by one) {"feed":"binance:BTCUSDT","suppressed":1,"total":22}',
    ]);
  });

  it("a reconnect while the depth snapshot is in flight: the new connection fetches its own snapshot and resyncs", async () => {
    // QA defect 1: the in-flight fetch of the dead connection blocked every new request, and its
    // result was discarded, so the book stayed unsynced for good (no second request, no resync).
    await server.stop();
    server = await FakeBinance.start(400);
    const c = makeFeed();
    await waitFor(() => server.snapshotRequests === 1, 5000, "the first snapshot request");
    server.conns[0]!.ws.terminate();
    await waitFor(() => server.conns.length >= 2, 5000, "reconnect");
    await waitFor(() => c.indexOfHealth("resynced", c.indexOfHealth("disconnected")) >= 0, 10_000, "resync");
    expect(server.snapshotRequests).toBeGreaterThanOrEqual(2);
    await drain(c);
    expect(clientBook(c)).toEqual(venueBook());
  });

  it("a failed snapshot's pending retry does not block the next connection's snapshot", async () => {
    // Two snapshot requests fail (HTTP 503); the second retry waits 1 s. A reconnect meanwhile must
    // fetch at once: the retry belonged to the dead connection (its result was discarded).
    server.failSnapshots = 2;
    const c = makeFeed({ backoff: { initialMs: 50, maxMs: 5000, factor: 20, jitterFrac: 0 } });
    await waitFor(() => (feed.stats().extra["snapshotErrors"] ?? 0) >= 2, 5000, "two failed snapshots");
    server.conns[0]!.ws.terminate();
    await waitFor(() => c.indexOfHealth("resynced") >= 0, 10_000, "resync on the new connection");
    expect(c.indexOfHealth("resynced")).toBeGreaterThan(c.indexOfHealth("disconnected"));
  });

  it("the REST depth snapshot times out (snapshotTimeoutMs), is logged and retried", async () => {
    // QA defect 2: a hung /fapi/v1/depth stalled depth sync for undici's 300 s header timeout.
    const rest = await HungRest.start();
    try {
      const warnings: string[] = [];
      const logger = {
        warn: (o: Record<string, unknown>, m: string) => warnings.push(`${m} ${JSON.stringify(o)}`),
        info: () => {},
      };
      makeFeed({ restBaseUrl: rest.url, snapshotTimeoutMs: 150, logger });
      await waitFor(() => rest.requests >= 2, 10_000, "a retried snapshot request");
      expect(warnings.find((w) => w.startsWith("depth snapshot failed"))).toContain("timed out after 150 ms");
      // The timed-out request was aborted: its connection is released.
      await waitFor(() => rest.clientGone >= 1, 5000, "the timed-out request's connection closed");
    } finally {
      await feed.close();
      await rest.stop();
    }
  });

  it("close() aborts an in-flight REST depth snapshot (nothing keeps the process alive)", async () => {
    const rest = await HungRest.start();
    try {
      makeFeed({ restBaseUrl: rest.url, snapshotTimeoutMs: 60_000 });
      await waitFor(() => rest.requests === 1, 5000, "the snapshot request");
      await feed.close();
      await waitFor(() => rest.clientGone === 1, 5000, "the request aborted by close()");
    } finally {
      await rest.stop();
    }
  });

  it("a stall with the socket open: stale, then resynced when updates resume", async () => {
    // QA defect 6: touch()'s "stale ended" was ignored, the feed reported `stale` for good.
    const c = makeFeed({ staleAfterMs: 150 });
    await waitFor(() => c.indexOfHealth("resynced") >= 0 && server.cursor > 100, 5000, "synced");
    server.streaming = false;
    await waitFor(() => c.indexOfHealth("stale") >= 0, 5000, "stale");
    const stale = c.indexOfHealth("stale");
    // Updates resume: a recorded bookTicker frame (the stream may have ended meanwhile on a slow machine).
    server.broadcastRaw(server.frames.find((f) => f.includes('"bookTicker"'))!);
    await waitFor(() => c.indexOfHealth("resynced", stale) >= 0, 5000, "resynced after the stall");
    expect(c.events.slice(stale).some((e) => e.type === "health" && e.status === "disconnected")).toBe(false);
  });

  it("a stall ended by a depth update alone (no bookTicker) is reported resumed", async () => {
    const c = makeFeed({ staleAfterMs: 150 });
    await waitFor(() => c.indexOfHealth("resynced") >= 0 && server.cursor > 100, 5000, "synced");
    server.streaming = false;
    await waitFor(() => c.indexOfHealth("stale") >= 0, 5000, "stale");
    const stale = c.indexOfHealth("stale");
    server.broadcastRaw(server.frames.find((f) => f.includes('"depthUpdate"'))!);
    const resumed = (): boolean =>
      c.events
        .slice(stale)
        .some((e) => e.type === "health" && e.reason === "book updates resumed after a stall");
    await waitFor(resumed, 5000, "resumed after the stall");
  });

  it("stream names: 250 ms depth is the venue's plain @depth stream, the others carry their speed", () => {
    const url = (depth: BinanceFeedOptions["depth"]): string =>
      new BinanceFeed({ symbol: "BTCUSDT", depth }).url();
    expect(url("250ms")).toBe(
      "wss://fstream.binance.com/stream?streams=btcusdt@bookTicker/btcusdt@aggTrade/btcusdt@depth",
    );
    expect(url("100ms")).toBe(
      "wss://fstream.binance.com/stream?streams=btcusdt@bookTicker/btcusdt@aggTrade/btcusdt@depth@100ms",
    );
    expect(url(false)).toBe("wss://fstream.binance.com/stream?streams=btcusdt@bookTicker/btcusdt@aggTrade");
  });

  it("health events are stamped at the newest exchange time seen, not at an older print that came last", async () => {
    // The local clock set to before the recording (2024-08-08), so the recorded times are the newest.
    const shift = Date.now() - 1_723_000_000_000;
    const c = makeFeed({ staleAfterMs: 150, nowMs: () => Date.now() - shift });
    await waitFor(() => c.indexOfHealth("resynced") >= 0 && server.cursor > 100, 5000, "synced");
    server.streaming = false;
    // A print stamped long ago (exchange time 1 ms) arrives last.
    server.broadcastRaw(
      JSON.stringify({
        stream: "btcusdt@aggTrade",
        data: { e: "aggTrade", E: 1, T: 1, s: "BTCUSDT", a: 1, p: "1.0", q: "1", m: false },
      }),
    );
    await waitFor(() => c.events.some((e) => e.type === "trade" && e.exchangeTsMs === 1), 5000, "old print");
    const old = c.events.findIndex((e) => e.type === "trade" && e.exchangeTsMs === 1);
    await waitFor(() => c.indexOfHealth("stale", old) >= 0, 5000, "stale");
    const newest = Math.max(...c.events.slice(0, old).map((e) => e.exchangeTsMs));
    expect(newest).toBeGreaterThan(1_723_161_256_000); // a recorded frame's time (2024-08-09)
    expect(c.events[c.indexOfHealth("stale", old)]!.exchangeTsMs).toBe(newest);
  });
});
