/** Construct the packages' components from the paper-trader config. */
import type { AnalyticsLogger } from "@mmkit/analytics";
import {
  EwmaVolatility,
  IntensityEstimator,
  KillSwitch,
  MAX_ORDER_SIZE_BASE,
  QuoteEngine,
  QuoteEngineConfigSchema,
  type QuoteEngineConfigInput,
  type TickRules,
  tickAbove,
  validateRiskBudget,
} from "@mmkit/core";
import { PaperExchange } from "@mmkit/exchange";
import { SignalStack } from "@mmkit/signals";
import type { Logger } from "pino";
import { ConfigError, type PaperTraderConfig } from "./config.js";
import { moneyExtraDecimals, priceText } from "./logging.js";
import type { RunMetrics } from "./metrics.js";
import type { TraderParts } from "./trader.js";
import { HYPERLIQUID_BASE_FEES } from "./venue-fees.js";

/** The quote engine's defaults: what `--gamma` and `--max-position-lots` are when not given. */
export const ENGINE_DEFAULTS = QuoteEngineConfigSchema.parse({});
/** The config fields the quote engine defaults when unset, with those defaults (--help shows them; a resume compares with them). */
export const ENGINE_UNSET_DEFAULTS: Required<Pick<PaperTraderConfig, "gamma" | "maxPositionLots">> = {
  gamma: ENGINE_DEFAULTS.gamma,
  maxPositionLots: ENGINE_DEFAULTS.maxPositionLots,
};

/** The quote engine's default of a config field it defaults when unset (undefined for other fields). */
export function engineUnsetDefault(field: keyof PaperTraderConfig): number | undefined {
  return field === "gamma" || field === "maxPositionLots" ? ENGINE_UNSET_DEFAULTS[field] : undefined;
}
/** A ladder whose deepest level would sit farther than this from the mid (10 %) is warned about. */
const DEEPEST_LEVEL_WARN_BPS = 1000;
/** Target notional of one lot when `--order-size` is not given (quote currency). */
export const DEFAULT_LOT_NOTIONAL_QUOTE = 100;
/** Shortest spacing (ms) of the mid returns the quoting σ is estimated from. */
export const VOL_SAMPLE_SPACING_MS = 1000;
/** Market-data silence (ms) after which the kill switch goes reduce-only and outcomes are censored. */
export const STALE_DATA_MS = 10_000;
/** Prior market parameters (what the synthetic default market is built with). */
export const PRIOR_MARKET = { sigmaPerSqrtSec: 1e-4, aPerSec: 1.5, kappaPerFrac: 8000 } as const;

/**
 * The venue's price increment near `mid` (rules may vary with price, e.g. Hyperliquid's significant
 * figures), or 0 when it cannot be determined. Predictions use it to tell prints at our price
 * (which fill with the fill model's factor: touch p, queue 1, through 0) from prints through it.
 */
export function tickSizeNear(tickRules: TickRules, mid: number): number {
  if (!(Number.isFinite(mid) && mid > 0)) return 0;
  const below = tickRules.roundPrice(mid, "down");
  // 9 significant digits drop the subtraction's float noise (0.1, not 0.10000000000582 at 100,000).
  const tick = Number((tickAbove(tickRules, below) - below).toPrecision(9));
  return Number.isFinite(tick) && tick > 0 ? tick : 0;
}

/**
 * Order size in base units: the flag, or ~$100 of notional at the first mid rounded up to the lot.
 * Throws a ConfigError naming `--order-size` when that default exceeds the engine's limit (prices below
 * ~1e-7) or the size is below one lot, and naming `--max-position-lots` when the limit is below one lot.
 */
export function chooseOrderSize(config: PaperTraderConfig, firstMid: number, tickRules: TickRules): number {
  const sizeBase = config.orderSizeBase ?? defaultOrderSize(firstMid, tickRules);
  // Sizes round down to the lot: below one lot nothing could ever be quoted (a run of 0 fills).
  if (!(tickRules.roundSize(sizeBase, "down") > 0)) {
    throw new ConfigError(
      `invalid --order-size: ${sizeBase} base units is below the instrument's lot (${tickRules.lotSize}): no order could be sent`,
    );
  }
  const maxPositionLots = config.maxPositionLots ?? ENGINE_DEFAULTS.maxPositionLots;
  if (!(tickRules.roundSize(maxPositionLots * sizeBase, "down") > 0)) {
    throw new ConfigError(
      `invalid --max-position-lots: ${maxPositionLots} × ${sizeBase} base units is below the instrument's lot (${tickRules.lotSize}): no order could be sent`,
    );
  }
  return sizeBase;
}

