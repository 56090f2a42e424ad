/**
 * Test helper: a traded-venue capture (Hyperliquid `l2Book` + `trades` frames) and a lead-venue
 * capture (Binance USD-M `bookTicker` or diff-depth frames) with a known lead–lag structure,
 * generated at test time (~0.4 s for 9 min), and the same pair as `--record` recordings.
 *
 * The traded market is the repo's seeded `SyntheticMarket` (BTC-like, ~60 000, on Hyperliquid's
 * whole-dollar grid), written frame by frame as Hyperliquid sends it: after every book change the
 * top 20 levels per side (a full `l2Book` image), and its prints as `trades` frames (one taker
 * order's prints share a hash). The lead shows every traded top of book `lagMs` earlier, `basisBps`
 * higher and with iid noise of `noiseBps`: the traded mid follows the lead's `lagMs` later (up to
 * that noise and the lead's 0.1 grid), so LeadLag's regression of the traded return over its 2 s
 * horizon on the earlier basis deviation has β near 1 (attenuated by the noise's share of the
 * deviation's variance) and a t-statistic well past its threshold after LeadLag's 300 pairs.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { L2Book, type MarketEvent, type PriceLevel, Rng } from "@mmkit/core";
import { openReplay, Recorder, SyntheticMarket } from "@mmkit/exchange";

/** Parameters of a generated pair. */
export interface LeadPairOptions {
  seed: number;
  /** Length of the traded market (s). */
  durationSec: number;
  /** How much earlier the lead shows each traded top of book (ms). */
  lagMs: number;
  /** Lead price / traded price − 1 (bps): a persistent basis between the venues. */
  basisBps: number;
  /** Std of iid noise on each lead frame's log-price (bps): no two lead frames show the same prices. */
  noiseBps: number;
  /**
   * The lead as Binance diff-depth frames (`@depth@0ms`, continuous `pu`/`u`) of its top 10 levels
   * per side instead of `bookTicker` (no noise): each frame holds only the levels that changed, so
   * the lead's book is the sum of its frames — a book lost at a resume stays lost.
   */
  leadDepth?: boolean;
}

/** The two capture files written and what they hold. */
export interface LeadPair {
  traded: string;
  lead: string;
  /** Exchange time of the traded market's first event (ms). */
  startMs: number;
}

/** Levels per side of a Hyperliquid `l2Book` frame. */
const HL_LEVELS = 20;
/** Receive latency of the traded venue's frames (ms). */
const RECEIVE_LATENCY_MS = 40;
/** Every this many lead frames, one arrives `LEAD_STALL_MS` late and holds up those behind it. */
const LEAD_STALL_EVERY = 700;
const LEAD_STALL_MS = 1500;
const START_MS = 1_737_000_000_000;

const ns = (receivedMs: number): string => `${BigInt(Math.round(receivedMs * 1000)) * 1000n}`;
const hlLevels = (levels: PriceLevel[]): { n: number; px: string; sz: string }[] =>
  levels.slice(0, HL_LEVELS).map((l) => ({ n: 1, px: l.price.toFixed(0), sz: l.size.toFixed(5) }));

