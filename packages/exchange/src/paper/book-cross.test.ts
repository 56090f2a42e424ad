import { describe, expect, it } from "vitest";
import { PaperExchange, type PaperExchangeState } from "./paper-exchange.js";
import { delta, fillsOf, snap } from "./test-helpers.js";

const T0 = 1_000_000;
const LAT = { kind: "constant" as const, orderEntryMs: 10, cancelMs: 10 };

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

  it("a bid raised exactly onto our ask is a print at our price too (the mirror case)", () => {
    const run = (fillModel: "queue" | "through"): number => {
      const ex = new PaperExchange({ fillModel, latency: Z });
      ex.onMarketEvent(snap(T0, [[99, 1]], [[101, 1]]));
      live(ex, "sell", 100, 1);
      return fillsOf(ex.onMarketEvent(delta(T0 + 10, [[100, 0.5]], []))).length;
    };
    expect(run("queue")).toBe(1);
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
