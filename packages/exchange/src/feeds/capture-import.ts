import type { MarketEvent, PriceLevel } from "@mmkit/core";
import { type BnParsed, binanceLevels, bnDepthSnapshotSchema, normalizeBinance } from "./binance-messages.js";
import {
  type DepthUpdateSeen,
  type HeldSnapshot,
  MAX_HELD_SNAPSHOTS,
  MAX_RECENT_DEPTH,
  SNAPSHOT_MAX_MID_DEVIATION,
  bookMidPx,
  snapshotFit,
} from "./capture-snapshots.js";
import { normalizeHyperliquid } from "./hyperliquid-messages.js";
import { type IdPrint, PrintHold } from "./print-hold.js";
import { RecentIds } from "./recent-ids.js";
import { dropBetterIn } from "./stale-levels.js";
import { StaleTradeFilter } from "./stale-trades.js";
import { TradeStreamOverlap } from "./trade-stream-overlap.js";
import { bumpExtra, type FeedStats } from "./types.js";

/** Venue of a raw `<local ns> <json>` websocket capture. */
export type CaptureVenue = "binance" | "hyperliquid";

/** Outcome of importing one capture line. */
export type CaptureLineResult = { ok: true; events: MarketEvent[] } | { ok: false; error: string };

/** Options of a `CaptureImporter`. */
export interface CaptureImportOptions {
  /**
   * Instrument to keep (Hyperliquid coin or Binance symbol, case-insensitive). Frames of other
   * instruments are skipped and counted (`otherInstrumentFrames`); without it the first
   * instrument seen is kept, so a multi-coin capture never mixes two books into one.
   */
  instrument?: string;
  /**
   * Whether book events that came between two prices of one taker order's sweep may wait behind
   * its later prints (default true: they are at or after its exchange time). False keeps receive
   * order (a local-clock replay): such a sweep is then not marked across them.
   */
  sweepAcrossFrames?: boolean;
}

/** Split `<local ns> <json>` into local ms and the JSON text, or null when the shape is wrong. */
export function splitCaptureLine(line: string): { localTsMs: number; json: string } | null {
  const sp = line.indexOf(" ");
  if (sp <= 0) return null;
  const head = line.slice(0, sp);
  if (!/^\d{10,20}$/.test(head)) return null;
  return { localTsMs: Number(head) / 1e6, json: line.slice(sp + 1) };
}

/**
 * Stateful importer of raw venue captures. For Binance (no REST snapshot in captures) it never
 * invents liquidity: it passes `bookTicker` as BBO and depth as level replacements, drops
 * depth levels that are better than a NEWER bookTicker (stale relative to it; counted as
 * `staleDepthLevelsDropped`), checks `pu`/`U` continuity (gaps counted), and drops non-MARKET trades.
 * Stale frames are dropped whole and counted as ignored: a bookTicker whose `u` is below the last
 * applied one (`staleBboDropped`) and a depth update whose final `u` is at or below the last applied
 * depth id (`staleDepthDropped`). A trade whose id (Binance `t`/`a`, Hyperliquid `tid`) is among the
 * latest `RECENT_TRADE_IDS` of the kept instrument is a duplicate: dropped, counted (`duplicateTrades`).
 *
 * A REST depth snapshot (`{"lastUpdateId",bids,asks}`) names no symbol, so in a multi-instrument
 * capture it may be another instrument's. It resyncs the kept book only when it matches the kept
 * instrument's depth stream by Binance's documented bridge (a depth update with
 * `U ≤ lastUpdateId+1` and `u ≥ lastUpdateId`) and its mid is within
 * `SNAPSHOT_MAX_MID_DEVIATION` of the kept instrument's latest price (ids alone can coincide).
 * When no depth update seen so far reaches `lastUpdateId` it is held and decided by the next ones;
 * a snapshot that does not match is dropped (`unmatchedSnapshotsDropped`), one still undecided at
 * the end of the input too (`unresolvedSnapshotsDropped`), both counted as ignored messages.
 */
export class CaptureImporter {
  private lastBboUpdateId = -1;
  private lastBidPx = Number.NaN;
  private lastAskPx = Number.NaN;
  private lastDepthId = -1;
  private lastBbo: (MarketEvent & { type: "bbo" }) | null = null;
  /** Price of the kept instrument's latest trade (NaN before the first). */
  private lastTradePx = Number.NaN;
  /** Exchange time of the kept instrument's latest print (−∞ before the first). */
  private lastTradeTsMs = Number.NEGATIVE_INFINITY;
  /** Recent depth updates, so a snapshot that arrives late can be bridged (Binance's documented method). */
  private readonly recentDepth: DepthUpdateSeen[] = [];
  /** Symbol-less REST snapshots waiting for the kept instrument's next depth update to be attributed. */
  private heldSnapshots: HeldSnapshot[] = [];

