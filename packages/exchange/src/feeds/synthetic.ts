import type { MarketEvent } from "@mmkit/core";
import { pace } from "./pace.js";
import {
  parseSyntheticConfig,
  type SyntheticMarketConfig,
  type SyntheticMarketConfigInput,
} from "./synthetic-config.js";
import {
  drawLatentPath,
  type JumpTruth,
  type LatentPath,
  type RegimeSegment,
  type RunTruth,
} from "./synthetic-path.js";
import { MaxSpeedEvents, type PassCounters, SyntheticEventIterator } from "./synthetic-iterator.js";
import type { MarketOrderTruth } from "./synthetic-stepper.js";
import { copyFeedStats, emptyFeedStats, type EventTimeFeed, type FeedStats } from "./types.js";

export type { MarketOrderTruth } from "./synthetic-stepper.js";

/** Everything the synthetic market knows about itself. Counts refer to the last full `events()` pass. */
export interface SyntheticGroundTruth {
  config: SyntheticMarketConfig;
  regimePath: RegimeSegment[];
  jumps: JumpTruth[];
  runs: RunTruth[];
  counts: FeedStats["events"];
  marketOrders: MarketOrderTruth;
}

/**
 * Seeded synthetic perpetual market with known ground truth: regime-switching diffusion with
 * jumps and one-way runs for the latent mid, a dense tick-by-tick book re-centred on it, and
 * market orders per side at Poisson rate A whose reached depth δ (fraction of mid) is Exp(κ), so
 * orders reaching ≥ δ arrive at exactly A·exp(−κδ) per second.
 */
export class SyntheticMarket implements EventTimeFeed {
  /** Feed name `synthetic:<seed>`. */
  readonly name: string;
  /** Resolved configuration. */
  readonly config: SyntheticMarketConfig;
  private readonly path: LatentPath;
  private counts: FeedStats = emptyFeedStats();
  private orders: MarketOrderTruth = { buy: 0, sell: 0, unfilled: 0, undisplayedPrints: 0 };
  private closed = false;

  constructor(config: SyntheticMarketConfigInput = {}) {
    this.config = parseSyntheticConfig(config);
    this.name = `synthetic:${this.config.seed}`;
    this.path = drawLatentPath(this.config);
  }

  /** Ground truth: config, regime path, jumps, runs, and counts of the last full pass. */
  groundTruth(): SyntheticGroundTruth {
    return {
      config: this.config,
      regimePath: this.path.regimes.map((s) => ({ ...s })),
      jumps: this.path.jumps.map((j) => ({ ...j })),
      runs: this.path.runs.map((r) => ({ ...r })),
      counts: { ...this.counts.events },
      marketOrders: { ...this.orders },
    };
  }

  /** Counters of the current or last pass. */
  stats(): FeedStats {
    return copyFeedStats(this.counts);
  }

  /** Stop an async iteration. */
  async close(): Promise<void> {
    this.closed = true;
  }

  [Symbol.asyncIterator](): AsyncIterator<MarketEvent> {
    this.closed = false;
    if (this.config.speed === "max") return new MaxSpeedEvents(this.events(), () => this.closed);
    const self = this;
    function* guarded(): Generator<MarketEvent> {
      for (const e of self.events()) {
        if (self.closed) return;
        yield e;
      }
    }
    return pace(guarded(), this.config.speed)[Symbol.asyncIterator]();
  }

  /** All events in event time (deterministic for a seed; each call restarts the market). */
  events(): Generator<MarketEvent> {
    return new SyntheticEventIterator(this.config, this.path, () => this.beginPass());
  }

  /** Fresh counters for a pass that starts now (they become the ones `stats()` reports). */
  private beginPass(): PassCounters {
    const stats = emptyFeedStats();
    this.counts = stats;
    const orders: MarketOrderTruth = { buy: 0, sell: 0, unfilled: 0, undisplayedPrints: 0 };
    this.orders = orders;
    return { stats, orders };
  }
}
