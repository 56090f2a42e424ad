import type { LiveFeedOptions } from "./live-options.js";
import type WebSocket from "ws";
import { DEFAULT_BACKOFF } from "./backoff.js";
import { type HlParsed, parseHyperliquidFrame } from "./hyperliquid-messages.js";
import { LiveFeedBase } from "./live-feed-base.js";
import { LogThrottle } from "./log-throttle.js";
import { RecentIds } from "./recent-ids.js";
import { StaleTradeFilter } from "./stale-trades.js";
import { StaleWatchdog } from "./stale-watchdog.js";
import { bumpExtra } from "./types.js";
import { WsSession } from "./ws-session.js";

/** Trades frames held at most before the connection's first book (oldest dropped beyond). */
const MAX_HELD_TRADE_FRAMES = 1000;

/** Hyperliquid public websocket endpoint. */
export const HYPERLIQUID_WS_URL = "wss://api.hyperliquid.xyz/ws";

/** `l2Book` subscription options (Hyperliquid aggregation). */
export interface HlL2BookOptions {
  /** Significant figures of price aggregation (2–5); omit for full precision. */
  nSigFigs?: 2 | 3 | 4 | 5;
  /** Mantissa (1, 2 or 5), only with nSigFigs 5. */
  mantissa?: 1 | 2 | 5;
  /** Ask for the faster book channel where the venue supports it (passed through). */
  fast?: boolean;
}

/** Options of `HyperliquidFeed`. */
export interface HyperliquidFeedOptions extends LiveFeedOptions {
  /** Coin, e.g. `BTC`. */
  coin: string;
  /** Websocket URL (default the public endpoint). */
  url?: string;
  /** `l2Book` subscription (default on, full precision); `false` disables it. */
  l2Book?: HlL2BookOptions | false;
  /** Subscribe `bbo` (default true). */
  bbo?: boolean;
  /** Subscribe `trades` (default true). */
  trades?: boolean;
  /** Subscribe `allMids` (default false); mids go to `onMids`, counted in `stats().extra.allMids`. */
  allMids?: boolean;
  /** Receives `allMids` updates. */
  onMids?: (mids: Record<string, number>, localTsMs: number) => void;
  /** App-level `{"method":"ping"}` period (ms, default 20 000). */
  pingIntervalMs?: number;
  /** No pong within this → socket presumed dead, reconnect (ms, default 10 000). */
  pongTimeoutMs?: number;
  /** Expected book cadence (ms, default 500). */
  expectedBookIntervalMs?: number;
  /**
   * `stale` after `staleFactor` × cadence without a book update (default 10): `l2Book` frames when
   * subscribed (a flowing `bbo` does not hide a dead book stream), else `bbo` frames.
   */
  staleFactor?: number;
}

/**
 * Live Hyperliquid market data: `l2Book` (full snapshots), `bbo`, `trades`, `allMids`, with
 * zod validation, ping/pong keep-alive, reconnect with backoff, resubscription, book
 * replacement from the first snapshot after a reconnect (`resynced`), and stall detection.
 */
export class HyperliquidFeed extends LiveFeedBase {
  protected readonly session: WsSession;
  private readonly watchdog: StaleWatchdog | null;
  private awaitingSnapshot = false;
  /** Recent trade ids (HL re-sends recent trades on every subscribe). */
  private readonly seenTradeIds = new RecentIds(5000);
  /** Drops the recent-trades snapshot sent on every (re)subscribe (prints older than the book). */
  private readonly stale = new StaleTradeFilter();
  /** Venue `error` frames and stale prints: the first logged, then at most one line per 30 s. */
  private readonly venueErrorLog: LogThrottle;
  private readonly staleTradesLog: LogThrottle;
  /** The next trades frame is the recent-trades snapshot the venue sends on every (re)subscribe. */
  private tradesSnapshotPending = true;
  /** The channel the stall watchdog watches: `l2Book` when subscribed, else `bbo` (null: neither). */
  private readonly watched: "l2Book" | "bbo" | null;
  /**
   * Trades frames received on this connection before its first book (l2Book or bbo), held so the
   * recent-trades snapshot is judged against this connection's book; null once a book arrived (or
   * when no book channel is subscribed).
   */
  private heldTrades: (HlParsed & { kind: "events" })[] | null = null;

