import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { MarketEvent } from "@mmkit/core";
import { describe, expect, it } from "vitest";
import { SignalStack } from "./stack.js";
import { pathEvents, smallConfig, T0 } from "./stack-test-helpers.js";

describe("SignalStack", () => {
  it("gates every signal during warm-up (saying so), then activates; records always sum", () => {
    const stack = new SignalStack(smallConfig);
    let sawWarmup = false;
    let sawActive = false;
    let lastSec = -1;
    for (const ev of pathEvents(1, 900)) {
      stack.onMarketEvent(ev);
      const sec = Math.floor((ev.exchangeTsMs - T0) / 1000);
      if (sec === lastSec) continue;
      lastSec = sec;
      const { effect, record, adjustments } = stack.cycle({
        tsMs: ev.exchangeTsMs,
        baseHalfSpreadBps: 3,
        inventoryFrac: 0,
        pnlQuote: 0,
        notionalQuote: 10_000,
      });
      const sum = record.contributions.reduce((s, c) => s + c.applied_spread_bps, 0);
      expect(Math.abs(sum - record.total_spread_adj_bps)).toBeLessThan(1e-9);
      expect(effect.spreadAdjBps).toBe(record.total_spread_adj_bps);
      if (!stack.warmup.complete) {
        sawWarmup = true;
        for (const a of adjustments) {
          expect(a.active).toBe(false);
          expect(a.note).toMatch(/^warmup \d+%$/);
        }
        expect(effect.regime).toBeUndefined();
        expect(record.total_spread_adj_bps).toBe(0);
      } else if (adjustments.some((a) => a.active)) {
        sawActive = true;
      }
    }
    expect(sawWarmup).toBe(true);
    expect(sawActive).toBe(true);
    expect(stack.regime.fitted).toBe(true);
    const last = stack.cycle({
      tsMs: T0 + 900_000,
      baseHalfSpreadBps: 3,
      pnlQuote: 0,
      notionalQuote: 10_000,
    });
    expect(last.effect.regime).toBeDefined();
    expect(stack.warmupLogLine()).toMatch(/^\[WARMUP\] progress=100%/);
    expect(stack.signalsLogLine(last.effect)).toMatch(/^\[SIGNALS\] alpha=/);
  });

  it("warm-up advances from real market data with zero fills (Binance BTCUSDT sample)", () => {
    const raw = gunzipSync(
      readFileSync(new URL("../../../data/samples/binance-usdm-btcusdt-20240808-120s.gz", import.meta.url)),
    );
    const stack = new SignalStack({ warmup: { bucketsTarget: 12, bucketMs: 5000 } });
    const deflt = new SignalStack();
    let lastTs = 0;
    for (const line of raw.toString("utf8").split("\n")) {
      const sp = line.indexOf(" ");
      if (sp < 0) continue;
      const localMs = Number(line.slice(0, sp)) / 1e6;
      const frame = JSON.parse(line.slice(sp + 1)) as {
        stream?: string;
        data: Record<string, string | number | boolean>;
      };
      if (frame.stream === undefined) continue; // a REST depth snapshot line
      const d = frame.data;
      let ev: MarketEvent | null = null;
      if (frame.stream.endsWith("@bookTicker")) {
        const bbo = {
          bidPrice: Number(d["b"]),
          bidSize: Number(d["B"]),
          askPrice: Number(d["a"]),
          askSize: Number(d["A"]),
        };
        ev = { type: "bbo", exchangeTsMs: Number(d["T"]), localTsMs: localMs, bbo };
      } else if (frame.stream.endsWith("@trade")) {
        const trade = {
          price: Number(d["p"]),
          size: Number(d["q"]),
          aggressor: d["m"] === true ? ("sell" as const) : ("buy" as const),
          exchangeTsMs: Number(d["T"]),
          localTsMs: localMs,
        };
        ev = { type: "trade", exchangeTsMs: Number(d["T"]), localTsMs: localMs, trade };
      }
      if (ev === null) continue;
      stack.onMarketEvent(ev);
      deflt.onMarketEvent(ev);
      lastTs = Math.max(lastTs, ev.exchangeTsMs);
    }
    const r = stack.cycle({ tsMs: lastTs });
    const rd = deflt.cycle({ tsMs: lastTs });
    console.log(`[stack] real data: ${deflt.warmupLogLine()}`);
    console.log(`[stack] real data (60 s bucket target): ${stack.warmupLogLine()}`);
    // Default targets: trades and book updates complete, buckets 23/60 → progress ≈ (1 + 1 + 23/60)/3 ≈ 79%.
    expect(deflt.warmup.counts().fills).toBe(0);
    expect(deflt.warmup.progress()).toBeGreaterThan(0.75);
    expect(rd.adjustments.every((a) => !a.active && a.note === deflt.warmup.note())).toBe(true);
    expect(stack.warmup.complete).toBe(true);
    expect(r.adjustments.find((a) => a.name === "BookImbalance")!.active).toBe(true);
    const knife = r.adjustments.find((a) => a.name === "FallingKnife")!;
    console.log(
      `[stack] real data knife: ${knife.note} active=${knife.active} sigma=${stack.knife.sigmaPerSqrtSec()}`,
    );
    // The sample ends with a ~13 bps fall in its last ~40 s (61826 → 61744): if the guard fires, it must be "down".
    if (knife.active) expect(knife.bidExtraBps).toBeGreaterThan(0);
  });
});
