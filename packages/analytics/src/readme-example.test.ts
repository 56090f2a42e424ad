// The README's usage example, run as a test so it cannot rot.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import {
  AnalyticsLogger,
  BrierCalibration,
  buildEdgeRecord,
  EdgeTracker,
  edgeSnapshotFromRecord,
  edgeValidationSchema,
  readJsonl,
  SharpeTracker,
  SignalPnLAttributor,
  STREAM_FILES,
  stamp,
  toSignalContribution,
} from "./index.js";

it("README example runs end to end", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mmkit-readme-"));
  try {
    // --- example start ---
    const log = new AnalyticsLogger({ dir }); // dir = "logs/paper_trading" in a real run
    const sharpe = new SharpeTracker({ capitalBase: 10_000 }); // 1-minute buckets, return on starting capital
    const attributor = new SignalPnLAttributor();
    const edge = new EdgeTracker({ minSamples: 30 });
    const calib = new BrierCalibration();

    // each quote cycle: record what every signal did
    const cycle = {
      ...stamp(1_000),
      cycle_id: 1,
      contributions: [
        toSignalContribution({
          name: "Knife",
          spreadAdjBps: 2,
          skewAdjBps: 0,
          active: true,
          confidence: 1,
          rawValue: 0.7,
        }),
      ],
      total_spread_mult: 1.2,
      combined_skew_bps: 0,
    };
    attributor.recordCycle(cycle);
    log.write("signal_contributions", cycle);

    // each fill (once its markouts are observed): edge record, attribution to the PLACING cycle
    const rec = buildEdgeRecord({
      tsMs: 1_500,
      fillId: "f1",
      cycleId: 1,
      side: "buy",
      price: 99.99,
      size: 0.1,
      midAtFill: 100,
      midAtPlacement: 100,
      predictedSpreadBps: 1,
      predictedAsBps: 0.4,
      feeBps: -0.2,
      markoutMids: [
        { horizonMs: 1_000, mid: 99.995 },
        { horizonMs: 10_000, mid: 100.01 },
      ],
    });
    edge.update(edgeSnapshotFromRecord(rec));
    attributor.recordFill(rec.cycle_id, rec.realized_edge_bps ?? 0);
    log.write("edge_validation", rec);
    calib.update(0.35, true); // p_fill forecast and its outcome

    // equity samples (e.g. every second), periodic summaries
    sharpe.update(1_500, 10_000.4);
    log.write("sharpe_metrics", sharpe.summary(120_000));
    log.write("signal_pnl", attributor.summary(120_000));
    console.log(edge.report().verdict); // "INSUFFICIENT_DATA" until 30 fills
    console.log(calib.report()?.brier ?? "no forecasts yet");
    log.close();
    console.log(log.stats().totalInvalid, log.stats().totalWriteErrors); // 0 0

    // another tool (e.g. the calibration report) streams a file back
    const reader = readJsonl(join(dir, STREAM_FILES.edge_validation), edgeValidationSchema);
    for await (const r of reader) console.log(r.fill_id, r.realized_edge_bps);
    console.log(reader.stats, reader.issues); // bad / torn lines with file:line
    // --- example end ---
    expect(edge.report().verdict).toBe("INSUFFICIENT_DATA");
    expect(log.stats().totalInvalid).toBe(0);
    expect(log.stats().totalWritten).toBe(4);
    expect(reader.stats.records).toBe(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
