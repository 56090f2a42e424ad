import { Rng, type MarketEvent } from "@mmkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AsyncQueue } from "./async-queue.js";
import { backoffDelayMs, checkBackoff } from "./backoff.js";
import { MAX_SLEEP_SLICE_MS, pace, speedMultiplier } from "./pace.js";
import { ReorderBuffer } from "./reorder.js";

const trade = (exchangeTsMs: number, localTsMs = exchangeTsMs, id = ""): MarketEvent => ({
  type: "trade",
  exchangeTsMs,
  localTsMs,
  trade: { price: 1, size: 1, aggressor: "buy", exchangeTsMs, localTsMs, id },
});

describe("pace", () => {
  it("waits (t_k − t_0)/speed after the first event on a fake clock", async () => {
    let now = 0;
    const waits: number[] = [];
    const sleepMs = async (ms: number): Promise<void> => {
      waits.push(ms);
      now += ms;
    };
    const events = [trade(1000), trade(1500), trade(1500), trade(3000)];
    const out: MarketEvent[] = [];
    for await (const e of pace(events, 2, { sleepMs, nowMs: () => now })) out.push(e);
    expect(out).toEqual(events);
    // speed 2: due at 0, 250, 250, 1000 ms → waits 250 and 750.
    expect(waits).toEqual([250, 750]);
  });

  it("releases an unpaced prefix at once and paces from the first event after it (resume)", async () => {
    let now = 0;
    const waits: number[] = [];
    const sleepMs = async (ms: number): Promise<void> => {
      waits.push(ms);
      now += ms;
    };
    const events = [trade(0), trade(60_000), trade(120_000), trade(121_000), trade(123_000)];
    const out: MarketEvent[] = [];
    for await (const e of pace(events, 1, { sleepMs, nowMs: () => now, unpacedPrefix: 2 })) out.push(e);
    expect(out).toEqual(events);
    // the 2 skipped events cost no wait; then 120 s is t0: waits 1 s and 2 s after it.
    expect(waits).toEqual([1000, 2000]);
  });

  it("uses the local clock when asked, never waits at max speed, and rejects bad speeds", async () => {
    let now = 0;
    const waits: number[] = [];
    const sleepMs = async (ms: number): Promise<void> => {
      waits.push(ms);
      now += ms;
    };
    for await (const _ of pace([trade(0, 100), trade(10_000, 300)], "realtime", {
      clock: "local",
      sleepMs,
      nowMs: () => now,
    })) {
    }
    expect(waits).toEqual([200]);
    waits.length = 0;
    for await (const _ of pace([trade(0), trade(10_000)], "max", { sleepMs })) {
    }
    expect(waits).toEqual([]);
    expect(() => speedMultiplier(0)).toThrow(/speed must be/);
    expect(() => speedMultiplier(-2)).toThrow(/-2/);
  });
});

describe("pace: a stop request during a wait", () => {
  it("an abort during the last slice of a wait (the wait ran its course) still does not release the event", async () => {
    const ac = new AbortController();
    let now = 0;
    const sleepMs = async (ms: number): Promise<void> => {
      now += ms; // the whole wait elapses, and the stop request came meanwhile
      ac.abort();
    };
    const out: MarketEvent[] = [];
    for await (const e of pace([trade(0), trade(500)], "realtime", {
      sleepMs,
      nowMs: () => now,
      signal: ac.signal,
    }))
      out.push(e);
    expect(out).toEqual([trade(0)]);
  });

  it("a short gap is waited too: 40 ms apart at realtime sleeps 40 ms", async () => {
    let now = 0;
    const waits: number[] = [];
    const sleepMs = async (ms: number): Promise<void> => {
      waits.push(ms);
      now += ms;
    };
    for await (const _ of pace([trade(0), trade(40), trade(42)], "realtime", { sleepMs, nowMs: () => now })) {
    }
    expect(waits).toEqual([40, 2]);
  });

  it("ends a 300 s wait (realtime) within 250 ms of the abort, without releasing the event waited for", async () => {
    const ac = new AbortController();
    const out: MarketEvent[] = [];
    const t0 = performance.now();
    setTimeout(() => ac.abort(), 50);
    for await (const e of pace([trade(0), trade(300_000), trade(300_001)], "realtime", { signal: ac.signal }))
      out.push(e);
    expect(out).toEqual([trade(0)]);
    expect(performance.now() - t0).toBeLessThan(300);
  });

  it("sleeps a long wait in slices of at most MAX_SLEEP_SLICE_MS (0.0001x: 3e9 ms overflows a timer)", async () => {
    let now = 0;
    const waits: number[] = [];
    const ac = new AbortController();
    const sleepMs = async (ms: number, signal?: AbortSignal): Promise<void> => {
      expect(signal).toBe(ac.signal);
      waits.push(ms);
      now += ms;
      if (waits.length === 3) ac.abort();
    };
    const out: MarketEvent[] = [];
    for await (const e of pace([trade(0), trade(300_000)], 0.0001, {
      sleepMs,
      nowMs: () => now,
      signal: ac.signal,
    }))
      out.push(e);
    expect(waits).toEqual([MAX_SLEEP_SLICE_MS, MAX_SLEEP_SLICE_MS, MAX_SLEEP_SLICE_MS]);
    expect(out).toHaveLength(1);
    // not aborted: every slice is slept and the event comes out once due
    now = 0;
    waits.length = 0;
    const plainSleep = async (ms: number): Promise<void> => {
      waits.push(ms);
      now += ms;
    };
    for await (const _ of pace([trade(0), trade(150)], 0.001, { sleepMs: plainSleep, nowMs: () => now })) {
    }
    expect(waits).toEqual([MAX_SLEEP_SLICE_MS, MAX_SLEEP_SLICE_MS, 30_000]);
  });
});

