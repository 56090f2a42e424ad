import { describe, expect, it } from "vitest";
import { PaperExchange } from "./paper-exchange.js";
import { delta, fillsOf, snap, trade } from "./test-helpers.js";

const T0 = 1_000_000;
const LAT = { kind: "constant" as const, orderEntryMs: 10, cancelMs: 10 };

/**
 * A DOGE-like instrument (lot 1): we join behind 10 at our bid, 10 more join behind us, then 3
 * leave without a trade (no print follows within the queue model's trade lag). The proportional queue model attributes 1.5 of that to the queue ahead
 * (8.5 left), so a 10-lot print at our price leaves 1.5 for us: not a size the venue can fill.
 */
function scenario(lotSize: number | undefined): PaperExchange {
  const ex = new PaperExchange({
    latency: LAT,
    fillModel: "queue",
    ...(lotSize !== undefined ? { lotSize } : {}),
  });
  ex.onMarketEvent(snap(T0, [[0.12348, 10]], [[0.1235, 10]]));
  ex.place({ side: "buy", price: 0.12348, size: 811, postOnly: true });
  ex.advanceTo(T0 + 10);
  ex.onMarketEvent(delta(T0 + 20, [[0.12348, 20]], []));
  ex.onMarketEvent(delta(T0 + 30, [[0.12348, 17]], []));
  return ex;
}

describe("lot size", () => {
  it("without a lot the queue model can fill a fraction of a unit (the continuous default)", () => {
    const ex = scenario(undefined);
    const fills = fillsOf(ex.onMarketEvent(trade(T0 + 300, 0.12348, 10, "sell")));
    expect(fills.map((f) => f.size)).toEqual([1.5]);
  });

  it("fills whole lots only and keeps remaining size and position on the lot grid", () => {
    const ex = scenario(1);
    const first = fillsOf(ex.onMarketEvent(trade(T0 + 300, 0.12348, 10, "sell")));
    expect(first.map((f) => f.size)).toEqual([1]);
    expect(first[0]!.remainingSize).toBe(810);
    // A print through our price fills the rest: the order completes exactly, the position is 811.
    const rest = fillsOf(ex.onMarketEvent(trade(T0 + 310, 0.12347, 5000, "sell")));
    expect(rest.map((f) => f.size)).toEqual([810]);
    expect(ex.pnl().positionBase).toBe(811);
  });

  it("a share below one lot fills nothing", () => {
    const ex = scenario(1);
    expect(fillsOf(ex.onMarketEvent(trade(T0 + 300, 0.12348, 9, "sell")))).toEqual([]);
  });

  it("sums of decimal lots carry no float noise (0.1 + 0.2 = 0.3)", () => {
    const ex = new PaperExchange({ latency: LAT, fillModel: "through", lotSize: 0.0001 });
    ex.onMarketEvent(snap(T0, [[3301.2, 1]], [[3301.4, 1]]));
    ex.place({ side: "sell", price: 3301.4, size: 0.3, postOnly: true });
    ex.advanceTo(T0 + 10);
    const a = fillsOf(ex.onMarketEvent(trade(T0 + 20, 3301.5, 0.1, "buy")));
    expect(a[0]!.remainingSize).toBe(0.2);
    const b = fillsOf(ex.onMarketEvent(trade(T0 + 30, 3301.5, 0.2, "buy")));
    expect(b[0]!.size).toBe(0.2);
    expect(b[0]!.remainingSize).toBe(0);
    expect(b[0]!.positionAfter).toBe(-0.3);
    expect(ex.pnl().positionBase).toBe(-0.3);
    expect(ex.openOrders()).toEqual([]);
  });
});
