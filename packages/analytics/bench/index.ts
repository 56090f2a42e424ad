/** Benchmarks: JSONL read throughput (MB/s) and tracker update cost (µs). Run: `pnpm bench`. */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { benchLatency } from "../../../bench/harness.js";
import {
  AnalyticsLogger,
  BrierCalibration,
  EdgeTracker,
  fillSchema,
  type PredictionRecord,
  predictionSchema,
  readJsonl,
  SeededRandom,
  SharpeTracker,
  SignalPnLAttributor,
  STREAM_FILES,
  stamp,
} from "../src/index.js";

function prediction(i: number, rng: SeededRandom): PredictionRecord {
  const p = rng.next();
  return {
    ...stamp(1_700_000_000_000 + i * 100),
    cycle_id: Math.floor(i / 6),
    order_id: `o-${i}`,
    level: i % 3,
    side: i % 2 === 0 ? "buy" : "sell",
    price: 60_000 + rng.next() * 10,
    size: 0.001,
    depth_from_mid_bps: 1 + (i % 3) * 2.5,
    mid: 60_005,
    fill_model: "queue_position",
    horizons: [
      { horizon_ms: 100, p_fill: p / 4, filled: rng.next() < p / 4, censored: false },
      { horizon_ms: 1000, p_fill: p / 2, filled: rng.next() < p / 2, censored: false },
      { horizon_ms: 10_000, p_fill: p, filled: null, censored: true },
    ],
    p_fill_100ms: p / 4,
    p_fill_1s: p / 2,
    p_fill_10s: p,
    censored: true,
  };
}

/** Best of `reps` runs; prints wall-clock MiB/s and CPU-time MiB/s (the machine is shared, so CPU time is the steadier figure). */
async function readThroughput(
  label: string,
  path: string,
  validate: boolean,
  schema = predictionSchema,
  reps = 3,
): Promise<void> {
  const bytes = statSync(path).size;
  let bestWall = Number.POSITIVE_INFINITY;
  let bestCpu = Number.POSITIVE_INFINITY;
  let n = 0;
  let bad = 0;
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const reader = readJsonl(path, schema, { validate });
    n = 0;
    for await (const batch of reader.batches()) n += batch.length;
    const c = process.cpuUsage(c0);
    bestWall = Math.min(bestWall, (performance.now() - t0) / 1000);
    bestCpu = Math.min(bestCpu, (c.user + c.system) / 1e6);
    bad = reader.stats.bad;
  }
  const mib = bytes / 2 ** 20;
  console.log(
    `${label.padEnd(48)} wall ${(mib / bestWall).toFixed(0)} MiB/s, cpu ${(mib / bestCpu).toFixed(0)} MiB/s ` +
      `(${n.toLocaleString("en-US")} records, ${mib.toFixed(0)} MiB, best of ${reps}, bad=${bad})`,
  );
}

