import { fileURLToPath } from "node:url";
import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { openReplay } from "../feeds/replay.js";
import type { ExchangeEvent } from "./events.js";
import { PaperExchange } from "./paper-exchange.js";

// Real Binance USD-M BTCUSDT capture (120 s, cut of nkaz001/hftbacktest examples, MIT; see data/samples/README.md).
const BINANCE = fileURLToPath(
  new URL("../../../../data/samples/binance-usdm-btcusdt-20240808-120s.gz", import.meta.url),
);

const events: MarketEvent[] = [...openReplay(BINANCE).events()];

/** Join the touch with 0.001 BTC on both sides, requoting every second. */
function run(fillModel: "touch" | "queue" | "through"): { out: ExchangeEvent[]; ex: PaperExchange } {
  const ex = new PaperExchange({
    fillModel,
    seed: 3,
    tickSize: 0.1,
    latency: { kind: "lognormal", orderEntryMedianMs: 30, cancelMedianMs: 25, sigma: 0.4 },
    intensity: { aPerSec: 2, kappaPerFrac: 20_000 },
  });
  const out: ExchangeEvent[] = [];
  let nextQuoteMs = 0;
  for (const ev of events) {
    out.push(...ex.onMarketEvent(ev));
    if (ex.nowMs >= nextQuoteMs && ex.book.isTwoSided()) {
      nextQuoteMs = ex.nowMs + 1000;
      for (const o of ex.openOrders())
        if (o.status !== "cancelPending" && o.status !== "pending") out.push(...ex.cancel(o.id).events);
      out.push(...ex.place({ side: "buy", price: ex.book.bestBid(), size: 0.001, postOnly: true }).events);
      out.push(...ex.place({ side: "sell", price: ex.book.bestAsk(), size: 0.001, postOnly: true }).events);
    }
    const p = ex.pnl();
    const mark = Number.isFinite(p.markPrice) ? p.markPrice : 0;
    if (Math.abs(p.cashQuote + p.positionBase * mark - p.totalPnlQuote) > 1e-6)
      throw new Error("equity identity broken");
  }
  out.push(...ex.flushRecords());
  return { out, ex };
}

describe("paper exchange on real Binance data", () => {
  it("runs every fill model on the 120 s capture with consistent accounting and deterministic output", () => {
    expect(events.length).toBeGreaterThan(20_000);
    const fills: Record<string, number> = {};
    for (const model of ["touch", "queue", "through"] as const) {
      const { out, ex } = run(model);
      fills[model] = out.filter((e) => e.type === "fill").length;
      expect(out.filter((e) => e.type === "live").length).toBeGreaterThan(100);
      const preds = out.filter((e) => e.type === "prediction");
      expect(preds.length).toBeGreaterThan(100);
      const p = ex.pnl();
      expect(p.spreadCaptureQuote + p.inventoryMtmQuote - p.feesQuote).toBeCloseTo(p.totalPnlQuote, 9);
    }
    // Joining the touch on a liquid book: the optimistic touch model fills at least as often as the
    // pessimistic trade-through model, and fills do happen.
    expect(fills.touch).toBeGreaterThan(0);
    expect(fills.touch!).toBeGreaterThanOrEqual(fills.through!);
    // Measured on this capture: touch 179, queue 83, through 62 fill events (187 / 92 / 62 before prints were merged per taker order).
    expect(fills.queue!).toBeGreaterThanOrEqual(fills.through!);
    expect(JSON.stringify(run("queue").out)).toBe(JSON.stringify(run("queue").out));
  });
});
