/** What the replay clock decides: the default reorder window of each clock, and whether a sweep is regrouped across book frames. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { encodeRecordedEvent, encodeRecordingHeader } from "./recording.js";
import { openReplay } from "./replay.js";

const file = (name: string, text: string): string => {
  const p = join(mkdtempSync(join(tmpdir(), "mmkit-clock-")), name);
  writeFileSync(p, text);
  return p;
};

const trade = (exchangeTsMs: number, localTsMs: number, id: string): MarketEvent => ({
  type: "trade",
  exchangeTsMs,
  localTsMs,
  trade: { price: 10, size: 1, aggressor: "buy", exchangeTsMs, localTsMs, id },
});

const recording = (events: MarketEvent[]): string =>
  file(
    "r.jsonl",
    `${[encodeRecordingHeader("test:X", 0), ...events.map((e) => encodeRecordedEvent(e, "test:X"))].join("\n")}\n`,
  );

const ids = (events: Iterable<MarketEvent>): (string | undefined)[] =>
  [...events].map((e) => (e.type === "trade" ? e.trade.id : e.type));

describe("replay clock defaults", () => {
  it("exchange clock: events up to 200 ms out of order are put back in order by default, none late", () => {
    // Exchange times 1000, 850, 1300 (local times in file order): 850 is 150 ms behind 1000.
    const path = recording([trade(1000, 1, "a"), trade(850, 2, "b"), trade(1300, 3, "c")]);
    const feed = openReplay(path);
    expect(ids(feed.events())).toEqual(["b", "a", "c"]);
    expect(feed.stats().extra["lateEvents"]).toBeUndefined();
  });

  it("local clock: no reorder window by default: an event received out of order passes at once, counted late (1)", () => {
    // Local times 1000, 999, 1300: the 999 comes after 1000 was released.
    const path = recording([trade(5, 1000, "a"), trade(6, 999, "b"), trade(7, 1300, "c")]);
    const feed = openReplay(path, { clock: "local" });
    expect(ids(feed.events())).toEqual(["a", "b", "c"]);
    expect(feed.stats().extra["lateEvents"]).toBe(1);
  });
});

describe("replay clock and Binance sweeps", () => {
  // One taker buy (ids 1, 2, same T) sweeping 100 → 101 with a bookTicker received between the prints.
  const line = (ms: number, data: Record<string, unknown>): string =>
    `1723161255${ms}000000 ${JSON.stringify(data)}`;
  const capture = (): string =>
    file(
      "c.txt",
      `${[
        line(101, { e: "trade", E: 5, T: 5, s: "BTCUSDT", t: 1, p: "100.0", q: "1", X: "MARKET", m: false }),
        line(102, {
          e: "bookTicker",
          u: 9,
          s: "BTCUSDT",
          b: "100.0",
          B: "1",
          a: "101.0",
          A: "1",
          T: 5,
          E: 5,
        }),
        line(103, { e: "trade", E: 5, T: 5, s: "BTCUSDT", t: 2, p: "101.0", q: "1", X: "MARKET", m: false }),
      ].join("\n")}\n`,
    );
  const firstPrint = (clock: "exchange" | "local"): MarketEvent | undefined =>
    [...openReplay(capture(), { clock }).events()].find((e) => e.type === "trade");

  it("exchange clock: the sweep's first print is marked sweepContinues (the bookTicker waits behind the sweep)", () => {
    const p = firstPrint("exchange");
    expect(p?.type === "trade" && p.trade.sweepContinues).toBe(true);
  });

  it("local clock: receive order is kept, so the print before the bookTicker is not marked", () => {
    const p = firstPrint("local");
    expect(p?.type === "trade" && p.trade.sweepContinues).toBeUndefined();
  });
});
