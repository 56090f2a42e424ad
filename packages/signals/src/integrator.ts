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
import { checkFinite } from "./adjustment-validation.js";
import { DEFAULT_INTEGRATOR_CONFIG, type IntegratorConfig } from "./integrator-config.js";
import { isMaterial } from "./integrator-materiality.js";
import {
  type IntegrateContext,
  makeContribution,
  makeEffect,
  makeRecord,
  type SignalContribution,
  type SignalContributionRecord,
} from "./integrator-records.js";
import { LastValue, type Memos } from "./last-value-memo.js";

export { DEFAULT_INTEGRATOR_CONFIG, type IntegratorConfig } from "./integrator-config.js";
export type { IntegrateContext, SignalContribution, SignalContributionRecord } from "./integrator-records.js";

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

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
