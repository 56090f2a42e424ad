/** The smallest half-spread ever quoted, and the floor a config implies. */
import type { QuoteEngineConfig } from "./config.js";

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
