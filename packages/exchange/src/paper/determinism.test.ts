import { describe, expect, it } from "vitest";
import type { MarketEvent } from "@mmkit/core";
import type { ExchangeEvent } from "./events.js";
import { PaperExchange, type PaperExchangeState } from "./paper-exchange.js";
import { fillsOf, snap, trade } from "./test-helpers.js";

const T0 = 1_000_000;

function randomEvents(seed: number, n: number): MarketEvent[] {
  let x = seed;
  const u = (): number => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
  const out: MarketEvent[] = [];
  let mid = 100;
  for (let i = 0; i < n; i++) {
    const t = T0 + i * 37;
    if (u() < 0.5) {
      mid += Math.round((u() - 0.5) * 4) * 0.5;
      out.push(
        snap(
          t,
          [
            [mid - 0.5, 1 + Math.floor(u() * 3)],
            [mid - 1, 2],
          ],
          [
            [mid + 0.5, 1 + Math.floor(u() * 3)],
            [mid + 1, 2],
          ],
        ),
      );
    } else {
      const buy = u() < 0.5;
      const px = buy ? mid + 0.5 * Math.floor(u() * 3) : mid - 0.5 * Math.floor(u() * 3);
      out.push(trade(t, px, 0.5 + Math.floor(u() * 4) * 0.5, buy ? "buy" : "sell"));
    }
  }
  return out;
}

function drive(ex: PaperExchange, events: MarketEvent[], from: number, to: number): ExchangeEvent[] {
  const out: ExchangeEvent[] = [];
  for (let i = from; i < to; i++) {
    out.push(...ex.onMarketEvent(events[i]!));
    if (i % 5 === 0) {
      for (const o of ex.openOrders())
        if (o.status === "open" || o.status === "partiallyFilled") out.push(...ex.cancel(o.id).events);
      const mid = ex.book.mid();
      out.push(...ex.place({ side: "buy", price: mid - 0.5, size: 1, postOnly: true }).events);
      out.push(...ex.place({ side: "sell", price: mid + 0.5, size: 1, postOnly: true }).events);
    }
  }
  return out;
}

describe("determinism and checkpoints", () => {
  const cfg = {
    fillModel: "touch" as const,
    latency: { kind: "lognormal" as const, orderEntryMedianMs: 20, cancelMedianMs: 15, sigma: 0.6 },
    seed: 11,
    intensity: { aPerSec: 1, kappaPerFrac: 2000 },
  };
  const events = randomEvents(5, 600);

  it("same events, config and seed give identical output", () => {
    const a = drive(new PaperExchange(cfg), events, 0, events.length);
    const b = drive(new PaperExchange(cfg), events, 0, events.length);
    expect(fillsOf(a).length).toBeGreaterThan(10);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it("a virtual order lives only as long as its prediction (none orphaned by a resolve at event start)", () => {
    // Events 3 s apart: most 30 s prediction horizons end strictly between two events, so
    // predictions resolve in the check that runs before the event is applied.
    const sparse = randomEvents(9, 400).map((e, i) => ({
      ...e,
      exchangeTsMs: T0 + i * 3_000,
      localTsMs: T0 + i * 3_000,
    }));
    const ex = new PaperExchange({ ...cfg, fillModel: "queue", horizonsSec: [1, 30] });
    let maxVirtual = 0;
    for (let i = 0; i < sparse.length; i++) {
      drive(ex, sparse, i, i + 1);
      const c = ex.openRecordCounts();
      expect(c.virtualOrders).toBeLessThanOrEqual(c.predictions);
      maxVirtual = Math.max(maxVirtual, c.virtualOrders);
    }
    expect(maxVirtual).toBeGreaterThan(0);
  });

  for (const fillModel of ["touch", "queue"] as const) {
    it(`getState → JSON → setState resumes exactly (${fillModel}, with virtual orders and open records)`, () => {
      const c = { ...cfg, fillModel };
      const full = new PaperExchange(c);
      const whole = drive(full, events, 0, events.length);
      const first = new PaperExchange(c);
      const part1 = drive(first, events, 0, 300);
      const counts = first.openRecordCounts();
      expect(counts.predictions).toBeGreaterThan(0);
      expect(counts.virtualOrders).toBeGreaterThan(0);
      const state = JSON.parse(JSON.stringify(first.getState())) as PaperExchangeState;
      const second = new PaperExchange(c);
      second.setState(state);
      const part2 = drive(second, events, 300, events.length);
      expect(JSON.stringify([...part1, ...part2])).toBe(JSON.stringify(whole));
      expect(second.pnl()).toEqual(full.pnl());
    });
  }
});
