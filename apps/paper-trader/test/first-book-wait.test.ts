import { Writable } from "node:stream";
import type { MarketEvent } from "@mmkit/core";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { FirstBookWait, MAX_WAITING_EVENTS } from "../src/first-book-wait.js";

const T0 = 1_737_900_000_000;

function trade(i: number): MarketEvent {
  const ts = T0 + i;
  return {
    type: "trade",
    exchangeTsMs: ts,
    localTsMs: ts,
    trade: {
      price: 100 + (i % 7),
      size: 1,
      aggressor: i % 2 === 0 ? "buy" : "sell",
      exchangeTsMs: ts,
      localTsMs: ts,
    },
  };
}

function capture(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  return { logger: pino({ level: "warn" }, sink), lines };
}

describe("FirstBookWait: events before the first two-sided book", () => {
  it("keeps every event in order and hands them over once the book is two-sided", () => {
    const { logger, lines } = capture();
    const w = new FirstBookWait(logger);
    const bidOnly: MarketEvent = {
      type: "snapshot",
      exchangeTsMs: T0,
      localTsMs: T0,
      bids: [{ price: 99, size: 1 }],
      asks: [],
    };
    expect(w.add(bidOnly)).toBeNaN();
    expect(w.add(trade(1))).toBeNaN();
    const bbo: MarketEvent = {
      type: "bbo",
      exchangeTsMs: T0 + 2,
      localTsMs: T0 + 2,
      bbo: { bidPrice: 99, bidSize: 1, askPrice: 101, askSize: 2 },
    };
    expect(w.add(bbo)).toBe(100);
    expect(w.drain()).toEqual([bidOnly, trade(1), bbo]);
    expect(w.drain()).toEqual([]);
    expect(lines).toEqual([]);
  });

  it("a feed that never sends a two-sided book is bounded: past the cap the older half goes, with a warning", () => {
    const { logger, lines } = capture();
    const w = new FirstBookWait(logger);
    const n = MAX_WAITING_EVENTS + 1;
    let mid = 0;
    for (let i = 0; i < n; i++) mid = w.add(trade(i));
    expect(mid).toBeNaN();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      `no two-sided order book after ${n} events: the ${MAX_WAITING_EVENTS / 2} oldest events waiting for one were dropped`,
    );
    const kept = w.drain();
    // the newest half + 1 remain, oldest first
    expect(kept).toHaveLength(n - MAX_WAITING_EVENTS / 2);
    expect(kept[0]).toEqual(trade(MAX_WAITING_EVENTS / 2));
    expect(kept[kept.length - 1]).toEqual(trade(n - 1));
  });
});
