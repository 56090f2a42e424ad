import { describe, expect, it } from "vitest";
import { moneyFormat } from "../src/format.js";

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
