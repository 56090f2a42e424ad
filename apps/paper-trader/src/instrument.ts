/** Which instrument a replay trades and its price/size grid: from flags, a built-in table, or the data. */
import {
  fixedTickRules,
  gridDecimals,
  HL_PERP_MAX_PRICE_DECIMALS,
  hyperliquidTickRules,
  type MarketEvent,
  type TickRules,
} from "@mmkit/core";
import type { FeedLogger, ReplayFeed, ReplayFormat } from "@mmkit/exchange";
import { tickSizeNear } from "./build.js";
import { ConfigError, type PaperTraderConfig } from "./config.js";
import { HL_SZ_DECIMALS, inferDecimals, inferFixedGrid } from "./grid.js";
import type { RunSource } from "./source.js";

/**
 * The instrument a capture replay trades, as the venue spells it: `--asset` (which must occur in
 * the data) or the first one in the file (warning when the file holds several).
 */
export function replayInstrument(
  feed: ReplayFeed,
  asset: string | undefined,
  sample: readonly MarketEvent[],
  logger: FeedLogger,
): string {
  if (feed.format === "recording") {
    // The header names the feed that wrote it, e.g. `hyperliquid:BTC` or `binance:BTCUSDT`.
    const recorded = recordingVenue(feed.recordingSource)?.instrument;
    if (asset !== undefined && recorded !== undefined && asset.toUpperCase() !== recorded.toUpperCase()) {
      throw new Error(
        `--asset ${asset}: ${feed.path} is a recording of ${feed.recordingSource} (one instrument)`,
      );
    }
    return recorded ?? asset ?? "unknown";
  }
  const seen = [...feed.instrumentsSeen().keys()];
  const kept = feed.instrument();
  const spelled = seen.find((k) => k.toUpperCase() === kept) ?? asset ?? "unknown";
  // Frames tagged with the asset, not just market events: a Binance REST depth snapshot names no
  // symbol, so it alone must not pass for the asset's data.
  const holdsAsset = asset !== undefined && seen.some((k) => k.toUpperCase() === asset.toUpperCase());
  const marketEvents = sample.filter((e) => e.type !== "health").length;
  if (asset !== undefined && seen.length > 0 && (!holdsAsset || marketEvents === 0)) {
    throw new Error(`--asset ${asset}: no ${asset} frames in ${feed.path} (it holds ${seen.join(", ")})`);
  }
  if (asset === undefined && seen.length > 1) {
    logger.warn(
      { instruments: seen },
      `capture holds several instruments (${seen.join(", ")}): replaying ${spelled}, the first; choose one with --asset`,
    );
  }
  return spelled;
}

/** Quote assets that are US dollars or dollar stablecoins: PnL in them is labelled USD (longest first). */
const USD_QUOTES = ["FDUSD", "USDT", "USDC", "BUSD", "TUSD", "USDP", "USD", "DAI"] as const;
/** Other quote assets a Binance symbol may end with. */
const OTHER_QUOTES = ["BTC", "ETH", "BNB", "EUR", "TRY", "BRL", "JPY", "GBP", "AUD"] as const;

/**
 * The currency PnL, fees and capital are counted in: USD for synthetic and Hyperliquid markets (USDC
 * margined) and for Binance symbols quoted in a dollar stablecoin, else the symbol's quote asset
 * (ETHBTC → BTC), or "quote" when the symbol does not say.
 */
export function quoteCurrency(venue: string | null, instrument: string): string {
  if (venue === "synthetic" || venue === "hyperliquid") return "USD";
  // a delivery or perpetual suffix (BTCUSDT_240927, BTCUSD_PERP) says nothing about the quote
  const symbol = instrument.toUpperCase().replace(/_(PERP|\d{6})$/, "");
  if (USD_QUOTES.some((q) => symbol.endsWith(q) && symbol.length > q.length)) return "USD";
  return OTHER_QUOTES.find((q) => symbol.endsWith(q) && symbol.length > q.length) ?? "quote";
}

