/**
 * Signal PnL attribution: each fill's PnL is credited to the quote cycle that PLACED its order
 * (the cycle id carried on the order/fill), never to the latest cycle. Per signal we keep running
 * sums for fills whose placing cycle had the signal active vs inactive (Welch t-test on the
 * difference) and a running regression of PnL on the signal's adjustment magnitude.
 *
 * Memory: O(signals) running sums plus the contribution map of at most `maxCycles` recent cycles
 * (oldest evicted first; callers may also {@link SignalPnLAttributor.releaseCycle} a cycle once no
 * order it placed is still open).
 */
import {
  SCHEMA_VERSION,
  type SignalContributionRecord,
  type SignalContributionsRecord,
  type SignalPnlRecord,
  type SignalPnlStats,
  tsMsToNs,
} from "./records.js";
import {
  type EncodedNumber,
  encodeNumber,
  encodeNumbers,
  readArray,
  readBooleanArray,
  readInt,
  readNumber,
  readNumberArray,
  readRecord,
  readString,
  readStringArray,
  readVersioned,
  requireSameConfig,
} from "./checkpoint.js";
import {
  RunningMoments,
  type RunningMomentsState,
  RunningRegression,
  type RunningRegressionState,
  welchTTest,
} from "./stats.js";

/** One signal's contribution to one quote cycle (the `signal_contributions.jsonl` element shape). */
export type SignalContribution = SignalContributionRecord;

/** All contributions of one quote cycle (one `signal_contributions.jsonl` record). */
export type CycleContributions = SignalContributionsRecord;

/** Structural shape of a signal adjustment (matches @mmkit/core's SignalAdjustment; no import). */
export interface SignalAdjustmentLike {
  name: string;
  spreadAdjBps: number;
  skewAdjBps: number;
  active: boolean;
  confidence: number;
  rawValue: number;
  kappaMult?: number;
  gammaMult?: number;
  bidExtraBps?: number;
  askExtraBps?: number;
  pullBid?: boolean;
  pullAsk?: boolean;
  note?: string;
}

/** Convert a core-style signal adjustment to a {@link SignalContribution} record element. */
export function toSignalContribution(adj: SignalAdjustmentLike): SignalContribution {
  const out: SignalContribution = {
    signal_name: adj.name,
    spread_adjustment_bps: adj.spreadAdjBps,
    skew_adjustment_bps: adj.skewAdjBps,
    was_active: adj.active,
    gating_weight: adj.confidence,
    raw_value: adj.rawValue,
  };
  if (adj.kappaMult !== undefined) out.kappa_mult = adj.kappaMult;
  if (adj.gammaMult !== undefined) out.gamma_mult = adj.gammaMult;
  if (adj.bidExtraBps !== undefined) out.bid_extra_bps = adj.bidExtraBps;
  if (adj.askExtraBps !== undefined) out.ask_extra_bps = adj.askExtraBps;
  if (adj.pullBid !== undefined) out.pull_bid = adj.pullBid;
  if (adj.pullAsk !== undefined) out.pull_ask = adj.pullAsk;
  if (adj.note !== undefined) out.note = adj.note;
  return out;
}

/** Adjustment magnitude used in the regression: |spread adj| + |skew adj|, bps. */
export function adjustmentMagnitudeBps(c: SignalContribution): number {
  return Math.abs(c.spread_adjustment_bps) + Math.abs(c.skew_adjustment_bps);
}

interface SignalSums {
  active: RunningMoments;
  inactive: RunningMoments;
  reg: RunningRegression;
}

interface CycleEntry {
  names: string[];
  active: boolean[];
  magnitudeBps: number[];
}

/** Options of {@link SignalPnLAttributor}. */
export interface SignalPnLAttributorOptions {
  /** Cycles whose contributions are retained (default 10 000; oldest evicted). */
  maxCycles?: number;
}

/** Checkpoint of a {@link SignalPnLAttributor}; `cycles` (oldest first) and `signals` keep insertion order. */
export interface SignalPnLAttributorState {
  version: 1;
  config: { maxCycles: EncodedNumber };
  cycles: { cycleId: EncodedNumber; names: string[]; active: boolean[]; magnitudeBps: EncodedNumber[] }[];
  signals: {
    name: string;
    active: RunningMomentsState;
    inactive: RunningMomentsState;
    regression: RunningRegressionState;
  }[];
  nFills: number;
  nAttributed: number;
  evicted: number;
}

