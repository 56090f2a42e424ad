/**
 * Signal PnL attribution: each fill's PnL is credited to the quote cycle that PLACED its order
 * (the cycle id carried on the order/fill), never to the latest cycle. Per signal we keep running
 * sums for fills whose placing cycle had the signal active vs inactive (Welch t-test on the
 * difference) and a running regression of PnL on the signal's adjustment magnitude.
 *
 * Memory: O(signals) running sums plus the contribution map of at most `maxCycles` recent cycles
 * (oldest evicted first; callers may also {@link SignalPnLAttributor.releaseCycle} a cycle once no
 * order it placed is still open).
 *
 * With `overlapBandwidthMs` and fill times, each signal also gets the Welch test with a standard
 * error robust to overlapping markouts ({@link OverlapWelch}; fills closer than the bandwidth are
 * paired with Bartlett weights), kept from the fills of the last bandwidth + 60 s.
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
  encodeNumber,
  readAnyVersion,
  readArray,
  readInt,
  readNullableNumber,
  readNumber,
  readNumberArray,
  readRecord,
  readString,
  requireSameConfig,
} from "./checkpoint.js";
import { type OverlapGroup, OverlapWelch, type OverlapWelchState } from "./overlap-welch.js";
import { RecentByTime } from "./recent-by-time.js";
import {
  type CycleEntry,
  encodeCycles,
  type Layout,
  readCyclesV1,
  readCyclesV2,
  type SignalPnLAttributorState,
  type SignalPnLAttributorStateV2,
} from "./attribution-state.js";

export type {
  OverlapRecentState,
  SignalPnLAttributorState,
  SignalPnLAttributorStateV1,
  SignalPnLAttributorStateV2,
  SignalSumsState,
} from "./attribution-state.js";
import {
  RunningMoments,
  type RunningMomentsState,
  RunningRegression,
  type RunningRegressionState,
  welchTTest,
} from "./stats.js";

/** Fills arriving up to this long out of time order still pair with every neighbour. */
const OVERLAP_LATE_MS = 60_000;

/** A fill kept for pairing: its shifted PnL and its group per signal index (0 active, 1 inactive, −1 absent). */
interface RecentFill {
  y: number;
  groups: Int8Array;
}

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
  overlap: OverlapWelch;
}

/** Options of {@link SignalPnLAttributor}. */
export interface SignalPnLAttributorOptions {
  /** Cycles whose contributions are retained (default 10 000; oldest evicted). */
  maxCycles?: number;
  /**
   * Markout dependence length, ms (e.g. 2 × the PnL's markout horizon): fills closer than this are
   * paired in the overlap-robust Welch test. Absent: every fill counts as independent.
   */
  overlapBandwidthMs?: number;
}

/** Attributes fill PnL (bps) to the signals of the quote cycle that placed the order. */
export class SignalPnLAttributor {
  private readonly cycles = new Map<number, CycleEntry>();
  /**
   * Eviction queue: cycle ids in insertion order with the sequence number they were inserted with;
   * a slot is stale once its cycle was released or recorded again. Finding the oldest cycle via
   * `cycles.keys().next()` would scan the deleted entries V8 keeps at the front of the Map
   * (≈8 µs per eviction at 10 000 cycles); the queue makes it amortized O(1).
   */
  private queueIds: number[] = [];
  private queueSeqs: number[] = [];
  private queueHead = 0;
  private seq = 0;
  /** Signal name → index into `names` / `sums` (first-seen order). */
  private readonly index = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly sums: SignalSums[] = [];
  /** Layout of the last recorded cycle (reused while the signal list does not change). */
  private lastLayout: Layout | null = null;
  private readonly maxCycles: number;
  private nFills = 0;
  private nAttributed = 0;
  /** Cycles dropped because `maxCycles` was exceeded. */
  evicted = 0;
  private bandwidthMs: number | null;
  /** PnL shift for the overlap sums (the first attributed fill's PnL). */
  private shift = 0;
  private shiftSet = false;
  /** Recent fills (shifted PnL, group per signal index, −1 absent) within reach of a later one; null without a bandwidth. */
  private recent: RecentByTime<RecentFill> | null = null;

