import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { CaptureImporter } from "./capture-import.js";
import { RecentIds } from "./recent-ids.js";
import { emptyFeedStats, type FeedStats } from "./types.js";

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

interface Replayed {
  events: MarketEvent[];
  stats: FeedStats;
}

/** Feed lines through one importer, as the replay does; every line must import. */
function importAll(lines: string[], instrument?: string): Replayed {
  const stats = emptyFeedStats();
  const imp = new CaptureImporter(stats, instrument !== undefined ? { instrument } : {});
  const events: MarketEvent[] = [];
  for (const l of lines) {
    const r = imp.importLine(l);
    if (!r.ok) throw new Error(r.error);
    events.push(...r.events);
  }
  events.push(...imp.finish());
  return { events, stats };
}

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
