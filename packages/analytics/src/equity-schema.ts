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
});
/** One equity.jsonl record. */
export type EquityRecord = z.infer<typeof equitySchema>;
