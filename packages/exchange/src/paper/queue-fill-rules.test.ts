/** The queue fill model's allocation and footprint rules on hand-built slots (no exchange around them). */
import { Rng } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { QueueFillModel, type QueueSlot, type TradeContext } from "./fill-models.js";

describe("QueueFillModel unit rules (hand values)", () => {
  const slot = (over: Partial<QueueSlot>): QueueSlot => ({
    queueAheadSize: 0,
    levelSize: 0,
    tradedSinceUpdate: 0,
    lagDecrease: 0,
    lagAheadCut: 0,
    lagTsMs: 0,
    ...over,
  });
  const ctx = (over: Partial<TradeContext>): TradeContext => ({
    through: false,
    remainingQty: 0,
    othersConsumedAtLevel: 0,
    openSize: 0,
    printQty: 0,
    recorded: true,
    tsMs: 0,
    rng: new Rng(1),
    ...over,
  });

  it("allocate: queue ahead already consumed at the level by our other orders is not needed again", () => {
    // need = max(0, ahead 5 + restored 0 − othersConsumed 5) = 0 → consumed 0, left 4 → fill min(3, 4) = 3
    const m = new QueueFillModel();
    const d = m.allocate(
      slot({ queueAheadSize: 5, levelSize: 5 }),
      ctx({ remainingQty: 4, printQty: 10, othersConsumedAtLevel: 5, openSize: 3 }),
    );
    expect(d).toEqual({ fillSize: 3, othersConsumed: 0 });
    // partly consumed: need = 5 − 2 = 3 → consumed 3, left 1 → fill 1
    const e = m.allocate(
      slot({ queueAheadSize: 5, levelSize: 5 }),
      ctx({ remainingQty: 4, printQty: 10, othersConsumedAtLevel: 2, openSize: 3 }),
    );
    expect(e).toEqual({ fillSize: 1, othersConsumed: 3 });
  });

  it("a matched print restores cut · matched / decrease, not the whole cut", () => {
    const m = new QueueFillModel(); // proportional share, 100 ms lag
    const s = slot({ queueAheadSize: 10, levelSize: 20 });
    // 20 → 16 at t = 0, nothing traded: decrease 4; front 10, back 10, share 0.5 → ahead 10 − 2 = 8,
    // cut 2, the decrease stays open to a print until t = 100
    m.onLevelSize(s, 16, 0);
    expect(s).toEqual({
      queueAheadSize: 8,
      levelSize: 16,
      tradedSinceUpdate: 0,
      lagDecrease: 4,
      lagAheadCut: 2,
      lagTsMs: 0,
    });
    // recorded print of 2 at t = 50: matched min(4, 2) = 2, restored 2 · 2/4 = 1;
    // allocate needs 8 + 1 = 9 ahead, so the 2 go to the queue (nothing for us)
    expect(m.allocate(s, ctx({ remainingQty: 2, printQty: 2, openSize: 1, tsMs: 50 }))).toEqual({
      fillSize: 0,
      othersConsumed: 2,
    });
    m.afterPrint(s, { through: false, printQty: 2, consumedAtLevel: 2, recorded: true, tsMs: 50 });
    // ahead 8 + 1 − 2 = 7; the open decrease keeps 4 − 2 = 2 with cut 2 − 1 = 1; the matched 2 are
    // already out of the level, so nothing is left to explain
    expect(s).toEqual({
      queueAheadSize: 7,
      levelSize: 16,
      tradedSinceUpdate: 0,
      lagDecrease: 2,
      lagAheadCut: 1,
      lagTsMs: 0,
    });
  });
});
