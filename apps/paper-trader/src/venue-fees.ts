/**
 * Default fees: the base (lowest-volume, no discount) tier of the venue whose data the run trades
 * on, for a run that sets no `--maker-fee-bps` / `--taker-fee-bps`. A Binance replay booked at
 * Hyperliquid's 1.5 bps maker fee understated its costs (spot: 0.58 instead of 3.90 over a capture).
 */
import type { PaperTraderConfig } from "./config.js";

/** Maker and taker fee of a venue tier, in bps of notional. */
export interface VenueFees {
  makerFeeBps: number;
  takerFeeBps: number;
}

/** Hyperliquid perps, base tier (also the synthetic market's, which imitates Hyperliquid). */
export const HYPERLIQUID_BASE_FEES: VenueFees = { makerFeeBps: 1.5, takerFeeBps: 4.5 };
/** Binance USD-M futures, base tier (VIP 0, no BNB discount). */
const BINANCE_USDM_BASE_FEES: VenueFees = { makerFeeBps: 2, takerFeeBps: 5 };
/** Binance spot, base tier (VIP 0, no BNB discount). */
const BINANCE_SPOT_BASE_FEES: VenueFees = { makerFeeBps: 10, takerFeeBps: 10 };

/**
 * Base-tier fees of `venue` (synthetic, hyperliquid, binance, or a recording's "replay"); a Binance
 * market not known to be spot (a recording, whose live feed is USD-M) counts as USD-M futures.
 */
export function venueFees(venue: string, binanceMarket: "usdm" | "spot" | null): VenueFees {
  if (venue !== "binance") return HYPERLIQUID_BASE_FEES;
  return binanceMarket === "spot" ? BINANCE_SPOT_BASE_FEES : BINANCE_USDM_BASE_FEES;
}

/** `config` with the venue's base-tier fee for each fee it leaves unset (`[CONFIG]` states the fees in use). */
export function withVenueFees(
  config: PaperTraderConfig,
  source: { venue: string; binanceMarket: "usdm" | "spot" | null },
): PaperTraderConfig {
  if (config.makerFeeBps !== undefined && config.takerFeeBps !== undefined) return config;
  const fees = venueFees(source.venue, source.binanceMarket);
  return {
    ...config,
    makerFeeBps: config.makerFeeBps ?? fees.makerFeeBps,
    takerFeeBps: config.takerFeeBps ?? fees.takerFeeBps,
  };
}
