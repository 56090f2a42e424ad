/**
 * Checkpoint contents: every component's state plus the JSONL stream sizes at that instant, so a
 * resumed run truncates what was written after the checkpoint and never double-counts (the stream
 * files are measured and put back by stream-files.ts); which config a resume may run with.
 */
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { KillSwitch, type KillSwitchSnapshot } from "@mmkit/core";
import type { FeedDelayState, PaperExchangeState } from "@mmkit/exchange";
import {
  CONFIG_DEFAULTS,
  ConfigError,
  checkSources,
  FIELD_TO_FLAG,
  type PaperTraderConfig,
  PaperTraderConfigSchema,
  validateFields,
} from "./config.js";
import { ENGINE_UNSET_DEFAULTS, engineUnsetDefault } from "./build.js";
import type { OrderManager } from "./order-manager.js";
import type { PaperTrader } from "./trader.js";
import type { TraderCounters } from "./trader-counters.js";

/** How capture prints are counted as events: per taker order and price (the exchange's print-merge.ts). */
export const PRINT_MERGE_VERSION = 1;

/** What a checkpoint holds (JSON). */
export interface TraderCheckpoint {
  run_id: string;
  written_at_wall: string;
  config: PaperTraderConfig;
  /** Set by the final checkpoint of a run that finished (resuming it only reprints the report). */
  completed_reason: string | null;
  /** Market events consumed from the source (event-time sources resume after them). */
  events_consumed: number;
  /** Bytes of each JSONL stream's current file at the checkpoint. */
  stream_bytes: Record<string, number>;
  /** Rotated parts (`name.N.jsonl`) of each stream at the checkpoint (absent in older checkpoints). */
  stream_parts?: Record<string, number>;
  /**
   * 1: a capture's prints of one taker order at one price were one event when `events_consumed`
   * was counted (absent in checkpoints of versions that replayed each print apart).
   */
  print_merge?: number;
  order_size_base: number;
  capital_quote: number;
  counters: TraderCounters;
  exchange: PaperExchangeState;
  signals: unknown;
  vol: unknown;
  intensity: unknown;
  kill_switch: KillSwitchSnapshot;
  orders: ReturnType<OrderManager["getState"]>;
  /** The lead venue's delivery-delay estimate (runs with a lead; absent in older checkpoints). */
  lead_delay?: FeedDelayState;
  trackers: {
    sharpe: unknown;
    per_signal_sharpe: unknown;
    edge: unknown;
    attributor: unknown;
    drawdown: unknown;
    calibration: [number, unknown][];
  };
}

const count = z.number().int().nonnegative();
const positive = z.number().positive().finite();
const finiteOrNull = z.number().finite().nullable();
/** The checkpoint's own fields (components validate their states when restored). */
const CheckpointSchema = z.looseObject({
  run_id: z.string().min(1),
  config: z.record(z.string(), z.unknown()),
  completed_reason: z.string().nullable(),
  events_consumed: count,
  stream_bytes: z.record(z.string(), count),
  stream_parts: z.record(z.string(), count).optional(),
  print_merge: z.literal(PRINT_MERGE_VERSION).optional(),
  order_size_base: positive,
  capital_quote: positive,
  counters: z.looseObject({
    events: count,
    cycles: count,
    fills: count,
    wins: count,
    markedFills: count,
    firstTsMs: finiteOrNull,
    lastTsMs: z.number().finite(),
  }),
  exchange: z.record(z.string(), z.unknown()),
  signals: z.record(z.string(), z.unknown()),
  vol: z.record(z.string(), z.unknown()),
  intensity: z.record(z.string(), z.unknown()),
  kill_switch: z.record(z.string(), z.unknown()),
  orders: z.record(z.string(), z.unknown()),
  trackers: z.looseObject({
    sharpe: z.record(z.string(), z.unknown()),
    per_signal_sharpe: z.record(z.string(), z.unknown()),
    edge: z.record(z.string(), z.unknown()),
    attributor: z.record(z.string(), z.unknown()),
    drawdown: z.record(z.string(), z.unknown()),
    calibration: z.array(z.tuple([z.number(), z.unknown()])),
  }),
});

/** Check a checkpoint's own fields; throws one `cannot --resume` line naming the first bad field. */
export function parseCheckpoint(raw: Record<string, unknown>, dir: string): TraderCheckpoint {
  const r = CheckpointSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue === undefined ? "?" : issue.path.join(".") || "(top level)";
    throw damaged(dir, where, issue?.message ?? "invalid");
  }
  return raw as unknown as TraderCheckpoint;
}

