import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bnBookTickerSchema,
  bnDepthSchema,
  bnTradeSchema,
  isBnBookTicker,
  isBnDepth,
  isBnTrade,
  parseBinanceFrame,
} from "./binance-messages.js";
import { scanL2BookFrame } from "./hyperliquid-l2book-scan.js";
import {
  hlL2BookSchema,
  isDecimalString,
  isHlL2Book,
  normalizeHyperliquid,
  parseHyperliquidFrame,
} from "./hyperliquid-messages.js";

const fixture = (name: string): string[] =>
  gunzipSync(readFileSync(fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url))))
    .toString("utf8")
    .split("\n")
    .filter((l) => l)
    .map((l) => l.slice(l.indexOf(" ") + 1));

describe("Hyperliquid frames", () => {
  const frames = fixture("hyperliquid-btc-20250126.gz");

  it("l2Book → snapshot with 20 numeric levels per side, best first, exchange time from `time`", () => {
    const raw = frames[0]!;
    const r = parseHyperliquidFrame(raw, 123);
    expect(r.kind).toBe("events");
    if (r.kind !== "events") return;
    const e = r.events[0]!;
    expect(e.type).toBe("snapshot");
    if (e.type !== "snapshot") return;
    const d = JSON.parse(raw).data;
    expect(e.exchangeTsMs).toBe(d.time);
    expect(e.localTsMs).toBe(123);
    expect(e.bids).toHaveLength(20);
    expect(e.asks).toHaveLength(20);
    expect(e.bids[0]).toEqual({ price: 105055, size: 3.03622, count: 5 });
    expect(e.bids[0]!.price).toBeLessThan(e.asks[0]!.price);
  });

  it("trades: side B → aggressor buy, A → aggressor sell; one event per trade", () => {
    const raw = frames.find((f) => f.startsWith('{"channel":"trades"'))!;
    const r = parseHyperliquidFrame(raw, 0);
    if (r.kind !== "events") throw new Error("expected events");
    const src = JSON.parse(raw).data as { side: string; px: string }[];
    expect(r.events).toHaveLength(src.length);
    r.events.forEach((e, i) => {
      expect(e.type === "trade" && e.trade.aggressor).toBe(src[i]!.side === "B" ? "buy" : "sell");
      expect(e.type === "trade" && e.trade.price).toBe(Number(src[i]!.px));
    });
  });

  it("bbo, allMids, pong, unknown channels, malformed and invalid frames", () => {
    const bbo = parseHyperliquidFrame(
      JSON.stringify({
        channel: "bbo",
        data: {
          coin: "BTC",
          time: 5,
          bbo: [
            { px: "10", sz: "1", n: 1 },
            { px: "11", sz: "2", n: 1 },
          ],
        },
      }),
      7,
    );
    expect(bbo.kind === "events" && bbo.events[0]).toEqual({
      type: "bbo",
      exchangeTsMs: 5,
      localTsMs: 7,
      bbo: { bidPrice: 10, bidSize: 1, askPrice: 11, askSize: 2 },
    });
    const mids = parseHyperliquidFrame('{"channel":"allMids","data":{"mids":{"BTC":"100.5"}}}', 1);
    expect(mids).toEqual({ kind: "mids", mids: { BTC: 100.5 }, localTsMs: 1 });
    expect(parseHyperliquidFrame('{"channel":"pong"}', 0)).toEqual({ kind: "pong" });
    expect(parseHyperliquidFrame('{"channel":"subscriptionResponse","data":{}}', 0).kind).toBe("ignored");
    expect(parseHyperliquidFrame("{oops", 0)).toMatchObject({
      kind: "invalid",
      error: expect.stringMatching(/malformed JSON/),
    });
    const bad = parseHyperliquidFrame(
      '{"channel":"l2Book","data":{"coin":"BTC","time":1,"levels":[[{"px":"x","sz":"1","n":1}],[]]}}',
      0,
    );
    expect(bad).toMatchObject({ kind: "invalid", error: expect.stringMatching(/^l2Book levels\.0\.0\.px/) });
  });

  it("error channel frames are venue errors carrying their data (not ignored)", () => {
    // As Hyperliquid answers a bad subscribe.
    const sub = parseHyperliquidFrame(
      '{"channel":"error","data":"Invalid subscription {\\"type\\":\\"l2Book\\",\\"coin\\":\\"NOPE\\"}"}',
      0,
    );
    expect(sub).toEqual({
      kind: "venueError",
      message: 'Invalid subscription {"type":"l2Book","coin":"NOPE"}',
    });
    expect(parseHyperliquidFrame('{"channel":"error","data":"Websocket rate limited"}', 0)).toEqual({
      kind: "venueError",
      message: "Websocket rate limited",
    });
    expect(parseHyperliquidFrame('{"channel":"error","data":{"code":7}}', 0)).toEqual({
      kind: "venueError",
      message: '{"code":7}',
    });
    expect(parseHyperliquidFrame('{"channel":"error"}', 0)).toEqual({
      kind: "venueError",
      message: "(no data)",
    });
  });
});

