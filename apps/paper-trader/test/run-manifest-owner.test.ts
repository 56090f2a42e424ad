/** A resumed run reads its start time and clock from run.json only when that run.json is its own (same run_id). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { manifestClock, manifestStart } from "../src/resume.js";
import { tempDir } from "./helpers.js";

/** A directory holding a run.json of run `runId`, started at `startedMs`, replayed on `clock`. */
function dirWithManifest(runId: string, startedMs: number, clock: "local" | "exchange"): string {
  const dir = tempDir("mmkit-pt-manifest-");
  writeFileSync(
    join(dir, "run.json"),
    JSON.stringify({ run_id: runId, started_ts_ms: startedMs, source: { kind: "live", clock } }),
  );
  return dir;
}

describe("run.json of the run being resumed", () => {
  it("gives its start time and clock", () => {
    const dir = dirWithManifest("run-a", 1_700_000_000_000, "local");
    expect(manifestStart(dir, "run-a")).toBe(1_700_000_000_000);
    expect(manifestClock(dir, "run-a")).toBe("local");
  });

  it("of another run gives neither (the resumed run keeps its own start: a left-over run.json is not its history)", () => {
    const dir = dirWithManifest("run-b", 1_700_000_000_000, "local");
    expect(manifestStart(dir, "run-a")).toBeNull();
    expect(manifestClock(dir, "run-a")).toBeNull();
  });

  it("missing or unreadable gives neither", () => {
    const dir = tempDir("mmkit-pt-manifest-");
    expect(manifestStart(dir, "run-a")).toBeNull();
    writeFileSync(join(dir, "run.json"), "{ not json");
    expect(manifestStart(dir, "run-a")).toBeNull();
    expect(manifestClock(dir, "run-a")).toBeNull();
  });
});
