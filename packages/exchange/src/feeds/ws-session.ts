import { Rng } from "@mmkit/core";
import WebSocket from "ws";
import { type BackoffOptions, backoffDelayMs, checkBackoff } from "./backoff.js";
import { LogThrottle } from "./log-throttle.js";
import type { FeedLogger } from "./types.js";

/** Options of a reconnecting websocket session. */
export interface WsSessionOptions {
  /** URL to connect to (re-evaluated on every connect). */
  url: () => string;
  backoff: BackoffOptions;
  /** Seed of the jitter RNG. */
  seed: number;
  /** Give up on a connect attempt after this long (ms). */
  connectTimeoutMs: number;
  /** Send a keep-alive every `intervalMs`; no pong within `timeoutMs` → the socket is dead. */
  heartbeat: { intervalMs: number; timeoutMs: number; send: (ws: WebSocket) => void };
  logger: FeedLogger;
  /** Called on every successful open (subscribe here). `isReconnect` is false only the first time. */
  onOpen: (ws: WebSocket, isReconnect: boolean) => void;
  /** Called for every text frame. */
  onMessage: (text: string) => void;
  /** Called when an open socket closes (not for failed connect attempts). */
  onClose: (code: number, reason: string) => void;
  /** Called when a connect attempt ends without the socket opening (refused, unreachable, timeout). */
  onConnectFailed?: () => void;
  /** On `stop()`, terminate the socket if the venue has not answered the close frame within this (ms, default 1000). */
  closeGraceMs?: number;
  /**
   * A connection resets the backoff only once it has delivered data (`noteHealthy`) for at least
   * this long (ms, default `backoff.maxMs`: 30 s with the default backoff). See `WsSession`.
   */
  healthyAfterMs?: number;
  /** Wall clock for the healthy-connection rule (ms, default `Date.now`). */
  nowMs?: () => number;
}

/**
 * A websocket that keeps itself alive: heartbeat with pong timeout, reconnect with capped
 * exponential backoff and seeded jitter, until `stop()`.
 *
 * When the backoff starts over: a connection counts as healthy once it has delivered data
 * (`noteHealthy`) for `healthyAfterMs` (default: the backoff cap, 30 s). When a healthy connection
 * closes, the next reconnect is immediate-ish again (`backoff.initialMs`); when a connection closes
 * before that (a venue that accepts and then drops every connection, or one that never sends
 * data), the delay keeps growing to the cap. So a venue that flaps costs at most one connection
 * per cap interval once the delay has grown, while a 24/7 run whose connection was up for hours
 * reconnects at once after a drop. The uptime is judged when the connection closes.
 */
export class WsSession {
  private ws: WebSocket | null = null;
  private stopped = true;
  private opened = 0;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private pongTimer: NodeJS.Timeout | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  private readonly rng: Rng;
  private wasOpen = false;
  /** When the current connection first delivered data (null: not yet, or no connection). */
  private healthySinceMs: number | null = null;
  private readonly healthyAfterMs: number;
  private readonly now: () => number;
  /** Socket errors (one per failed connect while a venue is down): the first logged, then one line per 30 s. */
  private readonly errorLog: LogThrottle;

  constructor(private readonly o: WsSessionOptions) {
    checkBackoff(o.backoff);
    this.rng = new Rng(o.seed);
    this.healthyAfterMs = o.healthyAfterMs ?? o.backoff.maxMs;
    if (!(this.healthyAfterMs >= 0)) throw new Error(`healthyAfterMs must be >= 0, got ${o.healthyAfterMs}`);
    this.now = o.nowMs ?? Date.now;
    this.errorLog = new LogThrottle(o.logger, 30_000, this.now);
  }

  /** Retry number of the next reconnect (0 after a healthy connection): its delay is `backoffDelayMs(attempt)`. */
  get backoffAttempt(): number {
    return this.attempt;
  }

  /** Number of successful opens so far. */
  get openCount(): number {
    return this.opened;
  }

