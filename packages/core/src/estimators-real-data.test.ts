/**
 * Estimators on the embedded real Binance USD-M BTCUSDT sample (120 s, 2024-08-08; see data/samples/README.md).
 * Truths are computed independently here from the raw frames (batch realized variance, sweep grouping).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { IntensityEstimator } from "./intensity-estimator.js";
import type { Side } from "./types.js";
import { EwmaVolatility } from "./volatility.js";

interface Tick {
  kind: "bbo";
  tsMs: number;
  mid: number;
}
interface Print {
  kind: "trade";
  tsMs: number;
  price: number;
  aggressor: Side;
}

function loadBinanceSample(): Array<Tick | Print> {
  const url = new URL("../../../data/samples/binance-usdm-btcusdt-20240808-120s.gz", import.meta.url);
  const text = gunzipSync(readFileSync(fileURLToPath(url))).toString("utf8");
  const out: Array<Tick | Print> = [];
  for (const line of text.split("\n")) {
    if (line.length === 0) continue;
    const frame = JSON.parse(line.slice(line.indexOf(" ") + 1)) as { data?: Record<string, unknown> };
    const d = frame.data;
    if (d === undefined) continue; // REST-like depth snapshot line
    if (d["e"] === "bookTicker") {
      out.push({ kind: "bbo", tsMs: Number(d["T"]), mid: (Number(d["b"]) + Number(d["a"])) / 2 });
    } else if (d["e"] === "trade" && d["X"] === "MARKET") {
      // m = buyer is maker → the aggressor sold
      out.push({
        kind: "trade",
        tsMs: Number(d["T"]),
        price: Number(d["p"]),
        aggressor: d["m"] ? "sell" : "buy",
      });
    }
  }
  return out;
}

describe("estimators on real Binance BTCUSDT data", () => {
  const events = loadBinanceSample();

  it("EwmaVolatility with a very long half-life equals the batch realized variance Σr²/T", () => {
    const vol = new EwmaVolatility({ halfLifeSec: 1e12 });
    let sumSq = 0;
    let prev: Tick | null = null;
    let first: Tick | null = null;
    for (const e of events) {
      if (e.kind !== "bbo") continue;
      vol.update(e.tsMs, e.mid);
      if (prev !== null) sumSq += Math.log(e.mid / prev.mid) ** 2;
      first ??= e;
      prev = e;
    }
    const batchSigma = Math.sqrt(sumSq / ((prev!.tsMs - first!.tsMs) / 1000));
    expect(vol.rejectedCount()).toBe(0);
    expect(vol.value() / batchSigma).toBeCloseTo(1, 6);
    // plausible BTC scale: 0.1 … 5 bps per √s
    expect(vol.value()).toBeGreaterThan(1e-5);
    expect(vol.value()).toBeLessThan(5e-4);
  });

  it("IntensityEstimator merges sweeps like an independent grouping and fits a positive κ", () => {
    const est = new IntensityEstimator({
      windowSec: 600,
      maxFitDepthBps: 2,
      fallback: { aPerSec: 1, kappaPerFrac: 1e4 },
    });
    let mid = Number.NaN;
    let groups = 0;
    let lastKey = "";
    let prints = 0;
    let firstTs = Number.NaN;
    let lastTs = Number.NaN;
    for (const e of events) {
      if (e.kind === "bbo") {
        mid = e.mid;
        continue;
      }
      if (!Number.isFinite(mid)) continue;
      est.onTrade(e.tsMs, e.price, e.aggressor, mid);
      prints += 1;
      const key = `${e.tsMs}:${e.aggressor}`;
      if (key !== lastKey) groups += 1;
      lastKey = key;
      if (Number.isNaN(firstTs)) firstTs = e.tsMs;
      lastTs = e.tsMs;
    }
    const fit = est.value();
    expect(prints).toBeGreaterThan(groups); // the sample does contain multi-print sweeps
    expect(fit.sampleCount).toBe(groups);
    expect(fit.observedSec).toBeCloseTo((lastTs - firstTs) / 1000, 9);
    expect(est.survival().count[0]).toBe(groups);
    // BTCUSDT perp: almost all sweeps stop at the touch, so κ is large (1/κ ≈ 0.1 bp) and positive
    expect(fit.fittedKappaPerFrac).toBeGreaterThan(2e4);
    expect(fit.fittedKappaPerFrac).toBeLessThan(5e5);
    expect(fit.r2).toBeGreaterThan(0.5);
  });
});
