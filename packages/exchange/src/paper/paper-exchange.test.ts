import { describe, expect, it } from "vitest";
import type { MarketEvent } from "@mmkit/core";
import type { ExchangeEvent } from "./events.js";
import { ThroughFillModel } from "./fill-models.js";
import { PaperExchange, type PaperExchangeState } from "./paper-exchange.js";
import { delta, fillsOf, snap, stairBook, trade } from "./test-helpers.js";

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

describe("fees and PnL decomposition", () => {
  it("spread capture + inventory MTM − fees = total PnL = realized + unrealized − fees (hand-computed)", () => {
    const ex = new PaperExchange({ fillModel: "through", latency: LAT, startingEquityQuote: 1000 });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[102, 1]])); // mid 100.5
    ex.place({ side: "buy", price: 100, size: 1, postOnly: true });
    const f1 = fillsOf(ex.onMarketEvent(trade(T0 + 20, 99.9, 1, "sell")))[0]!;
    // fee = 100·1·1.5/1e4 = 0.015; spread capture = (100.5 − 100)·1 = 0.5
    expect(f1.feeQuote).toBeCloseTo(0.015, 12);
    expect(f1.midAtFill).toBe(100.5);
    ex.onMarketEvent(snap(T0 + 30, [[100, 1]], [[103, 1]])); // mid 101.5: MTM +1·1.0
    let p = ex.pnl();
    expect(p.unrealizedPnlQuote).toBeCloseTo(1.5, 12); // 1·(101.5 − 100)
    expect(p.inventoryMtmQuote).toBeCloseTo(1, 12);
    ex.place({ side: "sell", price: 102, size: 1, postOnly: true });
    fillsOf(ex.onMarketEvent(trade(T0 + 50, 102.5, 1, "buy")));
    p = ex.pnl();
    // fee 2 = 102·1.5e-4 = 0.0153; spread capture 2 = −(101.5 − 102) = 0.5
    expect(p.positionBase).toBe(0);
    expect(p.feesQuote).toBeCloseTo(0.0303, 12);
    expect(p.spreadCaptureQuote).toBeCloseTo(1.0, 12);
    expect(p.inventoryMtmQuote).toBeCloseTo(1.0, 12);
    expect(p.realizedPnlQuote).toBeCloseTo(2.0, 12);
    expect(p.totalPnlQuote).toBeCloseTo(1.9697, 12);
    expect(p.realizedPnlQuote + p.unrealizedPnlQuote - p.feesQuote).toBeCloseTo(p.totalPnlQuote, 12);
    expect(p.equityQuote).toBeCloseTo(1000 + 1.9697, 9);
  });

  it("a negative maker fee is a rebate", () => {
    const ex = new PaperExchange({ fillModel: "through", latency: LAT, makerFeeBps: -1 });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
    ex.place({ side: "sell", price: 100.5, size: 2, postOnly: true });
    const f = fillsOf(ex.onMarketEvent(trade(T0 + 20, 100.6, 2, "buy")))[0]!;
    expect(f.feeQuote).toBeCloseTo(-0.0201, 12); // 100.5·2·(−1)/1e4
    expect(ex.pnl().feesQuote).toBeCloseTo(-0.0201, 12);
    // total = spread (0.5·2 = 1) − fees (−0.0201) = 1.0201 at an unchanged mid
    expect(ex.pnl().totalPnlQuote).toBeCloseTo(1.0201, 12);
  });
});

function randomEvents(seed: number, n: number): MarketEvent[] {
  let x = seed;
  const u = (): number => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
  const out: MarketEvent[] = [];
  let mid = 100;
  for (let i = 0; i < n; i++) {
    const t = T0 + i * 37;
    if (u() < 0.5) {
      mid += Math.round((u() - 0.5) * 4) * 0.5;
      out.push(
        snap(
          t,
          [
            [mid - 0.5, 1 + Math.floor(u() * 3)],
            [mid - 1, 2],
          ],
          [
            [mid + 0.5, 1 + Math.floor(u() * 3)],
            [mid + 1, 2],
          ],
        ),
      );
    } else {
      const buy = u() < 0.5;
      const px = buy ? mid + 0.5 * Math.floor(u() * 3) : mid - 0.5 * Math.floor(u() * 3);
      out.push(trade(t, px, 0.5 + Math.floor(u() * 4) * 0.5, buy ? "buy" : "sell"));
    }
  }
  return out;
}

