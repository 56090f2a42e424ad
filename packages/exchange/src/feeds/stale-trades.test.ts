import { describe, expect, it } from "vitest";
import { StaleTradeFilter } from "./stale-trades.js";

const T = 1_737_918_843_542;

describe("StaleTradeFilter", () => {
  it("drops prints older than the latest book by more than maxLagMs, keeps the rest", () => {
    const f = new StaleTradeFilter(2000);
    expect(f.accepts(T - 60_000)).toBe(true); // no book yet: nothing to compare with
    f.noteBook(T);
    expect(f.accepts(T - 2001)).toBe(false);
    expect(f.accepts(T - 2000)).toBe(true);
    expect(f.accepts(T + 5)).toBe(true);
    expect(() => new StaleTradeFilter(-1)).toThrow(RangeError);
  });

  it("one book stamped an hour ahead (venue clock glitch) affects only the prints before the next book", () => {
    const f = new StaleTradeFilter(2000);
    f.noteBook(T);
    f.noteBook(T + 3_600_000); // the glitch
    expect(f.accepts(T + 300)).toBe(false); // a print arriving right after it: judged against it
    f.noteBook(T + 500); // the next, correct book
    expect(f.lastBookTsMs).toBe(T + 500);
    for (let k = 1; k <= 100; k++) expect(f.accepts(T + 500 + k * 400)).toBe(true);
    // Still does its job: the recent-trades snapshot of a resubscribe (a minute old) is dropped.
    expect(f.accepts(T + 500 - 60_000)).toBe(false);
  });
});
