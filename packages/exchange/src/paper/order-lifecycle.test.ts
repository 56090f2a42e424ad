import { describe, expect, it } from "vitest";
import type { MarketEvent } from "@mmkit/core";
import { PaperExchange } from "./paper-exchange.js";
import { fillsOf, snap, trade } from "./test-helpers.js";

const T0 = 1_000_000;
const LAT = { kind: "constant" as const, orderEntryMs: 10, cancelMs: 10 };

describe("order lifecycle", () => {
  it("acks on submit, goes live after the entry latency, and reports order state", () => {
    const ex = new PaperExchange({ latency: { kind: "constant", orderEntryMs: 40, cancelMs: 10 } });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
    const r = ex.place({
      clientId: "q1",
      side: "buy",
      price: 100,
      size: 1,
      postOnly: true,
      cycleId: 7,
      level: 0,
    });
    expect(r.ok).toBe(true);
    expect(r.events).toEqual([
      { type: "ack", tsMs: T0, action: "place", orderId: r.orderId, clientId: "q1" },
    ]);
    expect(ex.order(r.orderId)?.status).toBe("pending");
    expect(ex.advanceTo(T0 + 39)).toEqual([]);
    const live = ex.advanceTo(T0 + 40);
    expect(live).toMatchObject([
      { type: "live", tsMs: T0 + 40, order: { id: r.orderId, status: "open", cycleId: 7, level: 0 } },
    ]);
  });

  it("rejects a book event with a price ≤ 0 (counted) and keeps the last valid book", () => {
    const ex = new PaperExchange({ latency: LAT });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
    const bad: MarketEvent = {
      type: "bbo",
      exchangeTsMs: T0 + 1,
      localTsMs: T0 + 1,
      bbo: { bidPrice: 99, bidSize: 1, askPrice: 0, askSize: 0 },
    };
    expect(() => ex.onMarketEvent(bad)).not.toThrow();
    expect(ex.rejectedBookEvents).toBe(1);
    expect(ex.book.mid()).toBe(100);
  });

  it("rejects post-only orders that would cross when they become live", () => {
    const ex = new PaperExchange({ latency: LAT });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
    const crossing = ex.place({ side: "buy", price: 101, size: 1, postOnly: true });
    const fine = ex.place({ side: "buy", price: 100.5, size: 1, postOnly: true });
    // Before fine goes live the ask drops to 100.5: now it would cross too.
    const evs = ex.onMarketEvent(snap(T0 + 5, [[99, 1]], [[100.5, 1]]));
    expect(evs).toEqual([]);
    const later = ex.advanceTo(T0 + 10);
    expect(later.map((e) => [e.type, e.type === "reject" ? e.reason : ""])).toEqual([
      ["reject", "postOnlyWouldCross"],
      ["reject", "postOnlyWouldCross"],
    ]);
    expect(later[0]).toMatchObject({ orderId: crossing.orderId, action: "place" });
    expect(later[1]).toMatchObject({ orderId: fine.orderId });
    expect(ex.openOrders()).toEqual([]);
  });

  it("a post-only sell at exactly the best bid is rejected as crossing (the boundary, mirrored)", () => {
    const ex = new PaperExchange({ latency: LAT });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
    const atBid = ex.place({ side: "sell", price: 99, size: 1, postOnly: true });
    const above = ex.place({ side: "sell", price: 99.5, size: 1, postOnly: true });
    const later = ex.advanceTo(T0 + 10);
    expect(later.filter((e) => e.type === "reject").map((e) => e.type === "reject" && e.orderId)).toEqual([
      atBid.orderId,
    ]);
    expect(later[0]).toMatchObject({
      reason: "postOnlyWouldCross",
      message: "sell at 99 would cross best bid 99",
    });
    expect(ex.openOrders().map((o) => o.id)).toEqual([above.orderId]);
  });

  it("a post-only order that would match our own resting order on the other side is rejected (ALO on a venue)", () => {
    const ex = new PaperExchange({ latency: LAT });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[103, 1]]));
    const ask = ex.place({ side: "sell", price: 101, size: 1, postOnly: true });
    ex.place({ side: "buy", price: 100, size: 1, postOnly: true });
    ex.advanceTo(T0 + 10);
    // Both rest inside the market's 99/103: a buy at our own ask (101 < 103) would trade with it.
    const atOwnAsk = ex.place({ side: "buy", price: 101, size: 1, postOnly: true });
    const belowOwnAsk = ex.place({ side: "buy", price: 100.5, size: 1, postOnly: true });
    const later = ex.advanceTo(T0 + 20);
    expect(later.filter((e) => e.type === "reject")).toMatchObject([
      {
        orderId: atOwnAsk.orderId,
        action: "place",
        reason: "postOnlyWouldCross",
        message: `buy at 101 would cross our own resting ask 101 (order ${ask.orderId})`,
      },
    ]);
    // Mirrored through a modify: our ask moved down onto our best bid (100.5) is refused, the ask keeps resting.
    const m = ex.modify(ask.orderId, { price: 100.5, size: 1 });
    expect(ex.advanceTo(T0 + 30)).toMatchObject([
      {
        type: "reject",
        action: "modify",
        orderId: m.orderId,
        reason: "postOnlyWouldCross",
        message: `sell at 100.5 would cross our own resting bid 100.5 (order ${belowOwnAsk.orderId}); ${ask.orderId} stays open`,
        keptOrderId: ask.orderId,
      },
    ]);
    expect(
      ex
        .openOrders()
        .map((o) => [o.side, o.price])
        .sort(),
    ).toEqual([
      ["buy", 100],
      ["buy", 100.5],
      ["sell", 101],
    ]);
  });

  it("rejects invalid requests with a message naming the field", () => {
    const ex = new PaperExchange({ latency: LAT });
    const bad = ex.place({ side: "buy", price: Number.NaN, size: 1, postOnly: true });
    expect(bad.ok).toBe(false);
    expect(bad.events[0]).toMatchObject({ type: "reject", reason: "invalidOrder" });
    expect(bad.events[0]!.type === "reject" && bad.events[0]!.message).toMatch(/price/);
    expect(ex.place({ side: "sell", price: 1, size: -1, postOnly: true }).events[0]).toMatchObject({
      reason: "invalidOrder",
    });
    expect(ex.place({ side: "sell", price: 1, size: 1, postOnly: false }).events[0]).toMatchObject({
      reason: "unsupported",
    });
    expect(ex.cancel("nope").events[0]).toMatchObject({ reason: "unknownOrder" });
    expect(() => new PaperExchange({ touchProb: 2 })).toThrow(/touchProb/);
  });

  it("cancel takes effect only after its latency; a print racing the cancel fills", () => {
    const ex = new PaperExchange({ fillModel: "through", latency: LAT });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
    const id = ex.place({ side: "buy", price: 100, size: 1, postOnly: true }).orderId;
    ex.advanceTo(T0 + 100);
    expect(ex.cancel(id).events).toMatchObject([{ type: "ack", action: "cancel", orderId: id }]);
    expect(ex.order(id)?.status).toBe("cancelPending");
    expect(ex.cancel(id).events[0]).toMatchObject({ type: "reject", reason: "duplicateCancel" });
    // T0+105 < T0+110: the cancel is still in flight, the fill is honoured.
    const f = fillsOf(ex.onMarketEvent(trade(T0 + 105, 99.5, 0.4, "sell")));
    expect(f).toMatchObject([{ orderId: id, size: 0.4, tsMs: T0 + 105 }]);
    // At T0+110 the cancel is effective before the print at the same ms: no fill.
    const evs = ex.onMarketEvent(trade(T0 + 110, 99, 10, "sell"));
    expect(fillsOf(evs)).toEqual([]);
    expect(evs).toMatchObject([
      { type: "cancelled", tsMs: T0 + 110, orderId: id, filledSize: 0.4, reason: "user" },
    ]);
    expect(ex.pnl().positionBase).toBeCloseTo(0.4, 12);
  });

  it("a cancel of an order filled in flight is rejected as not open", () => {
    const ex = new PaperExchange({ fillModel: "through", latency: LAT });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
    const id = ex.place({ side: "buy", price: 100, size: 1, postOnly: true }).orderId;
    ex.advanceTo(T0 + 50);
    ex.cancel(id);
    const evs = ex.onMarketEvent(trade(T0 + 55, 99, 3, "sell"));
    expect(evs.map((e) => e.type)).toEqual(["fill", "filled"]);
    expect(ex.advanceTo(T0 + 60)).toMatchObject([
      { type: "reject", action: "cancel", reason: "orderNotOpen" },
    ]);
  });

  it("a cancel submitted before the order is live cancels it without it ever being live", () => {
    const ex = new PaperExchange({ latency: { kind: "constant", orderEntryMs: 50, cancelMs: 10 } });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
    const id = ex.place({ side: "buy", price: 100, size: 1, postOnly: true }).orderId;
    ex.cancel(id);
    expect(ex.advanceTo(T0 + 100).map((e) => e.type)).toEqual(["cancelled"]);
  });

  it("modify is a cancel-replace with a new id, atomic after the entry latency", () => {
    const ex = new PaperExchange({ fillModel: "queue", latency: LAT });
    ex.onMarketEvent(snap(T0, [[99, 2]], [[101, 1]]));
    const id = ex.place({ side: "buy", price: 100, size: 1, postOnly: true, cycleId: 1 }).orderId;
    ex.advanceTo(T0 + 20);
    const m = ex.modify(id, { price: 99, size: 2 });
    expect(m.ok).toBe(true);
    expect(m.orderId).not.toBe(id);
    expect(m.events[0]).toMatchObject({
      type: "ack",
      action: "modify",
      orderId: m.orderId,
      replacesOrderId: id,
    });
    const evs = ex.advanceTo(T0 + 30);
    expect(evs.map((e) => e.type)).toEqual(["cancelled", "live"]);
    expect(evs[0]).toMatchObject({ orderId: id, reason: "replaced" });
    expect(evs[1]).toMatchObject({
      order: { id: m.orderId, price: 99, size: 2, queueAheadSize: 2, cycleId: 1 },
    });
    // A modify to a crossing price is rejected and the old order keeps resting.
    const bad = ex.modify(m.orderId, { price: 101, size: 1 });
    expect(ex.advanceTo(T0 + 40)).toMatchObject([
      {
        type: "reject",
        action: "modify",
        orderId: bad.orderId,
        reason: "postOnlyWouldCross",
        keptOrderId: m.orderId,
      },
    ]);
    expect(ex.order(m.orderId)?.status).toBe("open");
  });

  it("a cancel of a modify's replacement cancels the order, whichever version rests (as a venue's order id)", () => {
    // entry 50 ms, cancel 10 ms: the cancel of the replacement lands before the modify would
    const ex = new PaperExchange({
      fillModel: "through",
      latency: { kind: "constant", orderEntryMs: 50, cancelMs: 10 },
    });
    ex.onMarketEvent(snap(T0, [[99, 2]], [[101, 1]]));
    const id = ex.place({ side: "buy", price: 99.5, size: 1, postOnly: true }).orderId;
    ex.advanceTo(T0 + 50);
    const m = ex.modify(id, { price: 99.6, size: 1 });
    ex.cancel(m.orderId);
    const evs = ex.advanceTo(T0 + 60);
    expect(evs).toMatchObject([
      { type: "cancelled", orderId: m.orderId, reason: "user" },
      { type: "cancelled", orderId: id, reason: "user" },
    ]);
    expect(ex.advanceTo(T0 + 100)).toEqual([]); // the modify finds nothing left to replace
    expect(ex.openOrders()).toEqual([]);
    // a print through the old price later fills nothing (the old order used to rest on, unmanaged)
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 200, 99.4, 5, "sell")))).toEqual([]);
  });

  it("each fill carries the running PnL right after it, not after the whole event, and the exact fee rate", () => {
    const ex = new PaperExchange({ fillModel: "through", latency: LAT, makerFeeBps: 1.5 });
    ex.onMarketEvent(snap(T0, [[99, 2]], [[101, 1]]));
    ex.place({ side: "buy", price: 99.8, size: 1, postOnly: true });
    ex.place({ side: "buy", price: 99.6, size: 1, postOnly: true });
    ex.advanceTo(T0 + 20);
    const fills = fillsOf(ex.onMarketEvent(trade(T0 + 30, 99.5, 2, "sell"))); // sweeps both
    expect(fills).toHaveLength(2);
    // mid 100: after the first, spread capture 0.2 − fee 99.8·1.5e-4; after the second, + 0.4 − 99.6·1.5e-4
    expect(fills[0]!.totalPnlAfter).toBeCloseTo(0.2 - 99.8 * 1.5e-4, 12);
    expect(fills[1]!.totalPnlAfter).toBeCloseTo(0.6 - (99.8 + 99.6) * 1.5e-4, 12);
    expect(fills[1]!.totalPnlAfter).toBe(ex.pnl().totalPnlQuote);
    expect(fills.map((f) => f.realizedPnlAfter)).toEqual([0, 0]);
    expect(fills.map((f) => f.feeBps)).toEqual([1.5, 1.5]);
  });

  it("a modify carries the cycle and predicted edge that set its price (its fills are attributed to them)", () => {
    const ex = new PaperExchange({ fillModel: "through", latency: LAT });
    ex.onMarketEvent(snap(T0, [[99, 2]], [[101, 1]]));
    const predicted = { spreadBps: 3, adverseBps: 1, edgeBps: 0.5 };
    const id = ex.place({ side: "buy", price: 99.5, size: 1, postOnly: true, cycleId: 1, predicted }).orderId;
    ex.advanceTo(T0 + 20);
    const newPredicted = { spreadBps: 5, adverseBps: 1, edgeBps: 2.5 };
    const m = ex.modify(id, { price: 99.8, size: 1, cycleId: 9, predicted: newPredicted });
    ex.advanceTo(T0 + 40);
    const fills = fillsOf(ex.onMarketEvent(trade(T0 + 50, 99.7, 1, "sell")));
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ orderId: m.orderId, cycleId: 9 });
    expect(ex.order(m.orderId)).toBeUndefined(); // filled
    // without them the old order's stay (backwards compatible)
    const id2 = ex.place({ side: "buy", price: 99.5, size: 1, postOnly: true, cycleId: 3 }).orderId;
    ex.advanceTo(T0 + 70);
    const m2 = ex.modify(id2, { price: 99.6, size: 1 });
    ex.advanceTo(T0 + 90);
    expect(ex.order(m2.orderId)?.cycleId).toBe(3);
  });

  it("batch applies actions in order", () => {
    const ex = new PaperExchange({ latency: LAT });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
    const rs = ex.batch([
      { type: "place", order: { side: "buy", price: 100, size: 1, postOnly: true } },
      { type: "place", order: { side: "sell", price: 100.5, size: 1, postOnly: true } },
    ]);
    expect(rs.map((r) => r.ok)).toEqual([true, true]);
    ex.advanceTo(T0 + 10);
    const [r0] = ex.batch([
      { type: "cancel", orderId: rs[0]!.orderId },
      { type: "modify", orderId: rs[1]!.orderId, update: { price: 100.6, size: 2 } },
    ]);
    expect(r0!.ok).toBe(true);
    ex.advanceTo(T0 + 20);
    expect(ex.openOrders().map((o) => [o.side, o.price, o.size])).toEqual([["sell", 100.6, 2]]);
  });

  it("uniform and lognormal latencies are seeded: same seed, same delays", () => {
    const liveTimes = (seed: number, kind: "uniform" | "lognormal"): number[] => {
      const latency =
        kind === "uniform"
          ? { kind, orderEntryMinMs: 5, orderEntryMaxMs: 50, cancelMinMs: 5, cancelMaxMs: 50 }
          : { kind, orderEntryMedianMs: 20, cancelMedianMs: 20, sigma: 0.5 };
      const ex = new PaperExchange({ latency, seed });
      ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
      for (let i = 0; i < 20; i++) ex.place({ side: "buy", price: 98, size: 1, postOnly: true });
      return ex
        .advanceTo(T0 + 10_000)
        .filter((e) => e.type === "live")
        .map((e) => e.tsMs - T0);
    };
    for (const kind of ["uniform", "lognormal"] as const) {
      const a = liveTimes(3, kind);
      expect(a).toHaveLength(20);
      expect(liveTimes(3, kind)).toEqual(a);
      expect(liveTimes(4, kind)).not.toEqual(a);
      if (kind === "uniform") for (const d of a) expect(d >= 5 && d < 50).toBe(true);
    }
  });
});
