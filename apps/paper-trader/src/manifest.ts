/** The run manifest (run.json): what ran, from what, with which versions. */
import { type RunManifest, SCHEMA_VERSION, STREAM_FILES } from "@mmkit/analytics";
import type { PaperTraderConfig } from "./config.js";
import type { RunSource } from "./source.js";

/** App version written to run.json. */
export const APP_VERSION = "0.1.0";

/** The manifest of run `runId`, started at `startedTsMs` (wall), ended at `endedTsMs` (null while running). */
export function runManifest(
  config: PaperTraderConfig,
  source: RunSource,
  runId: string,
  startedTsMs: number,
  endedTsMs: number | null,
): RunManifest {
  return {
    schema_version: SCHEMA_VERSION,
    run_id: runId,
    started_ts_ms: startedTsMs,
    ended_ts_ms: endedTsMs,
    seed: config.seed,
    source: { kind: config.source, ...source.describe },
    fill_model: config.fillModel,
    symbol: source.instrument,
    venue: config.source === "synthetic" ? "synthetic" : config.source,
    config: { ...config },
    versions: { "@mmkit/paper-trader": APP_VERSION, node: process.version, schema: String(SCHEMA_VERSION) },
    streams: Object.values(STREAM_FILES),
  };
}
