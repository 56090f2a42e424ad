import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { STREAM_FILES } from "@mmkit/analytics";
import { describe, expect, it } from "vitest";
import { BINANCE_SAMPLE, readStreams, runInProcess, tempDir } from "./helpers.js";

describe("paper-trader end to end (in process)", () => {
  it("a synthetic run with a fixed seed is deterministic: identical JSONL, fills > 0, no NaN", async () => {
    const a = tempDir();
    const b = tempDir();
    const ra = await runInProcess({ durationSec: 300, seed: 7, outputDir: a });
    const rb = await runInProcess({ durationSec: 300, seed: 7, outputDir: b });
    expect(ra.fills).toBeGreaterThan(0);
    expect(rb.fills).toBe(ra.fills);
    const sa = readStreams(a);
    const sb = readStreams(b);
    expect([...sa.keys()]).toEqual(Object.values(STREAM_FILES).sort());
    for (const [file, text] of sa) {
      expect(sb.get(file), file).toBe(text);
      expect(text.includes("NaN"), `${file} has NaN`).toBe(false);
      for (const line of text.split("\n").filter(Boolean)) JSON.parse(line);
    }
    expect(ra.report.join("\n")).toContain("=== EDGE VALIDATION REPORT ===");
    expect(ra.report.join("\n")).not.toMatch(/NaN/);
    const manifest = JSON.parse(readFileSync(join(a, "run.json"), "utf8"));
    expect(manifest.seed).toBe(7);
    expect(manifest.ended_ts_ms).toBeGreaterThan(0);
    // A different seed gives a different run.
    const c = tempDir();
    await runInProcess({ durationSec: 300, seed: 8, outputDir: c });
    expect(readStreams(c).get("fills.jsonl")).not.toBe(sa.get("fills.jsonl"));
  });

  it("replays the real Binance USD-M sample to completion and writes every stream", async () => {
    const dir = tempDir();
    const r = await runInProcess({ source: "replay", input: BINANCE_SAMPLE, outputDir: dir });
    expect(r.stopReason).toBe("end of data");
    expect(r.events).toBeGreaterThan(29_000);
    for (const f of Object.values(STREAM_FILES)) expect(existsSync(join(dir, f)), f).toBe(true);
    const streams = readStreams(dir);
    for (const f of [
      "signal_contributions.jsonl",
      "predictions.jsonl",
      "equity.jsonl",
      "sharpe_metrics.jsonl",
      "events.jsonl",
    ]) {
      expect(streams.get(f)!.length, f).toBeGreaterThan(0);
    }
    expect(r.report.join("\n")).toContain("source=replay");
  });

  it("the kill switch trips on an injected risk fault, quoting stops and the run reports HALTED", async () => {
    const dir = tempDir();
    const r = await runInProcess({ durationSec: 600, seed: 3, outputDir: dir, crashAtSec: 120 });
    expect(r.stopReason).toMatch(/kill switch HALTED: non-finite equity/);
    const events = readStreams(dir)
      .get("events.jsonl")!
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { kind: string; to?: string; ts_ms: number });
    const halt = events.find((e) => e.kind === "kill_switch" && e.to === "halted");
    expect(halt).toBeDefined();
    const fills = readStreams(dir)
      .get("fills.jsonl")!
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { ts_ms: number });
    // Orders are cancelled at the halt: nothing fills later than the cancel latency allows.
    for (const f of fills) expect(f.ts_ms).toBeLessThanOrEqual(halt!.ts_ms + 1000);
    expect(r.report.join("\n")).toContain("Kill switch: HALTED");
  });

  it("a fresh run never destroys the previous run's files: they are archived", async () => {
    const dir = tempDir();
    await runInProcess({ durationSec: 60, seed: 1, outputDir: dir });
    const first = readStreams(dir).get("fills.jsonl");
    await runInProcess({ durationSec: 60, seed: 1, outputDir: dir });
    const manifest = JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));
    const archived = join(dir, "archive");
    expect(existsSync(archived)).toBe(true);
    // The first run's files are in archive/<its run id>/, intact.
    const [firstRunDir] = readdirSync(archived);
    expect(readStreams(join(archived, firstRunDir!)).get("fills.jsonl")).toBe(first);
    expect(readStreams(dir).get("fills.jsonl")).toBe(first);
    expect(manifest.run_id).toMatch(/^run-synthetic-1-/);
  });
});
