import { type MarketEvent, type PriceLevel, Rng, type Side } from "@mmkit/core";
import type { SyntheticMarketConfig } from "../synthetic-config.js";
import { GridBook } from "./grid-book.js";
import { type LatentPath, subSeed } from "../synthetic-path.js";
import type { MarketOrderTruth } from "../synthetic-stepper.js";
import type { FeedStats } from "../types.js";

/**
 * Test oracle (not exported): the original Map-based generator of `SyntheticMarket.events()`, kept
 * verbatim; the differential tests compare the fast generator with it event for event on random
 * configs. Counts go to `stats`/`orders`.
 */
export function* referenceEvents(
  cfg: SyntheticMarketConfig,
  path: LatentPath,
  stats: FeedStats,
  orders: MarketOrderTruth,
): Generator<MarketEvent> {
  const rng = new Rng(subSeed(cfg.seed, 2));
  const invTick = Math.round(1 / cfg.tickSize);
  const invLot = Math.round(1 / cfg.lotSize);
  const L = cfg.book.levels;
  const touchLots = cfg.book.touchSize * invLot;
  const growth = cfg.book.sizeGrowthPerLevel;
  const latency = cfg.localLatencyMs;
  const aPerSec = cfg.marketOrders.aPerSec;
  const kappa = cfg.marketOrders.kappaPerFrac;
  const tEnd = cfg.startTsMs + cfg.durationSec * 1000;
  const { regimes, jumps, runs } = path;

  const drawLots = (depth: number): number =>
    Math.max(1, Math.round(touchLots * (1 + growth * depth) * (0.2 + 0.8 * rng.exponential(1))));
  const px = (tick: number): number => tick / invTick;
  const sz = (lots: number): number => lots / invLot;

  let mid = cfg.initialMid;
  const coarseTicks = Math.max(
    1,
    Math.round((cfg.book.coarseStepBps * 1e-4 * cfg.initialMid) / cfg.tickSize),
  );
  const book = new GridBook(L, cfg.book.denseLevels, coarseTicks, Math.floor(mid * invTick), drawLots);
  let t = cfg.startTsMs;
  const out: MarketEvent[] = [];
  let lastTop = "";
  let tradeId = 0;

  const snapshot = (ts: number): void => {
    const bids: PriceLevel[] = new Array(L);
    const asks: PriceLevel[] = new Array(L);
    for (let i = 0; i < L; i++) {
      const bt = book.bidTickAt(i);
      const at = book.askTickAt(i);
      bids[i] = { price: px(bt), size: sz(book.bids.get(bt)!) };
      asks[i] = { price: px(at), size: sz(book.asks.get(at)!) };
    }
    out.push({ type: "snapshot", exchangeTsMs: ts, localTsMs: ts + latency, bids, asks });
  };
  const bbo = (ts: number): void => {
    const bb = book.bb;
    const bl = book.bids.get(bb)!;
    const al = book.asks.get(bb + 1)!;
    const key = `${bb}:${bl}:${al}`;
    if (key === lastTop) return;
    lastTop = key;
    out.push({
      type: "bbo",
      exchangeTsMs: ts,
      localTsMs: ts + latency,
      bbo: { bidPrice: px(bb), bidSize: sz(bl), askPrice: px(bb + 1), askSize: sz(al) },
    });
  };
  const delta = (ts: number, bids: PriceLevel[], asks: PriceLevel[]): void => {
    if (bids.length + asks.length === 0) return;
    out.push({ type: "delta", exchangeTsMs: ts, localTsMs: ts + latency, bids, asks });
  };
  const trade = (ts: number, tick: number, lots: number, aggressor: Side): void => {
    const id = String(++tradeId);
    out.push({
      type: "trade",
      exchangeTsMs: ts,
      localTsMs: ts + latency,
      trade: { price: px(tick), size: sz(lots), aggressor, exchangeTsMs: ts, localTsMs: ts + latency, id },
    });
  };

  /**
   * A market order reaching depth δ ~ Exp(κ) from the current mid: it takes every displayed level
   * strictly better than the reached price (rounded to tick), then part of the level at that
   * price (or an undisplayed quantity when no level is shown there). Taken levels refill at once.
   */
  const marketOrder = (ts: number, side: Side): void => {
    const isBuy = side === "buy";
    if (isBuy) orders.buy++;
    else orders.sell++;
    const depthFrac = rng.exponential(kappa);
    const kStar = Math.round(mid * (isBuy ? 1 + depthFrac : 1 - depthFrac) * invTick);
    const levelsMap = isBuy ? book.asks : book.bids;
    const bb = book.bb;
    if (isBuy ? kStar < bb + 1 : kStar > bb) {
      orders.unfilled++;
      return;
    }
    const changed: PriceLevel[] = [];
    for (let i = 0; i < L; i++) {
      const tick = isBuy ? book.askTickAt(i) : book.bidTickAt(i);
      if (isBuy ? tick >= kStar : tick <= kStar) break;
      trade(ts, tick, levelsMap.get(tick)!, side);
      const nl = drawLots(i);
      levelsMap.set(tick, nl);
      changed.push({ price: px(tick), size: sz(nl) });
    }
    const idx = isBuy ? book.askIndex(kStar) : book.bidIndex(kStar);
    if (idx >= 0) {
      const lots = levelsMap.get(kStar)!;
      const printed = Math.max(1, Math.floor(rng.next() * lots));
      trade(ts, kStar, printed, side);
      const left = lots - printed > 0 ? lots - printed : drawLots(idx);
      levelsMap.set(kStar, left);
      changed.push({ price: px(kStar), size: sz(left) });
    } else {
      orders.undisplayedPrints++;
      trade(ts, kStar, drawLots(0), side);
    }
    if (isBuy) delta(ts, [], changed);
    else delta(ts, changed, []);
    bbo(ts);
  };

  const replenish = (dtSec: number, bidCh: PriceLevel[], askCh: PriceLevel[]): void => {
    const rate = cfg.book.replenishPerSec;
    if (rate <= 0) return;
    for (let s = 0; s < 2; s++) {
      let acc = rng.exponential(rate);
      while (acc < dtSec) {
        const i = rng.int(L);
        const nl = drawLots(i);
        const tick = s === 0 ? book.bidTickAt(i) : book.askTickAt(i);
        (s === 0 ? book.bids : book.asks).set(tick, nl);
        (s === 0 ? bidCh : askCh).push({ price: px(tick), size: sz(nl) });
        acc += rng.exponential(rate);
      }
    }
  };

  snapshot(t);
  bbo(t);
  let nextSnapMs = t + cfg.book.snapshotIntervalSec * 1000;
  let nextBuy = aPerSec > 0 ? t + rng.exponential(aPerSec) * 1000 : Number.POSITIVE_INFINITY;
  let nextSell = aPerSec > 0 ? t + rng.exponential(aPerSec) * 1000 : Number.POSITIVE_INFINITY;
  let ri = 0;
  let ji = 0;
  const dtMs = cfg.book.updateIntervalMs;

  while (t < tEnd) {
    const stepEnd = Math.min(t + dtMs, tEnd);
    for (;;) {
      const tn = Math.min(nextBuy, nextSell);
      if (tn >= stepEnd) break;
      if (nextBuy <= nextSell) {
        marketOrder(nextBuy, "buy");
        nextBuy += rng.exponential(aPerSec) * 1000;
      } else {
        marketOrder(nextSell, "sell");
        nextSell += rng.exponential(aPerSec) * 1000;
      }
    }
    // Advance the latent mid over [t, stepEnd).
    const dtSec = (stepEnd - t) / 1000;
    while (ri < regimes.length - 1 && regimes[ri]!.endTsMs <= t) ri++;
    const sigma = regimes[ri]!.sigmaPerSqrtSec;
    let logRet = sigma * Math.sqrt(dtSec) * rng.normal() - 0.5 * sigma * sigma * dtSec;
    for (const run of runs) {
      const overlapMs = Math.min(stepEnd, run.endTsMs) - Math.max(t, run.startTsMs);
      if (overlapMs > 0)
        logRet += (run.direction === "up" ? 1 : -1) * run.driftBpsPerSec * 1e-4 * (overlapMs / 1000);
    }
    while (ji < jumps.length && jumps[ji]!.tsMs < stepEnd) {
      logRet += jumps[ji]!.sizeBps * 1e-4;
      ji++;
    }
    mid *= Math.exp(logRet);
    t = stepEnd;
    const removed = { bids: [] as PriceLevel[], asks: [] as PriceLevel[] };
    const added = { bids: [] as PriceLevel[], asks: [] as PriceLevel[] };
    book.recenter(Math.floor(mid * invTick), px, sz, removed, added);
    replenish(dtSec, added.bids, added.asks);
    delta(t, removed.bids, removed.asks);
    delta(t, added.bids, added.asks);
    if (t >= nextSnapMs) {
      snapshot(t);
      nextSnapMs += cfg.book.snapshotIntervalSec * 1000;
    }
    bbo(t);
    for (const e of out) {
      stats.events[e.type]++;
      yield e;
    }
    out.length = 0;
  }
}
