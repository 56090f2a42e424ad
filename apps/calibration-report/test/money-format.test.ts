import { describe, expect, it } from "vitest";
import { moneyFormat, plainNumber, sourceText } from "../src/format.js";

describe("amounts in the run's quote currency", () => {
  it("name the currency run.json gives, else 'quote'", () => {
    expect(moneyFormat({ kind: "replay", quote_currency: "BTC" }, 0.0226).currency).toBe("BTC");
    expect(moneyFormat({ kind: "synthetic" }, 1000).currency).toBe("quote");
    expect(moneyFormat(null, 1000).currency).toBe("quote");
  });
  it("get one more decimal per factor of 10 the starting equity is below 100", () => {
    expect(moneyFormat(null, 1000).extraDecimals).toBe(0);
    expect(moneyFormat(null, 100).extraDecimals).toBe(0);
    expect(moneyFormat(null, 50).extraDecimals).toBe(1);
    expect(moneyFormat(null, 0.0226).extraDecimals).toBe(4); // 0.022602 BTC, not 0.02
    expect(moneyFormat(null, null).extraDecimals).toBe(0);
    expect(moneyFormat(null, -5).extraDecimals).toBe(0);
  });
});

describe("run source in plain decimals", () => {
  it("tick and lot of tiny-priced coins read 0.0000000001, not 1e-10", () => {
    expect(plainNumber(1e-10)).toBe("0.0000000001");
    expect(plainNumber(8.004e-7)).toBe("0.0000008004");
    expect(plainNumber(-2.5e-8)).toBe("-0.000000025");
    expect(plainNumber(0.01)).toBe("0.01");
    expect(plainNumber(61800.2)).toBe("61800.2");
    expect(plainNumber(1e21)).toBe("1e+21");
    expect(sourceText({ kind: "replay", tick_size: 1e-10, lot_size: 1, lead: { kind: "x" } })).toBe(
      'kind=replay tick_size=0.0000000001 lot_size=1 lead={"kind":"x"}',
    );
    expect(sourceText(null)).toBeNull();
  });
});
