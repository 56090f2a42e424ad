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
  /** Signal name → index into the parallel arrays below (registration order). */
  private readonly index = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly trackers: SharpeTracker[] = [];
  /** Cumulative PnL (quote currency) per signal. */
  private readonly cumPnl: number[] = [];
  private readonly options: PerSignalSharpeOptions;
  private readonly capitalBase: number;
  private readonly maxSignals: number;
  private startTsMs: number | null = null;
  private lastTsMs: number | null = null;

  constructor(options: PerSignalSharpeOptions) {
    if (!(options.capitalBase > 0)) {
      throw new Error(`PerSignalSharpeTracker: capitalBase must be > 0, got ${options.capitalBase}`);
    }
    this.options = { ...options, returnBasis: options.returnBasis ?? "starting_capital" };
    this.capitalBase = options.capitalBase;
    this.maxSignals = options.maxSignals ?? 64;
  }

  /** Start tracking a signal (also done implicitly by {@link recordFill}). */
  registerSignal(name: string, tsMs?: number): void {
    if (this.index.has(name)) return;
    this.addSignal(name, tsMs);
  }

  private addSignal(name: string, tsMs: number | undefined): number {
    if (this.trackers.length >= this.maxSignals) {
      throw new Error(
        `PerSignalSharpeTracker: more than maxSignals=${this.maxSignals} signals (adding "${name}")`,
      );
    }
    const t = new SharpeTracker(this.options);
    const start = this.startTsMs ?? tsMs;
    if (start !== undefined) {
      this.startTsMs ??= start;
      t.update(start, this.capitalBase);
      if (this.lastTsMs !== null) t.update(this.lastTsMs, this.capitalBase);
    }
    const k = this.trackers.length;
    this.index.set(name, k);
    this.names.push(name);
    this.trackers.push(t);
    this.cumPnl.push(0);
    return k;
  }

  /** Record one fill's PnL (quote currency) for every signal active in the cycle that placed it. */
  recordFill(tsMs: number, pnlQuote: number, activeSignals: Iterable<string>): void {
    if (!Number.isFinite(pnlQuote)) throw new Error(`PerSignalSharpeTracker.recordFill: pnl not finite`);
    this.startTsMs ??= tsMs;
    if (Array.isArray(activeSignals)) {
      for (let i = 0; i < activeSignals.length; i++) this.fillOne(activeSignals[i] as string, tsMs, pnlQuote);
    } else {
      for (const name of activeSignals) this.fillOne(name, tsMs, pnlQuote);
    }
    this.advanceTo(tsMs);
  }

  private fillOne(name: string, tsMs: number, pnlQuote: number): void {
    const k = this.index.get(name) ?? this.addSignal(name, tsMs);
    const cum = this.cumPnl[k]! + pnlQuote;
    this.cumPnl[k] = cum;
    const t = this.trackers[k]!;
    t.update(tsMs, this.capitalBase + cum);
    t.recordFill(pnlQuote);
  }

  /** Let time pass for every signal (closes buckets; no PnL change). */
  advanceTo(tsMs: number): void {
    this.startTsMs ??= tsMs;
    // Not forward: nothing to close (a fill stamped later already moved every tracker on).
    if (this.lastTsMs !== null && tsMs <= this.lastTsMs) return;
    this.lastTsMs = tsMs;
    const trackers = this.trackers;
    for (let k = 0; k < trackers.length; k++) trackers[k]!.update(tsMs, this.capitalBase + this.cumPnl[k]!);
  }

  /**
   * No market data from tsMs on: pause every signal's tracker (see `SharpeTracker.pause`); the next
   * {@link advanceTo} or fill resumes them, leaving the whole buckets between out.
   */
  pause(tsMs: number): void {
    const trackers = this.trackers;
    for (let k = 0; k < trackers.length; k++) trackers[k]!.pause(tsMs);
  }

  /** Names of the signals tracked. */
  signals(): string[] {
    return this.names.slice();
  }

  /** Summary of one signal (null if never seen); buckets closed up to `asOfMs` (see `SharpeTracker.summary`). */
  summary(name: string, nowMs: number, asOfMs = nowMs): SharpeSummary | null {
    const k = this.index.get(name);
    return k === undefined
      ? null
      : this.trackers[k]!.summary(nowMs, { scope: "signal", signalName: name, asOfMs });
  }

  /**
   * Summaries of all signals, keyed by name, stamped `nowMs`, buckets closed up to `asOfMs` (≤ nowMs):
   * a fill's PnL that is known only later (a markout) still lands in its own bucket.
   */
  summaries(nowMs: number, asOfMs = nowMs): Record<string, SharpeSummary> {
    const out: Record<string, SharpeSummary> = {};
    for (let k = 0; k < this.names.length; k++) {
      const name = this.names[k]!;
      out[name] = this.trackers[k]!.summary(nowMs, { scope: "signal", signalName: name, asOfMs });
    }
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
      signals: this.names.map((name, k) => ({
        name,
        cumPnl: encodeNumber(this.cumPnl[k]!),
        tracker: this.trackers[k]!.getState(),
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
    this.index.clear();
    this.names.length = 0;
    this.trackers.length = 0;
    this.cumPnl.length = 0;
    for (const [name, t] of trackers) {
      this.index.set(name, this.names.length);
      this.names.push(name);
      this.trackers.push(t);
      this.cumPnl.push(cumPnl.get(name)!);
    }
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