  /** Frames seen per instrument (coin or symbol as the venue spells it), in first-seen order. */
  readonly instrumentsSeen = new Map<string, number>();
  /** The instrument kept (upper case), or null until the first instrument-tagged frame. */
  private keep: string | null;
  /** Smoothed exchange − local clock offset (ms) from frames carrying both times; NaN until the first. */
  private clockOffsetMs = Number.NaN;
  /** Drops Hyperliquid's recent-trades snapshot (prints older than the book). */
  private readonly hlStale = new StaleTradeFilter();
  /** Ids of the latest trades of the kept instrument, to drop a print recorded twice (bounded). */
  private readonly recentTradeIds = new RecentIds(RECENT_TRADE_IDS);
  /**
   * Spot bookTicker events (no exchange time) seen before the first frame that carries both
   * clocks: held until the clock offset is known, then put on the exchange clock and released
   * ahead of that frame's events (a bookTicker-only capture releases them on local time).
   */
  private heldBbo: (MarketEvent & { type: "bbo" })[] = [];
  private holdingBbo = true;
  /** The latest Binance `@trade` print, held for the same taker order's next print (print-hold.ts). */
  private readonly printHold: PrintHold;
  /** While a line is imported: the `@trade` print it brought for the hold. */
  private incoming: IdPrint | null = null;
  /** Binance `@trade` and `aggTrade` of one market: each taker order counted once (trade-stream-overlap.ts). */
  private readonly streamOverlap = new TradeStreamOverlap();

  constructor(
    private readonly stats: FeedStats,
    opts: CaptureImportOptions = {},
  ) {
    this.keep = opts.instrument !== undefined ? opts.instrument.toUpperCase() : null;
    this.printHold = new PrintHold(opts.sweepAcrossFrames ?? true, () => bumpExtra(stats, "mergedPrints"));
  }

  /** The instrument kept: the one asked for, else the first seen (null before any). */
  get instrument(): string | null {
    return this.keep;
  }

  /** Count the frame's instrument; whether it is the one kept. */
  private isKept(instrument: string): boolean {
    this.instrumentsSeen.set(instrument, (this.instrumentsSeen.get(instrument) ?? 0) + 1);
    const upper = instrument.toUpperCase();
    if (this.keep === null) this.keep = upper;
    if (upper === this.keep) return true;
    bumpExtra(this.stats, "otherInstrumentFrames");
    this.stats.ignoredMessages++;
    return false;
  }

  /**
   * Learn the exchange − local offset from a frame that carries both clocks (EWMA, ms). Returns the
   * held bookTicker events, now on the exchange clock, when this is the first such frame.
   */
  private noteClocks(exchangeTsMs: number, localTsMs: number): MarketEvent[] {
    const offset = exchangeTsMs - localTsMs;
    const first = Number.isNaN(this.clockOffsetMs);
    this.clockOffsetMs = first
      ? offset
      : this.clockOffsetMs + CLOCK_OFFSET_ALPHA * (offset - this.clockOffsetMs);
    if (!first) return NO_EVENTS;
    for (const e of this.heldBbo) e.exchangeTsMs = Math.round(e.localTsMs + this.clockOffsetMs);
    return this.releaseHeld();
  }

  private releaseHeld(): MarketEvent[] {
    this.holdingBbo = false;
    const out = this.heldBbo;
    this.heldBbo = [];
    return out;
  }

  /**
   * End of input: bookTicker events still held (no frame ever carried both clocks) come out on
   * the local clock; snapshots still undecided are dropped. Call once after the last line.
   */
  finish(): MarketEvent[] {
    if (this.heldBbo.length > 0) bumpExtra(this.stats, "bboLeftOnLocalClock", this.heldBbo.length);
    for (const _ of this.heldSnapshots) this.dropFrame("unresolvedSnapshotsDropped");
    this.heldSnapshots = [];
    const prints = this.printHold.finish();
    const bbo = this.releaseHeld();
    return prints.length === 0 ? bbo : [...prints, ...bbo];
  }

  /** Drop levels of an update older than the latest BBO that are better than that BBO (stale). */
  private filterStale<T extends { bids: PriceLevel[]; asks: PriceLevel[] }>(e: T, updateId: number): T {
    if (updateId >= this.lastBboUpdateId) return e;
    const r = dropBetterIn(e, this.lastBidPx, this.lastAskPx);
    if (r.dropped > 0) bumpExtra(this.stats, "staleDepthLevelsDropped", r.dropped);
    return r.event;
  }

