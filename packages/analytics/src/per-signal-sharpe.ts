/**
 * PerSignalSharpeTracker: one {@link SharpeTracker} per signal, fed with the cumulative PnL of the
 * fills whose placing quote cycle had that signal active (equity = capitalBase + that PnL).
 * Every signal's clock advances together, so a signal with no fills accrues zero-return buckets.
 */
import { SharpeTracker, type SharpeSummary, type SharpeTrackerOptions } from "./sharpe.js";

/** Options of {@link PerSignalSharpeTracker}: tracker options with a required capital base. */
export interface PerSignalSharpeOptions extends SharpeTrackerOptions {
  /** Capital base (quote currency) every per-signal return is divided by. Must be > 0. */
  capitalBase: number;
  /** Maximum number of distinct signals (default 64); more is an error, to keep memory bounded. */
  maxSignals?: number;
}

/** Sharpe statistics per signal, on the PnL of cycles where the signal was active. */
export class PerSignalSharpeTracker {
  private readonly trackers = new Map<string, SharpeTracker>();
  private readonly cumPnl = new Map<string, number>();
  private readonly options: PerSignalSharpeOptions;
  private readonly maxSignals: number;
  private startTsMs: number | null = null;
  private lastTsMs: number | null = null;

  constructor(options: PerSignalSharpeOptions) {
    if (!(options.capitalBase > 0)) {
      throw new Error(`PerSignalSharpeTracker: capitalBase must be > 0, got ${options.capitalBase}`);
    }
    this.options = { ...options, returnBasis: options.returnBasis ?? "starting_capital" };
    this.maxSignals = options.maxSignals ?? 64;
  }

  /** Start tracking a signal (also done implicitly by {@link recordFill}). */
  registerSignal(name: string, tsMs?: number): void {
    if (this.trackers.has(name)) return;
    if (this.trackers.size >= this.maxSignals) {
      throw new Error(
        `PerSignalSharpeTracker: more than maxSignals=${this.maxSignals} signals (adding "${name}")`,
      );
    }
    const t = new SharpeTracker(this.options);
    const start = this.startTsMs ?? tsMs;
    if (start !== undefined) {
      this.startTsMs ??= start;
      t.update(start, this.options.capitalBase);
      if (this.lastTsMs !== null) t.update(this.lastTsMs, this.options.capitalBase);
    }
    this.trackers.set(name, t);
    this.cumPnl.set(name, 0);
  }

  /** Record one fill's PnL (quote currency) for every signal active in the cycle that placed it. */
  recordFill(tsMs: number, pnlQuote: number, activeSignals: Iterable<string>): void {
    if (!Number.isFinite(pnlQuote)) throw new Error(`PerSignalSharpeTracker.recordFill: pnl not finite`);
    this.startTsMs ??= tsMs;
    for (const name of activeSignals) {
      this.registerSignal(name, tsMs);
      const cum = this.cumPnl.get(name)! + pnlQuote;
      this.cumPnl.set(name, cum);
      const t = this.trackers.get(name)!;
      t.update(tsMs, this.options.capitalBase + cum);
      t.recordFill(pnlQuote);
    }
    this.advanceTo(tsMs);
  }

  /** Let time pass for every signal (closes buckets; no PnL change). */
  advanceTo(tsMs: number): void {
    this.startTsMs ??= tsMs;
    if (this.lastTsMs === null || tsMs > this.lastTsMs) this.lastTsMs = tsMs;
    for (const [name, t] of this.trackers) t.update(tsMs, this.options.capitalBase + this.cumPnl.get(name)!);
  }

  /** Names of the signals tracked. */
  signals(): string[] {
    return [...this.trackers.keys()];
  }

  /** Summary of one signal (null if never seen). */
  summary(name: string, nowMs: number): SharpeSummary | null {
    const t = this.trackers.get(name);
    return t ? t.summary(nowMs, { scope: "signal", signalName: name }) : null;
  }

  /** Summaries of all signals, keyed by name. */
  summaries(nowMs: number): Record<string, SharpeSummary> {
    const out: Record<string, SharpeSummary> = {};
    for (const [name, t] of this.trackers)
      out[name] = t.summary(nowMs, { scope: "signal", signalName: name });
    return out;
  }
}
