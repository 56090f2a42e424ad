/**
 * Zod schemas (with defaults for every field) for the quote engine and the kill switch.
 * Parse errors name the field and its allowed range.
 */
import { z } from "zod";

/** Default risk aversion γ, per (fraction of mid × lot); see README "Default γ". */
export const DEFAULT_GAMMA = 400;
/** The original system's paper-mode κ floor, per fraction of mid (intensity falls e-fold every 1.25 bps). */
export const PAPER_MODE_KAPPA_FLOOR_PER_FRAC = 8000;
/** Hyperliquid tier-0 perp maker fee in bps. */
export const HYPERLIQUID_TIER0_MAKER_FEE_BPS = 1.5;
/** Largest order size (one lot) the quote engine accepts, in base units. */
export const MAX_ORDER_SIZE_BASE = 1e9;

/** A finite number in [min, max] whose error message names the allowed range. */
function rangeNumber(min: number, max: number, opts: { exclusiveMin?: boolean; int?: boolean } = {}) {
  const lo = opts.exclusiveMin ? `(${min}` : `[${min}`;
  const range = `${lo}, ${max}]`;
  let s = z.number({ error: `must be a number in ${range}` });
  if (opts.int) s = s.int({ error: `must be an integer in ${range}` });
  s = opts.exclusiveMin
    ? s.gt(min, { error: `must be in ${range}` })
    : s.gte(min, { error: `must be in ${range}` });
  return s.lte(max, { error: `must be in ${range}` });
}

/** Tick/lot rules choice: Hyperliquid perp rules (by szDecimals) or a fixed tick/lot grid (Binance style). */
export const TickRulesConfigSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("hyperliquid"),
    /** Size decimals of the asset (BTC = 5). */
    szDecimals: rangeNumber(0, 10, { int: true }).default(5),
  }),
  z.object({
    kind: z.literal("fixed"),
    /** Price tick in quote currency. */
    tick: rangeNumber(0, 1e9, { exclusiveMin: true }),
    /** Size lot in base units. */
    lot: rangeNumber(0, 1e9, { exclusiveMin: true }),
    /** Minimum order value in quote currency. */
    minNotional: rangeNumber(0, 1e12).default(0),
  }),
]);
/** Parsed tick-rules choice. */
export type TickRulesConfig = z.infer<typeof TickRulesConfigSchema>;

/** Regime blending weights (must sum to 1): effective κ = current·κ + regime·κ·regime.kappaMult. */
export const RegimeBlendSchema = z
  .object({
    currentWeight: rangeNumber(0, 1).default(0.7),
    regimeWeight: rangeNumber(0, 1).default(0.3),
  })
  .refine((w) => Math.abs(w.currentWeight + w.regimeWeight - 1) < 1e-9, {
    error: "currentWeight + regimeWeight must equal 1",
  });