/** Attributes fill PnL (bps) to the signals of the quote cycle that placed the order. */
export class SignalPnLAttributor {
  private readonly cycles = new Map<number, CycleEntry>();
  private readonly sums = new Map<string, SignalSums>();
  private readonly maxCycles: number;
  private nFills = 0;
  private nAttributed = 0;
  /** Cycles dropped because `maxCycles` was exceeded. */
  evicted = 0;

  constructor(options: SignalPnLAttributorOptions = {}) {
    this.maxCycles = options.maxCycles ?? 10_000;
    if (!(this.maxCycles >= 1)) throw new Error(`SignalPnLAttributor: maxCycles must be >= 1`);
  }

  /** Remember one quote cycle's contributions (keyed by cycle_id). */
  recordCycle(cycle: CycleContributions): void {
    const entry: CycleEntry = { names: [], active: [], magnitudeBps: [] };
    for (const c of cycle.contributions) {
      entry.names.push(c.signal_name);
      entry.active.push(c.was_active);
      entry.magnitudeBps.push(c.was_active ? adjustmentMagnitudeBps(c) : 0);
      if (!this.sums.has(c.signal_name)) {
        this.sums.set(c.signal_name, {
          active: new RunningMoments(),
          inactive: new RunningMoments(),
          reg: new RunningRegression(),
        });
      }
    }
    this.cycles.delete(cycle.cycle_id);
    this.cycles.set(cycle.cycle_id, entry);
    while (this.cycles.size > this.maxCycles) {
      const oldest = this.cycles.keys().next().value as number;
      this.cycles.delete(oldest);
      this.evicted += 1;
    }
  }

  /** Forget a cycle (e.g. once none of its orders is open any more). */
  releaseCycle(cycleId: number): void {
    this.cycles.delete(cycleId);
  }

  /** Number of cycles currently retained. */
  retainedCycles(): number {
    return this.cycles.size;
  }

  /**
   * Attribute one fill's PnL (bps of notional) to the cycle that placed it.
   * Returns false (counted as unattributed) when the cycle is unknown or was evicted.
   */
  recordFill(cycleId: number | null, pnlBps: number): boolean {
    if (!Number.isFinite(pnlBps))
      throw new Error(`SignalPnLAttributor.recordFill: pnlBps not finite (${pnlBps})`);
    this.nFills += 1;
    if (cycleId === null) return false;
    const entry = this.cycles.get(cycleId);
    if (!entry) return false;
    this.nAttributed += 1;
    for (let i = 0; i < entry.names.length; i++) {
      const s = this.sums.get(entry.names[i]!)!;
      if (entry.active[i]) s.active.push(pnlBps);
      else s.inactive.push(pnlBps);
      s.reg.push(entry.magnitudeBps[i]!, pnlBps);
    }
    return true;
  }

  /** Active names of a retained cycle (for the per-signal Sharpe tracker); null if unknown. */
  activeSignals(cycleId: number): string[] | null {
    const e = this.cycles.get(cycleId);
    if (!e) return null;
    return e.names.filter((_, i) => e.active[i]);
  }

  /** Statistics of one signal (null if never seen). */
  stats(name: string): SignalPnlStats | null {
    const s = this.sums.get(name);
    if (!s) return null;
    const ma = s.active.mean();
    const mi = s.inactive.mean();
    const va = s.active.variance();
    const vi = s.inactive.variance();
    const w =
      ma !== null && mi !== null && va !== null && vi !== null
        ? welchTTest(s.active.n, ma, va, s.inactive.n, mi, vi, "two-sided")
        : null;
    const slope = s.reg.slope();
    return {
      active_pnl_bps: ma,
      inactive_pnl_bps: mi,
      marginal_value_bps: ma !== null && mi !== null ? ma - mi : null,
      n_active: s.active.n,
      n_inactive: s.inactive.n,
      t_stat: w ? w.t : null,
      df: w ? w.df : null,
      p_value: w ? w.p : null,
      slope_bps_per_bps: slope ? slope.slope : null,
      slope_se: slope ? slope.se : null,
      slope_n: s.reg.n,
    };
  }

