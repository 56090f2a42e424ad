import { L2Book, type MarketEvent } from "@mmkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PaperExchange } from "../paper/paper-exchange.js";
import { parseSyntheticConfig } from "./synthetic-config.js";
import { drawLatentPath } from "./synthetic-path.js";
import { SyntheticMarket } from "./synthetic.js";

function apply(book: L2Book, e: MarketEvent): void {
  if (e.type === "snapshot") book.applySnapshot(e.bids, e.asks);
  else if (e.type === "delta") book.applyDelta(e.bids, e.asks);
}

describe("SyntheticMarket config", () => {
  it("has the documented defaults", () => {
    const c = parseSyntheticConfig({});
    expect(c).toMatchObject({
      seed: 1,
      startTsMs: 1_735_689_600_000,
      initialMid: 100_000,
      tickSize: 0.1,
      lotSize: 0.001,
      marketOrders: { aPerSec: 1.5, kappaPerFrac: 8000 },
    });
    expect(c.regimes.map((r) => [r.name, r.sigmaPerSqrtSec])).toEqual([
      ["calm", 0.5e-4],
      ["normal", 1e-4],
      ["volatile", 2.5e-4],
    ]);
  });

  it("rejects bad input with errors naming the field", () => {
    expect(() => new SyntheticMarket({ tickSize: -1 })).toThrow(/tickSize/);
    expect(() => new SyntheticMarket({ initialRegime: "panic" })).toThrow(/initialRegime.*panic/);
    expect(() => new SyntheticMarket({ book: { levels: 5 } })).toThrow(/book\.levels/);
    expect(() => new SyntheticMarket({ marketOrders: { kappaPerFrac: 0 } })).toThrow(/kappaPerFrac/);
    expect(() => new SyntheticMarket({ tickSize: 0.3 })).toThrow(/1\/tickSize must be an integer/);
    // a misspelt option is named (zod alone would drop it and run on the default seed)
    expect(() => new SyntheticMarket({ sede: 3 } as never)).toThrow(
      /invalid SyntheticMarket config: unknown option "sede" \(known: seed, /,
    );
    expect(() => new PaperExchange({ fillModle: "through" } as never)).toThrow(
      /invalid paper exchange config: unknown option "fillModle"/,
    );
  });

  it("accepts tiny decimal grids (1/1e-9 is 999999999.9999999 in doubles)", () => {
    const m = new SyntheticMarket({ tickSize: 1e-9, lotSize: 1e-9, initialMid: 1e-5, durationSec: 5 });
    let n = 0;
    for (const ev of m.events()) {
      if (ev.type === "trade") expect(Number.isFinite(ev.trade.price) && ev.trade.price > 0).toBe(true);
      n++;
    }
    expect(n).toBeGreaterThan(0);
  });
});

describe("SyntheticMarket determinism and book consistency", () => {
  it("same seed → identical events; different seed → different", () => {
    const a = [...new SyntheticMarket({ seed: 11, durationSec: 20 }).events()];
    const b = [...new SyntheticMarket({ seed: 11, durationSec: 20 }).events()];
    const c = [...new SyntheticMarket({ seed: 12, durationSec: 20 }).events()];
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it("books are one tick wide, ≥ 20 levels/side, deeper queues larger, BBO events match the book, trades never exceed displayed size", () => {
    const m = new SyntheticMarket({ seed: 4, durationSec: 600 });
    const book = new L2Book();
    let bboMismatch = 0;
    let wideSpread = 0;
    let oversizedPrints = 0;
    let undisplayedNotDeepest = 0;
    let sizeTouch = 0;
    let sizeDeep = 0;
    let samples = 0;
    let lastTs = Number.NEGATIVE_INFINITY;
    let backwards = 0;
    let pending: (MarketEvent & { type: "trade" })[] = [];
    const checkOrder = (): void => {
      // Prints of one market order: all but the deepest must hit a displayed level in full or less.
      for (let i = 0; i < pending.length; i++) {
        const t = pending[i]!.trade;
        const shown = book.sizeAt(t.aggressor === "buy" ? "ask" : "bid", t.price);
        if (shown === 0 && i < pending.length - 1) undisplayedNotDeepest++;
        if (shown > 0 && t.size > shown + 1e-9) oversizedPrints++;
      }
      pending = [];
    };
    for (const e of m.events()) {
      if (e.exchangeTsMs < lastTs) backwards++;
      lastTs = e.exchangeTsMs;
      if (e.type === "trade") {
        pending.push(e);
        continue;
      }
      checkOrder();
      apply(book, e);
      if (e.type === "bbo") {
        const top = book.bbo()!;
        if (
          top.bidPrice !== e.bbo.bidPrice ||
          top.askPrice !== e.bbo.askPrice ||
          top.bidSize !== e.bbo.bidSize
        )
          bboMismatch++;
        if (Math.abs(top.askPrice - top.bidPrice - 0.1) > 1e-6) wideSpread++;
        const { bids, asks } = book.levelCount();
        expect(Math.min(bids, asks)).toBeGreaterThanOrEqual(20);
        const snap = book.snapshot(40);
        sizeTouch += snap.bids[0]!.size + snap.asks[0]!.size;
        sizeDeep += snap.bids[30]!.size + snap.asks[30]!.size;
        samples++;
      }
    }
    expect(backwards).toBe(0);
    expect(bboMismatch).toBe(0);
    expect(wideSpread).toBe(0);
    expect(oversizedPrints).toBe(0);
    expect(undisplayedNotDeepest).toBe(0);
    expect(book.trimmedLevels).toBe(0);
    // mean(i) = touch·(1 + 0.1·i): level 30 should be ~4× the touch on average.
    expect(sizeDeep / sizeTouch).toBeGreaterThan(2.5);
    expect(samples).toBeGreaterThan(1000);
    const truth = m.groundTruth();
    expect(truth.counts).toEqual(m.stats().events);
  });
});

describe("SyntheticMarket ground truth, checked statistically", () => {
  it("regime dwell times are exponential with the configured means (long latent path)", () => {
    const cfg = parseSyntheticConfig({ seed: 3, durationSec: 2_000_000 });
    const path = drawLatentPath(cfg);
    for (const r of cfg.regimes) {
      const segs = path.regimes.filter((s) => s.regime === r.name).slice(0, -1);
      const mean = segs.reduce((a, s) => a + (s.endTsMs - s.startTsMs) / 1000, 0) / segs.length;
      // n ≥ ~500 segments per regime → relative SE of the mean ≈ 1/√n ≤ 4.5 %.
      expect(segs.length).toBeGreaterThan(400);
      expect(Math.abs(mean / r.meanDwellSec - 1)).toBeLessThan(0.15);
    }
  });

  it("realized volatility per regime matches sigmaPerSqrtSec (no jumps, no runs)", () => {
    const m = new SyntheticMarket({
      seed: 21,
      durationSec: 3 * 3600,
      jumps: { ratePerHour: 0 },
      runs: { ratePerHour: 0 },
      marketOrders: { aPerSec: 0.05 },
      book: { updateIntervalMs: 500 },
      regimes: [
        { name: "calm", sigmaPerSqrtSec: 0.5e-4, meanDwellSec: 600 },
        { name: "normal", sigmaPerSqrtSec: 1e-4, meanDwellSec: 600 },
        { name: "volatile", sigmaPerSqrtSec: 2.5e-4, meanDwellSec: 600 },
      ],
    });
    const truth = m.groundTruth();
    // Book mid sampled on a 1 s grid (from BBO events: mid = (bid + ask)/2).
    const t0 = truth.config.startTsMs;
    const mids: number[] = [];
    let mid = Number.NaN;
    let nextSample = t0;
    for (const e of m.events()) {
      while (e.exchangeTsMs > nextSample) {
        mids.push(mid);
        nextSample += 1000;
      }
      if (e.type === "bbo") mid = (e.bbo.bidPrice + e.bbo.askPrice) / 2;
    }
    const sumSq = new Map<string, { s: number; n: number }>();
    let seg = 0;
    for (let i = 1; i < mids.length; i++) {
      const a = t0 + (i - 1) * 1000;
      const b = t0 + i * 1000;
      while (truth.regimePath[seg]!.endTsMs <= a) seg++;
      const s = truth.regimePath[seg]!;
      if (s.endTsMs < b) continue; // return spans a regime switch
      const r = Math.log(mids[i]! / mids[i - 1]!);
      const acc = sumSq.get(s.regime) ?? { s: 0, n: 0 };
      acc.s += r * r;
      acc.n++;
      sumSq.set(s.regime, acc);
    }
    for (const r of truth.config.regimes) {
      const acc = sumSq.get(r.name)!;
      expect(acc.n).toBeGreaterThan(500);
      const realized = Math.sqrt(acc.s / acc.n); // per √s since returns are 1 s apart
      // Relative SE of a realized σ from n returns ≈ 1/√(2n) ≤ 3.2 %; tolerance 10 %.
      expect(Math.abs(realized / r.sigmaPerSqrtSec - 1)).toBeLessThan(0.1);
    }
  });

  it("trade-arrival depth profile: orders reaching ≥ δ arrive at A·exp(−κδ) per side (rates, MLE κ, KS)", () => {
    const A = 1.5;
    const kappa = 8000;
    const durationSec = 3600;
    const m = new SyntheticMarket({
      seed: 8,
      durationSec,
      jumps: { ratePerHour: 0 },
      runs: { ratePerHour: 0 },
    });
    const book = new L2Book();
    const depths: Record<"buy" | "sell", number[]> = { buy: [], sell: [] };
    let order: { ts: number; side: "buy" | "sell"; mid: number; deepest: number } | null = null;
    const flush = (): void => {
      if (!order) return;
      const d = order.side === "buy" ? order.deepest / order.mid - 1 : 1 - order.deepest / order.mid;
      depths[order.side].push(d);
      order = null;
    };
    for (const e of m.events()) {
      if (e.type === "trade") {
        const t = e.trade;
        if (!order || order.ts !== e.exchangeTsMs || order.side !== t.aggressor) {
          flush();
          order = { ts: e.exchangeTsMs, side: t.aggressor, mid: book.mid(), deepest: t.price };
        }
        order.deepest =
          t.aggressor === "buy" ? Math.max(order.deepest, t.price) : Math.min(order.deepest, t.price);
        continue;
      }
      flush();
      apply(book, e);
    }
    flush();
    for (const side of ["buy", "sell"] as const) {
      const d = depths[side];
      // (1) Rate of orders reaching ≥ δ vs A·exp(−κδ): Poisson counts, tolerance 4 SE.
      for (const deltaFrac of [0.2e-4, 1e-4, 2e-4, 3e-4]) {
        const count = d.filter((x) => x >= deltaFrac).length;
        const expected = A * Math.exp(-kappa * deltaFrac) * durationSec;
        expect(Math.abs(count - expected)).toBeLessThan(4 * Math.sqrt(expected));
      }
      // (2) MLE of κ for Exp(κ): 1/mean; SE ≈ κ/√n ≈ 1.4 % for n ≈ 5400 → tolerance 5 %.
      const mean = d.reduce((a, x) => a + x, 0) / d.length;
      expect(Math.abs(1 / mean / kappa - 1)).toBeLessThan(0.05);
      // (3) Kolmogorov–Smirnov distance to Exp(κ) below the 1 % critical value 1.63/√n.
      const sorted = [...d].sort((x, y) => x - y);
      let ks = 0;
      for (let i = 0; i < sorted.length; i++) {
        const cdf = 1 - Math.exp(-kappa * sorted[i]!);
        ks = Math.max(ks, Math.abs(cdf - i / sorted.length), Math.abs(cdf - (i + 1) / sorted.length));
      }
      expect(ks).toBeLessThan(1.63 / Math.sqrt(sorted.length));
    }
  });

  it("jumps and one-way runs move the mid as recorded in the ground truth", () => {
    const m = new SyntheticMarket({
      seed: 31,
      durationSec: 4 * 3600,
      marketOrders: { aPerSec: 0.05 },
      book: { updateIntervalMs: 500 },
      jumps: { ratePerHour: 3, meanSizeBps: 60 },
      runs: { ratePerHour: 2, durationSec: 60, driftBpsPerSec: 2 },
      regimes: [{ name: "calm", sigmaPerSqrtSec: 0.3e-4, meanDwellSec: 1e9 }],
      initialRegime: "calm",
    });
    const truth = m.groundTruth();
    expect(truth.jumps.length).toBeGreaterThan(3);
    expect(truth.runs.length).toBeGreaterThan(3);
    const ts: number[] = [];
    const mids: number[] = [];
    for (const e of m.events()) {
      if (e.type === "bbo") {
        ts.push(e.exchangeTsMs);
        mids.push((e.bbo.bidPrice + e.bbo.askPrice) / 2);
      }
    }
    const midAt = (t: number): number => {
      let lo = 0;
      let hi = ts.length - 1;
      while (lo < hi) {
        const k = (lo + hi + 1) >> 1;
        if (ts[k]! <= t) lo = k;
        else hi = k - 1;
      }
      return mids[lo]!;
    };
    for (const j of truth.jumps.filter((x) => Math.abs(x.sizeBps) > 15)) {
      const moveBps = Math.log(midAt(j.tsMs + 600) / midAt(j.tsMs - 600)) * 1e4;
      // Diffusion over ≤ 1.2 s (mid steps every 500 ms): σ·√1.2 ≈ 0.33 bps, small next to a > 15 bps jump.
      expect(Math.sign(moveBps)).toBe(Math.sign(j.sizeBps));
      expect(Math.abs(moveBps - j.sizeBps)).toBeLessThan(3);
    }
    for (const r of truth.runs.filter((x) => x.endTsMs - x.startTsMs >= 60_000)) {
      const moveBps = Math.log(midAt(r.endTsMs) / midAt(r.startTsMs)) * 1e4;
      // Drift 2 bps/s × 60 s = 120 bps (± jumps inside, rare); diffusion σ·√60 ≈ 2.3 bps.
      expect(Math.sign(moveBps)).toBe(r.direction === "up" ? 1 : -1);
      expect(Math.abs(moveBps)).toBeGreaterThan(60);
    }
  });

  it("property: any seed gives a two-sided, uncrossed book whose trades are all on the right side of the mid", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const book = new L2Book();
        for (const e of new SyntheticMarket({ seed, durationSec: 20 }).events()) {
          if (e.type === "trade") {
            const mid = book.mid();
            if (e.trade.aggressor === "buy" ? e.trade.price <= mid : e.trade.price >= mid) return false;
          } else apply(book, e);
          if (book.isCrossed() || !book.isTwoSided()) return false;
        }
        return book.trimmedLevels === 0;
      }),
      { seed: 42, numRuns: 15 },
    );
  });
});
