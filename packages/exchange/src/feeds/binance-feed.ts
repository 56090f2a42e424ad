import type { LiveFeedOptions } from "./live-options.js";
import { type MarketEvent, Rng } from "@mmkit/core";
import { type BackoffOptions, backoffDelayMs, DEFAULT_BACKOFF } from "./backoff.js";
import { BinanceDepthSync } from "./binance-depth-sync.js";
import { type BinanceDepthSnapshot, bnDepthSnapshotSchema, parseBinanceFrame } from "./binance-messages.js";
import { LiveFeedBase } from "./live-feed-base.js";
import { StaleWatchdog } from "./stale-watchdog.js";
import { bumpExtra } from "./types.js";
import { WsSession } from "./ws-session.js";

/** Binance USD-M futures websocket base. */
export const BINANCE_USDM_WS_URL = "wss://fstream.binance.com";
/** Binance USD-M futures REST base. */
export const BINANCE_USDM_REST_URL = "https://fapi.binance.com";

/**
 * Source of depth snapshots (REST by default; tests serve one locally). `signal` aborts the
 * request when it times out or is superseded (reconnect, `close()`).
 */
export type DepthSnapshotSource = (symbol: string, signal?: AbortSignal) => Promise<BinanceDepthSnapshot>;

/** Default snapshot source: GET `{restBaseUrl}/fapi/v1/depth?symbol=…&limit=…`, zod-validated. */
export function restDepthSnapshotSource(
  restBaseUrl = BINANCE_USDM_REST_URL,
  limit = 1000,
): DepthSnapshotSource {
  return async (symbol, signal) => {
    const url = `${restBaseUrl}/fapi/v1/depth?symbol=${encodeURIComponent(symbol.toUpperCase())}&limit=${limit}`;
    const res = await fetch(url, { signal: signal ?? null });
    if (!res.ok) throw new Error(`depth snapshot ${url}: HTTP ${res.status}`);
    const r = bnDepthSnapshotSchema.safeParse(await res.json());
    if (!r.success)
      throw new Error(`depth snapshot ${url}: invalid body (${r.error.issues[0]?.message ?? "schema"})`);
    return r.data;
  };
}

/** Options of `BinanceFeed`. */
export interface BinanceFeedOptions extends LiveFeedOptions {
  /** Symbol, e.g. `BTCUSDT`. */
  symbol: string;
  /** Websocket base URL (default USD-M futures); streams are combined under `/stream?streams=…`. */
  baseUrl?: string;
  /** Subscribe `bookTicker` (default true). */
  bookTicker?: boolean;
  /** Subscribe `aggTrade` (default true). */
  aggTrade?: boolean;
  /** Diff depth speed: `100ms` (default), `0ms`, `250ms`, or `false` to disable depth. */
  depth?: "0ms" | "100ms" | "250ms" | false;
  /** Snapshot source (default REST `/fapi/v1/depth` at `restBaseUrl`). */
  snapshotSource?: DepthSnapshotSource;
  /** REST base for the default snapshot source. */
  restBaseUrl?: string;
  /** Give up on a depth snapshot request after this long and retry with backoff (ms, default 10 000). */
  snapshotTimeoutMs?: number;
  /** Client ping period (ms, default 30 000); the server must pong within `pongTimeoutMs`. */
  pingIntervalMs?: number;
  /** Pong timeout (ms, default 10 000). */
  pongTimeoutMs?: number;
  /** `stale` after this long without a book update (bookTicker or depth; ms, default 5 000). */
  staleAfterMs?: number;
}

/**
 * Live Binance USD-M market data (reference/lead feed): `bookTicker` → bbo, `aggTrade` → trade,
 * diff depth → delta kept continuous with the documented U/u/pu check; on a gap (or reconnect)
 * deltas are buffered, a snapshot is fetched, and the book is resynced (`resynced` + snapshot).
 */
