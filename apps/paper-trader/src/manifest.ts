/** The run manifest (run.json): what ran, from what, with which versions. */
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";
import { type RunManifest, SCHEMA_VERSION, STREAM_FILES } from "@mmkit/analytics";
import { baseGamma } from "@mmkit/core";
import type { PaperTraderConfig } from "./config.js";
import type { TraderParts } from "./trader-parts.js";
import { instrumentGrid } from "./instrument.js";
import type { RunSource } from "./source.js";

/** App version written to run.json. */
export const APP_VERSION = "0.1.0";

/**
 * The manifest of run `runId`, started at `startedTsMs` (wall), ended at `endedTsMs` (null while
 * running); `firstMid` (NaN until known) gives the price step `source.tick_size` states; `parts`
 * (the trader's, once built) the quoting parameters it used, defaults resolved.
 */
export function runManifest(
  config: PaperTraderConfig,
  source: RunSource,
  runId: string,
  startedTsMs: number,
  endedTsMs: number | null,
  firstMid = Number.NaN,
  parts: Pick<TraderParts, "engine" | "orderSizeBase" | "maxPositionLots" | "capitalQuote"> | null = null,
): RunManifest {
  const { venue, instrument: _i, ...grid } = instrumentGrid(source, firstMid);
  return {
    schema_version: SCHEMA_VERSION,
    run_id: runId,
    started_ts_ms: startedTsMs,
    ended_ts_ms: endedTsMs,
    seed: config.seed,
    source: { kind: config.source, ...source.describe, clock: source.clock, ...grid },
    fill_model: config.fillModel,
    symbol: source.instrument,
    venue,
    config: { ...config },
    ...(parts === null
      ? {}
      : {
          quoting: {
            gamma: baseGamma(parts.engine.config),
            order_size_base: parts.orderSizeBase,
            max_position_lots: parts.maxPositionLots,
            capital_quote: parts.capitalQuote,
          },
        }),
    versions: { "@mmkit/paper-trader": APP_VERSION, node: process.version, schema: String(SCHEMA_VERSION) },
    streams: Object.values(STREAM_FILES),
  };
}

/**
 * Create every stream file run.json lists that does not exist yet (appending nothing, so a resumed
 * run's files are untouched): a run with no fill still leaves an empty fills.jsonl, which a reader
 * takes as "no records" rather than a missing input. Returns the errors (the logger counts its own).
 */
export function createStreamFiles(dir: string): string[] {
  const errors: string[] = [];
  for (const file of Object.values(STREAM_FILES)) {
    try {
      closeSync(openSync(join(dir, file), "a"));
    } catch (err) {
      errors.push(`${file}: ${(err as Error).message}`);
    }
  }
  return errors;
}
