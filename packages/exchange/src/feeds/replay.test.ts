import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { L2Book, type MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { encodeRecordedEvent, encodeRecordingHeader } from "./recording.js";
import { detectReplayFormat, openReplay } from "./replay.js";
import { StaleTradeFilter } from "./stale-trades.js";
import type { FeedLogger } from "./types.js";

const sample = (name: string): string =>
  fileURLToPath(new URL(`../../../../data/samples/${name}`, import.meta.url));
const BINANCE = sample("binance-usdm-btcusdt-20240808-120s.gz");
const HL = sample("hyperliquid-btc-20250126.gz");

function lineCount(path: string): number {
  return gunzipSync(readFileSync(path))
    .toString("utf8")
    .split("\n")
    .filter((l) => l.length > 0).length;
}

/** Apply an event to a book the way the paper trader does. */
function apply(book: L2Book, e: MarketEvent): void {
  if (e.type === "snapshot") book.applySnapshot(e.bids, e.asks, e.exchangeTsMs, e.localTsMs);
  else if (e.type === "delta") book.applyDelta(e.bids, e.asks, e.exchangeTsMs, e.localTsMs);
  else if (e.type === "bbo") book.applyBbo(e.bbo, e.exchangeTsMs, e.localTsMs);
}

describe("replay of the real Binance USD-M capture", () => {
  it("parses every line, never crosses the book after the resync, and prints counts per type", () => {
    const feed = openReplay(BINANCE);
    expect(feed.format).toBe("binance-capture");
    const book = new L2Book();
    let crossedAfterResync = 0;
    let resynced = false;
    let lastTs = Number.NEGATIVE_INFINITY;
    let outOfOrder = 0;
    for (const e of feed.events()) {
      apply(book, e);
      if (e.type === "health" && e.status === "resynced") resynced = true;
      if (resynced && book.isCrossed()) crossedAfterResync++;
      if (e.exchangeTsMs < lastTs) outOfOrder++;
      lastTs = Math.max(lastTs, e.exchangeTsMs);
    }
    const st = feed.stats();
    console.log(
      `[replay] ${BINANCE.split("/").pop()} events per type: ${JSON.stringify(st.events)} extra: ${JSON.stringify(st.extra)}`,
    );
    expect(st.messages).toBe(lineCount(BINANCE)); // 29,042 frames, every one read
    expect(st.invalidMessages).toBe(0);
    expect(feed.badLines).toEqual([]);
    expect(resynced).toBe(true);
    expect(crossedAfterResync).toBe(0);
    expect(outOfOrder).toBe(st.extra["lateEvents"] ?? 0);
    // From the data README: 22,435 bookTicker, 2,291 depth, 4,315 trade frames (+1 REST snapshot).
    // bbo = 22,435 + 1 top-of-book re-applied after the snapshot; delta = 2,291 + 2 bridging updates re-applied.
    // trade: the 4,315 prints are 2,074 taker orders at one price (computed apart, in Python: a
    // print is merged into the one before when it has the next trade id, the same time, price and
    // side, and at most 32 book frames received within 10 ms lie between them), 2,241 are merged.
    expect(st.events).toEqual({ snapshot: 1, delta: 2293, bbo: 22436, trade: 2074, health: 1 });
    expect(st.extra["mergedPrints"]).toBe(2241);
    expect(st.gaps).toBe(0);
    expect(book.isTwoSided()).toBe(true);
  });

  it("local clock orders by receive time (monotone) and yields the same multiset of events", () => {
    const local = [...openReplay(BINANCE, { clock: "local" }).events()];
    let backwards = 0;
    for (let i = 1; i < local.length; i++) if (local[i]!.localTsMs < local[i - 1]!.localTsMs) backwards++;
    expect(backwards).toBe(0);
    const exch = [...openReplay(BINANCE, { clock: "exchange" }).events()];
    expect(exch.length).toBe(local.length);
    // The collector's clock is ~1.2 s behind the venue: both clocks are kept.
    const t = local.find((e) => e.type === "trade")!;
    expect(t.exchangeTsMs - t.localTsMs).toBeGreaterThan(1000);
  });

  it("async iteration streams the same events as events()", async () => {
    const feed = openReplay(HL);
    const sync = [...feed.events()];
    const streamed: MarketEvent[] = [];
    for await (const e of feed) streamed.push(e);
    expect(streamed).toEqual(sync);
  });
});

describe("replay of the real Hyperliquid capture", () => {
  it("maps l2Book to snapshots and trades to aggressor-sided prints", () => {
    const feed = openReplay(HL, { clock: "local" });
    expect(feed.format).toBe("hyperliquid-capture");
    const events = [...feed.events()];
    const st = feed.stats();
    expect(st.messages).toBe(55);
    expect(st.events.snapshot).toBe(46);
    expect(st.invalidMessages).toBe(0);
    const snap = events.find((e) => e.type === "snapshot")!;
    // First frame: best bid {"px":"105055.0","sz":"3.03622","n":5}.
    expect(snap.type === "snapshot" && snap.bids[0]).toEqual({ price: 105055, size: 3.03622, count: 5 });
    expect(snap.type === "snapshot" && snap.bids.length).toBe(20);
    const trades = events.filter((e) => e.type === "trade");
    expect(trades.length).toBe(st.events.trade);
    expect(trades.some((e) => e.type === "trade" && e.trade.aggressor === "sell")).toBe(true);
  });
});

describe("Hyperliquid's recent-trades snapshot", () => {
  it("is dropped: no print older than the book by more than 2 s, so market time starts at the book", () => {
    // The capture's third frame answers the trades subscription with prints up to 49 s older than
    // the first l2Book (exchange time); replayed on the exchange clock they started the run in the past.
    const feed = openReplay(HL, { clock: "exchange" });
    const events = [...feed.events()];
    const firstBookTs = events.find((e) => e.type === "snapshot")!.exchangeTsMs;
    const trades = events.filter((e) => e.type === "trade");
    expect(trades.length).toBeGreaterThan(0);
    for (const t of trades) expect(t.exchangeTsMs).toBeGreaterThanOrEqual(firstBookTs - 2000);
    expect(feed.stats().extra.staleTradesDropped).toBeGreaterThan(0);
    const span = events[events.length - 1]!.exchangeTsMs - events[0]!.exchangeTsMs;
    expect(span).toBeLessThan(30_000);
  });

  it("StaleTradeFilter keeps prints up to maxLagMs behind the latest book", () => {
    const f = new StaleTradeFilter(2000);
    expect(f.accepts(0)).toBe(true); // no book yet
    f.noteBook(10_000);
    expect(f.accepts(8_000)).toBe(true);
    expect(f.accepts(7_999)).toBe(false);
    // The reference is the book received last, not the largest time seen (stale-trades.test.ts:
    // a book stamped in the future must not hold every later print hostage).
    f.noteBook(9_000);
    expect(f.accepts(7_000)).toBe(true);
    expect(f.accepts(6_999)).toBe(false);
    expect(() => new StaleTradeFilter(-1)).toThrow(RangeError);
  });
});

describe("format detection and bad lines", () => {
  it("detects from content, not the extension, gzip or plain", () => {
    const dir = mkdtempSync(join(tmpdir(), "mmkit-replay-"));
    const disguised = join(dir, "looks-like.csv");
    copyFileSync(HL, disguised);
    expect(openReplay(disguised).format).toBe("hyperliquid-capture");
    const plain = join(dir, "plain.gz"); // not gzip despite the name
    writeFileSync(plain, gunzipSync(readFileSync(BINANCE)).subarray(0, 4000));
    expect(openReplay(plain).format).toBe("binance-capture");
    expect(() => detectReplayFormat("hello,world")).toThrow(/unrecognized replay format/);
  });

  it("counts and locates bad lines with file:line, never throws", () => {
    const dir = mkdtempSync(join(tmpdir(), "mmkit-replay-"));
    const lines = gunzipSync(readFileSync(HL)).toString("utf8").split("\n").slice(0, 5);
    lines.splice(2, 0, "1737918843907660000 {broken json");
    lines.splice(4, 0, '1737918843907660000 {"channel":"l2Book","data":{"coin":"BTC"}}');
    lines.splice(5, 0, "garbage without timestamp");
    const path = join(dir, "bad.txt");
    writeFileSync(path, lines.join("\n"));
    const logged: string[] = [];
    const feed = openReplay(path, {
      logger: { warn: (o) => logged.push(String(o["where"])), info: () => {} },
    });
    const events = [...feed.events()];
    expect(feed.stats().invalidMessages).toBe(3);
    expect(feed.badLines.map((b) => b.where)).toEqual([`${path}:3`, `${path}:5`, `${path}:6`]);
    expect(feed.badLines[0]!.error).toMatch(/malformed JSON/);
    expect(events.length).toBeGreaterThan(0);
    expect(feed.stats().extra["truncatedLastLine"]).toBeUndefined();
    // a second pass (the paper trader looks at a file's start first) counts them again, logs none twice
    const firstPass = [...logged];
    expect(firstPass).toContain(`${path}:3`);
    [...feed.events()];
    expect(feed.stats().invalidMessages).toBe(3);
    expect(logged).toEqual(firstPass);
  });

  it("a recorded print at price 0 or of size 0 is a bad line, never a trade event", () => {
    const dir = mkdtempSync(join(tmpdir(), "mmkit-replay-"));
    const trade = (price: number, size: number, ts: number): string =>
      encodeRecordedEvent(
        {
          type: "trade",
          exchangeTsMs: ts,
          localTsMs: ts,
          trade: { price, size, aggressor: "buy", exchangeTsMs: ts, localTsMs: ts },
        },
        "hyperliquid:BTC",
      );
    const path = join(dir, "rec.jsonl");
    const lines = [encodeRecordingHeader("hyperliquid:BTC", 1), trade(100, 1, 1), trade(0, 1, 2)];
    writeFileSync(path, `${[...lines, trade(100, 0, 3), trade(101, 2, 4)].join("\n")}\n`);
    const feed = openReplay(path);
    const prices = [...feed.events()].map((e) => (e.type === "trade" ? e.trade.price : Number.NaN));
    expect(prices).toEqual([100, 101]);
    expect(feed.badLines.map((b) => [b.where, b.error])).toEqual([
      [`${path}:3`, "trade.price: finite number > 0"],
      [`${path}:4`, "trade.size: finite number > 0"],
    ]);
  });

  it("a gzip cut mid-line (recorder killed) replays what it holds and says the file is truncated", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mmkit-replay-"));
    const cut = join(dir, "cut.gz");
    writeFileSync(cut, readFileSync(BINANCE).subarray(0, 300_000));
    const warnings: string[] = [];
    const logger = { warn: (_o: Record<string, unknown>, msg: string) => warnings.push(msg), info: () => {} };
    const sync = openReplay(cut, { logger });
    const syncEvents = [...sync.events()];
    expect(syncEvents.length).toBeGreaterThan(5000);
    expect(sync.stats().extra["truncatedLastLine"]).toBe(1);
    expect(warnings.some((w) => /ends mid-line \(file truncated/.test(w))).toBe(true);
    const streamed = openReplay(cut, { logger });
    const streamedEvents: MarketEvent[] = [];
    for await (const e of streamed) streamedEvents.push(e);
    expect(streamedEvents).toEqual(syncEvents);
    expect(streamed.stats().extra["truncatedLastLine"]).toBe(1);
    // the whole file is not flagged
    const whole = openReplay(BINANCE);
    for await (const _ of whole) {
      /* drain */
    }
    expect(whole.stats().extra["truncatedLastLine"]).toBeUndefined();
  });
});

describe("damaged gzip input", () => {
  const reEscape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  /** A copy of `src` with 64 bytes at `at` (fraction of the size) overwritten by `f(byte)`. */
  function damaged(src: string, at: number, f: (b: number) => number): string {
    const b = Buffer.from(readFileSync(src));
    const i = Math.floor(b.length * at);
    for (let j = 0; j < 64; j++) b[i + j] = f(b[i + j]!);
    const path = join(mkdtempSync(join(tmpdir(), "mmkit-replay-")), "damaged.gz");
    writeFileSync(path, b);
    return path;
  }
  function collectingLogger(): {
    warnings: { fields: Record<string, unknown>; msg: string }[];
    logger: FeedLogger;
  } {
    const warnings: { fields: Record<string, unknown>; msg: string }[] = [];
    return { warnings, logger: { warn: (fields, msg) => warnings.push({ fields, msg }), info: () => {} } };
  }
  const local = { clock: "local", reorderWindowMs: 0 } as const;

  it("an empty or header-only gzip (recorder killed before its first flush) is named and said to be empty", () => {
    const dir = mkdtempSync(join(tmpdir(), "mmkit-replay-"));
    const cases = {
      "empty.jsonl": Buffer.alloc(0),
      "header-only.jsonl.gz": gzipSync(Buffer.alloc(0)).subarray(0, 10), // what zlib writes at once
      "no-records.jsonl.gz": gzipSync(Buffer.alloc(0)),
      "cut-first-line.jsonl.gz": gzipSync('{"schema":"mmkit.marketdata","vers'),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      expect(() => openReplay(path), name).toThrow(`${path}: empty or truncated before the first record`);
    }
  });

  it.each([
    ["early data error (invalid distance)", 0.3, () => 0, false],
    ["garbled second half, detected by the CRC", 0.5, (b: number) => b ^ 0xa5, true],
  ])(
    "a gzip corrupted mid-file (%s) replays up to the corruption and says where",
    async (_, at, f, byChecksum) => {
      const path = damaged(HL, at, f);
      const clean = [...openReplay(HL, local).events()];
      const runs: MarketEvent[][] = [];
      for (const streamed of [false, true]) {
        const { warnings, logger } = collectingLogger();
        const feed = openReplay(path, { ...local, logger });
        const got: MarketEvent[] = [];
        if (streamed) for await (const e of feed) got.push(e);
        else for (const e of feed.events()) got.push(e);
        runs.push(got);
        expect(got.length, `streamed=${streamed}`).toBeGreaterThan(0);
        expect(got).toEqual(clean.slice(0, got.length));
        expect(feed.stats().extra["corruptGzipData"]).toBe(1);
        expect(feed.stats().extra["truncatedLastLine"]).toBeUndefined();
        // found only by the trailer's checksum: the damage is somewhere before, and the message says so
        expect(feed.stats().extra["corruptGzipFoundByChecksum"]).toBe(byChecksum ? 1 : undefined);
        const said = byChecksum
          ? `${reEscape(path)}: corrupt gzip data, found by the checksum after line \\d+ \\(incorrect data check\\): the damage lies somewhere before it`
          : `${reEscape(path)}: corrupt gzip data after line \\d+ \\(Z_DATA_ERROR\\)`;
        const corrupt = warnings.filter((w) => new RegExp(said).test(w.msg));
        expect(corrupt, JSON.stringify(warnings)).toHaveLength(1);
      }
      // streamed inflates the damaged stretch in small steps: at most a few lines short of events()
      expect(runs[0]!.length - runs[1]!.length).toBeLessThanOrEqual(5);
    },
  );

  it("the QA case (64 bytes flipped mid Binance sample): bad-line warnings are throttled, the run ends normally", async () => {
    const path = damaged(BINANCE, 0.5, (b) => b ^ 0xa5);
    const { warnings, logger } = collectingLogger();
    const feed = openReplay(path, { logger });
    let n = 0;
    for await (const _ of feed) n++;
    expect(n).toBeGreaterThan(10_000);
    expect(feed.stats().invalidMessages).toBeGreaterThan(1000);
    expect(feed.stats().extra["corruptGzipData"]).toBe(1);
    const bad = warnings.filter((w) => /bad line/.test(w.msg));
    expect(bad.length).toBeLessThanOrEqual(3); // the first one, then a summary with the count
    expect(bad.at(-1)!.fields["total"]).toBe(feed.stats().invalidMessages);
  });
});
