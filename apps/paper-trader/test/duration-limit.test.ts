import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { DurationLimit } from "../src/duration-limit.js";
import { initialCounters } from "../src/trader-counters.js";

const trade = (tsMs: number): MarketEvent => ({
  type: "trade",
  exchangeTsMs: tsMs,
  localTsMs: tsMs,
  trade: { price: 100, size: 1, aggressor: "buy", exchangeTsMs: tsMs, localTsMs: tsMs },
});

describe("--duration's boundary (market time from the first event, both ends included)", () => {
  it("an event exactly at first + duration is inside the run and ends it; one beyond ends it at the limit", () => {
    const d = new DurationLimit(120, true, "exchange");
    const c = { ...initialCounters(), firstTsMs: 1_000, lastTsMs: 1_000 };
    expect(d.endBefore(c, trade(121_000))).toBeNull(); // processed
    c.lastTsMs = 120_999;
    expect(d.reached(c)).toBe(false);
    c.lastTsMs = 121_000;
    expect(d.reached(c)).toBe(true); // stops after it
    // a hole past the end: the run ends at the limit, not at the event after the hole
    const h = { ...initialCounters(), firstTsMs: 1_000, lastTsMs: 50_000 };
    expect(d.endBefore(h, trade(121_001))).toBe(121_000);
    expect(d.reason).toBe("duration reached (120s of market time)");
  });

  it("live runs are judged on their events' clock by reached() only", () => {
    const d = new DurationLimit(60, false, "local");
    const c = { ...initialCounters(), firstTsMs: 0, lastTsMs: 0 };
    expect(d.endBefore(c, trade(10_000_000))).toBeNull();
    c.lastTsMs = 60_000;
    expect(d.reached(c)).toBe(true);
    expect(d.reason).toBe("duration reached (60s of wall time)");
  });
});
