/**
 * The last equity sample at the stop: written at the run's last instant when the latest periodic
 * sample is older, and not a second time when a periodic sample already fell on that instant.
 */
import { describe, expect, it } from "vitest";
import { finishTrader } from "../src/shutdown.js";
import { loggedGridTrader, streamRecords } from "./helpers.js";
import { GRID_T0, gridBook } from "./grid-events.js";

/** equity.jsonl times (relative to GRID_T0) of a run of grid books every 100 ms to +`endMs`, then stopped. */
function equityTimesStoppedAt(endMs: number): number[] {
  const { dir, out, t } = loggedGridTrader();
  for (let ts = GRID_T0; ts <= GRID_T0 + endMs; ts += 100) t.onEvent(gridBook(ts));
  finishTrader(t, "end of test");
  out.close();
  return streamRecords<{ ts_ms: number }>(dir, "equity.jsonl").map((l) => l.ts_ms - GRID_T0);
}

describe("the equity sample at the stop", () => {
  it("a stop 0.5 s after the last 1 s sample adds one at the stop", () => {
    expect(equityTimesStoppedAt(2500)).toEqual([0, 1000, 2000, 2500]);
  });

  it("a stop on the instant of a 1 s sample adds none (no second line at the same time)", () => {
    expect(equityTimesStoppedAt(2000)).toEqual([0, 1000, 2000]);
  });
});
