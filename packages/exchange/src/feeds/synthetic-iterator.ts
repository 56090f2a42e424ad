import type { MarketEvent } from "@mmkit/core";
import type { SyntheticMarketConfig } from "./synthetic-config.js";
import type { LatentPath } from "./synthetic-path.js";
import { type MarketOrderTruth, SyntheticStepper } from "./synthetic-stepper.js";
import type { FeedStats } from "./types.js";

/** Counters a pass writes into, handed out when the pass starts (at the first `next()`). */
export interface PassCounters {
  stats: FeedStats;
  orders: MarketOrderTruth;
}

const NO_EVENTS: MarketEvent[] = [];

/**
 * The iterator `SyntheticMarket.events()` returns: behaves as the generator it replaces (lazy
 * start at the first `next()`, a whole step generated before its first event is handed out,
 * counters bumped as each event is handed out, `return`/`throw` finish it) but `next()` is a
 * small method the consumer's loop can inline, so no generator resume per event and usually no
 * result object either.
 */
export class SyntheticEventIterator implements Generator<MarketEvent, undefined, unknown> {
  private out: MarketEvent[] = NO_EVENTS;
  private k = 0;
  private counts: FeedStats["events"] | null = null;
  private stepper: SyntheticStepper | null = null;
  private finished = false;

  constructor(
    private readonly cfg: SyntheticMarketConfig,
    private readonly path: LatentPath,
    private readonly begin: () => PassCounters,
  ) {}

  /** Next event of the pass. */
  next(): IteratorResult<MarketEvent, undefined> {
    const k = this.k;
    const out = this.out;
    if (k < out.length) {
      const e = out[k]!;
      this.k = k + 1;
      countEvent(this.counts!, e);
      return { value: e, done: false };
    }
    return this.advance();
  }

  /** Finish the pass (as a generator's `return`). */
  return(value?: undefined): IteratorResult<MarketEvent, undefined> {
    this.finish();
    return { value, done: true };
  }

  /** Finish the pass and rethrow `e` (as a generator suspended outside any `try`). */
  throw(e: unknown): IteratorResult<MarketEvent, undefined> {
    this.finish();
    throw e;
  }

  [Symbol.iterator](): this {
    return this;
  }

  get [Symbol.toStringTag](): string {
    return "Generator";
  }

  /** The buffer is drained: start the pass, or generate the next step, or end. */
  private advance(): IteratorResult<MarketEvent, undefined> {
    if (this.finished) return { value: undefined, done: true };
    let stepper = this.stepper;
    if (!stepper) {
      const pass = this.begin();
      this.counts = pass.stats.events;
      stepper = new SyntheticStepper(this.cfg, this.path, pass.orders);
      this.stepper = stepper;
      // The initial snapshot and BBO stay buffered and go out with the first step's events.
      if (!stepper.start()) this.outOfRange();
    } else {
      stepper.out.length = 0;
    }
    const out = stepper.out;
    while (!stepper.done) {
      if (!stepper.step()) this.outOfRange();
      // The whole step is generated before any of its events is handed out, as it always was.
      if (out.length !== 0) {
        this.out = out;
        this.k = 0;
        return this.next();
      }
    }
    this.finish();
    return { value: undefined, done: true };
  }

  /** Ticks would leave ±2^52 (no sane config gets there): stop the pass with a clear error. */
  private outOfRange(): never {
    this.finish();
    throw new RangeError(
      `synthetic market: the mid left the supported price range (price/tickSize beyond ±2^52 ticks with tickSize ${this.cfg.tickSize}); use a larger tickSize or a smaller initialMid`,
    );
  }

  private finish(): void {
    this.finished = true;
    this.out = NO_EVENTS;
    this.k = 0;
    this.stepper = null;
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

/**
 * `SyntheticMarket`'s async iterator at speed "max": the old chain (a guard generator checking
 * `close()`, then `pace`'s async generator looping `for await` over it) minus its per-event
 * promise hops; pacing at "max" never waits, so only the close check remains. Like the guard, it
 * pulls the next event first and drops it (ending the pass) when the market was closed meanwhile.
 */
export class MaxSpeedEvents implements AsyncGenerator<MarketEvent, undefined, unknown> {
  private finished = false;

  constructor(
    private readonly events: Generator<MarketEvent>,
    private readonly isClosed: () => boolean,
  ) {}

  /** Next event (already resolved). */
  next(): Promise<IteratorResult<MarketEvent, undefined>> {
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    const r = this.events.next();
    if (r.done || this.isClosed()) {
      this.finish();
      return Promise.resolve({ value: undefined, done: true });
    }
    return Promise.resolve(r);
  }

  /** Finish the iteration (closing the underlying pass). */
  return(value?: undefined): Promise<IteratorResult<MarketEvent, undefined>> {
    this.finish();
    return Promise.resolve({ value, done: true });
  }

  /** Finish the iteration and reject with `e`. */
  throw(e: unknown): Promise<IteratorResult<MarketEvent, undefined>> {
    this.finish();
    return Promise.reject(e);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  get [Symbol.toStringTag](): string {
    return "AsyncGenerator";
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.events.return(undefined);
  }
}
