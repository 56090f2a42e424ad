import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunResult } from "../src/run.js";
import { runAndPause, runInProcess, tempDir } from "./helpers.js";

const RUN = { durationSec: 3600, seed: 7, checkpointEveryMin: 1 } as const;

/** Run in process and stop it (like SIGINT) after `afterMs` of wall time. */
const runAndPauseRun = (outputDir: string, afterMs: number): Promise<RunResult> =>
  runAndPause({ ...RUN, outputDir }, afterMs);

describe("a resumed event-time run goes on after the events it consumed", () => {
  it("every market event is processed exactly once (the event count equals an uninterrupted run's), in one run (run.json keeps its start)", async () => {
    const ref = await runInProcess({ ...RUN, outputDir: tempDir() });
    const dir = tempDir();
    const paused = await runAndPauseRun(dir, 800);
    expect(paused.stopReason).toBe("aborted (--resume continues this run)");
    const cp = JSON.parse(readFileSync(join(dir, "checkpoint.json"), "utf8")) as {
      events_consumed: number;
      counters: { events: number };
    };
    // stopped mid-run, at an event the checkpoint counts as consumed
    expect(cp.events_consumed).toBeGreaterThan(0);
    expect(cp.counters.events).toBeLessThan(ref.events);
    const startedAt = (): number =>
      (JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as { started_ts_ms: number }).started_ts_ms;
    const started = startedAt();
    const resumed = await runInProcess({ ...RUN, outputDir: dir, resume: true });
    // one run: run.json keeps the first session's start
    expect(startedAt()).toBe(started);
    expect(resumed.stopReason).toBe(ref.stopReason);
    // the event the checkpoint was written at is not processed a second time, and none is left out
    expect(resumed.events).toBe(ref.events);
  });
});
