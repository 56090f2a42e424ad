/**
 * QuoteEngine: book + estimators + signals + inventory + risk state → one QuoteDecision (a ladder
 * and a spread trace). Pipeline per decision:
 *   effective γ, κ, A (gating → regime → signals → floors, see effective-params.ts)
 *   → GLFT half-spread and skew per lot → + fee + signal spread → min half-spread floor
 *   → touch depths (± inventory skew, ∓ signal skew, + side extras) → ladder (spacing, sizes,
 *   position limit, reduce-only, tick/lot, post-only).
 * It never returns a NaN, crossed or over-limit quote: bad inputs give an empty ladder, a warning and
 * `fault` set (the caller should trip its kill switch); halted gives an empty ladder.
 */
import { L2Book } from "./book.js";
import { type QuoteEngineConfig, type QuoteEngineConfigInput, parseQuoteEngineConfig } from "./config.js";
import {
  computeEffectiveParams,
  type EffectiveParams,
  type IntensityObservation,
} from "./effective-params.js";
import { skewAtMaxBps } from "./gamma-for-skew.js";
import { glftCoefficients, glftQuote } from "./glft.js";
import type { RiskState } from "./kill-switch.js";
import { buildLadder } from "./ladder.js";
import { NEUTRAL_SIGNAL_EFFECT, regimeOnlyEffect, type SignalEffect } from "./signal.js";
import type { SpreadTrace } from "./spread-trace.js";
import { fixedTickRules, hyperliquidTickRules, type TickRules } from "./tick-rules.js";
import type { Bbo, QuoteLadder } from "./types.js";
import { BPS_PER_FRAC } from "./units.js";

/** One quote cycle's inputs. */
export interface QuoteInput {
  /** Decision time (ms, the run's clock). */
  tsMs: number;
  /** Quote-cycle id (attribution key). */
  cycleId: number;
  /** Current book (or its best bid/offer). */
  book: L2Book | Bbo;
  /** σ estimate per √s and its confidence in [0, 1] (low confidence shrinks σ toward the prior). */
  sigma: { sigmaPerSqrtSec: number; confidence: number };
  /**
   * Intensity fit (null before any fit) and the estimator's confidence in [0, 1]. The gating weight is
   * computed smoothly from the fit's sampleCount and R² (see effective-params.ts); the confidence is
   * carried into the trace for logs.
   */
  intensity: { fit: IntensityObservation | null; confidence: number };
  /** Blended signal effect (default: neutral). */
  signals?: SignalEffect;
  /** Inventory in base units (lots = inventoryBase / orderSizeBase). */
  inventoryBase: number;
  /** The caller's kill-switch state. */
  riskState: RiskState;
}

/** The parameters a decision quoted with. */
export interface EffectiveQuoteParams {
  gamma: number;
  kappaPerFrac: number;
  aPerSec: number;
  sigmaPerSqrtSec: number;
}

/** One quote decision: the desired ladder and why it looks the way it does. */
export interface QuoteDecision {
  cycleId: number;
  tsMs: number;
  /** Fair price the depths are measured from (NaN on a fault). */
  fairPrice: number;
  /** Book mid (NaN on a fault). */
  mid: number;
  ladder: QuoteLadder;
  /** Effective parameters (NaN on a fault). */
  effective: EffectiveQuoteParams;
  /** Spread trace (null on a fault, when nothing could be computed). */
  trace: SpreadTrace | null;
  riskState: RiskState;
  /** Human-readable warnings (faults, halts, dropped levels, over-limit inventory). */
  warnings: string[];
  /** Set when the inputs or the computation were invalid: the caller should trip its kill switch. */
  fault: string | null;
}

/** Market parameters for the start-up risk-budget check. */
export interface MarketParams {
  sigmaPerSqrtSec: number;
  aPerSec: number;
  kappaPerFrac: number;
}