  /** A `signal_pnl.jsonl` record at time nowMs. */
  summary(nowMs: number): SignalPnlRecord {
    const signals: Record<string, SignalPnlStats> = {};
    for (const name of this.sums.keys()) signals[name] = this.stats(name)!;
    return {
      schema_version: SCHEMA_VERSION,
      ts_ms: nowMs,
      timestamp_ns: tsMsToNs(nowMs),
      n_fills: this.nFills,
      n_attributed: this.nAttributed,
      n_unattributed: this.nFills - this.nAttributed,
      signals,
    };
  }

  /** JSON-safe checkpoint: retained cycles (eviction order preserved) and per-signal sums. */
  getState(): SignalPnLAttributorState {
    return {
      version: 1,
      config: { maxCycles: encodeNumber(this.maxCycles) },
      cycles: [...this.cycles].map(([cycleId, e]) => ({
        cycleId: encodeNumber(cycleId),
        names: [...e.names],
        active: [...e.active],
        magnitudeBps: encodeNumbers(e.magnitudeBps),
      })),
      signals: [...this.sums].map(([name, s]) => ({
        name,
        active: s.active.getState(),
        inactive: s.inactive.getState(),
        regression: s.reg.getState(),
      })),
      nFills: this.nFills,
      nAttributed: this.nAttributed,
      evicted: this.evicted,
    };
  }

  /**
   * Restore from {@link getState} output into an attributor built with the same options (else use
   * {@link SignalPnLAttributor.fromState}); throws naming the bad field and leaves this unchanged.
   */
  setState(state: SignalPnLAttributorState, where = "SignalPnLAttributor state"): void {
    const r = readVersioned(state, where);
    const cw = `${where}.config`;
    requireSameConfig(
      where,
      "config.maxCycles",
      this.maxCycles,
      readNumber(readRecord(r["config"], cw), "maxCycles", cw),
    );
    const sums = new Map<string, SignalSums>();
    readArray(r, "signals", where).forEach((v, i) => {
      const at = `${where}.signals[${i}]`;
      const e = readRecord(v, at);
      const name = readString(e, "name", at);
      if (sums.has(name)) throw new Error(`${at}.name: duplicate signal "${name}"`);
      sums.set(name, {
        active: RunningMoments.fromState(e["active"] as RunningMomentsState, `${at}.active`),
        inactive: RunningMoments.fromState(e["inactive"] as RunningMomentsState, `${at}.inactive`),
        reg: RunningRegression.fromState(e["regression"] as RunningRegressionState, `${at}.regression`),
      });
    });
    const cycles = new Map<number, CycleEntry>();
    readArray(r, "cycles", where, this.maxCycles).forEach((v, i) => {
      const at = `${where}.cycles[${i}]`;
      const e = readRecord(v, at);
      const cycleId = readNumber(e, "cycleId", at);
      if (cycles.has(cycleId)) throw new Error(`${at}.cycleId: duplicate cycle ${cycleId}`);
      const names = readStringArray(e, "names", at);
      const active = readBooleanArray(e, "active", at, names.length);
      const magnitudeBps = readNumberArray(e, "magnitudeBps", at, names.length);
      for (const n of names) {
        if (!sums.has(n)) throw new Error(`${at}.names: signal "${n}" has no entry in ${where}.signals`);
      }
      cycles.set(cycleId, { names, active, magnitudeBps });
    });
    const nFills = readInt(r, "nFills", where);
    const nAttributed = readInt(r, "nAttributed", where);
    if (nAttributed > nFills)
      throw new Error(`${where}.nAttributed: ${nAttributed} exceeds nFills ${nFills}`);
    const evicted = readInt(r, "evicted", where);
    this.cycles.clear();
    for (const [k, e] of cycles) this.cycles.set(k, e);
    this.sums.clear();
    for (const [k, s] of sums) this.sums.set(k, s);
    this.nFills = nFills;
    this.nAttributed = nAttributed;
    this.evicted = evicted;
  }

  /** A new attributor built with the checkpoint's own options and restored from it. */
  static fromState(
    state: SignalPnLAttributorState,
    where = "SignalPnLAttributor state",
  ): SignalPnLAttributor {
    const cw = `${where}.config`;
    const maxCycles = readNumber(readRecord(readVersioned(state, where)["config"], cw), "maxCycles", cw);
    const a = new SignalPnLAttributor({ maxCycles });
    a.setState(state, where);
    return a;
  }
}
