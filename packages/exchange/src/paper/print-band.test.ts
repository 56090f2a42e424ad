import type { MarketEvent, Side } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { parsePaperExchangeConfig } from "./config.js";
import { PaperExchange, type PaperExchangeState } from "./paper-exchange.js";
import { fillsOf, snap, stairBook, trade } from "./test-helpers.js";

const T0 = 1_000_000;
const Z = { kind: "constant" as const, orderEntryMs: 0, cancelMs: 0 };

/** A `through` exchange on a 100 / 100.2 book (mid 100.1) with one of our orders resting live. */
function withOrder(side: Side, price: number, config: { printBandFactor?: number } = {}): PaperExchange {
  const ex = new PaperExchange({ fillModel: "through", latency: Z, horizonsSec: [1], ...config });
  ex.onMarketEvent(snap(T0, [[100, 5]], [[100.2, 5]]));
  ex.place({ side, price, size: 1, postOnly: true });
  ex.advanceTo(T0 + 1);
  return ex;
}

describe("a print far from the mid is refused as corrupt data", () => {
  it("a buy print at 1e300 fills nothing and is counted with its reason", () => {
    const ex = withOrder("sell", 100.3);
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 5, 1e300, 1, "buy")))).toEqual([]);
    expect(ex.rejectedTradeEvents).toBe(1);
    expect(ex.lastRejectedTradeReason).toBe("a buy print at 1e+300 is more than 10× away from the mid 100.1");
    expect(ex.pnl().positionBase).toBe(0);
    // A real print through our ask still fills it afterwards.
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 6, 100.4, 1, "buy")))).toMatchObject([
      { price: 100.3, size: 1 },
    ]);
  });

  it("the band is 10× the mid either way, bounds included (mid 100.1: 1001 and 10.01)", () => {
    const cases: [Side, number, number, boolean][] = [
      // [our side, our price, print price, fills]
      ["sell", 100.3, 1001, true],
      ["sell", 100.3, 1001.0000001, false],
      ["buy", 99.9, 10.01, true],
      ["buy", 99.9, 10.0099999, false],
    ];
    for (const [side, price, print, fills] of cases) {
      const ex = withOrder(side, price);
      const got = fillsOf(ex.onMarketEvent(trade(T0 + 5, print, 1, side === "sell" ? "buy" : "sell")));
      expect(got.length, `print at ${print}`).toBe(fills ? 1 : 0);
      expect(ex.rejectedTradeEvents, `print at ${print}`).toBe(fills ? 0 : 1);
    }
  });

  it("the factor is configurable, and a huge one lets every finite print through", () => {
    // factor 1.002 around mid 100.1: prints up to 100.3002
    const tight = withOrder("sell", 100.3, { printBandFactor: 1.002 });
    expect(fillsOf(tight.onMarketEvent(trade(T0 + 5, 100.3001, 1, "buy")))).toHaveLength(1);
    const tight2 = withOrder("sell", 100.3, { printBandFactor: 1.002 });
    expect(fillsOf(tight2.onMarketEvent(trade(T0 + 5, 100.31, 1, "buy")))).toEqual([]);
    expect(tight2.rejectedTradeEvents).toBe(1);
    const off = withOrder("sell", 100.3, { printBandFactor: 1e300 });
    expect(fillsOf(off.onMarketEvent(trade(T0 + 5, 1e300, 1, "buy")))).toHaveLength(1);
    expect(off.rejectedTradeEvents).toBe(0);
  });

  it("before any two-sided book there is no mid to judge by: the print is taken", () => {
    const ex = new PaperExchange({ fillModel: "through", latency: Z });
    ex.onMarketEvent(snap(T0, [], [[100.2, 5]]));
    ex.place({ side: "sell", price: 100.3, size: 1, postOnly: true });
    ex.advanceTo(T0 + 1);
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 5, 1e300, 1, "buy")))).toHaveLength(1);
    expect(ex.rejectedTradeEvents).toBe(0);
  });

  it("a one-sided book is judged by the last mid (asks wiped: a print at 1e300 is still refused)", () => {
    const ex = withOrder("sell", 100.3);
    ex.onMarketEvent(snap(T0 + 2, [[100, 5]], []));
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 5, 1e300, 1, "buy")))).toEqual([]);
    expect(ex.lastRejectedTradeReason).toBe("a buy print at 1e+300 is more than 10× away from the mid 100.1");
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 6, 150, 1, "buy")))).toMatchObject([
      { price: 100.3, size: 1 },
    ]);
  });

  it("a cancelled order's prediction (virtual order) is not marked filled by a refused print", () => {
    const outcome = (print: number): (boolean | null)[] | undefined => {
      const ex = new PaperExchange({
        fillModel: "through",
        latency: Z,
        horizonsSec: [1],
        intensity: { aPerSec: 1, kappaPerFrac: 1000 },
      });
      ex.onMarketEvent(snap(T0, [[100, 5]], [[100.2, 5]]));
      const id = ex.place({ side: "sell", price: 100.3, size: 1, postOnly: true }).orderId;
      ex.advanceTo(T0 + 1);
      ex.cancel(id);
      ex.advanceTo(T0 + 2);
      ex.onMarketEvent(trade(T0 + 5, print, 1, "buy"));
      const records = ex.advanceTo(T0 + 2_000).flatMap((e) => (e.type === "prediction" ? [e.record] : []));
      return records.find((r) => r.orderId === id)?.filled;
    };
    expect(outcome(500)).toEqual([true]);
    expect(outcome(5000)).toEqual([false]);
  });

  it("a refused print changes nothing else: not the clock, a pending order, nor a sweep going on", () => {
    const ex = new PaperExchange({
      fillModel: "through",
      latency: { kind: "constant", orderEntryMs: 10, cancelMs: 10 },
    });
    ex.onMarketEvent(stairBook(T0));
    const id = ex.place({ side: "sell", price: 100.15, size: 1, postOnly: true }).orderId;
    // 20 ms later: the order would have gone live at T0 + 10 had this been a real event
    expect(ex.onMarketEvent(trade(T0 + 20, 1e300, 1, "buy"))).toEqual([]);
    expect(ex.nowMs).toBe(T0);
    expect(ex.order(id)?.status).toBe("pending");
    ex.advanceTo(T0 + 20);
    expect(ex.order(id)?.status).toBe("open");
    const print = (price: number, goesOn: boolean): MarketEvent => {
      const ev = trade(T0 + 25, price, 0.2, "buy");
      if (ev.type === "trade" && goesOn) ev.trade.sweepContinues = true;
      return ev;
    };
    expect(ex.onMarketEvent(print(100.2, true))).toEqual([]);
    // a refused print does not end the sweep (as a print never received: the next event does)
    expect(ex.onMarketEvent(print(1e300, false))).toEqual([]);
    expect(ex.onMarketEvent(print(100.3, true))).toEqual([]);
    const fills = fillsOf(ex.onMarketEvent(print(100.4, false)));
    expect(fills).toHaveLength(1);
    expect(fills[0]!.size).toBeCloseTo(0.6, 12);
    expect(ex.rejectedTradeEvents).toBe(2);
  });

  it("the count survives a checkpoint (JSON round trip); an older state without it restores 0", () => {
    const ex = withOrder("sell", 100.3);
    ex.onMarketEvent(trade(T0 + 5, 1e300, 1, "buy"));
    ex.onMarketEvent(trade(T0 + 6, 1e-300, 1, "sell"));
    const state = JSON.parse(JSON.stringify(ex.getState())) as PaperExchangeState;
    const back = new PaperExchange({ fillModel: "through", latency: Z, horizonsSec: [1] });
    back.setState(state);
    expect(back.rejectedTradeEvents).toBe(2);
    const { rejectedTradeEvents: _, ...older } = state;
    const old = new PaperExchange({ fillModel: "through", latency: Z, horizonsSec: [1] });
    old.setState(older);
    expect(old.rejectedTradeEvents).toBe(0);
    // Nothing refused: the state has no such field (checkpoints of clean runs are unchanged).
    expect("rejectedTradeEvents" in withOrder("sell", 100.3).getState()).toBe(false);
  });

  it("a factor of 1 or less is a config error naming the field; the default is 10", () => {
    expect(() => parsePaperExchangeConfig({ printBandFactor: 1 })).toThrow(/printBandFactor/);
    expect(parsePaperExchangeConfig({}).printBandFactor).toBe(10);
  });
});
