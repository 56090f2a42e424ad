import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parseBinanceFrame } from "./binance-messages.js";

// Which field of a Binance frame each value of the event comes from: the sizes of the two book
// sides, the clock (transaction time `T` before event time `E`), the trade type filter.

const frames = gunzipSync(
  readFileSync(
    fileURLToPath(new URL("../../fixtures/binance-usdm-btcusdt-20240808-head600.gz", import.meta.url)),
  ),
)
  .toString("utf8")
  .split("\n")
  .filter((l) => l)
  .map((l) => l.slice(l.indexOf(" ") + 1));

describe("Binance frame fields", () => {
  it("bookTicker: B is the bid size and A the ask size (first recorded bookTicker, read off the frame)", () => {
    // {"e":"bookTicker","u":5123107839020,"s":"BTCUSDT","b":"61800.20","B":"2.507","a":"61800.30","A":"2.510",…}
    const bt = parseBinanceFrame(frames.find((f) => f.includes('"bookTicker"'))!, 0);
    expect(bt.kind === "bbo" && bt.event.bbo).toEqual({
      bidPrice: 61800.2,
      bidSize: 2.507,
      askPrice: 61800.3,
      askSize: 2.51,
    });
  });

  it("depthUpdate is stamped with its transaction time T, not its event time E (first recorded frame)", () => {
    // "E":1723161256299,"T":1723161256298
    const d = parseBinanceFrame(frames[0]!, 5);
    expect(d.kind === "depth" && [d.event.exchangeTsMs, d.event.localTsMs]).toEqual([1723161256298, 5]);
  });

  it("bookTicker time: T, else E (then it has exchange time), else the local time (spot: none)", () => {
    const bt = (extra: Record<string, number>): string =>
      JSON.stringify({ e: "bookTicker", u: 1, s: "X", b: "1.0", B: "2", a: "1.1", A: "3", ...extra });
    const at = (text: string): [number, boolean] | false => {
      const r = parseBinanceFrame(text, 99);
      return r.kind === "bbo" && [r.event.exchangeTsMs, r.hasExchangeTime];
    };
    expect(at(bt({ T: 10, E: 20 }))).toEqual([10, true]);
    expect(at(bt({ E: 20 }))).toEqual([20, true]);
    expect(at(bt({}))).toEqual([99, false]);
  });

  it("a trade is stamped with its trade time T (event and print), not the event time E", () => {
    const text = JSON.stringify({
      e: "trade",
      E: 20,
      T: 10,
      s: "X",
      t: 1,
      p: "1.5",
      q: "2",
      X: "MARKET",
      m: false,
    });
    const r = parseBinanceFrame(text, 99);
    expect(
      r.kind === "trade" && [r.event.exchangeTsMs, r.event.trade.exchangeTsMs, r.event.trade.localTsMs],
    ).toEqual([10, 10, 99]);
  });

  it("every trade type other than MARKET is dropped (liquidations, ADL, insurance fund, NA)", () => {
    for (const X of ["LIQUIDATION", "ADL", "INSURANCE_FUND", "NA"]) {
      const text = JSON.stringify({ e: "trade", E: 2, T: 1, s: "X", t: 1, p: "1.5", q: "2", X, m: false });
      expect(parseBinanceFrame(text, 0)).toEqual({ kind: "nonMarketTrade", tradeType: X, symbol: "X" });
    }
  });

  it("a payload on a @bookTicker stream is read as a bookTicker even when fields are missing (invalid, not ignored)", () => {
    const text = JSON.stringify({ stream: "x@bookTicker", data: { u: 1, s: "X", b: "1.0" } });
    expect(parseBinanceFrame(text, 0)).toMatchObject({
      kind: "invalid",
      error: expect.stringMatching(/^bookTicker /),
    });
  });
});
