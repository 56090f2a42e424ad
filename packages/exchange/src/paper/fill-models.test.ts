import { describe, expect, it } from "vitest";
import { PaperExchange } from "./paper-exchange.js";
import { delta, fillsOf, snap, trade } from "./test-helpers.js";

const T0 = 1_000_000;
const LAT = { kind: "constant" as const, orderEntryMs: 10, cancelMs: 10 };

describe("through fill model", () => {
  it("fills only on prints strictly through our price, partially, capped by print size", () => {
    const ex = new PaperExchange({ fillModel: "through", latency: LAT });
    ex.onMarketEvent(snap(T0, [[99, 5]], [[101, 5]]));
    const id = ex.place({ side: "buy", price: 100, size: 1, postOnly: true }).orderId;
    // Not live until T0+10: a print through our price at T0+5 does nothing.
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 5, 99.5, 1, "sell")))).toEqual([]);
    // At our price: the pessimistic model never fills.
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 20, 100, 1, "sell")))).toEqual([]);
    // Through by 0.5: fills 0.3 (the whole print) at OUR price.
    const f1 = fillsOf(ex.onMarketEvent(trade(T0 + 30, 99.5, 0.3, "sell")));
    expect(f1).toHaveLength(1);
    expect(f1[0]).toMatchObject({
      orderId: id,
      price: 100,
      size: 0.3,
      tsMs: T0 + 30,
      remainingSize: 0.7,
      liquidity: "maker",
    });
    expect(ex.order(id)?.status).toBe("partiallyFilled");
    expect(ex.pnl().positionBase).toBeCloseTo(0.3, 12);
    // Buy-aggressor prints never touch our bid.
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 35, 99, 5, "buy")))).toEqual([]);
    // A big print fills the remaining 0.7 and completes the order.
    const evs = ex.onMarketEvent(trade(T0 + 40, 99, 5, "sell"));
    expect(fillsOf(evs)).toMatchObject([{ size: 0.7, remainingSize: 0, positionAfter: 1 }]);
    expect(evs.some((e) => e.type === "filled" && e.orderId === id)).toBe(true);
    expect(ex.order(id)).toBeUndefined();
    expect(ex.pnl().positionBase).toBeCloseTo(1, 12);
  });
});

describe("touch fill model", () => {
  it("p = 1 fills at our price; p = 0 fills only through", () => {
    for (const [p, expected] of [
      [1, 1],
      [0, 0],
    ] as const) {
      const ex = new PaperExchange({ fillModel: "touch", touchProb: p, latency: LAT });
      ex.onMarketEvent(snap(T0, [[99, 5]], [[101, 5]]));
      ex.place({ side: "sell", price: 100.5, size: 2, postOnly: true });
      const at = fillsOf(ex.onMarketEvent(trade(T0 + 20, 100.5, 1, "buy")));
      expect(at.reduce((s, f) => s + f.size, 0)).toBe(expected);
      const through = fillsOf(ex.onMarketEvent(trade(T0 + 30, 100.6, 0.25, "buy")));
      expect(through).toMatchObject([{ price: 100.5, size: 0.25, side: "sell", tsMs: T0 + 30 }]);
    }
  });

  it("p = 0.5 fills about half of at-price prints, deterministically per seed", () => {
    const count = (seed: number): number => {
      const ex = new PaperExchange({ fillModel: "touch", latency: LAT, seed });
      ex.onMarketEvent(snap(T0, [[99, 5]], [[101, 5]]));
      ex.place({ side: "buy", price: 100, size: 1e9, postOnly: true });
      let n = 0;
      for (let i = 0; i < 2000; i++)
        n += fillsOf(ex.onMarketEvent(trade(T0 + 20 + i, 100, 1, "sell"))).length;
      return n;
    };
    const n = count(7);
    // Binomial(2000, 0.5): sd = 22.4; 4 sd band.
    expect(Math.abs(n - 1000)).toBeLessThan(90);
    expect(count(7)).toBe(n);
    expect(count(8)).not.toBe(n);
  });
});

