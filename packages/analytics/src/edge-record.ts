/** Edge-validation records: one `edge_validation.jsonl` record per fill, built and checked from its markout mids. */
/**
 * Conventions (bps of the mid at fill, side sign s = +1 buy / −1 sell):
 * - realized spread  = s·(mid_at_fill − price) / mid_at_fill · 1e4   (half-spread captured)
 * - adverse selection at horizon h = s·(mid_at_fill − mid_{t+h}) / mid_at_fill · 1e4
 * - realized edge at h = realized spread − adverse selection − fee = s·(mid_{t+h} − price)/mid_at_fill·1e4 − fee
 * Markout mids must be mids OBSERVED at fill time + h, never the current mid at write time.
 */
import { SCHEMA_VERSION, type EdgeValidationRecord, type MarkoutRecord, tsMsToNs } from "./records.js";

/** Inputs to build one `edge_validation.jsonl` record. */
export interface EdgeFillInput {
  tsMs: number;
  fillId: string;
  orderId?: string;
  cycleId: number | null;
  side: "buy" | "sell";
  price: number;
  size: number;
  midAtFill: number;
  midAtPlacement: number | null;
  predictedSpreadBps: number;
  predictedAsBps: number;
  feeBps: number;
  /** Mid observed at fill time + horizon, per horizon (null if never observed). */
  markoutMids: { horizonMs: number; mid: number | null }[];
  /** Horizon whose values fill realized_as_bps / realized_edge_bps (default: the first). */
  primaryHorizonMs?: number;
  /** Predicted P(adverse selection at the primary horizon | fill), made when the order was placed. */
  pAdverseGivenFill?: number;
}

/**
 * Build an edge-validation record from a fill and its markout mids (formulas in the module doc).
 * Throws an Error naming the field for input that would write NaN or nonsense into the record (see
 * `checkEdgeFillInput`).
 */
export function buildEdgeRecord(input: EdgeFillInput): EdgeValidationRecord {
  checkEdgeFillInput(input);
  const s = input.side === "buy" ? 1 : -1;
  const m0 = input.midAtFill;
  const spreadBps = (s * (m0 - input.price) * 1e4) / m0;
  const markouts: MarkoutRecord[] = input.markoutMids.map(({ horizonMs, mid }) => {
    if (mid === null)
      return { horizon_ms: horizonMs, mid: null, realized_as_bps: null, realized_edge_bps: null };
    const asBps = (s * (m0 - mid) * 1e4) / m0;
    return {
      horizon_ms: horizonMs,
      mid,
      realized_as_bps: asBps,
      realized_edge_bps: spreadBps - asBps - input.feeBps,
    };
  });
  const primaryH = input.primaryHorizonMs ?? markouts[0]?.horizon_ms;
  const primary = markouts.find((m) => m.horizon_ms === primaryH) ?? null;
  const asBps = primary?.realized_as_bps ?? null;
  const rec: EdgeValidationRecord = {
    schema_version: SCHEMA_VERSION,
    ts_ms: input.tsMs,
    timestamp_ns: tsMsToNs(input.tsMs),
    fill_id: input.fillId,
    cycle_id: input.cycleId,
    side: input.side,
    price: input.price,
    size: input.size,
    predicted_spread_bps: input.predictedSpreadBps,
    realized_spread_bps: spreadBps,
    predicted_as_bps: input.predictedAsBps,
    realized_as_bps: asBps,
    fee_bps: input.feeBps,
    predicted_edge_bps: input.predictedSpreadBps - input.predictedAsBps - input.feeBps,
    realized_edge_bps: primary?.realized_edge_bps ?? null,
    gross_edge_bps: asBps === null ? null : spreadBps - asBps,
    mid_at_placement: input.midAtPlacement,
    mid_at_fill: m0,
    markout_as_bps: asBps,
    markouts,
  };
  if (primaryH !== undefined) rec.primary_horizon_ms = primaryH;
  if (input.pAdverseGivenFill !== undefined) rec.p_adverse_given_fill = input.pAdverseGivenFill;
  if (input.orderId !== undefined) rec.order_id = input.orderId;
  return rec;
}

/**
 * Reject an {@link EdgeFillInput} that cannot give a meaningful record: finite tsMs, side buy/sell,
 * finite price / midAtFill / size > 0, midAtPlacement null or finite > 0, finite predicted spread,
 * AS and fee, markout horizons finite, >= 0 and distinct with mids null or finite > 0, a
 * primaryHorizonMs that is one of the markout horizons, pAdverseGivenFill in [0, 1].
 */
function checkEdgeFillInput(input: EdgeFillInput): void {
  const bad = (what: string, got: unknown): never => {
    throw new Error(`buildEdgeRecord: ${what}, got ${typeof got === "string" ? JSON.stringify(got) : got}`);
  };
  if (!Number.isFinite(input.tsMs)) bad("tsMs must be finite", input.tsMs);
  if (input.side !== "buy" && input.side !== "sell") bad('side must be "buy" or "sell"', input.side);
  const positive = (name: "price" | "midAtFill" | "size", x: number): void => {
    if (!(x > 0 && x < Number.POSITIVE_INFINITY)) bad(`${name} must be finite and > 0`, x);
  };
  positive("midAtFill", input.midAtFill);
  positive("price", input.price);
  positive("size", input.size);
  const mp = input.midAtPlacement;
  if (mp !== null && !(mp > 0 && mp < Number.POSITIVE_INFINITY))
    bad("midAtPlacement must be null or finite and > 0", mp);
  for (const name of ["predictedSpreadBps", "predictedAsBps", "feeBps"] as const) {
    if (!Number.isFinite(input[name])) bad(`${name} must be finite`, input[name]);
  }
  const mids = input.markoutMids;
  for (let i = 0; i < mids.length; i++) {
    const { horizonMs, mid } = mids[i]!;
    if (!(Number.isFinite(horizonMs) && horizonMs >= 0))
      bad("markout horizonMs must be finite and >= 0", horizonMs);
    for (let j = 0; j < i; j++)
      if (mids[j]!.horizonMs === horizonMs) bad("duplicate markout horizonMs", horizonMs);
    if (mid !== null && !(mid > 0 && mid < Number.POSITIVE_INFINITY)) {
      bad(`markout mid at ${horizonMs} ms must be null or finite and > 0`, mid);
    }
  }
  const ph = input.primaryHorizonMs;
  if (ph !== undefined && !mids.some((m) => m.horizonMs === ph)) {
    bad(
      `primaryHorizonMs must be one of the markout horizons [${mids.map((m) => m.horizonMs).join(", ")}]`,
      ph,
    );
  }
  const pa = input.pAdverseGivenFill;
  if (pa !== undefined && !(pa >= 0 && pa <= 1)) bad("pAdverseGivenFill must be in [0, 1]", pa);
}
