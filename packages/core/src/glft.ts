/**
 * GLFT closed-form quotes (Guéant, Lehalle & Fernandez-Tapia; Guéant 2017 asymptotic approximation)
 * in the form used by hftbacktest: ξ = γ, Δ = 1 lot, all depths in fractions of mid.
 *
 *   c1 = (1/(ξΔ))·ln(1 + ξΔ/κ)
 *   c2 = sqrt( γ/(2AΔκ) · (1 + ξΔ/κ)^(κ/(ξΔ)+1) )
 *   half-spread = c1 + (Δ/2)·σ·c2,   skew per lot = σ·c2
 *   bid depth = half + skew·q,        ask depth = half − skew·q
 */
import { BPS_PER_FRAC } from "./units.js";

/** Inputs of the GLFT closed form. Depth-like quantities are fractions of mid. */
export interface GlftParams {
  /** Risk aversion γ, per (fraction of mid × lot). γ = 0 is accepted as the risk-neutral limit. */
  gamma: number;
  /** κ: trade intensity falls by a factor e every 1/κ fraction of mid of depth. */
  kappaPerFrac: number;
  /** A: market-order arrivals per second (per side) at zero depth. */
  aPerSec: number;
  /** σ of mid log-returns per √second. */
  sigmaPerSqrtSec: number;
  /** Inventory q in lots (order-size units); positive = long. */
  inventoryLots: number;
  /** Maker fee in bps added to the half-spread (default 0); negative = rebate. */
  makerFeeBps?: number;
  /** Tunable multiplier on the GLFT half-spread (default 1). */
  spreadMult?: number;
  /** Tunable multiplier on the inventory skew (default 1). */
  skewMult?: number;
}

/** GLFT output: coefficients, half-spread, skew and per-side depths (fractions of mid and bps). */
export interface GlftResult {
  /** c1, fraction of mid. */
  c1: number;
  /** c2, fraction of mid per unit σ (so σ·c2 is a fraction of mid per lot). */
  c2: number;
  /** Half-spread incl. spreadMult and fee, fraction of mid. */
  halfSpreadFrac: number;
  /** Half-spread incl. spreadMult and fee, bps. */
  halfSpreadBps: number;
  /** GLFT half-spread (c1 + σc2/2) × spreadMult before the fee, bps. */
  glftHalfSpreadBps: number;
  /** Fee part of the half-spread, bps. */
  feeBps: number;
  /** Inventory skew per lot σ·c2 × skewMult, fraction of mid. */
  skewPerLotFrac: number;
  /** Inventory skew per lot, bps. */
  skewPerLotBps: number;
  /** Bid distance below fair: half + skew·q, fraction of mid. */
  bidDepthFrac: number;
  /** Ask distance above fair: half − skew·q, fraction of mid. */
  askDepthFrac: number;
  /** Bid distance below fair, bps. */
  bidDepthBps: number;
  /** Ask distance above fair, bps. */
  askDepthBps: number;
}

/** The GLFT coefficients c1 and c2 (Δ = 1, ξ = γ). */
export interface GlftCoefficients {
  c1: number;
  c2: number;
}

function requireFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new Error(`GLFT: ${name} must be a finite number, got ${value}`);
}

function requirePositive(name: string, value: number): void {
  requireFinite(name, value);
  if (value <= 0) throw new Error(`GLFT: ${name} must be > 0, got ${value}`);
}

function requireNonNegative(name: string, value: number): void {
  requireFinite(name, value);
  if (value < 0) throw new Error(`GLFT: ${name} must be >= 0, got ${value}`);
}

/** ln(1+x)/x, accurate for tiny x (→ 1 as x → 0) and large x. */
function log1pOverX(x: number): number {
  if (x < 1e-8) return 1 - x / 2 + (x * x) / 3;
  return Math.log1p(x) / x;
}

/**
 * c1 and c2 for γ ≥ 0, κ > 0, A > 0, computed stably: c1 = (ln(1+x)/x)/κ with x = γ/κ, and c2 in log
 * space, ln c2² = ln γ − ln(2Aκ) + ln(1+x)·(1/x + 1), so (1+x)^(1/x+1) → e as γ → 0 and nothing
 * overflows for huge γ. At γ = 0 exactly: c1 = 1/κ, c2 = 0.
 */
export function glftCoefficients(gamma: number, kappaPerFrac: number, aPerSec: number): GlftCoefficients {
  requireNonNegative("gamma", gamma);
  requirePositive("kappaPerFrac", kappaPerFrac);
  requirePositive("aPerSec", aPerSec);
  if (gamma === 0) return { c1: 1 / kappaPerFrac, c2: 0 };
  const x = gamma / kappaPerFrac;
  const l = log1pOverX(x); // ln(1+x)/x
  const c1 = l / kappaPerFrac;
  // ln(1+x)·(1/x + 1) = l + l·x = l·(1 + x); for huge x use log1p directly to keep precision.
  const logPow = x < 1e-8 ? l * (1 + x) : Math.log1p(x) * (1 / x + 1);
  const logC2Sq = Math.log(gamma) - Math.log(2 * aPerSec * kappaPerFrac) + logPow;
  const c2 = Math.exp(0.5 * logC2Sq);
  return { c1, c2 };
}

/** GLFT half-spread, skew and bid/ask depths for one quote cycle; throws on non-finite or invalid inputs. */
export function glftQuote(p: GlftParams): GlftResult {
  requireNonNegative("sigmaPerSqrtSec", p.sigmaPerSqrtSec);
  requireFinite("inventoryLots", p.inventoryLots);
  const makerFeeBps = p.makerFeeBps ?? 0;
  const spreadMult = p.spreadMult ?? 1;
  const skewMult = p.skewMult ?? 1;
  requireFinite("makerFeeBps", makerFeeBps);
  requireNonNegative("spreadMult", spreadMult);
  requireNonNegative("skewMult", skewMult);
  const { c1, c2 } = glftCoefficients(p.gamma, p.kappaPerFrac, p.aPerSec);
  const sigmaC2 = p.sigmaPerSqrtSec * c2;
  const glftHalfFrac = (c1 + 0.5 * sigmaC2) * spreadMult;
  const feeFrac = makerFeeBps / BPS_PER_FRAC;
  const halfSpreadFrac = glftHalfFrac + feeFrac;
  const skewPerLotFrac = sigmaC2 * skewMult;
  const skewFrac = skewPerLotFrac * p.inventoryLots;
  const bidDepthFrac = halfSpreadFrac + skewFrac;
  const askDepthFrac = halfSpreadFrac - skewFrac;
  const result: GlftResult = {
    c1,
    c2,
    halfSpreadFrac,
    halfSpreadBps: halfSpreadFrac * BPS_PER_FRAC,
    glftHalfSpreadBps: glftHalfFrac * BPS_PER_FRAC,
    feeBps: makerFeeBps,
    skewPerLotFrac,
    skewPerLotBps: skewPerLotFrac * BPS_PER_FRAC,
    bidDepthFrac,
    askDepthFrac,
    bidDepthBps: bidDepthFrac * BPS_PER_FRAC,
    askDepthBps: askDepthFrac * BPS_PER_FRAC,
  };
  // c1, c2 and the inputs are finite; only products can overflow (e.g. σ·c2·q with extreme values)
  if (!Number.isFinite(bidDepthFrac) || !Number.isFinite(askDepthFrac) || !Number.isFinite(skewPerLotFrac)) {
    throw new Error(
      `GLFT: result is not finite (bid ${bidDepthFrac}, ask ${askDepthFrac}); check the inputs`,
    );
  }
  return result;
}
