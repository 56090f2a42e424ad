import { type MarketEvent, type PriceLevel, Rng, type Side } from "@mmkit/core";
import type { SyntheticMarketConfig } from "./synthetic-config.js";
import { LevelBook, LotDraw } from "./synthetic-levels.js";
import type { JumpTruth, LatentPath, RegimeSegment, RunTruth } from "./synthetic-path.js";
import { subSeed } from "./synthetic-path.js";

/** Market-order counters of one generation pass. */
export interface MarketOrderTruth {
  buy: number;
  sell: number;
  /** Orders whose reached depth was inside the spread (no print). */
  unfilled: number;
  /** Orders whose reached price had no displayed level (last print against undisplayed liquidity). */
  undisplayedPrints: number;
}

/**
 * One pass of the synthetic market, one update step at a time: `start()` then `step()` until
 * `done`, each call appending that step's events to `out`. Produces exactly the stream of
 * `referenceEvents` (same RNG draws in the same order, same floating-point expressions, same
 * object field order) with the book in typed arrays and no per-step closures.
 */
export class SyntheticStepper {
  /** Events of the current step (the caller drains and clears it). */
  readonly out: MarketEvent[] = [];
  /** False when a step could not run exactly (ticks beyond ±2^52); the pass must be redone. */
  exact = true;
  /** Event time reached (ms). */
  t: number;
  private readonly tEnd: number;
  private readonly rng: Rng;
  private readonly lots: LotDraw;
  private readonly book: LevelBook;
  private readonly L: number;
  private readonly invTick: number;
  private readonly invLot: number;
  private readonly latency: number;
  private readonly aPerSec: number;
  private readonly kappa: number;
  private readonly dtMs: number;
  private readonly snapEveryMs: number;
  private readonly replenishPerSec: number;
  private readonly regimes: RegimeSegment[];
  private readonly jumps: JumpTruth[];
  private readonly runs: RunTruth[];
  private mid: number;
  private nextSnapMs = 0;
  private nextBuy = 0;
  private nextSell = 0;
  private ri = 0;
  private ji = 0;
  private rk = 0;
  /** Trade id counter as decimal(⌊id / 10⌋) ("" for 0) and the last digit. */
  private idTens = "";
  private idTensNum = 0;
  private idLastDigit = 0;
  /** Top of book last published (`haveTop` false until the first BBO). */
  private haveTop = false;
  private topBb = 0;
  private topBidLots = 0;
  private topAskLots = 0;

  constructor(
    cfg: SyntheticMarketConfig,
    path: LatentPath,
    private readonly orders: MarketOrderTruth,
  ) {
    this.rng = new Rng(subSeed(cfg.seed, 2));
    this.invTick = Math.round(1 / cfg.tickSize);
    this.invLot = Math.round(1 / cfg.lotSize);
    this.L = cfg.book.levels;
    this.latency = cfg.localLatencyMs;
    this.aPerSec = cfg.marketOrders.aPerSec;
    this.kappa = cfg.marketOrders.kappaPerFrac;
    this.tEnd = cfg.startTsMs + cfg.durationSec * 1000;
    this.dtMs = cfg.book.updateIntervalMs;
    this.snapEveryMs = cfg.book.snapshotIntervalSec * 1000;
    this.replenishPerSec = cfg.book.replenishPerSec;
    this.regimes = path.regimes;
    this.jumps = path.jumps;
    this.runs = path.runs;
    this.lots = new LotDraw(this.rng, cfg.book.touchSize * this.invLot, cfg.book.sizeGrowthPerLevel, this.L);
    this.mid = cfg.initialMid;
    const coarseTicks = Math.max(
      1,
      Math.round((cfg.book.coarseStepBps * 1e-4 * cfg.initialMid) / cfg.tickSize),
    );
    this.book = new LevelBook(this.L, cfg.book.denseLevels, coarseTicks, this.invTick, this.invLot);
    this.t = cfg.startTsMs;
  }

  /** Whether the pass has reached its end time. */
  get done(): boolean {
    return !(this.t < this.tEnd);
  }

  /** Initial book, snapshot and BBO, then the first order arrival times. False if not exact. */
  start(): boolean {
    const bb = Math.floor(this.mid * this.invTick);
    if (!this.book.fits(bb)) {
      this.exact = false;
      return false;
    }
    this.book.fill(bb, this.lots);
    const t = this.t;
    this.snapshot(t);
    this.bbo(t);
    this.nextSnapMs = t + this.snapEveryMs;
    this.nextBuy =
      this.aPerSec > 0 ? t + this.rng.exponential(this.aPerSec) * 1000 : Number.POSITIVE_INFINITY;
    this.nextSell =
      this.aPerSec > 0 ? t + this.rng.exponential(this.aPerSec) * 1000 : Number.POSITIVE_INFINITY;
    return true;
  }

