import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { CaptureImporter } from "./capture-import.js";
import { importAll } from "./capture-test-import.js";
import { RecentIds } from "./recent-ids.js";
import { emptyFeedStats } from "./types.js";

/** Exchange time of the first frame (ms); the collector's clock is 1.2 s behind it. */
const T0_MS = 1_723_161_256_000;
const LOCAL_BEHIND_MS = 1200;

/** `<local ns> <json>` with the local clock `LOCAL_BEHIND_MS` behind the exchange time `tsMs`. */
function line(tsMs: number, frame: object): string {
  return `${BigInt(tsMs - LOCAL_BEHIND_MS) * 1_000_000n} ${JSON.stringify(frame)}`;
}

function bookTicker(s: string, u: number, tsMs: number, bid: string, ask: string): string {
  const data = { e: "bookTicker", u, s, b: bid, B: "1.000", a: ask, A: "2.000", T: tsMs, E: tsMs };
  return line(tsMs, { stream: `${s.toLowerCase()}@bookTicker`, data });
}

function depth(s: string, U: number, u: number, pu: number, tsMs: number, bid: string, ask: string): string {
  const data = { e: "depthUpdate", E: tsMs, T: tsMs, s, U, u, pu, b: [[bid, "1.000"]], a: [[ask, "1.000"]] };
  return line(tsMs, { stream: `${s.toLowerCase()}@depth@0ms`, data });
}

/** A REST depth snapshot as recorders embed it: no symbol, one level a side here. */
function snapshot(lastUpdateId: number, tsMs: number, bid: string, ask: string): string {
  return line(tsMs, { lastUpdateId, E: tsMs, T: tsMs, bids: [[bid, "5.000"]], asks: [[ask, "5.000"]] });
}

function trade(s: string, t: number, tsMs: number, px: string): string {
  const data = { e: "trade", E: tsMs, T: tsMs, s, t, p: px, q: "0.010", X: "MARKET", m: false };
  return line(tsMs, { stream: `${s.toLowerCase()}@trade`, data });
}

function hlTrades(coin: string, trades: { tid: number; tsMs: number; px: string }[]): string {
  const data = trades.map((t) => ({
    coin,
    side: "B",
    px: t.px,
    sz: "0.01",
    time: t.tsMs,
    tid: t.tid,
    hash: "0x0",
  }));
  return line(trades[0]!.tsMs, { channel: "trades", data });
}

function tradeIds(events: MarketEvent[]): (string | undefined)[] {
  return events.flatMap((e) => (e.type === "trade" ? [e.trade.id] : []));
}

describe("which Binance market a capture is", () => {
  const market = (lines: string[]): "usdm" | "spot" | null => {
    const imp = new CaptureImporter(emptyFeedStats());
    for (const l of lines) imp.importLine(l);
    return imp.binanceMarket;
  };
  it("USD-M: bookTicker with exchange times, depth updates with pu; spot: neither; trades alone: unknown", () => {
    expect(market([bookTicker("BTCUSDT", 100, T0_MS, "61800.20", "61800.30")])).toBe("usdm");
    expect(market([depth("BTCUSDT", 101, 110, 100, T0_MS, "61800.00", "61801.00")])).toBe("usdm");
    const spotTicker = { u: 100, s: "BTCUSDT", b: "61800.20", B: "1.0", a: "61800.30", A: "2.0" };
    expect(market([line(T0_MS, { stream: "btcusdt@bookTicker", data: spotTicker })])).toBe("spot");
    const spotDepth = {
      e: "depthUpdate",
      E: T0_MS,
      s: "BTCUSDT",
      U: 101,
      u: 110,
      b: [["61800.00", "1"]],
      a: [],
    };
    expect(market([line(T0_MS, { stream: "btcusdt@depth@100ms", data: spotDepth })])).toBe("spot");
    expect(market([trade("BTCUSDT", 1, T0_MS, "61800.00")])).toBeNull();
  });
});

