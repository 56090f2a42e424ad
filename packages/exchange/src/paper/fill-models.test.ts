import { describe, expect, it } from "vitest";
import { PaperExchange, type PaperExchangeState } from "./paper-exchange.js";
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
    // Print of 1.2 (later than the 100 ms trade lag, so not the footprint of that decrease):
    // 0.5 ahead consumed, overshoot 0.7 fills us.
    const f = fillsOf(ex.onMarketEvent(trade(T0 + 300, 100, 1.2, "sell")));
    expect(f).toHaveLength(1);
    expect(f[0]!.size).toBeCloseTo(0.7, 12);
    expect(f[0]!.tsMs).toBe(T0 + 300);
    expect(ex.pnl().positionBase).toBeCloseTo(0.7, 12);
    expect(ex.order(id)?.queueAheadSize).toBe(0);
    // Next at-price print fills the remaining 0.3.
    const g = fillsOf(ex.onMarketEvent(trade(T0 + 310, 100, 5, "sell")));
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

describe("queue fill model: the queue ahead our earlier order already consumed is not consumed again", () => {
  it("two of our bids behind the same 5: a print of 10 gives a 1, then b min(3, 10 − 5 − 1) = 3", () => {
    const ex = new PaperExchange({ fillModel: "queue", latency: LAT });
    ex.onMarketEvent(snap(T0, [[100, 5]], [[102, 5]]));
    const a = ex.place({ side: "buy", price: 100, size: 1, postOnly: true }).orderId; // 5 ahead
    const b = ex.place({ side: "buy", price: 100, size: 3, postOnly: true }).orderId; // the same 5 ahead
    ex.advanceTo(T0 + 10);
    expect([ex.order(a)?.queueAheadSize, ex.order(b)?.queueAheadSize]).toEqual([5, 5]);
    // a: the 5 ahead take 5, a gets 1 (4 left); b: those 5 are gone already (need 5 − 5 = 0), b gets 3.
    const f = fillsOf(ex.onMarketEvent(trade(T0 + 30, 100, 10, "sell")));
    expect(f.map((x) => [x.orderId, x.size])).toEqual([
      [a, 1],
      [b, 3],
    ]);
  });
});