  /** One update step: market orders in it, then the mid move, re-centring, replenishment. */
  step(): boolean {
    const rng = this.rng;
    let t = this.t;
    const stepEnd = Math.min(t + this.dtMs, this.tEnd);
    for (;;) {
      const nextBuy = this.nextBuy;
      const nextSell = this.nextSell;
      const tn = Math.min(nextBuy, nextSell);
      if (tn >= stepEnd) break;
      if (nextBuy <= nextSell) {
        this.marketOrder(nextBuy, true);
        this.nextBuy = nextBuy + rng.exponential(this.aPerSec) * 1000;
      } else {
        this.marketOrder(nextSell, false);
        this.nextSell = nextSell + rng.exponential(this.aPerSec) * 1000;
      }
    }
    // Advance the latent mid over [t, stepEnd).
    const dtSec = (stepEnd - t) / 1000;
    const regimes = this.regimes;
    let ri = this.ri;
    while (ri < regimes.length - 1 && regimes[ri]!.endTsMs <= t) ri++;
    this.ri = ri;
    const sigma = regimes[ri]!.sigmaPerSqrtSec;
    let logRet = sigma * Math.sqrt(dtSec) * rng.normal() - 0.5 * sigma * sigma * dtSec;
    // Runs are disjoint and in time order: those ended by t never overlap a later step, and none
    // starting at or after stepEnd overlaps this one; the rest are added in array order as before.
    const runs = this.runs;
    let rk = this.rk;
    while (rk < runs.length && runs[rk]!.endTsMs <= t) rk++;
    this.rk = rk;
    for (let k = rk; k < runs.length; k++) {
      const run = runs[k]!;
      if (run.startTsMs >= stepEnd) break;
      const overlapMs = Math.min(stepEnd, run.endTsMs) - Math.max(t, run.startTsMs);
      if (overlapMs > 0)
        logRet += (run.direction === "up" ? 1 : -1) * run.driftBpsPerSec * 1e-4 * (overlapMs / 1000);
    }
    const jumps = this.jumps;
    let ji = this.ji;
    while (ji < jumps.length && jumps[ji]!.tsMs < stepEnd) {
      logRet += jumps[ji]!.sizeBps * 1e-4;
      ji++;
    }
    this.ji = ji;
    this.mid *= Math.exp(logRet);
    t = stepEnd;
    this.t = t;
    const removedBids: PriceLevel[] = [];
    const removedAsks: PriceLevel[] = [];
    const addedBids: PriceLevel[] = [];
    const addedAsks: PriceLevel[] = [];
    const book = this.book;
    const nb = Math.floor(this.mid * this.invTick);
    if (nb !== book.bb) {
      if (!book.fits(nb)) {
        this.exact = false;
        return false;
      }
      book.recenter(nb, this.lots, removedBids, removedAsks, addedBids, addedAsks);
    }
    if (this.replenishPerSec > 0) this.replenish(dtSec, addedBids, addedAsks);
    const latency = this.latency;
    const out = this.out;
    if (removedBids.length + removedAsks.length !== 0)
      out.push({
        type: "delta",
        exchangeTsMs: t,
        localTsMs: t + latency,
        bids: removedBids,
        asks: removedAsks,
      });
    if (addedBids.length + addedAsks.length !== 0)
      out.push({ type: "delta", exchangeTsMs: t, localTsMs: t + latency, bids: addedBids, asks: addedAsks });
    if (t >= this.nextSnapMs) {
      this.snapshot(t);
      this.nextSnapMs += this.snapEveryMs;
    }
    this.bbo(t);
    return true;
  }

  /** Random re-sizes of random levels over one step, bids then asks. */
  private replenish(dtSec: number, bidCh: PriceLevel[], askCh: PriceLevel[]): void {
    const rate = this.replenishPerSec;
    const rng = this.rng;
    const L = this.L;
    const invTick = this.invTick;
    const invLot = this.invLot;
    const book = this.book;
    let acc = rng.exponential(rate);
    while (acc < dtSec) {
      const i = rng.int(L);
      const nl = this.lots.draw(i);
      book.bidLots[i] = nl;
      bidCh.push({ price: book.bidTicks[i]! / invTick, size: nl / invLot });
      acc += rng.exponential(rate);
    }
    acc = rng.exponential(rate);
    while (acc < dtSec) {
      const i = rng.int(L);
      const nl = this.lots.draw(i);
      book.askLots[i] = nl;
      askCh.push({ price: book.askTicks[i]! / invTick, size: nl / invLot });
      acc += rng.exponential(rate);
    }
  }