function drive(ex: PaperExchange, events: MarketEvent[], from: number, to: number): ExchangeEvent[] {
  const out: ExchangeEvent[] = [];
  for (let i = from; i < to; i++) {
    out.push(...ex.onMarketEvent(events[i]!));
    if (i % 5 === 0) {
      for (const o of ex.openOrders())
        if (o.status === "open" || o.status === "partiallyFilled") out.push(...ex.cancel(o.id).events);
      const mid = ex.book.mid();
      out.push(...ex.place({ side: "buy", price: mid - 0.5, size: 1, postOnly: true }).events);
      out.push(...ex.place({ side: "sell", price: mid + 0.5, size: 1, postOnly: true }).events);
    }
  }
  return out;
}

describe("determinism and checkpoints", () => {
  const cfg = {
    fillModel: "touch" as const,
    latency: { kind: "lognormal" as const, orderEntryMedianMs: 20, cancelMedianMs: 15, sigma: 0.6 },
    seed: 11,
    intensity: { aPerSec: 1, kappaPerFrac: 2000 },
  };
  const events = randomEvents(5, 600);

  it("same events, config and seed give identical output", () => {
    const a = drive(new PaperExchange(cfg), events, 0, events.length);
    const b = drive(new PaperExchange(cfg), events, 0, events.length);
    expect(fillsOf(a).length).toBeGreaterThan(10);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it("a virtual order lives only as long as its prediction (none orphaned by a resolve at event start)", () => {
    // Events 3 s apart: most 30 s prediction horizons end strictly between two events, so
    // predictions resolve in the check that runs before the event is applied.
    const sparse = randomEvents(9, 400).map((e, i) => ({
      ...e,
      exchangeTsMs: T0 + i * 3_000,
      localTsMs: T0 + i * 3_000,
    }));
    const ex = new PaperExchange({ ...cfg, fillModel: "queue", horizonsSec: [1, 30] });
    let maxVirtual = 0;
    for (let i = 0; i < sparse.length; i++) {
      drive(ex, sparse, i, i + 1);
      const c = ex.openRecordCounts();
      expect(c.virtualOrders).toBeLessThanOrEqual(c.predictions);
      maxVirtual = Math.max(maxVirtual, c.virtualOrders);
    }
    expect(maxVirtual).toBeGreaterThan(0);
  });

  for (const fillModel of ["touch", "queue"] as const) {
    it(`getState → JSON → setState resumes exactly (${fillModel}, with virtual orders and open records)`, () => {
      const c = { ...cfg, fillModel };
      const full = new PaperExchange(c);
      const whole = drive(full, events, 0, events.length);
      const first = new PaperExchange(c);
      const part1 = drive(first, events, 0, 300);
      const counts = first.openRecordCounts();
      expect(counts.predictions).toBeGreaterThan(0);
      expect(counts.virtualOrders).toBeGreaterThan(0);
      const state = JSON.parse(JSON.stringify(first.getState())) as PaperExchangeState;
      const second = new PaperExchange(c);
      second.setState(state);
      const part2 = drive(second, events, 300, events.length);
      expect(JSON.stringify([...part1, ...part2])).toBe(JSON.stringify(whole));
      expect(second.pnl()).toEqual(full.pnl());
    });
  }
});

describe("composition and clock", () => {
  it("accepts custom latency and fill-model components", () => {
    const latencyModel = { orderEntryMs: (): number => 123, cancelMs: (): number => 7 };
    const ex = new PaperExchange({}, { latencyModel, fillModel: new ThroughFillModel() });
    expect(ex.fillModel.name).toBe("through");
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
    ex.place({ side: "buy", price: 100, size: 1, postOnly: true });
    expect(ex.advanceTo(T0 + 122)).toEqual([]);
    expect(ex.advanceTo(T0 + 123).map((e) => e.type)).toEqual(["live"]);
  });

  it("clock: local drives time by localTsMs", () => {
    const ex = new PaperExchange({ clock: "local", latency: LAT });
    const ev: MarketEvent = {
      type: "snapshot",
      exchangeTsMs: 5,
      localTsMs: T0,
      bids: [{ price: 99, size: 1 }],
      asks: [{ price: 101, size: 1 }],
    };
    ex.onMarketEvent(ev);
    expect(ex.nowMs).toBe(T0);
  });
});

describe("zero latency: an action takes effect after every event stamped with its submission time", () => {
  const Z = { kind: "constant" as const, orderEntryMs: 0, cancelMs: 0 };
  const book = stairBook(T0);

  it("a re-quote made after one print of a sweep does not fill on the next print of that sweep", () => {
    const ex = new PaperExchange({ fillModel: "through", latency: Z });
    ex.onMarketEvent(book);
    const first = ex.place({ side: "sell", price: 100.15, size: 1, postOnly: true }).orderId;
    // One market buy sweeping 100.2 then 100.3, both prints stamped T0 + 5.
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 5, 100.2, 5, "buy")))).toMatchObject([
      { orderId: first, price: 100.15, size: 1 },
    ]);
    const requote = ex.place({ side: "sell", price: 100.25, size: 1, postOnly: true }).orderId;
    expect(ex.onMarketEvent(trade(T0 + 5, 100.3, 5, "buy"))).toEqual([]);
    expect(ex.advanceTo(T0 + 5)).toEqual([]);
    expect(ex.order(requote)?.status).toBe("pending");
    // The next time goes live first, stamped with the submission time; a later print fills it.
    const next = ex.onMarketEvent(trade(T0 + 6, 100.3, 1, "buy"));
    expect(next.map((e) => [e.type, e.tsMs])).toEqual([
      ["live", T0 + 5],
      ["fill", T0 + 6],
      ["filled", T0 + 6],
    ]);
  });

  it("a cancel submitted at t still lets a print stamped t fill the order", () => {
    const ex = new PaperExchange({ fillModel: "through", latency: Z });
    ex.onMarketEvent(book);
    const id = ex.place({ side: "sell", price: 100.15, size: 2, postOnly: true }).orderId;
    ex.advanceTo(T0 + 1);
    ex.onMarketEvent(trade(T0 + 5, 100.2, 1, "buy"));
    ex.cancel(id);
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 5, 100.3, 5, "buy")))).toMatchObject([
      { orderId: id, size: 1 },
    ]);
    // Fully filled before the cancel took effect: the cancel is rejected when the clock moves on.
    expect(ex.advanceTo(T0 + 6)).toMatchObject([{ type: "reject", tsMs: T0 + 5, reason: "orderNotOpen" }]);
  });
});

