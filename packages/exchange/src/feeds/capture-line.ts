/** The raw capture line, `<local ns> <json>`, and the outcome of importing one. */
import type { MarketEvent } from "@mmkit/core";
import type { BadPrints } from "./print-check.js";
import { bumpExtra, type FeedStats } from "./types.js";

/** Venue of a raw `<local ns> <json>` websocket capture. */
export type CaptureVenue = "binance" | "hyperliquid";

/** Outcome of importing one capture line. */
export type CaptureLineResult =
  | {
      ok: true;
      events: MarketEvent[];
      /** Prints of the line dropped as no trade (price or size ≤ 0). */
      badPrints?: BadPrints;
    }
  | { ok: false; error: string };

/** Split `<local ns> <json>` into local ms and the JSON text, or null when the shape is wrong. */
export function splitCaptureLine(line: string): { localTsMs: number; json: string } | null {
  const sp = line.indexOf(" ");
  if (sp <= 0) return null;
  const head = line.slice(0, sp);
  if (!/^\d{10,20}$/.test(head)) return null;
  return { localTsMs: Number(head) / 1e6, json: line.slice(sp + 1) };
}

/** Skip a valid frame that must not reach the book: counted as ignored and under `counter`. */
export function skipFrame(stats: FeedStats, counter: string): CaptureLineResult {
  bumpExtra(stats, counter);
  stats.ignoredMessages++;
  return { ok: true, events: [] };
}
