/** Schema of the run manifest `run.json`. */
import { z } from "zod";
import { num, numOrNull } from "./record-fields.js";

/** The run manifest (`run.json`), written at start and rewritten at end. */
export const runManifestSchema = z.object({
  schema_version: z.number().int().positive(),
  run_id: z.string(),
  /** Wall-clock time the run first started (ms since epoch; not market time, even in a replay). */
  started_ts_ms: num,
  /** Wall-clock time the run (or its latest session) ended; null while it runs. */
  ended_ts_ms: numOrNull,
  seed: z.number().int().nullable(),
  /** Market-data source, e.g. { kind: "replay", path: "..." } or { kind: "synthetic" }. */
  source: z.object({ kind: z.string() }).catchall(z.unknown()),
  /** Fill model name. */
  fill_model: z.string(),
  symbol: z.string().optional(),
  venue: z.string().optional(),
  /** The config as set (flags, config file; settings left to a default are absent). */
  config: z.record(z.string(), z.unknown()),
  /** What the run quoted with, defaults resolved (absent until the trader is built, e.g. before a live run's first book). */
  quoting: z
    .object({ gamma: num, order_size_base: num, max_position_lots: num, capital_quote: num })
    .optional(),
  /** Package / app versions, e.g. { "@mmkit/analytics": "0.1.0", node: "v20..." }. */
  versions: z.record(z.string(), z.string()),
  /** Streams this run wrote (stream names). */
  streams: z.array(z.string()).optional(),
});
/** The run manifest. */
export type RunManifest = z.infer<typeof runManifestSchema>;
