/** Field schemas shared by the records of every stream: numbers, counts, cycle ids, the common base fields and the order side. */
import { z } from "zod";

export const num = z.number();
export const numOrNull = z.number().nullable();
export const count = z.number().int().nonnegative();
/** A quote-cycle id: a non-negative integer assigned by the quote engine, increasing per cycle. */
export const cycleId = z.number().int().nonnegative();

/** Fields present on every record. */
export const base = {
  /** Schema version of this record. */
  schema_version: z.number().int().positive(),
  /** Event time, ms since the Unix epoch. */
  ts_ms: num,
  /** Event time, ns since the Unix epoch (original format; ~256 ns precision as a JSON number). */
  timestamp_ns: num,
};

/** Order side. */
export const sideSchema = z.enum(["buy", "sell"]);
