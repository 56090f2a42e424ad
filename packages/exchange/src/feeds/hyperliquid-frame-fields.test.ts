import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parseHyperliquidFrame } from "./hyperliquid-messages.js";

// A Hyperliquid frame as the parser turns it into events: a `trades` frame's merged sizes, sweep
// flag, merge count and clock; a one-sided `bbo`; the `l2Book` levels it refuses.

const sweepFrame = (): string =>
  gunzipSync(
    readFileSync(fileURLToPath(new URL("../../fixtures/hyperliquid-btc-20250126.gz", import.meta.url))),
  )
    .toString("utf8")
    .split("\n")
    .filter((l) => l.includes('"channel":"trades"') && l.includes("0xfc4282b8d9720fd2"))
    .map((l) => l.slice(l.indexOf(" ") + 1))[0]!;

describe("Hyperliquid trades frame", () => {
  it("a recorded sweep: same-price prints of one action summed, the sweep flag on all but the last, times T", () => {
    // The recorded frame (7 prints, one hash, time 1737918865696, side A): 105055.0 × {0.06201,
    // 0.00022, 0.00073, 0.05709}, then 105054.0 × 0.1428, 105053.0 × 0.1428, 105051.0 × 0.19435.
    const r = parseHyperliquidFrame(sweepFrame(), 42);
    expect(r.kind).toBe("events");
    if (r.kind !== "events") return;
    expect(r.mergedPrints).toBe(3);
    expect(r.events).toEqual(
      [
        [105055, 0.12005, "263093414230942", true], // 0.06201 + 0.00022 + 0.00073 + 0.05709
        [105054, 0.1428, "1022834547421488", true],
        [105053, 0.1428, "928358812025316", true],
        [105051, 0.19435, "577844954362136", false],
      ].map(([price, size, id, sweep]) => ({
        type: "trade",
        exchangeTsMs: 1737918865696,
        localTsMs: 42,
        trade: {
          price,
          size,
          aggressor: "sell",
          exchangeTsMs: 1737918865696,
          localTsMs: 42,
          id,
          ...(sweep ? { sweepContinues: true } : {}),
        },
      })),
    );
  });

  it("a frame with nothing to merge has no mergedPrints", () => {
    const t = (tid: number, hash: string): Record<string, unknown> => ({
      coin: "BTC",
      side: "B",
      px: "10.0",
      sz: "1.0",
      time: 5,
      tid,
      hash,
    });
    const r = parseHyperliquidFrame(
      JSON.stringify({ channel: "trades", data: [t(1, "0xab"), t(2, "0xcd")] }),
      0,
    );
    expect(r.kind === "events" && r.events.length).toBe(2);
    expect(r.kind === "events" && "mergedPrints" in r).toBe(false);
  });

  it("a one-sided bbo (a null side) is ignored, never throws", () => {
    const text = JSON.stringify({
      channel: "bbo",
      data: { coin: "BTC", time: 1, bbo: [{ px: "10.0", sz: "1.0", n: 1 }, null] },
    });
    expect(parseHyperliquidFrame(text, 0)).toEqual({ kind: "ignored", channel: "bbo(one-sided)" });
  });
});

describe("Hyperliquid l2Book refusals (fast path and schema agree)", () => {
  const book = (levels: unknown): string =>
    JSON.stringify({ channel: "l2Book", data: { coin: "BTC", time: 1, levels } });
  const lv = (px: string, n = 1): Record<string, unknown> => ({ px, sz: "1.0", n });

  it("a level with a negative order count is invalid", () => {
    expect(parseHyperliquidFrame(book([[lv("10.0", -1)], [lv("11.0")]]), 0)).toMatchObject({
      kind: "invalid",
    });
  });

  it("a price that is a decimal string but overflows to Infinity is invalid, named by its path", () => {
    expect(parseHyperliquidFrame(book([[lv("1".repeat(400))], [lv("11.0")]]), 0)).toEqual({
      kind: "invalid",
      error: "l2Book levels.0.0.px: decimal string",
    });
  });

  it("levels must be exactly [bids, asks]: a third array is invalid", () => {
    expect(parseHyperliquidFrame(book([[lv("10.0")], [lv("11.0")], []]), 0)).toMatchObject({
      kind: "invalid",
    });
  });
});
