import { gunzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { CaptureImporter } from "./capture-import.js";
import { normalizeHyperliquid } from "./hyperliquid-messages.js";
import { addPrintSizes, mergeHyperliquidPrints } from "./print-merge.js";
import { emptyFeedStats } from "./types.js";

const T0_MS = 1_723_161_256_000;

/** A Binance `@trade` capture line (local clock 1.2 s behind); `m` true = the buyer was the maker. */
function bnTrade(t: number, tsMs: number, px: string, q: string, m = false, e = "trade"): string {
  const data = {
    e,
    E: tsMs,
    T: tsMs,
    s: "BTCUSDT",
    ...(e === "trade" ? { t } : { a: t }),
    p: px,
    q,
    X: "MARKET",
    m,
  };
  return `${BigInt(tsMs - 1200) * 1_000_000n} ${JSON.stringify({ stream: `btcusdt@${e}`, data })}`;
}

/** A Binance `aggTrade` capture line of the `@trade` ids `f`..`l`. */
function bnAggTrade(a: number, f: number, l: number, tsMs: number, q: string): string {
  const data = { e: "aggTrade", E: tsMs, T: tsMs, s: "BTCUSDT", a, f, l, p: "61800.30", q, m: false };
  return `${BigInt(tsMs - 1200) * 1_000_000n} ${JSON.stringify({ stream: "btcusdt@aggTrade", data })}`;
}

function bnTicker(u: number, tsMs: number): string {
  const data = {
    e: "bookTicker",
    u,
    s: "BTCUSDT",
    b: "61800.20",
    B: "1",
    a: "61800.30",
    A: "2",
    T: tsMs,
    E: tsMs,
  };
  return `${BigInt(tsMs - 1200) * 1_000_000n} ${JSON.stringify({ stream: "btcusdt@bookTicker", data })}`;
}

function importAll(lines: string[]): {
  prints: [string | undefined, number, number][];
  sweeps: boolean[];
  merged: number;
  types: string[];
  extra: Record<string, number>;
} {
  const stats = emptyFeedStats();
  const imp = new CaptureImporter(stats);
  const events: MarketEvent[] = [];
  for (const l of lines) {
    const r = imp.importLine(l);
    if (r.ok) events.push(...r.events);
  }
  events.push(...imp.finish());
  return {
    prints: events.flatMap((e) =>
      e.type === "trade" ? [[e.trade.id, e.trade.size, e.trade.price]] : [],
    ) as [string | undefined, number, number][],
    sweeps: events.flatMap((e) => (e.type === "trade" ? [e.trade.sweepContinues === true] : [])),
    merged: stats.extra["mergedPrints"] ?? 0,
    types: events.map((e) => e.type),
    extra: stats.extra,
  };
}

describe("addPrintSizes", () => {
  it("sums decimal sizes without binary residue", () => {
    expect(0.006 + 0.199).not.toBe(0.205);
    expect(addPrintSizes(0.006, 0.199)).toBe(0.205);
    expect(addPrintSizes(0.00014, 0.00014)).toBe(0.00028);
    expect(addPrintSizes(1_250_000, 3)).toBe(1_250_003);
    expect(addPrintSizes(0.1, 0.2)).toBe(0.3);
  });
});

describe("Binance @trade prints of one taker order", () => {
  it("merges the next trade id at the same time, price and side; keeps the first id", () => {
    const r = importAll([
      bnTrade(100, T0_MS, "61800.30", "0.006"),
      bnTrade(101, T0_MS, "61800.30", "0.199"),
      bnTrade(102, T0_MS, "61800.30", "0.010"),
      bnTrade(103, T0_MS, "61800.40", "0.500"), // next price of the sweep: its own print
    ]);
    expect(r.prints).toEqual([
      ["100", 0.215, 61800.3],
      ["103", 0.5, 61800.4],
    ]);
    expect(r.merged).toBe(2);
    // the same taker order goes on at the next price: the first print says the sweep continues
    expect(r.sweeps).toEqual([true, false]);
  });

  it("marks a sweep through several prices print by print, and only the same taker order's", () => {
    const r = importAll([
      bnTrade(500, T0_MS, "61800.30", "0.1", true), // a market sell: prices fall
      bnTrade(501, T0_MS, "61800.20", "0.1", true),
      bnTrade(502, T0_MS, "61800.10", "0.1", true),
      bnTrade(503, T0_MS, "61800.20", "0.1", true), // back up: another taker order
      bnTrade(504, T0_MS, "61800.10", "0.1", false), // the other side: another one
    ]);
    expect(r.prints.map((p) => p[0])).toEqual(["500", "501", "502", "503", "504"]);
    expect(r.sweeps).toEqual([true, true, false, false, false]);
  });

  it("does not merge across an id gap, another time, another side or a book event 20 ms later", () => {
    const r = importAll([
      bnTrade(200, T0_MS, "61800.30", "0.1"),
      bnTrade(202, T0_MS, "61800.30", "0.1"), // id gap (a print of another taker order between)
      bnTrade(203, T0_MS + 1, "61800.30", "0.1"), // a millisecond later
      bnTrade(204, T0_MS + 1, "61800.30", "0.1", true), // the seller was the taker
      bnTicker(1, T0_MS + 21), // received 20 ms after the print: past the 10 ms window
      bnTrade(205, T0_MS + 1, "61800.30", "0.1", true),
    ]);
    expect(r.prints.map((p) => p[0])).toEqual(["200", "202", "203", "204", "205"]);
    expect(r.merged).toBe(0);
    // the held print comes out ahead of the book event that ended it
    expect(r.types).toEqual(["trade", "trade", "trade", "trade", "bbo", "trade"]);
  });

  it("merges across book frames Binance interleaves, which then come after the taker order's prints", () => {
    const r = importAll([
      bnTrade(204, T0_MS + 1, "61800.30", "0.1", true),
      bnTicker(1, T0_MS + 1), // the combined stream put a bookTicker between two prints of one order
      bnTrade(205, T0_MS + 1, "61800.30", "0.1", true),
      bnTicker(2, T0_MS + 1),
      bnTrade(206, T0_MS + 1, "61800.20", "0.1", true), // on to the next price: a sweep
      bnTicker(3, T0_MS + 2),
      bnTrade(207, T0_MS + 2, "61800.20", "0.1", false), // another taker order
    ]);
    expect(r.prints).toEqual([
      ["204", 0.2, 61800.3],
      ["206", 0.1, 61800.2],
      ["207", 0.1, 61800.2],
    ]);
    expect(r.merged).toBe(1);
    expect(r.sweeps).toEqual([true, false, false]);
    expect(r.types).toEqual(["trade", "trade", "bbo", "bbo", "bbo", "trade"]);
  });

  it("the frame limit counts from each print of a sweep, not from its first", () => {
    const tickers = (from: number): string[] =>
      Array.from({ length: 20 }, (_, i) => bnTicker(from + i, T0_MS));
    const r = importAll([
      bnTrade(600, T0_MS, "61800.30", "0.1"),
      ...tickers(10),
      bnTrade(601, T0_MS, "61800.40", "0.1"), // the sweep goes on: 20 frames after the first print
      ...tickers(30),
      bnTrade(602, T0_MS, "61800.40", "0.2"), // same price as 601: 20 after it (40 after 600)
    ]);
    expect(r.prints).toEqual([
      ["600", 0.1, 61800.3],
      ["601", 0.3, 61800.4],
    ]);
    expect(r.sweeps).toEqual([true, false]);
    expect(r.types.filter((t) => t === "bbo")).toHaveLength(40);
  });

  it("keeps aggTrade prints apart, and drops them where the capture also has the @trade stream", () => {
    const agg = importAll([
      bnTrade(300, T0_MS + 2, "61800.30", "0.1", false, "aggTrade"),
      bnTrade(301, T0_MS + 2, "61800.30", "0.1", false, "aggTrade"), // aggTrades are merged already
    ]);
    expect(agg.prints.map((p) => p[0])).toEqual(["300", "301"]);
    expect(agg.merged).toBe(0);
    const stats = emptyFeedStats();
    const imp = new CaptureImporter(stats);
    imp.importLine(bnTrade(400, T0_MS, "61800.30", "0.1"));
    imp.importLine(bnTrade(90, T0_MS, "61800.30", "0.1", false, "aggTrade")); // the same print again
    expect(stats.extra["aggTradesDroppedForTrade"]).toBe(1);
    expect(imp.finish().filter((e) => e.type === "trade").length).toBe(1);
  });

  it("an aggTrade before the first @trade frame counts once: the @trade prints it holds are dropped", () => {
    const r = importAll([
      bnAggTrade(90, 400, 401, T0_MS, "0.3"), // the capture starts on the aggTrade stream
      bnTrade(400, T0_MS, "61800.30", "0.1"), // the same taker order, print by print
      bnTrade(401, T0_MS, "61800.30", "0.2"),
      bnAggTrade(91, 402, 402, T0_MS + 5, "0.4"), // from here on @trade is the count
      bnTrade(402, T0_MS + 5, "61800.30", "0.4"),
    ]);
    expect(r.prints.map(([id, size]) => [id, size])).toEqual([
      ["90", 0.3],
      ["402", 0.4],
    ]);
    expect(r.extra["tradesInCountedAggTrade"]).toBe(2);
    expect(r.extra["aggTradesDroppedForTrade"]).toBe(1);
  });

  it("@trade and aggTrade are told apart by ids: a lagging @trade print is kept, a later part without @trade counts", () => {
    const run = (lines: string[]) => {
      const r = importAll(lines);
      return { ids: r.prints.map(([id]) => id), extra: r.extra };
    };
    // the @trade stream lags: print 399 (an earlier taker order) comes after aggTrade 400..401
    const lag = run([
      bnAggTrade(90, 400, 401, T0_MS, "0.3"),
      bnTrade(399, T0_MS - 1, "61800.20", "0.5"),
      bnTrade(400, T0_MS, "61800.30", "0.1"),
      bnTrade(401, T0_MS, "61800.30", "0.2"),
      bnTrade(402, T0_MS + 5, "61800.40", "0.4"),
    ]);
    expect(lag.ids).toEqual(["90", "399", "402"]);
    expect(lag.extra["tradesInCountedAggTrade"]).toBe(2);
    // both streams, then (a later recording part) aggTrade alone: its taker orders still count
    const later = run([
      bnTrade(500, T0_MS, "61800.30", "0.1"),
      bnAggTrade(95, 500, 500, T0_MS, "0.1"), // the same order again: dropped
      bnAggTrade(96, 501, 502, T0_MS + 60_000, "0.2"), // a minute on, no @trade any more
      bnAggTrade(97, 503, 503, T0_MS + 60_010, "0.3"),
    ]);
    expect(later.ids).toEqual(["500", "96", "97"]);
    expect(later.extra["aggTradesDroppedForTrade"]).toBe(1);
  });

  it("a bad line between two prints of one order neither ends the merge nor loses the print", () => {
    const lines = [bnTrade(400, T0_MS, "61800.30", "0.1"), "garbage", bnTrade(401, T0_MS, "61800.30", "0.2")];
    const r = importAll(lines);
    expect(r.prints).toEqual([["400", 0.3, 61800.3]]);
    // the last print of the input comes out at the end
    expect(importAll(lines.slice(0, 2)).prints).toEqual([["400", 0.1, 61800.3]]);
  });
});

describe("Hyperliquid prints of one taker order", () => {
  // Real frames of the embedded sample (hyperliquid-btc-20250126.gz, 2025-01-26 19:14 UTC).
  const frames = gunzipSync(
    readFileSync(new URL("../../../../data/samples/hyperliquid-btc-20250126.gz", import.meta.url)),
  )
    .toString("utf8")
    .split("\n")
    .filter((l) => l.includes('"channel":"trades"'))
    .map(
      (l) => JSON.parse(l.slice(l.indexOf(" ") + 1)) as { data: { hash: string; px: string; sz: string }[] },
    );

  it("merges one action's prints at one price (same hash), not several takers' prints in one block", () => {
    const sweep = frames.find((f) => f.data.length === 7)!;
    // one sell order (one hash) sweeping 105055 (4 makers), 105054, 105053, 105051
    expect(new Set(sweep.data.map((t) => t.hash)).size).toBe(1);
    const r = normalizeHyperliquid(sweep, 0);
    if (r.kind !== "events") throw new Error(r.kind);
    const sizes = r.events.map((e) => (e.type === "trade" ? [e.trade.price, e.trade.size] : []));
    expect(sizes).toEqual([
      [105055, 0.12005], // 0.06201 + 0.00022 + 0.00073 + 0.05709
      [105054, 0.1428],
      [105053, 0.1428],
      [105051, 0.19435],
    ]);
    expect(r.mergedPrints).toBe(3);
    // one action through four prices: every print but its last says the sweep goes on
    expect(r.events.map((e) => e.type === "trade" && e.trade.sweepContinues === true)).toEqual([
      true,
      true,
      true,
      false,
    ]);
    // 21 prints in one block at one price and side, each its own action (hash): 21 taker orders
    const block = frames.find((f) => f.data.length === 21)!;
    expect(new Set(block.data.map((t) => t.hash)).size).toBe(21);
    const b = normalizeHyperliquid(block, 0);
    if (b.kind !== "events") throw new Error(b.kind);
    expect(b.events.length).toBe(21);
    expect(b.mergedPrints).toBeUndefined();
    expect(b.events.some((e) => e.type === "trade" && e.trade.sweepContinues === true)).toBe(false);
  });

  it("never merges prints without an action hash (zero hash)", () => {
    const p = { px: "100", sz: "1", side: "B" as const, time: 5, hash: "0x0000" };
    expect(mergeHyperliquidPrints([p, p]).length).toBe(2);
    const h = { ...p, hash: "0xab" };
    expect(mergeHyperliquidPrints([h, h]).map((m) => [m.size, m.merged])).toEqual([[2, 2]]);
  });
});
