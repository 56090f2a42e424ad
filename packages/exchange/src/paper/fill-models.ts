import type { Rng } from "@mmkit/core";
import type { FillModelName } from "./events.js";

/** Queue state of one (real or virtual) order at its price level. */
export interface QueueSlot {
  /** Estimated displayed size ahead of us at our price (others' orders only). */
  queueAheadSize: number;
  /** Displayed size at our price at the last book update we saw. */
  levelSize: number;
  /** Traded quantity printed at our price since that book update (explains size decreases). */
  tradedSinceUpdate: number;
  /**
   * Displayed decrease at our price that no print had explained when the book showed it, still
   * open to a print arriving within the trade lag (the venue's book feed often shows a trade's
   * footprint before its print): such a print is that decrease, not a second one.
   */
  lagDecrease: number;
  /** The part of `lagDecrease` that was taken off the queue ahead of us (by the ahead/behind share). */
  lagAheadCut: number;
  /** Time (ms) of the first book update of `lagDecrease` (the window runs from it). */
  lagTsMs: number;
}

/** What the fill model sees of one trade print when allocating it to one of our orders. */
export interface TradeContext {
  /** True when the print is strictly through our price (the whole level was swept). */
  through: boolean;
  /** Trade quantity not yet allocated to our other orders or to the queue ahead of them. */
  remainingQty: number;
  /** Queue-ahead quantity this print already consumed at our price level (shared by our orders there). */
  othersConsumedAtLevel: number;
  /** Open size of our order. */
  openSize: number;
  /** Whole quantity of the print (at its one price). */
  printQty: number;
  /** A recorded trade (true) or a print inferred from a crossed book (false: it explains no decrease). */
  recorded: boolean;
  /** Time of the print, ms. */
  tsMs: number;
  rng: Rng;
}

/** What a fill model updates on one of our orders after a print reached it. */
export interface PrintOutcome {
  /** True when the print was strictly through our price. */
  through: boolean;
  /** Whole quantity of the print. */
  printQty: number;
  /** Queue-ahead quantity the print consumed at our level (all of it for a virtual order). */
  consumedAtLevel: number;
  recorded: boolean;
  tsMs: number;
}

/** A fill model's decision for one order and one print. */
export interface FillDecision {
  fillSize: number;
  /** Extra quantity of others' queue at our level this traversal consumed before reaching us. */
  othersConsumed: number;
}

/** Share of an unexplained displayed-size decrease that came from ahead of us, given front/back sizes. */
export type QueueAheadShare = (frontSize: number, backSize: number) => number;

/** Serializable choice of queue-ahead share function. */
export type QueueShareConfig =
  | { kind: "proportional" }
  | { kind: "power"; exponent: number }
  | { kind: "allBehind" };

/** A fill model: how trade prints fill our resting post-only orders. */
export interface FillModel {
  readonly name: FillModelName;
  /**
   * Probability factor for a print landing exactly at our price (touch: p, queue: 1 with no queue
   * ahead, through: 0); used only for the fill-probability prediction.
   */
  readonly atPriceFillFactor: number;
  /** Queue ahead when an order becomes live behind `displayedSize` at its price. */
  initialQueueAhead(displayedSize: number): number;
  /** Allocate one print to one order. */
  allocate(slot: QueueSlot, ctx: TradeContext): FillDecision;
  /** Update queue state after a print reached the order (consumed queue, traded quantity). */
  afterPrint(slot: QueueSlot, print: PrintOutcome): void;
  /** Update queue state after a book update at `tsMs` shows `newSize` displayed at our price. */
  onLevelSize(slot: QueueSlot, newSize: number, tsMs: number): void;
}

/**
 * Default window (ms) in which a print at our price can be the footprint of an earlier unexplained
 * displayed decrease (Binance USD-M BTCUSDT sample: median 13 ms between a touch decrease and the
 * print that explains it).
 */
export const DEFAULT_QUEUE_TRADE_LAG_MS = 100;

const NO_FILL: FillDecision = { fillSize: 0, othersConsumed: 0 };

/** Proportional share: a cancel is equally likely anywhere in the queue. */
export const proportionalShare: QueueAheadShare = (front, back) =>
  front + back > 0 ? front / (front + back) : 0;

/** Power share f(x)=xⁿ (hftbacktest-style): fⁿ(front)/(fⁿ(front)+fⁿ(back)); n > 1 favours the larger side. */
export function powerShare(exponent: number): QueueAheadShare {
  if (!(exponent > 0)) throw new Error(`queue share exponent must be > 0, got ${exponent}`);
  return (front, back) => {
    const f = front ** exponent;
    const b = back ** exponent;
    return f + b > 0 ? f / (f + b) : 0;
  };
}

