import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { archivePreviousRun } from "../src/archive.js";
import { capturingLogger, tempDir } from "./helpers.js";

it("archiving an unfinished (resumable) run warns and says how to continue it; a finished one is a note", async () => {
  for (const ended of [null, 1_700_000_000_000]) {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "run.json"), JSON.stringify({ run_id: "r1", ended_ts_ms: ended }));
    writeFileSync(join(dir, "checkpoint.json"), "{}");
    writeFileSync(join(dir, "fills.jsonl"), "");
    const lines: { level: number; msg: string }[] = [];
    archivePreviousRun(dir, capturingLogger(lines));
    await new Promise((r) => setImmediate(r));
    const target = join(dir, "archive", "r1");
    expect(existsSync(join(target, "checkpoint.json"))).toBe(true);
    expect(lines).toHaveLength(1);
    if (ended === null) {
      expect(lines[0]!.level).toBe(40);
      expect(lines[0]!.msg).toContain(`continue it with --resume --output-dir ${target}`);
    } else {
      expect(lines[0]).toMatchObject({ level: 30, msg: `[OUTPUT] previous run's files moved to ${target}` });
    }
  }
});
