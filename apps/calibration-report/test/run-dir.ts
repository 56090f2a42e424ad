/** Test helper: write a run directory (run.json + JSONL streams) from known records. */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import {
  type EdgeValidationRecord,
  type EquityRecord,
  type EventRecord,
  type FillRecord,
  type PredictionRecord,
  type RunManifest,
  type SharpeMetricsRecord,
  type SignalContributionsRecord,
  type SignalPnlRecord,
  STREAM_FILES,
} from "@mmkit/analytics";

/** 2024-08-09T00:00:00Z, a whole minute (bucket aligned). */
export const T0 = 1_723_161_600_000;

const base = (tsMs: number) => ({ schema_version: 1, ts_ms: tsMs, timestamp_ns: tsMs * 1e6 });

/** An equity sample. */
export function equity(tsMs: number, eq: number): EquityRecord {
  return {
    ...base(tsMs),
    equity: eq,
    position: 0,
    mid: 60_000,
    realized_pnl: eq - 10_000,
    unrealized_pnl: 0,
    fees_paid: 0,
  };
}

/** A fill. */
export function fill(
  tsMs: number,
  id: number,
  side: "buy" | "sell",
  price: number,
  size: number,
  fee: number,
  cycleId: number,
): FillRecord {
  return {
    ...base(tsMs),
    fill_id: `f${id}`,
    order_id: `o${id}`,
    cycle_id: cycleId,
    level: 0,
    side,
    price,
    size,
    fee,
    fee_bps: (fee / (price * size)) * 1e4,
    liquidity: "maker",
    mid_at_fill: price,
    position_after: 0,
    spread_capture: 0.5,
    realized_pnl: null,
    cum_pnl: null,
  };
}

/** A prediction with the given horizons (p_fill, filled|null) and optional adverse forecast. */
export function prediction(
  tsMs: number,
  cycleId: number,
  horizons: { h: number; p: number; filled: boolean | null }[],
  adverse?: { p: number; adverse: boolean | null },
): PredictionRecord {
  const rec: PredictionRecord = {
    ...base(tsMs),
    cycle_id: cycleId,
    level: 0,
    side: "buy",
    price: 59_990,
    size: 0.01,
    depth_from_mid_bps: 1.7,
    fill_model: "queue",
    horizons: horizons.map((x) => ({
      horizon_ms: x.h,
      p_fill: x.p,
      filled: x.filled,
      censored: x.filled === null,
    })),
    censored: horizons.some((x) => x.filled === null),
  };
  if (adverse) {
    rec.p_adverse_given_fill = adverse.p;
    rec.adverse = adverse.adverse;
  }
  return rec;
}

/** An edge-validation record with realized edge per horizon (primary = first). */
export function edgeRec(
  tsMs: number,
  id: number,
  cycleId: number,
  predictedEdgeBps: number,
  realized: { h: number; edge: number | null }[],
): EdgeValidationRecord {
  const primary = realized[0]!;
  return {
    ...base(tsMs),
    fill_id: `f${id}`,
    cycle_id: cycleId,
    side: "buy",
    price: 59_990,
    size: 0.01,
    predicted_spread_bps: predictedEdgeBps + 1,
    realized_spread_bps: 1.5,
    predicted_as_bps: 0.5,
    realized_as_bps: null,
    fee_bps: 0.5,
    predicted_edge_bps: predictedEdgeBps,
    realized_edge_bps: primary.edge,
    gross_edge_bps: null,
    mid_at_placement: 60_000,
    mid_at_fill: 60_000,
    markout_as_bps: null,
    primary_horizon_ms: primary.h,
    markouts: realized.map((m) => ({
      horizon_ms: m.h,
      mid: 60_000,
      realized_as_bps: 0,
      realized_edge_bps: m.edge,
    })),
  };
}

/** A quote cycle's contributions: signal name → active flag (spread adj 1 bps when active). */
export function cycle(
  tsMs: number,
  cycleId: number,
  active: Record<string, boolean>,
): SignalContributionsRecord {
  return {
    ...base(tsMs),
    cycle_id: cycleId,
    contributions: Object.entries(active).map(([name, on]) => ({
      signal_name: name,
      spread_adjustment_bps: on ? 1 : 0,
      skew_adjustment_bps: 0,
      was_active: on,
      gating_weight: 1,
      raw_value: 0,
    })),
    total_spread_mult: 1,
    combined_skew_bps: 0,
  };
}

/** A run event. */
export function event(tsMs: number, kind: string, from?: string, to?: string, reason?: string): EventRecord {
  const e: EventRecord = { ...base(tsMs), kind };
  if (from !== undefined) e.from = from;
  if (to !== undefined) e.to = to;
  if (reason !== undefined) e.reason = reason;
  return e;
}

/** A manifest. */
export function manifest(): RunManifest {
  return {
    schema_version: 1,
    run_id: "golden-1",
    started_ts_ms: T0,
    ended_ts_ms: T0 + 330_000,
    seed: 7,
    source: { kind: "synthetic" },
    fill_model: "queue",
    symbol: "BTCUSDT",
    venue: "paper",
    config: { gamma: 0.1 },
    versions: { node: "v20" },
  };
}

/** The records of a run directory (omitted streams are not written at all). */
export interface RunFiles {
  manifest?: RunManifest;
  equity?: EquityRecord[];
  fills?: FillRecord[];
  predictions?: PredictionRecord[];
  edge_validation?: EdgeValidationRecord[];
  signal_contributions?: SignalContributionsRecord[];
  signal_pnl?: SignalPnlRecord[];
  sharpe_metrics?: SharpeMetricsRecord[];
  events?: EventRecord[];
}

/** Write the run directory; returns its path. */
export async function writeRunDir(dir: string, files: RunFiles): Promise<string> {
  await mkdir(dir, { recursive: true });
  if (files.manifest) await writeFile(join(dir, "run.json"), JSON.stringify(files.manifest));
  const streams = [
    "equity",
    "fills",
    "predictions",
    "edge_validation",
    "signal_contributions",
    "signal_pnl",
    "sharpe_metrics",
    "events",
  ] as const;
  for (const s of streams) {
    const recs = files[s];
    if (recs === undefined) continue;
    await writeFile(
      join(dir, STREAM_FILES[s]),
      recs.map((r) => JSON.stringify(r)).join("\n") + (recs.length > 0 ? "\n" : ""),
    );
  }
  return dir;
}

/** Temp directories for one test file, removed after it: `const tmp = tempDirs("golden")`, then `await tmp("name")`. */
export function tempDirs(prefix: string): (name: string) => Promise<string> {
  const created: string[] = [];
  afterAll(async () => {
    for (const d of created) await rm(d, { recursive: true, force: true });
  });
  return async (name: string): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), `${prefix}-${name}-`));
    created.push(dir);
    return dir;
  };
}