describe("spot bookTicker times (no exchange time in the frame)", () => {
  it("a late burst of old prints pulling the clock offset back does not put a bookTicker before the one ahead of it", () => {
    const localNs = (ms: number): string => `${BigInt(ms) * 1_000_000n}`;
    const spot = (u: number, localMs: number, bid: string) =>
      `${localNs(localMs)} ${JSON.stringify({ stream: "btcusdt@bookTicker", data: { u, s: "BTCUSDT", b: bid, B: "1", a: "61900.00", A: "1" } })}`;
    const print = (t: number, exchMs: number, localMs: number) =>
      `${localNs(localMs)} ${JSON.stringify({ stream: "btcusdt@trade", data: { e: "trade", E: exchMs, T: exchMs, s: "BTCUSDT", t, p: "61800.00", q: "0.01", m: false } })}`;
    const L0 = T0_MS - LOCAL_BEHIND_MS;
    const lines = [print(1, T0_MS, L0), spot(100, L0 + 10, "61800.00")];
    // ten prints from 3 s ago, delivered now: exchange − local falls from +1200 to about 0
    for (let i = 0; i < 10; i++) lines.push(print(2 + i, T0_MS - 1790, L0 + 11));
    lines.push(spot(101, L0 + 12, "61799.00"), spot(102, L0 + 400, "61798.00"));
    const bbo = importAll(lines).events.flatMap((e) => (e.type === "bbo" ? [e] : []));
    expect(bbo.map((e) => e.bbo.bidPrice)).toEqual([61800, 61799, 61798]);
    const times = bbo.map((e) => e.exchangeTsMs);
    expect(times[0]).toBe(T0_MS + 10);
    expect(times[1]).toBe(T0_MS + 10); // its estimate (~T0 − 1188) is before the frame ahead of it
    expect(times[2]).toBeGreaterThanOrEqual(times[1]!);
  });
});

describe("stale Binance frames in a capture", () => {
  it("a bookTicker with a lower update id than the last applied one is dropped and counted", () => {
    const { events, stats } = importAll([
      bookTicker("BTCUSDT", 100, T0_MS, "61800.20", "61800.30"),
      bookTicker("BTCUSDT", 105, T0_MS + 5, "61801.00", "61801.10"),
      bookTicker("BTCUSDT", 90, T0_MS + 6, "61750.00", "61750.10"), // re-sent from 2 min earlier
      bookTicker("BTCUSDT", 106, T0_MS + 7, "61801.10", "61801.20"),
    ]);
    const bids = events.flatMap((e) => (e.type === "bbo" ? [e.bbo.bidPrice] : []));
    expect(bids).toEqual([61800.2, 61801.0, 61801.1]);
    expect(stats.extra["staleBboDropped"]).toBe(1);
    expect(stats.ignoredMessages).toBe(1);
  });

  it("a depth update whose final id is at or below the last applied one is dropped and counted, not applied", () => {
    const { events, stats } = importAll([
      depth("BTCUSDT", 101, 110, 100, T0_MS, "61800.00", "61801.00"),
      depth("BTCUSDT", 111, 120, 110, T0_MS + 10, "61800.10", "61801.10"),
      depth("BTCUSDT", 101, 110, 100, T0_MS + 11, "61790.00", "61811.00"), // replayed older update
      depth("BTCUSDT", 111, 120, 110, T0_MS + 12, "61790.10", "61811.10"), // duplicate of the last one
      depth("BTCUSDT", 121, 130, 120, T0_MS + 20, "61800.20", "61801.20"),
    ]);
    const bids = events.flatMap((e) => (e.type === "delta" ? [e.bids[0]!.price] : []));
    expect(bids).toEqual([61800.0, 61800.1, 61800.2]);
    expect(stats.extra["staleDepthDropped"]).toBe(2);
    expect(stats.ignoredMessages).toBe(2);
    expect(stats.gaps).toBe(0); // stale, not missing: the chain 110 → 120 → 130 is whole
  });

  it("a genuinely missing depth range is still a gap, and the update is applied", () => {
    const { events, stats } = importAll([
      depth("BTCUSDT", 101, 110, 100, T0_MS, "61800.00", "61801.00"),
      depth("BTCUSDT", 131, 140, 130, T0_MS + 10, "61800.10", "61801.10"),
    ]);
    expect(events.filter((e) => e.type === "delta")).toHaveLength(2);
    expect(stats.gaps).toBe(1);
    expect(stats.extra["staleDepthDropped"]).toBeUndefined();
  });
});