  /** Whether a socket is currently open. */
  get isOpen(): boolean {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  /** Start connecting (idempotent). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /**
   * Close for good and cancel every timer. An open socket gets a close frame (code 1000); if the
   * venue has not completed the closing handshake within `closeGraceMs` (default 1 s) the socket
   * is terminated: the `ws` library would otherwise wait 30 s for the venue's close frame, keeping
   * the process alive after the run. Resolves once the socket is closed (within about the grace).
   */
  stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    this.errorLog.flush("ws: errors (not logged one by one)");
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const ws = this.ws;
    this.ws = null;
    if (!ws) return Promise.resolve();
    ws.removeAllListeners();
    ws.on("error", () => {});
    if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    if (ws.readyState !== WebSocket.OPEN && ws.readyState !== WebSocket.CLOSING) {
      ws.terminate();
      return Promise.resolve();
    }
    const graceMs = this.o.closeGraceMs ?? 1000;
    return new Promise<void>((resolve) => {
      let cap: NodeJS.Timeout | null = null;
      const grace = setTimeout(() => {
        this.o.logger.info({ graceMs }, "ws: venue did not answer the close frame, terminating");
        ws.terminate();
        // terminate() destroys the socket ('close' follows at once); never hang on it regardless.
        cap = setTimeout(resolve, 200);
        cap.unref();
      }, graceMs);
      grace.unref();
      ws.once("close", () => {
        clearTimeout(grace);
        if (cap) clearTimeout(cap);
        resolve();
      });
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, "client closing");
    });
  }

  /** Mark a pong as received (the keep-alive is answered). */
  notePong(): void {
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pongTimer = null;
  }

  /**
   * A useful message arrived: the connection is delivering data. The backoff starts over when this
   * connection closes after `healthyAfterMs` counted from its first useful message.
   */
  noteHealthy(): void {
    if (this.healthySinceMs === null && this.ws !== null) this.healthySinceMs = this.now();
  }

  /** Drop the current socket and reconnect (e.g. on a pong timeout or a prolonged stall). */
  forceReconnect(reason: string): void {
    const ws = this.ws;
    if (!ws) return;
    this.o.logger.warn({ reason }, "ws: forcing reconnect");
    ws.terminate();
  }

  /** Send text on the open socket (false if not open). */
  send(text: string): boolean {
    if (!this.isOpen) return false;
    this.ws!.send(text);
    return true;
  }

  private clearTimers(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    if (this.connectTimer) clearTimeout(this.connectTimer);
    this.pingTimer = null;
    this.pongTimer = null;
    this.connectTimer = null;
  }

  private connect(): void {
    if (this.stopped) return;
    const url = this.o.url();
    const ws = new WebSocket(url, { handshakeTimeout: this.o.connectTimeoutMs });
    this.ws = ws;
    this.wasOpen = false;
    this.healthySinceMs = null;
    this.connectTimer = setTimeout(() => {
      this.o.logger.warn({ url }, "ws: connect timeout");
      ws.terminate();
    }, this.o.connectTimeoutMs);
    ws.on("open", () => {
      if (this.connectTimer) clearTimeout(this.connectTimer);
      this.connectTimer = null;
      this.wasOpen = true;
      const isReconnect = this.opened > 0;
      this.opened++;
      this.startHeartbeat(ws);
      this.o.onOpen(ws, isReconnect);
    });
    ws.on("message", (data, isBinary) => {
      if (ws !== this.ws) return;
      const text = isBinary ? Buffer.from(data as Buffer).toString("utf8") : data.toString();
      this.o.onMessage(text);
    });
    ws.on("pong", () => this.notePong());
    ws.on("error", (err) => this.errorLog.warn({ url, error: err.message }, "ws: error"));
    ws.on("close", (code, reasonBuf) => {
      if (ws !== this.ws) return;
      this.clearTimers();
      this.ws = null;
      if (this.healthySinceMs !== null && this.now() - this.healthySinceMs >= this.healthyAfterMs)
        this.attempt = 0;
      this.healthySinceMs = null;
      if (this.wasOpen) this.o.onClose(code, reasonBuf.toString());
      else this.o.onConnectFailed?.();
      this.scheduleReconnect();
    });
  }

  private startHeartbeat(ws: WebSocket): void {
    const hb = this.o.heartbeat;
    if (!(hb.intervalMs > 0)) return;
    this.pingTimer = setInterval(() => {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (this.pongTimer) return; // a ping is already outstanding
      hb.send(ws);
      this.pongTimer = setTimeout(() => {
        this.pongTimer = null;
        this.o.logger.warn({ timeoutMs: hb.timeoutMs }, "ws: pong timeout, socket presumed dead");
        ws.terminate();
      }, hb.timeoutMs);
    }, hb.intervalMs);
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = backoffDelayMs(this.attempt, this.o.backoff, this.rng);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }
}
