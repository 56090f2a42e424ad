import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fixedTickRules, type MarketEvent, MAX_ORDER_SIZE_BASE } from "@mmkit/core";
import { Recorder, SyntheticMarket } from "@mmkit/exchange";
import { describe, expect, it } from "vitest";
import { chooseOrderSize, requireWholeLots } from "../src/build.js";
import { ConfigError, parseConfig } from "../src/config.js";
import { decimalsOf, inferFixedGrid } from "../src/grid.js";
import { runInProcess, tempDir } from "./helpers.js";

/** A book delta with one level per side, prices and sizes given as the venue prints them. */
function delta(bid: [string, string], ask: [string, string]): MarketEvent {
  const level = ([price, size]: [string, string]) => ({ price: Number(price), size: Number(size) });
  return { type: "delta", exchangeTsMs: 0, localTsMs: 0, bids: [level(bid)], asks: [level(ask)] };
}

/** A trade print from decimal strings. */
function trade(price: string, size: string): MarketEvent {
  const t = {
    price: Number(price),
    size: Number(size),
    aggressor: "buy" as const,
    exchangeTsMs: 0,
    localTsMs: 0,
  };
  return { type: "trade", exchangeTsMs: 0, localTsMs: 0, trade: t };
}

describe("decimals of printed values", () => {
  it("counts decimals of tiny prices relative to their size, not against an absolute 1e-7", () => {
    expect(decimalsOf(Number("0.0000006999"))).toBe(10);
    expect(decimalsOf(Number("0.0000007"))).toBe(7);
    expect(decimalsOf(Number("0.00000005"))).toBe(8);
    expect(decimalsOf(Number("0.000000000001"))).toBe(12);
    expect(decimalsOf(Number("0.00001234"))).toBe(8);
    expect(decimalsOf(Number("60000.1"))).toBe(1);
    expect(decimalsOf(Number("0.00123"))).toBe(5);
    expect(decimalsOf(Number("1200"))).toBe(0);
    expect(decimalsOf(0.1 + 0.2)).toBe(1);
    expect(decimalsOf(0)).toBe(0);
  });

  it("infers a BTTC-like grid (tick 1e-10, lot 1) and a PEPE-like one (tick 1e-9) from decimal strings", () => {
    const bttc = inferFixedGrid([
      delta(["0.0000006999", "128256629180.00"], ["0.0000007001", "218868942347.00"]),
      trade("0.0000007000", "1000.00"),
    ]);
    expect(bttc).toEqual({ tick: 0.0000000001, lot: 1 });
    const pepe = inferFixedGrid([delta(["0.000012345", "5000000"], ["0.000012346", "7000000"])]);
    expect(pepe).toEqual({ tick: 0.000000001, lot: 1 });
    const sub1e7 = inferFixedGrid([delta(["0.0000000499", "2000000000"], ["0.0000000501", "100"])]);
    expect(sub1e7).toEqual({ tick: 0.0000000001, lot: 1 });
    const tiny = inferFixedGrid([delta(["0.000000000030", "1.5"], ["0.000000000031", "2.25"])]);
    expect(tiny).toEqual({ tick: 1e-12, lot: 0.01 });
    const btc = inferFixedGrid([delta(["60000.1", "0.001"], ["60000.2", "0.123"])]);
    expect(btc).toEqual({ tick: 0.1, lot: 0.001 });
  });

  it("infers ticks and lots that are not powers of ten from the common step of many prices", () => {
    // tick 0.05, lot 0.005: two-decimal prices all multiples of 0.05 (a 1/10^decimals rule said 0.01)
    const book = (n: number, tick: number, lot: number): MarketEvent[] =>
      Array.from({ length: n }, (_, i) =>
        delta(
          [(2500 - (i + 1) * tick).toFixed(2), (lot * (3 + 7 * i)).toFixed(3)],
          [(2500 + (i + 1) * tick).toFixed(2), (lot * (2 + 5 * i)).toFixed(3)],
        ),
      );
    expect(inferFixedGrid(book(40, 0.05, 0.005))).toEqual({ tick: 0.05, lot: 0.005 });
    expect(inferFixedGrid(book(40, 0.5, 0.005)).tick).toBe(0.5);
    // too few distinct prices to believe a coarser step: the finest decimal stands
    expect(inferFixedGrid(book(5, 0.05, 0.005))).toEqual({ tick: 0.01, lot: 0.001 });
    // one price off the coarse grid is enough to keep the fine one
    const mixed = [...book(40, 0.05, 0.005), delta(["2499.97", "0.001"], ["2500.03", "0.002"])];
    expect(inferFixedGrid(mixed)).toEqual({ tick: 0.01, lot: 0.001 });
  });
});

