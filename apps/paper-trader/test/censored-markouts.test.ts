/**
 * Markouts cut short by the stop: a fill whose primary (5 s) horizon had not passed when the run
 * stopped has no realized edge; its edge_validation record is written (null edge) but it is not a
 * marked fill, nor a win, in the counters behind the report's win rate.
 */
import { describe, expect, it } from "vitest";
import { finishTrader } from "../src/shutdown.js";
import { loggedGridTrader, streamRecords } from "./helpers.js";
import { sweepOurBids } from "./grid-events.js";

/** Our three bids (99.9, 99.8, 99.7; 2 bps maker fee) swept at +5.1 s (mid 100), books to +`endMs`, then the stop: the counters and the edge records. */
function sweptAndStopped(endMs: number): {
  marked: number;
  wins: number;
  edges: (number | null)[];
} {
  const { dir, out, t } = loggedGridTrader({ orderSizeBase: 0.001, makerFeeBps: 2 });
  sweepOurBids(t, endMs);
  finishTrader(t, "end of test");
  out.close();
  const edges = streamRecords<{ realized_edge_bps: number | null }>(dir, "edge_validation.jsonl");
  return {
    marked: t.counters.markedFills,
    wins: t.counters.wins,
    edges: edges.map((e) => e.realized_edge_bps),
  };
}

describe("fills whose markout the stop cut short", () => {
  it("stopped 2 s after the fills (before their 5 s horizon): written with a null edge, none marked", () => {
    const r = sweptAndStopped(7100);
    expect(r.edges).toEqual([null, null, null]);
    expect(r.marked).toBe(0);
    expect(r.wins).toBe(0);
  });

  it("stopped at the 5 s horizon: all three marked, each a win (edge = depth 10/20/30 bps − the 2 bps fee)", () => {
    const r = sweptAndStopped(10_100);
    expect(r.edges.length).toBe(3);
    for (const [i, edge] of [8, 18, 28].entries()) expect(r.edges[i]).toBeCloseTo(edge, 9);
    expect(r.marked).toBe(3);
    expect(r.wins).toBe(3);
  });
});
