/** Start-up risk-budget check: how much a full position moves the quotes under a config and market. */
import { type QuoteEngineConfig, type QuoteEngineConfigInput, parseQuoteEngineConfig } from "./config.js";
import { skewAtMaxBps } from "./gamma-for-skew.js";
import { glftQuote } from "./glft.js";
import { halfSpreadFloorBps } from "./half-spread-floor.js";

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

/** The γ quoting starts from: the configured γ inside its clamp [gammaMin, gammaMax] (before signals). */
export function baseGamma(cfg: Pick<QuoteEngineConfig, "gamma" | "gammaMin" | "gammaMax">): number {
  return Math.min(Math.max(cfg.gamma, cfg.gammaMin), cfg.gammaMax);
}

/** Check that inventory matters under `config` on `market`; warns when skew at max position < 0.1 bps. */
export function validateRiskBudget(config: QuoteEngineConfigInput, market: MarketParams): RiskBudgetReport {
  const cfg = parseQuoteEngineConfig(config);
  // What quoting will use: γ inside its clamp, the half-spread at least the floor.
  const gamma = baseGamma(cfg);
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