/**
 * Refuse a Binance coin-margined (inverse) contract, `BTCUSD_PERP` or `BTCUSD_240927`: its sizes are
 * contracts worth a fixed number of dollars and its PnL is in the base coin, which the linear
 * accounting here would misstate by orders of magnitude.
 */
export function requireLinearContract(venue: string | null, instrument: string): void {
  if (venue !== "binance" || !/USD_(PERP|\d{6})$/i.test(instrument)) return;
  throw new ConfigError(
    `${instrument} is a coin-margined (inverse) contract: sizes in contracts and PnL in the coin are not modelled; replay a USDT- or USDC-margined symbol (e.g. ${instrument.toUpperCase().replace(/USD_(PERP|\d{6})$/, "USDT")})`,
  );
}

/** Venue of a replay: the capture's format, or the venue a recording's header names. */
export function replayVenue(format: ReplayFormat, recordingSource: string | null): string | null {
  if (format === "binance-capture") return "binance";
  if (format === "hyperliquid-capture") return "hyperliquid";
  return recordingVenue(recordingSource)?.venue ?? null;
}

/** Venue and instrument of a recording's header source (`venue:INSTRUMENT`), or null when it names none. */
export function recordingVenue(source: string | null): { venue: string; instrument: string } | null {
  const m = source === null ? null : /^([a-z]+):([A-Za-z0-9]+)$/.exec(source);
  return m ? { venue: m[1]!, instrument: m[2]! } : null;
}

/**
 * Hyperliquid szDecimals of a coin in a capture: the built-in value when the data agrees with it
 * (sizes have at most szDecimals decimals, prices at most 6 − szDecimals), else the finest size
 * step seen, with a warning naming `--sz-decimals`.
 */
export function inferHlSzDecimals(coin: string, sample: readonly MarketEvent[], logger: FeedLogger): number {
  const d = inferDecimals(sample);
  const maxSzd = Math.max(0, HL_PERP_MAX_PRICE_DECIMALS - d.priceDecimals);
  const known = HL_SZ_DECIMALS[coin.toUpperCase()];
  if (known !== undefined && known >= d.sizeDecimals && known <= maxSzd) return known;
  const inferred = Math.min(d.sizeDecimals, HL_PERP_MAX_PRICE_DECIMALS);
  const why =
    known === undefined
      ? `szDecimals of ${coin} is not built in`
      : `the data contradicts the built-in szDecimals ${known} of ${coin} (sizes with ${d.sizeDecimals} decimals, prices with ${d.priceDecimals})`;
  logger.warn(
    { coin, szDecimals: inferred },
    `${why}: using ${inferred} from the data (override with --sz-decimals)`,
  );
  return inferred;
}

/** Warn when a given `--sz-decimals` differs from the built-in value or contradicts the data (finer sizes, or prices with more decimals than it allows). */
function warnIfDataContradicts(
  szd: number,
  coin: string,
  sample: readonly MarketEvent[],
  logger: FeedLogger,
): void {
  const known = HL_SZ_DECIMALS[coin.toUpperCase()];
  if (known !== undefined && known !== szd)
    logger.warn(
      { coin, szDecimals: szd, builtIn: known },
      `--sz-decimals ${szd} differs from the built-in szDecimals ${known} of ${coin}: the run follows the flag`,
    );
  const d = inferDecimals(sample);
  if (d.sizeDecimals <= szd && d.priceDecimals <= HL_PERP_MAX_PRICE_DECIMALS - szd) return;
  logger.warn(
    { coin, szDecimals: szd },
    `--sz-decimals ${szd} contradicts the data of ${coin} (sizes with ${d.sizeDecimals} decimals, prices with ${d.priceDecimals}; it allows sizes with ${szd} and prices with ${Math.max(0, HL_PERP_MAX_PRICE_DECIMALS - szd)}): quotes and sizes follow the flag`,
  );
}