function damaged(dir: string, where: string, why: string): ConfigError {
  return new ConfigError(
    `cannot --resume: checkpoint.json in ${dir} is damaged at ${where}: ${why}; nothing was changed`,
  );
}

/**
 * Config fields a resume may change: how the run is paced, logged, checkpointed, written and
 * reached. Every other field defines the run (its data, strategy, fills or PnL) and must match.
 */
const RESUME_MAY_CHANGE: ReadonlySet<string> = new Set([
  "speed",
  "outputDir",
  "resume",
  "logLevel",
  "metricsPort",
  "checkpointEveryMin",
  "rotateMb",
  "hyperliquidUrl",
  "binanceUrl",
  "crashAtSec",
  "record",
  "recordRotateMin",
]);

/**
 * Of those, the ones a resume keeps from the checkpoint unless given again: a restarted 24/7 run
 * goes on recording where it did, serving its metrics on the port its scraper watches and
 * checkpointing at its interval (new values may still be given).
 */
const RESUME_CARRIES: ReadonlySet<string> = new Set([
  "record",
  "recordRotateMin",
  "metricsPort",
  "checkpointEveryMin",
]);

/**
 * Fields whose unset value is resolved when the run starts (the traded venue's base-tier fees,
 * venue-fees.ts): left unset on a resume, they are the checkpoint's — the venue is the same, and
 * a run from before venue fees keeps the fee it ran with.
 */
const RESOLVED_AT_START: ReadonlySet<string> = new Set(["makerFeeBps", "takerFeeBps"]);

/** Fields holding a file path: the same file given relative or absolute is the same input. */
const PATH_FIELDS: ReadonlySet<string> = new Set(["input", "leadInput"]);

const FIELDS = Object.keys(PaperTraderConfigSchema.shape) as (keyof PaperTraderConfig)[];

/**
 * The checkpoint's config with the values the run actually used where it left a field unset (γ and
 * the position limit: the engine's defaults; the order size: the one chosen at the first mid), so a
 * resume that gives them explicitly with those values is not refused as a change.
 */
export function savedEffectiveConfig(
  cp: Pick<TraderCheckpoint, "config" | "order_size_base">,
): PaperTraderConfig {
  return {
    ...ENGINE_UNSET_DEFAULTS,
    ...cp.config,
    orderSizeBase: cp.config.orderSizeBase ?? cp.order_size_base,
  };
}

/** A field of a checkpoint's config; absent = not set (optional) or not existing yet (older version): its default. */
function savedValue(saved: PaperTraderConfig, f: keyof PaperTraderConfig): unknown {
  return f in saved ? saved[f] : CONFIG_DEFAULTS[f];
}

/**
 * The config a resume runs with: the settings given now (`given`: flags and --config keys; default
 * every field) and those a resume may change (pacing, logging, …: their new or default values), the
 * checkpoint's value for every other field. A run-defining setting given with another value than
 * the checkpoint's is refused, and so is a given setting without effect on the resumed source —
 * ConfigErrors, one line, before any file changes. `saved` is what the run used (compared with);
 * `written` the checkpoint's config as written (default `saved`), what an unset field is taken from,
 * so the resumed run's config (run.json, later checkpoints) does not gain values never set.
 */
export function resumedConfig(
  saved: PaperTraderConfig,
  now: PaperTraderConfig,
  dir: string,
  given?: ReadonlySet<string>,
  written: PaperTraderConfig = saved,
): PaperTraderConfig {
  const merged: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const fromCheckpoint =
      given !== undefined && !given.has(f) && (!RESUME_MAY_CHANGE.has(f) || RESUME_CARRIES.has(f));
    const value =
      fromCheckpoint || (RESOLVED_AT_START.has(f) && now[f] === undefined) ? savedValue(written, f) : now[f];
    // Checkpoints of older versions kept a path as typed: relative to a directory not recorded.
    if (fromCheckpoint && PATH_FIELDS.has(f) && typeof value === "string" && !isAbsolute(value))
      throw new ConfigError(
        `cannot --resume: the checkpoint's ${FIELD_TO_FLAG[f] ?? f} is the relative path ${JSON.stringify(value)} (an older version kept paths as typed), which depends on the directory the run started in; give ${FIELD_TO_FLAG[f] ?? f} again with the file's path`,
      );
    if (value !== undefined) merged[f] = value;
  }
  let config: PaperTraderConfig;
  try {
    config = validateFields(merged, "config");
  } catch (err) {
    // what was given now is valid: the bad value came from the checkpoint
    throw damaged(dir, "config", (err as Error).message);
  }
  assertResumable(saved, config);
  checkSources(config, given);
  return config;
}

