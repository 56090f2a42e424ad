/** Schema of `fills.jsonl`: one record per fill. */
import { z } from "zod";
import { base, cycleId, num, numOrNull, sideSchema } from "./record-fields.js";

/** Per fill. */
export const fillSchema = z.object({
  ...base,
  fill_id: z.string(),
  order_id: z.string(),
  /** Quote cycle that placed the order (null if unknown). */
  cycle_id: cycleId.nullable(),
  /** Ladder level (0 = touch) if known. */
  level: z.number().int().nonnegative().nullable(),
  side: sideSchema,
  price: num,
  size: num,
  /** Fee in quote currency (positive = paid, negative = rebate). */
  fee: num,
  /** Fee in bps of notional. */
  fee_bps: num,
  liquidity: z.enum(["maker", "taker"]),
  mid_at_fill: num,
  /** Position (base units, signed) after the fill. */
  position_after: num,
  /** Original `[FILL PNL]` spread_capture: side·(mid − price)·size, quote currency. */
  spread_capture: num,
  /** Realized PnL of the run so far, after this fill (a running total, like `cum_pnl`), quote currency (null if not tracked). */
  realized_pnl: numOrNull,
  /** Cumulative net PnL after this fill, quote currency. */
  cum_pnl: numOrNull,
});
/** One fills.jsonl record. */
export type FillRecord = z.infer<typeof fillSchema>;