describe("book moving onto or through a resting order (no print)", () => {
  const Z = { kind: "constant" as const, orderEntryMs: 0, cancelMs: 0 };
  const live = (ex: PaperExchange, side: "buy" | "sell", price: number, size: number): string => {
    const r = ex.place({ side, price, size, postOnly: true });
    ex.advanceTo(ex.nowMs);
    return r.orderId;
  };

  it("fills a bid at its price when the best ask drops through it, once per crossing quantity", () => {
    for (const fillModel of ["queue", "touch", "through"] as const) {
      const ex = new PaperExchange({ fillModel, latency: Z });
      ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
      const id = live(ex, "buy", 100, 1);
      // A seller posts 0.4 at 99.5: it would have hit our 100 bid first (we are the best bid).
      const f1 = fillsOf(ex.onMarketEvent(delta(T0 + 10, [], [[99.5, 0.4]])));
      expect(f1, fillModel).toMatchObject([
        { orderId: id, side: "buy", price: 100, size: 0.4, liquidity: "maker" },
      ]);
      // The same resting quantity is not shown again; new quantity through us is.
      expect(fillsOf(ex.onMarketEvent(delta(T0 + 20, [[98, 1]], [])))).toEqual([]);
      const f2 = fillsOf(ex.onMarketEvent(delta(T0 + 30, [], [[99.8, 0.3]])));
      expect(f2.map((f) => f.size)).toEqual([0.3]);
      expect(ex.order(id)?.filledSize).toBeCloseTo(0.7, 12);
      // Accounting as for any maker fill: position and fees.
      expect(ex.pnl().positionBase).toBeCloseTo(0.7, 12);
    }
  });

  it("an ask lowered exactly onto our bid is a print at our price: the fill model decides", () => {
    const run = (fillModel: "queue" | "through"): number => {
      const ex = new PaperExchange({ fillModel, latency: Z });
      ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
      live(ex, "buy", 100, 1);
      return fillsOf(ex.onMarketEvent(delta(T0 + 10, [], [[100, 0.5]]))).length;
    };
    // Queue: nobody displayed ahead of us at 100, so the seller at 100 trades with us.
    expect(run("queue")).toBe(1);
    // Through: only prices strictly through ours fill.
    expect(run("through")).toBe(0);
  });

  it("fills an ask when the best bid rises through it, and observes cancelled (virtual) orders too", () => {
    const ex = new PaperExchange({
      fillModel: "queue",
      latency: Z,
      horizonsSec: [1],
      intensity: { aPerSec: 1, kappaPerFrac: 1000 },
    });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
    const ask = live(ex, "sell", 100.5, 0.2);
    const gone = live(ex, "sell", 100.2, 0.2);
    ex.cancel(gone);
    ex.advanceTo(T0);
    const evs = ex.onMarketEvent(delta(T0 + 100, [[100.6, 1]], []));
    expect(fillsOf(evs)).toMatchObject([{ orderId: ask, price: 100.5, size: 0.2 }]);
    const preds = ex.advanceTo(T0 + 1000).flatMap((e) => (e.type === "prediction" ? [e.record] : []));
    expect(preds.find((r) => r.orderId === gone)?.filled).toEqual([true]);
    expect(preds.find((r) => r.orderId === ask)?.filled).toEqual([true]);
  });
});

