/**
 * Checkpoint contents: every component's state plus the JSONL stream sizes at that instant, so a
 * resumed run truncates what was written after the checkpoint and never double-counts.
 */
import { existsSync, renameSync, rmSync, statSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { KillSwitch, type KillSwitchSnapshot } from "@mmkit/core";
import { jsonlParts, STREAM_FILES, type StreamName } from "@mmkit/analytics";
import type { PaperExchangeState } from "@mmkit/exchange";
import type { PaperTraderConfig } from "./config.js";
import type { OrderManager } from "./order-manager.js";
import type { PaperTrader, TraderCounters } from "./trader.js";

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
  order_size_base: number;
  capital_quote: number;
  counters: TraderCounters;
  exchange: PaperExchangeState;
  signals: unknown;
  vol: unknown;
  intensity: unknown;
  kill_switch: KillSwitchSnapshot;
  orders: ReturnType<OrderManager["getState"]>;
  trackers: {
    sharpe: unknown;
    per_signal_sharpe: unknown;
    edge: unknown;
    attributor: unknown;
    drawdown: unknown;
    calibration: [number, unknown][];
  };
}

/** Config fields that must match for a resume to continue the same run. */
const IDENTITY_FIELDS = ["source", "input", "asset", "seed", "fillModel", "fillProb", "durationSec"] as const;

/** Throw a clear error when the resumed config differs from the checkpoint's in a field that defines the run. */
export function assertResumable(saved: PaperTraderConfig, now: PaperTraderConfig): void {
  for (const f of IDENTITY_FIELDS) {
    if (JSON.stringify(saved[f]) !== JSON.stringify(now[f])) {
      throw new Error(
        `cannot --resume: ${f} differs from the checkpoint (checkpoint ${JSON.stringify(saved[f])}, now ${JSON.stringify(now[f])})`,
      );
    }
  }
}

/** Current size of every stream file in `dir` (0 when missing). */
export function streamSizes(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, file] of Object.entries(STREAM_FILES)) {
    const path = join(dir, file);
    out[name] = existsSync(path) ? statSync(path).size : 0;
  }
  return out;
}

/** Number of rotated parts (`name.N.jsonl`) of every stream in `dir`. */
export function streamParts(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, file] of Object.entries(STREAM_FILES)) out[name] = rotatedParts(join(dir, file)).length;
  return out;
}

function rotatedParts(path: string): string[] {
  return jsonlParts(path).filter((f) => f !== path);
}

/**
 * Put each stream back as it was at the checkpoint, so the records written after it are replayed
 * exactly once: when the stream rotated after the checkpoint, the part that was current then is
 * renamed back (newer parts and the newer current file are removed); then the current file is
 * truncated to its checkpointed size. `parts` is absent in checkpoints written before rotation was
 * tracked (only truncation then).
 */
export function truncateStreams(
  dir: string,
  sizes: Record<string, number>,
  parts?: Record<string, number>,
): string[] {
  const notes: string[] = [];
  for (const [name, file] of Object.entries(STREAM_FILES) as [StreamName, string][]) {
    const path = join(dir, file);
    const keepParts = parts?.[name];
    if (keepParts !== undefined) {
      const rotated = rotatedParts(path);
      if (rotated.length > keepParts) {
        // rotated[keepParts] was the current file at the checkpoint; everything after it is newer.
        for (const newer of rotated.slice(keepParts + 1)) rmSync(newer);
        if (existsSync(path)) rmSync(path);
        renameSync(rotated[keepParts]!, path);
        notes.push(`${file}: ${rotated.length - keepParts} rotation(s) after the checkpoint undone`);
      }
    }
    if (!existsSync(path)) continue;
    const want = sizes[name] ?? 0;
    const have = statSync(path).size;
    if (have > want) {
      truncateSync(path, want);
      notes.push(`${file}: ${have - want} bytes after the checkpoint removed (they will be rewritten)`);
    } else if (have < want) {
      notes.push(`${file}: shorter than at the checkpoint (${have} < ${want} bytes)`);
    }
  }
  return notes;
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
    order_size_base: p.orderSizeBase,
    capital_quote: p.capitalQuote,
    counters: { ...trader.counters },
    exchange: p.exchange.getState(),
    signals: p.signals.getState(),
    vol: p.vol.getState(),
    intensity: p.intensity.getState(),
    kill_switch: p.killSwitch.toJSON(),
    orders: trader.orders.getState(),
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
  // fields added since a checkpoint was written keep their fresh-run defaults
  trader.counters = { ...trader.counters, ...cp.counters };
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