  /**
   * A REST depth snapshot embedded in the capture: resync the kept book from it when it matches the
   * kept instrument's depth stream (see the class notes), hold it while that cannot be told yet.
   */
  private binanceSnapshot(json: object, localTsMs: number): CaptureLineResult {
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
    if (this.lastBbo && this.lastBboUpdateId > id)
      events.push({ ...this.lastBbo, exchangeTsMs: tsMs, localTsMs });
    return events;
  }

  /** Whether a snapshot's mid is near the kept instrument's latest price (true while none is known). */
  private snapshotPriceFits(snap: HeldSnapshot): boolean {
    const refPx =
      this.lastBidPx > 0 && this.lastAskPx > 0 ? (this.lastBidPx + this.lastAskPx) / 2 : this.lastTradePx;
    const midPx = bookMidPx(snap.bids, snap.asks);
    if (!(refPx > 0) || !(midPx > 0)) return true;
    return Math.abs(midPx / refPx - 1) <= SNAPSHOT_MAX_MID_DEVIATION;
  }

  /**
   * Import one line; `venue` detected per line from the JSON keys. A Binance `@trade` print goes
   * through the print hold (print-hold.ts): merged with the next print of its taker order at its
   * price, marked when the order sweeps on, with book events in between waiting behind it.
   */
  importLine(line: string): CaptureLineResult {
    this.incoming = null;
    const r = this.importFrame(line);
    if (!r.ok) return r; // a bad line changes nothing
    return { ok: true, events: this.printHold.next(r.events, this.incoming) };
  }

  /**
   * A spot bookTicker's exchange time from its local time and the learnt offset, but never before
   * a print the stream delivered ahead of it (the estimate is noisy) — unless that print is more
   * than `MAX_BBO_CLAMP_MS` ahead of the estimate (a print with a wrong time must not drag the book).
   */
  private bboTimeFromLocal(localTsMs: number): number {
    const est = Math.round(localTsMs + this.clockOffsetMs);
    const t = this.lastTradeTsMs;
    return t > est && t - est <= MAX_BBO_CLAMP_MS ? t : est;
  }

  private importFrame(line: string): CaptureLineResult {
    const parts = splitCaptureLine(line);
    if (!parts) return { ok: false, error: "expected `<local ns> <json>`" };
    let json: unknown;
    try {
      json = JSON.parse(parts.json);
    } catch (err) {
      return { ok: false, error: `malformed JSON: ${(err as Error).message}` };
    }
    if (typeof json !== "object" || json === null) return { ok: false, error: "frame is not a JSON object" };
    if ("channel" in json) return this.hyperliquid(json, parts.localTsMs);
    return this.binance(json, parts.localTsMs);
  }

  private hyperliquid(json: object, localTsMs: number): CaptureLineResult {
    const r = normalizeHyperliquid(json, localTsMs);
    switch (r.kind) {
      case "events": {
        if (r.events.length > 0 && !this.isKept(r.coin)) return { ok: true, events: [] };
        if (r.channel !== "trades") {
          for (const e of r.events) this.hlStale.noteBook(e.exchangeTsMs);
          return { ok: true, events: r.events };
        }
        if (r.mergedPrints !== undefined) bumpExtra(this.stats, "mergedPrints", r.mergedPrints);
        const current = r.events.filter((e) => this.hlStale.accepts(e.exchangeTsMs));
        if (current.length < r.events.length)
          bumpExtra(this.stats, "staleTradesDropped", r.events.length - current.length);
        const fresh = current.filter((e) => e.type !== "trade" || this.isNewTrade(e.trade.id));
        if (fresh.length < current.length) {
          bumpExtra(this.stats, "duplicateTrades", current.length - fresh.length);
          if (fresh.length === 0) this.stats.ignoredMessages++;
        }
        return { ok: true, events: fresh };
      }
      case "invalid":
        return { ok: false, error: r.error };
      case "mids":
        bumpExtra(this.stats, "allMids");
        return { ok: true, events: [] };
      case "venueError":
        bumpExtra(this.stats, "venueErrors");
        return { ok: true, events: [] };
      default:
        this.stats.ignoredMessages++;
        return { ok: true, events: [] };
    }
  }

