import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { openReplay } from "./replay.js";

const dir = mkdtempSync(join(tmpdir(), "mmkit-replay-instr-"));
const NS = 1_737_918_843_000_000_000n;

function hlBook(coin: string, time: number, bid: string, ask: string, sz: string): string {
  return JSON.stringify({
    channel: "l2Book",
    data: { coin, levels: [[{ n: 2, px: bid, sz }], [{ n: 3, px: ask, sz }]], time },
  });
}

function hlTrades(coin: string, time: number, px: string, sz: string, side: "B" | "A"): string {
  return JSON.stringify({
    channel: "trades",
    data: [{ coin, side, px, sz, time, tid: time, hash: "0x00", users: ["0x1", "0x2"] }],
  });
}

function write(name: string, frames: string[], localStepMs = 100): string {
  const text = frames.map((f, i) => `${NS + BigInt(i * localStepMs) * 1_000_000n} ${f}`).join("\n");
  const path = join(dir, name);
  writeFileSync(path, gzipSync(`${text}\n`));
  return path;
}

const T = 1_737_918_843_000;
/** BTC and ETH interleaved, as a multi-coin subscription records them. */
const multi = write("hl-multi.gz", [
  hlBook("ETH", T, "3301.2", "3301.3", "1.5"),
  hlBook("BTC", T + 1, "105055.0", "105056.0", "0.5"),
  hlTrades("BTC", T + 2, "105056.0", "0.01", "B"),
  hlTrades("ETH", T + 3, "3301.3", "0.2", "B"),
  hlBook("BTC", T + 4, "105054.0", "105055.0", "0.5"),
  hlBook("ETH", T + 5, "3301.1", "3301.2", "1.5"),
]);

function prices(events: Iterable<MarketEvent>): number[] {
  const out: number[] = [];
  for (const e of events) {
    if (e.type === "snapshot") out.push(e.bids[0]!.price);
    if (e.type === "trade") out.push(e.trade.price);
  }
  return out;
}

describe("replay of a multi-instrument capture", () => {
  it("keeps every frame of a mixed-case coin (Hyperliquid's kPEPE): the instrument is matched case-insensitively", () => {
    const path = write("hl-kpepe.gz", [
      hlBook("kPEPE", T, "0.01201", "0.01202", "1000"),
      hlTrades("kPEPE", T + 1, "0.01202", "500", "B"),
      hlBook("kPEPE", T + 2, "0.01200", "0.01201", "1000"),
    ]);
    const feed = openReplay(path);
    expect(prices(feed.events())).toEqual([0.01201, 0.01202, 0.012]);
    expect(feed.instrument()).toBe("KPEPE");
    expect(feed.stats().extra["otherInstrumentFrames"]).toBeUndefined();
  });

  it("keeps only the instrument asked for (case-insensitive) and counts the others", () => {
    const eth = openReplay(multi, { instrument: "eth" });
    expect(prices(eth.events())).toEqual([3301.2, 3301.3, 3301.1]);
    expect(eth.instrument()).toBe("ETH");
    expect(eth.stats().extra["otherInstrumentFrames"]).toBe(3);
    expect([...eth.instrumentsSeen().keys()]).toEqual(["ETH", "BTC"]);
    const btc = openReplay(multi, { instrument: "BTC" });
    expect(prices(btc.events())).toEqual([105055, 105056, 105054]);
  });

  it("without an instrument keeps the first one seen instead of mixing two books", async () => {
    const feed = openReplay(multi);
    const got: MarketEvent[] = [];
    for await (const e of feed) got.push(e);
    expect(prices(got)).toEqual([3301.2, 3301.3, 3301.1]);
    expect(feed.instrument()).toBe("ETH");
  });

  it("filters Binance combined streams by symbol", () => {
    const frame = (s: string, u: number, b: string, a: string): string =>
      JSON.stringify({
        stream: `${s.toLowerCase()}@bookTicker`,
        data: { e: "bookTicker", u, s, b, B: "10", a, A: "12", T: T + u, E: T + u },
      });
    const path = write("bn-multi.gz", [
      frame("ETHUSDT", 1, "3301.37", "3301.38"),
      frame("DOGEUSDT", 2, "0.12344", "0.12345"),
      frame("ETHUSDT", 3, "3301.36", "3301.37"),
    ]);
    const bids = (instrument: string): number[] => {
      const out: number[] = [];
      for (const e of openReplay(path, { instrument }).events())
        if (e.type === "bbo") out.push(e.bbo.bidPrice);
      return out;
    };
    expect(bids("DOGEUSDT")).toEqual([0.12344]);
    expect(bids("ethusdt")).toEqual([3301.37, 3301.36]);
  });
});

describe("replay of a Binance spot capture (bookTicker without exchange time)", () => {
  it("puts bookTicker on the exchange clock learnt from depth/trade frames, not ~1.3 s ahead of them", () => {
    // The collector's local clock runs 1270 ms behind the exchange (as in the real spot capture).
    const skewMs = 1270;
    const frames: string[] = [];
    const locals: number[] = [];
    for (let i = 0; i < 20; i++) {
      const localMs = T + i * 100;
      locals.push(localMs);
      const exch = localMs + skewMs;
      frames.push(
        i % 2 === 0
          ? JSON.stringify({
              stream: "ethusdt@trade",
              data: {
                e: "trade",
                E: exch,
                T: exch,
                s: "ETHUSDT",
                t: i,
                p: "3301.37",
                q: "0.5",
                m: true,
                M: true,
              },
            })
          : JSON.stringify({
              stream: "ethusdt@bookTicker",
              data: { u: i, s: "ETHUSDT", b: "3301.37", B: "1.0", a: "3301.38", A: "2.0" },
            }),
      );
    }
    const text = frames.map((f, i) => `${BigInt(locals[i]!) * 1_000_000n} ${f}`).join("\n");
    const path = join(dir, "spot.txt");
    writeFileSync(path, `${text}\n`);
    const evs = [...openReplay(path).events()];
    // Events come out in file order (each one 100 ms after the previous), all on the exchange clock.
    expect(evs.map((e) => e.exchangeTsMs)).toEqual(locals.map((l) => l + skewMs));
    expect(evs.filter((e) => e.type === "bbo")).toHaveLength(10);
  });
});

