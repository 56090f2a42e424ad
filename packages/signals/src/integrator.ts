/**
 * Signal integration: blends each signal's `SignalAdjustment` (confidence as the gating weight),
 * clamps the totals to configured bounds, and produces the `SignalEffect` for the quote engine plus
 * a `SignalContributionRecord` per quote cycle.
 *
 * Blending (w_i = active_i ? clamp(confidence_i, 0, 1) : 0):
 *   spread = Σ w_i·spreadAdjBps_i, skew = Σ w_i·skewAdjBps_i, side extras = Σ w_i·extra_i,
 *   κ mult = Π kappaMult_i^{w_i}, γ mult = Π gammaMult_i^{w_i} (geometric: w = 0 → 1),
 *   pulls = OR over active signals with w > 0.
 * The regime signal's κ/γ multipliers are NOT multiplied in: they travel as `SignalEffect.regime`,
 * which the engine blends (70/30 by default) before its floors.
 * Clamping: when a total is clamped, each signal's applied part is scaled by (clamped/raw) so the
 * applied parts still sum exactly to the applied total.
 */
import type { SignalAdjustment, SignalEffect } from "@mmkit/core";
import { NOT_A_NUMBER, makeAdjustment } from "./adjust.js";
import { REGIME_SIGNAL_NAME } from "./regime-detector.js";

/** Bounds and options of the integrator. */
export interface IntegratorConfig {
  /** Lower bound of the total spread adjustment (bps, ≤ 0). Default −5. */
  minSpreadAdjBps: number;
  /** Upper bound of the total spread adjustment (bps, ≥ 0). Default 50. */
  maxSpreadAdjBps: number;
  /** Bound on |total skew| (bps). Default 10. */
  maxAbsSkewBps: number;
  minKappaMult: number;
  maxKappaMult: number;
  minGammaMult: number;
  maxGammaMult: number;
  /** Bound on each side's extra widening (bps). Default 50. */
  maxSideExtraBps: number;
  /** Name of the signal whose κ/γ go to `effect.regime`. Default "RegimeDetection". */
  regimeSignalName: string;
  /**
   * A contribution is recorded as `was_active` only when the signal is active AND changes the quote
   * materially: a weighted spread/skew/side adjustment of at least this many bps, a pull, or a κ/γ
   * multiplier at least `materialityMult` away from 1. An "active" signal that asks for nothing is
   * not credited, so attribution's active-vs-inactive split measures something. Default 0.05.
   */
  materialityBps: number;
  /** Relative κ/γ multiplier change that counts as material (0.01 = 1 %). Default 0.01. */
  materialityMult: number;
}

/** Default bounds. */
export const DEFAULT_INTEGRATOR_CONFIG: IntegratorConfig = {
  minSpreadAdjBps: -5,
  maxSpreadAdjBps: 50,
  maxAbsSkewBps: 10,
  minKappaMult: 0.3,
  maxKappaMult: 2,
  minGammaMult: 0.5,
  maxGammaMult: 3,
  maxSideExtraBps: 50,
  regimeSignalName: REGIME_SIGNAL_NAME,
  materialityBps: 0.05,
  materialityMult: 0.01,
};

/** One signal's contribution to a quote cycle (original field names kept where the meaning is the same). */
export interface SignalContribution {
  signal_name: string;
  /** The signal's own spread adjustment before gating/blending (bps). */
  spread_adjustment_bps: number;
  /** The signal's own skew adjustment before gating/blending (bps). */
  skew_adjustment_bps: number;
  kappa_mult: number;
  gamma_mult: number;
  was_active: boolean;
  gating_weight: number;
  raw_value: number;
  /** The part of the applied total spread adjustment attributed to this signal (bps). */
  applied_spread_bps: number;
  /** The part of the applied total skew attributed to this signal (bps). */
  applied_skew_bps: number;
  bid_extra_bps: number;
  ask_extra_bps: number;
  pull_bid: boolean;
  pull_ask: boolean;
  note?: string;
}

/** Per-quote-cycle record of every signal's contribution and the blended result. */
export interface SignalContributionRecord {
  cycleId: number;
  tsMs: number;
  contributions: SignalContribution[];
  /** Applied (post-clamp) total spread adjustment (bps) = Σ applied_spread_bps. */
  total_spread_adj_bps: number;
  /** Applied (post-clamp) total skew (bps) = Σ applied_skew_bps. */
  combined_skew_bps: number;
  /** (base half-spread + total adj) / base, when the base half-spread was given. */
  total_spread_mult?: number;
  kappa_mult: number;
  gamma_mult: number;
  bid_extra_bps: number;
  ask_extra_bps: number;
  pull_bid: boolean;
  pull_ask: boolean;
  /** Whether any total was clamped. */
  clamped: boolean;
  regime_state?: number;
  regime_probs?: number[];
  regime_kappa_mult?: number;
  regime_gamma_mult?: number;
}