/** Write the pair into `dir` (`traded.txt`, `lead.txt`); deterministic in the options. */
export function writeLeadPair(dir: string, o: LeadPairOptions): LeadPair {
  const market = new SyntheticMarket({
    seed: o.seed,
    startTsMs: START_MS,
    durationSec: o.durationSec,
    initialMid: 60_000,
    tickSize: 1,
    lotSize: 0.00001,
  });
  const book = new L2Book();
  const rng = new Rng(o.seed);
  let leadReceivedMs = 0;
  const traded: string[] = [];
  const lead: string[] = [];
  let tid = 1;
  let taker = 1;
  let bookFrames = 0;
  let pendingBookMs: number | null = null;
  // One l2Book image per instant, after all of that instant's book changes.
  const flushBook = (): void => {
    if (pendingBookMs === null) return;
    const ms = pendingBookMs;
    pendingBookMs = null;
    const snap = book.snapshot(HL_LEVELS);
    const data = { coin: "BTC", levels: [hlLevels(snap.bids), hlLevels(snap.asks)], time: ms };
    traded.push(`${ns(ms + RECEIVE_LATENCY_MS)} ${JSON.stringify({ channel: "l2Book", data })}`);
    bookFrames++;
    const leadMs = ms - o.lagMs;
    const frame = o.leadDepth === true ? depth.frame(leadMs, snap) : bookTicker(leadMs);
    if (frame === null) return;
    // Received 40 ms + Exp(20 ms) after the venue's stamp, in order, and now and then after a stall.
    const stall = bookFrames % LEAD_STALL_EVERY === 0 ? LEAD_STALL_MS : 0;
    leadReceivedMs = Math.max(leadReceivedMs, leadMs + 40 + stall - 20 * Math.log(1 - rng.uniform(0, 1)));
    lead.push(`${ns(leadReceivedMs)} ${JSON.stringify(frame)}`);
  };
  /** The lead's top of book: the traded one's, `basisBps` and a draw of the noise higher. */
  const bookTicker = (leadMs: number): Record<string, unknown> => {
    const f = Math.exp((o.basisBps + o.noiseBps * rng.normal()) * 1e-4);
    const data = {
      e: "bookTicker",
      u: bookFrames,
      s: "BTCUSDT",
      b: (Math.floor(book.bestBid() * f * 10) / 10).toFixed(1),
      B: book.bestBidSize().toFixed(3),
      a: (Math.ceil(book.bestAsk() * f * 10) / 10).toFixed(1),
      A: book.bestAskSize().toFixed(3),
      T: leadMs,
      E: leadMs,
    };
    return { stream: "btcusdt@bookTicker", data };
  };
  const depth = new LeadDepth(o.basisBps);
  let prints: { px: string; sz: string; side: "B" | "A"; time: number; hash: string; tid: number }[] = [];
  const flushTrades = (): void => {
    if (prints.length === 0) return;
    const data = prints.map((p) => ({ coin: "BTC", ...p }));
    traded.push(`${ns(prints[0]!.time + RECEIVE_LATENCY_MS)} ${JSON.stringify({ channel: "trades", data })}`);
    prints = [];
    taker++;
  };
  for (const ev of market.events() as Iterable<MarketEvent>) {
    const ms = Math.floor(ev.exchangeTsMs);
    if (ev.type === "snapshot" || ev.type === "delta") {
      flushTrades();
      if (pendingBookMs !== null && pendingBookMs !== ms) flushBook();
      if (ev.type === "snapshot") book.applySnapshot(ev.bids, ev.asks, ms, ms);
      else book.applyDelta(ev.bids, ev.asks, ms, ms);
      pendingBookMs = ms;
    } else if (ev.type === "trade") {
      flushBook();
      if (prints.length > 0 && prints[0]!.time !== ms) flushTrades();
      const t = ev.trade;
      const side = t.aggressor === "buy" ? "B" : "A";
      // the prints of one instant and side are one taker order sweeping the book
      const last = prints.at(-1);
      if (last !== undefined && (last.time !== ms || last.side !== side)) taker++;
      prints.push({
        px: t.price.toFixed(0),
        sz: t.size.toFixed(5),
        side,
        time: ms,
        hash: `0x${taker.toString(16).padStart(64, "0")}`,
        tid: tid++,
      });
    }
  }
  flushBook();
  flushTrades();
  const pair = { traded: join(dir, "traded.txt"), lead: join(dir, "lead.txt") };
  writeFileSync(pair.traded, `${traded.join("\n")}\n`);
  writeFileSync(pair.lead, `${lead.join("\n")}\n`);
  return { ...pair, startMs: START_MS };
}

/**
 * The pair as a live run's `--record` writes it (a directory of parts per venue, every event on the
 * recorder's receive clock), so its replay runs on the local clock and the lead's frames count as
 * of their venue stamps (the lead's delivery-delay estimate is in play); written under `dir`.
 */
export async function recordLeadPair(pair: LeadPair, dir: string): Promise<{ traded: string; lead: string }> {
  const out = { traded: join(dir, "traded-rec"), lead: join(dir, "lead-rec") };
  const write = async (capture: string, to: string, source: string): Promise<void> => {
    const recorder = new Recorder({ dir: to, source, gzip: false, nowMs: () => pair.startMs });
    for (const e of openReplay(capture, { clock: "local" }).events()) await recorder.write(e);
    await recorder.close();
  };
  await write(pair.traded, out.traded, "hyperliquid:BTC");
  await write(pair.lead, out.lead, "binance:BTCUSDT");
  return out;
}

/** Levels per side of the lead's depth book. */
const LEAD_DEPTH_LEVELS = 10;

/** The lead's book as Binance diff-depth frames: the traded top levels `basisBps` higher on a 0.1 grid. */
class LeadDepth {
  private readonly f: number;
  private bids = new Map<string, string>();
  private asks = new Map<string, string>();
  private u = 0;

  constructor(basisBps: number) {
    this.f = Math.exp(basisBps * 1e-4);
  }

  /** The frame of what changed since the last one (null: nothing did). */
  frame(leadMs: number, traded: { bids: PriceLevel[]; asks: PriceLevel[] }): Record<string, unknown> | null {
    const side = (levels: PriceLevel[], round: (x: number) => number): Map<string, string> =>
      new Map(
        levels
          .slice(0, LEAD_DEPTH_LEVELS)
          .map((l) => [(round(l.price * this.f * 10) / 10).toFixed(1), Math.max(0.001, l.size).toFixed(3)]),
      );
    const bids = side(traded.bids, Math.floor);
    const asks = side(traded.asks, Math.ceil);
    const b = changes(this.bids, bids);
    const a = changes(this.asks, asks);
    this.bids = bids;
    this.asks = asks;
    if (b.length === 0 && a.length === 0) return null;
    const pu = this.u;
    this.u += 10;
    const data = { e: "depthUpdate", E: leadMs, T: leadMs, s: "BTCUSDT", U: pu + 1, u: this.u, pu, b, a };
    return { stream: "btcusdt@depth@0ms", data };
  }
}

/** Level replacements turning `from` into `to` (size "0.000" deletes). */
function changes(from: Map<string, string>, to: Map<string, string>): [string, string][] {
  const out: [string, string][] = [];
  for (const px of from.keys()) if (!to.has(px)) out.push([px, "0.000"]);
  for (const [px, sz] of to) if (from.get(px) !== sz) out.push([px, sz]);
  return out;
}
