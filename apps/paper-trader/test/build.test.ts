import { fixedTickRules, hyperliquidTickRules } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { tickSizeNear } from "../src/build.js";
import { binanceSymbolFor } from "../src/lead-feed.js";

describe("tickSizeNear", () => {
  it("is the venue's price increment at the given price", () => {
    expect(tickSizeNear(fixedTickRules(0.1, 0.001, 0), 100_000.05)).toBe(0.1);
    expect(tickSizeNear(fixedTickRules(0.00001, 1, 0), 0.123456)).toBe(0.00001);
    // Hyperliquid perps: 5 significant figures, integer prices always allowed, ≤ 6 − szDecimals decimals.
    expect(tickSizeNear(hyperliquidTickRules(5), 105_123.5)).toBe(1);
    expect(tickSizeNear(hyperliquidTickRules(4), 3300.25)).toBe(0.1);
    expect(tickSizeNear(hyperliquidTickRules(0), 0.012345)).toBe(0.000001);
  });
  it("is 0 (unknown) without a usable mid", () => {
    expect(tickSizeNear(fixedTickRules(0.1, 0.001, 0), Number.NaN)).toBe(0);
    expect(tickSizeNear(fixedTickRules(0.1, 0.001, 0), 0)).toBe(0);
  });
});

describe("binanceSymbolFor", () => {
  it("maps Hyperliquid coins to Binance USD-M symbols, 1000× contracts included", () => {
    expect(binanceSymbolFor("BTC")).toBe("BTCUSDT");
    expect(binanceSymbolFor("eth")).toBe("ETHUSDT");
    expect(binanceSymbolFor("kPEPE")).toBe("1000PEPEUSDT");
    expect(binanceSymbolFor("kBONK")).toBe("1000BONKUSDT");
  });
});
