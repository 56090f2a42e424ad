/**
 * What the loop quotes when the kill switch is not active: in reduce-only only the side that
 * reduces the position, sized to at most the position; when halted, nothing (every order pulled).
 * A 99.9/100.1 book; a sweep fills our three 0.001 orders on one side at +5.1 s (|position| 0.003,
 * equity peak ≈ 1.00056 on a capital of 1); then the mid moves 0.15 against the position: a loss of
 * 0.003 × 0.15 = 0.00045, a drawdown of ≈ 0.045 % — past the reduce-only level (2/3 of the 0.06 %
 * halt level: 0.04 %) and short of the halt level.
 */
import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import type { PaperTrader } from "../src/trader.js";
import { gridTrader } from "./helpers.js";
import { bookAt, buySweep, GRID_T0 as T0, gridBook, sellSweep } from "./grid-events.js";

const LOT = 0.001;

/** Books to +5 s, the sweep at +5.1 s, books to +6 s: |position| 0.003 with the mid still 100. */
function swept(sweep: (ts: number) => MarketEvent): PaperTrader {
  const t = gridTrader({ orderSizeBase: LOT, killDrawdownPct: 0.06 });
  let ts = T0;
  for (; ts <= T0 + 5000; ts += 100) t.onEvent(gridBook(ts));
  t.onEvent(sweep(ts));
  for (ts += 100; ts <= T0 + 6000; ts += 100) t.onEvent(gridBook(ts));
  return t;
}

const sizeOn = (t: PaperTrader, side: "buy" | "sell"): number =>
  t.p.exchange
    .openOrders()
    .filter((o) => o.side === side)
    .reduce((s, o) => s + o.size - o.filledSize, 0);

describe.each([
  // long after a seller sweeps our bids: the book drops to 99.75/99.95 (inside our resting bids and asks)
  {
    name: "long",
    sweep: sellSweep,
    bid: 99.75,
    ask: 99.95,
    position: 3 * LOT,
    reducing: "sell",
    growing: "buy",
  },
  // short after a buyer sweeps our asks: the book rises to 100.05/100.25
  {
    name: "short",
    sweep: buySweep,
    bid: 100.05,
    ask: 100.25,
    position: -3 * LOT,
    reducing: "buy",
    growing: "sell",
  },
] as const)("reduce-only while $name", ({ sweep, bid, ask, position, reducing, growing }) => {
  it("quotes only the side that reduces the position, at most the position in total", () => {
    const t = swept(sweep);
    expect(t.p.exchange.pnl().positionBase).toBeCloseTo(position, 12);
    expect(t.p.killSwitch.state()).toBe("active");
    expect(sizeOn(t, growing)).toBeGreaterThan(0); // both sides quoted while active
    for (let ts = T0 + 6100; ts <= T0 + 8000; ts += 100) t.onEvent(bookAt(ts, bid, ask));
    expect(t.p.killSwitch.state()).toBe("reduceOnly");
    expect(t.p.killSwitch.reason()).toMatch(/^drawdown 0\.04\d+% ≥ reduce-only level 0\.0400%/);
    expect(t.p.exchange.pnl().positionBase).toBeCloseTo(position, 12); // nothing filled meanwhile
    expect(sizeOn(t, growing)).toBe(0);
    expect(t.p.exchange.openOrders().every((o) => o.side === reducing)).toBe(true);
    expect(sizeOn(t, reducing)).toBeGreaterThan(0);
    expect(sizeOn(t, reducing)).toBeLessThanOrEqual(Math.abs(position) * (1 + 1e-9));
    expect(t.stopReason).toBeNull();
  });
});

describe("halted", () => {
  it("cancels every resting order in the cycle that halts, and says why", () => {
    const t = swept(sellSweep);
    for (let ts = T0 + 6100; ts <= T0 + 8000; ts += 100) t.onEvent(bookAt(ts, 99.75, 99.95));
    expect(t.p.killSwitch.state()).toBe("reduceOnly");
    expect(t.p.exchange.openOrders().length).toBeGreaterThan(0);
    // the mid drops to 99: 0.003 × 1 lost from the peak, ≈ 0.3 % ≥ the 0.06 % halt level
    let ts = T0 + 8100;
    for (; t.stopReason === null && ts <= T0 + 10_000; ts += 100) t.onEvent(bookAt(ts, 98.9, 99.1));
    expect(t.stopReason).toMatch(/^kill switch HALTED: drawdown 0\.\d+% ≥ halt level 0\.0600%/);
    const open = t.p.exchange.openOrders();
    expect(open.length).toBeGreaterThan(0); // the cancels are in flight (50 ms latency)…
    expect(open.every((o) => o.status === "cancelPending")).toBe(true);
    t.onTimer(ts + 100); // …and land
    expect(t.p.exchange.openOrders()).toEqual([]);
  });
});
