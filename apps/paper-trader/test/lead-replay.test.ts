import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import {
  BINANCE_SAMPLE,
  capturingLogger,
  expectLeadOnlyInLeadLag,
  runInProcess,
  tempDir,
} from "./helpers.js";

/**
 * A lead-venue capture derived from the repo's real Binance sample: its bookTicker frames with
 * every price × 1.5 (so a lead event reaching the paper book would show) and every time 1 s
 * earlier (the lead shows each move 1 s before the traded venue does), or `shiftMs` later.
 */
function leadCapture(shiftMs = -1000): string {
  const lines = gunzipSync(readFileSync(BINANCE_SAMPLE)).toString("utf8").split("\n");
  const out: string[] = [];
  for (const line of lines) {
    if (!line.includes("@bookTicker")) continue;
    const sp = line.indexOf(" ");
    const msg = JSON.parse(line.slice(sp + 1)) as {
      data: { b: string; a: string; T: number; E: number };
    };
    const d = msg.data;
    d.b = (Number(d.b) * 1.5).toFixed(2);
    d.a = (Number(d.a) * 1.5).toFixed(2);
    d.T += shiftMs;
    d.E += shiftMs;
    out.push(`${BigInt(line.slice(0, sp)) + BigInt(shiftMs) * 1_000_000n} ${JSON.stringify(msg)}`);
  }
  const path = join(tempDir(), "lead-capture.txt");
  writeFileSync(path, `${out.join("\n")}\n`);
  return path;
}

describe("replay with a lead recording (--lead-input)", () => {
  it("merges the lead in exchange time into LeadLag only; the paper book never sees it", async () => {
    const dir = tempDir();
    const r = await runInProcess({
      source: "replay",
      input: BINANCE_SAMPLE,
      leadInput: leadCapture(),
      outputDir: dir,
    });
    expect(r.stopReason).toBe("end of data");
    const manifest = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as {
      source: { lead?: { path: string } };
    };
    expect(manifest.source.lead?.path).toMatch(/lead-capture\.txt$/);
    expect(r.report.find((l) => l.startsWith("Feed: "))).toMatch(/; lead replay:.*bbo=[1-9]/);
    // The traded market is BTCUSDT at ~61.8k; the lead shows ~92.7k. Every prediction's mid is the former.
    expectLeadOnlyInLeadLag(dir, (m) => m < 70_000);
  }, 60_000);

  it("a lead recording of another period is warned about at the start", async () => {
    const lines: { level: number; msg: string }[] = [];
    const day = 86_400_000;
    const r = await runInProcess(
      { source: "replay", input: BINANCE_SAMPLE, leadInput: leadCapture(day), outputDir: tempDir() },
      capturingLogger(lines),
    );
    expect(r.stopReason).toBe("end of data");
    const warned = lines.filter((l) => l.level === 40 && l.msg.startsWith("[LEAD]"));
    expect(warned.map((l) => l.msg)).toEqual([
      expect.stringMatching(
        /^\[LEAD\] the lead recording starts at 2024-08-09T23:54:\S+Z, the traded data at 2024-08-08T23:54:\S+Z: they do not overlap in time/,
      ),
    ]);
  }, 60_000);

  it("a lead recording that starts after the traded data ended is warned about at the end", async () => {
    // 6 minutes later: within the start check's hour, but no lead event falls in the 120 s traded
    const lines: { level: number; msg: string }[] = [];
    await runInProcess(
      { source: "replay", input: BINANCE_SAMPLE, leadInput: leadCapture(360_000), outputDir: tempDir() },
      capturingLogger(lines),
    );
    expect(lines.filter((l) => l.level === 40 && l.msg.startsWith("[LEAD]")).map((l) => l.msg)).toEqual([
      expect.stringMatching(
        /^\[LEAD\] no lead event fell within the traded data's time \(from 2024-08-08T23:54:/,
      ),
    ]);
    // the lead recorded alongside: no warning
    const ok: { level: number; msg: string }[] = [];
    await runInProcess(
      { source: "replay", input: BINANCE_SAMPLE, leadInput: leadCapture(), outputDir: tempDir() },
      capturingLogger(ok),
    );
    expect(ok.filter((l) => l.msg.startsWith("[LEAD]"))).toEqual([]);
  }, 60_000);
});