  constructor(options: SignalPnLAttributorOptions = {}) {
    this.maxCycles = options.maxCycles ?? 10_000;
    if (!(this.maxCycles >= 1)) throw new Error(`SignalPnLAttributor: maxCycles must be >= 1`);
    const b = options.overlapBandwidthMs;
    if (b !== undefined && !(b > 0 && Number.isFinite(b))) {
      throw new Error(`SignalPnLAttributor: overlapBandwidthMs must be finite and > 0, got ${b}`);
    }
    this.bandwidthMs = b ?? null;
    if (b !== undefined) this.recent = new RecentByTime(b, OVERLAP_LATE_MS);
  }

  private signalIndex(name: string): number {
    let k = this.index.get(name);
    if (k === undefined) {
      k = this.names.length;
      this.index.set(name, k);
      this.names.push(name);
      this.sums.push({
        active: new RunningMoments(),
        inactive: new RunningMoments(),
        reg: new RunningRegression(),
        overlap: new OverlapWelch(),
      });
    }
    return k;
  }

  private layoutOf(cs: readonly SignalContribution[]): Layout {
    const last = this.lastLayout;
    if (last !== null && last.names.length === cs.length) {
      let same = true;
      for (let i = 0; i < cs.length; i++) {
        if (last.names[i] !== cs[i]!.signal_name) {
          same = false;
          break;
        }
      }
      if (same) return last;
    }
    const layout: Layout = { sig: [], names: [] };
    for (let i = 0; i < cs.length; i++) {
      const name = cs[i]!.signal_name;
      layout.sig.push(this.signalIndex(name));
      layout.names.push(name);
    }
    this.lastLayout = layout;
    return layout;
  }

  /**
   * Set the overlap bandwidth before the first fill with a time is recorded (e.g. once a reader
   * learns the PnL's markout horizon from the first record); throws afterwards.
   */
  setOverlapBandwidthMs(ms: number): void {
    if (!(ms > 0 && Number.isFinite(ms)))
      throw new Error(`SignalPnLAttributor: overlapBandwidthMs must be finite and > 0, got ${ms}`);
    if (
      this.recent !== null &&
      this.recent.newestTsMs !== Number.NEGATIVE_INFINITY &&
      ms !== this.bandwidthMs
    ) {
      throw new Error(
        "SignalPnLAttributor.setOverlapBandwidthMs: fills were already paired with another bandwidth",
      );
    }
    if (ms !== this.bandwidthMs) this.recent = new RecentByTime(ms, OVERLAP_LATE_MS);
    this.bandwidthMs = ms;
  }