  private binance(json: object, localTsMs: number): CaptureLineResult {
    if ("lastUpdateId" in json) return this.binanceSnapshot(json, localTsMs);
    const r = normalizeBinance(json, localTsMs);
    if ("symbol" in r && !this.isKept(r.symbol)) return { ok: true, events: [] };
    switch (r.kind) {
      case "bbo":
        // An older update id than the top of book already applied: the venue's view has moved on.
        if (r.updateId < this.lastBboUpdateId) return this.dropFrame("staleBboDropped");
        this.lastBboUpdateId = r.updateId;
        this.lastBidPx = r.event.bbo.bidPrice;
        this.lastAskPx = r.event.bbo.askPrice;
        this.lastBbo = r.event;
        if (!r.hasExchangeTime) {
          // Spot bookTicker has no exchange time: put it on the exchange clock the depth and
          // trade frames use, or it would run ~1 s ahead of (or behind) the prints it goes with.
          bumpExtra(this.stats, "bboTimedFromLocalClock");
          if (!Number.isNaN(this.clockOffsetMs)) r.event.exchangeTsMs = this.bboTimeFromLocal(localTsMs);
          else if (this.holdingBbo) {
            // no offset yet: hold it (bounded: a capture of bookTicker alone releases them)
            this.heldBbo.push(r.event);
            if (this.heldBbo.length < MAX_HELD_BBO) return { ok: true, events: [] };
            bumpExtra(this.stats, "bboLeftOnLocalClock", this.heldBbo.length);
            return { ok: true, events: this.releaseHeld() };
          }
        }
        return { ok: true, events: [r.event] };
      case "depth": {
        // Final id at or below the last applied one: a replayed or reordered update, already in the book.
        if (this.lastDepthId >= 0 && r.lastId <= this.lastDepthId) return this.dropFrame("staleDepthDropped");
        const held = this.noteClocks(r.event.exchangeTsMs, localTsMs);
        const events = this.depthEvents(r);
        return { ok: true, events: held.length > 0 ? [...held, ...events] : events };
      }
      case "trade": {
        // Both streams of one market: `@trade` has every print (and the ids that tie a sweep); an
        // `aggTrade` is the same prints again, merged.
        const dup = this.streamOverlap.admit(r);
        if (dup !== null) return this.dropFrame(dup);
        const id = r.event.trade.id;
        if (id !== undefined && !this.isNewTrade(`${r.eventType}:${id}`))
          return this.dropFrame("duplicateTrades");
        this.lastTradePx = r.event.trade.price;
        if (r.event.exchangeTsMs > this.lastTradeTsMs) this.lastTradeTsMs = r.event.exchangeTsMs;
        const held = this.noteClocks(r.event.exchangeTsMs, localTsMs);
        const seq = r.eventType === "trade" && id !== undefined ? Number(id) : Number.NaN;
        if (Number.isSafeInteger(seq)) {
          this.incoming = { event: r.event, id: seq }; // to the print hold (see importLine)
          return { ok: true, events: held };
        }
        return { ok: true, events: held.length > 0 ? [...held, r.event] : [r.event] };
      }
      case "nonMarketTrade":
        bumpExtra(this.stats, "nonMarketTrades");
        return { ok: true, events: [] };
      case "ignored":
        this.stats.ignoredMessages++;
        return { ok: true, events: [] };
      case "invalid":
        return { ok: false, error: r.error };
    }
  }

  /** Whether a trade is not one of the recent ones (remembering it); trades without an id always are. */
  private isNewTrade(key: string | undefined): boolean {
    return key === undefined || this.recentTradeIds.add(key);
  }

  /** Skip a valid frame that must not reach the book: counted as ignored and under `counter`. */
  private dropFrame(counter: string): CaptureLineResult {
    bumpExtra(this.stats, counter);
    this.stats.ignoredMessages++;
    return { ok: true, events: [] };
  }

  /** The events of one (not stale) depth update: a held snapshot it bridges, then the update itself. */
  private depthEvents(r: BnParsed & { kind: "depth" }): MarketEvent[] {
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
}

/** Largest correction of a spot bookTicker's estimated time toward the print before it (ms). */
const MAX_BBO_CLAMP_MS = 1000;
/** Weight of a new sample in the exchange − local clock offset estimate. */
const CLOCK_OFFSET_ALPHA = 0.05;
/** Most spot bookTicker events held while no frame has given the clock offset. */
const MAX_HELD_BBO = 10_000;
const NO_EVENTS: MarketEvent[] = [];
/**
 * Trade ids remembered for duplicate detection. A duplicate arrives within milliseconds of the
 * original (two overlapping connections, a reconnect re-sending recent prints): 10 000 prints is
 * minutes of a busy market, at a flat ~1 MB however long the capture.
 */
const RECENT_TRADE_IDS = 10_000;
