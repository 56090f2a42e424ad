/** Depth snapshots in a capture: a held REST snapshot and the bridge and price rules matching it to a stream. */
import type { MarketEvent, PriceLevel } from "@mmkit/core";

/** A depth update of the kept instrument as applied: its first/last update ids and event. */
export interface DepthUpdateSeen {
  firstId: number;
  lastId: number;
  event: MarketEvent & { type: "delta" };
}

/** A parsed REST depth snapshot of the capture (its own time, or the local one when it has none). */
export interface HeldSnapshot {
  lastUpdateId: number;
  exchangeTsMs: number;
  localTsMs: number;
  bids: PriceLevel[];
  asks: PriceLevel[];
}

/**
 * How a snapshot relates to a depth update by Binance's documented bridge: the update `bridges`
 * it when `U ≤ lastUpdateId+1` and `u ≥ lastUpdateId` (the spot and futures rules), ends before it
 * (`updateBefore`: undecided yet) or starts past it (`updateAfter`: the snapshot does not fit).
 */
export function snapshotFit(
  lastUpdateId: number,
  u: { firstId: number; lastId: number },
): "bridges" | "updateBefore" | "updateAfter" {
  if (u.lastId < lastUpdateId) return "updateBefore";
  return u.firstId <= lastUpdateId + 1 ? "bridges" : "updateAfter";
}

/** Mid of a best-first book (one side's best when the other is empty; NaN when both are). */
export function bookMidPx(bids: readonly PriceLevel[], asks: readonly PriceLevel[]): number {
  const bid = bids[0]?.price;
  const ask = asks[0]?.price;
  if (bid !== undefined && ask !== undefined) return (bid + ask) / 2;
  return bid ?? ask ?? Number.NaN;
}

/** Depth updates kept for bridging a snapshot that arrives after them. */
export const MAX_RECENT_DEPTH = 256;
/** Snapshots held at once while undecided (a multi-instrument capture brings one per instrument). */
export const MAX_HELD_SNAPSHOTS = 16;
/**
 * Largest relative distance between a snapshot's mid and the kept instrument's latest price for the
 * snapshot to be that instrument's: a REST snapshot taken alongside the stream sits within a fraction
 * of a percent of it, another instrument almost never within 5 %.
 */
export const SNAPSHOT_MAX_MID_DEVIATION = 0.05;
