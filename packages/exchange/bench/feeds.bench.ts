import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { L2Book, type MarketEvent } from "@mmkit/core";
import { benchLatency, benchThroughput } from "../../../bench/harness.js";
import { parseBinanceFrame } from "../src/feeds/binance-messages.js";
import { parseHyperliquidFrame } from "../src/feeds/hyperliquid-messages.js";
import { openReplay } from "../src/feeds/replay.js";
import { SyntheticMarket } from "../src/feeds/synthetic.js";

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const HL = here("../fixtures/hyperliquid-btc-20250126.gz");
const BINANCE = here("../../../data/samples/binance-usdm-btcusdt-20240808-120s.gz");

function frames(path: string): string[] {
  return gunzipSync(readFileSync(path))
    .toString("utf8")
    .split("\n")
    .filter((l) => l)
    .map((l) => l.slice(l.indexOf(" ") + 1));
}

function applyAll(book: L2Book, events: readonly MarketEvent[]): void {
  for (const e of events) {
    switch (e.type) {
      case "snapshot":
        book.applySnapshot(e.bids, e.asks, e.exchangeTsMs, e.localTsMs);
        break;
      case "delta":
        book.applyDelta(e.bids, e.asks, e.exchangeTsMs, e.localTsMs);
        break;
      case "bbo":
        book.applyBbo(e.bbo, e.exchangeTsMs, e.localTsMs);
        break;
      default:
        break;
    }
  }
}

/** Events per CPU second (user + system, all threads incl. GC) of `run`, after one warm-up pass. */
async function benchCpuThroughput(name: string, run: () => Promise<number>): Promise<number> {
  await run();
  const c0 = process.cpuUsage();
  const count = await run();
  const c = process.cpuUsage(c0);
  const sec = (c.user + c.system) / 1e6;
  const rate = count / sec;
  console.log(
    `${name.padEnd(48)} ${Math.round(rate).toLocaleString("en-US")} events/s (${((sec / count) * 1e6).toFixed(3)} µs/event CPU, ${count.toLocaleString("en-US")} events)`,
  );
  return rate;
}

/** Feed benchmarks: message parsing, replay into the book, synthetic generation. */
export async function runFeedBenches(): Promise<void> {
  const hlBooks = frames(HL).filter((f) => f.startsWith('{"channel":"l2Book"'));
  let sink = 0;
  // Floor: JSON.parse alone of the same frames (shows how much of the total is validation).
  benchLatency("hyperliquid l2Book JSON.parse only (baseline)", (i) => {
    sink += (JSON.parse(hlBooks[i % hlBooks.length]!) as { channel: string }).channel.length;
  });
  benchLatency("hyperliquid l2Book parse+validate+normalize", (i) => {
    const r = parseHyperliquidFrame(hlBooks[i % hlBooks.length]!, i);
    if (r.kind === "events") sink += r.events.length;
  });

  const bnFrames = frames(BINANCE);
  const bnTicker = bnFrames.filter((f) => f.includes('"bookTicker"'));
  const bnDepth = bnFrames.filter((f) => f.includes('"depthUpdate"'));
  benchLatency("binance bookTicker parse+validate+normalize", (i) => {
    if (parseBinanceFrame(bnTicker[i % bnTicker.length]!, i).kind === "bbo") sink++;
  });
  benchLatency(
    "binance depthUpdate parse+validate+normalize",
    (i) => {
      if (parseBinanceFrame(bnDepth[i % bnDepth.length]!, i).kind === "depth") sink++;
    },
    20_000,
    2_000,
  );

  // Decoded events of the real Binance capture (bbo-heavy, as recorded), replayed into the book.
  const decoded = [...openReplay(BINANCE).events()];
  benchThroughput("replay decoded Binance events into L2Book", "events", () => {
    let n = 0;
    for (let r = 0; r < 20; r++) {
      const book = new L2Book();
      applyAll(book, decoded);
      n += decoded.length;
    }
    return n;
  });
  // Generation first: collecting a whole pass into an array (as `synth` below does) makes V8
  // pretenure the generator's allocation sites, and later passes then allocate their short-lived
  // events in old space until V8 reverts that (~2-3 passes), which is not what a streaming consumer sees.
  benchThroughput("synthetic market generation (defaults, 1 h)", "events", () => {
    let n = 0;
    for (const _ of new SyntheticMarket({ seed: 2, durationSec: 3600 }).events()) n++;
    return n;
  });
  await benchCpuThroughput("synthetic generation, seed 42 (warm, CPU time)", async () => {
    let n = 0;
    for (const _ of new SyntheticMarket({ seed: 42, durationSec: 3600 }).events()) n++;
    return n;
  });
  await benchCpuThroughput("synthetic async iterator (speed max, CPU time)", async () => {
    let n = 0;
    for await (const _ of new SyntheticMarket({ seed: 42, durationSec: 3600 })) n++;
    return n;
  });
  const synth = [...new SyntheticMarket({ seed: 1, durationSec: 1800 }).events()];
  benchThroughput("replay decoded synthetic events into L2Book", "events", () => {
    let n = 0;
    for (let r = 0; r < 3; r++) {
      const book = new L2Book();
      applyAll(book, synth);
      n += synth.length;
    }
    return n;
  });
  benchThroughput("replay Binance capture file (gunzip+parse+normalize)", "events", () => {
    let n = 0;
    for (const _ of openReplay(BINANCE).events()) n++;
    return n;
  });
  if (sink < 0) console.log(sink);
}
