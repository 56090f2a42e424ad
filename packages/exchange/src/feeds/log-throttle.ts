import type { FeedLogger } from "./types.js";

/**
 * Rate-limits one kind of warning: the first occurrence is logged in full, later ones at most
 * once per `intervalMs` (that one carries `suppressed`, how many were not logged since the
 * previous line, and `total`). A venue that sends garbage or errors continuously thus costs one
 * log line per interval, while the caller still counts every occurrence in its stats.
 * `flush()` (on close) logs a summary of occurrences still unreported. Lines go out at `level`
 * (warn by default; info for routine events that must merely not flood the log).
 */
export class LogThrottle {
  private lastLogMs = Number.NEGATIVE_INFINITY;
  private suppressed = 0;
  private total = 0;

  constructor(
    private readonly logger: FeedLogger,
    private readonly intervalMs = 30_000,
    private readonly now: () => number = Date.now,
    private readonly level: "warn" | "info" = "warn",
  ) {}

  /** One occurrence (`note` under its usual name): logged unless one was logged less than `intervalMs` ago. */
  warn(fields: Record<string, unknown>, msg: string): void {
    this.note(fields, msg);
  }

  /** One occurrence: logged as `msg` with `fields` unless one was logged less than `intervalMs` ago. */
  note(fields: Record<string, unknown>, msg: string): void {
    this.total++;
    const t = this.now();
    if (t - this.lastLogMs < this.intervalMs) {
      this.suppressed++;
      return;
    }
    const extra = this.total > 1 ? { suppressed: this.suppressed, total: this.total } : {};
    this.logger[this.level]({ ...fields, ...extra }, msg);
    this.lastLogMs = t;
    this.suppressed = 0;
  }

  /** Log `msg` with the count of occurrences not logged yet, if any. */
  flush(msg: string, fields: Record<string, unknown> = {}): void {
    if (this.suppressed === 0) return;
    this.logger[this.level]({ ...fields, suppressed: this.suppressed, total: this.total }, msg);
    this.suppressed = 0;
    this.lastLogMs = this.now();
  }
}