  /**
   * A market order reaching depth δ ~ Exp(κ) from the current mid: it takes every displayed level
   * strictly better than the reached price (rounded to tick), then part of the level at that
   * price (or an undisplayed quantity when no level is shown there). Taken levels refill at once.
   */
  private marketOrder(ts: number, isBuy: boolean): void {
    const orders = this.orders;
    if (isBuy) orders.buy++;
    else orders.sell++;
    const depthFrac = this.rng.exponential(this.kappa);
    const kStar = Math.round(this.mid * (isBuy ? 1 + depthFrac : 1 - depthFrac) * this.invTick);
    const book = this.book;
    const bb = book.bb;
    if (isBuy ? kStar < bb + 1 : kStar > bb) {
      orders.unfilled++;
      return;
    }
    const side: Side = isBuy ? "buy" : "sell";
    const ticks = isBuy ? book.askTicks : book.bidTicks;
    const lotsAt = isBuy ? book.askLots : book.bidLots;
    const invTick = this.invTick;
    const invLot = this.invLot;
    const L = this.L;
    const changed: PriceLevel[] = [];
    for (let i = 0; i < L; i++) {
      const tick = ticks[i]!;
      if (isBuy ? tick >= kStar : tick <= kStar) break;
      this.trade(ts, tick, lotsAt[i]!, side);
      const nl = this.lots.draw(i);
      lotsAt[i] = nl;
      changed.push({ price: tick / invTick, size: nl / invLot });
    }
    const idx = isBuy ? book.askIndex(kStar) : book.bidIndex(kStar);
    if (idx >= 0) {
      const lots = lotsAt[idx]!;
      const printed = Math.max(1, Math.floor(this.rng.next() * lots));
      this.trade(ts, kStar, printed, side);
      const left = lots - printed > 0 ? lots - printed : this.lots.draw(idx);
      lotsAt[idx] = left;
      changed.push({ price: kStar / invTick, size: left / invLot });
    } else {
      orders.undisplayedPrints++;
      this.trade(ts, kStar, this.lots.draw(0), side);
    }
    if (changed.length !== 0) {
      const latency = this.latency;
      this.out.push(
        isBuy
          ? { type: "delta", exchangeTsMs: ts, localTsMs: ts + latency, bids: [], asks: changed }
          : { type: "delta", exchangeTsMs: ts, localTsMs: ts + latency, bids: changed, asks: [] },
      );
    }
    this.bbo(ts);
  }

  private trade(ts: number, tick: number, lots: number, aggressor: Side): void {
    // id = String(tradeId), built as decimal(tradeId / 10) + last digit: String() of a fresh
    // number goes through V8's number-string cache, which keeps every recent id alive across a
    // young-generation GC (measured: scavenges 1.3 ms -> 0.2 ms without it).
    let last = this.idLastDigit + 1;
    if (last === 10) {
      last = 0;
      this.idTens = decimal(++this.idTensNum);
    }
    this.idLastDigit = last;
    const id = this.idTens + DIGITS[last]!;
    const latency = this.latency;
    this.out.push({
      type: "trade",
      exchangeTsMs: ts,
      localTsMs: ts + latency,
      trade: {
        price: tick / this.invTick,
        size: lots / this.invLot,
        aggressor,
        exchangeTsMs: ts,
        localTsMs: ts + latency,
        id,
      },
    });
  }

  /** Publish the top of book if it changed (same test as the reference's `bb:bidLots:askLots` key). */
  private bbo(ts: number): void {
    const book = this.book;
    const bb = book.bb;
    const bl = book.bidLots[0]!;
    const al = book.askLots[0]!;
    if (
      this.haveTop &&
      sameKey(bb, this.topBb) &&
      sameKey(bl, this.topBidLots) &&
      sameKey(al, this.topAskLots)
    )
      return;
    this.haveTop = true;
    this.topBb = bb;
    this.topBidLots = bl;
    this.topAskLots = al;
    const invTick = this.invTick;
    const invLot = this.invLot;
    this.out.push({
      type: "bbo",
      exchangeTsMs: ts,
      localTsMs: ts + this.latency,
      bbo: {
        bidPrice: bb / invTick,
        bidSize: bl / invLot,
        askPrice: (bb + 1) / invTick,
        askSize: al / invLot,
      },
    });
  }

  private snapshot(ts: number): void {
    const book = this.book;
    const L = this.L;
    const invTick = this.invTick;
    const invLot = this.invLot;
    const bids: PriceLevel[] = [];
    const asks: PriceLevel[] = [];
    for (let i = 0; i < L; i++) {
      bids.push({ price: book.bidTicks[i]! / invTick, size: book.bidLots[i]! / invLot });
      asks.push({ price: book.askTicks[i]! / invTick, size: book.askLots[i]! / invLot });
    }
    this.out.push({ type: "snapshot", exchangeTsMs: ts, localTsMs: ts + this.latency, bids, asks });
  }
}

const DIGITS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

/** `String(n)` of a positive safe integer, without V8's number-string cache. */
export function decimal(n: number): string {
  let s = "";
  let x = n;
  do {
    s = DIGITS[x % 10]! + s;
    x = Math.floor(x / 10);
  } while (x > 0);
  return s;
}

/** Equality of two numbers as their `String()` forms compare (NaN equals NaN; −0 equals 0). */
function sameKey(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}
