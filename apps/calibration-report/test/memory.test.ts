import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { generateRun } from "../bench/generate.js";

const APP = join(dirname(fileURLToPath(import.meta.url)), "..");

describe("bounded memory", () => {
  it("builds the report of a ~50 MB run inside a 64 MB JS heap (a non-streaming reader would die)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mem-"));
    try {
      const gen = await generateRun(dir, 50e6, 7);
      expect(gen.bytes).toBeGreaterThan(45e6);
      const res = spawnSync(
        process.execPath,
        [
          "--max-old-space-size=64",
          "--import",
          "tsx",
          join(APP, "bench", "run-report.ts"),
          dir,
          String(gen.bytes),
        ],
        { cwd: APP, encoding: "utf8", timeout: 120_000 },
      );
      expect(res.status, res.stderr.slice(-2000)).toBe(0);
      const out = JSON.parse(res.stdout.trim().split("\n").pop()!);
      console.log(`50 MB run: ${out.mbPerSec.toFixed(1)} MB/s, peak RSS ${out.maxRssMB.toFixed(0)} MB`);
      expect(out.fills).toBe(gen.fills);
      expect(out.predictions).toBe(gen.cycles * 4);
      expect(out.equityPoints).toBeLessThanOrEqual(2000);
      expect(out.issues).toBe(0);
      expect(out.maxRssMB).toBeLessThan(400);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
