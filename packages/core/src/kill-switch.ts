/**
 * Kill switch: the trading-state machine ACTIVE → REDUCE_ONLY → HALTED that fails closed.
 *
 * Triggers, evaluated on every `update`:
 * - drawdown from peak equity ≥ haltDrawdownFrac → halted (sticky); ≥ reduceOnlyDrawdownFrac → reduceOnly
 *   until the drawdown is back below reduceOnlyDrawdownFrac × drawdownRecoveryRatio (hysteresis);
 * - |inventory| > maxPositionBase (beyond floating-point summation noise, 1e-9 relative) → reduceOnly;
 * - market data older than staleDataMs → staleAction ("reduceOnly" by default, or "halted");
 * - in a drawdown reduce-only with a flat position → flatDrawdownAction ("halted" by default: a
 *   flat book's equity cannot recover the drawdown, so reduce-only would idle for good);
 * - any NaN/Infinity input, non-positive equity, or an exception in the computation → halted.
 * Equity is the caller's mark-to-market account value: cash (already net of every fee paid) plus
 * inventory × mid (see `markToMarketEquity`). ReduceOnly conditions are re-evaluated each update and
 * recover to active by themselves once none holds; halted is sticky until `reset(tsMs, reason)`.
 */
import { type KillSwitchConfig, type KillSwitchConfigInput, parseKillSwitchConfig } from "./config.js";

/** Trading state: quote both sides, quote only the reducing side, or quote nothing. */
export type RiskState = "active" | "reduceOnly" | "halted";

/** One state change with its cause. */
export interface RiskTransition {
  tsMs: number;
  from: RiskState;
  to: RiskState;
  reason: string;
}

/** What the kill switch observes each cycle. */
export interface RiskObservation {
  /** Observation time (ms, the run's clock). */
  tsMs: number;
  /** Mark-to-market equity in quote currency: cash net of fees + inventory × mid. */
  equityQuote: number;
  /** Current inventory in base units. */
  inventoryBase: number;
  /** Time of the latest market-data update (ms, same clock as tsMs); ≤ 0 = none received yet. */
  lastMarketDataTsMs: number;
}

/** Serializable kill-switch state (for checkpoints). */
export interface KillSwitchSnapshot {
  state: RiskState;
  reason: string;
  peakEquityQuote: number;
  lastDrawdownFrac: number;
  /** Whether the drawdown reduce-only is latched (absent in older snapshots: derived from the last drawdown). */
  drawdownLatched?: boolean;
  transitions: RiskTransition[];
}

const SEVERITY: Record<RiskState, number> = { active: 0, reduceOnly: 1, halted: 2 };

/** Mark-to-market equity: cash (net of all fees paid) + inventory × mid, in quote currency. */
export function markToMarketEquity(cashQuote: number, inventoryBase: number, midPrice: number): number {
  return cashQuote + inventoryBase * midPrice;
}

/** The trading-state machine; see the module doc for triggers and stickiness. */
export class KillSwitch {
  readonly config: KillSwitchConfig;
  private current: RiskState = "active";
  private currentReason = "initial";
  private peakEquity = Number.NaN;
  private lastDrawdown = 0;
  /** The drawdown reduce-only is on (entered at the soft level, left below the recovery level). */
  private drawdownLatched = false;
  private log: RiskTransition[] = [];

  /** Create a kill switch (config defaults filled in; throws on an invalid config). */
  constructor(config: KillSwitchConfigInput = {}) {
    this.config = parseKillSwitchConfig(config);
  }

  /** Current state. */
  state(): RiskState {
    return this.current;
  }

  /** Reason for the current state. */
  reason(): string {
    return this.currentReason;
  }

  /** Highest equity seen (NaN before the first observation). */
  peakEquityQuote(): number {
    return this.peakEquity;
  }

  /** Drawdown from peak at the last observation, as a fraction of the peak. */
  drawdownFrac(): number {
    return this.lastDrawdown;
  }