/** Pessimistic share: every unexplained decrease is behind us (queue ahead only shrinks by trades). */
export const allBehindShare: QueueAheadShare = () => 0;

/** Build a share function from its configuration. */
export function queueShareFromConfig(cfg: QueueShareConfig): QueueAheadShare {
  switch (cfg.kind) {
    case "proportional":
      return proportionalShare;
    case "power":
      return powerShare(cfg.exponent);
    case "allBehind":
      return allBehindShare;
  }
}

function noLevelTracking(slot: QueueSlot, newSize: number): void {
  slot.levelSize = newSize;
  slot.tradedSinceUpdate = 0;
}

/** Queue bookkeeping without a trade lag: the print consumed what it consumed. */
function plainAfterPrint(slot: QueueSlot, print: PrintOutcome): void {
  if (print.through) {
    slot.queueAheadSize = 0;
    return;
  }
  slot.queueAheadSize = Math.max(0, slot.queueAheadSize - print.consumedAtLevel);
  slot.tradedSinceUpdate += print.printQty;
}

/** `touch`: a print at our price fills with probability p; a print through our price always fills. */
export class TouchFillModel implements FillModel {
  readonly name = "touch" as const;
  readonly atPriceFillFactor: number;
  constructor(readonly touchProb = 0.5) {
    if (!(touchProb >= 0 && touchProb <= 1))
      throw new Error(`touch fill probability must be in [0, 1], got ${touchProb}`);
    this.atPriceFillFactor = touchProb;
  }
  /** No queue is modelled. */
  initialQueueAhead(): number {
    return 0;
  }
  /** Fill min(open, remaining) if through, or with probability p if at our price. */
  allocate(_slot: QueueSlot, ctx: TradeContext): FillDecision {
    if (ctx.remainingQty <= 0) return NO_FILL;
    if (!ctx.through && !ctx.rng.bernoulli(this.touchProb)) return NO_FILL;
    return { fillSize: Math.min(ctx.openSize, ctx.remainingQty), othersConsumed: 0 };
  }
  /** No queue: only the traded quantity is kept. */
  afterPrint(slot: QueueSlot, print: PrintOutcome): void {
    plainAfterPrint(slot, print);
  }
  /** Level sizes are irrelevant. */
  onLevelSize(slot: QueueSlot, newSize: number): void {
    noLevelTracking(slot, newSize);
  }
}

/** `through`: pessimistic, only prints strictly through our price fill. */
export class ThroughFillModel implements FillModel {
  readonly name = "through" as const;
  readonly atPriceFillFactor = 0;
  /** No queue is modelled. */
  initialQueueAhead(): number {
    return 0;
  }
  /** Fill min(open, remaining) only when the print is through our price. */
  allocate(_slot: QueueSlot, ctx: TradeContext): FillDecision {
    if (!ctx.through || ctx.remainingQty <= 0) return NO_FILL;
    return { fillSize: Math.min(ctx.openSize, ctx.remainingQty), othersConsumed: 0 };
  }
  /** No queue: only the traded quantity is kept. */
  afterPrint(slot: QueueSlot, print: PrintOutcome): void {
    plainAfterPrint(slot, print);
  }
  /** Level sizes are irrelevant. */
  onLevelSize(slot: QueueSlot, newSize: number): void {
    noLevelTracking(slot, newSize);
  }
}

/**
 * `queue`: we join behind the displayed size at our price; prints at our price consume the queue
 * ahead first and the overshoot fills us; displayed decreases not explained by prints are split
 * ahead/behind by `share(front, back)`; prints through our price fill us.
 *
 * Feeds often show a trade's footprint (the level shrinking) before its print. A recorded print at
 * our price within `tradeLagMs` of such an unexplained decrease is taken as that decrease: the part
 * of it the share had taken off the queue ahead is put back, and the print then consumes the queue
 * from the front as a trade does. Without this the same traded quantity would advance us twice
 * (once as a cancel, once as a trade) and fill us too early. `tradeLagMs = 0` turns it off.
 */