  constructor(private readonly o: HyperliquidFeedOptions) {
    if (!o.coin) throw new Error("HyperliquidFeed: coin is required");
    super(`hyperliquid:${o.coin}`, o);
    this.venueErrorLog = new LogThrottle(this.logger, 30_000, this.now);
    this.staleTradesLog = new LogThrottle(this.logger, 30_000, this.now);
    const pingIntervalMs = o.pingIntervalMs ?? 20_000;
    const pongTimeoutMs = o.pongTimeoutMs ?? 10_000;
    this.session = new WsSession({
      url: () => o.url ?? HYPERLIQUID_WS_URL,
      backoff: { ...DEFAULT_BACKOFF, ...o.backoff },
      seed: o.seed ?? 1,
      connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
      heartbeat: {
        intervalMs: pingIntervalMs,
        timeoutMs: pongTimeoutMs,
        send: (ws) => ws.send('{"method":"ping"}'),
      },
      logger: this.logger,
      onOpen: (ws, isReconnect) => this.onOpen(ws, isReconnect),
      onMessage: (text) => this.onMessage(text),
      onClose: (code, reason) => this.onClose(code, reason),
      onConnectFailed: () => bumpExtra(this.counters, "failedConnects"),
    });
    const watched = o.l2Book !== false ? "l2Book" : o.bbo !== false ? "bbo" : null;
    this.watched = watched;
    const staleAfterMs = (o.expectedBookIntervalMs ?? 500) * (o.staleFactor ?? 10);
    this.watchdog = watched
      ? new StaleWatchdog(
          staleAfterMs,
          o.staleReconnectAfterMs ?? 30_000,
          (silent) => {
            this.counters.staleEvents++;
            this.health("stale", `no ${watched} update for ${Math.round(silent)} ms`);
          },
          (silent) => {
            this.awaitingSnapshot = true;
            this.session.forceReconnect(`book stalled for ${Math.round(silent)} ms`);
          },
          this.now,
        )
      : null;
  }

  /**
   * Close the socket, stop timers, finish iteration. Resolves once the socket is closed: at once
   * when the venue answers the close frame, after about a second when it does not (terminated).
   */
  async close(): Promise<void> {
    const closed = this.session.stop();
    this.watchdog?.disarm();
    this.queue.end();
    this.flushInvalidLog();
    this.venueErrorLog.flush("venue errors (not logged one by one)", { feed: this.name });
    this.staleTradesLog.flush("trade frames with stale prints dropped (not logged one by one)", {
      feed: this.name,
    });
    await closed;
  }

  /** The subscription messages sent on every (re)connect. */
  subscriptions(): object[] {
    const o = this.o;
    const subs: object[] = [];
    if (o.l2Book !== false) subs.push({ type: "l2Book", coin: o.coin, ...(o.l2Book ?? {}) });
    if (o.bbo !== false) subs.push({ type: "bbo", coin: o.coin });
    if (o.trades !== false) subs.push({ type: "trades", coin: o.coin });
    if (o.allMids) subs.push({ type: "allMids" });
    return subs.map((subscription) => ({ method: "subscribe", subscription }));
  }

  private onOpen(ws: WebSocket, isReconnect: boolean): void {
    if (isReconnect) this.counters.reconnects++;
    this.awaitingSnapshot = isReconnect || this.awaitingSnapshot;
    this.tradesSnapshotPending = true;
    this.heldTrades = this.watched ? [] : null;
    this.health("connected", isReconnect ? "reconnected" : "connected");
    for (const m of this.subscriptions()) ws.send(JSON.stringify(m));
    this.watchdog?.arm();
  }

  private onClose(code: number, reason: string): void {
    this.watchdog?.disarm();
    this.awaitingSnapshot = true;
    this.discardHeldTrades();
    this.health("disconnected", `socket closed code=${code}${reason ? ` reason=${reason}` : ""}`);
  }