describe("queue fill model", () => {
  it("consumes the queue ahead with prints, splits unexplained decreases, then overshoot fills us", () => {
    const ex = new PaperExchange({ fillModel: "queue", latency: LAT });
    ex.onMarketEvent(snap(T0, [[100, 3]], [[101, 4]]));
    const id = ex.place({ side: "buy", price: 100, size: 1, postOnly: true }).orderId;
    ex.advanceTo(T0 + 10);
    expect(ex.order(id)?.queueAheadSize).toBe(3); // joined behind the 3 displayed
    // A print of 2 at our price eats 2 of the 3 ahead: no fill.
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 20, 100, 2, "sell")))).toEqual([]);
    expect(ex.order(id)?.queueAheadSize).toBe(1);
    // The book then shows 3 → 1: fully explained by the print, queue unchanged.
    ex.onMarketEvent(delta(T0 + 21, [[100, 1]], []));
    expect(ex.order(id)?.queueAheadSize).toBe(1);
    // 1 → 0.5 unexplained; front = 1, back = 0 → all of it was ahead: 1 − 0.5 = 0.5.
    ex.onMarketEvent(delta(T0 + 22, [[100, 0.5]], []));
    expect(ex.order(id)?.queueAheadSize).toBeCloseTo(0.5, 12);
    // Size grows to 2.5: newcomers join behind us.
    ex.onMarketEvent(delta(T0 + 23, [[100, 2.5]], []));
    expect(ex.order(id)?.queueAheadSize).toBeCloseTo(0.5, 12);
    // Print of 1.2: 0.5 ahead consumed, overshoot 0.7 fills us.
    const f = fillsOf(ex.onMarketEvent(trade(T0 + 30, 100, 1.2, "sell")));
    expect(f).toHaveLength(1);
    expect(f[0]!.size).toBeCloseTo(0.7, 12);
    expect(f[0]!.tsMs).toBe(T0 + 30);
    expect(ex.pnl().positionBase).toBeCloseTo(0.7, 12);
    expect(ex.order(id)?.queueAheadSize).toBe(0);
    // Next at-price print fills the remaining 0.3.
    const g = fillsOf(ex.onMarketEvent(trade(T0 + 40, 100, 5, "sell")));
    expect(g[0]!.size).toBeCloseTo(0.3, 12);
    expect(ex.pnl().positionBase).toBeCloseTo(1, 12);
  });

  it("splits an unexplained decrease by the share function (proportional vs power 2)", () => {
    for (const [queueShare, expected] of [
      // front 4, back 2, decrease 3: proportional share 4/6 → 4 − 3·4/6 = 2
      [{ kind: "proportional" as const }, 2],
      // power 2: 16/(16+4) = 0.8 → 4 − 3·0.8 = 1.6
      [{ kind: "power" as const, exponent: 2 }, 1.6],
      // all behind: queue ahead untouched
      [{ kind: "allBehind" as const }, 3],
    ] as const) {
      const ex = new PaperExchange({ fillModel: "queue", queueShare, latency: LAT });
      ex.onMarketEvent(snap(T0, [[100, 4]], [[101, 4]]));
      const id = ex.place({ side: "buy", price: 100, size: 1, postOnly: true }).orderId;
      ex.onMarketEvent(delta(T0 + 20, [[100, 6]], [])); // 2 join behind
      ex.onMarketEvent(delta(T0 + 30, [[100, 3]], [])); // 3 cancelled somewhere
      // allBehind: 4 ahead, but the level now shows only 3 → clamped to 3.
      expect(ex.order(id)?.queueAheadSize).toBeCloseTo(expected, 12);
    }
  });

  it("never fills two of our orders from the same traded quantity (best price, then time priority)", () => {
    const ex = new PaperExchange({ fillModel: "queue", latency: LAT });
    ex.onMarketEvent(snap(T0, [[99, 5]], [[102, 5]]));
    const a = ex.place({ side: "buy", price: 100, size: 1, postOnly: true }).orderId;
    ex.advanceTo(T0 + 5);
    const b = ex.place({ side: "buy", price: 100, size: 1, postOnly: true }).orderId;
    const c = ex.place({ side: "buy", price: 100.5, size: 1, postOnly: true }).orderId;
    ex.advanceTo(T0 + 20);
    // Print of 2.5 at 100: c (better price, through) takes 1, then a (earlier) 1, then b 0.5.
    const f = fillsOf(ex.onMarketEvent(trade(T0 + 30, 100, 2.5, "sell")));
    expect(f.map((x) => [x.orderId, x.size])).toEqual([
      [c, 1],
      [a, 1],
      [b, 0.5],
    ]);
    expect(f.reduce((s, x) => s + x.size, 0)).toBe(2.5);
  });

  it("shares the queue ahead between two of our orders at one level", () => {
    const ex = new PaperExchange({ fillModel: "queue", latency: LAT });
    ex.onMarketEvent(snap(T0, [[100, 5]], [[102, 5]]));
    const a = ex.place({ side: "buy", price: 100, size: 1, postOnly: true }).orderId; // 5 ahead
    ex.onMarketEvent(delta(T0 + 15, [[100, 7]], [])); // 2 join behind a
    const b = ex.place({ side: "buy", price: 100, size: 1, postOnly: true }).orderId; // 7 ahead (live T0+25)
    ex.advanceTo(T0 + 25);
    expect(ex.order(b)?.queueAheadSize).toBe(7);
    // Print 8: 5 others, a gets 1 ... a's fill is ours, then 2 others between a and b → b gets 0.
    // Remaining: 8 − 5 − 1 − (7 − 5) = 0.
    const f = fillsOf(ex.onMarketEvent(trade(T0 + 30, 100, 8, "sell")));
    expect(f.map((x) => [x.orderId, x.size])).toEqual([[a, 1]]);
    expect(ex.order(b)?.queueAheadSize).toBe(0);
  });
});
