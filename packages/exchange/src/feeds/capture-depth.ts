/**
 * Binance depth in a capture: update-id continuity, levels stale against a newer bookTicker, and
 * the symbol-less REST snapshots held and matched to the kept instrument's stream (the rules are
 * in capture-snapshots.ts).
 */
import type { MarketEvent, PriceLevel } from "@mmkit/core";
import { type BnParsed, binanceLevels, bnDepthSnapshotSchema } from "./binance-messages.js";
import { type CaptureLineResult, skipFrame } from "./capture-line.js";
import {
  type DepthUpdateSeen,
  type HeldSnapshot,
  MAX_HELD_SNAPSHOTS,
  MAX_RECENT_DEPTH,
  SNAPSHOT_MAX_MID_DEVIATION,
  bookMidPx,
  snapshotFit,
} from "./capture-snapshots.js";
import { dropBetterIn } from "./stale-levels.js";
import { bumpExtra, type FeedStats } from "./types.js";

/** The kept instrument's latest top of book and print, as the importer applied them (it updates them in place). */
export interface KeptTop {
  /** Update id of the latest bookTicker applied (−1 before the first). */
  bboUpdateId: number;
  bidPx: number;
  askPx: number;
  bbo: (MarketEvent & { type: "bbo" }) | null;
  /** Price of the kept instrument's latest trade (NaN before the first). */
  tradePx: number;
}

/** The kept instrument's depth stream as imported, and the REST snapshots that resync it. */
export class CaptureDepth {
  /** Final update id of the last depth update applied (−1 before the first). */
  private lastDepthId = -1;
  /** Recent depth updates, so a snapshot that arrives late can be bridged (Binance's documented method). */
  private readonly recentDepth: DepthUpdateSeen[] = [];
  /** Symbol-less REST snapshots waiting for the kept instrument's next depth update to be attributed. */
  private heldSnapshots: HeldSnapshot[] = [];

  constructor(
    private readonly stats: FeedStats,
    private readonly top: KeptTop,
  ) {}

  /** Whether a depth update with final id `lastId` is at or below the last applied one (already in the book). */
  isStale(lastId: number): boolean {
    return this.lastDepthId >= 0 && lastId <= this.lastDepthId;
  }

  /** End of input: the snapshots still undecided are dropped (counted). */
  finish(): void {
    for (const _ of this.heldSnapshots) this.dropFrame("unresolvedSnapshotsDropped");
    this.heldSnapshots = [];
  }

  /** The events of one (not stale) depth update: a held snapshot it bridges, then the update itself. */
  depthEvents(r: BnParsed & { kind: "depth" }): MarketEvent[] {
    const u: DepthUpdateSeen = { firstId: r.firstId, lastId: r.lastId, event: r.event };
    const resync = this.resolveHeldSnapshots(u);
    this.recentDepth.push(u);
    if (this.recentDepth.length > MAX_RECENT_DEPTH) this.recentDepth.shift();
    // After a resync the snapshot, not the previous update, is what this one continues.
    if (resync === null && this.lastDepthId >= 0) {
      const continuous =
        r.prevId !== undefined ? r.prevId === this.lastDepthId : r.firstId === this.lastDepthId + 1;
      if (!continuous) this.stats.gaps++;
    }
    this.lastDepthId = r.lastId;
    const event = this.filterStale(r.event, r.lastId);
    return resync === null ? [event] : [...resync, event];
  }

  /** Drop levels of an update older than the latest BBO that are better than that BBO (stale). */
  private filterStale<T extends { bids: PriceLevel[]; asks: PriceLevel[] }>(e: T, updateId: number): T {
    if (updateId >= this.top.bboUpdateId) return e;
    const r = dropBetterIn(e, this.top.bidPx, this.top.askPx);
    if (r.dropped > 0) bumpExtra(this.stats, "staleDepthLevelsDropped", r.dropped);
    return r.event;
  }

