import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  fixedTickRules,
  gridDecimals,
  HL_MIN_ORDER_NOTIONAL_USD,
  hlPriceDecimals,
  hyperliquidTickRules,
  isValidHlPrice,
  meetsMinNotional,
  type RoundMode,
  roundHlPrice,
  roundSize,
  roundToLot,
  roundToTick,
} from "./tick-rules.js";

/** Independent validity check from the decimal string: integer, or ≤ 5 sig figs and ≤ 6 − szDecimals decimals. */
function hlValidByString(price: number, szDecimals: number): boolean {
  if (Number.isInteger(price)) return true;
  const s = String(price);
  if (s.includes("e")) return false;
  const [intPart, frac = ""] = s.split(".");
  const digits = (intPart === "0" ? "" : intPart!) + frac;
  const sig = digits.replace(/^0+/, "").length;
  return frac.length <= 6 - szDecimals && sig <= 5;
}

function decimalsOfString(x: number): number {
  const s = String(x);
  if (s.includes("e")) return 99;
  return s.includes(".") ? s.split(".")[1]!.length : 0;
}

const modes: RoundMode[] = ["down", "up", "nearest"];

describe("Hyperliquid prices by hand", () => {
  it("BTC (szDecimals 5 → ≤ 1 decimal): 97123.4 has 6 sig figs → integers", () => {
    // 5 integer digits → 5 − 5 = 0 decimals allowed
    expect(hlPriceDecimals(97123.4, 5)).toBe(0);
    expect(roundHlPrice(97123.4, 5, "down")).toBe(97123);
    expect(roundHlPrice(97123.4, 5, "up")).toBe(97124);
    expect(roundHlPrice(97123.4, 5, "nearest")).toBe(97123);
    // 4 integer digits → 1 decimal, and 6 − 5 = 1 → 1 decimal
    expect(roundHlPrice(1234.56, 5, "down")).toBe(1234.5);
    expect(isValidHlPrice(123456, 5)).toBe(true); // integers are always valid
  });

  it("ETH-like (szDecimals 4 → ≤ 2 decimals)", () => {
    // 3456.78: 4 integer digits → 1 decimal
    expect(roundHlPrice(3456.78, 4, "down")).toBe(3456.7);
    expect(roundHlPrice(3456.78, 4, "up")).toBe(3456.8);
    // 12.3456: sig figs allow 3 decimals but 6 − 4 = 2 caps it
    expect(roundHlPrice(12.3456, 4, "down")).toBe(12.34);
    expect(roundHlPrice(12.3456, 4, "up")).toBe(12.35);
  });

  it("small coin (szDecimals 0 → ≤ 6 decimals)", () => {
    // 0.0123456: leading digit at 1e-2 → 5 sig figs need 6 decimals → 0.012345 / 0.012346
    expect(roundHlPrice(0.0123456, 0, "down")).toBe(0.012345);
    expect(roundHlPrice(0.0123456, 0, "up")).toBe(0.012346);
    // 0.00012345678: sig figs would allow 8 decimals, the cap is 6 → 0.000123 / 0.000124
    expect(roundHlPrice(0.00012345678, 0, "down")).toBe(0.000123);
    expect(roundHlPrice(0.00012345678, 0, "up")).toBe(0.000124);
    // crossing a power of ten: 9.99996 → 4 decimals → up gives 10 (valid)
    expect(roundHlPrice(9.99996, 0, "up")).toBe(10);
  });

  it("validity", () => {
    expect(isValidHlPrice(1.2345, 0)).toBe(true);
    expect(isValidHlPrice(1.23456, 0)).toBe(false); // 6 sig figs
    expect(isValidHlPrice(0.1 + 0.2, 0)).toBe(false); // 0.30000000000000004
    expect(isValidHlPrice(roundHlPrice(0.1 + 0.2, 0, "nearest"), 0)).toBe(true);
    expect(roundHlPrice(0.1 + 0.2, 0, "up")).toBe(0.3); // within ulps of the grid: not pushed a step up
    expect(isValidHlPrice(1234.5, 5)).toBe(true);
    expect(isValidHlPrice(1234.5, 6)).toBe(false); // 6 − 6 = 0 decimals
    expect(isValidHlPrice(0, 0)).toBe(false);
    expect(isValidHlPrice(Number.NaN, 0)).toBe(false);
  });

  it("sizes and notional", () => {
    expect(roundSize(0.123456, 5, "down")).toBe(0.12345);
    expect(roundSize(0.123451, 5, "up")).toBe(0.12346);
    expect(roundSize(0.1 + 0.2, 1, "up")).toBe(0.3);
    expect(HL_MIN_ORDER_NOTIONAL_USD).toBe(10);
    expect(meetsMinNotional(100_000, 0.0001, 10)).toBe(true); // 100000 × 0.0001 = 10.000000000000002 or 10
    expect(meetsMinNotional(99_999, 0.0001, 10)).toBe(false); // 9.9999
    expect(meetsMinNotional(Number.NaN, 1, 10)).toBe(false);
  });

  it("throws clear errors on bad input", () => {
    expect(() => roundHlPrice(-1, 0, "down")).toThrow(/price/);
    expect(() => roundHlPrice(1, 7, "down")).toThrow(/szDecimals/);
    expect(() => roundHlPrice(1, 1.5, "down")).toThrow(/szDecimals/);
    expect(() => roundHlPrice(1, 0, "sideways" as RoundMode)).toThrow(/mode/);
    expect(() => roundSize(-0.1, 3, "down")).toThrow(/size/);
  });
});

