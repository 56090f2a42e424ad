import { describe, expect, it } from "vitest";
import { CONFIG_DEFAULTS } from "../src/config.js";
import { resumedConfig } from "../src/state.js";
import { venueFees, withVenueFees } from "../src/venue-fees.js";

describe("default fees: the traded venue's base tier", () => {
  it("Hyperliquid and synthetic 1.5/4.5 bps, Binance USD-M 2/5, Binance spot 10/10; an unknown Binance market is USD-M", () => {
    const pair = (venue: string, m: "usdm" | "spot" | null) => {
      const f = venueFees(venue, m);
      return [f.makerFeeBps, f.takerFeeBps];
    };
    expect(pair("hyperliquid", null)).toEqual([1.5, 4.5]);
    expect(pair("synthetic", null)).toEqual([1.5, 4.5]);
    expect(pair("binance", "usdm")).toEqual([2, 5]);
    expect(pair("binance", "spot")).toEqual([10, 10]);
    expect(pair("binance", null)).toEqual([2, 5]); // a recording: the live Binance feed is USD-M
  });

  it("fees given by flag or config are kept, each on its own", () => {
    const spot = { venue: "binance", binanceMarket: "spot" as const };
    expect(CONFIG_DEFAULTS.makerFeeBps).toBeUndefined();
    const both = withVenueFees(CONFIG_DEFAULTS, spot);
    expect([both.makerFeeBps, both.takerFeeBps]).toEqual([10, 10]);
    const rebate = withVenueFees({ ...CONFIG_DEFAULTS, makerFeeBps: -0.5 }, spot);
    expect([rebate.makerFeeBps, rebate.takerFeeBps]).toEqual([-0.5, 10]);
    const given = { ...CONFIG_DEFAULTS, makerFeeBps: 1, takerFeeBps: 3 };
    expect(withVenueFees(given, spot)).toBe(given);
  });

  it("a resume leaves unset fees at the checkpoint's (a run from before venue fees keeps the fee it ran with)", () => {
    const saved = { ...CONFIG_DEFAULTS, makerFeeBps: 1.5, takerFeeBps: 4.5 };
    for (const given of [undefined, new Set<string>(["resume"])]) {
      const r = resumedConfig(saved, { ...CONFIG_DEFAULTS, resume: true }, "/tmp/x", given);
      expect([r.makerFeeBps, r.takerFeeBps]).toEqual([1.5, 4.5]);
    }
    expect(() =>
      resumedConfig(saved, { ...CONFIG_DEFAULTS, makerFeeBps: 2 }, "/tmp/x", new Set(["makerFeeBps"])),
    ).toThrow("cannot --resume: --maker-fee-bps differs from the checkpoint (checkpoint 1.5, now 2)");
  });
});
