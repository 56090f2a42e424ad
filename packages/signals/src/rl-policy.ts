/**
 * Tabular Q-learning spread policy. State = (inventory bucket, volatility bucket, regime, recent
 * markout bucket); actions = half-spread multipliers (default {0.8, 1, 1.25, 1.5}). Every
 * `decisionIntervalMs` the policy observes the state, learns from the last step's reward
 *   r = ΔPnL / notional · 1e4  −  inventoryPenaltyBps · inventoryFrac²     (bps of notional)
 * with Q(s,a) += α·(r + γ_d·max_a' Q(s',a') − Q(s,a)), then picks the next action ε-greedily with a
 * seeded Rng. The chosen multiplier becomes spreadAdjBps = (mult − 1)·baseHalfSpreadBps.
 * It is disabled (inactive, not learning) during warm-up.
 */
import { Rng, type SignalAdjustment } from "@mmkit/core";
import { z } from "zod";
import { inactive, makeAdjustment } from "./adjust.js";

/** Signal name of the RL spread policy. */
export const RL_SIGNAL_NAME = "RLSpread";

/** Configuration of the RL policy. */
export interface RlPolicyConfig {
  /** Half-spread multipliers (the action set). Default [0.8, 1, 1.25, 1.5]. */
  actions: number[];
  /** Edges of the inventory buckets, as signed fraction of the limit. Default [−0.6, −0.2, 0.2, 0.6]. */
  inventoryEdges: number[];
  /** Edges of the volatility buckets, σ / σ_reference. Default [0.7, 1.4]. */
  volEdges: number[];
  /** Number of regimes (regime index is clamped into range). Default 3. */
  numRegimes: number;
  /** Edges of the recent-markout buckets (adverse selection, bps). Default [−1, 1]. */
  markoutEdgesBps: number[];
  /** Time between decisions (ms). Default 5000. */
  decisionIntervalMs: number;
  /** Learning rate α. Default 0.1. */
  learningRate: number;
  /** Discount γ_d. Default 0.9. */
  discount: number;
  /** Exploration probability ε. Default 0.1. */
  epsilon: number;
  /** Inventory-risk penalty in bps of notional per unit of inventoryFrac² per decision. Default 1. */
  inventoryPenaltyBps: number;
  /** Seed of the exploration Rng. Default 7. */
  seed: number;
}

/** Default configuration. */
export const DEFAULT_RL_CONFIG: RlPolicyConfig = {
  actions: [0.8, 1, 1.25, 1.5],
  inventoryEdges: [-0.6, -0.2, 0.2, 0.6],
  volEdges: [0.7, 1.4],
  numRegimes: 3,
  markoutEdgesBps: [-1, 1],
  decisionIntervalMs: 5000,
  learningRate: 0.1,
  discount: 0.9,
  epsilon: 0.1,
  inventoryPenaltyBps: 1,
  seed: 7,
};

/** What the policy observes at a quote cycle. */
export interface RlObservation {
  tsMs: number;
  /** Signed inventory / position limit, in [−1, 1]. */
  inventoryFrac: number;
  /** Current σ / reference σ (1 = typical). */
  volRatio: number;
  /** Regime index (0 = calmest); use 1 when unknown. */
  regime: number;
  /** Recent average adverse selection of our fills (bps). */
  markoutBps: number;
  /** Cumulative mark-to-market PnL (quote currency). */
  pnlQuote: number;
  /** Notional used to express the reward in bps (quote currency, > 0). */
  notionalQuote: number;
}

/** Persisted Q-table file shape (zod-validated on load). */
export const QTableFileSchema = z.object({
  version: z.literal(1),
  actions: z.array(z.number().positive()).min(1),
  numStates: z.number().int().positive(),
  q: z.array(z.number()),
  visits: z.array(z.number().int().nonnegative()),
});

/** Serializable policy state. */
export interface RlPolicyState {
  q: number[];
  visits: number[];
  rng: [number, number, number, number];
  pending: { state: number; action: number; pnlQuote: number } | null;
  currentAction: number;
  nextDecisionMs: number | null;
  updates: number;
}

function bucket(x: number, edges: readonly number[]): number {
  let i = 0;
  while (i < edges.length && x >= edges[i]!) i++;
  return i;
}