/**
 * The price grid and order size flags against the first mid, before the output directory is touched
 * (ConfigErrors): a `--tick-size` above the price; for a new run, a size beyond the engine's limit,
 * below one lot (said first) or between lots, and a default size off dollars. A live source's
 * default size waits for its first mid.
 */
export function checkGridFlags(
  config: PaperTraderConfig,
  initialMid: number,
  tickRules: TickRules,
  quoteCurrency: string,
): void {
  if (config.tickSize !== undefined && initialMid > 0 && !(tickRules.roundPrice(initialMid, "down") > 0))
    throw new ConfigError(
      `invalid --tick-size: ${config.tickSize} is above the first price (${initialMid}): no price of the grid is near it`,
    );
  if (config.resume) return; // a checkpoint keeps the size its run used
  requireOrderSizeOffUsd(config, quoteCurrency);
  if (!Number.isNaN(initialMid) || config.orderSizeBase !== undefined)
    chooseOrderSize(config, initialMid, tickRules);
  if (config.orderSizeBase !== undefined) requireWholeLots(config.orderSizeBase, tickRules);
}

/**
 * A new run's `--order-size` must be a whole number of lots: orders go out rounded down to the lot,
 * so a size between lots would quote less than the capital, position limit and kill switch are
 * computed from. A ConfigError names the two whole-lot sizes around it. (Not applied on --resume: a
 * checkpoint keeps the size its run used.)
 */
export function requireWholeLots(orderSizeBase: number, tickRules: TickRules): void {
  const lots = tickRules.roundSize(orderSizeBase, "down");
  if (Math.abs(lots - orderSizeBase) <= 1e-9 * orderSizeBase) return;
  const up = tickRules.roundSize(orderSizeBase, "up");
  throw new ConfigError(
    `invalid --order-size: ${orderSizeBase} base units is not a whole number of lots (lot ${tickRules.lotSize}); use ${lots} or ${up}`,
  );
}

/**
 * A new run on an instrument quoted in a known currency other than dollars needs `--order-size`:
 * the default lot is ~100 units of the quote currency, and 100 BTC (ETHBTC) is millions of dollars.
 */
export function requireOrderSizeOffUsd(config: PaperTraderConfig, quoteCurrency: string): void {
  // "quote": the symbol names no currency (e.g. a recording of a test venue) — warned at build time
  if (quoteCurrency === "USD" || quoteCurrency === "quote" || config.orderSizeBase !== undefined) return;
  throw new ConfigError(
    `invalid --order-size: required when the instrument is quoted in ${quoteCurrency}, not USD (the default lot is ~${DEFAULT_LOT_NOTIONAL_QUOTE} units of the quote currency); set it in base units`,
  );
}

/** ~$100 of notional at the first mid, rounded up to the lot (0.001 without a mid). */
function defaultOrderSize(firstMid: number, tickRules: TickRules): number {
  if (!(firstMid > 0)) return 0.001;
  const raw = DEFAULT_LOT_NOTIONAL_QUOTE / firstMid;
  const rounded = tickRules.roundSize(raw, "up");
  const sizeBase = rounded > 0 ? rounded : raw;
  if (sizeBase > MAX_ORDER_SIZE_BASE) {
    throw new ConfigError(
      `the default order (~${DEFAULT_LOT_NOTIONAL_QUOTE} quote at the first mid ${priceText(firstMid)}) is ${sizeBase} base units, above the limit of ${MAX_ORDER_SIZE_BASE}: set --order-size (at most ${MAX_ORDER_SIZE_BASE})`,
    );
  }
  return sizeBase;
}

/** Whether a lead venue feeds the LeadLag signal: `--binance-lead` live, `--lead-input` in a replay. */
export function leadVenueEnabled(config: PaperTraderConfig): boolean {
  return (
    (config.binanceLead && config.source === "hyperliquid") ||
    (config.leadInput !== undefined && config.source === "replay")
  );
}

