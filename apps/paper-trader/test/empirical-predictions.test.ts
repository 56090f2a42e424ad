/**
 * The count of fill predictions made from the tape's measured arrival curve (the report's
 * "arrival model" line): orders placed before the intensity estimator has its 100 prints are
 * forecast with A·e^{−κδ} (here the fallback prior), orders placed after, on a tape that does not
 * fit the exponential (every print at the touch), with the empirical curve. Hand-counted ladders
 * of 3 levels a side.
 */
import type { MarketEvent } from "@mmkit/core";
import { expect, it } from "vitest";
import { finishTrader } from "../src/shutdown.js";
import { loggedGridTrader, streamRecords } from "./helpers.js";
import { bookAt, GRID_T0, gridBook } from "./grid-events.js";

/** A print of 0.0001 at the touch of the grid book (100.1 bought or 99.9 sold): never reaches our queue. */
function touchPrint(ts: number, buy: boolean): MarketEvent {
  const trade = {
    price: buy ? 100.1 : 99.9,
    size: 0.0001,
    aggressor: buy ? ("buy" as const) : ("sell" as const),
    exchangeTsMs: ts,
    localTsMs: ts,
  };
  return { type: "trade", exchangeTsMs: ts, localTsMs: ts, trade };
}

it("counts the predictions of the orders placed once the tape's arrival curve is in use, and only those", () => {
  const { dir, out, t } = loggedGridTrader();
  // 30 s of the grid book with a print at the touch every 100 ms (300 prints): the first cycle's
  // ladder (3 bids, 3 asks) is placed before any print; the ladder then stays
  let ts = GRID_T0;
  for (let k = 0; ts < GRID_T0 + 30_000; ts += 100, k++) {
    t.onEvent(gridBook(ts));
    t.onEvent(touchPrint(ts + 50, k % 2 === 0));
  }
  expect(t.p.intensity.value().usedFallback).toBe(true);
  expect(t.p.intensity.arrivalCurve()).not.toBeNull();
  expect(t.counters.empiricalPredictions).toBe(0);
  // the market moves up twice: each move requotes the whole ladder (6 new forecasts each time)
  for (const [from, bid] of [
    [30_000, 100.4],
    [32_000, 100.8],
  ] as const)
    for (ts = GRID_T0 + from; ts < GRID_T0 + from + 2000; ts += 100) t.onEvent(bookAt(ts, bid, bid + 0.2));
  finishTrader(t, "end of test");
  out.close();
  expect(t.counters.empiricalPredictions).toBe(12);
  const models = streamRecords<{ arrival_model: string }>(dir, "predictions.jsonl").map(
    (p) => p.arrival_model,
  );
  expect(models.filter((m) => m === "exponential").length).toBe(6);
  expect(models.filter((m) => m === "empirical").length).toBe(12);
});
