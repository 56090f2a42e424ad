import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import type { MarketEvent } from "@mmkit/core";
import { Recorder, type ReplayFeed, SyntheticMarket, silentLogger } from "@mmkit/exchange";
import { describe, expect, it } from "vitest";
import { decimalText, quoteCurrency, replayInstrument, requireLinearContract } from "../src/instrument.js";
import { parseConfig } from "../src/config.js";
import { createLogger, moneyExtraDecimals, priceText } from "../src/logging.js";
import { runPaperTrader } from "../src/run.js";
import { deriveHl } from "./derive-hl.js";
import {
  BINANCE_SAMPLE,
  captureLines,
  capturingLogger,
  HL_SAMPLE,
  runInProcess,
  tempDir,
} from "./helpers.js";

function writeGz(dir: string, name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, gzipSync(`${lines.join("\n")}\n`));
  return path;
}

interface Prediction {
  price: number;
  size: number;
  mid: number;
  depth_from_mid_bps: number;
}

function predictions(dir: string): Prediction[] {
  return readFileSync(join(dir, "predictions.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Prediction);
}

describe("replay of other Hyperliquid coins", () => {
  it("a tiny-price coin that is not built in (kBONK ~0.0123, szDecimals 0) quotes on its real grid", async () => {
    const dir = tempDir();
    const input = writeGz(dir, "kbonk.gz", deriveHl("kBONK", 0.012345, 0, 400 * 86_400_000));
    const out = join(dir, "out");
    await runInProcess({ source: "replay", input, outputDir: out, asset: "kBONK" });
    const preds = predictions(out);
    expect(preds.length).toBeGreaterThan(0);
    for (const p of preds) {
      // 5 significant figures → 6 decimals at 0.0123; whole-unit sizes; a few bps from the mid.
      expect(Math.round(p.price * 1e6) / 1e6).toBe(p.price);
      expect(p.price.toPrecision(5)).toBe(String(p.price).padEnd(8, "0"));
      expect(Number.isInteger(p.size)).toBe(true);
      expect(Math.abs(p.depth_from_mid_bps)).toBeLessThan(50);
    }
    const manifest = JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as { symbol: string };
    expect(manifest.symbol).toBe("kBONK");
  });

  it("--sz-decimals overrides the inferred size decimals", async () => {
    const dir = tempDir();
    const input = writeGz(dir, "sol.gz", deriveHl("SOLX", 190.57, 2));
    const out = join(dir, "out");
    await runInProcess({ source: "replay", input, outputDir: out, szDecimals: 1 });
    for (const p of predictions(out)) {
      expect(Math.round(p.size * 10) / 10).toBe(p.size);
      expect(Math.round(p.price * 100) / 100).toBe(p.price);
    }
  });

  it("a two-coin capture replays only --asset, and an absent --asset is a clear error writing nothing", async () => {
    const dir = tempDir();
    const btc = captureLines(HL_SAMPLE);
    const eth = deriveHl("ETH", 3301.3, 4);
    const at = (l: string): bigint => BigInt(l.slice(0, l.indexOf(" ")));
    const both = [...btc, ...eth].sort((a, b) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0));
    const input = writeGz(dir, "multi.gz", both);
    const out = join(dir, "eth");
    await runInProcess({ source: "replay", input, outputDir: out, asset: "eth" });
    const preds = predictions(out);
    expect(preds.length).toBeGreaterThan(0);
    for (const p of preds) {
      expect(p.mid).toBeGreaterThan(3000);
      expect(p.mid).toBeLessThan(3600);
    }
    const missing = join(dir, "sol");
    await expect(runInProcess({ source: "replay", input, outputDir: missing, asset: "SOL" })).rejects.toThrow(
      /--asset SOL: no SOL frames .*holds BTC, ETH/,
    );
    expect(existsSync(missing)).toBe(false);
  });
});

describe("--asset absent from a Binance capture", () => {
  it("is an error even when a symbol-less depth snapshot reached the sample", () => {
    // What a BTCUSDT-only capture replayed with --asset XRPUSDT looked like to replayInstrument
    // before snapshots were attributed: no XRPUSDT frame, yet a snapshot among the events.
    const capture = (kept: string): ReplayFeed =>
      ({
        format: "binance-capture",
        path: "btcusdt.gz",
        recordingSource: null,
        instrumentsSeen: () => new Map([["BTCUSDT", 29_041]]),
        instrument: () => kept,
      }) as unknown as ReplayFeed;
    const t = 1_723_161_256_493;
    const sample: MarketEvent[] = [
      { type: "health", exchangeTsMs: t, localTsMs: t, status: "resynced", reason: "depth snapshot" },
      {
        type: "snapshot",
        exchangeTsMs: t,
        localTsMs: t,
        bids: [{ price: 61800.2, size: 2.9 }],
        asks: [{ price: 61800.3, size: 1.1 }],
      },
    ];
    expect(() => replayInstrument(capture("XRPUSDT"), "XRPUSDT", sample, silentLogger)).toThrow(
      "--asset XRPUSDT: no XRPUSDT frames in btcusdt.gz (it holds BTCUSDT)",
    );
    expect(replayInstrument(capture("BTCUSDT"), "btcusdt", sample, silentLogger)).toBe("BTCUSDT");
  });
});

describe("report prices", () => {
  it("keep 6 significant digits for small prices and 2 decimals for large ones", () => {
    expect(priceText(0.0123456789)).toBe("0.0123457");
    expect(priceText(3301.25)).toBe("3301.25");
    expect(priceText(105055.5)).toBe("105055.50");
    expect(priceText(Number.NaN)).toBe("n/a");
  });
});

describe("amounts in the quote currency", () => {
  it("get one more decimal per factor of 10 the capital is below 100", () => {
    expect(moneyExtraDecimals(1000)).toBe(0);
    expect(moneyExtraDecimals(100)).toBe(0);
    expect(moneyExtraDecimals(99)).toBe(1);
    expect(moneyExtraDecimals(10)).toBe(1);
    expect(moneyExtraDecimals(0.0226)).toBe(4); // 0.0226 BTC: 2 + 4 decimals show 0.022602
    expect(moneyExtraDecimals(0)).toBe(0);
    expect(moneyExtraDecimals(Number.NaN)).toBe(0);
    expect(moneyExtraDecimals(1e-300)).toBe(12);
  });
});

describe("grid steps in the report", () => {
  it("print in plain decimals, never in exponent notation", () => {
    expect(decimalText(1e-7)).toBe("0.0000001");
    expect(decimalText(2.5e-8)).toBe("0.000000025");
    expect(decimalText(0.00001)).toBe("0.00001");
    expect(decimalText(0.1)).toBe("0.1");
    expect(decimalText(1)).toBe("1");
  });
});

describe("quote currency", () => {
  it("USD for dollar quotes, synthetic and Hyperliquid; the quote asset otherwise", () => {
    expect(quoteCurrency("binance", "BTCUSDT")).toBe("USD");
    expect(quoteCurrency("binance", "ethfdusd")).toBe("USD");
    expect(quoteCurrency(null, "1000PEPEUSDC")).toBe("USD");
    expect(quoteCurrency("binance", "ETHDAI")).toBe("USD"); // a dollar stablecoin
    expect(quoteCurrency("binance", "ETHBTC")).toBe("BTC");
    expect(quoteCurrency("binance", "SOLBNB")).toBe("BNB");
    expect(quoteCurrency("binance", "FOOBAR")).toBe("quote");
    expect(quoteCurrency("binance", "USDT")).toBe("quote");
    expect(quoteCurrency("hyperliquid", "ETH")).toBe("USD");
    expect(quoteCurrency("synthetic", "BTC")).toBe("USD");
    // delivery and perpetual suffixes say nothing about the quote
    expect(quoteCurrency("binance", "BTCUSDT_240927")).toBe("USD");
    expect(quoteCurrency("binance", "ETHBTC_PERP")).toBe("BTC");
  });

  it("a coin-margined (inverse) Binance contract is refused, naming the linear one to use", () => {
    for (const s of ["BTCUSD_PERP", "ethusd_240927"])
      expect(() => requireLinearContract("binance", s)).toThrow(/is a coin-margined \(inverse\) contract/);
    expect(() => requireLinearContract("binance", "BTCUSD_PERP")).toThrow(/\(e\.g\. BTCUSDT\)$/);
    for (const s of ["BTCUSDT", "BTCUSDT_240927", "BTCUSDC"])
      expect(() => requireLinearContract("binance", s)).not.toThrow();
    expect(() => requireLinearContract("hyperliquid", "USD_PERP")).not.toThrow();
  });
});

describe("trade prints off the price grid", () => {
  it("are warned about once and counted in the report (a venue tick change, or a wrong --tick-size)", async () => {
    // the real sample trades on a 0.1 grid: about half its prints are off a 0.2 one
    const lines: { level: number; msg: string }[] = [];
    const r = await runInProcess(
      { source: "replay", input: BINANCE_SAMPLE, tickSize: 0.2, outputDir: tempDir() },
      capturingLogger(lines),
    );
    const warned = lines.filter((l) => l.msg.startsWith("[GRID]"));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ level: 40 });
    expect(warned[0]!.msg).toMatch(
      /^\[GRID\] a trade printed at 618\d\d\.\d, off the price grid the run quotes on \(tick 0\.2 near the mid\)/,
    );
    const instrument = r.report.find((l) => l.startsWith("Instrument: "))!;
    const n = Number(/; (\d+) trade print\(s\) off this grid/.exec(instrument)?.[1]);
    expect(n).toBeGreaterThan(100);
    // on its own grid, none
    const own = await runInProcess({ source: "replay", input: BINANCE_SAMPLE, outputDir: tempDir() });
    expect(own.report.find((l) => l.startsWith("Instrument: "))).not.toMatch(/off this grid/);
  });
});

