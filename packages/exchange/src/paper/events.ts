import type { ArrivalCurve, Fill, OrderStatus, Side } from "@mmkit/core";

/** Names of the selectable fill models. */
export type FillModelName = "touch" | "queue" | "through";

/** Why an action was rejected. */
export type RejectReason =
  | "invalidOrder"
  | "postOnlyWouldCross"
  | "unknownOrder"
  | "orderNotOpen"
  | "duplicateCancel"
  | "unsupported";

/** Arrival model a fill prediction used: the exponential A·exp(−κδ) or an empirical curve. */
export type ArrivalModel = "exponential" | "empirical";

/** Which client action an ack or reject answers. */
export type ActionKind = "place" | "cancel" | "modify";

/** Caller-supplied fitted trade-arrival intensity λ(δ) = A·exp(−κδ) used for fill predictions. */
export interface IntensityEstimate {
  /** Arrival rate at zero depth, trades per second. */
  aPerSec: number;
  /** Decay per fraction of mid (κ in λ = A·exp(−κδ), δ = depth / mid). */
  kappaPerFrac: number;
  /**
   * Volatility of the mid (fraction of mid per √s) that moves an order's depth during the
   * prediction horizons; absent or 0 = the depth stays as placed.
   */
  sigmaPerSqrtSec?: number;
  /**
   * An empirical arrival curve λ(δ) (e.g. `IntensityEstimator.arrivalCurve()`): when given,
   * predictions use it instead of A·exp(−κδ) — for tapes the exponential does not fit, so they
   * follow the data rather than a fallback prior.
   */
  curve?: ArrivalCurve;
}

/** Caller-supplied predictions attached to an order, copied into its fills' markout records. */
export interface PredictedEdge {
  /** Predicted spread capture in bps of price (fill vs mid at fill). */
  spreadBps?: number;
  /** Predicted adverse selection in bps (positive = cost). */
  adverseBps?: number;
  /** Predicted net edge in bps (spread − adverse − fee). */
  edgeBps?: number;
}

/** A post-only limit order request, as the quote engine would send it to a venue. */
export interface PlaceRequest {
  clientId?: string;
  side: Side;
  price: number;
  size: number;
  /** Only post-only (ALO) orders are simulated; `false` is rejected as unsupported. */
  postOnly: boolean;
  cycleId?: number;
  level?: number;
  /** Intensity for this order's fill prediction (defaults to the exchange's current intensity). */
  intensity?: IntensityEstimate;
  /** Predicted spread / adverse selection / edge for this order's fills. */
  predicted?: PredictedEdge;
}

/** New price and size for a cancel-replace. */
export interface ModifyRequest {
  price: number;
  size: number;
  /**
   * The quote cycle that decided the new price (default: the old order's). Fills, predictions and
   * edge records of the replacement carry it, so they are attributed to the cycle that set the price.
   */
  cycleId?: number;
  /** The edge predicted for the new price (default: the old order's). */
  predicted?: PredictedEdge;
  /** The arrival intensity to predict the replacement's fills with (default: the old order's). */
  intensity?: IntensityEstimate;
}

/** One entry of a batch. */
export type BatchAction =
  | { type: "place"; order: PlaceRequest }
  | { type: "cancel"; orderId: string }
  | { type: "modify"; orderId: string; update: ModifyRequest };

/** Immutable view of one of our orders. */
export interface OrderView {
  id: string;
  clientId?: string;
  side: Side;
  price: number;
  size: number;
  filledSize: number;
  status: OrderStatus;
  createdTsMs: number;
  liveTsMs: number | null;
  /** Displayed size estimated ahead of us at our price (queue model; 0 for others). */
  queueAheadSize: number;
  cycleId?: number;
  level?: number;
}

/** A fill of a paper order with the simulator's extra context. */
export interface PaperFill extends Fill {
  clientId?: string;
  /** Size still open on the order after this fill. */
  remainingSize: number;
  /** Id of the trade print that filled us, when the feed provided one. */
  tradeId?: string;
  /** The fill model that produced this fill. */
  fillModel: FillModelName;
  /** Our position (base units) after this fill. */
  positionAfter: number;
  /** Maker fee rate charged, bps (the configured one, exactly). */
  feeBps: number;
  /** Realized PnL (quote) right after this fill — not after the whole event it came in. */
  realizedPnlAfter: number;
  /** Total PnL (spread capture + inventory MtM − fees, quote) right after this fill. */
  totalPnlAfter: number;
  /** 1-based number of this fill among the fills the exchange reported (set when reported). */
  fillSeq?: number;
}

