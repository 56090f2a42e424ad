import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { archivePreviousRun } from "../src/archive.js";
import { capturingLogger, tempDir } from "./helpers.js";

it("archiving a resumable run (paused or killed) warns and says how to continue it; a completed one is a note", async () => {
  // a pause (SIGINT) writes run.json's end too: only the checkpoint's completed_reason tells
  for (const [ended, completed, resumable] of [
    [null, null, true], // killed
    [1_700_000_000_000, null, true], // paused
    [1_700_000_000_000, "duration reached", false], // completed
  ] as const) {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "run.json"), JSON.stringify({ run_id: "r1", ended_ts_ms: ended }));
    writeFileSync(join(dir, "checkpoint.json"), JSON.stringify({ completed_reason: completed }));
    writeFileSync(join(dir, "fills.jsonl"), "");
    const lines: { level: number; msg: string }[] = [];
    archivePreviousRun(dir, capturingLogger(lines));
    await new Promise((r) => setImmediate(r));
    const target = join(dir, "archive", "r1");
    expect(existsSync(join(target, "checkpoint.json"))).toBe(true);
    expect(lines).toHaveLength(1);
    if (resumable) {
      expect(lines[0]!.level).toBe(40);
      expect(lines[0]!.msg).toContain(`continue it with --resume --output-dir ${target}`);
    } else {
      expect(lines[0]).toMatchObject({ level: 30, msg: `[OUTPUT] previous run's files moved to ${target}` });
    }
  }
});