/** Configuration of the quote engine (γ, κ pipeline, floors, ladder, fees, tick rules). */
export const QuoteEngineConfigSchema = z
  .object({
    /** Risk aversion γ per (fraction of mid × lot). */
    gamma: rangeNumber(0, 1e7, { exclusiveMin: true }).default(DEFAULT_GAMMA),
    /** Clamp range for the effective γ (applied last). */
    gammaMin: rangeNumber(0, 1e7, { exclusiveMin: true }).default(1e-6),
    gammaMax: rangeNumber(0, 1e9, { exclusiveMin: true }).default(1e6),
    /** One lot (the GLFT order unit Δ) in base units; inventory lots = inventoryBase / orderSizeBase. */
    orderSizeBase: rangeNumber(0, MAX_ORDER_SIZE_BASE, { exclusiveMin: true }).default(0.001),
    /** Position limit in lots (|inventory| never exceeds maxPositionLots × orderSizeBase through our quotes). */
    maxPositionLots: rangeNumber(0, 1e9, { exclusiveMin: true }).default(10),
    /** Ladder levels per side. */
    levels: rangeNumber(1, 50, { int: true }).default(3),
    /** Geometric depth ratio between consecutive levels (level i depth = touch depth × ratio^i). */
    depthRatio: rangeNumber(1, 10, { exclusiveMin: true }).default(1.2),
    /** Size ratio between consecutive levels (level i size = orderSizeBase × sizeRatio^i; 1 = equal sizes). */
    sizeRatio: rangeNumber(0, 10, { exclusiveMin: true }).default(1),
    /** Smallest spacing base between levels in bps, used when the touch depth is smaller (heavily skewed side). */
    minLevelSpacingBps: rangeNumber(0, 1000, { exclusiveMin: true }).default(0.5),
    /** Floor on the quoted half-spread (incl. fee and signal adjustments) in bps, applied last. */
    minHalfSpreadBps: rangeNumber(0, 10_000).default(1),
    /** κ floor per fraction of mid, applied after blending and multipliers (paper mode: 8000). */
    kappaFloorPerFrac: rangeNumber(0, 1e9).default(1000),
    /** κ cap per fraction of mid, applied last. */
    kappaCapPerFrac: rangeNumber(0, 1e12, { exclusiveMin: true }).default(1e6),
    /** Floor on A in trades per second, applied last. */
    aFloorPerSec: rangeNumber(0, 1e6, { exclusiveMin: true }).default(0.01),
    /** Prior κ toward which a low-confidence estimate shrinks. */
    priorKappaPerFrac: rangeNumber(0, 1e12, { exclusiveMin: true }).default(8000),
    /** Prior A (trades per second per side) toward which a low-confidence estimate shrinks. */
    priorAPerSec: rangeNumber(0, 1e6, { exclusiveMin: true }).default(1.5),
    /** Confidence-gating pseudo-count n0: weight on the estimate is m / (m + n0), m = samples past intensityMinSamples. */
    priorSampleCount: rangeNumber(0, 1e9, { exclusiveMin: true }).default(200),
    /** The intensity estimator's minimum samples for a fit (weight on the estimate is 0 at this count). */
    intensityMinSamples: rangeNumber(0, 1e9).default(100),
    /** The intensity estimator's minimum R² (weight ramps from 0 here to full at R² = 1). */
    intensityMinR2: rangeNumber(0, 1).default(0.8),
    /** Regime blending weights. */
    regimeBlend: RegimeBlendSchema.prefault({}),
    /** Maker fee in bps added to the half-spread (Hyperliquid tier 0 = 1.5). */
    makerFeeBps: rangeNumber(-100, 100).default(HYPERLIQUID_TIER0_MAKER_FEE_BPS),
    /** Multiplier on the GLFT half-spread. */
    spreadMult: rangeNumber(0, 100, { exclusiveMin: true }).default(1),
    /** Multiplier on the GLFT inventory skew. */
    skewMult: rangeNumber(0, 100).default(1),
    /** Fair price: book mid or size-weighted micro-price. */
    fairPrice: z.enum(["mid", "micro"], { error: 'must be "mid" or "micro"' }).default("mid"),
    /** Tick/lot rules. */
    tickRules: TickRulesConfigSchema.prefault({ kind: "hyperliquid" }),
  })
  .refine((c) => c.kappaFloorPerFrac <= c.kappaCapPerFrac, {
    error: "kappaFloorPerFrac must be ≤ kappaCapPerFrac",
    path: ["kappaFloorPerFrac"],
  })
  .refine((c) => c.gammaMin <= c.gammaMax, { error: "gammaMin must be ≤ gammaMax", path: ["gammaMin"] });
/** Parsed (fully defaulted) quote-engine configuration. */
export type QuoteEngineConfig = z.infer<typeof QuoteEngineConfigSchema>;
/** Quote-engine configuration as a user writes it (every field optional). */
export type QuoteEngineConfigInput = z.input<typeof QuoteEngineConfigSchema>;