/** Everything `buildParts` needs beside the config. */
export interface BuildContext {
  logger: Logger;
  out: AnalyticsLogger | null;
  metrics: RunMetrics | null;
  tickRules: TickRules;
  firstMid: number;
  clock: "exchange" | "local";
  /** Currency of PnL, fees and capital (USD, or the symbol's quote asset). */
  quoteCurrency: string;
  /** Capital of a resumed run (its checkpoint's); else derived from the lot and the first mid. */
  capitalQuote?: number;
}

/** Build estimators, signals, engine, kill switch and paper exchange for one run. */
export function buildParts(config: PaperTraderConfig, ctx: BuildContext): TraderParts {
  const orderSizeBase = chooseOrderSize(config, ctx.firstMid, ctx.tickRules);
  if (ctx.quoteCurrency !== "USD" && config.orderSizeBase === undefined) {
    ctx.logger.warn(
      `the instrument is quoted in ${ctx.quoteCurrency}, not USD: the default lot of ${DEFAULT_LOT_NOTIONAL_QUOTE} ${ctx.quoteCurrency} of notional (${orderSizeBase} base units) may be far from what you mean; set --order-size`,
    );
  }
  const maxPositionLots = config.maxPositionLots ?? ENGINE_DEFAULTS.maxPositionLots;
  // 12 significant digits: the product of three decimals without its float noise (10 × 0.001 ×
  // 100000.05 is 1000.0005, not 1000.0005000000001, in run.json and the checkpoint)
  const capitalQuote =
    ctx.capitalQuote ??
    (ctx.firstMid > 0 ? Number((maxPositionLots * orderSizeBase * ctx.firstMid).toPrecision(12)) : 1000);
  // unset only when built outside a run (runPaperTrader resolves the venue's fees first)
  const makerFeeBps = config.makerFeeBps ?? HYPERLIQUID_BASE_FEES.makerFeeBps;
  const takerFeeBps = config.takerFeeBps ?? HYPERLIQUID_BASE_FEES.takerFeeBps;
  const engineConfig: QuoteEngineConfigInput = {
    ...(config.gamma !== undefined ? { gamma: config.gamma } : {}),
    orderSizeBase,
    maxPositionLots,
    levels: config.ladderLevels,
    depthRatio: config.ladderRatio,
    minHalfSpreadBps: config.minSpreadBps,
    makerFeeBps,
    priorKappaPerFrac: PRIOR_MARKET.kappaPerFrac,
    priorAPerSec: PRIOR_MARKET.aPerSec,
  };
  const engine = new QuoteEngine(engineConfig, {
    tickRules: ctx.tickRules,
    priorSigmaPerSqrtSec: PRIOR_MARKET.sigmaPerSqrtSec,
  });
  const budget = validateRiskBudget(engineConfig, PRIOR_MARKET);
  ctx.logger.info(
    `[CONFIG] gamma=${budget.gamma} half_spread_bps=${budget.halfSpreadBps.toFixed(4)}${budget.floorBound ? " (floor)" : ""} skew_per_lot_bps=${budget.skewPerLotBps.toFixed(4)} skew_at_max_bps=${budget.skewAtMaxBps.toFixed(4)} full_position_shift=${budget.fullPositionShiftRatio.toFixed(2)}x_half_spread order_size=${orderSizeBase} max_position_lots=${maxPositionLots} capital=${capitalQuote.toFixed(2 + moneyExtraDecimals(capitalQuote))} fill_model=${config.fillModel} maker_fee_bps=${makerFeeBps} taker_fee_bps=${takerFeeBps} (prior market: sigma=${PRIOR_MARKET.sigmaPerSqrtSec}/sqrt_s A=${PRIOR_MARKET.aPerSec}/s kappa=${PRIOR_MARKET.kappaPerFrac}; quoting follows the estimates once warmed up)`,
  );
  if (budget.warning !== null) ctx.logger.warn(`[CONFIG] ${budget.warning}`);
  // Level i sits at least at d0·ratio^i (deeper when the minimum level spacing exceeds d0): a steep
  // ratio over many levels leaves the price range (bids at or below 0 are dropped, so the sides end
  // up with different level counts).
  const deepestBps = budget.halfSpreadBps * config.ladderRatio ** (config.ladderLevels - 1);
  if (deepestBps > DEEPEST_LEVEL_WARN_BPS)
    ctx.logger.warn(
      `[CONFIG] ladder: level ${config.ladderLevels} would sit at least ~${deepestBps.toExponential(2)} bps from the mid at the prior market (${config.ladderLevels} levels, ratio ${config.ladderRatio}); levels beyond 10,000 bps cannot be quoted on the bid side and are dropped, and the deep ones will not fill — fewer levels or a smaller --ladder-ratio`,
    );
  const haltFrac = config.killDrawdownPct / 100;
  const killSwitch = new KillSwitch({
    haltDrawdownFrac: haltFrac,
    // ⅔ of the halt level, divided last so 15 % gives exactly 10 % (not 0.09999999999999999).
    reduceOnlyDrawdownFrac: (config.killDrawdownPct * 2) / 3 / 100,
    maxPositionBase: maxPositionLots * orderSizeBase,
    staleDataMs: STALE_DATA_MS,
  });
  const exchange = new PaperExchange({
    fillModel: config.fillModel,
    touchProb: config.fillProb,
    queueTradeLagMs: config.queueTradeLagMs,
    makerFeeBps,
    takerFeeBps,
    latency: {
      kind: "lognormal",
      orderEntryMedianMs: config.latencyMs,
      cancelMedianMs: config.latencyMs,
      sigma: 0.3,
      capMs: config.latencyMs * 5 + 1,
    },
    seed: config.seed,
    horizonsSec: [1, 5, 30],
    tickSize: tickSizeNear(ctx.tickRules, ctx.firstMid),
    lotSize: ctx.tickRules.lotSize,
    startingEquityQuote: capitalQuote,
    clock: ctx.clock,
    // the silence after which the kill switch calls the data stale is where outcomes become unknown
    maxDataGapMs: STALE_DATA_MS,
    intensity: { aPerSec: PRIOR_MARKET.aPerSec, kappaPerFrac: PRIOR_MARKET.kappaPerFrac },
  });
  // The stack reads the exchange's book (updated by the exchange) instead of keeping a copy.
  // With a lead venue (--binance-lead live, --lead-input in replay) the LeadLag signal joins the
  // stack (fed by trader.onReferenceEvent).
  const leadEnabled = leadVenueEnabled(config);
  // AlphaKappa drops the markouts whose horizon falls in a data gap, as the exchange's records do.
  const stackBase = { clock: ctx.clock, book: exchange.book, maxDataGapMs: STALE_DATA_MS };
  const signals = new SignalStack(leadEnabled ? { ...stackBase, leadLag: { enabled: true } } : stackBase);
  // σ from returns at least 1 s apart: quotes and the 1–30 s fill horizons live on the seconds
  // scale, and a tick-level mid is not a martingale (on BTCUSDT spot its tick σ is half its 1 s σ;
  // with 1 s sampling fill-prediction Brier scores improved on the synthetic market and on the three
  // real Binance captures at every horizon but USD-M 30 s).
  const vol = new EwmaVolatility({ halfLifeSec: 60, minSampleSpacingMs: VOL_SAMPLE_SPACING_MS });
  // The fit grid follows the tape (10 bps at least): on an instrument whose prints reach tens of bps
  // a fixed 0–10 bps grid puts every print past its last point and nothing can be fitted.
  const intensity = new IntensityEstimator({
    windowSec: 900,
    adaptiveGrid: {},
    fallback: { aPerSec: PRIOR_MARKET.aPerSec, kappaPerFrac: PRIOR_MARKET.kappaPerFrac },
  });
  return {
    config,
    logger: ctx.logger,
    out: ctx.out,
    metrics: ctx.metrics,
    exchange,
    engine,
    signals,
    vol,
    intensity,
    killSwitch,
    orderSizeBase,
    maxPositionLots,
    capitalQuote,
    clock: ctx.clock,
    leadEnabled,
    quoteCurrency: ctx.quoteCurrency,
    ...(config.source === "synthetic" ? {} : { gridCheck: ctx.tickRules }),
  };
}