describe("default order size", () => {
  const config = parseConfig({ source: "replay", input: "x.gz" });
  const lotOne = fixedTickRules(1e-10, 1, 0);

  it("is ~100 quote at the first mid, rounded up to the lot (BTTC-like 7e-7: 142857143 base units)", () => {
    expect(chooseOrderSize(config, 7e-7, lotOne)).toBe(142857143);
  });

  it("beyond the engine's limit (a price of 5e-8) is a ConfigError naming --order-size", () => {
    expect(() => chooseOrderSize(config, 5e-8, lotOne)).toThrow(ConfigError);
    expect(() => chooseOrderSize(config, 5e-8, lotOne)).toThrow(/--order-size/);
    const explicit = parseConfig({ source: "replay", input: "x.gz", orderSizeBase: MAX_ORDER_SIZE_BASE });
    expect(chooseOrderSize(explicit, 5e-8, lotOne)).toBe(MAX_ORDER_SIZE_BASE);
  });

  it("an --order-size between lots is a ConfigError naming the two whole-lot sizes (it would quote less than the capital assumes)", () => {
    const btcLots = fixedTickRules(0.1, 0.001, 0);
    expect(() => requireWholeLots(0.0015, btcLots)).toThrow(
      "invalid --order-size: 0.0015 base units is not a whole number of lots (lot 0.001); use 0.001 or 0.002",
    );
    for (const ok of [0.001, 0.003, 0.007, 1.234]) expect(() => requireWholeLots(ok, btcLots)).not.toThrow();
  });

  it("--order-size above the engine's limit is rejected as a config error", () => {
    expect(() => parseConfig({ source: "replay", input: "x.gz", orderSizeBase: 2e9 })).toThrow(
      /invalid --order-size: must be at most/,
    );
  });
});

/** Record a short synthetic market on a 1e-10 tick grid (lot 1) and return the recording's path. */
async function recordTinyTickMarket(dir: string, initialMid: number, durationSec: number): Promise<string> {
  const market = new SyntheticMarket({
    seed: 11,
    durationSec,
    initialMid,
    tickSize: 0.0000000001,
    lotSize: 1,
  });
  const rec = new Recorder({ dir: join(dir, "rec"), source: "synthetic-tiny" });
  for (const e of market.events()) await rec.write(e);
  await rec.close();
  return join(dir, "rec", readdirSync(join(dir, "rec"))[0]!);
}

describe("replay of a tiny-tick instrument", () => {
  it("at 5e-8 stops before writing anything when the default order exceeds the limit", async () => {
    const dir = tempDir();
    const input = await recordTinyTickMarket(dir, 0.00000005, 60);
    const out = join(dir, "out");
    await expect(runInProcess({ source: "replay", input, outputDir: out })).rejects.toThrow(
      /set --order-size/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("infers tick 1e-10 from a recording at 7e-7 and fills on that grid", async () => {
    const dir = tempDir();
    const tick = 0.0000000001;
    const input = await recordTinyTickMarket(dir, 0.0000007, 600);
    const out = join(dir, "out");
    await runInProcess({ source: "replay", input, outputDir: out });
    const fills = readFileSync(join(out, "fills.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { price: number; size: number });
    expect(fills.length).toBeGreaterThan(0);
    for (const f of fills) {
      expect(f.price).toBeGreaterThan(0);
      const ticks = Math.round(f.price / tick);
      expect(f.price).toBe(Number(`${ticks}e-10`));
      expect(Number.isInteger(f.size)).toBe(true);
    }
  });
});
