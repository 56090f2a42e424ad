/**
 * The per-signal Sharpe, recomputed from the files alone: each fill's PnL (its primary-horizon
 * markout edge × notional) booked at its fill time, for the signals active in the cycle that placed
 * it, in 60 s buckets on the capital base. The trader learns that PnL only when the fill's last
 * markout is in (30 s later), so this checks that it still lands in the fill's own bucket.
 */
import { describe, expect, it } from "vitest";
import { runInProcess, streamRecords, tempDir } from "./helpers.js";

interface Edge {
  ts_ms: number;
  cycle_id?: number;
  price: number;
  size: number;
  realized_edge_bps: number | null;
}
interface Contribution {
  cycle_id: number;
  contributions: { signal_name: string; was_active: boolean }[];
}
interface SharpeLine {
  ts_ms: number;
  scope: string;
  signal_name?: string;
  capital_base: number;
  final?: true;
  windows: { window: string; n: number; mean_return_bps: number | null; std_return_bps: number | null }[];
}

const BUCKET_MS = 60_000;

/** The signals active in each quote cycle, from signal_contributions.jsonl. */
function activeSignalsByCycle(dir: string): Map<number, string[]> {
  const active = new Map<number, string[]>();
  for (const c of streamRecords<Contribution>(dir, "signal_contributions.jsonl"))
    active.set(
      c.cycle_id,
      c.contributions.filter((x) => x.was_active).map((x) => x.signal_name),
    );
  return active;
}

describe("per-signal Sharpe from the files alone", () => {
  it("books each fill's PnL in the bucket of its fill time, as an independent recomputation does", async () => {
    const dir = tempDir();
    await runInProcess({ durationSec: 3600, seed: 5, outputDir: dir });
    const active = activeSignalsByCycle(dir);
    const lines = streamRecords<SharpeLine>(dir, "sharpe_metrics.jsonl");
    const endTs = lines[lines.length - 1]!.ts_ms;
    // the shutdown's records, with every markout in: flagged `final`, the last of each signal,
    // after the periodic ones of the same instant (the run ends on a 60 s analytics instant)
    const closing = lines.filter((l) => l.final === true);
    const last = new Map<string, SharpeLine>();
    for (const l of lines) if (l.scope === "signal") last.set(l.signal_name!, l);
    const finals = [...last.values()];
    expect(finals.length).toBeGreaterThan(2);
    expect(closing).toEqual([lines.find((l) => l.scope === "portfolio" && l.final === true), ...finals]);
    expect(lines.filter((l) => l.ts_ms === endTs).length).toBe(2 * closing.length);
    for (const f of finals) expect(f.ts_ms).toBe(endTs);
    // the per-signal trackers cover the portfolio's buckets: from the run's first equity sample
    // (not one markout lag before it, which added a zero bucket from before the run)
    const portfolioAll = closing[0]!.windows.find((w) => w.window === "all")!;
    const start = streamRecords<{ ts_ms: number }>(dir, "equity.jsonl")[0]!.ts_ms;
    const b0 = Math.floor(start / BUCKET_MS);
    const bEnd = Math.floor(endTs / BUCKET_MS); // the bucket in progress at the end is not closed
    let checked = 0;
    for (const fin of finals) {
      const name = fin.signal_name!;
      const pnlByBucket = new Float64Array(bEnd - b0);
      for (const e of streamRecords<Edge>(dir, "edge_validation.jsonl")) {
        if (e.realized_edge_bps === null || e.cycle_id === undefined) continue;
        if (!(active.get(e.cycle_id) ?? []).includes(name)) continue;
        const b = Math.floor(e.ts_ms / BUCKET_MS) - b0;
        if (b >= 0 && b < pnlByBucket.length)
          pnlByBucket[b]! += (e.realized_edge_bps * e.price * e.size) / 1e4;
      }
      const rets = Array.from(pnlByBucket, (p) => (p / fin.capital_base) * 1e4);
      const mean = rets.reduce((s, r) => s + r, 0) / rets.length;
      const std = Math.sqrt(rets.reduce((s, r) => s + (r - mean) ** 2, 0) / (rets.length - 1));
      const all = fin.windows.find((w) => w.window === "all")!;
      expect(all.n, name).toBe(rets.length);
      expect(all.n, name).toBe(portfolioAll.n);
      if (std === 0) continue; // a signal never active: nothing to compare
      expect(all.mean_return_bps! / mean, name).toBeCloseTo(1, 9);
      expect(all.std_return_bps! / std, name).toBeCloseTo(1, 9);
      checked++;
    }
    expect(checked).toBeGreaterThan(1);
  }, 120_000);

  it("counts each marked fill for the signals active in the cycle that placed it (signal_pnl.jsonl), as the files do", async () => {
    const dir = tempDir();
    await runInProcess({ durationSec: 1800, seed: 5, outputDir: dir });
    const active = activeSignalsByCycle(dir);
    const pnl = streamRecords<{ signals: Record<string, { n_active: number; n_inactive: number }> }>(
      dir,
      "signal_pnl.jsonl",
    );
    const final = pnl[pnl.length - 1]!.signals;
    const marked = streamRecords<Edge>(dir, "edge_validation.jsonl").filter(
      (e) => e.realized_edge_bps !== null && e.cycle_id !== undefined,
    );
    expect(marked.length).toBeGreaterThan(10);
    let someActive = false;
    for (const [name, st] of Object.entries(final)) {
      const n = marked.filter((e) => (active.get(e.cycle_id!) ?? []).includes(name)).length;
      expect(st.n_active, name).toBe(n);
      expect(st.n_active + st.n_inactive, name).toBe(marked.length);
      if (n > 0) someActive = true;
    }
    expect(someActive).toBe(true);
  }, 120_000);
});
