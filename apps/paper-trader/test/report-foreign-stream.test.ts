/**
 * The calibration report on real paper-trader runs: a stream copied from another run is caught
 * (INSUFFICIENT DATA, exit 3, a note naming it), while a normal run, a run resumed after a SIGKILL and
 * a run paused by SIGINT and resumed are judged as before (no mixed-run finding).
 */
import { cpSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HL_SAMPLE, killAtMidCheckpoint, runInProcess, spawnCli, tempDir, waitFor } from "./helpers.js";
import { runReport } from "./report-cli.js";

interface Model {
  runMixing: { detected: boolean; foreignStreams: { file: string }[] };
  verdict: { overall: string; notes: string[] };
  issueCount: number;
}

/** The report of `dir`: exit code and model. */
function judge(dir: string): { status: number | null; model: Model; stderr: string } {
  const json = join(dir, "report.json");
  const r = runReport(dir, json, "-q");
  return { status: r.status, stderr: r.stderr, model: JSON.parse(readFileSync(json, "utf8")) as Model };
}

/** A copy of run `dir` whose `file` is `other`'s. */
function withFileOf(dir: string, other: string, file: string): string {
  const out = join(tempDir(), "mixed");
  cpSync(dir, out, { recursive: true });
  cpSync(join(other, file), join(out, file));
  return out;
}

describe("calibration report: streams of one run", () => {
  it("another run's equity.jsonl, fills.jsonl or edge_validation.jsonl in a 600 s run's directory → exit 3, named", async () => {
    const run = join(tempDir(), "run");
    await runInProcess({ durationSec: 600, seed: 3, outputDir: run });
    const base = judge(run);
    expect(base.model.runMixing.detected, base.stderr).toBe(false);
    expect(base.model.issueCount).toBe(0);
    // QA's case: a Hyperliquid replay's equity (2025-01-26) in a synthetic run (2025-01-01)
    const hl = join(tempDir(), "hl");
    await runInProcess({ source: "replay", input: HL_SAMPLE, outputDir: hl });
    // a 1 h synthetic run: same start time, its fills and edges run 50 minutes past this run's end
    const longer = join(tempDir(), "longer");
    await runInProcess({ durationSec: 3600, seed: 7, outputDir: longer });
    for (const [other, file] of [
      [hl, "equity.jsonl"],
      [longer, "fills.jsonl"],
      [longer, "edge_validation.jsonl"],
    ] as const) {
      const r = judge(withFileOf(run, other, file));
      expect(r.status, file).toBe(3);
      expect(r.model.verdict.overall).toBe("INSUFFICIENT DATA");
      expect(r.model.runMixing.foreignStreams.map((f) => f.file)).toEqual([file]);
      const notes = r.model.verdict.notes.join("\n");
      expect(notes).toContain("WARNING: MIXED RUNS");
      expect(notes).toMatch(
        new RegExp(`${file.replace(".", "\\.")} \\(.*\\) does not fit the rest of the run`),
      );
    }
  }, 180_000);

  it("a run resumed after a SIGKILL, and one paused by SIGINT then resumed: no finding, judged as the whole run", async () => {
    const killed = join(tempDir(), "killed");
    const args = ["--duration", "1800", "--seed", "5", "--speed", "300x", "--log-level", "warn"];
    const k = spawnCli([...args, "--checkpoint-every-min", "1", "--output-dir", killed]);
    expect(await killAtMidCheckpoint(k, killed)).toBe(true);
    await runInProcess({ durationSec: 1800, seed: 5, outputDir: killed, resume: true });
    const whole = join(tempDir(), "whole");
    await runInProcess({ durationSec: 1800, seed: 5, outputDir: whole });
    const resumed = judge(killed);
    expect(resumed.model.runMixing.detected, resumed.stderr).toBe(false);
    expect(resumed.model.issueCount).toBe(0);
    expect(resumed.model.verdict).toEqual(judge(whole).model.verdict); // byte-identical streams

    const paused = join(tempDir(), "paused");
    const p = spawnCli([...args, "--output-dir", paused]);
    expect(await waitFor(() => existsSync(join(paused, "checkpoint.json")), 30_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 1000));
    p.child.kill("SIGINT");
    expect((await p.done).stdout).toContain("--resume continues this run");
    await runInProcess({ durationSec: 1800, seed: 5, outputDir: paused, resume: true });
    const events = readFileSync(join(paused, "events.jsonl"), "utf8").match(/"run_end"/g) ?? [];
    expect(events).toHaveLength(2); // the pause's and the end's
    const r = judge(paused);
    expect(r.model.runMixing.detected, r.stderr).toBe(false);
    expect(r.model.issueCount).toBe(0);
    expect([1, 3]).toContain(r.status); // judged (5,000 fills not reached), never a mixed-run call
    expect(r.model.verdict.notes.join("\n")).not.toMatch(/MIXED RUNS/);
  }, 300_000);
});
