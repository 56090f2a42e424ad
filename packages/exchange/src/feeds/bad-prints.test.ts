/** Frames that carry no market data: prints at price 0 or of size 0, a book side at price 0. */
import { describe, expect, it } from "vitest";
import { parseBinanceFrame } from "./binance-messages.js";
import { parseHyperliquidFrame } from "./hyperliquid-messages.js";

describe("Hyperliquid trades with bad prints", () => {
  it("a print priced ≤ 0 or of size ≤ 0 is dropped from its trades frame, naming it; the other prints kept", () => {
    const tr = (px: string | number, sz: string | number): string =>
      JSON.stringify({
        channel: "trades",
        data: [
          { coin: "BTC", side: "B", px: "100.0", sz: "1", time: 5, tid: 1 },
          { coin: "BTC", side: "A", px, sz, time: 6, tid: 2 },
          { coin: "BTC", side: "A", px: "99.5", sz: "0.25", time: 7, tid: 3 },
        ],
      });
    const kept = (r: ReturnType<typeof parseHyperliquidFrame>): [number, number, string][] =>
      r.kind === "events"
        ? r.events.flatMap((e) =>
            e.type === "trade" ? [[e.trade.price, e.trade.size, e.trade.id ?? ""]] : [],
          )
        : [];
    const zeroPx = parseHyperliquidFrame(tr("0", "1"), 0);
    expect(zeroPx).toMatchObject({
      kind: "events",
      badPrints: { count: 1, error: 'trades BTC 1.px: trade price must be finite and > 0, got "0"' },
    });
    expect(kept(zeroPx)).toEqual([
      [100, 1, "1"],
      [99.5, 0.25, "3"],
    ]);
    expect(parseHyperliquidFrame(tr("100.0", "0.0"), 0)).toMatchObject({
      badPrints: { count: 1, error: 'trades BTC 1.sz: trade size must be finite and > 0, got "0.0"' },
    });
    for (const [px, sz] of [
      ["-1.0", "1"],
      [0, 1],
      ["100.0", "-3"],
    ] as const) {
      const r = parseHyperliquidFrame(tr(px, sz), 0);
      expect(r).toMatchObject({ kind: "events", badPrints: { count: 1 } });
      expect(kept(r).map(([, , id]) => id)).toEqual(["1", "3"]);
    }
    const fine = parseHyperliquidFrame(tr("100.5", "3"), 0);
    expect(fine.kind === "events" && fine.badPrints).toBe(undefined);
    expect(kept(fine)).toHaveLength(3);
  });

  it("a trades frame of only bad prints is invalid, naming the first; two bad of three are counted", () => {
    const frame = (prints: [string, string][]): string =>
      JSON.stringify({
        channel: "trades",
        data: prints.map(([px, sz], i) => ({ coin: "ETH", side: "B", px, sz, time: 5 + i, tid: i })),
      });
    expect(
      parseHyperliquidFrame(
        frame([
          ["0", "1"],
          ["2", "0"],
        ]),
        0,
      ),
    ).toEqual({ kind: "invalid", error: 'trades ETH 0.px: trade price must be finite and > 0, got "0"' });
    const two = parseHyperliquidFrame(
      frame([
        ["2", "0"],
        ["3000.5", "0.1"],
        ["0", "1"],
      ]),
      0,
    );
    expect(two).toMatchObject({
      kind: "events",
      badPrints: { count: 2, error: 'trades ETH 0.sz: trade size must be finite and > 0, got "0"' },
    });
    expect(two.kind === "events" ? two.events.length : -1).toBe(1);
  });
});

describe("Binance frames without a price", () => {
  it("a bookTicker with an empty side (price 0.00) is invalid, not a level at price 0", () => {
    const bt = (b: string, a: string): string =>
      JSON.stringify({ stream: "x@bookTicker", data: { u: 5, s: "XUSDT", b, B: "1", a, A: "0.000" } });
    expect(parseBinanceFrame(bt("10.0", "0.00"), 0)).toMatchObject({
      kind: "invalid",
      error: "bookTicker XUSDT: empty side (bid 10.0, ask 0.00)",
    });
    expect(parseBinanceFrame(bt("0", "11.0"), 0).kind).toBe("invalid");
    expect(parseBinanceFrame(bt("10.0", "11.0"), 0).kind).toBe("bbo");
  });

  it("a trade or aggTrade priced ≤ 0 or of size ≤ 0 is invalid (never a print at price 0)", () => {
    const tr = (e: string, p: string | number, q: string | number): string =>
      JSON.stringify({
        stream: "btcusdt@trade",
        data: { e, E: 2, T: 1, s: "BTCUSDT", t: 9, p, q, m: false },
      });
    expect(parseBinanceFrame(tr("trade", "0", "1"), 0)).toEqual({
      kind: "invalid",
      error: 'trade BTCUSDT p: trade price must be finite and > 0, got "0"',
    });
    expect(parseBinanceFrame(tr("aggTrade", "-5.0", "1"), 0)).toMatchObject({
      kind: "invalid",
      error: 'aggTrade BTCUSDT p: trade price must be finite and > 0, got "-5.0"',
    });
    expect(parseBinanceFrame(tr("trade", "1.5", "0.000"), 0)).toMatchObject({
      kind: "invalid",
      error: 'trade BTCUSDT q: trade size must be finite and > 0, got "0.000"',
    });
    expect(parseBinanceFrame(tr("trade", 0, 1), 0).kind).toBe("invalid");
    expect(parseBinanceFrame(tr("trade", "1".repeat(400), "1"), 0).kind).toBe("invalid"); // Infinity
    expect(parseBinanceFrame(tr("trade", "1.5", "-2"), 0).kind).toBe("invalid");
    expect(parseBinanceFrame(tr("trade", "1.5", "2"), 0).kind).toBe("trade");
  });
});
