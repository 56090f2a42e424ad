/**
 * Fills by prints while the book feed is stuck: their 5 s horizon falls in the data gap (more than
 * the 10 s staleness limit after the last book), where the mid is unknown. The edge records leave
 * those markouts null, and AlphaKappa must not learn them from the last mid before the gap either.
 */
import { describe, expect, it } from "vitest";
import { finishTrader } from "../src/shutdown.js";
import { bookAt, GRID_T0 as T0, gridBook, sellSweep } from "./grid-events.js";
import { loggedGridTrader, streamRecords } from "./helpers.js";

interface EdgeLine {
  markouts: { horizon_ms: number; mid: number | null }[];
}

/** Books to +5 s, our bids swept at +`sweepAtMs` with no book since, the book back at +30 s (mid 99). */
function sweptInStall(sweepAtMs: number): { learned: number; known5s: number; edges: number } {
  const { dir, out, t } = loggedGridTrader({ orderSizeBase: 0.001, makerFeeBps: 2 });
  let ts = T0;
  for (; ts <= T0 + 5000; ts += 100) t.onEvent(gridBook(ts));
  t.onEvent(sellSweep(T0 + sweepAtMs));
  for (ts = T0 + 30_000; ts <= T0 + 70_000; ts += 100) t.onEvent(bookAt(ts, 98.9, 99.1));
  finishTrader(t, "end of test");
  out.close();
  const edges = streamRecords<EdgeLine>(dir, "edge_validation.jsonl");
  const known5s = edges.filter((e) => e.markouts.find((m) => m.horizon_ms === 5000)?.mid != null).length;
  return { learned: t.p.signals.alphaKappa.count, known5s, edges: edges.length };
}

describe("AlphaKappa learns exactly the markouts the edge records know", () => {
  it("fills 6 s into a book stall: horizons at 16 s, inside the gap (from 15 s) — none known, none learned", () => {
    const r = sweptInStall(11_000);
    expect(r.edges).toBe(3);
    expect(r.known5s).toBe(0);
    expect(r.learned).toBe(0);
  });

  it("fills 1 s into it: horizons at 11 s, before the gap starts at 15 s — all known, all learned", () => {
    const r = sweptInStall(6000);
    expect(r.edges).toBe(3);
    expect(r.known5s).toBe(3);
    expect(r.learned).toBe(3);
  });
});