describe("Hyperliquid properties", () => {
  it("result valid, directional, idempotent; down ≤ nearest ≤ up", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-5, max: 1e6, noNaN: true }),
        fc.integer({ min: 0, max: 5 }),
        (price, sz) => {
          const down = roundHlPrice(price, sz, "down");
          const up = roundHlPrice(price, sz, "up");
          const near = roundHlPrice(price, sz, "nearest");
          const eps = price * 1e-12;
          expect(down).toBeLessThanOrEqual(price + eps);
          expect(up).toBeGreaterThanOrEqual(price - eps);
          expect(near === down || near === up).toBe(true);
          for (const r of [down, up, near]) {
            if (r === 0) continue; // below the smallest step, rounded down
            expect(isValidHlPrice(r, sz)).toBe(true);
            expect(hlValidByString(r, sz)).toBe(true);
            for (const m of modes) expect(roundHlPrice(r, sz, m)).toBe(r);
          }
        },
      ),
      { seed: 42, numRuns: 2000 },
    );
  });

  it("the factory matches the functions", () => {
    const rules = hyperliquidTickRules(4);
    expect(rules.minNotional).toBe(10);
    expect(rules.roundPrice(3456.78, "down")).toBe(3456.7);
    expect(rules.roundSize(1.234567, "nearest")).toBe(1.2346);
    expect(rules.isValidPrice(3456.7)).toBe(true);
    expect(rules.isValidPrice(3456.75)).toBe(false);
  });
});