/** Configuration of the kill switch. */
export const KillSwitchConfigSchema = z
  .object({
    /** Drawdown from peak equity (fraction) that halts trading (sticky until reset). */
    haltDrawdownFrac: rangeNumber(0, 1, { exclusiveMin: true }).default(0.15),
    /** Softer drawdown (fraction) that restricts to reduce-only while it lasts. */
    reduceOnlyDrawdownFrac: rangeNumber(0, 1, { exclusiveMin: true }).default(0.1),
    /**
     * Hysteresis of the drawdown reduce-only: once entered, it lasts until the drawdown is below
     * reduceOnlyDrawdownFrac × this ratio (1 = no hysteresis), so equity hovering at the level
     * does not flap the state every cycle.
     */
    drawdownRecoveryRatio: rangeNumber(0, 1, { exclusiveMin: true }).default(0.75),
    /** |inventory| above this (base units) → reduce-only. */
    maxPositionBase: rangeNumber(0, 1e12, { exclusiveMin: true }).default(0.01),
    /** Market data older than this (ms) is stale. */
    staleDataMs: rangeNumber(0, 1e9, { exclusiveMin: true }).default(5000),
    /** What stale data does: reduce-only (auto-recovers) or halted (sticky). */
    staleAction: z
      .enum(["reduceOnly", "halted"], { error: 'must be "reduceOnly" or "halted"' })
      .default("reduceOnly"),
    /**
     * What a drawdown reduce-only does once the position is flat: equity no longer moves, so the
     * drawdown can never recover and reduce-only would idle for good — "halted" says so and stops
     * (default); "reduceOnly" keeps idling (e.g. for an operator to `reset`).
     */
    flatDrawdownAction: z
      .enum(["reduceOnly", "halted"], { error: 'must be "reduceOnly" or "halted"' })
      .default("halted"),
    /** Transitions kept in the log (oldest dropped first). */
    maxLogEntries: rangeNumber(1, 100_000, { int: true }).default(100),
  })
  .refine((c) => c.reduceOnlyDrawdownFrac <= c.haltDrawdownFrac, {
    error: "reduceOnlyDrawdownFrac must be ≤ haltDrawdownFrac",
    path: ["reduceOnlyDrawdownFrac"],
  });
/** Parsed kill-switch configuration. */
export type KillSwitchConfig = z.infer<typeof KillSwitchConfigSchema>;
/** Kill-switch configuration as a user writes it. */
export type KillSwitchConfigInput = z.input<typeof KillSwitchConfigSchema>;

/**
 * Throw an Error naming every top-level key of `input` that `schema` does not declare: zod drops
 * unknown keys, so a typo (`{ sede: 3 }`, or a config loaded from JSON) would run on the defaults.
 */
export function rejectUnknownKeys(schema: z.ZodObject, input: unknown, what: string): void {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return;
  const known = Object.keys(schema.shape);
  const unknown = Object.keys(input).filter((k) => !known.includes(k));
  if (unknown.length === 0) return;
  const names = unknown.map((k) => JSON.stringify(k)).join(", ");
  throw new Error(
    `invalid ${what}: unknown option${unknown.length > 1 ? "s" : ""} ${names} (known: ${known.join(", ")})`,
  );
}

/** Parse with a schema and throw an Error naming every bad field and its allowed range. */
function parseOrThrow<S extends z.ZodObject>(schema: S, input: unknown, what: string): z.infer<S> {
  rejectUnknownKeys(schema, input, what);
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const lines = r.error.issues.map(
    (i) => `${what}.${i.path.map(String).join(".") || "(root)"}: ${i.message}`,
  );
  throw new Error(`invalid ${what}: ${lines.join("; ")}`);
}

/** Parse a quote-engine config (defaults filled in); throws an Error naming each invalid field. */
export function parseQuoteEngineConfig(input: QuoteEngineConfigInput = {}): QuoteEngineConfig {
  return parseOrThrow(QuoteEngineConfigSchema, input, "quoteEngineConfig");
}

/** Parse a kill-switch config (defaults filled in); throws an Error naming each invalid field. */
export function parseKillSwitchConfig(input: KillSwitchConfigInput = {}): KillSwitchConfig {
  return parseOrThrow(KillSwitchConfigSchema, input, "killSwitchConfig");
}
