import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { parseSyntheticConfig, type SyntheticMarketConfigInput } from "./synthetic-config.js";
import { drawLatentPath } from "./synthetic-path.js";
import { referenceEvents } from "./reference/synthetic-reference.js";
import { pace } from "./pace.js";
import { decimal, type MarketOrderTruth } from "./synthetic-stepper.js";
import { SyntheticMarket } from "./synthetic.js";
import { emptyFeedStats } from "./types.js";

/** Walk the market's iterator and the reference generator side by side, comparing what a caller can see. */
function lockstep(input: SyntheticMarketConfigInput, limit: number): number {
  const m = new SyntheticMarket(input);
  const cfg = parseSyntheticConfig(input);
  const stats = emptyFeedStats();
  const orders: MarketOrderTruth = { buy: 0, sell: 0, unfilled: 0, undisplayedPrints: 0 };
  const ref = referenceEvents(cfg, drawLatentPath(cfg), stats, orders);
  const it = m.events();
  let n = 0;
  for (;;) {
    const a = it.next();
    const b = ref.next();
    expect(a.done).toBe(b.done);
    if (b.done) break;
    expect(a.value).toEqual(b.value);
    // Counters move as the old generator moved them: events when handed out, orders per step.
    expect(m.stats().events).toEqual(stats.events);
    expect(m.groundTruth().marketOrders).toEqual(orders);
    if (++n === limit) break;
  }
  return n;
}

describe("SyntheticMarket.events() iterator", () => {
  it("matches the reference generator event by event, counters included", () => {
    expect(lockstep({ seed: 5, durationSec: 30, marketOrders: { aPerSec: 6 } }, 4000)).toBe(4000);
  });

  it("a mid that leaves the exact tick range (±2^52 ticks) stops the pass with a clear error", () => {
    const crossing = new SyntheticMarket({
      seed: 4,
      durationSec: 40,
      initialMid: 4.4e14,
      jumps: { ratePerHour: 0 },
      runs: { ratePerHour: 3600, durationSec: 30, driftBpsPerSec: 400 },
      regimes: [{ name: "flat", sigmaPerSqrtSec: 0 }],
      initialRegime: "flat",
    });
    let n = 0;
    expect(() => {
      for (const _ of crossing.events()) n++;
    }).toThrow(/supported price range/);
    expect(n).toBeGreaterThan(50); // events before the mid drifted out of range were delivered
    expect(() => [...new SyntheticMarket({ seed: 3, durationSec: 30, initialMid: 9.5e14 }).events()]).toThrow(
      /supported price range/,
    );
  });

  it("a pass that ends before its first step yields nothing (as before)", () => {
    const m = new SyntheticMarket({ durationSec: 1e-9 });
    expect([...m.events()]).toEqual([]);
    expect(m.stats().events.snapshot).toBe(0);
    expect(lockstep({ durationSec: 1e-9 }, 10)).toBe(0);
  });

  it("starts lazily, is its own iterator, and return/throw finish it like a generator", () => {
    const m = new SyntheticMarket({ seed: 2, durationSec: 5 });
    const full = [...m.events()];
    const counted = m.stats().events;
    const it = m.events();
    expect(m.stats().events).toEqual(counted); // not started yet
    expect(it[Symbol.iterator]()).toBe(it);
    expect(Object.prototype.toString.call(it)).toBe("[object Generator]");
    expect(it.next().value).toEqual(full[0]);
    expect(m.stats().events.snapshot).toBe(1);
    expect(it.return(undefined)).toEqual({ value: undefined, done: true });
    expect(it.next()).toEqual({ value: undefined, done: true });

    const it2 = m.events();
    const boom = new Error("boom");
    expect(() => it2.throw(boom)).toThrow(boom);
    expect(it2.next()).toEqual({ value: undefined, done: true });

    const it3 = m.events();
    const firstTwo: MarketEvent[] = [];
    for (const e of it3) {
      firstTwo.push(e);
      if (firstTwo.length === 2) break;
    }
    expect(firstTwo).toEqual(full.slice(0, 2));
    expect(it3.next().done).toBe(true); // break closed it
  });
});

describe("decimal", () => {
  it("equals String(n)", () => {
    for (let n = 1; n < 20_000; n++) expect(decimal(n)).toBe(String(n));
    for (const n of [99_999, 100_000, 123_456_789, 2 ** 31, 2 ** 53 - 1]) expect(decimal(n)).toBe(String(n));
  });
});

describe("SyntheticMarket async iteration at speed max", () => {
  /** What `[Symbol.asyncIterator]` used to build: a close-guard generator paced by `pace(…, "max")`. */
  async function oldChain(m: SyntheticMarket, closeAfter: number): Promise<{ got: number; stats: unknown }> {
    let closed = false;
    function* guarded(): Generator<MarketEvent> {
      for (const e of m.events()) {
        if (closed) return;
        yield e;
      }
    }
    let got = 0;
    for await (const _ of pace(guarded(), "max")) if (++got === closeAfter) closed = true;
    return { got, stats: m.stats() };
  }

  it("close() mid-iteration ends it after the same events, with the same counters, as the old chain", async () => {
    for (const closeAfter of [1, 2, 50, 777]) {
      const m = new SyntheticMarket({ seed: 8, durationSec: 20 });
      let got = 0;
      for await (const _ of m) if (++got === closeAfter) await m.close();
      expect({ got, stats: m.stats() }).toEqual(
        await oldChain(new SyntheticMarket({ seed: 8, durationSec: 20 }), closeAfter),
      );
    }
  });

  it("return() and throw() finish it", async () => {
    const m = new SyntheticMarket({ seed: 8, durationSec: 20 });
    const it = m[Symbol.asyncIterator]() as AsyncGenerator<MarketEvent>;
    expect((await it.next()).done).toBe(false);
    expect(await it.return(undefined)).toEqual({ value: undefined, done: true });
    expect(await it.next()).toEqual({ value: undefined, done: true });
    const it2 = m[Symbol.asyncIterator]() as AsyncGenerator<MarketEvent>;
    await expect(it2.throw(new Error("stop"))).rejects.toThrow("stop");
    expect(await it2.next()).toEqual({ value: undefined, done: true });
  });
});
