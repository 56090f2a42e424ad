/** The drawdown and kill-switch lines of the `=== EDGE VALIDATION REPORT ===`, against hand-computed runs. */
import { describe, expect, it } from "vitest";
import { edgeValidationReport } from "../src/report.js";
import { gridTrader, loggedGridTrader, streamRecords } from "./helpers.js";
import { bookAt, GRID_T0 as T0, gridBook, sweepOurBids } from "./grid-events.js";

const CTX = {
  stopReason: "end of input",
  outputDir: null,
  wallSeconds: 1,
  feedSummary: "f",
  instrument: "i",
};

describe("the report's drawdown line", () => {
  it("gives the deepest drop from the peak, not the current one, and the longest time below the peak", () => {
    // long 0.003 after the sweep at +5.1 s; equity samples every second; the peak is the +6 s sample
    // (mid 100). The mid drops 0.15 (+6.1 s to +8.9 s: samples at +7 s, +8 s), then comes back to
    // 99.9 (+9 s to +11 s): 0.003 × 0.15 = 0.00045 below the peak at worst, 0.0003 at the end,
    // below it from +6 s to the last sample at +11 s.
    const { dir, out, t } = loggedGridTrader();
    sweepOurBids(t, 6000);
    for (let ts = T0 + 6100; ts < T0 + 9000; ts += 100) t.onEvent(bookAt(ts, 99.75, 99.95));
    for (let ts = T0 + 9000; ts <= T0 + 11_000; ts += 100) t.onEvent(bookAt(ts, 99.8, 100));
    out.close();
    expect(t.p.exchange.pnl().positionBase).toBeCloseTo(0.003, 12); // nothing filled after the sweep
    // 0.00045 of an equity of ≈ 1.0005: 0.045 %
    expect(edgeValidationReport(t, CTX)).toContain("max_drawdown=0.045% (0.000450), longest underwater 5s");
    // the current drawdown, in every equity line: 0 up to the peak, 0.00045 / peak, then 0.0003 / peak
    const lines = streamRecords<{ ts_ms: number; equity: number; drawdown_frac: number }>(
      dir,
      "equity.jsonl",
    );
    const at = (ms: number) => lines.find((l) => l.ts_ms === T0 + ms)!;
    const peak = at(6000).equity;
    for (let ms = 0; ms <= 6000; ms += 1000) expect(at(ms).drawdown_frac).toBe(0);
    for (const ms of [7000, 8000]) expect(at(ms).drawdown_frac).toBeCloseTo(0.00045 / peak, 12);
    for (const ms of [9000, 10_000, 11_000]) expect(at(ms).drawdown_frac).toBeCloseTo(0.0003 / peak, 12);
  });

  it("n/a before the first equity sample", () => {
    const t = gridTrader({ orderSizeBase: 0.001 });
    expect(edgeValidationReport(t, CTX)).toContain("max_drawdown=n/a");
  });
});

describe("the report's kill-switch lines", () => {
  it("give the state and its reason, then the last five transitions, oldest first", () => {
    // a second of books at +0, +20, +40 and +60 s: each silence goes stale 10 s (+1 ms) after its last
    // book, and the next book makes the switch active again: six transitions, the first not shown
    const t = gridTrader({ orderSizeBase: 0.001 });
    for (const start of [0, 20_000, 40_000, 60_000])
      for (let ts = T0 + start; ts <= T0 + start + 1000; ts += 100) t.onEvent(gridBook(ts));
    expect(t.p.killSwitch.transitions()).toHaveLength(6);
    const lines = edgeValidationReport(t, CTX);
    const head = lines.indexOf("-- Kill switch: ACTIVE (all checks passed) --");
    expect(head).toBeGreaterThan(0);
    // T0 = 1,000,000 ms = 00:16:40 of 1970-01-01
    expect(lines.slice(head + 1, head + 7)).toEqual([
      "  1970-01-01T00:17:00.000Z reduceOnly -> active: all checks passed",
      "  1970-01-01T00:17:11.001Z active -> reduceOnly: stale market data: 10001 ms > 10000 ms",
      "  1970-01-01T00:17:20.000Z reduceOnly -> active: all checks passed",
      "  1970-01-01T00:17:31.001Z active -> reduceOnly: stale market data: 10001 ms > 10000 ms",
      "  1970-01-01T00:17:40.000Z reduceOnly -> active: all checks passed",
      "",
    ]);
  });

  it("name a state other than active in capitals, with the reason it holds", () => {
    const t = gridTrader({ orderSizeBase: 0.001 });
    for (let ts = T0; ts <= T0 + 1000; ts += 100) t.onEvent(gridBook(ts));
    t.onTimer(T0 + 12_000); // 11 s after the last book
    expect(edgeValidationReport(t, CTX)).toContain(
      "-- Kill switch: REDUCEONLY (stale market data: 11000 ms > 10000 ms) --",
    );
  });
});