  /**
   * Log the prints of a trades frame the stale filter dropped (`dropped` of `of`, the newest at
   * `newest`). The first trades frame after a (re)subscribe is the venue's recent-trades snapshot,
   * expected stale: info. Stale prints in any later frame are not expected (a venue clock glitch,
   * an out-of-order book): warn, rate-limited.
   */
  private noteStaleTrades(dropped: number, of: number, newest: number): void {
    const snapshot = this.tradesSnapshotPending;
    this.tradesSnapshotPending = false;
    if (dropped === 0) return;
    const fields = {
      feed: this.name,
      dropped,
      of,
      latestBookTsMs: this.stale.lastBookTsMs,
      newestDroppedTsMs: newest,
      maxLagMs: this.stale.maxLagMs,
    };
    if (snapshot)
      this.logger.info(fields, "recent-trades snapshot of the subscription dropped (older than the book)");
    else
      this.staleTradesLog.warn(
        fields,
        "stale trades dropped (older than the latest book by more than maxLagMs)",
      );
  }

  private onMessage(text: string): void {
    this.counters.messages++;
    const localTsMs = this.now();
    const r = parseHyperliquidFrame(text, localTsMs);
    switch (r.kind) {
      case "invalid":
        this.dropInvalid(r.error, text);
        return;
      case "pong":
        this.session.notePong();
        return;
      case "venueError":
        bumpExtra(this.counters, "venueErrors");
        this.venueErrorLog.warn({ feed: this.name }, `venue error: ${r.message}`);
        return;
      case "ignored":
        this.counters.ignoredMessages++;
        return;
      case "mids":
        bumpExtra(this.counters, "allMids");
        this.o.onMids?.(r.mids, r.localTsMs);
        return;
      case "events": {
        if (r.coin !== this.o.coin && r.events.length > 0) {
          this.counters.ignoredMessages++;
          return;
        }
        this.session.noteHealthy();
        if (r.badPrints !== undefined) this.dropBadPrints(r.badPrints, text);
        if (r.channel === "trades" && this.heldTrades) {
          if (this.heldTrades.length >= MAX_HELD_TRADE_FRAMES) this.discardHeldTrades(1);
          this.heldTrades.push(r);
          return;
        }
        this.onEvents(r);
        if (r.channel !== "trades" && this.heldTrades) {
          const held = this.heldTrades;
          this.heldTrades = null;
          for (const t of held) this.onEvents(t);
        }
        return;
      }
    }
  }

  /** Drop the oldest `n` held trades frames (all by default), counted in `extra.tradesDroppedBeforeBook`. */
  private discardHeldTrades(n = Number.POSITIVE_INFINITY): void {
    if (!this.heldTrades) return;
    for (const t of this.heldTrades.splice(0, n))
      bumpExtra(this.counters, "tradesDroppedBeforeBook", t.events.length);
  }

  private onEvents(r: HlParsed & { kind: "events" }): void {
    if (r.channel === this.watched) {
      const endedStale = this.watchdog?.touch() ?? false;
      if (r.channel === "l2Book" && this.awaitingSnapshot) {
        this.awaitingSnapshot = false;
        this.counters.resyncs++;
        this.lastExchangeTsMs = r.events[0]!.exchangeTsMs;
        this.health("resynced", "book replaced from the first snapshot after reconnect");
      } else if (endedStale) {
        this.counters.resyncs++;
        this.health("resynced", "book updates resumed after a stall");
      }
    }
    if (r.channel !== "trades") for (const e of r.events) this.stale.noteBook(e.exchangeTsMs);
    if (r.mergedPrints !== undefined) bumpExtra(this.counters, "mergedPrints", r.mergedPrints);
    let staleDropped = 0;
    let newestStale = Number.NEGATIVE_INFINITY;
    for (const e of r.events) {
      if (e.type === "trade" && !this.stale.accepts(e.exchangeTsMs)) {
        bumpExtra(this.counters, "staleTradesDropped");
        staleDropped++;
        if (e.exchangeTsMs > newestStale) newestStale = e.exchangeTsMs;
        continue;
      }
      if (e.type === "trade" && e.trade.id !== undefined) {
        if (!this.seenTradeIds.add(e.trade.id)) {
          bumpExtra(this.counters, "duplicateTrades");
          continue;
        }
      }
      if (e.exchangeTsMs > this.lastExchangeTsMs) this.lastExchangeTsMs = e.exchangeTsMs;
      this.push(e);
    }
    if (r.channel === "trades") this.noteStaleTrades(staleDropped, r.events.length, newestStale);
  }
}