describe("a given --sz-decimals", () => {
  it("that contradicts the data is warned about (sizes finer than it allows); one that fits is not", async () => {
    for (const [szDecimals, warned] of [
      [2, 1],
      [5, 0],
    ] as const) {
      const lines: { level: number; msg: string }[] = [];
      await runInProcess(
        { source: "replay", input: HL_SAMPLE, szDecimals, outputDir: tempDir() },
        capturingLogger(lines),
      );
      const w = lines.filter(
        (l) => l.level === 40 && l.msg.includes(`--sz-decimals ${szDecimals} contradicts`),
      );
      expect(w, String(szDecimals)).toHaveLength(warned);
    }
  });
});

describe("grid flags finer than the data", () => {
  it("--tick-size finer than the data's tick, and --sz-decimals other than the built-in, are warned about", async () => {
    const warnings = async (input: Parameters<typeof runInProcess>[0]): Promise<string[]> => {
      const lines: { level: number; msg: string }[] = [];
      await runInProcess(input, capturingLogger(lines));
      return lines.filter((l) => l.level === 40).map((l) => l.msg);
    };
    const fine = await warnings({
      source: "replay",
      input: BINANCE_SAMPLE,
      tickSize: 0.01,
      outputDir: tempDir(),
    });
    expect(
      fine.filter((m) => m.includes("--tick-size 0.01 is finer than the data's price grid (0.1,")),
    ).toHaveLength(1);
    const same = await warnings({
      source: "replay",
      input: BINANCE_SAMPLE,
      tickSize: 0.1,
      outputDir: tempDir(),
    });
    expect(same.filter((m) => m.includes("is finer than"))).toEqual([]);
    const szd = await warnings({ source: "replay", input: HL_SAMPLE, szDecimals: 4, outputDir: tempDir() });
    expect(
      szd.filter((m) => m.includes("--sz-decimals 4 differs from the built-in szDecimals 5 of BTC")),
    ).toHaveLength(1);
  });
});

