import { performance } from "node:perf_hooks";
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

/**
 * A quoting loop like the paper trader's: 6 quotes (3 per side, 1–3 ticks behind the touch)
 * re-priced every `requoteEvery` events by cancel-replace, 20 ms latency, predictions on, 30 s
 * horizon. Every replaced quote stays observed as a virtual order until its horizon ends, so
 * several hundred virtual orders are kept up to date alongside the 6 live ones.
 */
class QuotingLoop {
  readonly ex = new PaperExchange({
    fillModel: "queue",
    latency: { kind: "constant", orderEntryMs: 20, cancelMs: 20 },
    intensity: { aPerSec: 1.5, kappaPerFrac: 8000 },
    horizonsSec: [1, 5, 30],
  });
  private readonly ids: (string | undefined)[] = [
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
    undefined,
  ];
  private round = 0;
  fills = 0;
  records = 0;
  virtualSum = 0;
  virtualSamples = 0;
  /** Time spent in re-quote rounds (ms) and their number. */
  requoteMs = 0;
  requotes = 0;

  constructor(
    t0: number,
    private readonly requoteEvery: number,
  ) {
    this.ex.onMarketEvent({
      type: "snapshot",
      exchangeTsMs: t0,
      localTsMs: t0,
      bids: [1, 2, 3, 4, 5, 6].map((k) => ({ price: 1000 - k, size: 3 })),
      asks: [1, 2, 3, 4, 5, 6].map((k) => ({ price: 1001 + k, size: 3 })),
    });
  }

  /** Feed events [from, to) and re-quote every `requoteEvery` events. */
  run(events: readonly MarketEvent[], from: number, to: number): void {
    const ex = this.ex;
    for (let i = from; i < to; i++) {
      const evs = ex.onMarketEvent(events[i]!);
      for (const e of evs) {
        if (e.type === "fill") this.fills++;
        else if (e.type === "prediction" || e.type === "markout") this.records++;
      }
      if (i % this.requoteEvery === 0) {
        const t0 = performance.now();
        this.requote();
        this.requoteMs += performance.now() - t0;
        this.requotes++;
      }
    }
  }

  /** One re-quote round: order() per quote, then modify (or place once filled). */
  private requote(): void {
    const ex = this.ex;
    const bid = ex.book.bestBid();
    const ask = ex.book.bestAsk();
    if (!(bid < ask)) return;
    const shift = this.round++ % 2;
    for (let q = 0; q < 6; q++) {
      const k = 1 + (q % 3);
      const buy = q < 3;
      const price = buy ? bid - k - shift : ask + k + shift;
      const id = this.ids[q];
      const view = id === undefined ? undefined : ex.order(id);
      if (view === undefined) {
        this.ids[q] = ex.place({
          side: buy ? "buy" : "sell",
          price,
          size: 1,
          postOnly: true,
          cycleId: this.round,
          level: k,
        }).orderId;
      } else if (view.status === "open" || view.status === "partiallyFilled") {
        const r = ex.modify(view.id, { price, size: 1 });
        if (r.ok) this.ids[q] = r.orderId;
      }
    }
    this.virtualSum += ex.openRecordCounts().virtualOrders;
    this.virtualSamples++;
  }
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
  {
    // Quoting load: re-quote every 100 events (100 ms) → up to 60 replaced quotes/s, each observed
    // for 30 s unless a print reaches it first: about 400 virtual orders.
    const warm = new QuotingLoop(t0, 100);
    warm.run(events, 0, 200_000);
    const loop = new QuotingLoop(t0, 100);
    benchThroughput("paper exchange onMarketEvent (queue, quoting, ~400 virtual)", "events", () => {
      loop.run(events, 0, N);
      return N;
    });
    console.log(
      `  (${loop.fills.toLocaleString("en-US")} fills, ${loop.records.toLocaleString("en-US")} records, ` +
        `${Math.round(loop.virtualSum / loop.virtualSamples)} virtual orders on average)`,
    );
    console.log(
      `${"paper exchange re-quote round (6 quotes, ~400 virtual)".padEnd(48)} mean=${((1000 * loop.requoteMs) / loop.requotes).toFixed(2)}µs (n=${loop.requotes.toLocaleString("en-US")}, order() + modify/place per quote)`,
    );
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