describe("duplicate trades in a capture", () => {
  it("a Binance trade recorded twice (same symbol and id t) is emitted once and counted", () => {
    const { events, stats } = importAll([
      trade("BTCUSDT", 5266583935, T0_MS, "61800.30"),
      trade("BTCUSDT", 5266583935, T0_MS, "61800.30"), // second connection of the recorder
      trade("BTCUSDT", 5266583936, T0_MS + 1, "61800.40"),
      trade("BTCUSDT", 5266583936, T0_MS + 1, "61800.40"),
      trade("BTCUSDT", 5266583937, T0_MS + 2, "61800.30"),
    ]);
    expect(tradeIds(events)).toEqual(["5266583935", "5266583936", "5266583937"]);
    expect(stats.extra["duplicateTrades"]).toBe(2);
    expect(stats.ignoredMessages).toBe(2);
  });

  it("a Hyperliquid trade (same tid) in two frames is emitted once and counted", () => {
    const { events, stats } = importAll([
      hlTrades("BTC", [
        { tid: 11, tsMs: T0_MS, px: "105055.0" },
        { tid: 12, tsMs: T0_MS + 1, px: "105056.0" },
      ]),
      hlTrades("BTC", [
        { tid: 12, tsMs: T0_MS + 1, px: "105056.0" }, // overlap with the previous batch
        { tid: 13, tsMs: T0_MS + 2, px: "105057.0" },
      ]),
      hlTrades("BTC", [{ tid: 13, tsMs: T0_MS + 2, px: "105057.0" }]), // a whole frame again
    ]);
    expect(tradeIds(events)).toEqual(["11", "12", "13"]);
    expect(stats.extra["duplicateTrades"]).toBe(2);
    expect(stats.ignoredMessages).toBe(1);
  });

  it("a Hyperliquid error frame in a capture is counted as a venue error, not as ignored", () => {
    const { events, stats } = importAll([
      line(T0_MS, { channel: "error", data: "Websocket rate limited" }),
      line(T0_MS + 1, { channel: "subscriptionResponse", data: {} }),
    ]);
    expect(events).toEqual([]);
    expect(stats.extra["venueErrors"]).toBe(1);
    expect(stats.ignoredMessages).toBe(1); // the subscription ack only
  });

  it("remembers a bounded number of recent ids, evicting the oldest first", () => {
    const ids = new RecentIds(3);
    expect(["a", "b", "c"].map((id) => ids.add(id))).toEqual([true, true, true]);
    expect(ids.add("b")).toBe(false);
    expect(ids.add("d")).toBe(true); // evicts "a"
    expect(ids.size).toBe(3);
    expect(ids.add("a")).toBe(true);
    expect(ids.add("c")).toBe(false);
    for (let i = 0; i < 100_000; i++) ids.add(`x${i}`);
    expect(ids.size).toBe(3);
    expect(() => new RecentIds(0)).toThrow(/capacity must be an integer >= 1, got 0/);
  });
});