/**
 * Throw a clear error when the resumed config differs from the checkpoint's in a field that defines
 * the run. A field absent from the checkpoint's config counts as its default.
 */
export function assertResumable(saved: PaperTraderConfig, now: PaperTraderConfig): void {
  const fields = new Set([...Object.keys(saved), ...Object.keys(now)]) as Set<keyof PaperTraderConfig>;
  for (const f of fields) {
    if (RESUME_MAY_CHANGE.has(f)) continue;
    const a = savedValue(saved, f);
    // unset now: the default — the engine's for γ and the limit; the order size comes from the checkpoint
    const b = f in now ? now[f] : f === "orderSizeBase" ? a : (engineUnsetDefault(f) ?? CONFIG_DEFAULTS[f]);
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (PATH_FIELDS.has(f) && typeof a === "string" && typeof b === "string" && resolve(a) === resolve(b))
      continue;
    throw new ConfigError(
      `cannot --resume: ${FIELD_TO_FLAG[f] ?? f} differs from the checkpoint (checkpoint ${JSON.stringify(a) ?? "not set"}, now ${JSON.stringify(b) ?? "not set"}); a resumed run keeps its settings — start a new run in another --output-dir to change it`,
    );
  }
}

/** Capture the trader's full state. */
export function captureCheckpoint(
  trader: PaperTrader,
  runId: string,
  eventsConsumed: number,
  streamBytes: Record<string, number>,
  streamPartCounts: Record<string, number>,
  completedReason: string | null = null,
): TraderCheckpoint {
  const p = trader.p;
  return {
    run_id: runId,
    written_at_wall: new Date().toISOString(),
    config: p.config,
    completed_reason: completedReason,
    events_consumed: eventsConsumed,
    stream_bytes: streamBytes,
    stream_parts: streamPartCounts,
    print_merge: PRINT_MERGE_VERSION,
    order_size_base: p.orderSizeBase,
    capital_quote: p.capitalQuote,
    counters: { ...trader.counters },
    exchange: p.exchange.getState(),
    signals: p.signals.getState(),
    vol: p.vol.getState(),
    intensity: p.intensity.getState(),
    kill_switch: p.killSwitch.toJSON(),
    orders: trader.orders.getState(),
    ...(p.leadEnabled ? { lead_delay: trader.leadDelay.getState() } : {}),
    trackers: {
      sharpe: trader.sharpe.getState(),
      per_signal_sharpe: trader.perSignalSharpe.getState(),
      edge: trader.edge.getState(),
      attributor: trader.attributor.getState(),
      drawdown: trader.drawdown.getState(),
      calibration: [...trader.calibration].map(([h, c]) => [h, c.getState()]),
    },
  };
}

/** Restore a trader (built with the checkpoint's order size and capital) from a checkpoint. */
export function restoreCheckpoint(trader: PaperTrader, cp: TraderCheckpoint): void {
  const p = trader.p;
  p.exchange.setState(cp.exchange);
  p.signals.setState(cp.signals);
  p.vol.setState(cp.vol as Parameters<typeof p.vol.setState>[0]);
  p.intensity.setState(cp.intensity as Parameters<typeof p.intensity.setState>[0]);
  const ks = KillSwitch.fromJSON(p.killSwitch.config, cp.kill_switch);
  (trader.p as { killSwitch: KillSwitch }).killSwitch = ks;
  trader.orders.setState(cp.orders);
  if (cp.lead_delay !== undefined) trader.leadDelay.setState(cp.lead_delay, "checkpoint lead_delay");
  // fields added since a checkpoint was written keep their fresh-run defaults
  trader.counters = { ...trader.counters, ...cp.counters };
  // An older checkpoint's exchange did not count its reported fills: they are the trader's fills.
  if (cp.exchange.fillsReported === undefined) p.exchange.fillsReported = trader.counters.fills;
  const t = cp.trackers;
  trader.sharpe.setState(t.sharpe as Parameters<typeof trader.sharpe.setState>[0]);
  trader.perSignalSharpe.setState(
    t.per_signal_sharpe as Parameters<typeof trader.perSignalSharpe.setState>[0],
  );
  trader.edge.setState(t.edge as Parameters<typeof trader.edge.setState>[0]);
  trader.attributor.setState(t.attributor as Parameters<typeof trader.attributor.setState>[0]);
  trader.drawdown.setState(t.drawdown as Parameters<typeof trader.drawdown.setState>[0]);
  for (const [h, s] of t.calibration) {
    trader.calibration.get(h)?.setState(s as Parameters<BrierCalibrationLike["setState"]>[0]);
  }
}

interface BrierCalibrationLike {
  setState(s: import("@mmkit/analytics").BrierCalibrationState): void;
}
