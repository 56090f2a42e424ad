import { describe, expect, it } from "vitest";
import {
  DEFAULT_GAMMA,
  HYPERLIQUID_TIER0_MAKER_FEE_BPS,
  parseKillSwitchConfig,
  parseQuoteEngineConfig,
  QuoteEngineConfigSchema,
} from "./config.js";
import { gammaForSkew } from "./gamma-for-skew.js";

describe("QuoteEngineConfigSchema", () => {
  it("fills every default", () => {
    const c = parseQuoteEngineConfig();
    expect(c).toMatchObject({
      gamma: DEFAULT_GAMMA,
      orderSizeBase: 0.001,
      maxPositionLots: 10,
      levels: 3,
      depthRatio: 1.2,
      minHalfSpreadBps: 1,
      makerFeeBps: HYPERLIQUID_TIER0_MAKER_FEE_BPS,
      regimeBlend: { currentWeight: 0.7, regimeWeight: 0.3 },
      tickRules: { kind: "hyperliquid", szDecimals: 5 },
      fairPrice: "mid",
    });
    expect(c.makerFeeBps).toBe(1.5);
    expect(QuoteEngineConfigSchema.parse({})).toEqual(c);
  });

  it("default γ is the γ whose full-position skew is ≈ 2.15 bps on the default market (gammaForSkew)", () => {
    // σ = 1e-4/√s, A = 1.5/s, κ = 8000, 10 lots: γ = 400 gives 10 × 0.21548 = 2.1548 bps at max position.
    const g = gammaForSkew(2.1548, 1e-4, 1.5, 8000, 10);
    expect(Math.abs(g - DEFAULT_GAMMA) / DEFAULT_GAMMA).toBeLessThan(1e-3);
  });

  it("keeps explicit values and nested partial objects", () => {
    const c = parseQuoteEngineConfig({ gamma: 10, tickRules: { kind: "fixed", tick: 0.1, lot: 0.001 } });
    expect(c.gamma).toBe(10);
    expect(c.tickRules).toEqual({ kind: "fixed", tick: 0.1, lot: 0.001, minNotional: 0 });
  });

  it("names the field and the allowed range in errors", () => {
    expect(() => parseQuoteEngineConfig({ gamma: 0 })).toThrow(
      /quoteEngineConfig\.gamma: must be in \(0, 10000000\]/,
    );
    expect(() => parseQuoteEngineConfig({ levels: 0 })).toThrow(
      /quoteEngineConfig\.levels: must be in \[1, 50\]/,
    );
    expect(() => parseQuoteEngineConfig({ levels: 2.5 })).toThrow(/levels: must be an integer in \[1, 50\]/);
    expect(() => parseQuoteEngineConfig({ gama: 5, levls: 2 } as never)).toThrow(
      /invalid quoteEngineConfig: unknown options "gama", "levls" \(known: gamma, /,
    );
    expect(() => parseQuoteEngineConfig({ depthRatio: 1 })).toThrow(/depthRatio: must be in \(1, 10\]/);
    expect(() => parseQuoteEngineConfig({ regimeBlend: { currentWeight: 0.5 } })).toThrow(
      /regimeBlend.*must equal 1/,
    );
    expect(() => parseQuoteEngineConfig({ kappaFloorPerFrac: 2e6 })).toThrow(
      /kappaFloorPerFrac must be ≤ kappaCapPerFrac/,
    );
    expect(() => parseQuoteEngineConfig({ fairPrice: "last" as "mid" })).toThrow(
      /fairPrice: must be "mid" or "micro"/,
    );
    expect(() => parseQuoteEngineConfig({ gamma: Number.NaN })).toThrow(/gamma/);
  });
});

describe("KillSwitchConfigSchema", () => {
  it("defaults: 15% halt, 10% reduce-only, 5 s stale → reduce-only", () => {
    expect(parseKillSwitchConfig()).toMatchObject({
      haltDrawdownFrac: 0.15,
      reduceOnlyDrawdownFrac: 0.1,
      staleDataMs: 5000,
      staleAction: "reduceOnly",
    });
  });

  it("rejects a bad stale action naming the field", () => {
    expect(() => parseKillSwitchConfig({ staleAction: "ignore" as "halted" })).toThrow(
      /killSwitchConfig\.staleAction/,
    );
  });
});
