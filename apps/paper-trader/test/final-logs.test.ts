import { describe, expect, it } from "vitest";
import { capturingLogger, runInProcess, tempDir } from "./helpers.js";

/** The number after `key=` in a log line (NaN when absent). */
function field(line: string, key: string): number {
  const m = new RegExp(`${key}=(-?[0-9.]+)`).exec(line);
  return m === null ? Number.NaN : Number(m[1]);
}

describe("the log's last analytics lines at shutdown", () => {
  it("a stop between two 60 s marks still ends the log with [ANALYTICS]/[PNL SUMMARY] lines that agree with the report", async () => {
    const lines: { level: number; msg: string }[] = [];
    // 150 s: the last periodic lines are at 120 s, 30 s (and several fills) before the stop
    const r = await runInProcess({ durationSec: 150, seed: 3, outputDir: tempDir() }, capturingLogger(lines));
    expect(r.fills).toBeGreaterThan(0);
    const msgs = lines.map((l) => l.msg);
    const shutdown = msgs.findIndex((m) => m.startsWith("[SHUTDOWN]"));
    const lastPnl = msgs.filter((m) => m.startsWith("[PNL SUMMARY]")).at(-1)!;
    const lastAnalytics = msgs.filter((m) => m.startsWith("[ANALYTICS] Sharpe")).at(-1)!;
    expect(msgs.lastIndexOf(lastPnl)).toBeLessThan(shutdown);
    expect(field(lastPnl, "fills")).toBe(r.fills);
    expect(field(lastAnalytics, "Fills")).toBe(r.fills);
    // the report's total PnL is the last summary's cum
    const total = r.report.find((l) => l.startsWith("spread_capture="));
    expect(total, "report PnL line").toBeDefined();
    expect(total).toContain(`total=${lastPnl.split("cum=")[1]!.split(" ")[0]}`);
  });

  it("a stop on a 60 s mark logs the block once (no second [PNL SUMMARY] with net=+0)", async () => {
    const lines: { level: number; msg: string }[] = [];
    const r = await runInProcess({ durationSec: 120, seed: 3, outputDir: tempDir() }, capturingLogger(lines));
    const pnl = lines.map((l) => l.msg).filter((m) => m.startsWith("[PNL SUMMARY]"));
    expect(pnl).toHaveLength(2);
    expect(field(pnl[1]!, "fills")).toBe(r.fills);
  });
});