describe("queue fill model: a print arriving after its own footprint in the book", () => {
  /** Bid 1 at 100 behind `ahead` displayed, then `behind` more join behind us (live at T0 + 10). */
  function joined(
    ahead: number,
    behind: number,
    queueTradeLagMs?: number,
  ): { ex: PaperExchange; id: string } {
    const ex = new PaperExchange({
      fillModel: "queue",
      latency: LAT,
      ...(queueTradeLagMs !== undefined ? { queueTradeLagMs } : {}),
    });
    ex.onMarketEvent(snap(T0, [[100, ahead]], [[101, 5]]));
    const id = ex.place({ side: "buy", price: 100, size: 1, postOnly: true }).orderId;
    ex.advanceTo(T0 + 10);
    if (behind > 0) ex.onMarketEvent(delta(T0 + 12, [[100, ahead + behind]], []));
    return { ex, id };
  }

  it("takes the print as the decrease the book already showed: the queue advances once", () => {
    const { ex, id } = joined(10, 0);
    // The book shows 10 → 6 first (all of it ahead of us: nothing is behind), then the print of 4.
    ex.onMarketEvent(delta(T0 + 20, [[100, 6]], []));
    expect(ex.order(id)?.queueAheadSize).toBe(6);
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 25, 100, 4, "sell")))).toEqual([]);
    expect(ex.order(id)?.queueAheadSize).toBe(6); // not 2: the 4 traded are the 4 that left
    // The next book update showing the same 6 explains nothing new.
    ex.onMarketEvent(delta(T0 + 30, [[100, 6]], []));
    expect(ex.order(id)?.queueAheadSize).toBe(6);
    // A print of 3 later still leaves 3 ahead: no fill (counting the trade twice would fill us).
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 400, 100, 3, "sell")))).toEqual([]);
    expect(ex.order(id)?.queueAheadSize).toBe(3);
  });

  it("with the lag off (0) the same quantity advances the queue twice, as before", () => {
    const { ex, id } = joined(10, 0, 0);
    ex.onMarketEvent(delta(T0 + 20, [[100, 6]], []));
    ex.onMarketEvent(trade(T0 + 25, 100, 4, "sell"));
    expect(ex.order(id)?.queueAheadSize).toBe(2);
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 400, 100, 3, "sell"))).map((f) => f.size)).toEqual([1]);
  });

  it("puts back only the share of the decrease that was taken from ahead of us", () => {
    // 5 ahead, 5 behind; 10 → 6 unexplained: proportional share 5/10 takes 2 from ahead (3 left).
    const { ex, id } = joined(5, 5);
    ex.onMarketEvent(delta(T0 + 20, [[100, 6]], []));
    expect(ex.order(id)?.queueAheadSize).toBeCloseTo(3, 12);
    // The print of 4 is that decrease: a trade eats from the front, so 5 − 4 = 1 is left ahead.
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 30, 100, 4, "sell")))).toEqual([]);
    expect(ex.order(id)?.queueAheadSize).toBeCloseTo(1, 12);
    // Then 1.5 at our price: 1 ahead, 0.5 for us.
    const f = fillsOf(ex.onMarketEvent(trade(T0 + 400, 100, 1.5, "sell")));
    expect(f.map((x) => x.size)).toEqual([0.5]);
  });

  it("a print larger than the decrease explains the decrease and leaves the rest for the next update", () => {
    const { ex, id } = joined(10, 0);
    ex.onMarketEvent(delta(T0 + 20, [[100, 8]], [])); // 2 left (footprint of part of the print)
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 25, 100, 5, "sell")))).toEqual([]);
    expect(ex.order(id)?.queueAheadSize).toBe(5);
    // The book catches up (8 → 5): explained by the unmatched 3 of the print, nothing more moves.
    ex.onMarketEvent(delta(T0 + 30, [[100, 5]], []));
    expect(ex.order(id)?.queueAheadSize).toBe(5);
  });

  it("never leaves more ahead than the level shows when our better-priced order took the print", () => {
    const { ex, id: b } = joined(4, 0);
    ex.onMarketEvent(delta(T0 + 20, [[100, 1]], [])); // footprint: 3 of the 4 ahead left
    expect(ex.order(b)?.queueAheadSize).toBe(1);
    const a = ex.place({ side: "buy", price: 100.5, size: 3, postOnly: true }).orderId;
    ex.advanceTo(T0 + 31);
    // the print of 3 at 100 goes through our bid at 100.5 first, which takes all of it
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 40, 100, 3, "sell"))).map((f) => [f.orderId, f.size])).toEqual(
      [[a, 3]],
    );
    expect(ex.order(b)?.queueAheadSize).toBeLessThanOrEqual(1); // 1 displayed
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 45, 100, 2, "sell"))).map((f) => f.size)).toEqual([1]);
  });

  it("a run of small decreases does not stretch the window: it runs from the first of them", () => {
    const { ex, id } = joined(20, 0);
    // ten 1-lot cancels 90 ms apart: each is within 100 ms of the previous one, not of the first
    for (let i = 0; i < 10; i++) ex.onMarketEvent(delta(T0 + 100 + 90 * i, [[100, 19 - i]], []));
    expect(ex.order(id)?.queueAheadSize).toBe(10);
    // a print of 10 at T0 + 1000 is not the footprint of cancels 100-900 ms old: the queue advances by it
    ex.onMarketEvent(trade(T0 + 1000, 100, 10, "sell"));
    expect(ex.order(id)?.queueAheadSize).toBeLessThanOrEqual(2);
  });

  it("a print after the lag is a second event (the earlier decrease stays a cancel)", () => {
    const { ex, id } = joined(10, 0);
    ex.onMarketEvent(delta(T0 + 20, [[100, 6]], []));
    ex.onMarketEvent(trade(T0 + 20 + 101, 100, 4, "sell"));
    expect(ex.order(id)?.queueAheadSize).toBe(2);
  });

  it("a print inferred from a crossed book explains no decrease", () => {
    const { ex, id } = joined(3, 0);
    // The bids at 100 leave (our queue ahead is gone), then an ask arrives at our price: that seller
    // would have traded with us first. It is not the trade behind the decrease.
    ex.onMarketEvent(
      delta(
        T0 + 20,
        [
          [100, 0],
          [99, 4],
        ],
        [],
      ),
    );
    expect(ex.order(id)?.queueAheadSize).toBe(0);
    const f = fillsOf(ex.onMarketEvent(delta(T0 + 25, [], [[100, 2]])));
    expect(f.map((x) => x.size)).toEqual([1]);
  });

  it("a print smaller than the decrease puts back only its proportional part of the cut", () => {
    // 10 ahead, 10 behind; 20 → 16 unexplained: share 10/20 takes 4 · 0.5 = 2 from ahead (8 left).
    const { ex, id } = joined(10, 10);
    ex.onMarketEvent(delta(T0 + 20, [[100, 16]], []));
    expect(ex.order(id)?.queueAheadSize).toBeCloseTo(8, 12);
    // A print of 2 within the lag is 2 of the 4 that left: restore 2 · 2/4 = 1, then the print eats
    // 2 from the front: 8 + 1 − 2 = 7 (putting back the whole cut of 2 would leave 8).
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 50, 100, 2, "sell")))).toEqual([]);
    expect(ex.order(id)?.queueAheadSize).toBeCloseTo(7, 12);
  });

  it("a checkpoint taken between the footprint and the print resumes exactly; older ones start with nothing pending", () => {
    const whole = joined(10, 0).ex;
    whole.onMarketEvent(delta(T0 + 20, [[100, 6]], []));
    const { ex: first } = joined(10, 0);
    first.onMarketEvent(delta(T0 + 20, [[100, 6]], []));
    const state = JSON.parse(JSON.stringify(first.getState())) as PaperExchangeState;
    const resumed = new PaperExchange({ fillModel: "queue", latency: LAT });
    resumed.setState(state);
    for (const ex of [whole, resumed]) ex.onMarketEvent(trade(T0 + 25, 100, 4, "sell"));
    expect(resumed.openOrders()).toEqual(whole.openOrders());
    expect(resumed.openOrders()[0]?.queueAheadSize).toBe(6);
    // A checkpoint written before these fields existed: the decrease counts as a cancel (as it did).
    const old = JSON.parse(JSON.stringify(state)) as { orders: Record<string, unknown>[] };
    for (const o of old.orders) {
      delete o.lagDecrease;
      delete o.lagAheadCut;
      delete o.lagTsMs;
    }
    const legacy = new PaperExchange({ fillModel: "queue", latency: LAT });
    legacy.setState(old as unknown as PaperExchangeState);
    legacy.onMarketEvent(trade(T0 + 25, 100, 4, "sell"));
    expect(legacy.openOrders()[0]?.queueAheadSize).toBe(2);
  });

  it("rejects a negative or non-finite lag, naming the field", () => {
    expect(() => new PaperExchange({ queueTradeLagMs: -1 })).toThrow(/queueTradeLagMs/);
    expect(() => new PaperExchange({ queueTradeLagMs: Number.POSITIVE_INFINITY })).toThrow(/queueTradeLagMs/);
  });
});