/** Start-up figures: how much a full position moves the quotes, with a warning when it barely does. */
export interface RiskBudgetReport {
  /** γ quoting uses (the configured one inside [gammaMin, gammaMax]). */
  gamma: number;
  /** Quoted half-spread incl. fee, bps, at least the configured floor. */
  halfSpreadBps: number;
  skewPerLotBps: number;
  /** Inventory skew at max position, bps. */
  skewAtMaxBps: number;
  /** skewAtMax / halfSpread. */
  fullPositionShiftRatio: number;
  /** Whether the floor (minHalfSpreadBps), not GLFT, sets the half-spread. */
  floorBound: boolean;
  /** Non-null when γ was clamped or skew at max position is under 0.1 bps (inventory would never move the quotes). */
  warning: string | null;
}

/** Skew at max position below which `validateRiskBudget` warns, bps. */
export const MIN_SKEW_AT_MAX_BPS = 0.1;

/** Tick rules for a parsed config's choice. */
export function tickRulesFromConfig(config: QuoteEngineConfig): TickRules {
  const t = config.tickRules;
  return t.kind === "hyperliquid"
    ? hyperliquidTickRules(t.szDecimals)
    : fixedTickRules(t.tick, t.lot, t.minNotional);
}

/** Check that inventory matters under `config` on `market`; warns when skew at max position < 0.1 bps. */
export function validateRiskBudget(config: QuoteEngineConfigInput, market: MarketParams): RiskBudgetReport {
  const cfg = parseQuoteEngineConfig(config);
  // What quoting will use: γ inside its clamp, the half-spread at least the floor.
  const gamma = Math.min(Math.max(cfg.gamma, cfg.gammaMin), cfg.gammaMax);
  const g = glftQuote({
    gamma,
    kappaPerFrac: market.kappaPerFrac,
    aPerSec: market.aPerSec,
    sigmaPerSqrtSec: market.sigmaPerSqrtSec,
    inventoryLots: 0,
    makerFeeBps: cfg.makerFeeBps,
    spreadMult: cfg.spreadMult,
    skewMult: cfg.skewMult,
  });
  const atMax =
    skewAtMaxBps(gamma, market.sigmaPerSqrtSec, market.aPerSec, market.kappaPerFrac, cfg.maxPositionLots) *
    cfg.skewMult;
  const halfSpreadBps = Math.max(g.halfSpreadBps, halfSpreadFloorBps(cfg));
  const warnings: string[] = [];
  if (gamma !== cfg.gamma)
    warnings.push(
      `risk budget: γ=${cfg.gamma} is outside [${cfg.gammaMin}, ${cfg.gammaMax}]: quoting uses γ=${gamma}`,
    );
  if (atMax < MIN_SKEW_AT_MAX_BPS)
    warnings.push(
      `risk budget: inventory skew at max position is ${atMax.toPrecision(3)} bps (< ${MIN_SKEW_AT_MAX_BPS} bps) with γ=${gamma}, ` +
        `σ=${market.sigmaPerSqrtSec}/√s, A=${market.aPerSec}/s, κ=${market.kappaPerFrac}, max position ${cfg.maxPositionLots} lots; ` +
        `half-spread ${halfSpreadBps.toFixed(4)} bps: inventory will not move the quotes (raise γ, e.g. via gammaForSkew)`,
    );
  return {
    gamma,
    halfSpreadBps,
    skewPerLotBps: g.skewPerLotBps,
    skewAtMaxBps: atMax,
    fullPositionShiftRatio: atMax / halfSpreadBps,
    floorBound: halfSpreadBps > g.halfSpreadBps,
    warning: warnings.length > 0 ? warnings.join("; ") : null,
  };
}

const NAN_PARAMS: EffectiveQuoteParams = Object.freeze({
  gamma: Number.NaN,
  kappaPerFrac: Number.NaN,
  aPerSec: Number.NaN,
  sigmaPerSqrtSec: Number.NaN,
});