describe("Binance frames", () => {
  const frames = fixture("binance-usdm-btcusdt-20240808-head600.gz");

  it("bookTicker → bbo with update id; depthUpdate → delta with U/u/pu", () => {
    const bt = parseBinanceFrame(frames.find((f) => f.includes('"bookTicker"'))!, 0);
    expect(bt).toMatchObject({
      kind: "bbo",
      updateId: 5123107839020,
      event: { bbo: { bidPrice: 61800.2, askPrice: 61800.3 } },
    });
    const d = parseBinanceFrame(frames[0]!, 0);
    expect(d).toMatchObject({
      kind: "depth",
      firstId: 5123107832006,
      lastId: 5123107837557,
      prevId: 5123107831937,
    });
    expect(d.kind === "depth" && d.event.bids[0]).toEqual({ price: 58710.2, size: 0.014 });
  });

  it("m:true (buyer is maker) → aggressor sell; m:false → buy; non-MARKET prints are dropped", () => {
    const mk = (m: boolean, X = "MARKET"): string =>
      JSON.stringify({
        stream: "btcusdt@trade",
        data: { e: "trade", E: 2, T: 1, s: "BTCUSDT", t: 9, p: "1.5", q: "2", X, m },
      });
    expect(parseBinanceFrame(mk(true), 0)).toMatchObject({
      kind: "trade",
      event: { trade: { aggressor: "sell", price: 1.5, size: 2, id: "9" } },
    });
    expect(parseBinanceFrame(mk(false), 0)).toMatchObject({
      kind: "trade",
      event: { trade: { aggressor: "buy" } },
    });
    expect(parseBinanceFrame(mk(false, "INSURANCE_FUND"), 0)).toEqual({
      kind: "nonMarketTrade",
      tradeType: "INSURANCE_FUND",
      symbol: "BTCUSDT",
    });
    const agg = JSON.stringify({ e: "aggTrade", E: 2, T: 1, s: "BTCUSDT", a: 77, p: "3", q: "1", m: true });
    expect(parseBinanceFrame(agg, 0)).toMatchObject({
      kind: "trade",
      event: { trade: { aggressor: "sell", id: "77" } },
    });
  });

  it("acks are ignored; malformed and schema-invalid frames are reported", () => {
    expect(parseBinanceFrame('{"result":null,"id":1}', 0).kind).toBe("ignored");
    expect(parseBinanceFrame("[1,2]", 0).kind).toBe("invalid");
    expect(parseBinanceFrame('{"stream":"x@depth","data":{"e":"depthUpdate","E":1}}', 0)).toMatchObject({
      kind: "invalid",
      error: expect.stringMatching(/^depthUpdate/),
    });
  });
});

describe("isHlL2Book fast path", () => {
  // Domain: JSON values (what JSON.parse can produce), mutated around a real frame.
  it("property: accepts exactly what hlL2BookSchema accepts (random mutations of a real frame)", () => {
    const real = JSON.parse(fixture("hyperliquid-btc-20250126.gz")[0]!).data as Record<string, unknown>;
    const level = fc.record({
      px: fc.oneof(fc.string(), fc.constantFrom("105055.0", ""), fc.integer()),
      sz: fc.oneof(fc.constantFrom("0.1", ""), fc.string(), fc.constant(null)),
      n: fc.oneof(fc.integer({ min: -2, max: 50 }), fc.double(), fc.constant("3")),
    });
    const mutated = fc.record({
      coin: fc.oneof(fc.constant("BTC"), fc.integer(), fc.constant(undefined)),
      time: fc.oneof(fc.constant(real["time"]), fc.integer({ min: -5, max: 5 }), fc.double(), fc.string()),
      levels: fc.oneof(
        fc.constant(real["levels"]),
        fc.tuple(fc.array(level, { maxLength: 3 }), fc.array(level, { maxLength: 3 })),
        fc.array(fc.array(level, { maxLength: 2 }), { maxLength: 3 }),
        fc.jsonValue(),
      ),
    });
    const anyInput = fc.oneof(mutated, fc.jsonValue(), fc.constant(real));
    fc.assert(
      fc.property(anyInput, (x) => isHlL2Book(x) === hlL2BookSchema.safeParse(x).success),
      { seed: 42, numRuns: 3000 },
    );
    expect(isHlL2Book(real)).toBe(true);
  });

  it("property: isDecimalString equals the /^-?\\d+(\\.\\d+)?$/ regex on any string", () => {
    const re = /^-?\d+(\.\d+)?$/;
    const decimalish = fc.stringMatching(/^-?[0-9.]{0,6}$/);
    fc.assert(
      fc.property(fc.oneof(fc.string(), decimalish), (s) => isDecimalString(s) === re.test(s)),
      { seed: 7, numRuns: 5000 },
    );
    for (const s of ["0", "-1", "105055.0", "0.00219", "1.", ".5", "-", "", "1e5", " 1", "1.2.3", "--1"]) {
      expect(isDecimalString(s), s).toBe(re.test(s));
    }
  });
});