describe("fixed grids", () => {
  it("by hand", () => {
    expect(roundToTick(0.1 + 0.2, 0.1, "up")).toBe(0.3);
    expect(roundToTick(0.1 + 0.2, 0.1, "down")).toBe(0.3);
    // 60000.05 / 0.1 = 600000.5 − float noise: down → 60000, up → 60000.1
    expect(roundToTick(60000.04, 0.1, "down")).toBe(60000);
    expect(roundToTick(60000.04, 0.1, "up")).toBe(60000.1);
    expect(roundToTick(60000.07, 0.1, "nearest")).toBe(60000.1);
    expect(roundToTick(101.3, 0.5, "up")).toBe(101.5);
    expect(roundToTick(101.3, 0.5, "down")).toBe(101);
    expect(roundToTick(7, 5, "nearest")).toBe(5);
    expect(roundToLot(0.0015, 0.001, "down")).toBe(0.001);
    expect(roundToLot(0.0015, 0.001, "up")).toBe(0.002);
    expect(roundToLot(3 * 0.001, 0.001, "down")).toBe(0.003); // 0.003 exactly, not 0.0030000000000000005
    expect(gridDecimals(0.1)).toBe(1);
    expect(gridDecimals(0.25)).toBe(2);
    expect(gridDecimals(5)).toBe(0);
    expect(() => roundToTick(1, 0, "down")).toThrow(/tick/);
    expect(() => roundToLot(1, -1, "down")).toThrow(/lot/);
    expect(() => roundToTick(Number.NaN, 0.1, "down")).toThrow(/finite/);
  });

  it("properties: on grid, ≤ grid decimals, directional, idempotent, within one step", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 200_000, noNaN: true }),
        fc.constantFrom(0.1, 0.01, 0.5, 0.001, 1, 0.25, 5, 0.00001),
        fc.constantFrom<RoundMode>("down", "up", "nearest"),
        (price, tick, mode) => {
          const r = roundToTick(price, tick, mode);
          expect(decimalsOfString(r)).toBeLessThanOrEqual(gridDecimals(tick));
          const count = r / tick;
          expect(Math.abs(count - Math.round(count))).toBeLessThan(Math.max(1e-9, 1e-14 * count));
          expect(Math.abs(r - price)).toBeLessThanOrEqual(tick * (1 + 1e-9));
          const eps = price * 1e-12;
          if (mode === "down") expect(r).toBeLessThanOrEqual(price + eps);
          if (mode === "up") expect(r).toBeGreaterThanOrEqual(price - eps);
          for (const m of modes) expect(roundToTick(r, tick, m)).toBe(r);
        },
      ),
      { seed: 42, numRuns: 2000 },
    );
  });

  it("fixedTickRules factory (Binance BTCUSDT perp: tick 0.1, lot 0.001, min notional 100)", () => {
    const rules = fixedTickRules(0.1, 0.001, 100);
    expect(rules.roundPrice(60000.06, "down")).toBe(60000);
    expect(rules.roundPrice(60000.01, "up")).toBe(60000.1);
    expect(rules.roundSize(0.0029, "down")).toBe(0.002);
    expect(rules.isValidPrice(60000.1)).toBe(true);
    expect(rules.isValidPrice(60000.15)).toBe(false);
    expect(rules.minNotional).toBe(100);
    expect(() => rules.roundPrice(-5, "down")).toThrow(/price/);
    expect(() => fixedTickRules(0, 0.001, 100)).toThrow(/tick/);
    expect(() => fixedTickRules(0.1, 0.001, -1)).toThrow(/minNotional/);
  });
});

describe("lotSize", () => {
  it("is the size grid step: 10^-szDecimals on Hyperliquid, the lot on fixed grids", () => {
    expect(hyperliquidTickRules(5).lotSize).toBe(0.00001);
    expect(hyperliquidTickRules(0).lotSize).toBe(1);
    expect(fixedTickRules(0.00001, 1, 5).lotSize).toBe(1);
    expect(fixedTickRules(0.01, 0.001, 5).lotSize).toBe(0.001);
    // roundSize lands on whole multiples of lotSize.
    const r = hyperliquidTickRules(4);
    expect(Number.isInteger(Math.round(r.roundSize(0.12345, "down") / r.lotSize))).toBe(true);
  });
});

/** A decimal grid step m × 10^e, as a user or a venue would spell it ("25e-12"), and its double. */
interface DecimalStep {
  mantissa: number;
  exponent: number;
  step: number;
}

/** Steps m × 10^e from 1e-12 to 1e3 (m in 1..99), the double nearest the decimal. */
const decimalStepArb: fc.Arbitrary<DecimalStep> = fc
  .tuple(fc.integer({ min: 1, max: 99 }), fc.integer({ min: -13, max: 3 }))
  .map(([mantissa, exponent]) => ({ mantissa, exponent, step: Number(`${mantissa}e${exponent}`) }))
  .filter((s) => s.step >= 1e-12 && s.step <= 1e3);

/** The double nearest count × m × 10^e, computed exactly in decimal (what an on-grid result must equal). */
function exactGridValue(count: number, s: DecimalStep): number {
  return Number(`${BigInt(count) * BigInt(s.mantissa)}e${s.exponent}`);
}

