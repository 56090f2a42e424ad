/** Trade prints off the price grid a run quotes on: a venue tick change, or a wrong inferred/given grid. */
import type { TickRules } from "@mmkit/core";
import type { Logger } from "pino";
import { tickSizeNear } from "./build.js";
import { decimalText } from "./instrument.js";

/** Counts the prints of a session that `grid` does not allow; warns at the first one. */
export class OffGridPrints {
  /** Prints off the grid so far (this session). */
  count = 0;

  constructor(
    private readonly grid: TickRules,
    private readonly logger: Logger,
  ) {}

  /** Check one print (`mid`: the mid before it, for the tick named in the warning). */
  check(price: number, mid: number): void {
    if (this.grid.isValidPrice(price) || this.count++ > 0) return;
    const tick = mid > 0 ? ` (tick ${tickSizeNear(this.grid, mid)} near the mid)` : "";
    this.logger.warn(
      `[GRID] a trade printed at ${decimalText(price)}, off the price grid the run quotes on${tick}: the venue's tick changed or the inferred one is wrong; quotes may be off the venue's grid (set --tick-size / --sz-decimals; the report counts such prints)`,
    );
  }

  /** The report's addition to the Instrument line ("" when every print was on the grid). */
  reportText(): string {
    return this.count === 0
      ? ""
      : `; ${this.count} trade print(s) off this grid in this session: the venue's tick changed or the inferred one is wrong (--tick-size / --sz-decimals)`;
  }
}