  /**
   * A REST depth snapshot embedded in the capture: resync the kept book from it when it matches the
   * kept instrument's depth stream (see `CaptureImporter`), hold it while that cannot be told yet.
   */
  snapshot(json: object, localTsMs: number): CaptureLineResult {
    const r = bnDepthSnapshotSchema.safeParse(json);
    if (!r.success) return { ok: false, error: "depth snapshot: invalid shape" };
    const d = r.data;
    const snap: HeldSnapshot = {
      lastUpdateId: d.lastUpdateId,
      exchangeTsMs: d.T ?? d.E ?? localTsMs,
      localTsMs,
      bids: binanceLevels(d.bids),
      asks: binanceLevels(d.asks),
    };
    const reaching = this.recentDepth.findIndex((u) => u.lastId >= snap.lastUpdateId);
    if (reaching < 0) return this.holdSnapshot(snap);
    const first = this.recentDepth[reaching]!;
    if (snapshotFit(snap.lastUpdateId, first) !== "bridges" || !this.snapshotPriceFits(snap))
      return this.dropFrame("unmatchedSnapshotsDropped");
    // Depth updates already seen that end at/after the snapshot's id are re-applied on top of it.
    const bridge = this.recentDepth.slice(reaching);
    return { ok: true, events: this.resyncEvents(snap, bridge, snap.exchangeTsMs, snap.localTsMs) };
  }

  /** Keep a snapshot until a depth update of the kept instrument reaches its id (bounded: the oldest goes). */
  private holdSnapshot(snap: HeldSnapshot): CaptureLineResult {
    if (this.heldSnapshots.length >= MAX_HELD_SNAPSHOTS) {
      this.heldSnapshots.shift();
      this.dropFrame("unresolvedSnapshotsDropped");
    }
    this.heldSnapshots.push(snap);
    return { ok: true, events: [] };
  }

  /**
   * Decide the held snapshots against a depth update of the kept instrument: the (latest) one it
   * bridges resyncs the book just before it, at its time; one it passed without bridging is not the
   * kept instrument's (or missed its update) and is dropped; one newer than it stays held.
   */
  private resolveHeldSnapshots(u: DepthUpdateSeen): MarketEvent[] | null {
    if (this.heldSnapshots.length === 0) return null;
    let match: HeldSnapshot | null = null;
    const stillHeld: HeldSnapshot[] = [];
    for (const snap of this.heldSnapshots) {
      const fit = snapshotFit(snap.lastUpdateId, u);
      if (fit === "updateBefore") stillHeld.push(snap);
      else if (fit === "updateAfter" || !this.snapshotPriceFits(snap))
        this.dropFrame("unmatchedSnapshotsDropped");
      else {
        if (match !== null) this.dropFrame("supersededSnapshotsDropped");
        match = snap;
      }
    }
    this.heldSnapshots = stillHeld;
    return match === null ? null : this.resyncEvents(match, [], u.event.exchangeTsMs, u.event.localTsMs);
  }

  /**
   * The events that resync the kept book from a snapshot at (`tsMs`, `localTsMs`): the snapshot,
   * the depth updates already seen past its id, and the top of book when it is newer than the snapshot.
   */
  private resyncEvents(
    snap: HeldSnapshot,
    bridge: readonly DepthUpdateSeen[],
    tsMs: number,
    localTsMs: number,
  ): MarketEvent[] {
    this.stats.resyncs++;
    const id = snap.lastUpdateId;
    const book = {
      type: "snapshot" as const,
      exchangeTsMs: tsMs,
      localTsMs,
      bids: snap.bids,
      asks: snap.asks,
    };
    const events: MarketEvent[] = [
      {
        type: "health",
        exchangeTsMs: tsMs,
        localTsMs,
        status: "resynced",
        reason: `depth snapshot lastUpdateId=${id}`,
      },
      this.filterStale(book, id),
    ];
    for (const b of bridge)
      events.push(this.filterStale({ ...b.event, exchangeTsMs: tsMs, localTsMs }, b.lastId));
    if (bridge.length > 0) bumpExtra(this.stats, "depthReappliedAfterSnapshot", bridge.length);
    // The top of book seen after the snapshot's id is newer: re-apply it over the snapshot.
    if (this.top.bbo && this.top.bboUpdateId > id)
      events.push({ ...this.top.bbo, exchangeTsMs: tsMs, localTsMs });
    return events;
  }

  /** Whether a snapshot's mid is near the kept instrument's latest price (true while none is known). */
  private snapshotPriceFits(snap: HeldSnapshot): boolean {
    const refPx =
      this.top.bidPx > 0 && this.top.askPx > 0 ? (this.top.bidPx + this.top.askPx) / 2 : this.top.tradePx;
    const midPx = bookMidPx(snap.bids, snap.asks);
    if (!(refPx > 0) || !(midPx > 0)) return true;
    return Math.abs(midPx / refPx - 1) <= SNAPSHOT_MAX_MID_DEVIATION;
  }

  /** Skip a valid frame that must not reach the book: counted as ignored and under `counter`. */
  private dropFrame(counter: string): CaptureLineResult {
    return skipFrame(this.stats, counter);
  }
}