describe("symbol-less REST depth snapshots in a multi-instrument capture", () => {
  /** Best bid of every snapshot event, and what came right after each (to see where it landed). */
  function snapshotBids(events: MarketEvent[]): number[] {
    return events.flatMap((e) => (e.type === "snapshot" ? [e.bids[0]!.price] : []));
  }

  // Two perps whose recorders happened to share update ids (as when one capture is derived from the
  // other): only the price tells the snapshots apart.
  const sameIds = [
    bookTicker("BTCUSDT", 100, T0_MS, "61800.20", "61800.30"),
    bookTicker("SOLUSDT", 100, T0_MS + 1, "150.01", "150.02"),
    depth("BTCUSDT", 101, 110, 100, T0_MS + 10, "61800.00", "61801.00"),
    depth("SOLUSDT", 101, 110, 100, T0_MS + 11, "150.00", "150.03"),
    snapshot(115, T0_MS + 12, "61800.10", "61800.40"),
    snapshot(115, T0_MS + 13, "149.99", "150.04"),
    depth("BTCUSDT", 111, 120, 110, T0_MS + 20, "61799.90", "61801.10"),
    depth("SOLUSDT", 111, 120, 110, T0_MS + 21, "149.98", "150.05"),
  ];

  it("applies only the kept instrument's snapshot, dropping and counting the other's", () => {
    const btc = importAll(sameIds, "BTCUSDT");
    expect(snapshotBids(btc.events)).toEqual([61800.1]);
    expect(btc.stats.extra["unmatchedSnapshotsDropped"]).toBe(1);
    expect(btc.stats.resyncs).toBe(1);
    const sol = importAll(sameIds, "solusdt");
    expect(snapshotBids(sol.events)).toEqual([149.99]);
    expect(sol.stats.extra["unmatchedSnapshotsDropped"]).toBe(1);
  });

  it("holds a snapshot newer than the depth seen so far and applies it right before the update that bridges it", () => {
    const { events, stats } = importAll(sameIds, "BTCUSDT");
    const types = events.map((e) => e.type);
    // bbo, delta 101–110, then at the bridging update 111–120: resynced, the snapshot, that update
    // (the bookTicker, u=100, is older than the snapshot's 115: not re-applied over it).
    expect(types).toEqual(["bbo", "delta", "health", "snapshot", "delta"]);
    const snap = events[3]!;
    const bridging = events[4]!;
    expect(snap.exchangeTsMs).toBe(bridging.exchangeTsMs);
    expect(stats.gaps).toBe(0);
  });

  it("drops a snapshot whose ids do not bridge the kept depth stream even at a similar price", () => {
    // BTCUSDC trades within a few dollars of BTCUSDT, but its update ids are its own.
    const { events, stats } = importAll(
      [
        depth(
          "BTCUSDT",
          5_123_107_846_704,
          5_123_107_850_146,
          5_123_107_846_634,
          T0_MS,
          "61800.00",
          "61801.00",
        ),
        depth("BTCUSDC", 902_001, 902_010, 902_000, T0_MS + 1, "61795.00", "61796.00"),
        snapshot(902_005, T0_MS + 2, "61795.10", "61795.90"), // BTCUSDC's
        depth(
          "BTCUSDT",
          5_123_107_850_310,
          5_123_107_853_551,
          5_123_107_850_146,
          T0_MS + 50,
          "61800.10",
          "61801.10",
        ),
      ],
      "BTCUSDT",
    );
    expect(snapshotBids(events)).toEqual([]);
    expect(stats.extra["unmatchedSnapshotsDropped"]).toBe(1);
    expect(stats.ignoredMessages).toBe(2); // the snapshot and the BTCUSDC frame
  });

  it("a single-instrument snapshot bridging an update already seen resyncs at once, re-applying it", () => {
    const { events, stats } = importAll([
      bookTicker("BTCUSDT", 100, T0_MS, "61800.20", "61800.30"),
      depth("BTCUSDT", 101, 110, 100, T0_MS + 10, "61800.00", "61801.00"),
      depth("BTCUSDT", 111, 120, 110, T0_MS + 20, "61800.10", "61801.10"),
      snapshot(115, T0_MS + 15, "61800.10", "61800.40"),
      depth("BTCUSDT", 121, 130, 120, T0_MS + 30, "61800.20", "61801.20"),
    ]);
    expect(events.map((e) => e.type)).toEqual([
      "bbo",
      "delta",
      "delta",
      "health",
      "snapshot",
      "delta",
      "delta",
    ]);
    expect(stats.extra["depthReappliedAfterSnapshot"]).toBe(1);
    expect(stats.gaps).toBe(0);
  });

  it("a snapshot no later depth update ever reaches is dropped at the end of the input, counted", () => {
    const { events, stats } = importAll([
      depth("BTCUSDT", 101, 110, 100, T0_MS, "61800.00", "61801.00"),
      snapshot(500, T0_MS + 5, "61800.10", "61800.40"),
      depth("BTCUSDT", 111, 120, 110, T0_MS + 10, "61800.10", "61801.10"),
    ]);
    expect(snapshotBids(events)).toEqual([]);
    expect(events.filter((e) => e.type === "delta")).toHaveLength(2);
    expect(stats.extra["unresolvedSnapshotsDropped"]).toBe(1);
  });
});
