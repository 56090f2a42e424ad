import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BINANCE_SAMPLE, REPO_ROOT, runInProcess, tempDir } from "./helpers.js";

const REPORT_CLI = fileURLToPath(new URL("../../calibration-report/src/cli.ts", import.meta.url));
const REPORT_TSCONFIG = fileURLToPath(new URL("../../calibration-report/tsconfig.json", import.meta.url));

describe("the calibration report judges a real paper-trader run", () => {
  it("replay of the real Binance sample → calibration-report reads every stream with no issue", async () => {
    const dir = tempDir();
    const run = await runInProcess({ source: "replay", input: BINANCE_SAMPLE, outputDir: dir });
    const json = join(dir, "report.json");
    const r = spawnSync(process.execPath, ["--import", "tsx", REPORT_CLI, dir, "--json", json], {
      cwd: REPO_ROOT,
      env: { ...process.env, TSX_TSCONFIG_PATH: REPORT_TSCONFIG },
      encoding: "utf8",
      timeout: 120_000,
    });
    // 0 = GO, 1 = NO-GO, 3 = insufficient data (a 120 s sample cannot reach 5,000 fills): never 2.
    expect([0, 1, 3], r.stderr).toContain(r.status);
    const model = JSON.parse(readFileSync(json, "utf8")) as {
      missing: string[];
      issueCount: number;
      summary: { fills: number };
      verdict: { overall: string };
    };
    expect(model.missing).toEqual([]);
    expect(model.issueCount).toBe(0);
    expect(model.summary.fills).toBe(run.fills);
    expect(r.stdout).toContain("CALIBRATION REPORT");
  }, 180_000);
});
