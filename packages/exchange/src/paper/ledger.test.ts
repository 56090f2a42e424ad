import { describe, expect, it } from "vitest";
import { PositionLedger } from "./ledger.js";

describe("PositionLedger", () => {
  it("tracks average entry, realized PnL and flips (hand-computed)", () => {
    const l = new PositionLedger(0);
    l.fill("buy", 100, 1, 0, 100);
    l.fill("buy", 103, 2, 0, 103); // avg = (100 + 206)/3 = 102
    expect(l.snapshot().avgEntryPrice).toBeCloseTo(102, 12);
    l.fill("sell", 105, 4, 0, 105); // closes 3 at +3 each = 9, opens short 1 at 105
    const s = l.snapshot();
    expect(s.realizedPnlQuote).toBeCloseTo(9, 12);
    expect(s.positionBase).toBeCloseTo(-1, 12);
    expect(s.avgEntryPrice).toBe(105);
    l.mark(104); // short 1 from 105: unrealized +1
    const t = l.snapshot();
    expect(t.unrealizedPnlQuote).toBeCloseTo(1, 12);
    expect(t.totalPnlQuote).toBeCloseTo(10, 12);
    expect(t.equityQuote).toBeCloseTo(10, 12);
  });

  it("volume is Σ price × size in quote currency; a position summing to float noise is flat (0, no entry)", () => {
    const l = new PositionLedger(0); // no lot grid
    l.fill("buy", 100, 0.1, 0, 100);
    l.fill("buy", 100, 0.2, 0, 100); // 0.1 + 0.2 = 0.30000000000000004
    l.fill("sell", 101, 0.3, 0, 101);
    const s = l.snapshot();
    expect(s.volumeQuote).toBeCloseTo(10 + 20 + 30.3, 9);
    expect(s.positionBase).toBe(0);
    expect(s.avgEntryPrice).toBe(0);
    expect(s.realizedPnlQuote).toBeCloseTo(0.3, 9); // 0.3 closed at +1
  });

  it("rejects a fill with a bad size", () => {
    expect(() => new PositionLedger().fill("buy", 100, 0, 0, 100)).toThrow(/size=0/);
  });
});
