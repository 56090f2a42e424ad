/** Fills into the loop's analytics: the `[FILL PNL]` line, the markout counters, refused books in the metrics. */
import { describe, expect, it } from "vitest";
import { RunMetrics } from "../src/metrics.js";
import { capturingLogger, gridTrader } from "./helpers.js";
import { bookAt, GRID_T0 as T0, gridBook, sweepOurBids } from "./grid-events.js";

describe("fills into the analytics", () => {
  it("logs each buy fill's depth under the mid: (100 − price) / 100 in bps", () => {
    const lines: { level: number; msg: string }[] = [];
    const t = gridTrader({ orderSizeBase: 0.001 }, { logger: capturingLogger(lines) });
    sweepOurBids(t, 6000);
    const fills = lines.filter((l) => l.msg.startsWith("[FILL PNL] "));
    expect(fills.length).toBe(3);
    for (const f of fills) {
      const m = / side=Buy price=([\d.]+) size=0\.001 .* mid_at_fill=100\.0+ depth_bps=([\d.]+) /.exec(f.msg);
      expect(m, f.msg).not.toBeNull();
      const price = Number(m![1]);
      expect(price).toBeLessThan(100);
      expect(Number(m![2])).toBeCloseTo(((100 - price) / 100) * 1e4, 3);
    }
  });

  it("counts each fill once its primary markout is in, and a positive edge as a win", () => {
    const t = gridTrader({ orderSizeBase: 0.001, makerFeeBps: 2 });
    sweepOurBids(t, 5100); // the fills at +5.1 s, nothing after them
    expect(t.counters.fills).toBe(3);
    expect(t.counters.markedFills).toBe(0); // 5 s not yet passed since the fills
    for (let ts = T0 + 5200; ts <= T0 + 45_000; ts += 100) t.onEvent(gridBook(ts)); // every horizon (30 s) passed
    // three fills, each 20 bps inside a mid that never moved, 2 bps fee: +18 bps each
    expect(t.counters.fills).toBe(3);
    expect(t.counters.markedFills).toBe(3);
    expect(t.counters.wins).toBe(3);
  });

  it("counts the book updates the paper exchange refused in the metrics", async () => {
    const m = new RunMetrics();
    const t = gridTrader({ orderSizeBase: 0.001 }, { metrics: m });
    for (let ts = T0; ts <= T0 + 1000; ts += 100) t.onEvent(gridBook(ts));
    // a crossed book: bid above ask
    t.onEvent(bookAt(T0 + 1100, 100.2, 100.1));
    for (let ts = T0 + 1200; ts <= T0 + 2500; ts += 100) t.onEvent(gridBook(ts));
    const text = await m.registry.metrics();
    expect(text).toMatch(/^mmkit_rejected_book_events_total 1$/m);
  });
});