export class BinanceFeed extends LiveFeedBase {
  protected readonly session: WsSession;
  private readonly sync = new BinanceDepthSync();
  private readonly watchdog: StaleWatchdog;
  private readonly snapshotSource: DepthSnapshotSource;
  private readonly backoff: BackoffOptions;
  private readonly rng: Rng;
  /** Aborts the snapshot request in flight (or its pending retry); null when none. */
  private snapshotRequest: AbortController | null = null;
  private snapshotAttempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly o: BinanceFeedOptions) {
    if (!o.symbol) throw new Error("BinanceFeed: symbol is required");
    super(`binance:${o.symbol.toUpperCase()}`, o);
    this.snapshotSource = o.snapshotSource ?? restDepthSnapshotSource(o.restBaseUrl);
    this.backoff = { ...DEFAULT_BACKOFF, ...o.backoff };
    this.rng = new Rng((o.seed ?? 1) + 7919);
    this.session = new WsSession({
      url: () => this.url(),
      backoff: this.backoff,
      seed: o.seed ?? 1,
      connectTimeoutMs: o.connectTimeoutMs ?? 10_000,
      heartbeat: {
        intervalMs: o.pingIntervalMs ?? 30_000,
        timeoutMs: o.pongTimeoutMs ?? 10_000,
        send: (ws) => ws.ping(),
      },
      logger: this.logger,
      onOpen: (_ws, isReconnect) => this.onOpen(isReconnect),
      onMessage: (text) => this.onMessage(text),
      onClose: (code, reason) => this.onClose(code, reason),
      onConnectFailed: () => bumpExtra(this.counters, "failedConnects"),
    });
    this.watchdog = new StaleWatchdog(
      o.staleAfterMs ?? 5_000,
      o.staleReconnectAfterMs ?? 30_000,
      (silent) => {
        this.counters.staleEvents++;
        this.health("stale", `no book update for ${Math.round(silent)} ms`);
      },
      (silent) => this.session.forceReconnect(`book stalled for ${Math.round(silent)} ms`),
      this.now,
    );
  }

  /** Combined-stream URL for the configured streams. */
  url(): string {
    const s = this.o.symbol.toLowerCase();
    const streams: string[] = [];
    if (this.o.bookTicker !== false) streams.push(`${s}@bookTicker`);
    if (this.o.aggTrade !== false) streams.push(`${s}@aggTrade`);
    const depth = this.o.depth ?? "100ms";
    if (depth !== false) streams.push(depth === "250ms" ? `${s}@depth` : `${s}@depth@${depth}`);
    return `${this.o.baseUrl ?? BINANCE_USDM_WS_URL}/stream?streams=${streams.join("/")}`;
  }

  /**
   * Close everything and finish iteration. Resolves once the socket is closed: at once when the
   * venue answers the close frame, after about a second when it does not (terminated).
   */
  async close(): Promise<void> {
    this.closed = true;
    const closed = this.session.stop();
    this.watchdog.disarm();
    this.cancelSnapshot();
    this.queue.end();
    this.flushInvalidLog();
    await closed;
  }

  /** Queue an event; every event (health too) advances the newest exchange time. */
  protected override push(e: MarketEvent): void {
    if (e.exchangeTsMs > this.lastExchangeTsMs) this.lastExchangeTsMs = e.exchangeTsMs;
    super.push(e);
  }

  private onOpen(isReconnect: boolean): void {
    if (isReconnect) this.counters.reconnects++;
    this.sync.reset();
    this.health("connected", isReconnect ? "reconnected" : "connected");
    this.watchdog.arm();
    if (this.o.depth !== false) this.requestSnapshot(0);
  }

  private onClose(code: number, reason: string): void {
    this.watchdog.disarm();
    // The snapshot in flight (or its pending retry) belongs to this connection's buffer: drop it,
    // so the next connection fetches its own at once.
    this.cancelSnapshot();
    this.health("disconnected", `socket closed code=${code}${reason ? ` reason=${reason}` : ""}`);
  }

  /** Abort the snapshot request in flight and cancel a pending retry. */
  private cancelSnapshot(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.snapshotRequest?.abort(new Error("depth snapshot cancelled"));
    this.snapshotRequest = null;
  }

  /**
   * Fetch a snapshot (after `delayMs`) unless one is already in flight or pending for this
   * connection. A request superseded meanwhile (reconnect, close) is aborted and its outcome ignored.
   */
  private requestSnapshot(delayMs: number): void {
    if (this.snapshotRequest || this.closed) return;
    const req = new AbortController();
    this.snapshotRequest = req;
    const timeoutMs = this.o.snapshotTimeoutMs ?? 10_000;
    const run = async (): Promise<void> => {
      this.retryTimer = null;
      const timer = setTimeout(() => req.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      let snap: BinanceDepthSnapshot;
      try {
        snap = await untilAborted(this.snapshotSource(this.o.symbol.toUpperCase(), req.signal), req.signal);
      } catch (err) {
        if (this.snapshotRequest !== req) return;
        this.snapshotRequest = null;
        bumpExtra(this.counters, "snapshotErrors");
        this.logger.warn({ feed: this.name, error: errorText(err) }, "depth snapshot failed");
        this.retrySnapshot();
        return;
      } finally {
        clearTimeout(timer);
      }
      if (this.snapshotRequest !== req) return;
      this.snapshotRequest = null;
      const r = this.sync.applySnapshot(snap, this.now());
      if (!r.ok) {
        this.logger.warn({ feed: this.name, detail: r.detail }, "depth snapshot unusable, refetching");
        bumpExtra(this.counters, "staleSnapshots");
        this.retrySnapshot();
        return;
      }
      this.snapshotAttempt = 0;
      this.counters.resyncs++;
      this.health("resynced", `depth snapshot lastUpdateId=${snap.lastUpdateId}`);
      for (const e of r.events) this.push(e);
    };
    if (delayMs > 0) this.retryTimer = setTimeout(() => void run(), delayMs);
    else void run();
  }

  private retrySnapshot(): void {
    const delay = backoffDelayMs(this.snapshotAttempt++, this.backoff, this.rng);
    this.requestSnapshot(delay);
  }

  /** Note a book update; the first after a stall emits `resynced` (clears the `stale` it reported). */
  private touchWatchdog(): void {
    if (!this.watchdog.touch()) return;
    this.counters.resyncs++;
    this.health("resynced", "book updates resumed after a stall");
  }

  private onMessage(text: string): void {
    this.counters.messages++;
    const localTsMs = this.now();
    const r = parseBinanceFrame(text, localTsMs);
    switch (r.kind) {
      case "invalid":
        this.dropInvalid(r.error, text);
        return;
      case "ignored":
        this.counters.ignoredMessages++;
        return;
      case "nonMarketTrade":
        bumpExtra(this.counters, "nonMarketTrades");
        return;
      case "trade":
        this.session.noteHealthy();
        this.push(r.event);
        return;
      case "bbo":
        this.session.noteHealthy();
        this.touchWatchdog();
        this.push(r.event);
        return;
      case "depth": {
        this.session.noteHealthy();
        this.touchWatchdog();
        const res = this.sync.onUpdate({
          firstId: r.firstId,
          lastId: r.lastId,
          ...(r.prevId !== undefined ? { prevId: r.prevId } : {}),
          event: r.event,
        });
        if (res.action === "apply") this.push(res.event);
        else if (res.action === "gap") {
          this.counters.gaps++;
          this.logger.warn({ feed: this.name, reason: res.reason }, "depth gap, resyncing");
          this.health("stale", `depth gap: ${res.reason}`);
          this.requestSnapshot(0);
        } else if (res.action === "dropped") bumpExtra(this.counters, "depthDroppedBeforeSnapshot");
        return;
      }
    }
  }
}

/** `p`, or a rejection with `signal.reason` as soon as `signal` aborts (for sources that ignore it). */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** An error's message with its causes (`fetch failed: connect ECONNREFUSED …`). */
function errorText(err: unknown): string {
  const parts: string[] = [];
  for (let e = err, depth = 0; e !== undefined && depth < 4; depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(": ");
}
