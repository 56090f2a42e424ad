/** What a paper trader is built from (constructed by `buildParts`). */
import type { AnalyticsLogger } from "@mmkit/analytics";
import type { EwmaVolatility, IntensityEstimator, KillSwitch, QuoteEngine, TickRules } from "@mmkit/core";
import type { PaperExchange } from "@mmkit/exchange";
import type { SignalStack } from "@mmkit/signals";
import type { Logger } from "pino";
import type { PaperTraderConfig } from "./config.js";
import type { RunMetrics } from "./metrics.js";

/** Everything the trader is built from (constructed by `buildParts`). */
export interface TraderParts {
  config: PaperTraderConfig;
  logger: Logger;
  out: AnalyticsLogger | null;
  metrics: RunMetrics | null;
  exchange: PaperExchange;
  engine: QuoteEngine;
  signals: SignalStack;
  vol: EwmaVolatility;
  intensity: IntensityEstimator;
  killSwitch: KillSwitch;
  orderSizeBase: number;
  maxPositionLots: number;
  capitalQuote: number;
  clock: "exchange" | "local";
  /** Whether a lead venue feeds the LeadLag signal (`--binance-lead`). */
  leadEnabled: boolean;
  /** Currency of PnL, fees and capital, as the `[FILL PNL]` line labels them. */
  quoteCurrency: string;
  /**
   * The venue's price rules to check trade prints against (real data only: a print off them means
   * the venue's tick changed or the inferred/given grid is wrong); absent for the synthetic market.
   */
  gridCheck?: TickRules;
}
