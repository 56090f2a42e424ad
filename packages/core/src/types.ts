/** Domain types shared by every mmkit package. Prices are quote currency, sizes base units, times ms. */

/** Order / aggressor side. A `buy` aggressor lifts the ask; a `buy` order rests on the bid. */
export type Side = "buy" | "sell";

/** The opposite side. */
export function oppositeSide(side: Side): Side {
  return side === "buy" ? "sell" : "buy";
}

/** +1 for buy, -1 for sell. */
export function sideSign(side: Side): 1 | -1 {
  return side === "buy" ? 1 : -1;
}

/** One price level of an L2 book. `count` is the number of orders when the venue reports it. */
export interface PriceLevel {
  price: number;
  size: number;
  count?: number;
}

/** A full L2 book image: bids best (highest) first, asks best (lowest) first. */
export interface BookSnapshot {
  bids: PriceLevel[];
  asks: PriceLevel[];
  exchangeTsMs: number;
  localTsMs: number;
}

/** A public trade print. `aggressor` is the side of the taker. */
export interface Trade {
  price: number;
  size: number;
  aggressor: Side;
  exchangeTsMs: number;
  localTsMs: number;
  id?: string;
  /**
   * More prints of the same taker order follow at this instant (it swept several prices): the
   * venue matched them at once, so nothing can be placed or cancelled between them.
   */
  sweepContinues?: boolean;
}

/** Best bid / offer. */
export interface Bbo {
  bidPrice: number;
  bidSize: number;
  askPrice: number;
  askSize: number;
}

/** Lifecycle of a simulated or live order. */
export type OrderStatus =
  | "pending"
  | "open"
  | "partiallyFilled"
  | "filled"
  | "cancelPending"
  | "cancelled"
  | "rejected";

/** A resting limit order. */
export interface Order {
  id: string;
  clientId?: string;
  side: Side;
  price: number;
  size: number;
  filledSize: number;
  status: OrderStatus;
  postOnly: boolean;
  createdTsMs: number;
  /** Quote-cycle id that produced this order (used for attribution). */
  cycleId?: number;
  /** Ladder level index (0 = touch). */
  level?: number;
}

/** A fill of one of our orders. `feeQuote` is positive for a cost, negative for a rebate. */
export interface Fill {
  orderId: string;
  side: Side;
  price: number;
  size: number;
  feeQuote: number;
  liquidity: "maker" | "taker";
  tsMs: number;
  midAtFill: number;
  cycleId?: number;
  level?: number;
}

/** One desired quote (a level of the ladder). */
export interface Quote {
  side: Side;
  price: number;
  size: number;
  level: number;
  /** Distance from the fair price in bps (positive = away from fair). */
  depthBps: number;
}

/** Desired quotes for both sides, best level first. */
export interface QuoteLadder {
  bids: Quote[];
  asks: Quote[];
}

/**
 * Normalized market-data events: the one event model every feed yields.
 * Both the exchange timestamp and the local receive timestamp are in ms since the epoch.
 */
export type MarketEvent =
  | { type: "snapshot"; exchangeTsMs: number; localTsMs: number; bids: PriceLevel[]; asks: PriceLevel[] }
  | {
      type: "delta";
      exchangeTsMs: number;
      localTsMs: number;
      /** Level replacements; size 0 deletes the level. */
      bids: PriceLevel[];
      asks: PriceLevel[];
    }
  | { type: "bbo"; exchangeTsMs: number; localTsMs: number; bbo: Bbo }
  | { type: "trade"; exchangeTsMs: number; localTsMs: number; trade: Trade }
  | { type: "health"; exchangeTsMs: number; localTsMs: number; status: FeedHealthStatus; reason: string };

/** Feed-health transitions. */
export type FeedHealthStatus = "connected" | "disconnected" | "stale" | "resynced";

/** Event time of an event in the clock a run chooses. */
export type ClockSource = "exchange" | "local";
