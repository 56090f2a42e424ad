/** Prints in a capture: which stream an id belongs to, what is merged, and which print a spot bookTicker is timed against. */
import { fileURLToPath } from "node:url";
import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { importAll } from "./capture-test-import.js";
import { openReplay } from "./replay.js";

const T = 1_723_161_256_000;

/** `<local ns> <json>` at local time `localMs`. */
const line = (localMs: number, frame: object): string =>
  `${BigInt(localMs) * 1_000_000n} ${JSON.stringify(frame)}`;

const prints = (events: MarketEvent[]): [string | undefined, number][] =>
  events.flatMap((e) =>
    e.type === "trade" ? [[e.trade.id, e.trade.size] as [string | undefined, number]] : [],
  );

describe("Binance prints in a capture", () => {
  it("an aggTrade id and a @trade id with the same number are different prints (separate id sequences)", () => {
    const { events, stats } = importAll([
      line(T, {
        stream: "btcusdt@aggTrade",
        data: { e: "aggTrade", E: T, T, s: "BTCUSDT", a: 500, f: 10, l: 12, p: "100.0", q: "3", m: false },
      }),
      line(T + 5, {
        stream: "btcusdt@trade",
        data: {
          e: "trade",
          E: T + 5,
          T: T + 5,
          s: "BTCUSDT",
          t: 500,
          p: "101.0",
          q: "1",
          X: "MARKET",
          m: false,
        },
      }),
    ]);
    expect(prints(events)).toEqual([
      ["500", 3],
      ["500", 1],
    ]);
    expect(stats.extra["duplicateTrades"]).toBeUndefined();
  });

  it("consecutive aggTrades at one price and time are two taker orders, never merged", () => {
    const agg = (a: number, q: string): string =>
      line(T, {
        stream: "btcusdt@aggTrade",
        data: { e: "aggTrade", E: T, T, s: "BTCUSDT", a, p: "100.0", q, m: true },
      });
    const { events, stats } = importAll([agg(7, "1"), agg(8, "2")]);
    expect(prints(events)).toEqual([
      ["7", 1],
      ["8", 2],
    ]);
    expect(stats.extra["mergedPrints"]).toBeUndefined();
  });

  it("a spot bookTicker is clamped to the newest print before it, not to an older print that came last", () => {
    // Exchange − local offset: +1000 from print 1; print 2 is 50 ms further ahead, print 3 an older
    // print arriving late (80 ms behind): EWMA 1000 → 1002.5 → 1002.5 + 0.05·(920 − 1002.5) = 998.375.
    // The bookTicker at local T+101 is estimated at T+101+998.375 → T+1099, before print 2 at T+1150.
    const trade = (t: number, local: number, exch: number): string =>
      line(local, {
        stream: "btcusdt@trade",
        data: { e: "trade", E: exch, T: exch, s: "BTCUSDT", t, p: "100.0", q: "1", X: "MARKET", m: true },
      });
    const { events } = importAll([
      trade(1, T, T + 1000),
      trade(2, T + 100, T + 1150),
      trade(3, T + 100, T + 1020),
      line(T + 101, {
        stream: "btcusdt@bookTicker",
        data: { u: 9, s: "BTCUSDT", b: "99.9", B: "1", a: "100.0", A: "1" },
      }),
    ]);
    expect(events.find((e) => e.type === "bbo")?.exchangeTsMs).toBe(T + 1150);
  });
});

describe("Hyperliquid prints in a capture", () => {
  it("counts the prints merged into the one before (the fixture's one sweep: 4 prints at 105055.0 → 3 merged)", () => {
    const path = fileURLToPath(new URL("../../fixtures/hyperliquid-btc-20250126.gz", import.meta.url));
    const feed = openReplay(path);
    [...feed.events()];
    expect(feed.stats().extra["mergedPrints"]).toBe(3);
  });
});