/** Tabular Q-learning spread policy (signal `"RLSpread"`). */
export class RlSpreadPolicy {
  readonly config: RlPolicyConfig;
  /** Number of discrete states. */
  readonly numStates: number;
  private q: Float64Array;
  private visits: Uint32Array;
  private rng: Rng;
  private pending: { state: number; action: number; pnlQuote: number } | null = null;
  private currentAction: number;
  private readonly neutralAction: number;
  /** The adjustment note of each action (fixed strings, built once). */
  private readonly actionNotes: string[];
  private nextDecisionMs: number | null = null;
  /** Q updates performed. */
  updates = 0;

  /** Create a policy; unspecified fields take `DEFAULT_RL_CONFIG`. */
  constructor(config: Partial<RlPolicyConfig> = {}) {
    const c = { ...DEFAULT_RL_CONFIG, ...config };
    if (c.actions.length === 0 || c.actions.some((a) => !(a > 0)))
      throw new Error("rl: actions must be positive");
    if (!(c.learningRate > 0 && c.learningRate <= 1)) throw new Error("rl: learningRate must be in (0, 1]");
    if (!(c.discount >= 0 && c.discount < 1)) throw new Error("rl: discount must be in [0, 1)");
    if (!(c.epsilon >= 0 && c.epsilon <= 1)) throw new Error("rl: epsilon must be in [0, 1]");
    if (!(c.decisionIntervalMs > 0)) throw new Error("rl: decisionIntervalMs must be > 0");
    if (!(c.numRegimes >= 1)) throw new Error("rl: numRegimes must be >= 1");
    this.config = c;
    this.numStates =
      (c.inventoryEdges.length + 1) * (c.volEdges.length + 1) * c.numRegimes * (c.markoutEdgesBps.length + 1);
    this.q = new Float64Array(this.numStates * c.actions.length);
    this.visits = new Uint32Array(this.numStates * c.actions.length);
    this.rng = new Rng(c.seed);
    let neutral = 0;
    c.actions.forEach((a, i) => {
      if (Math.abs(a - 1) < Math.abs(c.actions[neutral]! - 1)) neutral = i;
    });
    this.neutralAction = neutral;
    this.currentAction = neutral;
    this.actionNotes = c.actions.map((m, i) => `rl mult=${m} a=${i}`);
  }

  /** Discrete state index of an observation. */
  encode(obs: RlObservation): number {
    const c = this.config;
    const inv = bucket(obs.inventoryFrac, c.inventoryEdges);
    const vol = bucket(obs.volRatio, c.volEdges);
    const reg = Math.min(c.numRegimes - 1, Math.max(0, Math.round(obs.regime)));
    const mk = bucket(obs.markoutBps, c.markoutEdgesBps);
    return ((inv * (c.volEdges.length + 1) + vol) * c.numRegimes + reg) * (c.markoutEdgesBps.length + 1) + mk;
  }

  /** Q value of (state, action). */
  qValue(state: number, action: number): number {
    return this.q[state * this.config.actions.length + action]!;
  }

  /** Greedy action of a state (ties → the neutral action, then the lowest index). */
  greedy(state: number): number {
    const na = this.config.actions.length;
    let best = this.neutralAction;
    for (let a = 0; a < na; a++) if (this.q[state * na + a]! > this.q[state * na + best]!) best = a;
    return best;
  }

  /**
   * Whether `step(obs, true)` at `tsMs` would decide (and so read `obs`); when false it only
   * returns the action in force, so a caller can skip building the observation.
   */
  due(tsMs: number): boolean {
    return this.nextDecisionMs === null || !(tsMs < this.nextDecisionMs);
  }