describe("virtual orders never change real fills of a book cross (and vice versa)", () => {
  const cfg = {
    fillModel: "queue" as const,
    latency: LAT,
    tickSize: 0.1,
    horizonsSec: [1],
    intensity: { aPerSec: 1, kappaPerFrac: 1000 },
  };
  /** A bid resting (live) at `real`, a cancelled one still observed (virtual) at `virtual`. */
  const setup = (real: number | null, virtual: number | null): { ex: PaperExchange; ids: string[] } => {
    const ex = new PaperExchange(cfg);
    ex.onMarketEvent(snap(T0, [[99.9, 5]], [[100.4, 5]]));
    const ids: string[] = [];
    const v =
      virtual === null ? null : ex.place({ side: "buy", price: virtual, size: 1, postOnly: true }).orderId;
    if (real !== null) ids.push(ex.place({ side: "buy", price: real, size: 1, postOnly: true }).orderId);
    ex.advanceTo(T0 + 10);
    if (v !== null) {
      ids.push(v);
      ex.cancel(v);
      ex.advanceTo(T0 + 20);
      expect(ex.openRecordCounts().virtualOrders).toBe(1);
    }
    return { ex, ids };
  };
  // An ask of 3 appears at 100.1, then leaves while 2 appear at 100.0.
  const step1 = delta(T0 + 30, [], [[100.1, 3]]);
  const step2 = delta(
    T0 + 40,
    [],
    [
      [100.1, 0],
      [100.0, 2],
    ],
  );
  const outcomes = (ex: PaperExchange): Map<string, (boolean | null)[]> => {
    const evs = ex.advanceTo(T0 + 5_000);
    return new Map(
      evs.flatMap((e) => (e.type === "prediction" ? [[e.record.orderId, e.record.filled]] : [])),
    );
  };

  it("a virtual bid above a real bid does not hide the quantity that later reaches the real one", () => {
    const alone = setup(100.0, null);
    const withVirtual = setup(100.0, 100.2);
    for (const { ex, ids } of [alone, withVirtual]) {
      expect(fillsOf(ex.onMarketEvent(step1))).toEqual([]);
      // Nobody was displayed at 100.0 ahead of our bid: the seller of 2 at 100.0 trades with it.
      expect(fillsOf(ex.onMarketEvent(step2))).toMatchObject([
        { orderId: ids[0], side: "buy", price: 100, size: 1 },
      ]);
    }
    // The virtual order was reached (through) by the 3 at 100.1.
    expect(outcomes(withVirtual.ex).get(withVirtual.ids[1]!)).toEqual([true]);
  });

  it("a real bid above a virtual bid does not hide that quantity from the virtual one either", () => {
    const virtualAlone = setup(null, 100.0);
    const withReal = setup(100.2, 100.0);
    expect(fillsOf(withReal.ex.onMarketEvent(step1))).toMatchObject([{ price: 100.2, size: 1 }]);
    withReal.ex.onMarketEvent(step2);
    virtualAlone.ex.onMarketEvent(step1);
    virtualAlone.ex.onMarketEvent(step2);
    expect(outcomes(virtualAlone.ex).get(virtualAlone.ids[0]!)).toEqual([true]);
    expect(outcomes(withReal.ex).get(withReal.ids[1]!)).toEqual([true]);
  });

  it("a checkpoint from before the split (one shared memory) restores with each side's own", () => {
    const { ex, ids } = setup(100.0, 100.2);
    ex.onMarketEvent(step1);
    const state = JSON.parse(JSON.stringify(ex.getState())) as PaperExchangeState;
    // What the previous code wrote here: one memory, 3 shown (the asks reaching the virtual 100.2).
    state.crossShown = [3, 0];
    delete state.crossShownVirtual;
    const restored = new PaperExchange(cfg);
    restored.setState(state);
    expect(fillsOf(restored.onMarketEvent(step2))).toMatchObject([{ orderId: ids[0], price: 100, size: 1 }]);
  });
});
