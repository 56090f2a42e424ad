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
import { computeEffectiveParams, type EffectiveParams } from "./effective-params.js";
import { glftCoefficients, glftQuote } from "./glft.js";
import { halfSpreadFloorBps } from "./half-spread-floor.js";
import type { RiskState } from "./kill-switch.js";
import { buildLadder } from "./ladder.js";
import type { EffectiveQuoteParams, QuoteDecision, QuoteInput } from "./quote-decision.js";
import { firstNonFinite } from "./quote-input-check.js";
import { NEUTRAL_SIGNAL_EFFECT, regimeOnlyEffect, type SignalEffect } from "./signal.js";
import type { SpreadTrace } from "./spread-trace.js";
import { fixedTickRules, hyperliquidTickRules, type TickRules } from "./tick-rules.js";
import type { QuoteLadder } from "./types.js";
import { BPS_PER_FRAC } from "./units.js";

export { halfSpreadFloorBps, MIN_QUOTED_HALF_SPREAD_BPS } from "./half-spread-floor.js";
export type { EffectiveQuoteParams, QuoteDecision, QuoteInput } from "./quote-decision.js";
export {
  baseGamma,
  type MarketParams,
  MIN_SKEW_AT_MAX_BPS,
  type RiskBudgetReport,
  validateRiskBudget,
} from "./risk-budget.js";

/** Tick rules for a parsed config's choice. */
export function tickRulesFromConfig(config: QuoteEngineConfig): TickRules {
  const t = config.tickRules;
  return t.kind === "hyperliquid"
    ? hyperliquidTickRules(t.szDecimals)
    : fixedTickRules(t.tick, t.lot, t.minNotional);
}

const NAN_PARAMS: EffectiveQuoteParams = Object.freeze({
  gamma: Number.NaN,
  kappaPerFrac: Number.NaN,
  aPerSec: Number.NaN,
  sigmaPerSqrtSec: Number.NaN,
});

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
