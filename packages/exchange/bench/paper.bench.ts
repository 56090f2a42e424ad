import type { MarketEvent } from "@mmkit/core";
import { benchLatency, benchThroughput } from "../../../bench/harness.js";
import { PaperExchange } from "../src/paper/index.js";

/** A deterministic stream: 1 ms apart; ~70% BBO, ~20% deltas, ~10% trades (a few reach our quotes). */
function makeEvents(n: number, t0: number): MarketEvent[] {
  let x = 12345;
  const u = (): number => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 4294967296;
  };
  const out: MarketEvent[] = [];
  let bid = 1000;
  for (let i = 0; i < n; i++) {
    const t = t0 + i;
    const r = u();
    if (r < 0.7) {
      if (u() < 0.05) bid = 999 + Math.floor(u() * 3); // touch wanders within ±1 tick
      out.push({
        type: "bbo",
        exchangeTsMs: t,
        localTsMs: t,
        bbo: { bidPrice: bid, bidSize: 1 + u() * 5, askPrice: bid + 1, askSize: 1 + u() * 5 },
      });
    } else if (r < 0.9) {
      const lvl = 1 + Math.floor(u() * 5);
      out.push({
        type: "delta",
        exchangeTsMs: t,
        localTsMs: t,
        bids: [{ price: bid - lvl, size: u() * 8 }],
        asks: [{ price: bid + 1 + lvl, size: u() * 8 }],
      });
    } else {
      const buy = u() < 0.5;
      const reach = u() < 0.995 ? 0 : 1 + Math.floor(u() * 4);
      const price = buy ? bid + 1 + reach : bid - reach;
      out.push({
        type: "trade",
        exchangeTsMs: t,
        localTsMs: t,
        trade: { price, size: 0.1 + u() * 2, aggressor: buy ? "buy" : "sell", exchangeTsMs: t, localTsMs: t },
      });
    }
  }
  return out;
}

function setup(fillModel: "touch" | "queue" | "through", t0: number): PaperExchange {
  const ex = new PaperExchange({
    fillModel,
    latency: { kind: "constant", orderEntryMs: 0, cancelMs: 0 },
    intensity: { aPerSec: 1.5, kappaPerFrac: 8000 },
  });
  ex.onMarketEvent({
    type: "snapshot",
    exchangeTsMs: t0,
    localTsMs: t0,
    bids: [1, 2, 3, 4, 5, 6].map((k) => ({ price: 1000 - k, size: 3 })),
    asks: [1, 2, 3, 4, 5, 6].map((k) => ({ price: 1001 + k, size: 3 })),
  });
  // 6 resting orders, 3 per side, 1–3 ticks behind the touch; huge sizes so they stay resting.
  for (const k of [1, 2, 3]) {
    ex.place({ side: "buy", price: 1000 - k, size: 1e9, postOnly: true });
    ex.place({ side: "sell", price: 1001 + k, size: 1e9, postOnly: true });
  }
  ex.advanceTo(t0);
  return ex;
}

/** Paper-exchange benches: events/s with 6 resting orders per fill model, and action latency. */
export async function runPaperBenches(): Promise<void> {
  const N = 2_000_000;
  const t0 = 1_700_000_000_000;
  const events = makeEvents(N, t0 + 1);
  for (const model of ["queue", "touch", "through"] as const) {
    const ex = setup(model, t0);
    // warm-up on a separate instance
    const warm = setup(model, t0);
    for (let i = 0; i < 200_000; i++) warm.onMarketEvent(events[i]!);
    let fills = 0;
    benchThroughput(`paper exchange onMarketEvent (${model}, 6 resting)`, "events", () => {
      for (let i = 0; i < N; i++) {
        const evs = ex.onMarketEvent(events[i]!);
        if (evs.length > 0) for (const e of evs) if (e.type === "fill") fills++;
      }
      return N;
    });
    console.log(`  (${fills.toLocaleString("en-US")} fills, open orders ${ex.openOrders().length})`);
  }
  const ex = setup("queue", t0);
  let t = t0;
  benchLatency("paper exchange place + cancel (queue)", () => {
    t += 1;
    ex.advanceTo(t);
    const r = ex.place({ side: "buy", price: 990, size: 1, postOnly: true });
    ex.advanceTo(t);
    ex.cancel(r.orderId);
  });
}
