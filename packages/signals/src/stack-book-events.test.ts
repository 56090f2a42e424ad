import { CrossedBookError, L2Book, type MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { SignalStack } from "./stack.js";
import { pathEvents, smallConfig, T0 } from "./stack-test-helpers.js";

describe("SignalStack", () => {
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
    // The same state, except the book: a shared book is its owner's to checkpoint (left empty).
    const { book: sharedBook, ...sharedRest } = shared.getState();
    const { book: ownBook, ...ownRest } = own.getState();
    expect(sharedRest).toEqual(ownRest);
    expect(ownBook.bids.length).toBeGreaterThan(0);
    expect(sharedBook).toEqual({ bids: [], asks: [], exchangeTsMs: 0, localTsMs: 0 });
    // Restoring a checkpoint leaves a shared book to its owner.
    const before = book.snapshot();
    const other = new SignalStack({ ...smallConfig, book });
    other.setState(JSON.parse(JSON.stringify(own.getState())));
    expect(book.snapshot()).toEqual(before);
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