/** Ceiling of this machine: JSON.parse alone over the same lines already in memory. */
function jsonParseCeiling(path: string): void {
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n").filter((l) => l.length > 0);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let k = 0;
  for (const l of lines) k += JSON.parse(l) ? 1 : 0;
  const c = process.cpuUsage(c0);
  const mib = Buffer.byteLength(text) / 2 ** 20;
  console.log(
    `${"baseline: JSON.parse only, lines in memory".padEnd(48)} wall ${(mib / ((performance.now() - t0) / 1000)).toFixed(0)} MiB/s, ` +
      `cpu ${(mib / ((c.user + c.system) / 1e6)).toFixed(0)} MiB/s (${k.toLocaleString("en-US")} lines)`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "mmkit-analytics-bench-"));
  try {
    const rng = new SeededRandom(1);
    const log = new AnalyticsLogger({
      dir,
      flushIntervalMs: 0,
      maxBufferBytes: 1 << 20,
      rotateBytes: 1 << 30,
    });
    const N = 200_000;
    const predictions = Array.from({ length: N }, (_, i) => prediction(i, rng));
    const cw0 = process.cpuUsage();
    let t0 = performance.now();
    for (const p of predictions) log.write("predictions", p);
    const cw = process.cpuUsage(cw0);
    const wWall = (performance.now() - t0) / 1000;
    console.log(
      `${"AnalyticsLogger.write predictions (validate+buffer+flush)".padEnd(48)} wall ${((wWall * 1e6) / N).toFixed(2)}µs, ` +
        `cpu ${((cw.user + cw.system) / N).toFixed(2)}µs per record`,
    );
    t0 = performance.now();
    for (let i = 0; i < N; i++) {
      log.write("fills", {
        ...stamp(1_700_000_000_000 + i),
        fill_id: `f${i}`,
        order_id: `o${i}`,
        cycle_id: i,
        level: 0,
        side: "buy",
        price: 60_000 + i / 100,
        size: 0.001,
        fee: -0.0001,
        fee_bps: -0.1,
        liquidity: "maker",
        mid_at_fill: 60_001,
        position_after: 0.01,
        spread_capture: 0.0005,
        realized_pnl: null,
        cum_pnl: 0.01 * i,
      });
    }
    log.close();
    const predPath = join(dir, STREAM_FILES.predictions);
    const fillPath = join(dir, STREAM_FILES.fills);
    jsonParseCeiling(predPath);
    await readThroughput("readJsonl predictions (validated)", predPath, true);
    await readThroughput("readJsonl predictions (validate: false)", predPath, false);
    await readThroughput("readJsonl fills (validated)", fillPath, true, fillSchema as never);

    const sharpe = new SharpeTracker({ capitalBase: 100_000 });
    let eq = 100_000;
    benchLatency(
      "SharpeTracker.update (1 sample/s)",
      (i) => {
        eq += rng.next() - 0.5;
        sharpe.update(i * 1000, eq);
      },
      1_000_000,
      50_000,
    );
    t0 = performance.now();
    for (let i = 0; i < 20; i++) sharpe.summary(1_100_000_000 + i);
    console.log(
      `${"SharpeTracker.summary (7d ring full)".padEnd(48)} ${(((performance.now() - t0) / 20) * 1000).toFixed(0)}µs`,
    );
    const edge = new EdgeTracker();
    // One fill a second: each fill is paired with the fills within twice the longest horizon (here
    // 20), so the cost grows with the fill rate × horizon (a fill per ms: ~1 ms per update).
    benchLatency("EdgeTracker.update (3 horizons, 1 fill/s)", (i) => {
      edge.update({
        tsMs: i * 1000,
        predictedEdgeBps: 1,
        feeBps: 0,
        markouts: [
          { horizonMs: 100, realizedEdgeBps: rng.next() },
          { horizonMs: 1000, realizedEdgeBps: rng.next() },
          { horizonMs: 10_000, realizedEdgeBps: rng.next() },
        ],
      });
    });
    const cal = new BrierCalibration();
    benchLatency("BrierCalibration.update", () => {
      const f = rng.next();
      cal.update(f, rng.next() < f);
    });
    const attr = new SignalPnLAttributor({ maxCycles: 10_000 });
    const contributions = ["LeadLag", "InformedFlow", "Regime", "Knife", "VPIN"].map((name, k) => ({
      signal_name: name,
      spread_adjustment_bps: k * 0.3,
      skew_adjustment_bps: 0.1,
      was_active: k % 2 === 0,
      gating_weight: 1,
      raw_value: 0,
    }));
    benchLatency("SignalPnLAttributor cycle+fill (5 signals)", (i) => {
      attr.recordCycle({
        ...stamp(i),
        cycle_id: i,
        contributions,
        total_spread_mult: 1,
        combined_skew_bps: 0,
      });
      attr.recordFill(i, rng.next() - 0.5);
    });
    checkpointCost("SharpeTracker (7-day ring full)", sharpe);
    checkpointCost("SignalPnLAttributor (10,000 cycles)", attr);
    checkpointCost("BrierCalibration (20,000 reservoir)", cal);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU time of getState + JSON.stringify (best of 20) and the checkpoint's size. */
function checkpointCost(label: string, tracker: { getState(): unknown }): void {
  let best = Number.POSITIVE_INFINITY;
  let bytes = 0;
  for (let i = 0; i < 20; i++) {
    const c0 = process.cpuUsage();
    bytes = JSON.stringify(tracker.getState()).length;
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1000);
  }
  console.log(
    `${`checkpoint ${label}`.padEnd(48)} ${best.toFixed(2)} ms getState+stringify, ${bytes.toLocaleString("en-US")} bytes`,
  );
}

await main();
