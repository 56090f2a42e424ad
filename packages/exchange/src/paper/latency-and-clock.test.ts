import { describe, expect, it } from "vitest";
import type { MarketEvent } from "@mmkit/core";
import { ThroughFillModel } from "./fill-models.js";
import { PaperExchange } from "./paper-exchange.js";
import { fillsOf, snap, stairBook, trade } from "./test-helpers.js";

const T0 = 1_000_000;
const LAT = { kind: "constant" as const, orderEntryMs: 10, cancelMs: 10 };

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

  it("an event with a NaN time or a print with a NaN price / negative size is a RangeError, and fills nothing", () => {
    const ex = new PaperExchange({ latency: LAT, fillModel: "touch" });
    ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
    ex.place({ side: "buy", price: 100, size: 1, postOnly: true });
    ex.advanceTo(T0 + 20);
    expect(() => ex.onMarketEvent(trade(Number.NaN, 100, 1, "sell"))).toThrow(
      "PaperExchange.onMarketEvent: exchangeTsMs of a trade event must be finite, got NaN",
    );
    expect(() => ex.onMarketEvent(trade(T0 + 30, Number.NaN, 1, "sell"))).toThrow(
      "trade price must be finite, got NaN",
    );
    expect(() => ex.onMarketEvent(trade(T0 + 30, 100, -1, "sell"))).toThrow(
      "trade size must be finite and >= 0, got -1",
    );
    expect(ex.openOrders()).toHaveLength(1);
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 30, 99, 1, "sell")))).toHaveLength(1); // through our bid
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