/** The first non-finite quote input as `name=value` (checked in a fixed order), or null. */
function firstNonFinite(
  input: QuoteInput,
  bestBid: number,
  bestAsk: number,
  signals: SignalEffect,
): string | null {
  // Plain comparisons instead of a list of [name, value] pairs: this runs on every quote cycle.
  if (!Number.isFinite(input.tsMs)) return `tsMs=${input.tsMs}`;
  if (!Number.isFinite(bestBid)) return `book.bestBid=${bestBid}`;
  if (!Number.isFinite(bestAsk)) return `book.bestAsk=${bestAsk}`;
  if (!Number.isFinite(input.sigma.sigmaPerSqrtSec))
    return `sigma.sigmaPerSqrtSec=${input.sigma.sigmaPerSqrtSec}`;
  if (!Number.isFinite(input.sigma.confidence)) return `sigma.confidence=${input.sigma.confidence}`;
  if (!Number.isFinite(input.intensity.confidence))
    return `intensity.confidence=${input.intensity.confidence}`;
  if (!Number.isFinite(input.inventoryBase)) return `inventoryBase=${input.inventoryBase}`;
  if (!Number.isFinite(signals.spreadAdjBps)) return `signals.spreadAdjBps=${signals.spreadAdjBps}`;
  if (!Number.isFinite(signals.skewAdjBps)) return `signals.skewAdjBps=${signals.skewAdjBps}`;
  if (!Number.isFinite(signals.kappaMult)) return `signals.kappaMult=${signals.kappaMult}`;
  if (!Number.isFinite(signals.gammaMult)) return `signals.gammaMult=${signals.gammaMult}`;
  if (!Number.isFinite(signals.bidExtraBps)) return `signals.bidExtraBps=${signals.bidExtraBps}`;
  if (!Number.isFinite(signals.askExtraBps)) return `signals.askExtraBps=${signals.askExtraBps}`;
  return null;
}

/**
 * Smallest half-spread ever quoted, bps: with `minHalfSpreadBps` 0 a maker rebate can take the
 * GLFT half-spread plus fee to 0 or below, and a zero total spread has no bid below the ask. Any
 * positive value works (prices then round away from fair onto the tick grid, a tick apart at least).
 */
export const MIN_QUOTED_HALF_SPREAD_BPS = 1e-4;

/** The half-spread floor a config implies: `minHalfSpreadBps`, but never below {@link MIN_QUOTED_HALF_SPREAD_BPS}. */
export function halfSpreadFloorBps(cfg: Pick<QuoteEngineConfig, "minHalfSpreadBps">): number {
  return Math.max(cfg.minHalfSpreadBps, MIN_QUOTED_HALF_SPREAD_BPS);
}

/** The quote engine; stateless between decisions apart from its config and tick rules. */
export class QuoteEngine {
  readonly config: QuoteEngineConfig;
  readonly tickRules: TickRules;
  /** Prior σ per √s toward which a low-confidence σ shrinks. */
  readonly priorSigmaPerSqrtSec: number;

  /** Create an engine (config defaults filled in; throws an Error naming any invalid field). */
  constructor(
    config: QuoteEngineConfigInput = {},
    options: { tickRules?: TickRules; priorSigmaPerSqrtSec?: number } = {},
  ) {
    this.config = parseQuoteEngineConfig(config);
    this.tickRules = options.tickRules ?? tickRulesFromConfig(this.config);
    this.priorSigmaPerSqrtSec = options.priorSigmaPerSqrtSec ?? 1e-4;
  }