/** Per-cycle context of `integrate`. */
export interface IntegrateContext {
  cycleId: number;
  tsMs: number;
  /** Regime view to pass through (used only when the regime signal is active). */
  regime?: SignalEffect["regime"];
  /** Current GLFT half-spread (bps), for `total_spread_mult`. */
  baseHalfSpreadBps?: number;
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/**
 * Whether an active signal's weighted request changes the quote materially (see `materialityBps`).
 * `m` = log1p(materialityMult); `logK`/`logG` = ln κ/γ multipliers of a non-regime signal.
 */
function isMaterial(
  a: SignalAdjustment,
  w: number,
  c: IntegratorConfig,
  m: number,
  logK: number,
  logG: number,
  regime: SignalEffect["regime"] | undefined,
  memo: Memos,
): boolean {
  const bps = c.materialityBps;
  if (a.pullBid || a.pullAsk) return true;
  if (Math.abs(w * a.spreadAdjBps) >= bps || Math.abs(w * a.skewAdjBps) >= bps) return true;
  if (w * a.bidExtraBps >= bps || w * a.askExtraBps >= bps) return true;
  if (a.name === c.regimeSignalName) {
    const r = regime;
    return (
      r !== undefined &&
      (Math.abs(memo.lnRegimeK.get(r.kappaMult)) >= m || Math.abs(memo.lnRegimeG.get(r.gammaMult)) >= m)
    );
  }
  return Math.abs(w * logK) >= m || Math.abs(w * logG) >= m;
}

/**
 * Memo of a pure function's last argument and result: multipliers repeat from cycle to cycle, and
 * the same argument gives the same bits (ln ±0 and exp ±0 agree, so `===` is a safe key).
 */
class LastValue {
  private x = Number.NaN;
  private y = Number.NaN;
  constructor(private readonly f: (x: number) => number) {}

  get(x: number): number {
    if (x === this.x) return this.y;
    const y = this.f(x);
    this.x = x;
    this.y = y;
    return y;
  }
}

/** The integrator's memos of ln / exp (see `LastValue`). */
interface Memos {
  lnK: LastValue;
  lnG: LastValue;
  expK: LastValue;
  expG: LastValue;
  lnRegimeK: LastValue;
  lnRegimeG: LastValue;
}

/** Blends signal adjustments into one `SignalEffect` and its contribution record. */
export class SignalIntegrator {
  readonly config: IntegratorConfig;

  /** Create an integrator; unspecified fields take `DEFAULT_INTEGRATOR_CONFIG`. */
  constructor(config: Partial<IntegratorConfig> = {}) {
    const c = { ...DEFAULT_INTEGRATOR_CONFIG, ...config };
    if (!(c.minSpreadAdjBps <= 0 && c.maxSpreadAdjBps >= 0)) {
      throw new Error("integrator: need minSpreadAdjBps <= 0 <= maxSpreadAdjBps");
    }
    if (!(c.maxAbsSkewBps >= 0 && c.maxSideExtraBps >= 0)) throw new Error("integrator: bounds must be >= 0");
    if (!(c.minKappaMult > 0 && c.minKappaMult <= 1 && c.maxKappaMult >= 1)) {
      throw new Error("integrator: need 0 < minKappaMult <= 1 <= maxKappaMult");
    }
    if (!(c.minGammaMult > 0 && c.minGammaMult <= 1 && c.maxGammaMult >= 1)) {
      throw new Error("integrator: need 0 < minGammaMult <= 1 <= maxGammaMult");
    }
    this.config = c;
    this.materialityLog = Math.log1p(c.materialityMult);
  }

  private readonly memo: Memos = {
    lnK: new LastValue(Math.log),
    lnG: new LastValue(Math.log),
    expK: new LastValue(Math.exp),
    expG: new LastValue(Math.exp),
    lnRegimeK: new LastValue(Math.log),
    lnRegimeG: new LastValue(Math.log),
  };
  /** log1p(materialityMult), the κ/γ materiality threshold in log units. */
  private readonly materialityLog: number;
  // Per-call scratch (integrate is synchronous and not re-entrant): weights and ln κ/γ per signal.
  private weights = new Float64Array(8);
  private logKs = new Float64Array(8);
  private logGs = new Float64Array(8);

  private grow(n: number): void {
    this.weights = new Float64Array(n);
    this.logKs = new Float64Array(n);
    this.logGs = new Float64Array(n);
  }