describe("what run.json says of the instrument", () => {
  it("names the venue and the grid, and every stream it lists exists even when nothing filled", async () => {
    const dir = tempDir();
    const out = join(dir, "out");
    const r = await runInProcess({ source: "replay", input: HL_SAMPLE, outputDir: out });
    expect(r.fills).toBe(0); // 25 s of Hyperliquid data: no fill
    const manifest = JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as {
      venue: string;
      streams: string[];
      source: Record<string, unknown>;
    };
    expect(manifest.venue).toBe("hyperliquid");
    // BTC: szDecimals 5, prices of 5 significant figures (whole dollars near 100k)
    expect(manifest.source).toMatchObject({ quote_currency: "USD", lot_size: 0.00001, tick_size: 1 });
    for (const f of manifest.streams) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, "fills.jsonl"), "utf8")).toBe("");
  });
});

describe("an instrument not quoted in dollars", () => {
  it("needs --order-size (the default ~100 of the quote currency is 100 BTC on ETHBTC); nothing is written without it", async () => {
    const dir = tempDir();
    const lines = gunzipSync(readFileSync(BINANCE_SAMPLE))
      .toString("utf8")
      .replaceAll("btcusdt", "ethbtc")
      .replaceAll("BTCUSDT", "ETHBTC")
      .split("\n")
      .filter(Boolean);
    const input = writeGz(dir, "ethbtc.gz", lines);
    const out = join(dir, "out");
    await expect(runInProcess({ source: "replay", input, outputDir: out, durationSec: 30 })).rejects.toThrow(
      /^invalid --order-size: required when the instrument is quoted in BTC, not USD/,
    );
    expect(existsSync(out)).toBe(false);
    const printed: string[] = [];
    const r = await runPaperTrader(
      parseConfig({ source: "replay", input, outputDir: out, orderSizeBase: 0.002, durationSec: 30 }),
      { logger: createLogger("silent", false), print: (l) => printed.push(l), handleSignals: false },
    );
    expect(r.events).toBeGreaterThan(0);
    expect(printed.join("\n")).toContain("-- Fills and PnL (BTC) --"); // the currency amounts are in
    const manifest = JSON.parse(readFileSync(join(out, "run.json"), "utf8")) as { symbol: string };
    expect(manifest.symbol).toBe("ETHBTC");
  });
});