describe("tiny and large ticks (1e-12 … 1e3)", () => {
  it("gridDecimals counts the decimals of tiny steps (relative tolerance, not absolute)", () => {
    expect(gridDecimals(1e-10)).toBe(10);
    expect(gridDecimals(0.0000000001)).toBe(10);
    expect(gridDecimals(1e-12)).toBe(12);
    expect(gridDecimals(2.5e-11)).toBe(12);
    expect(gridDecimals(1e-9)).toBe(9);
    expect(gridDecimals(1e-8)).toBe(8);
    expect(gridDecimals(1000)).toBe(0);
    expect(gridDecimals(0.1 + 0.2)).toBe(1); // float noise of a computed step is absorbed
  });

  it("rounds a BTTC-like price (7e-7, tick 1e-10) and PEPE-like prices (tick 1e-8, 1e-9) onto the grid", () => {
    expect(roundToTick(0.00000069995, 1e-10, "down")).toBe(0.0000006999);
    expect(roundToTick(0.00000069995, 1e-10, "up")).toBe(0.0000007);
    expect(roundToTick(0.0000007, 1e-10, "nearest")).toBe(0.0000007);
    const bttc = fixedTickRules(0.0000000001, 1, 0);
    expect(bttc.roundPrice(7e-7 * (1 + 1e-6), "down")).toBe(0.0000007);
    expect(bttc.roundPrice(0.0000000001, "down")).toBe(0.0000000001);
    expect(bttc.isValidPrice(0.0000006999)).toBe(true);
    expect(bttc.isValidPrice(0.00000069995)).toBe(false);
    expect(roundToTick(0.000012345, 1e-8, "down")).toBe(0.00001234);
    expect(roundToTick(0.000012345, 1e-8, "up")).toBe(0.00001235);
    expect(roundToTick(0.0000123456, 1e-9, "down")).toBe(0.000012345);
    expect(roundToTick(3e-12 + 1e-13, 1e-12, "down")).toBe(3e-12);
    expect(roundToLot(123.456, 1e-12, "down")).toBe(123.456);
  });

  const rules = (step: number) => fixedTickRules(step, step, 0);
  const countArb = fc.double({ min: 1, max: 1e7, noNaN: true, noDefaultInfinity: true });

  it("properties: exactly on the grid (no float noise), directional, within one tick, idempotent", () => {
    fc.assert(
      fc.property(decimalStepArb, countArb, fc.constantFrom<RoundMode>(...modes), (s, ticks, mode) => {
        const price = ticks * s.step;
        const r = roundToTick(price, s.step, mode);
        const count = Math.round(r / s.step);
        expect(Math.abs(r / s.step - count)).toBeLessThanOrEqual(1e-9 * count);
        expect(r).toBe(exactGridValue(count, s));
        expect(rules(s.step).roundPrice(price, mode)).toBe(r);
        expect(Math.abs(r - price)).toBeLessThanOrEqual(s.step * (1 + 1e-9));
        if (mode === "down") expect(r).toBeLessThanOrEqual(price * (1 + 1e-12));
        if (mode === "up") expect(r).toBeGreaterThanOrEqual(price * (1 - 1e-12));
        for (const m of modes) expect(roundToTick(r, s.step, m)).toBe(r);
        expect(rules(s.step).isValidPrice(r)).toBe(true);
        const size = roundToLot(price, s.step, mode);
        expect(size).toBe(r);
      }),
      { seed: 20240809, numRuns: 5000 },
    );
  });

  it("properties: never 0 for a price of at least one tick, and monotone in the price", () => {
    fc.assert(
      fc.property(
        decimalStepArb,
        countArb,
        countArb,
        fc.constantFrom<RoundMode>(...modes),
        (s, ticksA, ticksB, mode) => {
          const lo = Math.min(ticksA, ticksB) * s.step;
          const hi = Math.max(ticksA, ticksB) * s.step;
          const g = rules(s.step);
          const rLo = g.roundPrice(lo, mode);
          expect(rLo).toBeGreaterThanOrEqual(s.step);
          expect(rLo).toBeLessThanOrEqual(g.roundPrice(hi, mode));
          expect(roundToTick(s.step, s.step, "down")).toBe(s.step);
        },
      ),
      { seed: 7, numRuns: 5000 },
    );
  });
});

describe("validity of non-positive prices (mutation audit)", () => {
  it("a negative or zero price is never valid, even on the grid", () => {
    const fixed = fixedTickRules(0.1, 0.001, 0);
    expect(fixed.isValidPrice(-0.5)).toBe(false); // −5 ticks: on the grid, but no price
    expect(fixed.isValidPrice(0)).toBe(false);
    expect(fixed.isValidPrice(0.5)).toBe(true);
    const hl = hyperliquidTickRules(5);
    expect(hl.isValidPrice(-100)).toBe(false);
    expect(hl.isValidPrice(0)).toBe(false);
    expect(hl.isValidPrice(100)).toBe(true);
  });
});