  /**
   * Advance the policy at a quote cycle. When `enabled` is false (warm-up) it forgets the pending
   * step, neither learns nor acts. Returns the action index in force.
   */
  step(obs: RlObservation, enabled: boolean): number {
    if (!enabled) {
      this.pending = null;
      this.nextDecisionMs = null;
      this.currentAction = this.neutralAction;
      return this.currentAction;
    }
    if (this.nextDecisionMs !== null && obs.tsMs < this.nextDecisionMs) return this.currentAction;
    if (!(obs.notionalQuote > 0)) throw new Error("rl: notionalQuote must be > 0");
    const c = this.config;
    const s = this.encode(obs);
    const na = c.actions.length;
    if (this.pending !== null) {
      const reward =
        ((obs.pnlQuote - this.pending.pnlQuote) / obs.notionalQuote) * 1e4 -
        c.inventoryPenaltyBps * obs.inventoryFrac * obs.inventoryFrac;
      if (Number.isFinite(reward)) {
        const idx = this.pending.state * na + this.pending.action;
        const target = reward + c.discount * this.q[s * na + this.greedy(s)]!;
        this.q[idx]! += c.learningRate * (target - this.q[idx]!);
        this.visits[idx]!++;
        this.updates++;
      }
    }
    const explore = this.rng.next() < c.epsilon;
    const a = explore ? this.rng.int(na) : this.greedy(s);
    this.pending = { state: s, action: a, pnlQuote: obs.pnlQuote };
    this.currentAction = a;
    this.nextDecisionMs = obs.tsMs + c.decisionIntervalMs;
    return a;
  }

  /** Multiplier of the action in force. */
  currentMultiplier(): number {
    return this.config.actions[this.currentAction]!;
  }

  /** The signal's adjustment given the current GLFT half-spread (bps). */
  adjustment(
    enabled: boolean,
    baseHalfSpreadBps: number | undefined,
    warmupNote = "warmup",
  ): SignalAdjustment {
    if (!enabled) return inactive(RL_SIGNAL_NAME, warmupNote);
    if (baseHalfSpreadBps === undefined || !(baseHalfSpreadBps > 0)) {
      return inactive(RL_SIGNAL_NAME, "no base half-spread");
    }
    const mult = this.currentMultiplier();
    return makeAdjustment(
      RL_SIGNAL_NAME,
      true,
      1,
      mult,
      this.actionNotes[this.currentAction] ?? `rl mult=${mult} a=${this.currentAction}`,
      (mult - 1) * baseHalfSpreadBps,
    );
  }

  /** Q-table as JSON. */
  toJson(): string {
    return JSON.stringify({
      version: 1,
      actions: this.config.actions,
      numStates: this.numStates,
      q: Array.from(this.q),
      visits: Array.from(this.visits),
    });
  }

  /** Load a Q-table from JSON (must match this policy's actions and state space). */
  loadJson(json: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch (e) {
      throw new Error(`rl: Q-table is not valid JSON (${(e as Error).message})`);
    }
    const p = QTableFileSchema.safeParse(raw);
    if (!p.success) throw new Error(`rl: invalid Q-table: ${p.error.message}`);
    const f = p.data;
    const na = this.config.actions.length;
    if (
      f.numStates !== this.numStates ||
      f.actions.length !== na ||
      f.actions.some((a, i) => a !== this.config.actions[i])
    ) {
      throw new Error(
        `rl: Q-table shape (${f.numStates} states, actions ${f.actions}) does not match this policy`,
      );
    }
    if (f.q.length !== this.numStates * na || f.visits.length !== this.numStates * na) {
      throw new Error("rl: Q-table arrays have the wrong length");
    }
    this.q = Float64Array.from(f.q);
    this.visits = Uint32Array.from(f.visits);
  }

  /** Serializable state (Q-table, visits, Rng, pending step). */
  getState(): RlPolicyState {
    return {
      q: Array.from(this.q),
      visits: Array.from(this.visits),
      rng: this.rng.getState(),
      pending: this.pending === null ? null : { ...this.pending },
      currentAction: this.currentAction,
      nextDecisionMs: this.nextDecisionMs,
      updates: this.updates,
    };
  }

  /** Restore `getState()` output. */
  setState(s: RlPolicyState): void {
    if (s.q.length !== this.q.length) throw new Error("rl: state Q-table has the wrong size");
    this.q = Float64Array.from(s.q);
    this.visits = Uint32Array.from(s.visits);
    this.rng.setState(s.rng);
    this.pending = s.pending === null ? null : { ...s.pending };
    this.currentAction = s.currentAction;
    this.nextDecisionMs = s.nextDecisionMs;
    this.updates = s.updates;
  }
}
