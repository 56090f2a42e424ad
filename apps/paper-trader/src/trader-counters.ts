/** The trader's run counters: what a checkpoint carries besides the components' own state. */
import type { RiskTransitionKey } from "./kill-switch-log.js";

/** Run counters that a checkpoint carries. */
export interface TraderCounters {
  events: number;
  cycles: number;
  fills: number;
  wins: number;
  markedFills: number;
  firstTsMs: number | null;
  lastTsMs: number;
  lastBookTsMs: number;
  nextQuoteMs: number;
  nextEquityMs: number;
  nextEquityLineMs: number;
  nextAnalyticsMs: number;
  nextWarmupLogMs: number;
  lastTransition: RiskTransitionKey | null;
  lastGlftBaseBps: number | null;
  /** Total PnL at the previous `[PNL SUMMARY]` (its `net` is the change since then). */
  pnlAtLastSummary: number;
  warmupDoneLogged: boolean;
  /** Fill predictions made from the tape's measured arrival curve (the exponential fit not usable). */
  empiricalPredictions: number;
}

/** The counters of a trader that has seen no event yet. */
export function initialCounters(): TraderCounters {
  return {
    events: 0,
    cycles: 0,
    fills: 0,
    wins: 0,
    markedFills: 0,
    firstTsMs: null,
    lastTsMs: 0,
    lastBookTsMs: 0,
    nextQuoteMs: 0,
    nextEquityMs: 0,
    nextEquityLineMs: 0,
    nextAnalyticsMs: 0,
    nextWarmupLogMs: 0,
    lastTransition: null,
    lastGlftBaseBps: null,
    pnlAtLastSummary: 0,
    warmupDoneLogged: false,
    empiricalPredictions: 0,
  };
}

/**
 * Whether the market data is stale at `ts`: the last accepted book is older than `staleMs` (the
 * kill switch's limit). Nothing is quoted and the statistics pause while it is.
 */
export function marketDataStale(c: TraderCounters, ts: number, staleMs: number): boolean {
  return c.lastBookTsMs > 0 && ts - c.lastBookTsMs > staleMs;
}
