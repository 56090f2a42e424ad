/** Schema of `equity.jsonl`: periodic equity / PnL samples. */
import { z } from "zod";
import { base, count, num, numOrNull } from "./record-fields.js";

/** Periodic equity / PnL sample. */
export const equitySchema = z.object({
  ...base,
  /** Mark-to-mid equity, quote currency. */
  equity: num,
  /** Signed position, base units. */
  position: num,
  mid: numOrNull,
  cash: num.optional(),
  realized_pnl: num,
  unrealized_pnl: num,
  /** Fees paid so far (positive = paid), quote currency. */
  fees_paid: num,
  /** Cumulative spread capture, quote currency. */
  spread_capture: num.optional(),
  /** Cumulative inventory (mark-to-market) PnL, quote currency. */
  inventory_pnl: num.optional(),
  /** Drawdown from the running equity peak, fraction. */
  drawdown_frac: num.optional(),
  fills: count.optional(),
  /**
   * On the first sample after a period without market data (feed outage, recording gap, a stop
   * between sessions): the instant (ms) from which nothing was observed. Bucketed statistics leave
   * the time between out (`SharpeTracker.pause` there, then this sample) instead of counting it flat.
   */
  unobserved_since_ms: num.optional(),
});
/** One equity.jsonl record. */
export type EquityRecord = z.infer<typeof equitySchema>;
