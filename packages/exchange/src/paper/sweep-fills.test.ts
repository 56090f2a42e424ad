import type { MarketEvent, Side } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import type { ExchangeEvent } from "./events.js";
import { PaperExchange, type PaperExchangeState } from "./paper-exchange.js";
import { fillsOf, snap, stairBook, trade } from "./test-helpers.js";

const T0 = 1_000_000;
const Z = { kind: "constant" as const, orderEntryMs: 0, cancelMs: 0 };
const book = stairBook(T0);

/** A print of a taker order sweeping on (`goesOn`): more of its prints follow at this instant. */
function sweepPrint(tsMs: number, price: number, size: number, side: Side, goesOn: boolean): MarketEvent {
  const ev = trade(tsMs, price, size, side);
  if (ev.type === "trade" && goesOn) ev.trade.sweepContinues = true;
  return ev;
}

/** A market buy of 0.6 sweeping 100.2 → 100.3 → 100.4 in three prints of 0.2, all at T0 + 5. */
function sweep(flagged: boolean): MarketEvent[] {
  return [
    sweepPrint(T0 + 5, 100.2, 0.2, "buy", flagged),
    sweepPrint(T0 + 5, 100.3, 0.2, "buy", flagged),
    sweepPrint(T0 + 5, 100.4, 0.2, "buy", false),
  ];
}

function setUp(): { ex: PaperExchange; id: string } {
  const ex = new PaperExchange({ fillModel: "through", latency: Z, makerFeeBps: 1.5 });
  ex.onMarketEvent(book);
  // our ask below the touch: every print of the sweep passes through it
  const id = ex.place({ side: "sell", price: 100.15, size: 1, postOnly: true }).orderId;
  ex.advanceTo(T0 + 1);
  return { ex, id };
}

describe("one taker order sweeping several prices fills an order of ours once", () => {
  it("the sweep's prints give one fill of their summed size, reported after its last print", () => {
    const { ex, id } = setUp();
    const [p1, p2, p3] = sweep(true);
    expect(ex.onMarketEvent(p1!)).toEqual([]);
    expect(ex.onMarketEvent(p2!)).toEqual([]);
    const fills = fillsOf(ex.onMarketEvent(p3!));
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({ orderId: id, price: 100.15, size: 0.6 });
    // no lot size here: the ledger's sums carry float noise, as without sweeps
    expect(fills[0]!.remainingSize).toBeCloseTo(0.4, 12);
    expect(fills[0]!.positionAfter).toBeCloseTo(-0.6, 12);
    // the fee of the whole size at our price (to float rounding of the three pieces)
    expect(fills[0]!.feeQuote).toBeCloseTo((100.15 * 0.6 * 1.5) / 1e4, 12);
    expect(ex.pnl().positionBase).toBeCloseTo(-0.6, 12);
  });

  it("the same prints without the sweep mark are three fills of the same total", () => {
    const { ex } = setUp();
    const fills = sweep(false).flatMap((e) => fillsOf(ex.onMarketEvent(e)));
    expect(fills.map((f) => f.size)).toEqual([0.2, 0.2, 0.2]);
    expect(fills[2]!.positionAfter).toBeCloseTo(-0.6, 12);
  });

  it("an order the sweep completes ends with one fill then `filled`; any other event ends a sweep", () => {
    const { ex, id } = setUp();
    const big = [sweepPrint(T0 + 5, 100.2, 0.7, "buy", true), sweepPrint(T0 + 5, 100.3, 0.7, "buy", true)];
    expect(big.flatMap((e) => ex.onMarketEvent(e))).toEqual([]);
    // the sweep's last print never came (dropped as a duplicate, say): the next book event ends it
    const out = ex.onMarketEvent(snap(T0 + 6, [[100, 5]], [[100.4, 5]]));
    expect(out.map((e: ExchangeEvent) => e.type)).toEqual(["fill", "filled"]);
    expect(fillsOf(out)[0]).toMatchObject({ orderId: id, size: 1, remainingSize: 0 });
  });

  it("a sweep whose last print never came ends at the next taker's print: two fills, each at its time", () => {
    const { ex, id } = setUp();
    expect(ex.onMarketEvent(sweepPrint(T0 + 5, 100.2, 0.3, "buy", true))).toEqual([]);
    // its last print was dropped (a duplicate, say); 40 ms later another market buy comes
    const out = ex.onMarketEvent(trade(T0 + 45, 100.3, 0.5, "buy"));
    expect(fillsOf(out).map((f) => [f.orderId, f.size, f.tsMs])).toEqual([
      [id, 0.3, T0 + 5],
      [id, 0.5, T0 + 45],
    ]);
    // and a print of the other side at the same instant is another taker order too
    const b = setUp();
    b.ex.onMarketEvent(sweepPrint(T0 + 5, 100.2, 0.3, "buy", true));
    const sell = b.ex.onMarketEvent(trade(T0 + 5, 99.9, 0.5, "sell"));
    expect(fillsOf(sell).map((f) => [f.side, f.size])).toEqual([["sell", 0.3]]);
    // … also when that other taker's print is itself the start of a sweep: ours is reported at once
    const c = setUp();
    c.ex.onMarketEvent(sweepPrint(T0 + 5, 100.2, 0.3, "buy", true));
    const sellSweep = c.ex.onMarketEvent(sweepPrint(T0 + 5, 99.9, 0.5, "sell", true));
    expect(fillsOf(sellSweep).map((f) => [f.side, f.size])).toEqual([["sell", 0.3]]);
  });

  it("a checkpoint in the middle of a sweep resumes to the same events", () => {
    const whole = setUp();
    const all = sweep(true).flatMap((e) => whole.ex.onMarketEvent(e));
    const cut = setUp();
    const events = sweep(true);
    const before = cut.ex.onMarketEvent(events[0]!);
    const state = JSON.parse(JSON.stringify(cut.ex.getState())) as PaperExchangeState;
    expect(state.sweepFills).toHaveLength(1);
    const resumed = new PaperExchange({ fillModel: "through", latency: Z, makerFeeBps: 1.5 });
    resumed.setState(state);
    const after = events.slice(1).flatMap((e) => resumed.onMarketEvent(e));
    expect(JSON.stringify([...before, ...after])).toBe(JSON.stringify(all));
  });
});
