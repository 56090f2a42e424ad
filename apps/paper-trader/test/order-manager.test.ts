import { fixedTickRules, type MarketEvent, type QuoteLadder } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { buildParts } from "../src/build.js";
import { parseConfig } from "../src/config.js";
import { createLogger } from "../src/logging.js";
import type { PlacementContext } from "../src/order-manager.js";
import { PaperTrader } from "../src/trader.js";

const T0 = 1_000_000;

function snap(t: number, bid: number, ask: number): MarketEvent {
  return {
    type: "snapshot",
    exchangeTsMs: t,
    localTsMs: t,
    bids: [{ price: bid, size: 1 }],
    asks: [{ price: ask, size: 1 }],
  };
}

/** A trader wired as the CLI wires it (exchange with constant latencies, order manager, handle). */
function trader(entryMs: number, cancelMs: number): PaperTrader {
  const t = new PaperTrader(
    buildParts(parseConfig({ latencyMs: entryMs, orderSizeBase: 0.001 }), {
      logger: createLogger("silent", false),
      out: null,
      metrics: null,
      tickRules: fixedTickRules(0.1, 0.001, 0),
      firstMid: 100,
      clock: "exchange",
      quoteCurrency: "USD",
    }),
  );
  // deterministic latencies for the race: entry `entryMs`, cancel `cancelMs`
  (t.p.exchange as { latencyModel: unknown }).latencyModel = {
    orderEntryMs: (): number => entryMs,
    cancelMs: (): number => cancelMs,
  };
  return t;
}

const bid = (price: number): QuoteLadder =>
  ({
    bids: [{ side: "buy", level: 0, price, size: 0.001, depthBps: 1 }],
    asks: [],
  }) as unknown as QuoteLadder;
const none = { bids: [], asks: [] } as unknown as QuoteLadder;
const ctx = (tsMs: number): PlacementContext => ({
  cycleId: 1,
  mid: 100,
  predictedAdverseBps: 0,
  pAdverseGivenFill: 0.5,
  feeBps: 1.5,
  sigmaPerSqrtSec: 0,
  gamma: 1,
  inventoryBase: 0,
  tsMs,
  intensity: null,
});

describe("order manager: a modify that does not take effect leaves no unmanaged order", () => {
  it("level pulled while its modify is in flight: the kept old order is tracked again and cancelled", () => {
    const t = trader(50, 10);
    const ex = t.p.exchange;
    t.handle(ex.onMarketEvent(snap(T0, 99, 101)));
    t.handle(t.orders.reconcile(bid(99.5), ctx(T0)));
    t.handle(ex.advanceTo(T0 + 50)); // live
    t.handle(t.orders.reconcile(bid(99.6), ctx(T0 + 50))); // modify in flight (50 ms)
    t.handle(t.orders.reconcile(none, ctx(T0 + 60))); // side pulled: the replacement is cancelled (10 ms)
    t.handle(ex.advanceTo(T0 + 200)); // the modify fails: the old order stays
    t.handle(t.orders.reconcile(none, ctx(T0 + 250))); // the next cycle cancels it
    t.handle(ex.advanceTo(T0 + 300));
    expect(ex.openOrders()).toEqual([]);
  });

  it("modify rejected (would cross): the old order keeps the level, no second order joins it", () => {
    const t = trader(10, 10);
    const ex = t.p.exchange;
    t.handle(ex.onMarketEvent(snap(T0, 99, 101)));
    t.handle(t.orders.reconcile(bid(99.5), ctx(T0)));
    t.handle(ex.advanceTo(T0 + 10));
    t.handle(t.orders.reconcile(bid(100.5), ctx(T0 + 10))); // modify to 100.5
    t.handle(ex.onMarketEvent(snap(T0 + 15, 99, 100.4))); // ask 100.4: the modify would cross
    t.handle(ex.advanceTo(T0 + 20)); // rejected; 99.5 stays
    for (let k = 0; k < 3; k++) {
      t.handle(t.orders.reconcile(bid(99.5 - k * 0.1), ctx(T0 + 30 + k * 20)));
      t.handle(ex.advanceTo(T0 + 40 + k * 20));
    }
    expect(ex.openOrders().length).toBe(1);
    t.handle(t.orders.cancelAll());
    t.handle(ex.advanceTo(T0 + 300));
    expect(ex.openOrders()).toEqual([]);
  });
});