  /** Remember one quote cycle's contributions (keyed by cycle_id). */
  recordCycle(cycle: CycleContributions): void {
    const cs = cycle.contributions;
    const layout = this.layoutOf(cs);
    const mag: number[] = [];
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      mag.push(c.was_active ? adjustmentMagnitudeBps(c) : -1);
    }
    const seq = ++this.seq;
    this.cycles.delete(cycle.cycle_id);
    this.cycles.set(cycle.cycle_id, { layout, mag, seq });
    this.queueIds.push(cycle.cycle_id);
    this.queueSeqs.push(seq);
    while (this.cycles.size > this.maxCycles) this.evictOldest();
    const queued = this.queueIds.length - this.queueHead;
    if (queued > 2 * this.cycles.size + 1024) this.rebuildQueue();
    else if (this.queueHead > 4096 && this.queueHead * 2 > this.queueIds.length) {
      this.queueIds = this.queueIds.slice(this.queueHead);
      this.queueSeqs = this.queueSeqs.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  /** Drop the oldest retained cycle (the first current slot of the queue). */
  private evictOldest(): void {
    while (this.queueHead < this.queueIds.length) {
      const id = this.queueIds[this.queueHead]!;
      const seq = this.queueSeqs[this.queueHead]!;
      this.queueHead++;
      const e = this.cycles.get(id);
      if (e !== undefined && e.seq === seq) {
        this.cycles.delete(id);
        this.evicted += 1;
        return;
      }
    }
    throw new Error("SignalPnLAttributor: eviction queue out of sync"); // unreachable
  }

  /** Rebuild the queue from the Map's insertion order (drops stale slots). */
  private rebuildQueue(): void {
    this.queueIds = [];
    this.queueSeqs = [];
    this.queueHead = 0;
    for (const [id, e] of this.cycles) {
      this.queueIds.push(id);
      this.queueSeqs.push(e.seq);
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
  recordFill(cycleId: number | null, pnlBps: number, tsMs?: number): boolean {
    if (!Number.isFinite(pnlBps))
      throw new Error(`SignalPnLAttributor.recordFill: pnlBps not finite (${pnlBps})`);
    if (tsMs !== undefined && !Number.isFinite(tsMs))
      throw new Error(`SignalPnLAttributor.recordFill: tsMs not finite (${tsMs})`);
    this.nFills += 1;
    if (cycleId === null) return false;
    const entry = this.cycles.get(cycleId);
    if (entry === undefined) return false;
    this.nAttributed += 1;
    const sig = entry.layout.sig;
    const mag = entry.mag;
    for (let i = 0; i < sig.length; i++) {
      const s = this.sums[sig[i]!]!;
      const m = mag[i]!;
      if (m < 0) {
        s.inactive.push(pnlBps);
        s.reg.push(0, pnlBps);
      } else {
        s.active.push(pnlBps);
        s.reg.push(m, pnlBps);
      }
    }
    if (this.recent !== null && tsMs !== undefined) this.pairWithRecent(this.recent, tsMs, pnlBps, entry);
    return true;
  }

  /** Pair a fill with the recent ones within the bandwidth (each signal where both have a group), then keep it. */
  private pairWithRecent(
    recent: RecentByTime<RecentFill>,
    tsMs: number,
    pnlBps: number,
    entry: CycleEntry,
  ): void {
    if (!this.shiftSet) {
      this.shift = pnlBps;
      this.shiftSet = true;
    }
    const y = pnlBps - this.shift;
    const groups = new Int8Array(this.names.length).fill(-1);
    for (let i = 0; i < entry.layout.sig.length; i++)
      groups[entry.layout.sig[i]!] = entry.mag[i]! < 0 ? 1 : 0;
    recent.forEachWithin(tsMs, (w, other) => {
      const n = Math.min(groups.length, other.groups.length);
      for (let k = 0; k < n; k++) {
        const g = groups[k]!;
        const h = other.groups[k]!;
        if (g >= 0 && h >= 0)
          this.sums[k]!.overlap.addPair(g as OverlapGroup, y, h as OverlapGroup, other.y, w);
      }
    });
    recent.add(tsMs, { y, groups });
  }

  /** Active names of a retained cycle (for the per-signal Sharpe tracker); null if unknown. */
  activeSignals(cycleId: number): string[] | null {
    const e = this.cycles.get(cycleId);
    if (e === undefined) return null;
    const out: string[] = [];
    for (let i = 0; i < e.mag.length; i++) if (!(e.mag[i]! < 0)) out.push(e.layout.names[i]!);
    return out;
  }

  /** Statistics of one signal (null if never seen). */
  stats(name: string): SignalPnlStats | null {
    const k = this.index.get(name);
    return k === undefined ? null : this.statsOf(this.sums[k]!);
  }

  private statsOf(s: SignalSums): SignalPnlStats {
    const ma = s.active.mean();
    const mi = s.inactive.mean();
    const va = s.active.variance();
    const vi = s.inactive.variance();
    const w =
      ma !== null && mi !== null && va !== null && vi !== null
        ? welchTTest(s.active.n, ma, va, s.inactive.n, mi, vi, "two-sided")
        : null;
    const slope = s.reg.slope();
    const mom = (m: RunningMoments) => ({ n: m.n, mean: m.mean() ?? 0, m2: m.m2Sum() });
    const o = s.overlap.test(mom(s.active), mom(s.inactive), this.shift, "two-sided");
    return {
      active_pnl_bps: ma,
      inactive_pnl_bps: mi,
      marginal_value_bps: ma !== null && mi !== null ? ma - mi : null,
      n_active: s.active.n,
      n_inactive: s.inactive.n,
      t_stat: w ? w.t : null,
      df: w ? w.df : null,
      p_value: w ? w.p : null,
      t_stat_overlap: o ? o.t : null,
      df_overlap: o ? o.df : null,
      p_value_overlap: o ? o.p : null,
      slope_bps_per_bps: slope ? slope.slope : null,
      slope_se: slope ? slope.se : null,
      slope_n: s.reg.n,
    };
  }

  /** A `signal_pnl.jsonl` record at time nowMs. */
  summary(nowMs: number): SignalPnlRecord {
    const signals: Record<string, SignalPnlStats> = {};
    for (let k = 0; k < this.names.length; k++) signals[this.names[k]!] = this.statsOf(this.sums[k]!);
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

  /**
   * JSON-safe checkpoint (version 2): per-signal sums and the retained cycles by column (see
   * {@link SignalPnLAttributorStateV2}); eviction order preserved. Bounded by `maxCycles`.
   */
  getState(): SignalPnLAttributorStateV2 {
    const kept = this.recent?.kept() ?? { ts: [], items: [] };
    return {
      version: 2,
      config: { maxCycles: encodeNumber(this.maxCycles) },
      signals: this.names.map((name, k) => ({
        name,
        active: this.sums[k]!.active.getState(),
        inactive: this.sums[k]!.inactive.getState(),
        regression: this.sums[k]!.reg.getState(),
        overlap: this.sums[k]!.overlap.getState(),
      })),
      cycles: encodeCycles(this.cycles),
      nFills: this.nFills,
      nAttributed: this.nAttributed,
      evicted: this.evicted,
      overlap: {
        bandwidthMs: this.bandwidthMs === null ? null : encodeNumber(this.bandwidthMs),
        shift: encodeNumber(this.shiftSet ? this.shift : Number.NaN),
        newestTsMs: encodeNumber(this.recent?.newestTsMs ?? Number.NEGATIVE_INFINITY),
        ts: kept.ts.map(encodeNumber),
        y: kept.items.map((f) => encodeNumber(f.y)),
        groups: kept.items.map((f) => Array.from(f.groups)),
      },
    };
  }

  /**
   * Restore from {@link getState} output (version 2, or a version-1 checkpoint) into an attributor
   * built with the same options (else use {@link SignalPnLAttributor.fromState}); throws naming the
   * bad field and leaves this unchanged.
   */
  setState(state: SignalPnLAttributorState, where = "SignalPnLAttributor state"): void {
    const { r, version } = readAnyVersion(state, where, [1, 2]);
    const cw = `${where}.config`;
    requireSameConfig(
      where,
      "config.maxCycles",
      this.maxCycles,
      readNumber(readRecord(r["config"], cw), "maxCycles", cw),
    );
    const index = new Map<string, number>();
    const names: string[] = [];
    const sums: SignalSums[] = [];
    let legacyOverlap = false;
    readArray(r, "signals", where).forEach((v, i) => {
      const at = `${where}.signals[${i}]`;
      const e = readRecord(v, at);
      const name = readString(e, "name", at);
      if (index.has(name)) throw new Error(`${at}.name: duplicate signal "${name}"`);
      index.set(name, names.length);
      names.push(name);
      const active = RunningMoments.fromState(e["active"] as RunningMomentsState, `${at}.active`);
      const inactive = RunningMoments.fromState(e["inactive"] as RunningMomentsState, `${at}.inactive`);
      // an older checkpoint has no pair sums: its fills count as independent
      const overlap = new OverlapWelch();
      if (e["overlap"] === undefined) legacyOverlap = true;
      else overlap.setState(e["overlap"] as OverlapWelchState, `${at}.overlap`);
      sums.push({
        active,
        inactive,
        reg: RunningRegression.fromState(e["regression"] as RunningRegressionState, `${at}.regression`),
        overlap,
      });
    });
    const recent = this.readOverlapRecent(r, where, names.length, legacyOverlap);
    const cycles =
      version === 2
        ? readCyclesV2(readRecord(r["cycles"], `${where}.cycles`), `${where}.cycles`, names, this.maxCycles)
        : readCyclesV1(r, where, index, this.maxCycles);
    const nFills = readInt(r, "nFills", where);
    const nAttributed = readInt(r, "nAttributed", where);
    if (nAttributed > nFills)
      throw new Error(`${where}.nAttributed: ${nAttributed} exceeds nFills ${nFills}`);
    const evicted = readInt(r, "evicted", where);
    this.cycles.clear();
    let last: Layout | null = null;
    this.seq = 0;
    for (const [k, e] of cycles) {
      e.seq = ++this.seq;
      this.cycles.set(k, e);
      last = e.layout;
    }
    this.rebuildQueue();
    this.index.clear();
    for (const [k, i] of index) this.index.set(k, i);
    this.names.length = 0;
    this.names.push(...names);
    this.sums.length = 0;
    this.sums.push(...sums);
    this.lastLayout = last;
    this.nFills = nFills;
    this.nAttributed = nAttributed;
    this.evicted = evicted;
    this.shift = recent.shift;
    this.shiftSet = recent.shiftSet;
    if (this.recent !== null) {
      this.recent.restore(
        recent.ts,
        recent.y.map((y, k) => ({ y, groups: recent.groups[k]! })),
        recent.newestTsMs,
      );
    }
  }

  private readOverlapRecent(
    r: Record<string, unknown>,
    where: string,
    nSignals: number,
    legacy: boolean,
  ): {
    shift: number;
    shiftSet: boolean;
    newestTsMs: number;
    ts: number[];
    y: number[];
    groups: Int8Array[];
  } {
    const raw = r["overlap"];
    if (raw === undefined || legacy) {
      return { shift: 0, shiftSet: false, newestTsMs: Number.NEGATIVE_INFINITY, ts: [], y: [], groups: [] };
    }
    const at = `${where}.overlap`;
    const o = readRecord(raw, at);
    const bw = readNullableNumber(o, "bandwidthMs", at);
    requireSameConfig(where, "overlap.bandwidthMs", this.bandwidthMs, bw);
    const shift = readNumber(o, "shift", at);
    const ts = readNumberArray(o, "ts", at);
    const y = readNumberArray(o, "y", at, ts.length);
    const groups = readArray(o, "groups", at).map((g, i) => {
      if (!Array.isArray(g) || g.length > nSignals || g.some((x) => x !== -1 && x !== 0 && x !== 1)) {
        throw new Error(`${at}.groups[${i}]: expected at most ${nSignals} entries of -1, 0 or 1`);
      }
      return Int8Array.from(g as number[]);
    });
    if (groups.length !== ts.length) throw new Error(`${at}.groups: expected ${ts.length} entries`);
    return {
      shift: Number.isNaN(shift) ? 0 : shift,
      shiftSet: !Number.isNaN(shift),
      newestTsMs: readNumber(o, "newestTsMs", at),
      ts,
      y,
      groups,
    };
  }

  /** A new attributor built with the checkpoint's own options and restored from it. */
  static fromState(
    state: SignalPnLAttributorState,
    where = "SignalPnLAttributor state",
  ): SignalPnLAttributor {
    const cw = `${where}.config`;
    const maxCycles = readNumber(
      readRecord(readAnyVersion(state, where, [1, 2]).r["config"], cw),
      "maxCycles",
      cw,
    );
    const ov = readAnyVersion(state, where, [1, 2]).r["overlap"];
    const bw =
      ov === undefined
        ? null
        : readNullableNumber(readRecord(ov, `${where}.overlap`), "bandwidthMs", `${where}.overlap`);
    const a = new SignalPnLAttributor(bw === null ? { maxCycles } : { maxCycles, overlapBandwidthMs: bw });
    a.setState(state, where);
    return a;
  }
}
