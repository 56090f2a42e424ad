import type { MarketEvent } from "@mmkit/core";
import { z } from "zod";

/** Schema tag of the first line of a recording. */
export const RECORDING_SCHEMA = "mmkit.marketdata";
/** Current recording schema version. */
export const RECORDING_VERSION = 1;

/** Header line of a recording file. */
export interface RecordingHeader {
  schema: typeof RECORDING_SCHEMA;
  version: number;
  /** Feed name that produced the file (e.g. `hyperliquid:BTC`). */
  source: string;
  /** Wall time the file was opened (ms). */
  createdTsMs: number;
  /** Index of this file in a rotated series (0-based). */
  part: number;
}

/** zod schema of the header line. */
export const recordingHeaderSchema = z.object({
  schema: z.literal(RECORDING_SCHEMA),
  version: z.number().int().min(1).max(RECORDING_VERSION),
  source: z.string(),
  createdTsMs: z.number(),
  part: z.number().int().nonnegative().default(0),
});

const num = z.number().refine(Number.isFinite, "finite number");
const level = z.object({ price: num, size: num, count: z.number().optional() });
/** A print's price or size: finite and > 0 (a print at price 0 is no trade; the feeds reject it too). */
const positive = z.number().refine((x) => Number.isFinite(x) && x > 0, "finite number > 0");
const base = { exchangeTsMs: num, localTsMs: num, src: z.string().optional() };

/** zod schema of one event line (a `MarketEvent` plus a `src` tag). */
export const recordedEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("snapshot"), ...base, bids: z.array(level), asks: z.array(level) }),
  z.object({ type: z.literal("delta"), ...base, bids: z.array(level), asks: z.array(level) }),
  z.object({
    type: z.literal("bbo"),
    ...base,
    bbo: z.object({ bidPrice: num, bidSize: num, askPrice: num, askSize: num }),
  }),
  z.object({
    type: z.literal("trade"),
    ...base,
    trade: z.object({
      price: positive,
      size: positive,
      aggressor: z.enum(["buy", "sell"]),
      exchangeTsMs: num,
      localTsMs: num,
      id: z.string().optional(),
      sweepContinues: z.boolean().optional(),
    }),
  }),
  z.object({
    type: z.literal("health"),
    ...base,
    status: z.enum(["connected", "disconnected", "stale", "resynced"]),
    reason: z.string(),
  }),
]);

/** Header line text (no newline). */
export function encodeRecordingHeader(source: string, createdTsMs: number, part = 0): string {
  const h: RecordingHeader = {
    schema: RECORDING_SCHEMA,
    version: RECORDING_VERSION,
    source,
    createdTsMs,
    part,
  };
  return JSON.stringify(h);
}

/** One event line (no newline): the event's own fields plus `src`. */
export function encodeRecordedEvent(e: MarketEvent, src: string): string {
  return JSON.stringify({ ...e, src });
}

/** Whether a first line is a recording header. */
export function isRecordingHeader(line: string): boolean {
  if (!line.startsWith("{")) return false;
  try {
    return recordingHeaderSchema.safeParse(JSON.parse(line)).success;
  } catch {
    return false;
  }
}

/** Decode one event line into a `MarketEvent` (drops `src`), or an error message. */
export function decodeRecordedEvent(
  line: string,
): { ok: true; event: MarketEvent } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    return { ok: false, error: `malformed JSON: ${(err as Error).message}` };
  }
  const r = recordedEventSchema.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0];
    return { ok: false, error: i ? `${i.path.join(".") || "(root)"}: ${i.message}` : "schema error" };
  }
  const { src: _src, ...event } = r.data;
  return { ok: true, event: event as MarketEvent };
}