export class QueueFillModel implements FillModel {
  readonly name = "queue" as const;
  readonly atPriceFillFactor = 1;
  constructor(
    private readonly share: QueueAheadShare = proportionalShare,
    private readonly tradeLagMs = DEFAULT_QUEUE_TRADE_LAG_MS,
  ) {
    if (!(tradeLagMs >= 0) || !Number.isFinite(tradeLagMs))
      throw new Error(`queue trade lag must be a finite number of ms >= 0, got ${tradeLagMs}`);
  }
  /** Everything displayed at our price is ahead of us. */
  initialQueueAhead(displayedSize: number): number {
    return Math.max(0, displayedSize);
  }
  /** The part of a recent unexplained decrease a recorded print at our price turns out to be (0: none). */
  private lagMatched(slot: QueueSlot, recorded: boolean, printQty: number, tsMs: number): number {
    if (!recorded || !(slot.lagDecrease > 0) || tsMs - slot.lagTsMs > this.tradeLagMs) return 0;
    return Math.min(slot.lagDecrease, printQty);
  }
  /** The part of the queue ahead a matched decrease had taken, to put back (its share of the cut). */
  private static restoredFor(slot: QueueSlot, matched: number): number {
    return matched > 0 ? (slot.lagAheadCut * matched) / slot.lagDecrease : 0;
  }
  /** Consume the queue ahead (shared with our other orders at this level), then fill us. */
  allocate(slot: QueueSlot, ctx: TradeContext): FillDecision {
    if (ctx.remainingQty <= 0) return NO_FILL;
    if (ctx.through) return { fillSize: Math.min(ctx.openSize, ctx.remainingQty), othersConsumed: 0 };
    const matched = this.lagMatched(slot, ctx.recorded, ctx.printQty, ctx.tsMs);
    const restored = QueueFillModel.restoredFor(slot, matched);
    const need = Math.max(0, slot.queueAheadSize + restored - ctx.othersConsumedAtLevel);
    const consumed = Math.min(need, ctx.remainingQty);
    const left = ctx.remainingQty - consumed;
    return { fillSize: Math.min(ctx.openSize, left), othersConsumed: consumed };
  }
  /** Consume the queue (after putting back what a matched decrease took); keep the unmatched print quantity. */
  afterPrint(slot: QueueSlot, print: PrintOutcome): void {
    if (print.through) {
      slot.queueAheadSize = 0;
      return;
    }
    const matched = this.lagMatched(slot, print.recorded, print.printQty, print.tsMs);
    if (matched > 0) {
      const restored = QueueFillModel.restoredFor(slot, matched);
      slot.queueAheadSize += restored;
      slot.lagAheadCut -= restored;
      slot.lagDecrease -= matched;
    }
    slot.queueAheadSize = Math.max(0, slot.queueAheadSize - print.consumedAtLevel);
    // Never more ahead than the level shows (the matched quantity already left it): the print may
    // have gone partly to our own orders first (a better price, or ahead of us here), consuming
    // less of this level than was put back.
    if (matched > 0) slot.queueAheadSize = Math.min(slot.queueAheadSize, Math.max(0, slot.levelSize));
    // the matched quantity is already out of levelSize: only the rest is still to be explained
    slot.tradedSinceUpdate += print.printQty - matched;
  }
  /** Attribute the unexplained part of a size change to ahead/behind; clamp the queue to the level. */
  onLevelSize(slot: QueueSlot, newSize: number, tsMs: number): void {
    const afterTrades = Math.max(0, slot.levelSize - slot.tradedSinceUpdate);
    const decrease = afterTrades - newSize;
    const before = slot.queueAheadSize;
    if (decrease > 0) {
      const front = Math.min(slot.queueAheadSize, afterTrades);
      const back = Math.max(0, afterTrades - front);
      const share = Math.min(1, Math.max(0, this.share(front, back)));
      slot.queueAheadSize = front - decrease * share;
    }
    slot.queueAheadSize = Math.min(Math.max(0, slot.queueAheadSize), Math.max(0, newSize));
    if (decrease > 0 && this.tradeLagMs > 0) {
      // Open to a print within the lag of the FIRST decrease of the record: one still in reach is
      // added to (a footprint shown in several updates), keeping its time, so a run of small
      // decreases never stretches the window; an expired one is replaced.
      const cut = Math.max(0, before - slot.queueAheadSize);
      const live = slot.lagDecrease > 0 && tsMs - slot.lagTsMs <= this.tradeLagMs;
      slot.lagDecrease = (live ? slot.lagDecrease : 0) + decrease;
      slot.lagAheadCut = Math.min(slot.lagDecrease, (live ? slot.lagAheadCut : 0) + cut);
      if (!live) slot.lagTsMs = tsMs;
    }
    slot.levelSize = newSize;
    slot.tradedSinceUpdate = 0;
  }
}

/** Serializable fill-model configuration. */
export type FillModelConfig =
  | { name: "touch"; touchProb?: number }
  | { name: "queue"; queueShare?: QueueShareConfig; tradeLagMs?: number }
  | { name: "through" };

/** Build a fill model by name. */
export function fillModelFromConfig(cfg: FillModelConfig): FillModel {
  switch (cfg.name) {
    case "touch":
      return new TouchFillModel(cfg.touchProb ?? 0.5);
    case "queue":
      return new QueueFillModel(
        queueShareFromConfig(cfg.queueShare ?? { kind: "proportional" }),
        cfg.tradeLagMs ?? DEFAULT_QUEUE_TRADE_LAG_MS,
      );
    case "through":
      return new ThroughFillModel();
  }
}