describe("spot bookTicker frames before the first frame that gives the clock offset", () => {
  const skewMs = 1270;
  const trade = (i: number, exch: number): string =>
    JSON.stringify({
      stream: "ethusdt@trade",
      data: { e: "trade", E: exch, T: exch, s: "ETHUSDT", t: i, p: "3301.37", q: "0.5", m: true, M: true },
    });
  const ticker = (i: number): string =>
    JSON.stringify({
      stream: "ethusdt@bookTicker",
      data: { u: i, s: "ETHUSDT", b: "3301.37", B: "1.0", a: "3301.38", A: "2.0" },
    });
  const capture = (name: string, kinds: ("t" | "b")[]): { path: string; locals: number[] } => {
    const locals = kinds.map((_, i) => T + i * 100);
    const lines = kinds.map((k, i) => {
      const frame = k === "t" ? trade(i, locals[i]! + skewMs) : ticker(i);
      return `${BigInt(locals[i]!) * 1_000_000n} ${frame}`;
    });
    const path = join(dir, name);
    writeFileSync(path, `${lines.join("\n")}\n`);
    return { path, locals };
  };

  it("are held until the offset is known, then come out on the exchange clock in file order (sync and streamed)", async () => {
    const { path, locals } = capture("spot-bbo-first.txt", ["b", "b", "b", "t", "b", "t", "b"]);
    const sync = openReplay(path);
    const evs = [...sync.events()];
    expect(evs.map((e) => e.type)).toEqual(["bbo", "bbo", "bbo", "trade", "bbo", "trade", "bbo"]);
    expect(evs.map((e) => e.exchangeTsMs)).toEqual(locals.map((l) => l + skewMs));
    expect(sync.stats().extra["bboLeftOnLocalClock"]).toBeUndefined();
    const streamed: MarketEvent[] = [];
    for await (const e of openReplay(path)) streamed.push(e);
    expect(streamed).toEqual(evs);
  });

  it("a bookTicker is never put before a print the stream delivered ahead of it (noisy offset)", () => {
    // The offset is learnt from the first print (exchange 1270 ms ahead); the second one reached the
    // collector 50 ms faster, and the bookTicker right after it would be estimated ~47 ms before it.
    const kinds: string[] = [
      `${BigInt(T) * 1_000_000n} ${trade(1, T + skewMs)}`,
      `${BigInt(T + 100) * 1_000_000n} ${trade(2, T + 150 + skewMs)}`,
      `${BigInt(T + 101) * 1_000_000n} ${ticker(3)}`,
    ];
    const path = join(dir, "spot-late-print.txt");
    writeFileSync(path, `${kinds.join("\n")}\n`);
    const evs = [...openReplay(path).events()];
    expect(evs.map((e) => [e.type, e.exchangeTsMs])).toEqual([
      ["trade", T + skewMs],
      ["trade", T + 150 + skewMs],
      // estimate T + 101 + 1272.5 (offset EWMA 1270 + 0.05·50): clamped to the print before it
      ["bbo", T + 150 + skewMs],
    ]);
  });

  it("a print with a wrong time (1 h ahead) does not drag the bookTickers after it", () => {
    const kinds: string[] = [
      `${BigInt(T) * 1_000_000n} ${trade(1, T + skewMs)}`,
      `${BigInt(T + 100) * 1_000_000n} ${trade(2, T + 100 + skewMs + 3_600_000)}`,
      `${BigInt(T + 101) * 1_000_000n} ${ticker(3)}`,
    ];
    const path = join(dir, "spot-bad-print-time.txt");
    writeFileSync(path, `${kinds.join("\n")}\n`);
    const bbo = [...openReplay(path).events()].find((e) => e.type === "bbo")!;
    // on its own estimate (the offset EWMA moved 5 % of the way to the bad print: +180 s), not 1 h ahead
    expect(bbo.exchangeTsMs).toBe(T + 101 + skewMs + 180_000);
  });

  it("a bookTicker-only capture (no clock offset ever) releases them on the local clock, counted", () => {
    const { path, locals } = capture("spot-bbo-only.txt", ["b", "b", "b", "b"]);
    const feed = openReplay(path);
    const evs = [...feed.events()];
    expect(evs.map((e) => e.exchangeTsMs)).toEqual(locals);
    expect(feed.stats().extra["bboLeftOnLocalClock"]).toBe(4);
  });
});

describe("replay of a truncated gzip (recorder killed mid-write)", () => {
  it("replays every complete line and reports the cut one as a bad line, sync and streamed", async () => {
    const frames: string[] = [];
    for (let i = 0; i < 400; i++) frames.push(hlBook("SOL", T + i * 500, "190.57", "190.58", "12.34"));
    const text = frames.map((f, i) => `${NS + BigInt(i) * 500_000_000n} ${f}`).join("\n");
    const gz = gzipSync(`${text}\n`);
    const path = join(dir, "cut.gz");
    writeFileSync(path, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const sync = openReplay(path);
    const n = [...sync.events()].length;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(400);
    expect(sync.stats().invalidMessages).toBeLessThanOrEqual(1);
    const streamed = openReplay(path);
    let m = 0;
    for await (const _ of streamed) m++;
    expect(m).toBe(n);
  });
});
