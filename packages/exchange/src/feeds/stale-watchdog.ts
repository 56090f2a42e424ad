/**
 * Declares a stream stale when no update arrived for `staleAfterMs` (checked on a timer, so it
 * fires even while the socket stays open), and asks for a reconnect when the stall lasts
 * `reconnectAfterMs` (0 = never).
 */
export class StaleWatchdog {
  private timer: NodeJS.Timeout | null = null;
  private lastUpdateMs = 0;
  private staleSinceMs = -1;
  private reconnectRequested = false;

  constructor(
    private readonly staleAfterMs: number,
    private readonly reconnectAfterMs: number,
    private readonly onStale: (silentForMs: number) => void,
    private readonly onReconnect: (silentForMs: number) => void,
    private readonly nowMs: () => number = Date.now,
  ) {
    if (!(staleAfterMs > 0)) throw new Error(`staleAfterMs must be > 0, got ${staleAfterMs}`);
    if (!(reconnectAfterMs >= 0))
      throw new Error(`staleReconnectAfterMs must be >= 0, got ${reconnectAfterMs}`);
  }

  /** Whether the stream is currently stale. */
  get isStale(): boolean {
    return this.staleSinceMs >= 0;
  }

  /** Start (or restart) watching from now. */
  arm(): void {
    this.lastUpdateMs = this.nowMs();
    this.staleSinceMs = -1;
    this.reconnectRequested = false;
    if (this.timer) return;
    const period = Math.max(1, Math.min(this.staleAfterMs, this.reconnectAfterMs || this.staleAfterMs) / 4);
    this.timer = setInterval(() => this.check(), period);
  }

  /** Stop watching. */
  disarm(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.staleSinceMs = -1;
  }

  /** Record an update; returns true when this update ends a stale period. */
  touch(): boolean {
    this.lastUpdateMs = this.nowMs();
    const wasStale = this.staleSinceMs >= 0;
    this.staleSinceMs = -1;
    this.reconnectRequested = false;
    return wasStale;
  }

  private check(): void {
    const silent = this.nowMs() - this.lastUpdateMs;
    if (this.staleSinceMs < 0 && silent >= this.staleAfterMs) {
      this.staleSinceMs = this.nowMs();
      this.onStale(silent);
    }
    if (this.reconnectAfterMs > 0 && !this.reconnectRequested && silent >= this.reconnectAfterMs) {
      this.reconnectRequested = true;
      this.onReconnect(silent);
    }
  }
}
