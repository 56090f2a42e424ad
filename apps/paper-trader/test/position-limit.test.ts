/** The position limit (--max-position-lots × order size): repeated sweeps through our bids never take the position past it. */
import { expect, it } from "vitest";
import { gridTrader } from "./helpers.js";
import { GRID_T0, gridBook, sellSweep } from "./grid-events.js";

it("a seller sweeping our bids every 100 ms for 5 s leaves us long at most 2 lots of 0.001, and at the limit", () => {
  const t = gridTrader({ orderSizeBase: 0.001, maxPositionLots: 2 });
  let ts = GRID_T0;
  for (; ts <= GRID_T0 + 5000; ts += 100) t.onEvent(gridBook(ts));
  let most = 0;
  for (; ts <= GRID_T0 + 10_000; ts += 50) {
    t.onEvent(ts % 100 === 0 ? sellSweep(ts) : gridBook(ts));
    most = Math.max(most, t.p.exchange.pnl().positionBase);
  }
  expect(most).toBeLessThanOrEqual(0.002 * (1 + 1e-9));
  expect(t.p.exchange.pnl().positionBase).toBeCloseTo(0.002, 12);
});
