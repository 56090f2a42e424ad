/** Import of raw venue captures (`<local ns> <json>` lines) into market events: the `CaptureImporter`. */
import type { MarketEvent } from "@mmkit/core";
import { BboClock } from "./bbo-clock.js";
import { normalizeBinance } from "./binance-messages.js";
import { CaptureDepth, type KeptTop } from "./capture-depth.js";
import { type CaptureLineResult, skipFrame, splitCaptureLine } from "./capture-line.js";
import { normalizeHyperliquid } from "./hyperliquid-messages.js";
import { type IdPrint, PrintHold } from "./print-hold.js";
import { RecentIds } from "./recent-ids.js";
import { StaleTradeFilter } from "./stale-trades.js";
import { TradeStreamOverlap } from "./trade-stream-overlap.js";
import { bumpExtra, type FeedStats } from "./types.js";

export { type CaptureLineResult, type CaptureVenue, splitCaptureLine } from "./capture-line.js";

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
  /** The kept instrument's latest top of book and print (read by `depth` too). */
  private readonly top: KeptTop = {
    bboUpdateId: -1,
    bidPx: Number.NaN,
    askPx: Number.NaN,
    bbo: null,
    tradePx: Number.NaN,
  };
  /** Exchange time of the kept instrument's latest print (−∞ before the first). */
  private lastTradeTsMs = Number.NEGATIVE_INFINITY;
  /** Depth updates and the REST snapshots that resync them (capture-depth.ts). */
  private readonly depth: CaptureDepth;

  /** Frames seen per instrument (coin or symbol as the venue spells it), in first-seen order. */
  readonly instrumentsSeen = new Map<string, number>();
  /** The instrument kept (upper case), or null until the first instrument-tagged frame. */
  private keep: string | null;
  /** Drops Hyperliquid's recent-trades snapshot (prints older than the book). */
  private readonly hlStale = new StaleTradeFilter();
  /** Ids of the latest trades of the kept instrument, to drop a print recorded twice (bounded). */
  private readonly recentTradeIds = new RecentIds(RECENT_TRADE_IDS);
  /** The latest Binance `@trade` print, held for the same taker order's next print (print-hold.ts). */
  private readonly printHold: PrintHold;
  /** While a line is imported: the `@trade` print it brought for the hold. */
  private incoming: IdPrint | null = null;
  /** Binance `@trade` and `aggTrade` of one market: each taker order counted once (trade-stream-overlap.ts). */
  private readonly streamOverlap = new TradeStreamOverlap();
  /** The exchange − local clock offset and the spot bookTicker events waiting for it (bbo-clock.ts). */
  private readonly bboClock = new BboClock();

  constructor(
    private readonly stats: FeedStats,
    opts: CaptureImportOptions = {},
  ) {
    this.depth = new CaptureDepth(stats, this.top);
    this.keep = opts.instrument !== undefined ? opts.instrument.toUpperCase() : null;
    this.printHold = new PrintHold(opts.sweepAcrossFrames ?? true, () => bumpExtra(stats, "mergedPrints"));
  }

  /** The instrument kept: the one asked for, else the first seen (null before any). */
  get instrument(): string | null {
    return this.keep;
  }

  /**
   * Which Binance market the kept instrument's frames come from: `"usdm"` (futures: bookTicker
   * with an exchange time, depth updates with `pu`), `"spot"` (neither), null before such a frame.
   */
  binanceMarket: "usdm" | "spot" | null = null;

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
   * End of input: bookTicker events still held (no frame ever carried both clocks) come out on
   * the local clock; snapshots still undecided are dropped. Call once after the last line.
   */
  finish(): MarketEvent[] {
    if (this.bboClock.heldCount > 0) bumpExtra(this.stats, "bboLeftOnLocalClock", this.bboClock.heldCount);
    this.depth.finish();
    const prints = this.printHold.finish();
    const bbo = this.bboClock.release();
    return prints.length === 0 ? bbo : [...prints, ...bbo];
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
    r.events = this.printHold.next(r.events, this.incoming); // r is this line's own result
    return r;
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
        if (r.badPrints !== undefined) bumpExtra(this.stats, "badPrintsDropped", r.badPrints.count);
        const current = r.events.filter((e) => this.hlStale.accepts(e.exchangeTsMs));
        if (current.length < r.events.length)
          bumpExtra(this.stats, "staleTradesDropped", r.events.length - current.length);
        const fresh = current.filter((e) => e.type !== "trade" || this.isNewTrade(e.trade.id));
        if (fresh.length < current.length) {
          bumpExtra(this.stats, "duplicateTrades", current.length - fresh.length);
          if (fresh.length === 0) this.stats.ignoredMessages++;
        }
        return r.badPrints === undefined
          ? { ok: true, events: fresh }
          : { ok: true, events: fresh, badPrints: r.badPrints };
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
    if ("lastUpdateId" in json) return this.depth.snapshot(json, localTsMs);
    const r = normalizeBinance(json, localTsMs);
    if ("symbol" in r && !this.isKept(r.symbol)) return { ok: true, events: [] };
    switch (r.kind) {
      case "bbo":
        // An older update id than the top of book already applied: the venue's view has moved on.
        if (r.updateId < this.top.bboUpdateId) return this.dropFrame("staleBboDropped");
        this.top.bboUpdateId = r.updateId;
        this.top.bidPx = r.event.bbo.bidPrice;
        this.top.askPx = r.event.bbo.askPrice;
        this.top.bbo = r.event;
        this.binanceMarket ??= r.hasExchangeTime ? "usdm" : "spot";
        if (!r.hasExchangeTime) {
          // Spot bookTicker has no exchange time: put it on the exchange clock the depth and
          // trade frames use, or it would run ~1 s ahead of (or behind) the prints it goes with.
          bumpExtra(this.stats, "bboTimedFromLocalClock");
          if (this.bboClock.known)
            r.event.exchangeTsMs = this.bboClock.timeFromLocal(localTsMs, this.lastTradeTsMs);
          else if (this.bboClock.holding) {
            // no offset yet: hold it (bounded: a capture of bookTicker alone releases them)
            if (!this.bboClock.hold(r.event)) return { ok: true, events: [] };
            bumpExtra(this.stats, "bboLeftOnLocalClock", this.bboClock.heldCount);
            return { ok: true, events: this.bboClock.release() };
          }
        }
        return { ok: true, events: [r.event] };
      case "depth": {
        // Final id at or below the last applied one: a replayed or reordered update, already in the book.
        if (this.depth.isStale(r.lastId)) return this.dropFrame("staleDepthDropped");
        this.binanceMarket ??= r.prevId !== undefined ? "usdm" : "spot";
        const held = this.bboClock.note(r.event.exchangeTsMs, localTsMs);
        const events = this.depth.depthEvents(r);
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
        this.top.tradePx = r.event.trade.price;
        if (r.event.exchangeTsMs > this.lastTradeTsMs) this.lastTradeTsMs = r.event.exchangeTsMs;
        const held = this.bboClock.note(r.event.exchangeTsMs, localTsMs);
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
    return skipFrame(this.stats, counter);
  }
}

/**
 * Trade ids remembered for duplicate detection. A duplicate arrives within milliseconds of the
 * original (two overlapping connections, a reconnect re-sending recent prints): 10 000 prints is
 * minutes of a busy market, at a flat ~1 MB however long the capture.
 */
const RECENT_TRADE_IDS = 10_000;
