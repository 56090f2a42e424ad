/**
 * Test helper: a deliberately tiny paper run over the real Binance sample, written with the
 * analytics AnalyticsLogger — so the report is exercised on real-market-derived records in the
 * exact shapes the writer produces. Not a strategy: it joins the touch with 0.001 BTC every second
 * and counts a fill when a later trade prints at or through the quote within 1 s.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { AnalyticsLogger, buildEdgeRecord, stamp } from "@mmkit/analytics";

interface Bbo {
  tsMs: number;
  bid: number;
  ask: number;
}
interface Print {
  tsMs: number;
  price: number;
  /** true when the buyer was the maker (a sell hit the bid). */
  buyerMaker: boolean;
}

/** Parse the sample's bookTicker and trade frames (exchange time `E`/`T`, ms). */
export function parseBinanceSample(path: string): { bbo: Bbo[]; prints: Print[] } {
  const text = gunzipSync(readFileSync(path)).toString("utf8");
  const bbo: Bbo[] = [];
  const prints: Print[] = [];
  for (const line of text.split("\n")) {
    const sp = line.indexOf(" ");
    if (sp < 0) continue;
    const msg = JSON.parse(line.slice(sp + 1)) as { data?: Record<string, unknown> };
    const d = msg.data;
    if (d === undefined) continue; // the one REST depth snapshot frame
    if (d.e === "bookTicker") bbo.push({ tsMs: d.T as number, bid: Number(d.b), ask: Number(d.a) });
    else if (d.e === "trade")
      prints.push({ tsMs: d.T as number, price: Number(d.p), buyerMaker: d.m as boolean });
  }
  bbo.sort((a, b) => a.tsMs - b.tsMs);
  prints.sort((a, b) => a.tsMs - b.tsMs);
  return { bbo, prints };
}

