import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { CrossedBookError, L2Book, type MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { generateKnifePath } from "../test/knife-path.js";
import { SignalStack } from "./stack.js";

const T0 = 1_700_000_000_000;

/** Market events (BBO every 250 ms around the path's mid, trades each second) from the seeded path. */
function* pathEvents(seed: number, durationSec: number): Generator<MarketEvent> {
  const { steps } = generateKnifePath({
    seed,
    durationSec,
    calmSigmaBps: 1,
    volatileSigmaBps: 2.5,
    meanCalmSec: 600,
    meanVolatileSec: 200,
    runDriftSigmas: 0.8,
    runMinSec: 60,
    runMaxSec: 120,
    gapMinSec: 300,
    gapMaxSec: 600,
    runFlowBias: 0.7,
  });
  for (const st of steps) {
    const ts = T0 + st.tSec * 1000;
    for (let q = 0; q < 4; q++) {
      const half = 0.5 + (q % 2) * 0.5;
      const bbo = { bidPrice: st.mid - half, bidSize: 1 + q, askPrice: st.mid + half, askSize: 4 - q };
      yield { type: "bbo", exchangeTsMs: ts + q * 250, localTsMs: ts + q * 250 + 5, bbo };
    }
    for (const tr of st.trades) {
      const trade = {
        price: st.mid,
        size: tr.size,
        aggressor: tr.aggressor,
        exchangeTsMs: ts + 900,
        localTsMs: ts + 905,
      };
      yield { type: "trade", exchangeTsMs: ts + 900, localTsMs: ts + 905, trade };
    }
  }
}

const smallConfig = {
  warmup: { tradesTarget: 100, bookUpdatesTarget: 200, bucketsTarget: 60, bucketMs: 1000 },
  regime: {
    bucketMs: 1000,
    warmupBuckets: 120,
    refitEveryBuckets: 600,
    windowBuckets: 600,
    restarts: 1,
    maxIter: 30,
  },
};

describe("SignalStack", () => {
  it("gates every signal during warm-up (saying so), then activates; records always sum", () => {
    const stack = new SignalStack(smallConfig);
    let sawWarmup = false;
    let sawActive = false;
    let lastSec = -1;
    for (const ev of pathEvents(1, 900)) {
      stack.onMarketEvent(ev);
      const sec = Math.floor((ev.exchangeTsMs - T0) / 1000);
      if (sec === lastSec) continue;
      lastSec = sec;
      const { effect, record, adjustments } = stack.cycle({
        tsMs: ev.exchangeTsMs,
        baseHalfSpreadBps: 3,
        inventoryFrac: 0,
        pnlQuote: 0,
        notionalQuote: 10_000,
      });
      const sum = record.contributions.reduce((s, c) => s + c.applied_spread_bps, 0);
      expect(Math.abs(sum - record.total_spread_adj_bps)).toBeLessThan(1e-9);
      expect(effect.spreadAdjBps).toBe(record.total_spread_adj_bps);
      if (!stack.warmup.complete) {
        sawWarmup = true;
        for (const a of adjustments) {
          expect(a.active).toBe(false);
          expect(a.note).toMatch(/^warmup \d+%$/);
        }
        expect(effect.regime).toBeUndefined();
        expect(record.total_spread_adj_bps).toBe(0);
      } else if (adjustments.some((a) => a.active)) {
        sawActive = true;
      }
    }
    expect(sawWarmup).toBe(true);
    expect(sawActive).toBe(true);
    expect(stack.regime.fitted).toBe(true);
    const last = stack.cycle({
      tsMs: T0 + 900_000,
      baseHalfSpreadBps: 3,
      pnlQuote: 0,
      notionalQuote: 10_000,
    });
    expect(last.effect.regime).toBeDefined();
    expect(stack.warmupLogLine()).toMatch(/^\[WARMUP\] progress=100%/);
    expect(stack.signalsLogLine(last.effect)).toMatch(/^\[SIGNALS\] alpha=/);
  });

  it("own fills produce automatic markouts that feed alpha→κ", () => {
    const stack = new SignalStack({ ...smallConfig, markoutHorizonMs: 5000 });
    let n = 0;
    for (const ev of pathEvents(2, 400)) {
      stack.onMarketEvent(ev);
      if (ev.type === "bbo" && (ev.exchangeTsMs - T0) % 10_000 === 0) {
        const mid = (ev.bbo.bidPrice + ev.bbo.askPrice) / 2;
        stack.onOwnFill({
          orderId: `o${n++}`,
          side: "buy",
          price: mid,
          size: 1,
          feeQuote: 0,
          liquidity: "maker",
          tsMs: ev.exchangeTsMs,
          midAtFill: mid,
        });
      }
    }
    expect(stack.alphaKappa.count).toBeGreaterThanOrEqual(n - 1);
    expect(stack.warmup.counts().fills).toBe(n);
  });

  it("checkpoint round-trip (via JSON) continues identically", () => {
    const a = new SignalStack(smallConfig);
    const events = [...pathEvents(3, 500)];
    const cut = Math.floor(events.length * 0.6);
    for (const ev of events.slice(0, cut)) a.onMarketEvent(ev);
    a.cycle({ tsMs: events[cut - 1]!.exchangeTsMs, baseHalfSpreadBps: 3, pnlQuote: 1, notionalQuote: 1e4 });
    const b = new SignalStack(smallConfig);
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    for (const ev of events.slice(cut)) {
      a.onMarketEvent(ev);
      b.onMarketEvent(ev);
    }
    const ctx = {
      tsMs: events[events.length - 1]!.exchangeTsMs,
      baseHalfSpreadBps: 3,
      pnlQuote: 2,
      notionalQuote: 1e4,
    };
    expect(b.cycle(ctx)).toEqual(a.cycle(ctx));
    expect(() => b.setState({ version: 2 })).toThrow(/invalid checkpoint/);
  });

  it("a shared book (caller-owned, bookAccepted) gives exactly what an own book gives", () => {
    const own = new SignalStack(smallConfig);
    const book = new L2Book();
    const shared = new SignalStack({ ...smallConfig, book });
    expect(shared.book).toBe(book);
    expect(shared.ownsBook).toBe(false);
    expect(own.ownsBook).toBe(true);
    let lastSec = -1;
    let n = 0;
    for (const ev of pathEvents(4, 700)) {
      // Every 97th quote comes crossed: both books reject it and the signals must skip it.
      const e: MarketEvent =
        ev.type === "bbo" && n++ % 97 === 0
          ? { ...ev, bbo: { ...ev.bbo, bidPrice: ev.bbo.askPrice + 1 } }
          : ev;
      own.onMarketEvent(e);
      let accepted = true;
      if (e.type === "bbo") {
        try {
          book.applyBbo(e.bbo, e.exchangeTsMs, e.localTsMs);
        } catch (err) {
          if (!(err instanceof CrossedBookError)) throw err;
          accepted = false;
        }
      }
      shared.onMarketEvent(e, accepted);
      const sec = Math.floor((e.exchangeTsMs - T0) / 1000);
      if (sec === lastSec) continue;
      lastSec = sec;
      const ctx = { tsMs: e.exchangeTsMs, baseHalfSpreadBps: 3, pnlQuote: sec * 0.01, notionalQuote: 1e4 };
      expect(shared.cycle(ctx)).toEqual(own.cycle(ctx));
    }
    expect(own.rejectedBookEvents).toBeGreaterThan(0);
    expect(shared.rejectedBookEvents).toBe(own.rejectedBookEvents);
    expect(shared.regime.fitted).toBe(true);
    expect(shared.getState()).toEqual(own.getState());
    // Restoring a checkpoint leaves a shared book to its owner.
    const before = book.snapshot();
    const other = new SignalStack({ ...smallConfig, book });
    other.setState(JSON.parse(JSON.stringify(own.getState())));
    expect(book.snapshot()).toEqual(before);
  });

  it("warm-up advances from real market data with zero fills (Binance BTCUSDT sample)", () => {
    const raw = gunzipSync(
      readFileSync(new URL("../../../data/samples/binance-usdm-btcusdt-20240808-120s.gz", import.meta.url)),
    );
    const stack = new SignalStack({ warmup: { bucketsTarget: 12, bucketMs: 5000 } });
    const deflt = new SignalStack();
    let lastTs = 0;
    for (const line of raw.toString("utf8").split("\n")) {
      const sp = line.indexOf(" ");
      if (sp < 0) continue;
      const localMs = Number(line.slice(0, sp)) / 1e6;
      const frame = JSON.parse(line.slice(sp + 1)) as {
        stream?: string;
        data: Record<string, string | number | boolean>;
      };
      if (frame.stream === undefined) continue; // a REST depth snapshot line
      const d = frame.data;
      let ev: MarketEvent | null = null;
      if (frame.stream.endsWith("@bookTicker")) {
        const bbo = {
          bidPrice: Number(d["b"]),
          bidSize: Number(d["B"]),
          askPrice: Number(d["a"]),
          askSize: Number(d["A"]),
        };
        ev = { type: "bbo", exchangeTsMs: Number(d["T"]), localTsMs: localMs, bbo };
      } else if (frame.stream.endsWith("@trade")) {
        const trade = {
          price: Number(d["p"]),
          size: Number(d["q"]),
          aggressor: d["m"] === true ? ("sell" as const) : ("buy" as const),
          exchangeTsMs: Number(d["T"]),
          localTsMs: localMs,
        };
        ev = { type: "trade", exchangeTsMs: Number(d["T"]), localTsMs: localMs, trade };
      }
      if (ev === null) continue;
      stack.onMarketEvent(ev);
      deflt.onMarketEvent(ev);
      lastTs = Math.max(lastTs, ev.exchangeTsMs);
    }
    const r = stack.cycle({ tsMs: lastTs });
    const rd = deflt.cycle({ tsMs: lastTs });
    console.log(`[stack] real data: ${deflt.warmupLogLine()}`);
    console.log(`[stack] real data (60 s bucket target): ${stack.warmupLogLine()}`);
    // Default targets: trades and book updates complete, buckets 23/60 → progress ≈ (1 + 1 + 23/60)/3 ≈ 79%.
    expect(deflt.warmup.counts().fills).toBe(0);
    expect(deflt.warmup.progress()).toBeGreaterThan(0.75);
    expect(rd.adjustments.every((a) => !a.active && a.note === deflt.warmup.note())).toBe(true);
    expect(stack.warmup.complete).toBe(true);
    expect(r.adjustments.find((a) => a.name === "BookImbalance")!.active).toBe(true);
    const knife = r.adjustments.find((a) => a.name === "FallingKnife")!;
    console.log(
      `[stack] real data knife: ${knife.note} active=${knife.active} sigma=${stack.knife.sigmaPerSqrtSec()}`,
    );
    // The sample ends with a ~13 bps fall in its last ~40 s (61826 → 61744): if the guard fires, it must be "down".
    if (knife.active) expect(knife.bidExtraBps).toBeGreaterThan(0);
  });
});

describe("SignalStack automatic markouts use the mid in force at the horizon", () => {
  // Definition (alpha-kappa.ts; same convention as the paper exchange's markout records):
  // m_h = the last mid at or before fill time + horizon; asBps = −sideSign·(m_h − m₀)/m₀·1e4.
  const bbo = (tsMs: number, mid: number): MarketEvent => ({
    type: "bbo",
    exchangeTsMs: tsMs,
    localTsMs: tsMs,
    bbo: { bidPrice: mid - 0.005, bidSize: 1, askPrice: mid + 0.005, askSize: 1 },
  });
  const buyFillAt100 = {
    orderId: "o1",
    side: "buy" as const,
    price: 100,
    size: 1,
    feeQuote: 0,
    liquidity: "maker" as const,
    tsMs: T0,
    midAtFill: 100,
  };

  it("horizon between two updates: the earlier mid (99 → +100 bps; the old code took 101 → −100)", () => {
    const stack = new SignalStack({ markoutHorizonMs: 5000 });
    stack.onMarketEvent(bbo(T0, 100));
    stack.onOwnFill(buyFillAt100);
    stack.onMarketEvent(bbo(T0 + 4000, 99));
    stack.onMarketEvent(bbo(T0 + 6000, 101));
    expect(stack.alphaKappa.count).toBe(1);
    // −(+1)·(99 − 100)/100·1e4 = +100 bps (the first markout enters with weight 1)
    expect(stack.alphaKappa.toxicityBps).toBeCloseTo(100, 9);
  });

  it("an update exactly at the horizon is in force at it (98 → +200 bps)", () => {
    const stack = new SignalStack({ markoutHorizonMs: 5000 });
    stack.onMarketEvent(bbo(T0, 100));
    stack.onOwnFill(buyFillAt100);
    stack.onMarketEvent(bbo(T0 + 4000, 99));
    stack.onMarketEvent(bbo(T0 + 5000, 98));
    expect(stack.alphaKappa.toxicityBps).toBeCloseTo(200, 9);
  });

  it("the mid in force survives a checkpoint taken before the horizon", () => {
    const a = new SignalStack({ markoutHorizonMs: 5000 });
    a.onMarketEvent(bbo(T0, 100));
    a.onOwnFill(buyFillAt100);
    a.onMarketEvent(bbo(T0 + 4000, 99));
    const b = new SignalStack({ markoutHorizonMs: 5000 });
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    b.onMarketEvent(bbo(T0 + 6000, 101));
    expect(b.alphaKappa.toxicityBps).toBeCloseTo(100, 9);
  });
});

describe("SignalStack checkpoint on a quiet tape", () => {
  it("restores from JSON when the regime filter holds a state of probability 0 (log −∞)", () => {
    const t0 = 1_700_000_000_000;
    const bbo = (ts: number, bid: number): MarketEvent => ({
      type: "bbo",
      exchangeTsMs: ts,
      localTsMs: ts,
      bbo: { bidPrice: bid, bidSize: 1, askPrice: 100_000.2, askSize: 1 },
    });
    const st = new SignalStack();
    let found = false;
    for (let s = 0; s < 3000 && !found; s++) {
      for (let k = 0; k < 10; k++) {
        const ts = t0 + s * 1000 + k * 100;
        st.onMarketEvent(bbo(ts, 100_000 + (k % 2) * 0.1));
        if (k === 5)
          st.onMarketEvent({
            type: "trade",
            exchangeTsMs: ts + 1,
            localTsMs: ts + 1,
            trade: { price: 1e5, size: 1, aggressor: "buy", exchangeTsMs: ts + 1, localTsMs: ts + 1 },
          });
      }
      st.cycle({ tsMs: t0 + (s + 1) * 1000, estimatorConfidence: 1 });
      found = st.regime.getState().filter?.logProbs.includes(null) ?? false;
    }
    expect(found).toBe(true);
    const restored = new SignalStack();
    restored.setState(JSON.parse(JSON.stringify(st.getState())));
    expect(restored.regime.probs()).toEqual(st.regime.probs());
  });
});

describe("SignalStack with a one-sided book", () => {
  it("BookImbalance goes inactive when the book loses a side (not only after the stale timer)", () => {
    const t0 = 1_700_000_000_000;
    const st = new SignalStack();
    const lv = (price: number, size: number) => ({ price, size });
    st.onMarketEvent({
      type: "snapshot",
      exchangeTsMs: t0,
      localTsMs: t0,
      bids: [lv(100, 9)],
      asks: [lv(100.1, 1)],
    });
    const imb = () => st.imbalance.adjustment(t0 + 200);
    expect(imb().active).toBe(true);
    st.onMarketEvent({
      type: "delta",
      exchangeTsMs: t0 + 100,
      localTsMs: t0 + 100,
      bids: [],
      asks: [lv(100.1, 0)],
    });
    expect(imb()).toMatchObject({ active: false, note: "one-sided book" });
  });
});

describe("SignalStack rejects non-finite timestamps", () => {
  const t0 = 1_700_000_000_000;
  const lv = (price: number, size: number) => ({ price, size });
  const trade = (ts: number): MarketEvent => ({
    type: "trade",
    exchangeTsMs: ts,
    localTsMs: ts,
    trade: { price: 100, size: 1, aggressor: "buy", exchangeTsMs: ts, localTsMs: ts },
  });

  it("throws a RangeError naming the field and leaves warm-up and the book untouched", () => {
    const st = new SignalStack();
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => st.onMarketEvent(trade(bad))).toThrow(
        new RangeError(`SignalStack.onMarketEvent: event exchangeTsMs must be finite, got ${bad}`),
      );
      expect(() =>
        st.onMarketEvent({
          type: "snapshot",
          exchangeTsMs: bad,
          localTsMs: t0,
          bids: [lv(100, 1)],
          asks: [lv(101, 1)],
        }),
      ).toThrow(RangeError);
    }
    expect(st.book.isTwoSided()).toBe(false);
    expect(st.warmup.getState()).toMatchObject({
      trades: 0,
      bookUpdates: 0,
      firstTsMs: null,
      lastTsMs: null,
    });
    // The stack keeps working: a NaN first timestamp used to leave `[WARMUP] progress=NaN%` for good.
    for (let i = 0; i <= 60; i++) st.onMarketEvent(trade(t0 + i * 5000));
    expect(st.warmup.logLine()).toMatch(
      /^\[WARMUP\] progress=\d+% trades=61\/200 book_updates=0\/500 buckets=60\/60 /,
    );
    expect(() => st.cycle({ tsMs: Number.NaN })).toThrow(/cycle: ctx\.tsMs must be finite, got NaN/);
  });

  it("checks the local clock when the stack runs on it", () => {
    const st = new SignalStack({ clock: "local" });
    expect(() => st.onMarketEvent({ ...trade(t0), localTsMs: Number.NaN })).toThrow(
      /event localTsMs must be finite/,
    );
  });
});
