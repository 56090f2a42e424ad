/**
 * PerSignalSharpeTracker: one {@link SharpeTracker} per signal, fed with the cumulative PnL of the
 * fills whose placing quote cycle had that signal active (equity = capitalBase + that PnL).
 * Every signal's clock advances together, so a signal with no fills accrues zero-return buckets.
 */
import {
  type EncodedNumber,
  encodeNumber,
  readArray,
  readInt,
  readNullableNumber,
  readNumber,
  readRecord,
  readString,
  readVersioned,
  requireSameConfig,
} from "./checkpoint.js";
import {
  resolveSharpeOptions,
  SharpeTracker,
  type SharpeSummary,
  type SharpeTrackerOptions,
} from "./sharpe.js";
import {
  decodeSharpeConfig,
  encodeSharpeConfig,
  type SharpeTrackerConfigState,
  type SharpeTrackerState,
} from "./sharpe-state.js";

/** Options of {@link PerSignalSharpeTracker}: tracker options with a required capital base. */
export interface PerSignalSharpeOptions extends SharpeTrackerOptions {
  /** Capital base (quote currency) every per-signal return is divided by. Must be > 0. */
  capitalBase: number;
  /** Maximum number of distinct signals (default 64); more is an error, to keep memory bounded. */
  maxSignals?: number;
}

/** Checkpoint of a {@link PerSignalSharpeTracker}; `signals` keeps registration order. */
export interface PerSignalSharpeTrackerState {
  version: 1;
  config: {
    capitalBase: EncodedNumber;
    maxSignals: number;
    /** Options shared by every per-signal tracker. */
    tracker: SharpeTrackerConfigState;
  };
  startTsMs: EncodedNumber | null;
  lastTsMs: EncodedNumber | null;
  signals: { name: string; cumPnl: EncodedNumber; tracker: SharpeTrackerState }[];
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

  /** JSON-safe checkpoint of every per-signal tracker and cumulative PnL. */
  getState(): PerSignalSharpeTrackerState {
    return {
      version: 1,
      config: {
        capitalBase: encodeNumber(this.options.capitalBase),
        maxSignals: this.maxSignals,
        tracker: encodeSharpeConfig(resolveSharpeOptions(this.options)),
      },
      startTsMs: this.startTsMs === null ? null : encodeNumber(this.startTsMs),
      lastTsMs: this.lastTsMs === null ? null : encodeNumber(this.lastTsMs),
      signals: [...this.trackers].map(([name, t]) => ({
        name,
        cumPnl: encodeNumber(this.cumPnl.get(name)!),
        tracker: t.getState(),
      })),
    };
  }

  /**
   * Restore from {@link getState} output into a tracker built with the same options (else use
   * {@link PerSignalSharpeTracker.fromState}); throws naming the bad field and leaves this unchanged.
   */
  setState(state: PerSignalSharpeTrackerState, where = "PerSignalSharpeTracker state"): void {
    const r = readVersioned(state, where);
    const c = readRecord(r["config"], `${where}.config`);
    requireSameConfig(
      where,
      "config.capitalBase",
      this.options.capitalBase,
      readNumber(c, "capitalBase", `${where}.config`),
    );
    requireSameConfig(
      where,
      "config.maxSignals",
      this.maxSignals,
      readInt(c, "maxSignals", `${where}.config`, 1),
    );
    const mine = encodeSharpeConfig(resolveSharpeOptions(this.options));
    const theirs = encodeSharpeConfig(decodeSharpeConfig(c["tracker"], `${where}.config.tracker`));
    requireSameConfig(where, "config.tracker", mine, theirs);
    const startTsMs = readNullableNumber(r, "startTsMs", where);
    const lastTsMs = readNullableNumber(r, "lastTsMs", where);
    const trackers = new Map<string, SharpeTracker>();
    const cumPnl = new Map<string, number>();
    readArray(r, "signals", where, this.maxSignals).forEach((v, i) => {
      const at = `${where}.signals[${i}]`;
      const e = readRecord(v, at);
      const name = readString(e, "name", at);
      if (trackers.has(name)) throw new Error(`${at}.name: duplicate signal "${name}"`);
      const t = new SharpeTracker(this.options);
      t.setState(e["tracker"] as SharpeTrackerState, `${at}.tracker`);
      trackers.set(name, t);
      cumPnl.set(name, readNumber(e, "cumPnl", at));
    });
    this.trackers.clear();
    this.cumPnl.clear();
    for (const [name, t] of trackers) this.trackers.set(name, t);
    for (const [name, p] of cumPnl) this.cumPnl.set(name, p);
    this.startTsMs = startTsMs;
    this.lastTsMs = lastTsMs;
  }

  /** A new tracker built with the checkpoint's own options and restored from it. */
  static fromState(
    state: PerSignalSharpeTrackerState,
    where = "PerSignalSharpeTracker state",
  ): PerSignalSharpeTracker {
    const c = readRecord(readVersioned(state, where)["config"], `${where}.config`);
    const cfg = decodeSharpeConfig(c["tracker"], `${where}.config.tracker`);
    const t = new PerSignalSharpeTracker({
      ...cfg,
      capitalBase: readNumber(c, "capitalBase", `${where}.config`),
      maxSignals: readInt(c, "maxSignals", `${where}.config`, 1),
    });
    t.setState(state, where);
    return t;
  }
}
