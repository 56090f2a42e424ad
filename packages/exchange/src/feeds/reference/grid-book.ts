import type { PriceLevel } from "@mmkit/core";

/**
 * The synthetic displayed book on an integer tick grid: `dense` levels at every tick from the
 * touch, then levels every `coarse` ticks (on multiples of `coarse`, so they stay put while the
 * touch moves), `levels` per side in total. Sizes are integer lots; a level always has ≥ 1 lot.
 */
export class GridBook {
  /** Best bid tick (best ask is `bb + 1`: a one-tick spread). */
  bb: number;
  /** Lots by tick. */
  readonly bids = new Map<number, number>();
  /** Lots by tick. */
  readonly asks = new Map<number, number>();

  constructor(
    readonly levels: number,
    readonly dense: number,
    readonly coarse: number,
    bestBidTick: number,
    private readonly drawLots: (levelIndex: number) => number,
  ) {
    this.bb = bestBidTick;
    for (let i = 0; i < levels; i++) {
      this.bids.set(this.bidTickAt(i), drawLots(i));
      this.asks.set(this.askTickAt(i), drawLots(i));
    }
  }

  /** Tick of ask level i (0 = touch) for best bid `bb`. */
  askTickAt(i: number, bb = this.bb): number {
    if (i < this.dense) return bb + 1 + i;
    const first = (Math.floor((bb + this.dense) / this.coarse) + 1) * this.coarse;
    return first + (i - this.dense) * this.coarse;
  }

  /** Tick of bid level i (0 = touch) for best bid `bb`. */
  bidTickAt(i: number, bb = this.bb): number {
    if (i < this.dense) return bb - i;
    const first = (Math.ceil((bb - this.dense + 1) / this.coarse) - 1) * this.coarse;
    return first - (i - this.dense) * this.coarse;
  }

  /** Level index of an ask tick, or -1 when not a displayed level. */
  askIndex(tick: number, bb = this.bb): number {
    const d = tick - bb - 1;
    if (d < 0) return -1;
    if (d < this.dense) return d;
    if (tick % this.coarse !== 0) return -1;
    const i = this.dense + (tick - this.askTickAt(this.dense, bb)) / this.coarse;
    return i >= this.dense && i < this.levels ? i : -1;
  }

  /** Level index of a bid tick, or -1 when not a displayed level. */
  bidIndex(tick: number, bb = this.bb): number {
    const d = bb - tick;
    if (d < 0) return -1;
    if (d < this.dense) return d;
    if (tick % this.coarse !== 0) return -1;
    const i = this.dense + (this.bidTickAt(this.dense, bb) - tick) / this.coarse;
    return i >= this.dense && i < this.levels ? i : -1;
  }

  /**
   * Move the touch to best bid `nb`. Removed levels (size 0) go to `removed`, new levels to `added`
   * (apply removals first so no update ever crosses the other side).
   */
  recenter(
    nb: number,
    toPrice: (tick: number) => number,
    toSize: (lots: number) => number,
    removed: { bids: PriceLevel[]; asks: PriceLevel[] },
    added: { bids: PriceLevel[]; asks: PriceLevel[] },
  ): void {
    if (nb === this.bb) return;
    const ob = this.bb;
    const L = this.levels;
    // Bids: both tick lists descending; a two-pointer merge finds removed and added ticks.
    let i = 0;
    let j = 0;
    while (i < L || j < L) {
      const o = i < L ? this.bidTickAt(i, ob) : Number.NEGATIVE_INFINITY;
      const n = j < L ? this.bidTickAt(j, nb) : Number.NEGATIVE_INFINITY;
      if (o === n) {
        i++;
        j++;
      } else if (o > n) {
        this.bids.delete(o);
        removed.bids.push({ price: toPrice(o), size: 0 });
        i++;
      } else {
        const lots = this.drawLots(j);
        this.bids.set(n, lots);
        added.bids.push({ price: toPrice(n), size: toSize(lots) });
        j++;
      }
    }
    // Asks: both ascending.
    i = 0;
    j = 0;
    while (i < L || j < L) {
      const o = i < L ? this.askTickAt(i, ob) : Number.POSITIVE_INFINITY;
      const n = j < L ? this.askTickAt(j, nb) : Number.POSITIVE_INFINITY;
      if (o === n) {
        i++;
        j++;
      } else if (o < n) {
        this.asks.delete(o);
        removed.asks.push({ price: toPrice(o), size: 0 });
        i++;
      } else {
        const lots = this.drawLots(j);
        this.asks.set(n, lots);
        added.asks.push({ price: toPrice(n), size: toSize(lots) });
        j++;
      }
    }
    this.bb = nb;
  }
}