  /** Decide the desired ladder for one cycle. Never throws on bad market inputs: returns a fault decision. */
  decide(input: QuoteInput): QuoteDecision {
    let bestBid: number;
    let bestAsk: number;
    let bidSize: number;
    let askSize: number;
    if (input.book instanceof L2Book) {
      bestBid = input.book.bestBid();
      bestAsk = input.book.bestAsk();
      bidSize = input.book.bestBidSize();
      askSize = input.book.bestAskSize();
    } else {
      bestBid = input.book.bidPrice;
      bestAsk = input.book.askPrice;
      bidSize = input.book.bidSize;
      askSize = input.book.askSize;
    }
    const rs = input.riskState;
    if (rs !== "active" && rs !== "reduceOnly" && rs !== "halted") {
      // Fail closed: an unknown state (a JS caller's typo) must not quote as if active.
      const reason = `riskState must be "active", "reduceOnly" or "halted", got ${JSON.stringify(rs)}`;
      return this.fault(input, reason, "halted");
    }
    const signals = input.signals ?? NEUTRAL_SIGNAL_EFFECT;
    const bad = firstNonFinite(input, bestBid, bestAsk, signals);
    if (bad !== null) return this.fault(input, `non-finite input ${bad}`);
    if (!(bestBid > 0 && bestBid < bestAsk)) {
      return this.fault(input, `book not usable: best bid ${bestBid}, best ask ${bestAsk}`);
    }
    if (input.sigma.sigmaPerSqrtSec < 0)
      return this.fault(input, `sigma.sigmaPerSqrtSec < 0: ${input.sigma.sigmaPerSqrtSec}`);
    try {
      return this.compute(input, signals, bestBid, bestAsk, bidSize, askSize);
    } catch (err) {
      return this.fault(
        input,
        `quote computation failed: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  private compute(
    input: QuoteInput,
    signals: SignalEffect,
    bestBid: number,
    bestAsk: number,
    bidSize: number,
    askSize: number,
  ): QuoteDecision {
    const cfg = this.config;
    const warnings: string[] = [];
    const mid = (bestBid + bestAsk) / 2;
    const fairPrice =
      cfg.fairPrice === "micro" && bidSize + askSize > 0
        ? (bestBid * askSize + bestAsk * bidSize) / (bidSize + askSize)
        : mid;

    const eff = computeEffectiveParams(cfg, input.intensity.fit, signals);
    const sigConf = Math.min(1, Math.max(0, input.sigma.confidence));
    const sigma = sigConf * input.sigma.sigmaPerSqrtSec + (1 - sigConf) * this.priorSigmaPerSqrtSec;
    const q = input.inventoryBase / cfg.orderSizeBase;
    const g = glftQuote({
      gamma: eff.gamma,
      kappaPerFrac: eff.kappaPerFrac,
      aPerSec: eff.aPerSec,
      sigmaPerSqrtSec: sigma,
      inventoryLots: q,
      makerFeeBps: cfg.makerFeeBps,
      spreadMult: cfg.spreadMult,
      skewMult: cfg.skewMult,
    });

    // Attribution of the GLFT half-spread to regime blending and signal κ/γ multipliers.
    const noRegimeBps = this.glftHalfBps(
      computeEffectiveParams(cfg, input.intensity.fit, NEUTRAL_SIGNAL_EFFECT),
      sigma,
    );
    const regimeOnlyBps =
      signals.regime === undefined
        ? noRegimeBps
        : this.glftHalfBps(
            computeEffectiveParams(cfg, input.intensity.fit, regimeOnlyEffect(signals.regime)),
            sigma,
          );

    const preFloorBps = g.glftHalfSpreadBps + g.feeBps + signals.spreadAdjBps;
    const floorBps = halfSpreadFloorBps(cfg);
    const halfSpreadBps = Math.max(preFloorBps, floorBps);
    const inventorySkewBps = g.skewPerLotBps * q;
    const touchBidBps = halfSpreadBps + inventorySkewBps - signals.skewAdjBps;
    const touchAskBps = halfSpreadBps - inventorySkewBps + signals.skewAdjBps;
    const bidExtraBps = Math.max(0, signals.bidExtraBps);
    const askExtraBps = Math.max(0, signals.askExtraBps);

    if (Math.abs(q) > cfg.maxPositionLots) {
      warnings.push(
        `inventory ${q.toFixed(4)} lots over limit ±${cfg.maxPositionLots}: only the reducing side is quoted`,
      );
    }
    if (input.intensity.fit === null || !eff.steps.estimateUsable)
      warnings.push("intensity fit not usable: κ and A from priors");

    let ladder: QuoteLadder = { bids: [], asks: [] };
    if (input.riskState === "halted") {
      warnings.push("risk state halted: no quotes");
    } else {
      const built = buildLadder({
        fairPrice,
        bestBid,
        bestAsk,
        bidTouchDepthFrac: touchBidBps / BPS_PER_FRAC,
        askTouchDepthFrac: touchAskBps / BPS_PER_FRAC,
        bidExtraBps,
        askExtraBps,
        pullBid: signals.pullBid,
        pullAsk: signals.pullAsk,
        levels: cfg.levels,
        depthRatio: cfg.depthRatio,
        minLevelSpacingFrac: cfg.minLevelSpacingBps / BPS_PER_FRAC,
        orderSizeBase: cfg.orderSizeBase,
        sizeRatio: cfg.sizeRatio,
        inventoryBase: input.inventoryBase,
        maxPositionBase: cfg.maxPositionLots * cfg.orderSizeBase,
        reduceOnly: input.riskState === "reduceOnly",
        tickRules: this.tickRules,
      });
      ladder = built.ladder;
      for (const note of built.notes) warnings.push(note);
    }

    const s = eff.steps;
    const trace: SpreadTrace = {
      glftBaseBps: g.glftHalfSpreadBps,
      glftNoRegimeBps: noRegimeBps,
      regimeEffectBps: regimeOnlyBps - noRegimeBps,
      signalParamEffectBps: g.glftHalfSpreadBps - regimeOnlyBps,
      feeBps: g.feeBps,
      sigmaPerSqrtSec: sigma,
      aPerSec: eff.aPerSec,
      signalSpreadAdjBps: signals.spreadAdjBps,
      preFloorHalfSpreadBps: preFloorBps,
      effectiveFloorBps: floorBps,
      floorBound: preFloorBps < floorBps,
      halfSpreadBps,
      inventoryLots: q,
      skewPerLotBps: g.skewPerLotBps,
      inventorySkewBps,
      signalSkewAdjBps: signals.skewAdjBps,
      bidExtraBps,
      askExtraBps,
      touchBidBps: touchBidBps + bidExtraBps,
      touchAskBps: touchAskBps + askExtraBps,
      totalAtTouchBps: touchBidBps + bidExtraBps + touchAskBps + askExtraBps,
      placedTouchBidBps: ladder.bids[0]?.depthBps ?? Number.NaN,
      placedTouchAskBps: ladder.asks[0]?.depthBps ?? Number.NaN,
      kappa: {
        prior: cfg.priorKappaPerFrac,
        estimated: s.kappaEstimatedPerFrac,
        weight: s.estimateWeight,
        gated: s.kappaGatedPerFrac,
        regime: s.kappaRegimePerFrac,
        blended: s.kappaBlendedPerFrac,
        afterSignals: s.kappaAfterSignalsPerFrac,
        effective: eff.kappaPerFrac,
        floor: cfg.kappaFloorPerFrac,
        floorBound: s.kappaFloorBound,
        cap: cfg.kappaCapPerFrac,
        capBound: s.kappaCapBound,
        estimatorConfidence: input.intensity.confidence,
      },
      gamma: {
        config: s.gammaConfig,
        blended: s.gammaBlended,
        afterSignals: s.gammaAfterSignals,
        effective: eff.gamma,
      },
    };

    return {
      cycleId: input.cycleId,
      tsMs: input.tsMs,
      fairPrice,
      mid,
      ladder,
      effective: {
        gamma: eff.gamma,
        kappaPerFrac: eff.kappaPerFrac,
        aPerSec: eff.aPerSec,
        sigmaPerSqrtSec: sigma,
      },
      trace,
      riskState: input.riskState,
      warnings,
      fault: null,
    };
  }

  /** GLFT half-spread (bps, × spreadMult, before fee) under effective parameters `e` and σ. */
  private glftHalfBps(e: EffectiveParams, sigmaPerSqrtSec: number): number {
    const c = glftCoefficients(e.gamma, e.kappaPerFrac, e.aPerSec);
    return (c.c1 + 0.5 * sigmaPerSqrtSec * c.c2) * this.config.spreadMult * BPS_PER_FRAC;
  }

  private fault(input: QuoteInput, reason: string, riskState: RiskState = input.riskState): QuoteDecision {
    return {
      cycleId: input.cycleId,
      tsMs: input.tsMs,
      fairPrice: Number.NaN,
      mid: Number.NaN,
      ladder: { bids: [], asks: [] },
      effective: { ...NAN_PARAMS },
      trace: null,
      riskState,
      warnings: [`fault: ${reason}; no quotes (trip the kill switch)`],
      fault: reason,
    };
  }
}
