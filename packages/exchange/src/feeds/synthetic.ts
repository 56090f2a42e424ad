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
import { referenceEvents } from "./synthetic-reference.js";
import { type MarketOrderTruth, SyntheticStepper } from "./synthetic-stepper.js";
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
  *events(): Generator<MarketEvent> {
    const cfg = this.config;
    const stats = emptyFeedStats();
    this.counts = stats;
    const orders: MarketOrderTruth = { buy: 0, sell: 0, unfilled: 0, undisplayedPrints: 0 };
    this.orders = orders;
    const counts = stats.events;
    const gen = new SyntheticStepper(cfg, this.path, orders);
    const out = gen.out;
    let yielded = 0;
    if (gen.start()) {
      while (!gen.done) {
        if (!gen.step()) break;
        // The whole step is generated before any of its events is handed out, as it always was.
        for (let k = 0; k < out.length; k++) {
          const e = out[k]!;
          countEvent(counts, e);
          yielded++;
          yield e;
        }
        out.length = 0;
      }
    }
    if (gen.exact) return;
    // Ticks left ±2^52 (never for sane configs): replay the pass with the Map-based reference
    // generator from the start (same seed, so the same stream) and continue after the events
    // already handed out. The skipped prefix is regenerated synchronously into reset counters.
    Object.assign(counts, emptyFeedStats().events);
    Object.assign(orders, { buy: 0, sell: 0, unfilled: 0, undisplayedPrints: 0 });
    const ref = referenceEvents(cfg, this.path, stats, orders);
    for (let k = 0; k < yielded; k++) ref.next();
    yield* ref;
  }
}

/** `counts[e.type]++` with literal property names (a keyed increment by a variable name is slower). */
function countEvent(counts: FeedStats["events"], e: MarketEvent): void {
  switch (e.type) {
    case "trade":
      counts.trade++;
      break;
    case "delta":
      counts.delta++;
      break;
    case "bbo":
      counts.bbo++;
      break;
    case "snapshot":
      counts.snapshot++;
      break;
    case "health":
      counts.health++;
      break;
  }
}
