/**
 * How far behind its own time a periodic per-signal sharpe_metrics line closes its buckets: one
 * markout lag, the longest markout horizon (30 s) plus the kill switch's staleness limit (10 s),
 * or up to the latest fill whose PnL (its last markout) is in, when that is later. Checked against
 * the files of a synthetic run, lines every 35 s so that some fall where 30 s and 40 s behind
 * are in different 60 s buckets.
 */
import { expect, it } from "vitest";
import { runInProcess, streamRecords, tempDir } from "./helpers.js";

const BUCKET_MS = 60_000;
const LONGEST_HORIZON_MS = 30_000;
const STALE_DATA_MS = 10_000; // the kill switch's default staleness limit
const LAG_MS = LONGEST_HORIZON_MS + STALE_DATA_MS;

interface SharpeLine {
  ts_ms: number;
  scope: string;
  final?: true;
  windows: { window: string; n: number }[];
}

it("a periodic per-signal line closes buckets up to 30 s + the 10 s staleness limit before it (or the latest marked fill)", async () => {
  const dir = tempDir();
  await runInProcess({ durationSec: 900, seed: 5, analyticsEverySec: 35, outputDir: dir });
  const b0 = Math.floor(streamRecords<{ ts_ms: number }>(dir, "equity.jsonl")[0]!.ts_ms / BUCKET_MS);
  // a fill's PnL reaches the per-signal trackers once its 30 s markout is in, moving them to its time
  const marked = streamRecords<{ ts_ms: number; realized_edge_bps: number | null }>(
    dir,
    "edge_validation.jsonl",
  )
    .filter((e) => e.realized_edge_bps !== null)
    .map((e) => e.ts_ms);
  const periodic = streamRecords<SharpeLine>(dir, "sharpe_metrics.jsonl").filter(
    (l) => l.scope === "signal" && l.final !== true,
  );
  expect(periodic.length).toBeGreaterThan(20);
  let between = 0; // lines where 30 s and 40 s behind are in different buckets
  for (const l of periodic) {
    const lastFill = Math.max(0, ...marked.filter((f) => f + LONGEST_HORIZON_MS <= l.ts_ms));
    const closedTo = Math.max(l.ts_ms - LAG_MS, lastFill);
    const n = l.windows.find((w) => w.window === "all")!.n;
    expect(n, String(l.ts_ms)).toBe(Math.floor(closedTo / BUCKET_MS) - b0);
    const at30 = Math.max(l.ts_ms - LONGEST_HORIZON_MS, lastFill);
    if (Math.floor(at30 / BUCKET_MS) !== Math.floor(closedTo / BUCKET_MS)) between++;
  }
  expect(between).toBeGreaterThan(2);
});