describe("Binance fast guards", () => {
  // Domain: JSON objects (what JSON.parse gives), real payloads of each kind with fields mutated.
  const payloads = fixture("binance-usdm-btcusdt-20240808-head600.gz").map((l) => {
    const j = JSON.parse(l) as Record<string, unknown>;
    return (j["data"] ?? j) as Record<string, unknown>;
  });
  const real = (e: string) => payloads.find((p) => p["e"] === e || (e === "bookTicker" && "A" in p))!;
  const junk = fc.oneof(
    fc.constant(undefined),
    fc.constant(null),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constantFrom("1.5", "-2", "1.", ".5", "", "x", "1e5"),
    fc.constant([["1.0", "2"]]),
    fc.constant([["1.0"]]),
    fc.constant([["1.0", 2]]),
    fc.constant([["1.0", "2", "extra"]]),
    fc.jsonValue(),
  );
  for (const [kind, guard, schema] of [
    ["bookTicker", isBnBookTicker, bnBookTickerSchema],
    ["depthUpdate", isBnDepth, bnDepthSchema],
    ["trade", isBnTrade, bnTradeSchema],
  ] as const) {
    it(`${kind}: property — the guard accepts exactly what the schema accepts`, () => {
      const base = real(kind);
      expect(base, kind).toBeDefined();
      expect(guard(base)).toBe(true);
      const keys = [...Object.keys(base), "e", "T", "E", "pu", "X", "t", "a"];
      fc.assert(
        fc.property(fc.constantFrom(...keys), junk, fc.constantFrom(...keys), junk, (k1, v1, k2, v2) => {
          const o: Record<string, unknown> = { ...base, [k1]: v1, [k2]: v2 };
          for (const k of [k1, k2]) if (o[k] === undefined) delete o[k];
          expect(guard(o), JSON.stringify(o)).toBe(schema.safeParse(o).success);
        }),
        { seed: 11, numRuns: 3000 },
      );
    });
  }
});

describe("scanL2BookFrame (canonical-layout fast path)", () => {
  const frames = fixture("hyperliquid-btc-20250126.gz").filter((f) => f.startsWith('{"channel":"l2Book"'));
  const slow = (text: string): unknown => {
    try {
      return normalizeHyperliquid(JSON.parse(text), 7);
    } catch {
      return { kind: "invalid" };
    }
  };

  it("accepts every real recorded l2Book frame with exactly the general path's result", () => {
    expect(frames.length).toBeGreaterThan(10);
    for (const f of frames) {
      const fast = scanL2BookFrame(f, 7);
      expect(fast).not.toBeNull();
      expect({ kind: "events", channel: "l2Book", coin: fast!.coin, events: [fast!.event] }).toEqual(slow(f));
    }
  });

  it("property: on randomly mutated frames it either declines (null) or equals the general path", () => {
    const alphabet = fc.constantFrom(...'0123456789.-e+" ,:{}[]\\npxsznN\n\t\u0001'.split(""));
    const mutation = fc.record({
      frame: fc.integer({ min: 0, max: frames.length - 1 }),
      pos: fc.nat(),
      del: fc.integer({ min: 0, max: 3 }),
      ins: fc.array(alphabet, { maxLength: 3 }),
    });
    let accepted = 0;
    fc.assert(
      fc.property(mutation, ({ frame, pos, del, ins }) => {
        const base = frames[frame]!;
        const at = pos % base.length;
        const text = base.slice(0, at) + ins.join("") + base.slice(at + del);
        const fast = scanL2BookFrame(text, 7);
        if (fast === null) return true;
        accepted++;
        const viaScan = { kind: "events", channel: "l2Book", coin: fast.coin, events: [fast.event] };
        expect(viaScan).toEqual(slow(text));
        return true;
      }),
      { seed: 11, numRuns: 4000 },
    );
    // Many mutations keep the layout (e.g. a digit changed inside a number): the equality was exercised.
    expect(accepted).toBeGreaterThan(200);
  });
});

describe("prices and sizes as JSON numbers (converted or third-party captures)", () => {
  /** The frame with every decimal-string price/size turned into the number it spells. */
  const numeric = (raw: string): string => raw.replace(/"(-?\d+(?:\.\d+)?)"/g, "$1");
  const same = (frames: string[], parse: (raw: string, t: number) => unknown): number => {
    let n = 0;
    for (const raw of frames) {
      const asNumbers = numeric(raw);
      if (asNumbers === raw) continue;
      expect(parse(asNumbers, 7), asNumbers.slice(0, 80)).toEqual(parse(raw, 7));
      n++;
    }
    return n;
  };

  it("Binance bookTicker, depth and trade frames parse to the same events as the strings", () => {
    const frames = fixture("binance-usdm-btcusdt-20240808-head600.gz");
    expect(same(frames, parseBinanceFrame)).toBeGreaterThan(500);
    const bt = parseBinanceFrame(numeric(frames.find((f) => f.includes('"bookTicker"'))!), 0);
    expect(bt).toMatchObject({ kind: "bbo", event: { bbo: { bidPrice: 61800.2, askPrice: 61800.3 } } });
  });

  it("Hyperliquid l2Book and trades frames parse to the same events as the strings", () => {
    expect(same(fixture("hyperliquid-btc-20250126.gz"), parseHyperliquidFrame)).toBe(55);
  });
});
