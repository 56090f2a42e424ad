import { describe, expect, it } from "vitest";
import { PaperExchange } from "./paper-exchange.js";
import { fillsOf, snap, trade } from "./test-helpers.js";

const T0 = 1_000_000;
const LAT = { kind: "constant" as const, orderEntryMs: 10, cancelMs: 10 };

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