/** Fill-probability prediction for one live order and its observed outcomes. */
export interface PredictionRecord {
  kind: "prediction";
  orderId: string;
  clientId?: string;
  cycleId?: number;
  level?: number;
  side: Side;
  price: number;
  size: number;
  fillModel: FillModelName;
  /** When the order became live (exchange ms); horizons start here. */
  liveTsMs: number;
  midAtLive: number;
  /** Distance from mid on the passive side, fraction of mid (≥ 0 means behind the mid). */
  depthFrac: number;
  depthBps: number;
  aPerSec: number;
  kappaPerFrac: number;
  /** Mid volatility (fraction per √s) the prediction assumed; 0 = static depth. */
  sigmaPerSqrtSec: number;
  /** Arrival model of pFill: A·exp(−κδ) (the fit or its fallback) or the empirical curve. Absent in old checkpoints. */
  arrivalModel?: ArrivalModel;
  horizonsSec: number[];
  /** Predicted P(at least one fill within h) per horizon. */
  pFill: number[];
  /** Observed: any fill (real or, after a cancel, virtual) within h; null when unknown (incomplete). */
  filled: (boolean | null)[];
  /** First fill time (real or virtual), null if none observed. */
  firstFillTsMs: number | null;
  /** True when the real order left the book (cancel/replace) before the longest horizon. */
  censored: boolean;
  /** When the real order's cancel became effective, if it did before the longest horizon. */
  cancelledTsMs: number | null;
  /** False when flushed before every horizon elapsed. */
  complete: boolean;
}

/** Markout / realized-edge record for one fill. */
export interface MarkoutRecord {
  kind: "markout";
  orderId: string;
  /** The fill's `fillSeq` (absent in records of older checkpoints). */
  fillSeq?: number;
  cycleId?: number;
  level?: number;
  side: Side;
  fillPrice: number;
  size: number;
  fillTsMs: number;
  midAtFill: number;
  feeBps: number;
  predictedSpreadBps: number | null;
  predictedAdverseBps: number | null;
  predictedEdgeBps: number | null;
  /** side·(midAtFill − fillPrice)/fillPrice·1e4. */
  realizedSpreadBps: number;
  horizonsSec: number[];
  /** The true mid prevailing at fillTs + h (null when not yet known). */
  midAtHorizon: (number | null)[];
  /** side·(mid(t+h) − fillPrice)/fillPrice·1e4 − feeBps. */
  realizedEdgeBps: (number | null)[];
  /** side·(midAtFill − mid(t+h))/fillPrice·1e4 (positive = the market moved against us). */
  realizedAdverseBps: (number | null)[];
  complete: boolean;
}

/** Everything the paper exchange reports back, in the order it happened. */
export type ExchangeEvent =
  | {
      type: "ack";
      tsMs: number;
      action: ActionKind;
      orderId: string;
      clientId?: string;
      replacesOrderId?: string;
    }
  | {
      type: "reject";
      tsMs: number;
      action: ActionKind;
      orderId: string;
      clientId?: string;
      reason: RejectReason;
      message: string;
      /**
       * A modify that did not take effect: the order it was to replace, which stays open as it was
       * (the client must track it again, or it rests unmanaged).
       */
      keptOrderId?: string;
    }
  | { type: "live"; tsMs: number; order: OrderView }
  | { type: "fill"; tsMs: number; fill: PaperFill }
  | { type: "filled"; tsMs: number; orderId: string; clientId?: string }
  | {
      type: "cancelled";
      tsMs: number;
      orderId: string;
      clientId?: string;
      filledSize: number;
      reason: "user" | "replaced";
    }
  | { type: "prediction"; tsMs: number; record: PredictionRecord }
  | { type: "markout"; tsMs: number; record: MarkoutRecord };

/** What one client action returns: the order id it concerns (new id for place/modify) and its events. */
export interface ActionResult {
  ok: boolean;
  orderId: string;
  events: ExchangeEvent[];
}
