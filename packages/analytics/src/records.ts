/**
 * Record schemas of every JSONL stream a run writes (and of the `run.json` manifest).
 *
 * Conventions shared by all streams:
 * - one compact JSON object per line, snake_case field names;
 * - `schema_version` (integer, currently {@link SCHEMA_VERSION}) on every record;
 * - `ts_ms`: event time in milliseconds since the Unix epoch (may be fractional);
 * - `timestamp_ns`: the same instant in nanoseconds, as the original system wrote it. It is a JSON
 *   number, so values above 2^53 keep only ~256 ns precision — use `ts_ms` for arithmetic;
 * - original field names (see ORIGINAL-FORMATS) are kept where the meaning is the same; richer
 *   fields sit beside them;
 * - a statistic that cannot be computed (too few samples, zero variance) is `null`, never 0.
 *
 * This module holds what is common to the streams (file names, schema version, time conversion) and
 * the registry of their schemas; each stream's schema lives in a module named after it.
 */
import type { EdgeValidationRecord } from "./edge-validation-schema.js";
import { edgeValidationSchema } from "./edge-validation-schema.js";
import type { EquityRecord } from "./equity-schema.js";
import { equitySchema } from "./equity-schema.js";
import type { EventRecord } from "./event-schema.js";
import { eventSchema } from "./event-schema.js";
import type { FillRecord } from "./fill-schema.js";
import { fillSchema } from "./fill-schema.js";
import type { PredictionRecord } from "./prediction-schema.js";
import { predictionSchema } from "./prediction-schema.js";
import type { SharpeMetricsRecord } from "./sharpe-metrics-schema.js";
import { sharpeMetricsSchema } from "./sharpe-metrics-schema.js";
import type { SignalContributionsRecord } from "./signal-contributions-schema.js";
import { signalContributionsSchema } from "./signal-contributions-schema.js";
import type { SignalPnlRecord } from "./signal-pnl-schema.js";
import { signalPnlSchema } from "./signal-pnl-schema.js";

export { sideSchema } from "./record-fields.js";
export * from "./sharpe-metrics-schema.js";
export * from "./signal-contributions-schema.js";
export * from "./signal-pnl-schema.js";
export * from "./edge-validation-schema.js";
export * from "./fill-schema.js";
export * from "./prediction-schema.js";
export * from "./equity-schema.js";
export * from "./event-schema.js";
export * from "./run-manifest-schema.js";

/** Current schema version written by this package. Readers accept any positive integer. */
export const SCHEMA_VERSION = 1;

/** File name of each JSONL stream, relative to the run's log directory. */
export const STREAM_FILES = {
  sharpe_metrics: "sharpe_metrics.jsonl",
  signal_contributions: "signal_contributions.jsonl",
  signal_pnl: "signal_pnl.jsonl",
  edge_validation: "edge_validation.jsonl",
  fills: "fills.jsonl",
  predictions: "predictions.jsonl",
  equity: "equity.jsonl",
  events: "events.jsonl",
} as const;

/** Name of one JSONL stream. */
export type StreamName = keyof typeof STREAM_FILES;

/** File name of the run manifest. */
export const RUN_MANIFEST_FILE = "run.json";

/** Convert milliseconds since the epoch to the original's integer `timestamp_ns`. */
export function tsMsToNs(tsMs: number): number {
  return Math.round(tsMs * 1e6);
}

/** Schema of each stream, keyed by stream name. */
export const STREAM_SCHEMAS = {
  sharpe_metrics: sharpeMetricsSchema,
  signal_contributions: signalContributionsSchema,
  signal_pnl: signalPnlSchema,
  edge_validation: edgeValidationSchema,
  fills: fillSchema,
  predictions: predictionSchema,
  equity: equitySchema,
  events: eventSchema,
} as const;

/** Record type of each stream, keyed by stream name. */
export type StreamRecord = {
  sharpe_metrics: SharpeMetricsRecord;
  signal_contributions: SignalContributionsRecord;
  signal_pnl: SignalPnlRecord;
  edge_validation: EdgeValidationRecord;
  fills: FillRecord;
  predictions: PredictionRecord;
  equity: EquityRecord;
  events: EventRecord;
};
