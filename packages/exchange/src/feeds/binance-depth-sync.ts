import type { MarketEvent } from "@mmkit/core";
import { type BinanceDepthSnapshot, binanceLevels } from "./binance-messages.js";

/** One diff-depth update with its sequence ids. */
export interface DepthUpdate {
  firstId: number;
  lastId: number;
  /** Futures `pu` (previous update's `u`); absent on spot. */
  prevId?: number;
  event: MarketEvent & { type: "delta" };
}

/** What to do with one update. */
export type DepthSyncResult =
  | { action: "apply"; event: MarketEvent & { type: "delta" } }
  | { action: "buffered" }
  | { action: "dropped" }
  | { action: "gap"; reason: string };

/** What applying a snapshot gave. */
export type SnapshotResult =
  | { ok: true; events: MarketEvent[] }
  | { ok: false; reason: "waiting" | "stale-snapshot"; detail: string };

/**
 * Binance diff-depth synchronization (the documented procedure): buffer updates while a
 * snapshot is fetched; drop updates with `u` < `lastUpdateId`; the first applied update must have
 * `U` ≤ lastUpdateId+1 and `u` ≥ lastUpdateId; afterwards each `pu` must equal the previous `u`
 * (spot: `U` = previous `u` + 1). A break is a gap: back to buffering until a new snapshot.
 */
export class BinanceDepthSync {
  private state: "buffering" | "awaitingFirst" | "synced" = "buffering";
  private buffer: DepthUpdate[] = [];
  private snapshotId = -1;
  private lastId = -1;

  constructor(private readonly maxBuffered = 10_000) {}

  /** Current state. */
  get status(): "buffering" | "awaitingFirst" | "synced" {
    return this.state;
  }

  /** Forget everything (new connection). */
  reset(): void {
    this.state = "buffering";
    this.buffer = [];
    this.snapshotId = -1;
    this.lastId = -1;
  }

  /** Feed one update. */
  onUpdate(u: DepthUpdate): DepthSyncResult {
    if (this.state === "buffering") {
      this.buffer.push(u);
      if (this.buffer.length > this.maxBuffered) this.buffer.shift();
      return { action: "buffered" };
    }
    if (this.state === "awaitingFirst") {
      if (u.lastId < this.snapshotId) return { action: "dropped" };
      if (u.firstId > this.snapshotId + 1) {
        this.toBuffering(u);
        return {
          action: "gap",
          reason: `first update U=${u.firstId} > lastUpdateId+1=${this.snapshotId + 1}`,
        };
      }
      this.state = "synced";
      this.lastId = u.lastId;
      return { action: "apply", event: u.event };
    }
    const continuous = u.prevId !== undefined ? u.prevId === this.lastId : u.firstId === this.lastId + 1;
    if (!continuous) {
      const reason =
        u.prevId !== undefined
          ? `pu=${u.prevId} != previous u=${this.lastId}`
          : `U=${u.firstId} != previous u+1=${this.lastId + 1}`;
      this.toBuffering(u);
      return { action: "gap", reason };
    }
    this.lastId = u.lastId;
    return { action: "apply", event: u.event };
  }

  private toBuffering(u: DepthUpdate): void {
    this.state = "buffering";
    this.buffer = [u];
    this.lastId = -1;
  }

  /**
   * Apply a snapshot: returns the snapshot event plus the buffered updates that bridge it, or
   * `stale-snapshot` when the buffer already starts after it (fetch a newer one), or `waiting`
   * when no buffered update reaches it yet (state moves to awaiting the first update).
   */
  applySnapshot(snap: BinanceDepthSnapshot, localTsMs: number): SnapshotResult {
    const id = snap.lastUpdateId;
    const usable = this.buffer.filter((u) => u.lastId >= id);
    const first = usable[0];
    if (first && first.firstId > id + 1) {
      this.buffer = usable;
      return {
        ok: false,
        reason: "stale-snapshot",
        detail: `snapshot lastUpdateId=${id} older than buffered U=${first.firstId}`,
      };
    }
    const ts = snap.T ?? snap.E ?? localTsMs;
    const events: MarketEvent[] = [
      {
        type: "snapshot",
        exchangeTsMs: ts,
        localTsMs,
        bids: binanceLevels(snap.bids),
        asks: binanceLevels(snap.asks),
      },
    ];
    this.snapshotId = id;
    this.buffer = [];
    this.state = "awaitingFirst";
    for (const u of usable) {
      const r = this.onUpdate(u);
      if (r.action === "apply") events.push(r.event);
      else if (r.action === "gap") return { ok: false, reason: "stale-snapshot", detail: r.reason };
    }
    return { ok: true, events };
  }
}
