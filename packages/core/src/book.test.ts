import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CrossedBookError, L2Book } from "./book.js";
import type { PriceLevel } from "./types.js";

const lv = (price: number, size: number): PriceLevel => ({ price, size, count: 1 });

describe("L2Book", () => {
  it("applies a snapshot and reports best levels, mid, micro-price and depth", () => {
    const b = new L2Book();
    b.applySnapshot([lv(99, 2), lv(100, 1), lv(98, 3)], [lv(102, 4), lv(101, 3)], 5, 6);
    expect(b.bestBid()).toBe(100);
    expect(b.bestAsk()).toBe(101);
    expect(b.mid()).toBe(100.5);
    // micro = (100·3 + 101·1)/(1 + 3) = 401/4 = 100.25 (price leans toward the thin side).
    expect(b.microPrice()).toBe(100.25);
    expect(b.depthThrough("bid", 99)).toBe(3); // 1 + 2
    expect(b.depthThrough("ask", 102)).toBe(7); // 3 + 4
    expect(b.snapshot(2)).toEqual({
      bids: [lv(100, 1), lv(99, 2)],
      asks: [lv(101, 3), lv(102, 4)],
      exchangeTsMs: 5,
      localTsMs: 6,
    });
    expect(b.levelCount()).toEqual({ bids: 3, asks: 2 });
    expect(b.bbo()).toEqual({ bidPrice: 100, bidSize: 1, askPrice: 101, askSize: 3 });
  });

  it("rejects a crossed or locked snapshot and keeps the previous book", () => {
    const b = new L2Book();
    b.applySnapshot([lv(100, 1)], [lv(101, 1)]);
    expect(() => b.applySnapshot([lv(101, 1)], [lv(101, 1)])).toThrow(CrossedBookError);
    expect(() => b.applySnapshot([lv(102, 1)], [lv(101, 1)])).toThrow(
      /crossed book rejected: best bid 102 >= best ask 101/,
    );
    expect(b.bestBid()).toBe(100);
    expect(b.bestAsk()).toBe(101);
  });

  it("deltas replace levels, delete on size 0, and trim stale crossed levels", () => {
    const b = new L2Book();
    b.applySnapshot([lv(100, 1), lv(99, 1)], [lv(101, 1), lv(102, 1)]);
    b.applyDelta([lv(100, 5)], [lv(101, 0)]);
    expect(b.bestBidSize()).toBe(5);
    expect(b.bestAsk()).toBe(102);
    // A new bid at 102 makes the ask at 102 stale: removed.
    expect(b.applyDelta([lv(102, 1)], [])).toBe(1);
    expect(b.bestBid()).toBe(102);
    expect(b.levelCount().asks).toBe(0);
    expect(b.isCrossed()).toBe(false);
    expect(b.trimmedLevels).toBe(1);
  });

  it("BBO updates drop levels better than the new touch and reject a crossed BBO", () => {
    const b = new L2Book();
    b.applySnapshot([lv(100, 1), lv(99, 1)], [lv(101, 1), lv(102, 1)]);
    b.applyBbo({ bidPrice: 99, bidSize: 4, askPrice: 102, askSize: 2 });
    expect(b.snapshot()).toMatchObject({ bids: [{ price: 99, size: 4 }], asks: [{ price: 102, size: 2 }] });
    expect(() => b.applyBbo({ bidPrice: 103, bidSize: 1, askPrice: 103, askSize: 1 })).toThrow(
      CrossedBookError,
    );
  });

  it("empty sides give NaN prices and a null BBO", () => {
    const b = new L2Book();
    expect(Number.isNaN(b.mid())).toBe(true);
    expect(b.bbo()).toBeNull();
    expect(b.isTwoSided()).toBe(false);
  });

  it("rejects non-finite or negative prices and sizes without changing the book", () => {
    const b = new L2Book();
    b.applySnapshot([lv(100, 1)], [lv(101, 1)]);
    expect(() => b.applyDelta([lv(Number.NaN, 1)], [])).toThrow(/price/);
    expect(() => b.applyDelta([lv(100, 2), lv(99, Number.NaN)], [])).toThrow(/size/);
    expect(b.bestBidSize()).toBe(1); // the valid level before the bad one was not applied either
    expect(() => b.applySnapshot([lv(100, Number.POSITIVE_INFINITY)], [lv(101, 1)])).toThrow(/size/);
    expect(() => b.applyBbo({ bidPrice: 100, bidSize: -1, askPrice: 101, askSize: 1 })).toThrow(/size/);
    expect(b.snapshot()).toMatchObject({ bids: [lv(100, 1)], asks: [lv(101, 1)] });
  });

  it("property: a random delta stream matches a reference model and is never crossed", () => {
    const levelArb = fc.record({
      price: fc.integer({ min: 90, max: 110 }),
      size: fc.constantFrom(0, 0, 1, 2, 3),
    });
    const deltaArb = fc.record({
      bids: fc.array(levelArb, { maxLength: 4 }),
      asks: fc.array(levelArb, { maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(deltaArb, { maxLength: 60 }), (deltas) => {
        const b = new L2Book();
        const refBids = new Map<number, number>();
        const refAsks = new Map<number, number>();
        for (const d of deltas) {
          b.applyDelta(d.bids, d.asks);
          // Reference: replace, delete on 0, and a new level removes crossed levels on the other side.
          for (const l of d.bids) {
            if (l.size > 0) {
              refBids.set(l.price, l.size);
              for (const p of [...refAsks.keys()]) if (p <= l.price) refAsks.delete(p);
            } else refBids.delete(l.price);
          }
          for (const l of d.asks) {
            if (l.size > 0) {
              refAsks.set(l.price, l.size);
              for (const p of [...refBids.keys()]) if (p >= l.price) refBids.delete(p);
            } else refAsks.delete(l.price);
          }
          if (b.isCrossed()) return false;
        }
        const snap = b.snapshot();
        const expBids = [...refBids].sort((x, y) => y[0] - x[0]).map(([price, size]) => ({ price, size }));
        const expAsks = [...refAsks].sort((x, y) => x[0] - y[0]).map(([price, size]) => ({ price, size }));
        const strip = (ls: PriceLevel[]) => ls.map(({ price, size }) => ({ price, size }));
        expect(strip(snap.bids)).toEqual(expBids);
        expect(strip(snap.asks)).toEqual(expAsks);
        return true;
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it("property: deep books (hundreds of levels, inserts and deletes far from the touch) match a reference model", () => {
    const bidArb = fc.record({
      price: fc.integer({ min: 600, max: 999 }),
      size: fc.constantFrom(0, 0, 1, 2),
    });
    const askArb = fc.record({
      price: fc.integer({ min: 1001, max: 1400 }),
      size: fc.constantFrom(0, 0, 1, 2),
    });
    const deltaArb = fc.record({
      bids: fc.array(bidArb, { maxLength: 6 }),
      asks: fc.array(askArb, { maxLength: 6 }),
    });
    fc.assert(
      fc.property(fc.array(deltaArb, { minLength: 20, maxLength: 120 }), (deltas) => {
        const b = new L2Book();
        const refBids = new Map<number, number>();
        const refAsks = new Map<number, number>();
        const bids: PriceLevel[] = [];
        const asks: PriceLevel[] = [];
        for (let i = 0; i < 300; i++) {
          bids.push({ price: 999 - i, size: 1 + (i % 3) });
          asks.push({ price: 1001 + i, size: 1 + (i % 3) });
          refBids.set(999 - i, 1 + (i % 3));
          refAsks.set(1001 + i, 1 + (i % 3));
        }
        b.applySnapshot(bids, asks);
        for (const d of deltas) {
          b.applyDelta(d.bids, d.asks);
          for (const l of d.bids) {
            if (l.size > 0) refBids.set(l.price, l.size);
            else refBids.delete(l.price);
          }
          for (const l of d.asks) {
            if (l.size > 0) refAsks.set(l.price, l.size);
            else refAsks.delete(l.price);
          }
          // Sizes at random prices, best levels, depth: all as the model says.
          for (const l of d.bids) expect(b.sizeAt("bid", l.price)).toBe(refBids.get(l.price) ?? 0);
          for (const l of d.asks) expect(b.sizeAt("ask", l.price)).toBe(refAsks.get(l.price) ?? 0);
        }
        const snap = b.snapshot();
        const expBids = [...refBids].sort((x, y) => y[0] - x[0]).map(([price, size]) => ({ price, size }));
        const expAsks = [...refAsks].sort((x, y) => x[0] - y[0]).map(([price, size]) => ({ price, size }));
        const strip = (ls: PriceLevel[]) => ls.map(({ price, size }) => ({ price, size }));
        expect(strip(snap.bids)).toEqual(expBids);
        expect(strip(snap.asks)).toEqual(expAsks);
        expect(b.levelCount()).toEqual({ bids: refBids.size, asks: refAsks.size });
      }),
      { seed: 43, numRuns: 200 },
    );
  });
});
