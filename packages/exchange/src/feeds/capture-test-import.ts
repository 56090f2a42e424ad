/** Test helper: capture lines through one importer, as a replay feeds them. */
import type { MarketEvent } from "@mmkit/core";
import { CaptureImporter } from "./capture-import.js";
import { emptyFeedStats, type FeedStats } from "./types.js";

/** What an import of capture lines gave: the events in order and the importer's counters. */
export interface Imported {
  events: MarketEvent[];
  stats: FeedStats;
}

/** Feed lines through one importer, as the replay does; every line must import (else it throws). */
export function importAll(lines: string[], instrument?: string): Imported {
  const stats = emptyFeedStats();
  const imp = new CaptureImporter(stats, instrument !== undefined ? { instrument } : {});
  const events: MarketEvent[] = [];
  for (const l of lines) {
    const r = imp.importLine(l);
    if (!r.ok) throw new Error(r.error);
    events.push(...r.events);
  }
  events.push(...imp.finish());
  return { events, stats };
}