  /** Transition log, oldest first (bounded by config.maxLogEntries). */
  transitions(): readonly RiskTransition[] {
    return this.log;
  }

  /** Evaluate every trigger on one observation and return the new state. Never throws: errors halt. */
  update(obs: RiskObservation): RiskState {
    let tsMs = Number.NaN;
    try {
      tsMs = obs.tsMs;
      const { state, reason } = this.evaluate(obs);
      this.moveTo(tsMs, state, reason);
    } catch (err) {
      this.moveTo(
        tsMs,
        "halted",
        `risk computation failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    return this.current;
  }

  /** Report an exception elsewhere in the quote cycle: fail closed (halted). */
  recordError(tsMs: number, error: unknown): RiskState {
    this.moveTo(tsMs, "halted", `error: ${error instanceof Error ? error.message : String(error)}`);
    return this.current;
  }

  /** Force halted (e.g. an operator stop or a quote-engine fault). */
  halt(tsMs: number, reason: string): RiskState {
    this.moveTo(tsMs, "halted", reason);
    return this.current;
  }

  /** Leave halted (or any state) explicitly; the peak equity restarts from the next observation. */
  reset(tsMs: number, reason: string): RiskState {
    if (reason.trim() === "") throw new Error("KillSwitch.reset: reason must be a non-empty string");
    this.peakEquity = Number.NaN;
    this.lastDrawdown = 0;
    this.drawdownLatched = false;
    this.forceTo(tsMs, "active", `reset: ${reason}`);
    return this.current;
  }

  /** Serializable state for checkpoints. */
  toJSON(): KillSwitchSnapshot {
    return {
      state: this.current,
      reason: this.currentReason,
      peakEquityQuote: this.peakEquity,
      lastDrawdownFrac: this.lastDrawdown,
      drawdownLatched: this.drawdownLatched,
      transitions: this.log.map((t) => ({ ...t })),
    };
  }

  /** Restore from a `toJSON()` snapshot. */
  static fromJSON(config: KillSwitchConfigInput, snap: KillSwitchSnapshot): KillSwitch {
    if (!(snap.state in SEVERITY))
      throw new Error(`KillSwitch.fromJSON: unknown state ${String(snap.state)}`);
    const ks = new KillSwitch(config);
    ks.current = snap.state;
    ks.currentReason = snap.reason;
    // JSON turns NaN into null: treat a missing peak as "no observation yet".
    ks.peakEquity = typeof snap.peakEquityQuote === "number" ? snap.peakEquityQuote : Number.NaN;
    ks.lastDrawdown = typeof snap.lastDrawdownFrac === "number" ? snap.lastDrawdownFrac : 0;
    ks.drawdownLatched = snap.drawdownLatched ?? ks.lastDrawdown >= ks.config.reduceOnlyDrawdownFrac;
    ks.log = snap.transitions.slice(-ks.config.maxLogEntries).map((t) => ({ ...t }));
    return ks;
  }

  private evaluate(obs: RiskObservation): { state: RiskState; reason: string } {
    const c = this.config;
    for (const [name, v] of [
      ["tsMs", obs.tsMs],
      ["equityQuote", obs.equityQuote],
      ["inventoryBase", obs.inventoryBase],
      ["lastMarketDataTsMs", obs.lastMarketDataTsMs],
    ] as const) {
      if (typeof v !== "number" || !Number.isFinite(v))
        return { state: "halted", reason: `non-finite ${name}: ${v}` };
    }
    if (obs.equityQuote <= 0) return { state: "halted", reason: `equity ${obs.equityQuote} ≤ 0` };
    if (!(this.peakEquity >= obs.equityQuote)) this.peakEquity = obs.equityQuote;
    const dd = (this.peakEquity - obs.equityQuote) / this.peakEquity;
    if (!Number.isFinite(dd))
      return { state: "halted", reason: `drawdown not computable (peak ${this.peakEquity})` };
    this.lastDrawdown = dd;
    // Two decimals, or three significant digits below 1 % (a 0.05 % halt level is 0.0500 %, not 0.05 %).
    const pct = (x: number): string => {
      const v = x * 100;
      return `${Math.abs(v) >= 1 || v === 0 ? v.toFixed(2) : v.toPrecision(3)}%`;
    };
    if (dd >= c.haltDrawdownFrac) {
      return {
        state: "halted",
        reason: `drawdown ${pct(dd)} ≥ halt level ${pct(c.haltDrawdownFrac)} (equity ${obs.equityQuote}, peak ${this.peakEquity})`,
      };
    }
    const ageMs = obs.tsMs - obs.lastMarketDataTsMs;
    // lastMarketDataTsMs ≤ 0 means none yet: say so instead of an age measured from 1970.
    const staleWhy =
      obs.lastMarketDataTsMs <= 0
        ? "no market data yet"
        : `stale market data: ${ageMs} ms > ${c.staleDataMs} ms`;
    if (ageMs > c.staleDataMs && c.staleAction === "halted") return { state: "halted", reason: staleWhy };
    const reasons: string[] = [];
    const recoverBelow = c.reduceOnlyDrawdownFrac * c.drawdownRecoveryRatio;
    if (dd >= c.reduceOnlyDrawdownFrac) this.drawdownLatched = true;
    else if (dd < recoverBelow) this.drawdownLatched = false;
    if (dd >= c.reduceOnlyDrawdownFrac)
      reasons.push(`drawdown ${pct(dd)} ≥ reduce-only level ${pct(c.reduceOnlyDrawdownFrac)}`);
    else if (this.drawdownLatched)
      reasons.push(`drawdown ${pct(dd)} not yet below the recovery level ${pct(recoverBelow)}`);
    // relative 1e-9 slack: a position of exactly the limit summed from fills (0.001 × 10 =
    // 0.010000000000000002) is not over it
    if (Math.abs(obs.inventoryBase) > c.maxPositionBase * (1 + 1e-9)) {
      reasons.push(`position ${qtyText(obs.inventoryBase)} over limit ±${qtyText(c.maxPositionBase)}`);
    }
    if (ageMs > c.staleDataMs) reasons.push(staleWhy);
    // Flat in a drawdown reduce-only: nothing left to reduce, and a flat book's equity cannot
    // recover the drawdown, so reduce-only would never end.
    if (
      this.drawdownLatched &&
      c.flatDrawdownAction === "halted" &&
      Math.abs(obs.inventoryBase) <= c.maxPositionBase * 1e-9
    ) {
      return {
        state: "halted",
        reason: `${reasons[0]} with a flat position: nothing left to reduce and the drawdown cannot recover`,
      };
    }
    if (reasons.length > 0) return { state: "reduceOnly", reason: reasons.join("; ") };
    return { state: "active", reason: "all checks passed" };
  }

  /** Apply a state change, respecting halted stickiness. */
  private moveTo(tsMs: number, to: RiskState, reason: string): void {
    if (this.current === "halted") return;
    this.forceTo(tsMs, to, reason);
  }

  private forceTo(tsMs: number, to: RiskState, reason: string): void {
    if (to === this.current) {
      this.currentReason = reason;
      return;
    }
    this.log.push({ tsMs, from: this.current, to, reason });
    if (this.log.length > this.config.maxLogEntries)
      this.log.splice(0, this.log.length - this.config.maxLogEntries);
    this.current = to;
    this.currentReason = reason;
  }
}

/** Whether `a` restricts trading at least as much as `b`. */
export function isAtLeastAsStrict(a: RiskState, b: RiskState): boolean {
  return SEVERITY[a] >= SEVERITY[b];
}

/** A quantity for a message: 12 significant digits, so summation noise (0.30000000000000004) does not show. */
function qtyText(x: number): string {
  return String(Number(x.toPrecision(12)));
}