/** Write the run into `dir`; returns counts for the test's cross-checks. */
export function writeMiniReplay(
  samplePath: string,
  dir: string,
): { cycles: number; fills: number; predictions: number } {
  const { bbo, prints } = parseBinanceSample(samplePath);
  const midAt = (ts: number): number | null => {
    let lo = 0;
    let hi = bbo.length - 1;
    if (bbo.length === 0 || ts < bbo[0]!.tsMs) return null;
    if (ts > bbo[hi]!.tsMs) return null;
    while (lo < hi) {
      const m = (lo + hi + 1) >> 1;
      if (bbo[m]!.tsMs <= ts) lo = m;
      else hi = m - 1;
    }
    return (bbo[lo]!.bid + bbo[lo]!.ask) / 2;
  };
  const bboAt = (ts: number): Bbo | null => {
    const m = midAt(ts);
    if (m === null) return null;
    let i = bbo.findIndex((b) => b.tsMs > ts);
    if (i < 0) i = bbo.length;
    return bbo[i - 1] ?? null;
  };
  const logger = new AnalyticsLogger({ dir, flushIntervalMs: 0 });
  const t0 = Math.ceil(bbo[0]!.tsMs / 1000) * 1000;
  const tEnd = bbo[bbo.length - 1]!.tsMs - 10_000; // leave room for the 10 s markout
  const capital = 10_000;
  let cash = capital;
  let pos = 0;
  let cycles = 0;
  let fills = 0;
  let predictions = 0;
  const size = 0.001;
  logger.writeManifest({
    schema_version: 1,
    run_id: "mini-replay-binance-20240808",
    started_ts_ms: t0,
    ended_ts_ms: tEnd,
    seed: null,
    source: { kind: "replay", path: "data/samples/binance-usdm-btcusdt-20240808-120s.gz" },
    fill_model: "trade-through-1s",
    symbol: "BTCUSDT",
    venue: "binance-usdm",
    config: { sizeBase: size, cycleMs: 1000 },
    versions: { "@mmkit/calibration-report": "test" },
  });
  logger.write("events", { ...stamp(t0), kind: "start" });
  for (let t = t0; t <= tEnd; t += 1000) {
    const b = bboAt(t);
    if (b === null) continue;
    const mid = (b.bid + b.ask) / 2;
    const widthBps = ((b.ask - b.bid) / mid) * 1e4;
    cycles++;
    logger.write("signal_contributions", {
      ...stamp(t),
      cycle_id: cycles,
      contributions: [
        {
          signal_name: "wide_book",
          spread_adjustment_bps: widthBps > 0.5 ? 1 : 0,
          skew_adjustment_bps: 0,
          was_active: widthBps > 0.5,
          gating_weight: 1,
          raw_value: widthBps,
        },
        {
          signal_name: "pos_skew",
          spread_adjustment_bps: 0,
          skew_adjustment_bps: -pos * 100,
          was_active: pos !== 0,
          gating_weight: 1,
          raw_value: pos,
        },
      ],
      total_spread_mult: 1,
      combined_skew_bps: -pos * 100,
    });
    for (const side of ["buy", "sell"] as const) {
      const price = side === "buy" ? b.bid : b.ask;
      const hit = prints.find(
        (p) =>
          p.tsMs > t &&
          p.tsMs <= t + 1000 &&
          (side === "buy" ? p.buyerMaker && p.price <= price : !p.buyerMaker && p.price >= price),
      );
      const pFill = 0.35;
      predictions++;
      logger.write("predictions", {
        ...stamp(t),
        cycle_id: cycles,
        level: 0,
        side,
        price,
        size,
        depth_from_mid_bps: (Math.abs(mid - price) / mid) * 1e4,
        mid,
        fill_model: "trade-through-1s",
        horizons: [{ horizon_ms: 1000, p_fill: pFill, filled: hit !== undefined, censored: false }],
        p_fill_1s: pFill,
        p_adverse_given_fill: 0.5,
        adverse:
          hit === undefined
            ? null
            : (() => {
                const m1 = midAt(hit.tsMs + 1000);
                return m1 === null ? null : side === "buy" ? m1 < mid : m1 > mid;
              })(),
        censored: false,
      });
      if (hit === undefined) continue;
      fills++;
      const s = side === "buy" ? 1 : -1;
      pos += s * size;
      cash -= s * size * price;
      const feeBps = -0.5;
      logger.write("fills", {
        ...stamp(hit.tsMs),
        fill_id: `f${fills}`,
        order_id: `o${cycles}-${side}`,
        cycle_id: cycles,
        level: 0,
        side,
        price,
        size,
        fee: (feeBps / 1e4) * price * size,
        fee_bps: feeBps,
        liquidity: "maker",
        mid_at_fill: midAt(hit.tsMs) ?? mid,
        position_after: pos,
        spread_capture: s * ((midAt(hit.tsMs) ?? mid) - price) * size,
        realized_pnl: null,
        cum_pnl: null,
      });
      logger.write(
        "edge_validation",
        buildEdgeRecord({
          tsMs: hit.tsMs,
          fillId: `f${fills}`,
          cycleId: cycles,
          side,
          price,
          size,
          midAtFill: midAt(hit.tsMs) ?? mid,
          midAtPlacement: mid,
          predictedSpreadBps: (Math.abs(mid - price) / mid) * 1e4,
          predictedAsBps: 0.2,
          feeBps,
          markoutMids: [1000, 10_000].map((h) => ({ horizonMs: h, mid: midAt(hit.tsMs + h) })),
          primaryHorizonMs: 1000,
        }),
      );
    }
    logger.write("equity", {
      ...stamp(t),
      equity: cash + pos * mid,
      position: pos,
      mid,
      realized_pnl: 0,
      unrealized_pnl: cash + pos * mid - capital,
      fees_paid: 0,
    });
  }
  logger.write("events", { ...stamp(tEnd), kind: "stop" });
  logger.close();
  return { cycles, fills, predictions };
}