  /** Blend and clamp; throws (fail closed) if any adjustment carries a non-finite number. */
  integrate(
    adjustments: readonly SignalAdjustment[],
    ctx: IntegrateContext,
  ): { effect: SignalEffect; record: SignalContributionRecord } {
    const c = this.config;
    const n = adjustments.length;
    if (n > this.weights.length) this.grow(n);
    const weights = this.weights;
    const logKs = this.logKs;
    const logGs = this.logGs;
    let spreadRaw = 0;
    let skewRaw = 0;
    let bidExtra = 0;
    let askExtra = 0;
    let logKappa = 0;
    let logGamma = 0;
    let pullBid = false;
    let pullAsk = false;
    let regimeActive = false;
    for (let i = 0; i < n; i++) {
      const a = adjustments[i]!;
      checkFinite(a);
      const w = a.active ? clamp(a.confidence, 0, 1) : 0;
      weights[i] = w;
      if (w === 0) continue;
      spreadRaw += w * a.spreadAdjBps;
      skewRaw += w * a.skewAdjBps;
      bidExtra += w * a.bidExtraBps;
      askExtra += w * a.askExtraBps;
      if (a.name === c.regimeSignalName) {
        regimeActive = true;
      } else {
        // ln 1 is exactly +0: the neutral multiplier needs no call.
        const lk = a.kappaMult === 1 ? 0 : this.memo.lnK.get(a.kappaMult);
        const lg = a.gammaMult === 1 ? 0 : this.memo.lnG.get(a.gammaMult);
        logKs[i] = lk;
        logGs[i] = lg;
        logKappa += w * lk;
        logGamma += w * lg;
      }
      pullBid ||= a.pullBid;
      pullAsk ||= a.pullAsk;
    }
    const spread = clamp(spreadRaw, c.minSpreadAdjBps, c.maxSpreadAdjBps);
    const skew = clamp(skewRaw, -c.maxAbsSkewBps, c.maxAbsSkewBps);
    const kappaRaw = this.memo.expK.get(logKappa);
    const gammaRaw = this.memo.expG.get(logGamma);
    const kappaMult = clamp(kappaRaw, c.minKappaMult, c.maxKappaMult);
    const gammaMult = clamp(gammaRaw, c.minGammaMult, c.maxGammaMult);
    const bid = clamp(bidExtra, 0, c.maxSideExtraBps);
    const ask = clamp(askExtra, 0, c.maxSideExtraBps);
    const clamped =
      spread !== spreadRaw ||
      skew !== skewRaw ||
      kappaMult !== kappaRaw ||
      gammaMult !== gammaRaw ||
      bid !== bidExtra ||
      ask !== askExtra;
    const spreadScale = spreadRaw === 0 ? 1 : spread / spreadRaw;
    const skewScale = skewRaw === 0 ? 1 : skew / skewRaw;

    const contributions: SignalContribution[] = new Array(n);
    let spreadSum = 0;
    let skewSum = 0;
    for (let i = 0; i < n; i++) {
      const a = adjustments[i]!;
      const w = weights[i]!;
      const appliedSpread = w === 0 ? 0 : w * a.spreadAdjBps * spreadScale;
      const appliedSkew = w === 0 ? 0 : w * a.skewAdjBps * skewScale;
      spreadSum += appliedSpread;
      skewSum += appliedSkew;
      const wasActive =
        a.active &&
        w > 0 &&
        isMaterial(a, w, c, this.materialityLog, logKs[i]!, logGs[i]!, ctx.regime, this.memo);
      const contrib = makeContribution(a, w, wasActive, appliedSpread, appliedSkew);
      contributions[i] = contrib;
    }

    // Each object is built by one literal with its final keys (same keys and order as adding the
    // optional ones afterwards), so none grows an out-of-object property store.
    const regime = regimeActive ? ctx.regime : undefined;
    const base = ctx.baseHalfSpreadBps;
    const effect = makeEffect(spreadSum, skewSum, kappaMult, gammaMult, bid, ask, pullBid, pullAsk, regime);
    const mult = base !== undefined && base > 0 ? (base + spreadSum) / base : undefined;
    const record = makeRecord(
      ctx,
      contributions,
      spreadSum,
      skewSum,
      kappaMult,
      gammaMult,
      bid,
      ask,
      pullBid,
      pullAsk,
      clamped,
      mult,
      regime,
    );
    return { effect, record };
  }
}

/** The effect (with `regime` only when given). */
function makeEffect(
  spreadSum: number,
  skewSum: number,
  kappaMult: number,
  gammaMult: number,
  bid: number,
  ask: number,
  pullBid: boolean,
  pullAsk: boolean,
  regime: SignalEffect["regime"],
): SignalEffect {
  // The sums of the applied parts ARE the totals (equal to the clamped values up to rounding).
  // One literal: `regime` is undefined when no regime view applies.
  return {
    spreadAdjBps: spreadSum,
    skewAdjBps: skewSum,
    kappaMult,
    gammaMult,
    bidExtraBps: bid,
    askExtraBps: ask,
    pullBid,
    pullAsk,
    regime,
  };
}

/** One contribution record (`note` undefined when the adjustment has none: JSON omits it). */
function makeContribution(
  a: SignalAdjustment,
  w: number,
  wasActive: boolean,
  appliedSpread: number,
  appliedSkew: number,
): SignalContribution {
  return {
    signal_name: a.name,
    spread_adjustment_bps: a.spreadAdjBps,
    skew_adjustment_bps: a.skewAdjBps,
    kappa_mult: a.kappaMult,
    gamma_mult: a.gammaMult,
    was_active: wasActive,
    gating_weight: w,
    raw_value: a.rawValue,
    applied_spread_bps: appliedSpread,
    applied_skew_bps: appliedSkew,
    bid_extra_bps: a.bidExtraBps,
    ask_extra_bps: a.askExtraBps,
    pull_bid: a.pullBid,
    pull_ask: a.pullAsk,
    note: a.note,
  };
}

/**
 * The cycle record, one literal in a fixed key order: `total_spread_mult` and the regime fields are
 * undefined when `mult` / `regime` are not given (JSON omits them like missing keys).
 */
function makeRecord(
  ctx: IntegrateContext,
  contributions: SignalContribution[],
  spreadSum: number,
  skewSum: number,
  kappaMult: number,
  gammaMult: number,
  bid: number,
  ask: number,
  pullBid: boolean,
  pullAsk: boolean,
  clamped: boolean,
  mult: number | undefined,
  regime: SignalEffect["regime"],
): SignalContributionRecord {
  return {
    cycleId: ctx.cycleId,
    tsMs: ctx.tsMs,
    contributions,
    total_spread_adj_bps: spreadSum,
    combined_skew_bps: skewSum,
    kappa_mult: kappaMult,
    gamma_mult: gammaMult,
    bid_extra_bps: bid,
    ask_extra_bps: ask,
    pull_bid: pullBid,
    pull_ask: pullAsk,
    clamped,
    total_spread_mult: mult,
    regime_state: regime?.state,
    regime_probs: regime?.probs,
    regime_kappa_mult: regime?.kappaMult,
    regime_gamma_mult: regime?.gammaMult,
  };
}

function checkFinite(a: SignalAdjustment): void {
  // One branch for the common all-finite case; the slow path names the offending field.
  if (
    Number.isFinite(a.spreadAdjBps) &&
    Number.isFinite(a.skewAdjBps) &&
    Number.isFinite(a.kappaMult) &&
    Number.isFinite(a.gammaMult) &&
    Number.isFinite(a.bidExtraBps) &&
    Number.isFinite(a.askExtraBps) &&
    Number.isFinite(a.confidence) &&
    Number.isFinite(a.rawValue) &&
    a.kappaMult > 0 &&
    a.gammaMult > 0
  ) {
    return;
  }
  const fields = [
    ["spreadAdjBps", a.spreadAdjBps],
    ["skewAdjBps", a.skewAdjBps],
    ["kappaMult", a.kappaMult],
    ["gammaMult", a.gammaMult],
    ["bidExtraBps", a.bidExtraBps],
    ["askExtraBps", a.askExtraBps],
    ["confidence", a.confidence],
    ["rawValue", a.rawValue],
  ] as const;
  for (const [k, v] of fields) {
    if (!Number.isFinite(v)) throw new Error(`integrator: signal "${a.name}" has non-finite ${k} (${v})`);
  }
  throw new Error(`integrator: signal "${a.name}" has non-positive kappaMult/gammaMult`);
}

// Give the numeric fields of the per-cycle objects built above (contributions, effect, record,
// every variant) the generic representation from the start, for the reasons given in adjust.ts.
{
  const x = NOT_A_NUMBER;
  const a = makeAdjustment("", true, x, x, "", x, x, x, x, x, x, false, false);
  const plain: SignalAdjustment = { ...a };
  delete plain.note;
  makeContribution(a, x, false, x, x);
  makeContribution(plain, x, false, x, x);
  const view = { state: x, probs: [], kappaMult: x, gammaMult: x };
  makeEffect(x, x, x, x, x, x, false, false, undefined);
  makeEffect(x, x, x, x, x, x, false, false, view);
  const ctx: IntegrateContext = { cycleId: x, tsMs: x };
  for (const mult of [undefined, x]) {
    makeRecord(ctx, [], x, x, x, x, x, x, false, false, false, mult, undefined);
    makeRecord(ctx, [], x, x, x, x, x, x, false, false, false, mult, view);
  }
}