describe("AsyncQueue", () => {
  it("delivers in order, drops the oldest past its bound, and ends after draining", async () => {
    const q = new AsyncQueue<number>(3);
    for (let i = 0; i < 5; i++) q.push(i);
    q.end();
    const got: number[] = [];
    for await (const x of q) got.push(x);
    expect(got).toEqual([2, 3, 4]);
    expect(q.dropped).toBe(2);
  });

  it("wakes a waiting consumer", async () => {
    const q = new AsyncQueue<string>();
    const p = q.next();
    q.push("a");
    expect(await p).toEqual({ value: "a", done: false });
    const p2 = q.next();
    q.end();
    expect((await p2).done).toBe(true);
  });
});

describe("backoff", () => {
  it("property: delay in [base·(1−jitter), base] with base = min(max, initial·factor^attempt)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.double({ min: 1, max: 1000, noNaN: true }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer(),
        (attempt, initialMs, factor, jitterFrac, seed) => {
          const b = checkBackoff({ initialMs, maxMs: initialMs * 50, factor, jitterFrac });
          const base = Math.min(b.maxMs, initialMs * factor ** attempt);
          const d = backoffDelayMs(attempt, b, new Rng(seed));
          return d <= base + 1e-9 && d >= base * (1 - jitterFrac) - 1e-9 && d <= b.maxMs + 1e-9;
        },
      ),
      { seed: 42, numRuns: 500 },
    );
    expect(() => checkBackoff({ initialMs: 10, maxMs: 5, factor: 2, jitterFrac: 0 })).toThrow(/maxMs/);
    // maxMs = initialMs is a constant delay, accepted
    const flat = checkBackoff({ initialMs: 100, maxMs: 100, factor: 2, jitterFrac: 0 });
    expect([0, 1, 5].map((a) => backoffDelayMs(a, flat, new Rng(1)))).toEqual([100, 100, 100]);
  });
});

describe("ReorderBuffer", () => {
  it("property: with lateness ≤ window the output is the stable time-sorted input", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 }), (jitters) => {
        // Event i has true time 10·i and arrives with a delay ≤ 50 ms → lateness ≤ 50 ms.
        const arrivals = jitters.map((j, i) => ({ t: 10 * i, arrive: 10 * i + j, id: String(i) }));
        arrivals.sort((a, b) => a.arrive - b.arrive);
        const buf = new ReorderBuffer("exchange", 50);
        const out: MarketEvent[] = [];
        for (const a of arrivals) buf.push(trade(a.t, a.arrive, a.id), out);
        buf.flush(out);
        const ts = out.map((e) => e.exchangeTsMs);
        return (
          buf.late === 0 && out.length === arrivals.length && ts.every((t, i) => i === 0 || t >= ts[i - 1]!)
        );
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it("passes a too-late event through at once and counts it", () => {
    const buf = new ReorderBuffer("exchange", 0);
    const out: MarketEvent[] = [];
    buf.push(trade(100), out);
    buf.push(trade(50), out);
    buf.flush(out);
    expect(out.map((e) => e.exchangeTsMs)).toEqual([100, 50]);
    expect(buf.late).toBe(1);
  });

  it("the window runs from the newest time seen, not the last pushed: 110 after 200 (window 50) is late", () => {
    const buf = new ReorderBuffer("exchange", 50);
    const out: MarketEvent[] = [];
    for (const t of [100, 200, 120, 130, 110]) buf.push(trade(t), out);
    buf.flush(out);
    // 200 releases 100; 120 and 130 are released at once (≤ 200 − 50); 110 < 130 already released.
    expect(out.map((e) => e.exchangeTsMs)).toEqual([100, 120, 130, 110, 200]);
    expect(buf.late).toBe(1);
  });

  it("an event at exactly the time last released is in order, not late", () => {
    const buf = new ReorderBuffer("exchange", 0);
    const out: MarketEvent[] = [];
    buf.push(trade(100, 1, "a"), out); // released at once (window 0)
    buf.push(trade(100, 2, "b"), out);
    buf.flush(out);
    expect(out.map((e) => (e.type === "trade" ? e.trade.id : ""))).toEqual(["a", "b"]);
    expect(buf.late).toBe(0);
  });
});