/** Tick rules of a replay: Hyperliquid rules by szDecimals, else a fixed grid (flags override the inferred tick/lot). */
export function replayTickRules(
  format: ReplayFormat,
  instrument: string,
  sample: readonly MarketEvent[],
  config: PaperTraderConfig,
  logger: FeedLogger,
  venue: string | null = null,
): TickRules {
  if (format === "hyperliquid-capture" || (format === "recording" && venue === "hyperliquid")) {
    const fixed =
      config.tickSize !== undefined ? "--tick-size" : config.lotSize !== undefined ? "--lot-size" : null;
    if (fixed !== null)
      throw new ConfigError(
        `invalid ${fixed}: this replay is Hyperliquid data, priced by Hyperliquid's rules (5 significant figures); set --sz-decimals instead`,
      );
    if (config.szDecimals !== undefined) warnIfDataContradicts(config.szDecimals, instrument, sample, logger);
    return hyperliquidTickRules(config.szDecimals ?? inferHlSzDecimals(instrument, sample, logger));
  }
  if (config.szDecimals !== undefined)
    throw new ConfigError(
      `invalid --sz-decimals: this replay (${venue ?? format}) has a fixed tick and lot, not Hyperliquid's rules; set --tick-size / --lot-size instead`,
    );
  const inferred = inferFixedGrid(sample);
  warnIfFinerThanData("--tick-size", config.tickSize, inferred.tick, "price", logger);
  warnIfFinerThanData("--lot-size", config.lotSize, inferred.lot, "size", logger);
  return fixedTickRules(config.tickSize ?? inferred.tick, config.lotSize ?? inferred.lot, 0);
}

/** A given grid step finer than the data's: quotes (or sizes) may fall between the venue's steps. */
function warnIfFinerThanData(
  flag: string,
  given: number | undefined,
  dataStep: number,
  what: "price" | "size",
  logger: FeedLogger,
): void {
  if (given === undefined || !(dataStep > given * (1 + 1e-9))) return;
  logger.warn(
    { [flag.slice(2)]: given, data_step: dataStep },
    `${flag} ${decimalText(given)} is finer than the data's ${what} grid (${decimalText(dataStep)}, from its first events): ${what === "price" ? "quotes may fall between the venue's ticks" : "sizes may not be whole venue lots"}; the run follows the flag`,
  );
}

/** Tick rules of a live Hyperliquid coin: `--sz-decimals` or the built-in table (no data yet to infer from). */
export function liveHyperliquidTickRules(coin: string, config: PaperTraderConfig): TickRules {
  const szd = config.szDecimals ?? HL_SZ_DECIMALS[coin.toUpperCase()];
  if (szd === undefined) {
    throw new ConfigError(
      `--sz-decimals is required for ${coin}: its size decimals are not built in (built in: ${Object.keys(HL_SZ_DECIMALS).join(", ")})`,
    );
  }
  return hyperliquidTickRules(szd);
}

/** What a run trades and on which grid, as run.json's `source` and the report state it. */
export interface InstrumentGrid {
  venue: string;
  instrument: string;
  quote_currency: string;
  /** Size step in base units. */
  lot_size: number;
  /** Price step near the first mid (Hyperliquid's varies with the price); null before a mid is known. */
  tick_size: number | null;
}

/** The grid of a run's instrument, with the price step near `mid` (NaN: not known yet). */
export function instrumentGrid(source: RunSource, mid: number): InstrumentGrid {
  const tick = tickSizeNear(source.tickRules, mid);
  return {
    venue: source.venue,
    instrument: source.instrument,
    quote_currency: source.quoteCurrency,
    lot_size: source.tickRules.lotSize,
    tick_size: tick > 0 ? tick : null,
  };
}

/** One line for the report: "ETHBTC on binance, in BTC; tick 0.00001 near the first mid, lot 0.0001". */
export function instrumentText(g: InstrumentGrid): string {
  const currency = g.quote_currency === "quote" ? "its quote currency" : g.quote_currency;
  const tick = g.tick_size === null ? "tick unknown" : `tick ${decimalText(g.tick_size)} near the first mid`;
  return `${g.instrument} on ${g.venue}, in ${currency}; ${tick}, lot ${decimalText(g.lot_size)}`;
}

/** A grid step in plain decimals (0.0000001, not 1e-7), with the step's own decimals. */
export function decimalText(step: number): string {
  const d = gridDecimals(step);
  return d > 0 ? step.toFixed(d) : String(step);
}
