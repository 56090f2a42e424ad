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
import { decodeAttributorState, readAttributorOptions } from "./attribution-decode.js";
import {
  type CycleEntry,
  encodeCycles,
  type Layout,
  type SignalPnLAttributorState,
  type SignalPnLAttributorStateV2,
} from "./attribution-state.js";
import { encodeNumber } from "./checkpoint.js";
import { type OverlapGroup, OverlapWelch } from "./overlap-welch.js";
import { RecentByTime } from "./recent-by-time.js";
import { SCHEMA_VERSION, type SignalPnlRecord, type SignalPnlStats, tsMsToNs } from "./records.js";
import {
  adjustmentMagnitudeBps,
  type CycleContributions,
  type SignalContribution,
} from "./signal-contribution.js";
import { type SignalSums, signalPnlStats } from "./signal-sums.js";
import { RunningMoments, RunningRegression } from "./stats.js";

export type {
  OverlapRecentState,
  SignalPnLAttributorState,
  SignalPnLAttributorStateV1,
  SignalPnLAttributorStateV2,
  SignalSumsState,
} from "./attribution-state.js";

/** Fills arriving up to this long out of time order still pair with every neighbour. */
const OVERLAP_LATE_MS = 60_000;

/** A fill kept for pairing: its shifted PnL and its group per signal index (0 active, 1 inactive, −1 absent). */
interface RecentFill {
  y: number;
  groups: Int8Array;
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
    return k === undefined ? null : signalPnlStats(this.sums[k]!, this.shift);
  }

  /** A `signal_pnl.jsonl` record at time nowMs. */
  summary(nowMs: number): SignalPnlRecord {
    const signals: Record<string, SignalPnlStats> = {};
    for (let k = 0; k < this.names.length; k++)
      signals[this.names[k]!] = signalPnlStats(this.sums[k]!, this.shift);
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
    const newestTsMs = this.recent?.newestTsMs ?? Number.NEGATIVE_INFINITY;
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
        // null before the first fill (not "NaN"/"-Infinity": a checkpoint of a run without fills
        // would read as a numeric failure to anyone grepping the outputs)
        shift: this.shiftSet ? encodeNumber(this.shift) : null,
        newestTsMs: newestTsMs > Number.NEGATIVE_INFINITY ? encodeNumber(newestTsMs) : null,
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
    const { index, names, sums, recent, cycles, nFills, nAttributed, evicted } = decodeAttributorState(
      state,
      where,
      this.maxCycles,
      this.bandwidthMs,
    );
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

  /** A new attributor built with the checkpoint's own options and restored from it. */
  static fromState(
    state: SignalPnLAttributorState,
    where = "SignalPnLAttributor state",
  ): SignalPnLAttributor {
    const { maxCycles, bandwidthMs: bw } = readAttributorOptions(state, where);
    const a = new SignalPnLAttributor(bw === null ? { maxCycles } : { maxCycles, overlapBandwidthMs: bw });
    a.setState(state, where);
    return a;
  }
}