describe("replay of a recording with a gap", () => {
  it("the kill switch sees a 7-minute hole in the data before the first event after it", async () => {
    const dir = tempDir();
    const lines = captureLines(HL_SAMPLE);
    const gapMs = 7 * 60_000;
    const cut = Math.floor(lines.length / 2);
    const shifted = lines.map((l, i) => {
      if (i < cut) return l;
      const sp = l.indexOf(" ");
      const ns = BigInt(l.slice(0, sp)) + BigInt(gapMs) * 1_000_000n;
      return `${ns} ${l.slice(sp + 1).replace(/"time":(\d+)/g, (_, t: string) => `"time":${Number(t) + gapMs}`)}`;
    });
    const input = writeGz(dir, "gap.gz", shifted);
    const out = join(dir, "out");
    await runInProcess({ source: "replay", input, outputDir: out });
    const events = readFileSync(join(out, "events.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { kind: string; ts_ms: number; to?: string; reason?: string });
    const bookTimes = lines.slice(0, cut).map((l) => /"channel":"l2Book".*"time":(\d+)/.exec(l)?.[1]);
    const lastBeforeGap = Math.max(...bookTimes.filter((t) => t !== undefined).map(Number));
    const stale = events.find(
      (e) =>
        e.kind === "kill_switch" &&
        e.to === "reduceOnly" &&
        /stale/.test(e.reason ?? "") &&
        e.ts_ms > lastBeforeGap,
    );
    expect(stale).toBeDefined();
    // Noticed inside the gap (10 s after the data stopped), not when the data came back.
    expect(stale!.ts_ms).toBeLessThan(lastBeforeGap + 60_000);
    // Fill forecasts whose window reaches past the first 10 s of the hole are censored, not scored
    // as "not filled" against the last book before it.
    const preds = readFileSync(join(out, "predictions.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map(
        (l) => JSON.parse(l) as { ts_ms: number; horizons: { horizon_ms: number; filled: boolean | null }[] },
      );
    const spanning = preds.filter(
      (p) => p.ts_ms <= lastBeforeGap && p.ts_ms + 30_000 > lastBeforeGap + 10_000,
    );
    expect(spanning.length).toBeGreaterThan(0);
    for (const p of spanning) expect(p.horizons.find((h) => h.horizon_ms === 30_000)!.filled).toBeNull();
  });
});

describe("a wide-tick instrument", () => {
  it("fits A·e^{−κδ} from prints tens of bps deep instead of quoting on the prior", async () => {
    // A recorded synthetic market at 0.5 with a 10 bps tick whose market orders reach Exp(κ = 400)
    // (mean 25 bps): on a fixed 0–10 bps grid every print sits at or past the grid's end and the
    // fit never passes; the adaptive grid follows the tape out to its 99 % depth.
    const dir = tempDir();
    const market = new SyntheticMarket({
      seed: 7,
      durationSec: 1800,
      initialMid: 0.5,
      tickSize: 0.0005,
      lotSize: 1,
      marketOrders: { aPerSec: 1.5, kappaPerFrac: 400 },
      book: { touchSize: 500, coarseStepBps: 10 },
    });
    const rec = new Recorder({ dir: join(dir, "rec"), source: "synthetic-wide" });
    for (const e of market.events()) await rec.write(e);
    await rec.close();
    const input = join(dir, "rec", readdirSync(join(dir, "rec"))[0]!);
    const out = join(dir, "out");
    await runInProcess({ source: "replay", input, outputDir: out });
    const rows = readFileSync(join(out, "predictions.jsonl"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { arrival_model: string; market: { kappa: number } });
    const late = rows.slice(rows.length >> 1);
    expect(late.length).toBeGreaterThan(1000);
    const kappas = late.map((r) => r.market.kappa).sort((a, b) => a - b);
    const median = kappas[kappas.length >> 1]!;
    expect(Math.abs(median / 400 - 1)).toBeLessThan(0.15);
    expect(late.filter((r) => r.arrival_model === "exponential").length / late.length).toBeGreaterThan(0.9);
  });
});
